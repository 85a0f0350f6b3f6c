"""Forward and reverse mode agree with each other and with central differences on random
expressions; both handle arrays, non-finite values and long traces."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff import InputError, evaluate, forward_sweep, parse, reverse_sweep

from .strategies import expressions, points


def central(trace, at, name, h=1e-6):
    from autodiff import primal_sweep
    up, dn = dict(at), dict(at)
    up[name] += h
    dn[name] -= h
    return (primal_sweep(trace, up)[trace.output] - primal_sweep(trace, dn)[trace.output]) / (2 * h)


@given(st.data())
def test_random_expressions_forward_reverse_and_differences_agree(data):
    text = data.draw(expressions())
    trace = parse(text)
    assume(trace.inputs)
    at = data.draw(points(list(trace.inputs)))
    rev = reverse_sweep(trace, at)
    # well-conditioned points only: central differences lose their digits on huge values
    assume(all(math.isfinite(v) and abs(v) < 1e4 for v in rev.primals))
    for name in trace.inputs:
        fwd = forward_sweep(trace, at, name)
        g = rev.gradient[name]
        assume(math.isfinite(g) and abs(g) < 1e6)
        assert math.isclose(fwd.derivative, g, rel_tol=1e-9, abs_tol=1e-9), text
        assert math.isclose(central(trace, at, name), g, rel_tol=1e-5, abs_tol=1e-5), text


def test_lecture_example_against_hand_derived_values():
    x1, x2 = 1.5, 0.5
    ev = evaluate("x1*x2+exp(x1*x2)-sin(x2)", at={"x1": x1, "x2": x2})
    e = math.exp(x1 * x2)
    assert ev.value == pytest.approx(x1 * x2 + e - math.sin(x2), rel=1e-15)
    assert ev.gradient["x1"] == pytest.approx(x2 * (1 + e), rel=1e-15)
    assert ev.gradient["x2"] == pytest.approx(x1 * (1 + e) - math.cos(x2), rel=1e-15)
    assert ev.forward.derivative == pytest.approx(x2 * (1 + e), rel=1e-15)


def test_direction_vector_gives_the_directional_derivative():
    ev = evaluate("x1*x2+exp(x1*x2)-sin(x2)", at={"x1": 1.5, "x2": 0.5},
                  wrt={"x1": 2.0, "x2": -1.0})
    g = ev.gradient
    assert ev.forward.derivative == pytest.approx(2 * g["x1"] - g["x2"], rel=1e-14)


def test_a_variable_used_twice_gets_both_contributions():
    ev = evaluate("x*x", at={"x": 3.0})
    assert ev.gradient["x"] == 6.0


def test_arrays_evaluate_elementwise_and_adjoints_reduce_to_shape():
    t = parse("w*x + b")
    x = np.array([1.0, 2.0, 3.0])
    rev = reverse_sweep(t, {"w": 2.0, "x": x, "b": 0.5})
    np.testing.assert_allclose(rev.value, 2 * x + 0.5)
    # the seed is a ones vector: adjoints of scalars sum over the batch
    assert rev.gradient["w"] == pytest.approx(6.0)
    assert rev.gradient["b"] == pytest.approx(3.0)
    np.testing.assert_allclose(rev.gradient["x"], [2.0, 2.0, 2.0])


@pytest.mark.parametrize("expr, at, bad", [
    ("log(x)", {"x": -1.0}, "v2"), ("1/x", {"x": 0.0}, "v2"), ("exp(x)", {"x": 1000.0}, "v2"),
])
def test_non_finite_values_are_reported_not_raised(expr, at, bad):
    ev = evaluate(expr, at=at)
    assert not math.isfinite(ev.value)
    assert any(f"of {bad}" in w for w in ev.warnings)


def test_missing_and_extra_inputs():
    with pytest.raises(InputError, match="no value given for x2"):
        evaluate("x1+x2", at={"x1": 1.0})
    with pytest.raises(InputError, match="x3 is not an input"):
        evaluate("x1+x2", at={"x1": 1.0, "x2": 2.0, "x3": 3.0})
    with pytest.raises(InputError, match="not an input"):
        evaluate("x1+x2", at={"x1": 1.0, "x2": 2.0}, wrt="y")


def test_long_chain_without_recursion():
    n = 20000
    lines = ["y0 = x"] + [f"y{i} = sin(y{i - 1}) + y{i - 1}*0.5" for i in range(1, n)]
    t = parse("\n".join(lines))
    rev = reverse_sweep(t, {"x": 0.3})
    fwd = forward_sweep(t, {"x": 0.3})
    assert fwd.derivative == pytest.approx(rev.gradient["x"], rel=1e-12)


def test_json_of_matrix_values():
    import json

    X = np.array([[1.0, 2.0], [3.0, 0.0]])
    j = json.loads(evaluate("log(x) + w", at={"x": X, "w": 1.0}).render("json"))
    assert j["value"] == [[1.0, 1.0 + math.log(2.0)], [1.0 + math.log(3.0), "-inf"]]
