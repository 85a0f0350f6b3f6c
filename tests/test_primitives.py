"""Every registered primitive: its partials against central differences, against sympy, and
forward against reverse mode. Parametrized over the registry, so a new primitive is tested
the moment it is registered."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from autodiff import REGISTRY, evaluate

PRIMS = list(REGISTRY.values())


def point_in_domain(prim):
    domain = prim.domain or ((-3.0, 3.0),) * prim.arity
    coords = [st.floats(lo, hi, allow_nan=False) for lo, hi in domain]

    def off_kinks(xs):  # kinks are values of each argument, or of prim.kink_of(*args)
        where = (prim.kink_of(*xs),) if prim.kink_of else xs
        return all(abs(x - k) > 1e-3 for x in where for k in prim.kinks)

    return st.tuples(*coords).filter(off_kinks)


def central_difference(f, xs, k, h=1e-6):
    up = list(xs)
    dn = list(xs)
    up[k] += h
    dn[k] -= h
    return (f(*up) - f(*dn)) / (2 * h)


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
def test_partials_match_central_differences(prim):
    @given(point_in_domain(prim))
    def check(xs):
        xs = [np.float64(x) for x in xs]
        ans = prim.impl(*xs)
        for k, rule in enumerate(prim.partials):
            fd = central_difference(prim.impl, xs, k)
            exact = rule(*xs, ans)
            assert math.isclose(exact, fd, rel_tol=1e-5, abs_tol=1e-6), (prim.name, k, xs)

    check()


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
def test_partials_match_sympy(prim):
    syms = sp.symbols(f"a0:{prim.arity}", real=True)
    expr = prim.sympy(sp, *syms)

    @given(point_in_domain(prim))
    def check(xs):
        xs = [np.float64(x) for x in xs]
        ans = prim.impl(*xs)
        subs = dict(zip(syms, xs, strict=True))
        assert math.isclose(float(expr.subs(subs)), ans, rel_tol=1e-9, abs_tol=1e-12)
        for k, rule in enumerate(prim.partials):
            want = float(sp.diff(expr, syms[k]).subs(subs).evalf())
            assert math.isclose(rule(*xs, ans), want, rel_tol=1e-9, abs_tol=1e-12)

    check()


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
def test_forward_equals_reverse(prim):
    names = [f"x{k + 1}" for k in range(prim.arity)]
    source = f"{prim.name}({', '.join(names)})"

    @given(point_in_domain(prim))
    def check(xs):
        at = dict(zip(names, xs, strict=True))
        for name in names:
            ev = evaluate(source, at=at, wrt=name)
            assume(np.isfinite(ev.value))
            assert math.isclose(ev.forward.derivative, ev.gradient[name],
                                rel_tol=1e-12, abs_tol=1e-15)

    check()


@pytest.mark.parametrize("name, x, want", [
    ("relu", 0.0, 0.0), ("abs", 0.0, 0.0), ("heaviside", 0.0, 0.0), ("sign", 0.0, 0.0),
    ("relu", 1.0, 1.0), ("relu", -1.0, 0.0), ("abs", -2.0, -1.0),
])
def test_conventions_at_kinks(name, x, want):
    prim = REGISTRY[name]
    assert prim.partials[0](np.float64(x), prim.impl(np.float64(x))) == want


def test_sigmoid_is_one_over_one_plus_exp_minus_z():
    # the slide writes 1/(1 - e^{-z}); the engine uses the correct 1/(1 + e^{-z})
    z = np.array([-800.0, -3.0, 0.0, 2.0, 800.0])
    got = REGISTRY["sigmoid"].impl(z)
    with np.errstate(over="ignore"):
        want = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(got, want, rtol=1e-15)
    assert np.all(np.isfinite(got))
