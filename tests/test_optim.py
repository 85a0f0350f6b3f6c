"""Optimizers: PyTorch's trajectories (recorded by tests/fixtures/record_torch.py), to 1e-10.

The problem is ``L(W, b) = mean((X W + b − Y)²) + 0.1·Σ sin(W)`` in float64; its gradient is
computed here in numpy and handed to the optimizer as ``p.grad``, so these tests check the
update rules alone. ``test_backward_drives_the_optimizer`` closes the loop with ``backward()``.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff import InputError, optim
from autodiff.autograd import Tensor, no_grad
from autodiff.nn import Parameter

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "optim_torch.json").read_text())
PROBLEM = {k: np.array(v) for k, v in FIXTURE["problem"].items()}
OPTIMIZERS = [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW]


def gradient(W, b):
    """∂L/∂W = Xᵀ G + 0.1 cos W and ∂L/∂b = Σ_n G, with G = 2(XW + b − Y)/(N·K)."""
    X, Y = PROBLEM["X"], PROBLEM["Y"]
    G = 2 * (X @ W + b - Y) / Y.size
    return X.T @ G + 0.1 * np.cos(W), G.sum(axis=0)


def parameters():
    return Parameter(PROBLEM["W"].copy()), Parameter(PROBLEM["b"].copy())


def make(case, W, b):
    kwargs = dict(case["kwargs"])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    params = [W, b]
    if case["groups"]:
        params = [{"params": [W]}, {"params": [b], "lr": 0.5 * kwargs.get("lr", 0.01)}]
    return getattr(optim, case["optimizer"])(params, **kwargs)


def set_grads(W, b):
    gW, gb = gradient(W.data, b.data)
    W.grad, b.grad = Tensor(gW), Tensor(gb)


def case_id(case):
    options = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['optimizer']}({options}){'-groups' if case['groups'] else ''}"


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=case_id)
def test_trajectory_matches_torch(case):
    W, b = parameters()
    opt = make(case, W, b)
    for t, (w_torch, b_torch) in enumerate(case["trajectory"], start=1):
        opt.zero_grad()
        set_grads(W, b)
        opt.step()
        assert np.max(np.abs(W.data.ravel() - w_torch)) < 1e-10, f"W after step {t}"
        assert np.max(np.abs(b.data - b_torch)) < 1e-10, f"b after step {t}"
    assert sorted(opt.state[W]) == case["state_keys"]


@pytest.mark.parametrize("index", [1, 13])
def test_backward_drives_the_optimizer(index):
    """The same trajectories with the gradient from ``loss.backward()`` instead of numpy."""
    case = FIXTURE["cases"][index]
    W, b = parameters()
    opt = make(case, W, b)
    X, Y = Tensor(PROBLEM["X"]), Tensor(PROBLEM["Y"])
    for w_torch, b_torch in case["trajectory"]:
        opt.zero_grad()
        loss = ((X @ W + b - Y) ** 2).mean() + 0.1 * W.sin().sum()
        loss.backward()
        opt.step()
        assert np.max(np.abs(W.data.ravel() - w_torch)) < 1e-10
        assert np.max(np.abs(b.data - b_torch)) < 1e-10


def test_fixture_covers_several_settings_of_every_optimizer():
    counts = {name: sum(c["optimizer"] == name for c in FIXTURE["cases"])
              for name in ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW")}
    assert min(counts.values()) >= 2 and FIXTURE["torch"].startswith("2.13")


def test_defaults_are_torchs():
    W, _ = parameters()
    assert optim.SGD([W]).defaults["lr"] == 1e-3
    assert optim.RMSprop([W]).defaults["alpha"] == 0.99
    assert optim.Adam([W]).defaults["betas"] == (0.9, 0.999)
    assert optim.Adam([W]).defaults["eps"] == 1e-8
    assert optim.AdamW([W]).defaults["weight_decay"] == 1e-2
    assert optim.Adagrad([W]).defaults["eps"] == 1e-10


def test_sgd_step_is_the_hand_written_numpy_update():
    W, b = parameters()
    opt = optim.SGD([W, b], lr=0.01, momentum=0.9)
    w, v = PROBLEM["W"].copy(), np.zeros_like(PROBLEM["W"])
    for _ in range(5):
        set_grads(W, b)
        gw = gradient(w, b.data)[0]
        v = 0.9 * v + gw
        w = w - 0.01 * v
        opt.step()
        np.testing.assert_allclose(W.data, w, rtol=0, atol=1e-15)


@given(lr=st.floats(0.001, 0.2), mu=st.floats(0.0, 0.95), steps=st.integers(1, 8))
def test_lectures_momentum_is_torchs_while_the_learning_rate_is_constant(lr, mu, steps):
    """Slide: v ← μv − ηg, w ← w + v.  PyTorch: b ← μb + g, w ← w − ηb.  v = −ηb for fixed η."""
    W, b = parameters()
    opt = optim.SGD([W, b], lr=lr, momentum=mu)
    w_slide, v = PROBLEM["W"].copy(), np.zeros_like(PROBLEM["W"])
    for _ in range(steps):
        set_grads(W, b)
        v = mu * v - lr * gradient(w_slide, b.data)[0]
        w_slide = w_slide + v
        opt.step()
    np.testing.assert_allclose(W.data, w_slide, rtol=1e-12, atol=1e-12)


@given(lr=st.floats(0.001, 1.0), mu=st.floats(0.0, 0.99), g=st.floats(-10, 10),
       steps=st.integers(1, 60))
def test_momentum_raises_the_effective_learning_rate_towards_lr_over_one_minus_mu(lr, mu, g,
                                                                                  steps):
    """The quiz: with a constant gradient g, step t moves w by η g (1 − μᵗ)/(1 − μ)."""
    w = Parameter(np.zeros(1))
    opt = optim.SGD([w], lr=lr, momentum=mu)
    for _ in range(steps):
        before = w.data[0]
        w.grad = Tensor(np.array([g]))
        opt.step()
    expected = -lr * g * (1 - mu ** steps) / (1 - mu)
    assert w.data[0] - before == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_lecture_momentum_parts_from_torch_when_the_learning_rate_changes():
    W, b = parameters()
    opt = optim.SGD([W, b], lr=0.1, momentum=0.9)
    w_slide, v = PROBLEM["W"].copy(), np.zeros_like(PROBLEM["W"])
    for lr in (0.1, 0.1, 0.01):
        opt.param_groups[0]["lr"] = lr
        set_grads(W, b)
        v = 0.9 * v - lr * gradient(w_slide, b.data)[0]
        w_slide = w_slide + v
        opt.step()
    assert np.max(np.abs(W.data - w_slide)) > 1e-3


def test_a_parameter_without_gradient_is_skipped():
    W, b = parameters()
    opt = optim.Adam([W, b], lr=0.1)
    set_grads(W, b)
    b.grad = None
    opt.step()
    assert np.array_equal(b.data, PROBLEM["b"]) and b not in opt.state
    assert opt.state[W]["step"] == 1


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    W, b = parameters()
    opt = optim.SGD([W, b], lr=0.1)
    set_grads(W, b)
    opt.zero_grad(set_to_none=set_to_none)
    if set_to_none:
        assert W.grad is None and b.grad is None
    else:
        assert np.all(W.grad.data == 0) and np.all(b.grad.data == 0)


def test_step_returns_the_closures_loss():
    W, b = parameters()
    opt = optim.SGD([W, b], lr=0.1)

    def closure():
        set_grads(W, b)
        return 1.5

    assert opt.step(closure) == 1.5
    assert not np.array_equal(W.data, PROBLEM["W"])


def test_a_closure_records_gradients_even_under_no_grad():
    W, b = parameters()
    opt = optim.SGD([W, b], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (W * W).sum()
        loss.backward()
        return loss

    with no_grad():
        loss = opt.step(closure)
    assert loss.item() == pytest.approx(np.sum(PROBLEM["W"] ** 2))
    np.testing.assert_allclose(W.data, 0.8 * PROBLEM["W"])


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_state_dict_round_trip_continues_the_same_trajectory(cls):
    W, b = parameters()
    opt = cls([W, b], lr=0.05)
    for _ in range(3):
        set_grads(W, b)
        opt.step()
    saved = opt.state_dict()
    W2, b2 = Parameter(W.data.copy()), Parameter(b.data.copy())
    opt2 = cls([W2, b2], lr=0.5)
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == 0.05
    for _ in range(3):
        set_grads(W, b)
        opt.step()
        set_grads(W2, b2)
        opt2.step()
    np.testing.assert_array_equal(W.data, W2.data)
    assert opt2.param_groups[0]["params"] == [W2, b2]


def test_state_dict_numbers_parameters_and_copies_buffers():
    W, b = parameters()
    opt = optim.SGD([{"params": [W]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    set_grads(W, b)
    opt.step()
    saved = opt.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0], [1]]
    assert saved["param_groups"][1]["lr"] == 0.5 and saved["param_groups"][0]["lr"] == 0.1
    before = saved["state"][0]["momentum_buffer"].copy()
    set_grads(W, b)
    opt.step()
    np.testing.assert_array_equal(saved["state"][0]["momentum_buffer"], before)


def test_load_state_dict_refuses_a_different_layout():
    W, b = parameters()
    saved = optim.SGD([W, b], lr=0.1).state_dict()
    with pytest.raises(InputError, match="different number of parameter groups"):
        optim.SGD([{"params": [W]}, {"params": [b]}], lr=0.1).load_state_dict(saved)
    with pytest.raises(InputError, match="doesn't match the size"):
        optim.SGD([W], lr=0.1).load_state_dict(saved)


def test_param_groups_take_missing_options_from_defaults():
    W, b = parameters()
    opt = optim.SGD([{"params": W}], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": [b], "lr": 0.01})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert opt.param_groups[1]["momentum"] == 0.9


def test_named_parameters_are_accepted():
    W, b = parameters()
    opt = optim.Adam([("weight", W), ("bias", b)])
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.param_groups[0]["params"] == [W, b]


def test_repr_lists_each_group():
    W, _ = parameters()
    text = repr(optim.SGD([W], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1\n" in text


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_bad_learning_rate_is_refused_as_torch_words_it(cls):
    W, _ = parameters()
    with pytest.raises(InputError, match=r"^Invalid learning rate: -0.1$"):
        cls([W], lr=-0.1)
    with pytest.raises(InputError, match="Invalid learning rate: nan"):
        cls([W], lr=math.nan)


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_no_parameters_is_refused(cls):
    with pytest.raises(InputError, match="^optimizer got an empty parameter list$"):
        cls([])
    with pytest.raises(InputError, match="empty parameter list"):
        cls(p for p in [])


@pytest.mark.parametrize(("make_it", "message"), [
    (lambda W: optim.Adam([W], betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda W: optim.AdamW([W], betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda W: optim.Adam([W], eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda W: optim.SGD([W], momentum=-0.9), "Invalid momentum value: -0.9"),
    (lambda W: optim.SGD([W], weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda W: optim.SGD([W], lr=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda W: optim.SGD([W], momentum=0.9, dampening=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda W: optim.RMSprop([W], alpha=-0.5), "Invalid alpha value: -0.5"),
    (lambda W: optim.Adagrad([W], lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda W: optim.Adagrad([W], initial_accumulator_value=-1),
     "Invalid initial_accumulator_value value: -1"),
    (lambda W: optim.SGD([{"params": [W]}, {"params": [W]}]),
     "some parameters appear in more than one parameter group"),
])
def test_bad_hyperparameters_are_refused(make_it, message):
    W, _ = parameters()
    with pytest.raises(InputError) as info:
        make_it(W)
    assert str(info.value) == message


def test_wrong_kinds_of_params_are_type_errors():
    W, _ = parameters()
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        optim.SGD(W)
    with pytest.raises(TypeError, match="ordering of tensors in sets"):
        optim.SGD([{"params": {W}}])
    with pytest.raises(TypeError, match="can only optimize Tensors, but one of the params is"):
        optim.SGD([np.zeros(3)])


def test_learning_rate_zero_is_allowed_as_in_torch():
    W, b = parameters()
    opt = optim.SGD([W, b], lr=0.0)
    set_grads(W, b)
    opt.step()
    np.testing.assert_array_equal(W.data, PROBLEM["W"])
