"""The `autodiff trace` command through click's runner: formats, golden files, exit codes."""

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from autodiff_cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
LECTURE = str(ROOT / "traces" / "lecture.trace")
AT = "x1=1.5,x2=0.5"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.mark.parametrize("fmt, suffix", [("table", "txt"), ("markdown", "md"),
                                         ("latex", "tex"), ("json", "json")])
def test_lecture_trace_matches_golden(fmt, suffix, request):
    result = run("trace", "traces/lecture.trace", "--at", AT, "--format", fmt)
    assert result.exit_code == 0, result.output
    path = GOLDEN / f"lecture.{suffix}"
    if request.config.getoption("--update-golden"):
        path.write_text(result.output)
    assert result.output == path.read_text()


def test_equations_without_a_point_match_golden(request):
    result = run("trace", "x1*x2+exp(x1*x2)-sin(x2)")
    assert result.exit_code == 0
    path = GOLDEN / "expression-equations.txt"
    if request.config.getoption("--update-golden"):
        path.write_text(result.output)
    assert result.output == path.read_text()


def test_json_contract():
    result = run("trace", "x1*x2+exp(x1*x2)-sin(x2)", "--at", AT, "--format", "json")
    j = json.loads(result.output)
    assert j["inputs"] == {"x1": 1.5, "x2": 0.5}
    assert j["wrt"] == "x1"
    assert set(j["gradient"]) == {"x1", "x2"}
    assert j["value"] == pytest.approx(0.75 + math.exp(0.75) - math.sin(0.5), rel=1e-15)
    assert len(j["trace"]) == 7
    for row in j["trace"]:
        assert {"var", "op", "args", "expr", "primal", "tangent", "adjoint",
                "tangent_rule", "adjoint_rule"} <= set(row)
    assert j["trace"][-1]["tangent"] == pytest.approx(j["gradient"]["x1"], rel=1e-15)


def test_lecture_adjoint_of_v2_is_corrected():
    j = json.loads(run("trace", LECTURE, "--at", AT, "--format", "json").output)
    v2 = next(r for r in j["trace"] if r["var"] == "v2")
    assert v2["adjoint_rule"] == "v̄2 = v̄3·v1 + v̄4·cos(v2)"
    assert [r["var"] for r in j["trace"]] == [f"v{i}" for i in range(1, 8)]


def test_modes_and_wrt():
    out = run("trace", LECTURE, "--at", AT, "--mode", "forward", "--wrt", "x2").output
    assert "Tangent trace (forward mode, ∂/∂x2)" in out and "Adjoint" not in out
    out = run("trace", LECTURE, "--at", AT, "--mode", "reverse").output
    assert "Adjoint trace" in out and "Tangent" not in out
    j = json.loads(run("trace", LECTURE, "--at", AT, "--wrt", "x1=1,x2=1",
                       "--format", "json").output)
    assert j["tangent"] == pytest.approx(j["gradient"]["x1"] + j["gradient"]["x2"])


def test_stdin_and_repeated_at():
    result = run("trace", "-", "--at", "x1=1.5", "--at", "x2=0.5", input="x1*x2\n")
    assert result.exit_code == 0 and "f = 0.75" in result.output


@pytest.mark.parametrize("args, message", [
    (["sinn(x1)"], "did you mean sin"),
    (["2x"], "implicit multiplication"),
    (["x1+x2", "--at", "x1=1"], "no value given for x2"),
    (["x1+x2", "--at", "x1=1,x2=2,x3=3"], "x3 is not an input"),
    (["x1", "--at", "x1=abc"], "not a number"),
    (["x1", "--wrt", "y"], "not an input"),
    (["x1", "--format", "yaml"], "yaml"),
    (["(x1"], "never closed"),
])
def test_bad_input_exits_2_with_one_message(args, message):
    result = run("trace", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_non_finite_values_warn_and_succeed():
    result = run("trace", "log(x)", "--at", "x=-1")
    assert result.exit_code == 0
    assert "nan" in result.output
    assert "warning: the value of v2 = log(v1) is nan" in result.output


def test_help_and_version():
    assert run("--help").exit_code == 0
    assert run("trace", "--help").output.count("EXPR_OR_FILE") >= 1
    assert run("--version").exit_code == 0


def test_subprocess_entry_point():
    import subprocess
    import sys
    p = subprocess.run([sys.executable, "-m", "autodiff_cli", "trace", "sinn(x)"],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert p.stderr.startswith("Error: line 1, column 1: unknown function sinn")


@pytest.mark.parametrize("command", ["trace", "graph", "diff", "symbolic"])
def test_an_expression_may_start_with_a_minus(command):
    result = run(command, "-x^2", "--at", "x=3")
    assert result.exit_code == 0, result.output
    assert run(command, "--frmat", "x").exit_code == 2  # a misspelt option is still refused
