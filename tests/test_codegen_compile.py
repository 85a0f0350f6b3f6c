"""``autodiff.compile`` and ``autodiff.compile_step``: the generated code equals the eager code bit
for bit; value-dependent control flow is refused; every guard re-traces a stale compilation."""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autodiff
from autodiff import nn, optim
from autodiff.codegen.tracing import ValueDependentControlFlow


def same(a, b):
    a = a.data if isinstance(a, autodiff.Tensor) else np.asarray(a)
    b = b.data if isinstance(b, autodiff.Tensor) else np.asarray(b)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


# -- autodiff.compile ------------------------------------------------------------------------------
def loss(w, X):
    z = (X @ w).tanh()
    return ((z - 0.5) ** 2).mean() + 0.01 * (w * w).sum() + (X @ w).relu().sum() / 7.0


def test_compiled_value_and_grad_equals_eager_and_traces_once_per_signature():
    rng = np.random.default_rng(0)
    calls = []

    def counted(w, X):
        calls.append(1)
        return loss(w, X)

    cf = autodiff.compile(autodiff.value_and_grad(counted))
    eager = autodiff.value_and_grad(loss)
    for B in (16, 16, 16, 9, 9, 16):
        w, X = rng.normal(size=(5, 1)), rng.normal(size=(B, 5))
        (v, g), (ve, ge) = cf(w, X), eager(w, X)
        assert same(v, ve) and same(g, ge)
    assert len(calls) == 2 and len(cf.signatures) == 2
    assert "# v1 = X @ w" in cf.source and "w_bar" in cf.source


def test_compiled_grad_with_several_argnums_and_a_plain_function():
    rng = np.random.default_rng(1)
    w, X = rng.normal(size=(3, 1)), rng.normal(size=(6, 3))
    f = lambda w, X: ((X @ w).sigmoid() * X[:, :1]).mean()  # noqa: E731
    got = autodiff.compile(autodiff.grad(f, argnums=(0, 1)))(w, X)
    want = autodiff.grad(f, argnums=(0, 1))(w, X)
    assert all(same(a, b) for a, b in zip(got, want, strict=True))
    plain = autodiff.compile(lambda a, b: ((a * b).exp(), (a - b).tanh()))
    out = plain(w, w * 2)
    assert same(out[0], (autodiff.Tensor(w) * (w * 2)).exp())
    assert same(out[1], (autodiff.Tensor(w) - w * 2).tanh())


def branch(w, X):
    s = (X @ w).sum()
    if s > 0:
        return s * s
    return -s


def as_float(w, X):
    return (X @ w).sum() * float((X @ w).mean())


def as_item(w, X):
    return (X @ w).sum() * (w * w).sum().item()


@pytest.mark.parametrize("fn, what", [(branch, "bool(t)"), (as_float, "float(t)"),
                                      (as_item, "t.item()")])
def test_value_dependent_control_flow_is_refused_with_its_line(fn, what):
    w, X = np.ones((3, 1)), np.ones((4, 3))
    autodiff.value_and_grad(fn)(w, X)  # fine eagerly
    with pytest.raises(ValueDependentControlFlow) as info:
        autodiff.compile(autodiff.value_and_grad(fn))(w, X)
    message = str(info.value)
    assert what in message and "autodiff.where" in message
    assert "test_codegen_compile.py, line" in message
    autodiff.value_and_grad(fn)(w, X)  # and the refusal does not outlive the trace


# -- autodiff.compile_step against the eager loop -----------------------------------------------
def logistic():
    return nn.Sequential(nn.Linear(30, 1), nn.Sigmoid()), nn.BCELoss()


def mlp_tanh():
    return nn.MLP(30, hidden=(16, 16), out_features=1, activation="tanh"), nn.MSELoss()


def mlp_relu_logits():
    return nn.MLP(30, hidden=(16,), out_features=1, activation="relu"), nn.BCEWithLogitsLoss()


def batchnorm():
    return nn.Sequential(nn.Linear(30, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 1)), \
        nn.MSELoss()


