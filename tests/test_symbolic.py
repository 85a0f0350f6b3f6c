"""Trace ⇄ sympy, the symbolic derivatives, expression-swell statistics and the budget."""

import math
from itertools import pairwise

import pytest
import sympy as sp
from hypothesis import given, settings

from autodiff import InputError, parse, primal_sweep, reverse_sweep
from autodiff.methods.budget import Budget
from autodiff.methods.swell import compose, study
from autodiff.methods.symbolic import derivatives, from_sympy, to_sympy, tree_nodes

from .strategies import NAMES, expressions, points

LECTURE = "x1*x2+exp(x1*x2)-sin(x2)"
AT = {"x1": 1.5, "x2": 0.5}


def test_lecture_to_sympy():
    x1, x2 = sp.symbols("x1 x2", real=True)
    (f,) = to_sympy(parse(LECTURE))
    assert sp.simplify(f - (x1 * x2 + sp.exp(x1 * x2) - sp.sin(x2))) == 0


@settings(max_examples=40)
@given(expressions(), points(NAMES))
def test_round_trip_through_sympy_keeps_the_value(text, at):
    t = parse(text)
    at = {k: v for k, v in at.items() if k in t.inputs}
    back = from_sympy(to_sympy(t), list(t.inputs))
    want = float(primal_sweep(t, at)[t.output])
    got = float(primal_sweep(back, at)[back.output])
    assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12) or not math.isfinite(want)


def test_from_sympy_reads_subtraction_and_division():
    x, y = sp.symbols("x y", real=True)
    t = from_sympy([x - sp.sin(y) / x + sp.sqrt(y)], ["x", "y"])
    ops = [s.op.name for s in t.steps if s.op is not None]
    assert "sub" in ops and "div" in ops and "sqrt" in ops and "neg" not in ops
    assert float(primal_sweep(t, {"x": 2.0, "y": 4.0})[t.output]) == pytest.approx(
        2 - math.sin(4) / 2 + 2)


def test_from_sympy_refuses_what_has_no_primitive():
    x = sp.Symbol("x", real=True)
    with pytest.raises(InputError, match="gamma"):
        from_sympy([sp.gamma(x)], ["x"])


def test_tree_nodes_counts_repeats():
    x, y = sp.symbols("x y")
    assert tree_nodes(x * y + sp.sin(x)) == 6
    e = sp.sin(x) * sp.cos(sp.sin(x))  # sin(x) twice: counted twice
    assert tree_nodes(e) == 1 + 2 + 3


def test_derivatives_of_the_lecture_example():
    t = parse(LECTURE)
    staged = derivatives(t, AT)
    assert staged.exceeded is None
    raw = dict(staged.all("raw"))
    ref = reverse_sweep(t, AT).gradient
    for n in t.inputs:
        assert raw[n]["value"] == pytest.approx(float(ref[n]), rel=1e-14)
    simp = dict(staged.all("simplified"))
    assert simp["x1"]["text"] == "x2*(exp(x1*x2) + 1)"
    assert "latex" in simp["x1"] and "unicode" in simp["x1"]
    assert staged.get("f")["ops"] == 6
    assert set(dict(staged.all("cse"))) == {"x1", "x2"}
    assert parse(staged.get("roundtrip")).inputs.keys() == t.inputs.keys()


def test_huge_expression_hits_the_time_budget():
    t = compose(parse("sin(x)*exp(x) + x^2"), 9)  # f has about 80,000 tree nodes
    staged = derivatives(t, None, Budget(seconds=0.5, max_nodes=10**9))
    assert staged.exceeded is not None and "time budget of 0.5 s" in staged.exceeded
    # it came back when the budget ran out: the child was stopped, not waited for (each stage
    # has 0.5 s, so the few quick stages before the long one add a little)
    assert 0.5 <= staged.seconds < 2.0


def test_swollen_derivative_hits_the_size_budget():
    t = compose(parse("4*x*(1-x)"), 7)
    staged = derivatives(t, None, Budget(seconds=10, max_nodes=2000), stages=("simplify",))
    (n, raw), = staged.all("raw")
    assert raw["nodes"] > 2000 and "size budget" in raw["note"]
    assert staged.all("simplified") == []  # not attempted


def test_compose_is_repeated_application():
    g = parse("4*x*(1-x)")
    t = compose(g, 3)
    x, want = 0.3, 0.3
    for _ in range(3):
        want = 4 * want * (1 - want)
    assert float(primal_sweep(t, {"x": x})[t.output]) == pytest.approx(want, rel=1e-15)
    assert sum(1 for s in t.steps if s.op is not None) == 9
    with pytest.raises(InputError, match="one input"):
        compose(parse("x*y"), 2)


def test_logistic_swell_study():
    s = study(n_max=5, budget=Budget(seconds=20))
    raw = [r.sizes["derivative"]["nodes"] for r in s.rows]
    cse = [r.sizes["cse"]["nodes"] for r in s.rows]
    trace_ops = [r.trace_ops["primal"] + r.trace_ops["reverse"] for r in s.rows]
    assert all(b > 2 * a for a, b in pairwise(raw[1:]))  # exponential
    assert raw[-1] > 5 * cse[-1]  # common subexpressions are most of it
    assert len({b - a for a, b in pairwise(trace_ops)}) == 1  # AD traces grow linearly
    assert all(not r.note for r in s.rows)


def test_bad_budget_is_refused():
    with pytest.raises(InputError):
        Budget(seconds=0)
    with pytest.raises(InputError):
        Budget(max_nodes=-1)
