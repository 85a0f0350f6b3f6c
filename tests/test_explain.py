"""Failures explained: where a nan/inf starts in a trace and how it spreads."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autodiff import Tensor, evaluate, parse, primal_sweep
from autodiff.autograd import where
from autodiff.extras.explain import explain, explain_loss
from autodiff_cli.main import cli

from .strategies import expressions, points

# A singular point planted on purpose: B - B is exactly 0 wherever B is finite.
SINGULAR = {"log(({0}) - ({0}))": "log", "1/(({0}) - ({0}))": "div",
            "log(-exp({0}))": "log", "asin(2 + ({0})^2)": "asin", "sqrt(({0}) - ({0}) - 1)": "sqrt"}
OUTER = ["({a}) + ({s})", "({a}) * ({s})", "sin({s}) - ({a})", "exp({s}) * ({a})",
         "tanh(({a}) * ({s}))", "({s}) / (2 + sin({a}))"]


def run(*args):
    return CliRunner().invoke(cli, ["explain", *args])


@settings(max_examples=150, deadline=None)
@given(a=expressions(3), b=expressions(2), singular=st.sampled_from(sorted(SINGULAR)),
       outer=st.sampled_from(OUTER), at=points(["x1", "x2", "x3"]))
def test_names_the_first_non_finite_variable(a, b, singular, outer, at):
    """Property: with a singular point planted anywhere in a random expression, the
    explanation names the first non-finite variable of the trace, by the primitive planted."""
    source = outer.format(a=a, s=singular.format(b))
    trace = parse(source)
    at = {n: v for n, v in at.items() if n in trace.inputs}
    values = primal_sweep(trace, at)
    first = next(i for i, v in enumerate(values) if not np.isfinite(v))
    ex = explain(trace, at)
    assert ex.first["value"] == first
    origin = next(e for e in ex.events if e.sweep == "value")
    assert origin.kind == "origin" and origin.var == first
    assert ex.chain.startswith(f"{trace.steps[first].var} = ")
    parents = [x for x in trace.steps[first].args if type(x) is int]
    assert all(np.isfinite(values[j]) for j in parents)
    smooth = parse(a)
    assume(np.isfinite(primal_sweep(smooth, {n: at[n] for n in smooth.inputs})[smooth.output]))
    assert trace.steps[first].op.name == SINGULAR[singular]


def test_the_issue_example_log_of_zero():
    ex = explain("log(x1*x2) + x1", {"x1": 2.0, "x2": 0.0})
    assert ex.chain.startswith("v4 = log(v3) with v3 = 0 → v4 = -inf")
    assert "v̄3 = inf" in ex.chain and ex.chain.endswith("v̄1 (∂f/∂x1) = nan")
    origin = ex.events[0]
    assert origin.hint == "log(0) = -inf"
    spread = next(e for e in ex.events if e.sweep == "adjoint" and e.var == 0)
    assert "inf·0 = nan" in spread.hint     # v̄3 = inf times ∂v3/∂v1 = v2 = 0


def test_relu_trap_gradient_nan_although_value_finite():
    ex = explain("sqrt(relu(x1))", {"x1": -1.0})
    ev = ex.evaluation
    assert ev.value == 0.0 and np.isnan(ev.gradient["x1"])
    assert ex.first["value"] is None                 # every value is finite
    assert ex.chain == "v̄2 = inf → v̄1 (∂f/∂x1) = nan"
    assert any("branch not taken" in n for n in ex.notes)
    assert "heaviside(v1) = 0: inf·0 = nan" in ex.render()


def test_where_trap_in_a_tensor_computation():
    """where(x > 0, log(x), 0) at x = 0: the value is finite, the gradient is nan."""
    x = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    with np.errstate(all="ignore"):
        y = where(x.data > 0, x.log(), 0.0).sum()
    ex = explain_loss(y, {"x": x})
    assert np.isfinite(ex.evaluation.value)
    adjoint = next(e for e in ex.events if e.sweep == "adjoint")
    assert adjoint.kind == "origin" and "0·inf = nan" in adjoint.hint
    assert "branch not taken" in adjoint.hint and "at [0]" in adjoint.hint
    absorbed = next(e for e in ex.events if e.kind == "absorbed")
    assert "where" in absorbed.text


def test_training_loss_names_the_operation_of_the_models_trace():
    """A logistic model whose sigmoid saturates: BCE written with log(p) becomes -inf."""
    from autodiff import nn

    model = nn.Linear(2, 1)
    model.weight.data[...] = [[30.0, -40.0]]
    model.bias.data[...] = 0.0
    X = Tensor(np.array([[1.0, -1.0], [2.0, 0.5]]))
    y = Tensor(np.array([[0.0], [1.0]]))
    with np.errstate(all="ignore"):
        p = model(X).sigmoid()
        loss = -(y * p.log() + (1 - y) * (1 - p).log()).mean()
    assert not np.isfinite(loss.item())
    ex = explain_loss(loss, {"X": X, "y": y, "W": model.weight, "b": model.bias})
    origin = ex.events[0]
    assert origin.kind == "origin" and "= log(" in origin.text
    assert "log(0) = -inf" == origin.hint
    assert ex.evaluation.trace.steps[ex.first["value"]].op.name == "log"


def test_all_finite():
    ex = explain("x1*x2 + exp(x1*x2) - sin(x2)", {"x1": 1.5, "x2": 0.5})
    assert ex.finite and ex.chain == "" and "finite" in ex.render()


def test_overflow_hint():
    ex = explain("exp(x1) - exp(x1)", {"x1": 800.0})
    assert "overflow" in ex.events[0].hint
    assert ex.events[1].text.endswith("= nan")      # inf - inf


def test_evaluation_warns_how_it_spreads():
    ev = evaluate("log(x1*x2) + x1", at={"x1": 2.0, "x2": 0.0})
    assert ev.warnings[-1].startswith("how it spreads: v4 = log(v3) with v3 = 0")
    assert evaluate("x1 + 1", at={"x1": 1.0}).warnings == []


def test_cli_table_and_exit_status():
    result = run("log(x1*x2) + x1", "--at", "x1=2,x2=0")
    assert result.exit_code == 0, result.output
    assert "origin" in result.output and "In one line: v4 = log(v3)" in result.output


@pytest.mark.parametrize("fmt, marker", [("markdown", "| sweep |"),
                                         ("latex", r"\begin{tabular}")])
def test_cli_formats(fmt, marker):
    result = run("sqrt(relu(x1))", "--at", "x1=-1", "--format", fmt)
    assert result.exit_code == 0 and marker in result.output


def test_cli_json():
    result = run("log(x1*x2) + x1", "--at", "x1=2,x2=0", "--format", "json")
    data = json.loads(result.stdout)
    assert data["first"] == {"value": "v4", "tangent": "v4", "adjoint": "v3"}
    assert data["events"][0] == {"sweep": "value", "var": "v4", "kind": "origin",
                                 "text": "v4 = log(v3) with v3 = 0 → v4 = -inf",
                                 "hint": "log(0) = -inf", "from": None}


@pytest.mark.parametrize("args, message", [
    (["log(x1)"], "needs a point"),
    (["log(x1", "--at", "x1=0"], "log(x1"),
    (["log(x1)", "--at", "x2=0"], "not an input"),
])
def test_cli_bad_input_exits_2(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_a_training_run_that_turns_non_finite_names_the_operation_of_the_models_trace():
    import numpy as np

    from autodiff import nn
    from autodiff.optim import SGD
    from autodiff.train import fit

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = X @ np.array([1.0, 2.0]) + 1
    X[5, 0] = 1e308  # one huge feature: its squared error overflows
    model = nn.Sequential(nn.Linear(2, 1))
    with np.errstate(all="ignore"):
        history = fit(model, nn.MSELoss(), SGD(model.parameters(), lr=0.1), X, y,
                      task="regression", epochs=2, batch_size=8)
    assert history.status == "diverged"
    assert "in the model's trace: v7 = v6·v6 with v6 = " in history.message
    assert "→ v7 = inf" in history.message and "learning rate" in history.message


def test_the_warnings_name_the_origin_of_a_non_finite_adjoint():
    """The adjoints run backwards: their origin is the non-finite adjoint latest in the trace
    (v̄3 = v̄4/v3 = inf), not the first one in trace order (v̄1)."""
    ev = evaluate("log(x1*x2) + x1", at={"x1": 2.0, "x2": 0.0})
    adjoint = [w for w in ev.warnings if w.startswith("the adjoint")]
    assert adjoint == ["the adjoint of v3 = v1·v2 is inf; 3 variables in all have a non-finite "
                       "adjoint"]
    assert ev.warnings[-1].startswith("how it spreads: v4 = log(v3) with v3 = 0 → v4 = -inf")