def layernorm():
    return nn.Sequential(nn.Linear(30, 16), nn.LayerNorm(16), nn.Tanh(), nn.Linear(16, 1),
                         nn.Sigmoid()), nn.BCELoss(reduction="sum")


MODELS = [logistic, mlp_tanh, mlp_relu_logits, batchnorm, layernorm]
OPTIMIZERS = {
    "sgd": lambda p: optim.SGD(p, lr=0.05),
    "sgd-momentum": lambda p: optim.SGD(p, lr=0.01, momentum=0.9),
    "sgd-nesterov-wd": lambda p: optim.SGD(p, lr=0.01, momentum=0.9, nesterov=True,
                                           weight_decay=1e-3),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.05, weight_decay=1e-4),
    "rmsprop": lambda p: optim.RMSprop(p, lr=1e-3, momentum=0.5),
    "adam": lambda p: optim.Adam(p, lr=1e-3, amsgrad=True),
    "adamw": lambda p: optim.AdamW(p, lr=1e-3),
}


def batches(seed, binary=True):
    r = np.random.default_rng(seed)
    X = r.normal(size=(64 * 3 + 40, 30))
    y = (r.random((len(X), 1)) < 1 / (1 + np.exp(-X[:, :1]))).astype(float)
    return [(autodiff.Tensor(X[i:i + 64]), autodiff.Tensor(y[i:i + 64]))
            for i in range(0, len(X), 64)]


def assert_same_state(model, twin, opt, opt2):
    for (k, a), b in zip(model.state_dict().items(), twin.state_dict().values(), strict=True):
        assert np.array_equal(np.asarray(a), np.asarray(b)), k
    sa, sb = opt.state_dict()["state"], opt2.state_dict()["state"]
    assert sorted(sa) == sorted(sb)
    for i in sa:
        for k in sa[i]:
            assert np.array_equal(np.asarray(sa[i][k]), np.asarray(sb[i][k])), (i, k)


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
def test_compiled_step_equals_the_eager_loop_for_100_steps(make, opt_name):
    model, loss_fn = make()
    twin = copy.deepcopy(model)
    opt, opt2 = OPTIMIZERS[opt_name](model.parameters()), OPTIMIZERS[opt_name](twin.parameters())
    sched = [optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.7) for o in (opt, opt2)]
    step = autodiff.compile_step(twin, loss_fn, opt2)
    data = batches(7)
    saved = None
    for t in range(100):
        if t == 40:
            model.eval(), twin.eval()
        if t == 55:
            model.train(), twin.train()
        if t == 30:
            saved = (copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict()))
        if t == 70:  # reload an earlier state into both loops
            for m, o in ((model, opt), (twin, opt2)):
                m.load_state_dict(saved[0])
                o.load_state_dict(saved[1])
        X, y = data[t % len(data)]
        out = loss_fn(model(X), y)
        out.backward()
        opt.step()
        opt.zero_grad()
        assert step(X, y) == out.item(), t
        if t % 10 == 9:
            for s in sched:
                s.step()
    assert_same_state(model, twin, opt, opt2)
    assert all(p.grad is None for p in twin.parameters())


# -- guards: each one re-traces when what it watches changes ----------------------------------
def pair(make=batchnorm, opt=lambda p: optim.SGD(p, lr=0.1, momentum=0.9)):
    model, loss_fn = make()
    twin = copy.deepcopy(model)
    o1, o2 = opt(model.parameters()), opt(twin.parameters())
    return model, twin, loss_fn, o1, o2, autodiff.compile_step(twin, loss_fn, o2)


def eager_step(model, loss_fn, opt, X, y):
    out = loss_fn(model(X), y)
    out.backward()
    opt.step()
    opt.zero_grad()
    return out.item()


def test_guard_batch_shape():
    model, twin, loss_fn, o1, o2, step = pair()
    data = batches(1)
    for X, y in data + data:
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step.traces == 2  # the full batches and the last, smaller one


