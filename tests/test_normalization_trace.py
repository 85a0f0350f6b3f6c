"""Normalization as a trace: BatchNorm/LayerNorm of a 3×2 batch, checked three ways."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from autodiff import parse
from autodiff.extras.normalization import BETA, EPS, GAMMA, A, C, normalization_trace, program
from autodiff_cli.main import cli


def run(*args):
    return CliRunner().invoke(cli, ["normalization", *args])


def closed_form(axis):
    """The textbook backward of y = γ·â + β with â = (a − μ)/√(σ² + δ), normalized along
    ``axis``: ā = (ĝ − mean(ĝ) − â·mean(ĝ·â))/√(σ² + δ), with ĝ = γ·c = ∂L/∂â."""
    mu = A.mean(axis=axis, keepdims=True)
    s = np.sqrt(A.var(axis=axis, keepdims=True) + EPS)
    h = (A - mu) / s
    dh = C * GAMMA
    da = (dh - dh.mean(axis=axis, keepdims=True)
          - h * (dh * h).mean(axis=axis, keepdims=True)) / s
    return GAMMA * h + BETA, da, (C * h).sum(axis=0), C.sum(axis=0)


@pytest.mark.parametrize("layer, axis", [("batchnorm", 0), ("layernorm", 1)])
def test_trace_matches_the_layer_and_the_closed_form(layer, axis):
    result = normalization_trace(layer)
    assert all(d < 1e-14 for d in result.check().values()), result.check()
    mine = result._trace_values()
    want = closed_form(axis)
    for got, expected in zip(("output", "grad_a", "grad_gamma", "grad_beta"), want,
                             strict=True):
        np.testing.assert_allclose(mine[got], expected, rtol=1e-12, atol=1e-14)


def test_batchnorm_mean_and_variance_fan_out():
    result = normalization_trace("batchnorm")
    fan = {v: (uses, values, adjoint) for v, uses, values, adjoint in result.fan_out()}
    assert fan["mu1"][0] == 3 and fan["s1"][0] == 3 and fan["d11"][0] == 2
    for _, values, adjoint in fan.values():
        assert sum(values) == pytest.approx(adjoint, abs=1e-15)
    # the gradient of a centred input sums to 0 over the batch (mean subtraction)
    assert sum(result.evaluation.gradient[f"a{n}1"] for n in (1, 2, 3)) == pytest.approx(0,
                                                                                         abs=1e-14)


def test_layernorm_normalizes_each_example():
    result = normalization_trace("layernorm")
    fan = {v: uses for v, uses, _, _ in result.fan_out()}
    assert fan["mu1"] == 2 and "mu3" in fan          # one mean per example, two features each
    assert "mu1 = (a11 + a12)/2" in result.source


def test_eval_mode_uses_running_statistics_as_constants():
    result = normalization_trace("batchnorm", "eval")
    trace = result.evaluation.trace
    assert not any(s.var.startswith(("mu", "var")) for s in trace.steps)
    assert "rmean1" in trace.inputs and all(d < 1e-14 for d in result.check().values())
    n = A.shape[0]
    rm = result.statistics["running_mean after one step (eval uses it)"]
    rv = result.statistics["running_var after one step (eval uses it)"]
    np.testing.assert_allclose(rm, 0.1 * A.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(rv, 0.9 + 0.1 * A.var(axis=0) * n / (n - 1), rtol=1e-15)
    # with constant statistics the backward is a scaling: ā = c·γ/√(rv + δ)
    grad = np.array([[result.evaluation.gradient[f"a{k}{i}"] for i in (1, 2)] for k in (1, 2, 3)])
    np.testing.assert_allclose(grad, C * GAMMA / np.sqrt(rv + EPS), rtol=1e-14)


def test_program_is_a_valid_trace_program():
    for layer in ("batchnorm", "layernorm"):
        trace = parse(program(layer))
        assert trace.steps[trace.output].var == "L"
        assert {f"a{n}{i}" for n in (1, 2, 3) for i in (1, 2)} <= set(trace.inputs)


def test_cli_table():
    result = run()
    assert result.exit_code == 0, result.output
    for marker in ("mu1 = (a11 + a21 + a31)/3", "Adjoint trace", "Fan-out",
                   "nn.BatchNorm1d", "running_var"):
        assert marker in result.output


@pytest.mark.parametrize("fmt, marker", [("markdown", "| variable | uses |"),
                                         ("latex", r"\begin{verbatim}")])
def test_cli_formats(fmt, marker):
    result = run("layernorm", "--format", fmt)
    assert result.exit_code == 0 and marker in result.output


def test_cli_json():
    data = json.loads(run("batchnorm", "--mode", "eval", "--format", "json").stdout)
    assert data["mode"] == "eval" and max(data["check"].values()) < 1e-14
    assert data["trace"]["gradient"]["a11"] == pytest.approx(C[0, 0] * GAMMA[0] / np.sqrt(
        data["statistics"]["running_var after one step (eval uses it)"][0] + EPS))


def test_cli_graph(tmp_path):
    path = tmp_path / "bn.dot"
    result = run("--graph", str(path))
    assert result.exit_code == 0 and "mu1" in path.read_text()


def test_cli_layernorm_has_no_eval_mode():
    result = run("layernorm", "--mode", "eval")
    assert result.exit_code == 2 and "no eval mode" in result.output
