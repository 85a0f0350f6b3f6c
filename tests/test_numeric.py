"""Finite differences and the complex step: accuracy, cost, the step-size study, bad steps."""

import math

import numpy as np
import pytest
from hypothesis import given, settings

from autodiff import InputError, parse, reverse_sweep
from autodiff.methods import numeric as num
from autodiff.primitives import REGISTRY

from .strategies import NAMES, expressions, points

LECTURE = "x1*x2+exp(x1*x2)-sin(x2)"
AT = {"x1": 1.5, "x2": 0.5}


def rel_err(grad, ref):
    return max(abs(grad[k] - v) / max(1.0, abs(v)) for k, v in ref.items())


def reference(trace, at):
    return {k: float(v) for k, v in reverse_sweep(trace, at).gradient.items()}


@pytest.mark.parametrize("method, tol", [("forward_difference", 1e-7),
                                         ("backward_difference", 1e-7),
                                         ("central_difference", 1e-10),
                                         ("complex_step", 1e-15)])
def test_lecture_example_within_expected_accuracy(method, tol):
    t = parse(LECTURE)
    r = num.gradient(t, AT, method)
    assert rel_err(r.gradient, reference(t, AT)) <= tol


@pytest.mark.parametrize("method, evaluations", [("forward_difference", 4),
                                                 ("backward_difference", 4),
                                                 ("central_difference", 6),
                                                 ("complex_step", 3)])
def test_evaluations_per_gradient(method, evaluations):
    t = parse("x1*x2*x3")
    assert num.gradient(t, {"x1": 1, "x2": 2, "x3": 3}, method).evaluations == evaluations


@settings(max_examples=40)
@given(expressions(), points(NAMES))
def test_random_expressions_agree_with_reverse_mode(text, at):
    t = parse(text)
    at = {k: v for k, v in at.items() if k in t.inputs}
    ref = reference(t, at)
    if not all(math.isfinite(v) and abs(v) < 1e6 for v in ref.values()):
        return
    # the best step balances truncation (f‴·h²/6) and round-off: some step is accurate
    study = num.step_study(t, at, methods=("central_difference",))
    assert study.best("central_difference")[1] < 1e-7
    assert rel_err(num.gradient(t, at, "complex_step").gradient, ref) < 1e-12


def test_step_study_shows_truncation_and_round_off():
    study = num.step_study(parse(LECTURE), AT)
    assert study.steps[0] == 1e-1 and study.steps[-1] == 1e-16
    for m in ("forward_difference", "central_difference"):
        e = dict(zip(study.steps, study.errors[m], strict=True))
        h_best, e_best = study.best(m)
        assert e[1e-1] > 100 * e_best  # truncation error falls towards the best step
        assert e[1e-16] > 100 * e_best  # round-off error rises past it
    assert study.best("central_difference")[1] < study.best("forward_difference")[1]
    assert max(study.errors["complex_step"][8:]) < 1e-14  # no round-off for tiny steps


def test_complex_step_is_not_applicable_with_kinks():
    r = num.gradient(parse("abs(x1)*x2 + relu(x2)"), {"x1": 1.0, "x2": 2.0}, "complex_step")
    assert r.gradient is None and "not applicable" in r.note and "abs" in r.note


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "logsigmoid"])
def test_real_only_impls_have_a_complex_branch(name):
    prim = REGISTRY[name]
    x = np.linspace(-5, 5, 11)
    assert np.allclose(prim.impl(x + 0j).real, prim.impl(x), rtol=1e-13, atol=1e-15)
    t = parse(f"{name}(x)")
    g = num.gradient(t, {"x": 0.7}, "complex_step").gradient["x"]
    assert g == pytest.approx(reference(t, {"x": 0.7})["x"], rel=1e-14)


def test_sigmoid_real_path_is_stable():
    assert REGISTRY["sigmoid"].impl(np.float64(-800.0)) == 0.0
    assert REGISTRY["sigmoid"].impl(np.float64(800.0)) == 1.0


@pytest.mark.parametrize("h", [0.0, -1e-3, float("nan"), float("inf")])
def test_bad_step_is_refused(h):
    with pytest.raises(InputError, match="positive"):
        num.gradient(parse(LECTURE), AT, "central_difference", h)


def test_given_step_is_used():
    r = num.gradient(parse("x^2"), {"x": 1.0}, "forward_difference", 0.5)
    assert r.steps == {"x": 0.5} and r.gradient["x"] == pytest.approx(2.5)


def test_step_study_plot(tmp_path):
    from autodiff.render.plots import step_study_plot

    path = tmp_path / "steps.png"
    step_study_plot(num.step_study(parse(LECTURE), AT), str(path))
    assert path.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(InputError, match="exists"):
        step_study_plot(num.step_study(parse(LECTURE), AT), str(path))
