"""Learning-rate schedules: PyTorch's values and stepping semantics (fixtures from torch 2.13)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from autodiff import InputError, optim
from autodiff.autograd import Tensor
from autodiff.nn import Parameter
from autodiff.optim import lr_scheduler as S

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "lr_scheduler_torch.json").read_text())

# The recording script's lr_lambdas, by name (tests/fixtures/record_torch.py: LAMBDAS).
LAMBDAS = {
    "0.95^t": lambda t: 0.95 ** t,
    "power s=5 c=-0.5": lambda t: (1 + t / 5) ** -0.5,
    "exp c=0.5 s=10": lambda t: 0.5 ** (t / 10),
    "transformer d=16 warmup=5": lambda t: 16 ** -0.5 * min((t + 1) ** -0.5, (t + 1) * 5 ** -1.5),
    "1/(1+t)": lambda t: 1 / (1 + t),
}
# The lecture's schedules, which torch writes as a LambdaLR.
OURS = {
    "power s=5 c=-0.5": lambda opt: S.PowerLR(opt, s=5, c=-0.5),
    "exp c=0.5 s=10": lambda opt: S.ExponentialDecayLR(opt, s=10, c=0.5),
    "transformer d=16 warmup=5": lambda opt: S.TransformerLR(opt, d_model=16, warmup_steps=5),
}


def optimizer(lrs):
    return optim.SGD([{"params": [Parameter(np.zeros(1))], "lr": lr} for lr in lrs])


def build(opt, name, kwargs):
    kwargs = dict(kwargs)
    if name == "LambdaLR":
        f = kwargs["lr_lambda"]
        kwargs["lr_lambda"] = [LAMBDAS[g] for g in f] if isinstance(f, list) else LAMBDAS[f]
    if name == "SequentialLR":
        subs = [build(opt, n, k) for n, k in kwargs.pop("sub")]
        return S.SequentialLR(opt, subs, **kwargs)
    return getattr(S, name)(opt, **kwargs)


def run(scheduler, opt, epochs):
    lrs = [scheduler.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr())
    return np.array(lrs)


def case_id(case):
    return f"{case['scheduler']}({json.dumps(case['kwargs'])})x{len(case['lrs'])}"


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=case_id)
def test_schedule_matches_torch(case):
    opt = optimizer(case["lrs"])
    scheduler = build(opt, case["scheduler"], case["kwargs"])
    lrs = run(scheduler, opt, FIXTURE["epochs"])
    np.testing.assert_allclose(lrs, case["trajectory"], rtol=1e-12, atol=1e-15)
    assert [g["lr"] for g in opt.param_groups] == scheduler.get_last_lr()
    assert scheduler.last_epoch == case["last_epoch"]


@pytest.mark.parametrize("name", sorted(OURS))
def test_lectures_schedules_match_torchs_lambdalr(name):
    case = next(c for c in FIXTURE["cases"] if c["kwargs"].get("lr_lambda") == name)
    opt = optimizer(case["lrs"])
    lrs = run(OURS[name](opt), opt, FIXTURE["epochs"])
    np.testing.assert_allclose(lrs, case["trajectory"], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", FIXTURE["combined"], ids=lambda c: c["scheduler"])
def test_optimizer_and_scheduler_together_match_torch(case):
    X, Y = np.array(FIXTURE["problem"]["X"]), np.array(FIXTURE["problem"]["Y"])
    W, b = (Parameter(np.array(FIXTURE["problem"][k])) for k in "Wb")
    opt = getattr(optim, case["optimizer"])([W, b], **case["kwargs"])
    scheduler = build(opt, case["scheduler"], case["scheduler_kwargs"])
    trajectory = iter(case["trajectory"])
    for _epoch in range(len(case["trajectory"]) // case["steps_per_epoch"]):
        for _ in range(case["steps_per_epoch"]):
            G = 2 * (X @ W.data + b.data - Y) / Y.size
            W.grad, b.grad = Tensor(X.T @ G + 0.1 * np.cos(W.data)), Tensor(G.sum(axis=0))
            opt.step()
            w_torch, b_torch = next(trajectory)
            assert np.max(np.abs(W.data.ravel() - w_torch)) < 1e-10
            assert np.max(np.abs(b.data - b_torch)) < 1e-10
        scheduler.step()


def test_the_slides_exponential_lr():
    opt = optimizer([0.01])
    scheduler = S.ExponentialLR(opt, gamma=0.9)
    assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.01]
    for epoch in range(1, 6):
        opt.step()
        scheduler.step()
        assert scheduler.last_epoch == epoch
        assert math.isclose(opt.param_groups[0]["lr"], 0.01 * 0.9 ** epoch, rel_tol=1e-14)


@pytest.mark.parametrize("make_it", [
    lambda o: S.StepLR(o, step_size=3, gamma=0.5),
    lambda o: S.ExponentialLR(o, gamma=0.9),
    lambda o: S.LinearLR(o, start_factor=0.2, total_iters=6),
    lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=0.01),
    lambda o: S.PowerLR(o, s=2, c=-1),
], ids=["StepLR", "ExponentialLR", "LinearLR", "CosineAnnealingLR", "PowerLR"])
def test_closed_form_agrees_with_the_chainable_form(make_it):
    stepped, jumped = optimizer([0.1]), optimizer([0.1])
    a, b = make_it(stepped), make_it(jumped)
    for epoch in range(1, 15):
        a.step()
        b.step(epoch)
        assert math.isclose(a.get_last_lr()[0], b.get_last_lr()[0], rel_tol=1e-12)


def test_lectures_linear_schedule_is_linearlr():
    eta0, etaK, K = 0.1, 0.01, 10
    opt = optimizer([eta0])
    lrs = run(S.LinearLR(opt, start_factor=1.0, end_factor=etaK / eta0, total_iters=K), opt, 15)
    expected = [(1 - min(t, K) / K) * eta0 + min(t, K) / K * etaK for t in range(16)]
    np.testing.assert_allclose(lrs[:, 0], expected, rtol=1e-12)


def test_transformer_schedule_peaks_at_the_end_of_warmup():
    opt = optimizer([1.0])
    lrs = run(S.TransformerLR(opt, d_model=512, warmup_steps=40), opt, 200)[:, 0]
    assert int(np.argmax(lrs)) == 39  # step number n = t + 1 = warmup
    assert math.isclose(lrs.max(), 512 ** -0.5 * 40 ** -0.5, rel_tol=1e-12)
    n = np.arange(1, 202)
    np.testing.assert_allclose(lrs, 512 ** -0.5 * np.minimum(n ** -0.5, n * 40 ** -1.5))


def test_state_dict_resumes_the_schedule():
    opt = optimizer([0.1])
    scheduler = S.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        scheduler.step()
    saved, saved_opt = scheduler.state_dict(), opt.state_dict()
    assert "optimizer" not in saved and saved["last_epoch"] == 3
    opt2 = optimizer([0.1])
    opt2.load_state_dict(saved_opt)
    resumed = S.StepLR(opt2, step_size=2, gamma=0.5)
    resumed.load_state_dict(saved)
    opt2.load_state_dict(saved_opt)
    for _ in range(4):
        scheduler.step()
        resumed.step()
        assert resumed.get_last_lr() == scheduler.get_last_lr()


def test_sequential_state_dict_holds_its_schedulers():
    opt = optimizer([0.1])
    warm = S.SequentialLR(opt, [S.LinearLR(opt, 0.1, total_iters=3),
                                S.ExponentialLR(opt, gamma=0.9)], milestones=[3])
    warm.step()
    saved = warm.state_dict()
    assert [s["last_epoch"] for s in saved["_schedulers"]] == [1, -1]


def test_bad_schedules_are_refused():
    opt = optimizer([0.1])
    with pytest.raises(TypeError, match="is not an Optimizer"):
        S.ExponentialLR("sgd", gamma=0.9)
    with pytest.raises(InputError, match="Starting multiplicative factor"):
        S.LinearLR(opt, start_factor=0)
    with pytest.raises(InputError, match="Ending multiplicative factor"):
        S.LinearLR(opt, end_factor=1.5)
    with pytest.raises(InputError, match="Expected 1 lr_lambdas, but got 2"):
        S.LambdaLR(opt, [LAMBDAS["0.95^t"]] * 2)
    with pytest.raises(InputError, match="one more than the number of milestone"):
        S.SequentialLR(opt, [S.ExponentialLR(opt, 0.9)], milestones=[3])
    with pytest.raises(InputError, match="s > 0"):
        S.PowerLR(opt, s=0, c=-1)
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(optimizer([0.1]), step_size=1, last_epoch=4)