def test_guard_training_mode_and_frozen_running_statistics():
    model, twin, loss_fn, o1, o2, step = pair()
    X, y = batches(2)[0]
    step(X, y), eager_step(model, loss_fn, o1, X, y)
    model.eval(), twin.eval()
    assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step.traces == 2
    # a reloaded running variance (copied in place) is read into the eval code as a constant
    state = model.state_dict()
    state["1.running_var"] = state["1.running_var"] * 3.0
    model.load_state_dict(state), twin.load_state_dict(state)
    assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step.traces == 3
    assert_same_state(model, twin, o1, o2)


def test_guard_requires_grad():
    model, twin, loss_fn, o1, o2, step = pair(logistic)
    X, y = batches(3)[0]
    step(X, y), eager_step(model, loss_fn, o1, X, y)
    model[0].bias.requires_grad_(False), twin[0].bias.requires_grad_(False)
    assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step.traces == 2
    assert_same_state(model, twin, o1, o2)


def test_guard_replaced_parameter_and_parameter_array():
    model, twin, loss_fn, o1, o2, step = pair(logistic, lambda p: optim.SGD(p, lr=0.1))
    X, y = batches(4)[0]
    step(X, y), eager_step(model, loss_fn, o1, X, y)
    w = np.full((1, 30), 0.01)
    model[0].weight.data, twin[0].weight.data = w.copy(), w.copy()  # a new array, same shape
    assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step.traces == 1  # the arrays are read at every call: nothing to re-trace
    new = np.zeros((1, 30))
    model[0].weight = nn.Parameter(new.copy())
    twin[0].weight = nn.Parameter(new.copy())
    o1.param_groups[0]["params"][0] = model[0].weight
    o2.param_groups[0]["params"][0] = twin[0].weight
    assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step.traces == 2
    assert_same_state(model, twin, o1, o2)


def test_the_learning_rate_is_read_at_each_call():
    model, twin, loss_fn, o1, o2, step = pair(mlp_tanh, lambda p: optim.SGD(p, lr=0.1))
    X, y = batches(5)[0]
    for lr in (0.1, 0.01, 0.5):
        for o in (o1, o2):
            o.param_groups[0]["lr"] = lr
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step.traces == 1
    assert_same_state(model, twin, o1, o2)


# -- the training loop and `autodiff train` ---------------------------------------------------
def test_fit_compiled_equals_eager_also_when_it_diverges():
    from autodiff.train.loop import fit

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 3)), rng.normal(size=200)
    runs = []
    for compiled in (True, False):
        model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 1))
        model.load_state_dict(runs[0][2] if runs else model.state_dict())
        start = copy.deepcopy(model.state_dict())
        h = fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=50.0), X, y,
                task="regression", epochs=40, divergence=1e300, compile=compiled)
        runs.append((h, model.state_dict(), start))
    (h1, s1, _), (h2, s2, _) = runs
    assert h1.status == h2.status == "diverged" and h1.message == h2.message
    assert np.array_equal(h1.step_loss, h2.step_loss, equal_nan=True)
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(s1.values(), s2.values(),
                                                                      strict=True))


@pytest.mark.parametrize("model", ["logistic", "mlp", "linear"])
def test_cli_train_compiled_by_default_equals_no_compile(model):
    import json

    from click.testing import CliRunner

    from autodiff_cli.main import cli

    def run(*flags):
        r = CliRunner().invoke(cli, ["train", "--model", model, "--epochs", "4", "--format",
                                     "json", *flags])
        assert r.exit_code == 0, r.output
        out = json.loads(r.output)
        out.pop("seconds")
        return out

    assert run() == run("--no-compile") == run("--compile")


