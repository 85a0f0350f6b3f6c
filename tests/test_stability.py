"""Naive vs stable formulations, against an independent mpmath reference."""

import json

import mpmath
import numpy as np
import pytest
from click.testing import CliRunner

from autodiff.extras import stability
from autodiff.extras.stability import PAIRS, compare
from autodiff_cli.main import cli

# Each reference's derivative written out by hand, to check mpmath.diff (and the reference
# itself: exp/log identities) at a few points, in mpmath, with no engine involved.
DERIVATIVES = {
    "logsigmoid": lambda z: 1 / (1 + mpmath.exp(z)),
    "bce": lambda z: 1 / (1 + mpmath.exp(-z)),
    "softmax": lambda z: (mpmath.exp(z) * (1 + 2 * mpmath.exp(-z))
                          / (mpmath.exp(z) + 1 + mpmath.exp(-z)) ** 2),
    "sigmoid_derivative": lambda z: (mpmath.exp(-z) * (mpmath.exp(-z) - 1)
                                     / (1 + mpmath.exp(-z)) ** 3),
    "log1p": lambda x: 1 / (1 + x),
}


def run(*args):
    return CliRunner().invoke(cli, ["stability", *args])


@pytest.mark.parametrize("name", list(PAIRS))
def test_reference_derivative_agrees_with_the_hand_derivation(name):
    pair = PAIRS[name]
    x = np.array(pair.samples, dtype=float)
    _, df = stability._references(pair, x)
    for v, d in zip(x, df, strict=True):
        with mpmath.workdps(stability.precision(v)):
            want = DERIVATIVES[name](mpmath.mpf(v))
            assert abs(d - want) <= mpmath.mpf(10) ** -40 * max(abs(want), mpmath.mpf(1e-300))


def test_reference_never_calls_the_engine(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the reference must not use the engine")

    monkeypatch.setattr(stability, "evaluate", refuse)
    f, _ = stability._references(PAIRS["log1p"], np.array([1e-16]))
    assert abs(f[0] - mpmath.mpf("9.9999999999999995e-17")) < 1e-30


@pytest.mark.parametrize("name", list(PAIRS))
def test_stable_formulation_keeps_its_digits(name):
    c = compare(name, 81)
    for what in ("value", "derivative"):
        err, at = c.worst("stable", what)
        assert err < 2e-15, (name, what, at)


@pytest.mark.parametrize("name, what, x, low", [
    ("logsigmoid", "value", 40.0, 0.5),          # log(σ(40)) rounds to log(1) = 0
    ("bce", "value", 40.0, 0.5),                 # σ(40) = 1: log(1 − 1) clamped at −100
    ("sigmoid_derivative", "value", 40.0, 0.5),  # 1 − σ(40) = 0
    ("log1p", "value", 1e-16, 0.5),              # 1 + 1e-16 = 1
    ("sigmoid_derivative", "derivative", 20.0, 1e-9),
])
def test_naive_formulation_loses_digits(name, what, x, low):
    c = compare(name, 41)
    k = int(np.argmin(np.abs(c.x - x)))
    assert c.x[k] == x
    assert c.error["naive"][what][k] > low
    assert c.error["stable"][what][k] < 1e-15


@pytest.mark.parametrize("name, x", [("logsigmoid", -800.0), ("softmax", 800.0)])
def test_naive_formulation_stops_being_finite(name, x):
    c = compare(name, 41)
    assert c.first_non_finite("naive", "value") is not None
    k = int(np.argmin(np.abs(c.x - x)))
    assert not np.isfinite(c.got["naive"]["value"][k])
    assert np.isfinite(c.got["stable"]["value"][k])
    assert c.first_non_finite("stable", "value") is None


def test_cli_table_lists_every_pair():
    result = run("--points", "21")
    assert result.exit_code == 0, result.output
    for name in PAIRS:
        assert name in result.output
    assert "not finite" in result.output


@pytest.mark.parametrize("fmt, marker", [("markdown", "| function |"),
                                         ("latex", r"\begin{tabular}")])
def test_cli_formats(fmt, marker):
    result = run("log1p", "--points", "5", "--format", fmt)
    assert result.exit_code == 0 and marker in result.output


def test_cli_json():
    result = run("logsigmoid", "log1p", "--points", "9", "--format", "json")
    data = json.loads(result.stdout)
    assert [f["name"] for f in data["functions"]] == ["logsigmoid", "log1p"]
    first = data["functions"][0]
    assert first["got"]["naive"]["value"][0] == "-inf"       # log(σ(-800))
    assert first["relative_error"]["naive"]["value"][0] == "inf"
    assert len(first["x"]) == len(first["reference"]["value"])


def test_cli_plot(tmp_path):
    path = tmp_path / "stability.png"
    result = run("log1p", "sigmoid_derivative", "--points", "21", "--plot", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"\x89PNG")
    again = run("log1p", "--points", "5", "--plot", str(path))
    assert again.exit_code == 2 and "exists" in again.output
    svg = tmp_path / "s.svg"
    assert run("log1p", "--points", "5", "--plot", str(svg)).exit_code == 0
    assert b"<svg" in svg.read_bytes()[:2000]


@pytest.mark.parametrize("args, message", [
    (["tanh"], "unknown function 'tanh'"),
    (["log1p", "--plot", "out.txt"], ".png or .svg"),
    (["log1p", "--points", "1"], "--points"),
])
def test_cli_bad_input_exits_2(args, message, tmp_path):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output
