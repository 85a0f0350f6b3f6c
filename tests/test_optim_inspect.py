"""Optimizer internals: the per-step state of each optimizer, from the optimizer classes."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from autodiff import InputError, Tensor, optim
from autodiff.extras.optimizer_state import OPTIMIZERS, PROBLEMS, SCHEDULES, inspect, render
from autodiff.nn import Parameter
from autodiff_cli.main import cli


def run(*args):
    return CliRunner().invoke(cli, ["optimizer-state", *args])


def column(ins, key, param="w1"):
    return [r.state[key] for r in ins.rows if r.param == param]


@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_printed_formula_reproduces_every_step(name, problem):
    for schedule in SCHEDULES:
        ins = inspect(name, problem, steps=6, schedule=schedule)
        assert ins.formula_error < 1e-14, (name, problem, schedule)
    assert inspect(name, problem, steps=4, weight_decay=0.2).formula_error < 1e-14


def test_rows_are_the_optimizer_classes_own_steps(monkeypatch):
    """The table is the trajectory of autodiff.optim.Adam itself, step for step."""
    calls = []
    original = optim.Adam.step

    def counting(self, closure=None):
        calls.append(1)
        return original(self, closure)

    monkeypatch.setattr(optim.Adam, "step", counting)
    ins = inspect("adam", "quadratic", steps=4)
    assert len(calls) == 4
    p = Parameter(np.array([1.0, 1.0]))
    opt_w = optim.Adam([p], lr=0.1, betas=(0.9, 0.999))
    for t in range(1, 5):
        rows = [r for r in ins.rows if r.t == t]
        assert [r.w for r in rows] == p.data.tolist()
        p.grad = Tensor(np.array([1.0, 10.0]) * p.data)   # ∇½(w₁² + 10w₂²)
        opt_w.step()
        assert [r.w + r.step for r in rows] == p.data.tolist()


def test_sgd_momentum_buffer_is_the_sum_of_decayed_gradients():
    ins = inspect("momentum", "quadratic", steps=3)
    g = [r.grad for r in ins.rows if r.param == "w2"]
    b = column(ins, "b (momentum_buffer)", "w2")
    assert b[0] == g[0]                              # b = g on the first step
    assert b[1] == pytest.approx(0.9 * g[0] + g[1])
    assert b[2] == pytest.approx(0.9 * b[1] + g[2])


def test_adam_bias_correction_makes_the_first_moments_the_gradient():
    ins = inspect("adam", "logistic", steps=3)
    first = [r for r in ins.rows if r.t == 1]
    for r in first:
        assert r.state["ŝ = m̂"] == pytest.approx(r.grad, rel=1e-12)
        assert r.state["r̂ = v̂"] == pytest.approx(r.grad ** 2, rel=1e-12)
        assert r.state["s = m (exp_avg)"] == pytest.approx(0.1 * r.grad, rel=1e-12)


def test_adamw_decay_is_decoupled():
    ins = inspect("adamw", "quadratic", steps=3, weight_decay=0.3, lr=0.05)
    for r in ins.rows:
        assert r.state["ηλw"] == pytest.approx(0.05 * 0.3 * r.w, rel=1e-12)
    assert "g + λw" not in ins.columns()
    assert "g + λw" in inspect("adam", "quadratic", steps=2, weight_decay=0.3).columns()


def test_schedule_sets_the_learning_rate_of_each_step():
    ins = inspect("sgd", "quadratic", steps=5, schedule="step")
    assert [r.lr for r in ins.rows if r.param == "w1"] == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_adagrad_learning_rate_shrinks():
    ins = inspect("adagrad", "quadratic", steps=4)
    rates = column(ins, "η/(√r + δ)", "w2")
    assert rates == sorted(rates, reverse=True) and rates[0] == pytest.approx(0.05)


def test_library_render_formats():
    ins = [inspect("adam", "quadratic", steps=2)]
    assert render(ins).startswith("update: s ← β₁ s")
    assert r"\hat{s} = \frac{s}{1-\beta_1^t}" in render(ins, "latex")
    data = json.loads(render(ins, "json"))
    assert data["runs"][0]["class"] == "Adam" and len(data["runs"][0]["steps"]) == 4


def test_cli_default_shows_every_optimizer():
    result = run("--steps", "2")
    assert result.exit_code == 0, result.output
    for cls in ("SGD(lr=0.1)", "Adagrad", "RMSprop", "Adam(", "AdamW"):
        assert cls in result.output
    assert "exp_avg_sq" in result.output and "momentum_buffer" in result.output


@pytest.mark.parametrize("fmt, marker", [("markdown", "| t | η |"), ("latex", "$$ "),
                                         ("table", "update:")])
def test_cli_formats(fmt, marker):
    result = run("adamw", "--problem", "logistic", "--steps", "2", "--format", fmt)
    assert result.exit_code == 0 and marker in result.output


def test_cli_json():
    result = run("rmsprop", "--steps", "3", "--schedule", "exponential", "--format", "json")
    data = json.loads(result.stdout)
    run0 = data["runs"][0]
    assert run0["schedule"] == "exponential" and run0["formula_error"] < 1e-14
    assert [s["lr"] for s in run0["steps"] if s["param"] == "w1"] == pytest.approx(
        [0.05, 0.04, 0.032])
    assert "r (square_avg)" in run0["steps"][0]["state"]


@pytest.mark.parametrize("args, message", [
    (["lbfgs"], "unknown optimizer"),
    (["sgd", "--lr", "-1"], "Invalid learning rate"),
    (["sgd", "--steps", "0"], "--steps"),
    (["sgd", "--problem", "rosenbrock"], "--problem"),
])
def test_cli_bad_input_exits_2(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_an_unknown_optimizer_is_refused_not_read_as_adam():
    """The per-step inspection dispatches on the registry: a name it does not hold is an
    error (it used to fall through to Adam's formula)."""
    from autodiff.optim.registry import inspect_step

    state = {"exp_avg": np.array([0.1]), "exp_avg_sq": np.array([0.01])}
    with pytest.raises(InputError, match="unknown optimizer 'lion'"):
        inspect_step("lion", {"lr": 0.1, "betas": (0.9, 0.999)}, state, 0, 1, 1.0, 0.5, 0.1)


def test_one_registry_feeds_training_the_race_and_the_inspection():
    from autodiff.extras import optimizer_state
    from autodiff.optim.registry import OPTIMIZERS, TRAINABLE
    from autodiff.train import OPTIMIZERS as TRAIN_OPTIMIZERS
    from autodiff.train.recipe import make_optimizer

    assert set(optimizer_state.PRESETS) == set(OPTIMIZERS)
    assert TRAIN_OPTIMIZERS == TRAINABLE and set(TRAINABLE) < set(OPTIMIZERS)
    for name in TRAINABLE:
        opt = make_optimizer(name, [Parameter(np.zeros(2))], 0.1)
        assert type(opt) is OPTIMIZERS[name].cls
        assert opt.param_groups[0].get("momentum", 0) == OPTIMIZERS[name].options.get(
            "momentum", 0)