class OwnOp(nn.Module):
    """A layer computing with an operation of its own, outside the two registries."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(np.ones((1, 1)))
        self.op = autodiff.autograd.ops.ArrayPrimitive(
            "twice", lambda x: 2 * x, lambda k, t, ans, x: 2 * t, lambda k, g, ans, x: 2 * g)

    def forward(self, x):
        return autodiff.autograd.structural(self.op, (x @ self.w,))


def test_a_model_outside_the_primitives_is_refused():
    model = OwnOp()
    step = autodiff.compile_step(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(autodiff.InputError, match="cannot be written as code"):
        step(np.ones((4, 1)), np.ones((4, 1)))


def test_fit_trains_a_model_that_cannot_be_compiled_eagerly():
    from autodiff.train.loop import fit

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 1)), rng.normal(size=50)
    runs = []
    for compiled in (True, False):
        model = OwnOp()
        h = fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.05), X, y,
                task="regression", epochs=3, compile=compiled)
        runs.append((h.step_loss, model.w.data.copy()))
    assert runs[0][0] == runs[1][0] and np.array_equal(runs[0][1], runs[1][1])


@pytest.mark.parametrize("formula, loss", [("sigmoid(w1*x1 + w2*x2 + b)", "bce"),
                                           ("w1*x1 + w2*x2^2 + b", "mse"),
                                           ("w1*x1 - b*b + exp(w2*x2)/3", "bce-logits")])
def test_an_expression_model_step_compiled_equals_eager(formula, loss):
    from autodiff.expression import ExpressionModel

    rng = np.random.default_rng(1)
    X = rng.normal(size=(45, 2))
    y = (X[:, :1] > 0).astype(float) if loss != "mse" else X[:, :1] * 2 + 0.3
    model = ExpressionModel(formula, "w1,w2,b", loss=loss, init={"w1": 0.1, "w2": -0.2, "b": 0.05})
    twin = copy.deepcopy(model)
    o1 = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    o2 = optim.SGD(twin.parameters(), lr=0.1, momentum=0.9)
    step = autodiff.compile_step(twin, twin.loss_fn(), o2)
    for t in range(30):
        X_b, y_b = X[t % 3 * 16:t % 3 * 16 + 16], y[t % 3 * 16:t % 3 * 16 + 16]
        out = model.loss_fn()(model(X_b), y_b)
        out.backward()
        o1.step()
        o1.zero_grad()
        assert step(X_b, y_b) == out.item()
        assert np.array_equal(model.theta.data, twin.theta.data)
    assert step.traces == 2  # 16 rows, and the last 13
    bad = ExpressionModel("w1*x1 + w2*x2 + b", "w1,w2,b", loss="bce")
    step = autodiff.compile_step(bad, bad.loss_fn(), optim.SGD(bad.parameters(), lr=0.1))
    with pytest.raises(autodiff.InputError, match="must give a probability"):
        step(X * 10, (X[:, :1] > 0) * 1.0)


def test_cli_fit_compiled_by_default_equals_no_compile():
    import json

    from click.testing import CliRunner

    from autodiff_cli.main import cli

    def run(*flags):
        r = CliRunner().invoke(cli, ["fit", "sigmoid(w1*x1 + w2*x2 + b)", "--params", "w1,w2,b",
                                     "--epochs", "3", "--format", "json", *flags])
        assert r.exit_code == 0, r.output
        out = json.loads(r.output)
        out.pop("seconds", None)
        return out

    assert run() == run("--no-compile")


def test_the_traced_update_of_sgd_is_its_own_code_and_is_guarded():
    model, twin, loss_fn, o1, o2, step = pair(
        logistic, lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01))
    X, y = batches(6)[0]
    for _ in range(3):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    update = step._last.update
    assert update is not None and "momentum_buffer0 *= 0.9" in update.source
    # a parameter swapped in the optimizer only, then a reloaded optimizer state: both seen
    extra = nn.Parameter(np.zeros(3))
    o1.param_groups[0]["params"].append(extra), o2.param_groups[0]["params"].append(extra)
    assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    o1.param_groups[0]["params"].pop(), o2.param_groups[0]["params"].pop()
    state = copy.deepcopy(o1.state_dict())
    o1.load_state_dict(state), o2.load_state_dict(state)
    for _ in range(3):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step._last.update is not None
    assert_same_state(model, twin, o1, o2)


def test_an_optimizer_with_a_step_counter_runs_its_own_step():
    model, twin, loss_fn, o1, o2, step = pair(logistic, lambda p: optim.Adam(p, lr=0.01))
    X, y = batches(6)[0]
    for _ in range(3):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step._last.update is None
    assert_same_state(model, twin, o1, o2)


def test_values_taken_from_the_batch_outside_the_tape_are_refused_not_frozen():
    import json

    from click.testing import CliRunner

    from autodiff_cli.main import cli

    model = nn.Sequential(nn.Linear(4, 3))
    step = autodiff.compile_step(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(),
                                                                           lr=0.1))
    X = np.random.default_rng(0).normal(size=(6, 4))
    with pytest.raises(autodiff.InputError, match="computed from the batch"):
        step(X, np.array([0, 1, 2, 0, 1, 2]))

    def run(*flags):  # iris: three classes, the cross-entropy picks entries by label
        r = CliRunner().invoke(cli, ["train", "--data", "iris", "--epochs", "2", "--format",
                                     "json", *flags])
        assert r.exit_code == 0, r.output
        out = json.loads(r.output)
        out.pop("seconds")
        return out

    assert run() == run("--no-compile")


# -- the guards are generated code: each one still sends a changed step down the slow path ---
def test_the_generated_guards_see_a_changed_option_a_stray_gradient_and_integer_inputs():
    model, twin, loss_fn, o1, o2, step = pair(logistic,
                                              lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
    X, y = batches(8)[0]
    for _ in range(3):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert "def step_update(inputs, targets, finite_only=False)" in step.source
    assert "return None" in step.source and "u_momentum_buffer0 *= 0.9" in step.source
    for o in (o1, o2):  # an option other than the learning rate: the update is traced again
        o.param_groups[0]["momentum"] = 0.5
    for _ in range(2):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert "u_momentum_buffer0 *= 0.5" in step.source
    for m in (model, twin):  # a gradient from elsewhere is added by the optimizer's own step
        m[0].bias.grad = autodiff.Tensor(np.full(1, 0.25))
    assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    Xi, yi = np.round(X.data * 3).astype(np.int64), y.data.astype(np.int64)
    assert step(Xi, yi) == eager_step(model, loss_fn, o1, autodiff.Tensor(Xi),
                                      autodiff.Tensor(yi))
    for _ in range(2):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    model.train(), twin.train()  # a module touched but nothing changed: no new trace
    assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert step.traces == 1
    assert_same_state(model, twin, o1, o2)


def test_a_compiled_step_checks_the_values_its_loss_checks_and_updates_nothing():
    model, twin, loss_fn, o1, o2, step = pair(logistic, lambda p: optim.SGD(p, lr=0.1,
                                                                          momentum=0.9))
    X, y = batches(9)[0]
    for _ in range(2):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    before = copy.deepcopy((twin.state_dict(), o2.state_dict()))
    for kind, message in (("target", "target should be"), ("nan", "input should be")):
        if kind == "nan":  # a nan probability: PyTorch's message about the input
            for m in (model, twin):
                m[0].weight.data[0, 0] = np.nan
            before[0]["0.weight"][0, 0] = np.nan
        yb = autodiff.Tensor(y.data * 2) if kind == "target" else y
        for run in (lambda yb=yb: eager_step(model, loss_fn, o1, X, yb),
                    lambda yb=yb: step(X, yb)):
            with pytest.raises(autodiff.InputError, match=message):
                run()
    after = (twin.state_dict(), o2.state_dict())
    assert all(np.array_equal(a, b, equal_nan=True)
               for a, b in zip(before[0].values(), after[0].values(), strict=True))
    assert all(np.array_equal(before[1]["state"][i][k], after[1]["state"][i][k])
               for i in after[1]["state"] for k in after[1]["state"][i])


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([0.0, 0.5, 0.9]), st.sampled_from([0.0, 0.1]), st.booleans(),
       st.sampled_from([0.0, 1e-2]), st.booleans(), st.sampled_from([1, 2]))
def test_sgd_traced_on_one_entry_arrays_equals_the_eager_loop(momentum, dampening, nesterov,
                                                               weight_decay, maximize, outputs):
    """A layer with one output has a one-entry bias: its update is written on the entry."""
    nesterov = nesterov and momentum > 0 and dampening == 0
    make = lambda p: optim.SGD(p, lr=0.05, momentum=momentum, dampening=dampening,  # noqa: E731
                               nesterov=nesterov, weight_decay=weight_decay, maximize=maximize)
    model = nn.Sequential(nn.Linear(30, outputs), nn.Tanh(), nn.Linear(outputs, 1))
    twin = copy.deepcopy(model)
    o1, o2 = make(model.parameters()), make(twin.parameters())
    step = autodiff.compile_step(twin, nn.MSELoss(), o2)
    X, y = batches(11)[0]
    for _ in range(6):
        assert step(X, y) == eager_step(model, nn.MSELoss(), o1, X, y)
    assert_same_state(model, twin, o1, o2)


def test_compile_runs_the_side_effects_of_the_traced_function_at_every_call():
    """BatchNorm's running statistics and the loss's checks of values run in the generated code
    (every call, the first included), as in the uncompiled function."""
    from autodiff.nn import functional as F

    bns = [nn.BatchNorm1d(3), nn.BatchNorm1d(3)]

    def loss_of(bn):
        return lambda x, y: F.binary_cross_entropy(F.sigmoid(bn(x)).sum(1, keepdim=True) / 3, y)

    f, eager = autodiff.compile(loss_of(bns[0])), loss_of(bns[1])
    rng = np.random.default_rng(3)
    for _ in range(3):
        x, y = rng.normal(size=(8, 3)), (rng.random((8, 1)) < 0.5) * 1.0
        assert f(x, y).item() == eager(autodiff.Tensor(x), autodiff.Tensor(y)).item()
        for a, b in zip(bns[0].state_dict().values(), bns[1].state_dict().values(), strict=True):
            assert np.array_equal(a, b)
    assert len(f.signatures) == 1 and int(bns[0].num_batches_tracked) == 3
    with pytest.raises(autodiff.InputError, match="target should be between 0 and 1"):
        f(x, y * 2)


def test_finite_step_updates_nothing_where_the_loss_is_not_finite():
    """What `autodiff train` runs: a non-finite loss comes back before any update and before
    the loss's checks (the loop redoes the step eagerly, for its message)."""
    model, twin, loss_fn, o1, o2, step = pair(logistic, lambda p: optim.SGD(p, lr=0.1,
                                                                          momentum=0.9))
    X, y = batches(12)[0]
    for _ in range(3):  # the fast path: traced update, generated guards
        assert step.finite_step(X, y) == eager_step(model, loss_fn, o1, X, y)
    twin[0].weight.data[0, 0] = np.nan
    before = copy.deepcopy((twin.state_dict(), o2.state_dict()))
    assert np.isnan(step.finite_step(X, y))
    after = (twin.state_dict(), o2.state_dict())
    assert all(np.array_equal(a, b, equal_nan=True)
               for a, b in zip(before[0].values(), after[0].values(), strict=True))
    assert all(np.array_equal(before[1]["state"][i][k], after[1]["state"][i][k])
               for i in after[1]["state"] for k in after[1]["state"][i])
    assert all(p.grad is None for p in twin.parameters())
    with pytest.raises(autodiff.InputError, match="input should be between 0 and 1"):
        step(X, y)  # the step itself is the eager one: BCELoss refuses a nan probability


