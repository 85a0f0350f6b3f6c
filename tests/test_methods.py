"""The comparison of methods, the manual checker, Jacobians and Hessians."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings

from autodiff import InputError, parse, reverse_sweep
from autodiff.methods.compare import compare
from autodiff.methods.jacobian import hessian, jacobian
from autodiff.methods.manual import check, read_manual
from autodiff.methods.symbolic import to_sympy

from .strategies import NAMES, expressions, points

LECTURE = "x1*x2+exp(x1*x2)-sin(x2)"
AT = {"x1": 1.5, "x2": 0.5}
# relative error against reverse mode each method is expected to reach on smooth functions
TOLERANCE = {"forward": 1e-13, "reverse": 0, "complex_step": 1e-13, "symbolic": 1e-12,
             "central_difference": 1e-6, "forward_difference": 1e-4,
             "backward_difference": 1e-4, "manual": 1e-12}


def test_lecture_every_method_within_its_accuracy():
    c = compare(LECTURE, AT, manual={"x1": "x2 + x2*exp(x1*x2)",
                                     "x2": "x1*(1 + exp(x1*x2)) - cos(x2)"})
    assert set(c.methods) == set(TOLERANCE)
    for name, m in c.methods.items():
        for k in AT:
            assert m.relative_error[k] <= TOLERANCE[name], (name, k)
    assert c.methods["central_difference"].relative_error["x1"] < 1e-10
    assert c.methods["complex_step"].relative_error["x1"] < 1e-15
    assert c.methods["central_difference"].cost["evaluations"] == 2 * len(AT)
    assert c.methods["forward"].cost["sweeps"] == 2 and c.methods["reverse"].cost["sweeps"] == 1
    assert c.ok


@settings(max_examples=12)
@given(expressions(depth=3), points(NAMES))
def test_random_expressions_all_methods_agree(text, at):
    t = parse(text)
    at = {k: v for k, v in at.items() if k in t.inputs}
    ref = reverse_sweep(t, at).gradient
    h = hessian(t, at).matrix
    assume(all(math.isfinite(float(v)) for v in ref.values()) and np.all(np.isfinite(h)))
    assume(np.max(np.abs(h)) < 1e3)  # finite differences need moderate curvature
    c = compare(t, at)
    for name, m in c.methods.items():
        for k, g in ref.items():
            err = abs(m.gradient[k] - float(g)) / max(1.0, abs(float(g)))
            assert err <= max(TOLERANCE[name], 1e-13), (name, k, m.gradient[k], g)


def _other_form(text, name):
    """sympy's derivative, expanded or factored: another algebraic form, as program text."""
    t = parse(text)
    syms = {n: sp.Symbol(n, real=True) for n in t.inputs}
    d = sp.diff(to_sympy(t, syms)[0], syms[name])
    return sp.sstr(sp.expand(d)).replace("**", "^")


@settings(max_examples=10)
@given(expressions(depth=3), points(NAMES))
def test_manual_checker_accepts_other_forms_and_rejects_wrong_ones(text, at):
    t = parse(text)
    at = {k: v for k, v in at.items() if k in t.inputs}
    name = next(iter(t.inputs))
    right = _other_form(text, name)
    assume("E" not in right and "I" not in right and len(right) < 400)
    assume(all(math.isfinite(float(v)) for v in reverse_sweep(t, at).gradient.values()))
    (ok,) = check(t, at, {name: right}, symbolic=False)
    assert ok.ok, ok.mismatch
    (wrong,) = check(t, at, {name: f"({right}) * 1.001 + 0.01"}, symbolic=False)
    assert not wrong.ok
    assert wrong.mismatch.supplied != pytest.approx(wrong.mismatch.expected, rel=1e-8)


def test_manual_checker_reports_point_expected_supplied():
    (c,) = check(parse(LECTURE), AT, {"x1": "x2*exp(x1*x2)"})
    assert not c.ok and c.equivalent is False
    assert c.mismatch.point == AT
    assert c.mismatch.expected == pytest.approx(0.5 + 0.5 * math.exp(0.75))
    assert c.mismatch.supplied == pytest.approx(0.5 * math.exp(0.75))


def test_manual_checker_accepts_constants_and_sympy_agrees():
    checks = check(parse("2*x1 - x2"), {"x1": 1, "x2": 2}, {"x1": "2", "x2": "-1"})
    assert all(c.ok and c.equivalent for c in checks)


@pytest.mark.parametrize("items, match", [
    (["x1=x2+"], "does not parse"), (["x9=x2"], "not an input"), (["x1"], "NAME=FORMULA"),
    (["x1=x2", "x1=x2"], "twice"), (["x1=sin(y)"], "y is not an input")])
def test_bad_manual_derivatives(items, match):
    with pytest.raises(InputError, match=match):
        compare(LECTURE, AT, manual=read_manual(items))


def test_manual_file(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("# the lecture's example\nx1 = x2 + x2*exp(x1*x2)\n\n"
                    "x2 = x1 + x1*exp(x1*x2) - cos(x2)  # by hand\n")
    assert read_manual([], str(path)) == {"x1": "x2 + x2*exp(x1*x2)",
                                          "x2": "x1 + x1*exp(x1*x2) - cos(x2)"}


PROGRAM = "a = x1*x2\nb = sin(x1) + x3\nc = a*b\nreturn a, b, c, exp(c)\n"


def test_jacobian_forward_and_reverse_agree_and_count_sweeps():
    j = jacobian(parse(PROGRAM), {"x1": 1.0, "x2": 2.0, "x3": 3.0})
    assert np.allclose(j.forward.matrix, j.reverse.matrix, rtol=1e-14)
    assert (j.forward.sweeps, j.reverse.sweeps) == (3, 4)
    assert j.reverse.matrix[0].tolist() == [2.0, 1.0, 0.0]
    assert j.forward.operations > j.primal_operations


def test_reverse_mode_is_cheaper_for_a_scalar_of_many_inputs():
    text = " + ".join(f"sin(x{k})*x{k + 1}" for k in range(1, 20))
    j = jacobian(parse(text), {f"x{k}": 0.1 * k for k in range(1, 21)})
    assert j.reverse.sweeps == 1 and j.forward.sweeps == 20
    assert j.reverse.operations * 3 < j.forward.operations


@pytest.mark.parametrize("text, kind", [("x^2 + y^2", "minimum"), ("-x^2 - 2*y^2", "maximum"),
                                        ("x^2 - y^2", "saddle point"),
                                        ("x^4 + y^2", "degenerate"),
                                        ("x^2 + y", "not a stationary point")])
def test_stationary_points_are_classified(text, kind):
    assert hessian(parse(text), {"x": 0.0, "y": 0.0}).classification == kind


@settings(max_examples=10)
@given(expressions(depth=3), points(NAMES))
def test_hessian_matches_sympy(text, at):
    t = parse(text)
    at = {k: v for k, v in at.items() if k in t.inputs}
    h = hessian(t, at)
    syms = {n: sp.Symbol(n, real=True) for n in t.inputs}
    f = to_sympy(t, syms)[0]
    subs = {syms[n]: v for n, v in at.items()}
    for a, na in enumerate(t.inputs):
        for b, nb in enumerate(t.inputs):
            want = float(sp.diff(f, syms[na], syms[nb]).evalf(subs=subs))
            assume(math.isfinite(want))
            assert h.matrix[a, b] == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_hessian_needs_a_scalar_output():
    with pytest.raises(InputError, match="scalar"):
        hessian(parse(PROGRAM), {"x1": 1.0, "x2": 2.0, "x3": 3.0})