def test_finite_step_of_an_untraced_optimizer_leaves_its_state_and_the_gradients():
    model, twin, loss_fn, o1, o2, step = pair(mlp_tanh, lambda p: optim.Adam(p, lr=0.01))
    X, y = batches(13)[0]
    for _ in range(2):
        assert step.finite_step(X, y) == eager_step(model, loss_fn, o1, X, y)
    next(iter(twin.parameters())).data[0, 0] = np.nan
    before = copy.deepcopy(o2.state_dict())
    assert not np.isfinite(step.finite_step(X, y))
    assert before["state"][0]["step"] == o2.state_dict()["state"][0]["step"] == 2
    assert all(p.grad is None for p in twin.parameters())


def test_cli_fit_diverging_to_nan_says_the_same_compiled_or_not():
    """A bce formula whose prediction becomes nan: the compiled step returns the loss before the
    formula's check of its prediction, so `autodiff fit` reports the divergence, as eagerly."""
    from click.testing import CliRunner

    from autodiff_cli.main import cli

    args = ["fit", "sigmoid(w1*x1*x1*x1 - w2*x2*x2*x2)", "--params", "w1,w2", "--lr", "1e308",
            "--epochs", "5"]
    runs = [CliRunner().invoke(cli, args + [flag]) for flag in ("--compile", "--no-compile")]
    assert runs[0].exit_code == runs[1].exit_code == 1
    assert "training diverged: the loss became nan" in runs[0].output
    assert runs[0].output == runs[1].output


def test_a_replaced_state_buffer_is_seen():
    """The traced update writes into the momentum buffers it was traced with: a buffer replaced
    by another array (not updated in place) must send the step down the slow path."""
    model, twin, loss_fn, o1, o2, step = pair(logistic, lambda p: optim.SGD(p, lr=0.1,
                                                                          momentum=0.9))
    X, y = batches(14)[0]
    for _ in range(3):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    for m, o in ((model, o1), (twin, o2)):
        state = o.state[m[0].weight]
        state["momentum_buffer"] = state["momentum_buffer"] * 2.0
    for _ in range(3):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert_same_state(model, twin, o1, o2)


@pytest.mark.parametrize("change", ["group replaced", "parameter swapped", "parameter added"])
def test_the_optimizer_groups_as_traced_are_guarded(change):
    """A group dict replaced (with another learning rate), a parameter of the group swapped for
    a tensor outside the model, a parameter with a gradient of its own added to the group: the
    eager optimizer sees each, so the compiled step must too."""
    model, twin, loss_fn, o1, o2, step = pair(logistic, lambda p: optim.SGD(p, lr=0.1,
                                                                          momentum=0.9))
    X, y = batches(15)[0]
    for _ in range(3):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    for o in (o1, o2):
        group = o.param_groups[0]
        if change == "group replaced":
            o.param_groups[0] = {**group, "params": list(group["params"]), "lr": 0.5}
        elif change == "parameter swapped":
            group["params"][0] = nn.Parameter(np.zeros((1, 30)))
        else:
            extra = nn.Parameter(np.ones(3))
            extra.grad = autodiff.Tensor(np.full(3, 0.5))
            group["params"].append(extra)
    for _ in range(3):
        assert step(X, y) == eager_step(model, loss_fn, o1, X, y)
    assert_same_state(model, twin, o1, o2)
    if change == "parameter added":
        extras = [o.param_groups[0]["params"][-1].data for o in (o1, o2)]
        assert np.array_equal(*extras) and not np.array_equal(extras[0], np.ones(3))


def test_compile_of_a_model_traces_again_when_the_model_changes():
    """A function closing over a model reads its parameters as constants: switching to eval(),
    replacing a parameter or its array must not leave the generated code stale."""
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2), nn.Tanh())
    f = autodiff.compile(lambda x: model(x))
    x = np.random.default_rng(4).normal(size=(8, 3))

    def same():
        with autodiff.no_grad():
            want = model(autodiff.Tensor(x)).data
        return np.array_equal(f(x).data, want)

    model.eval()  # now both calls read the running statistics and leave them alone
    assert same()
    model.train(), model.eval()
    assert same()
    model[0].weight = nn.Parameter(np.ones((2, 3)))
    assert same()
    model[0].weight.data = np.full((2, 3), 2.0)
    assert same()
    model[1].running_var[...] = 4.0  # in place: the code reads the same array
    assert same()
