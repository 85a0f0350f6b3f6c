"""The commands that compare ways to differentiate, through click's runner."""

import json
import math

import pytest
from click.testing import CliRunner

from autodiff_cli.main import cli

E = "x1*x2+exp(x1*x2)-sin(x2)"
AT = "x1=1.5,x2=0.5"
G = {"x1": 0.5 + 0.5 * math.exp(0.75), "x2": 1.5 + 1.5 * math.exp(0.75) - math.cos(0.5)}
PROGRAM = "a = x1*x2\nb = sin(x1) + x3\nreturn a, b, a*b\n"


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_diff_json_contract():
    r = run("diff", E, "--at", AT, "--manual", "x1=x2*(1+exp(x1*x2))", "--format", "json")
    assert r.exit_code == 0, r.output
    j = json.loads(r.stdout)
    want = {"forward", "reverse", "forward_difference", "central_difference", "complex_step",
            "symbolic", "manual"}
    assert want <= set(j["methods"])
    for name, m in j["methods"].items():
        assert {"gradient", "error", "cost"} <= set(m), name
        assert set(m["error"]) == {"x1", "x2"}
    assert j["methods"]["reverse"]["gradient"]["x1"] == pytest.approx(G["x1"], rel=1e-15)
    assert j["methods"]["manual"]["gradient"]["x2"] is None  # not supplied
    assert j["methods"]["central_difference"]["cost"]["evaluations"] == 4
    assert j["ok"] is True


def test_diff_without_manual_has_no_manual_method():
    j = json.loads(run("diff", E, "--at", AT, "--format", "json").stdout)
    assert "manual" not in j["methods"]


def test_wrong_manual_derivative_exits_1_with_the_report():
    r = run("diff", E, "--at", AT, "--manual", "x1=x2*exp(x1*x2)")
    assert r.exit_code == 1
    assert "✗ ∂f/∂x1 = x2*exp(x1*x2) is wrong: at x1=1.5, x2=0.5" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("args, message", [
    (["diff", E, "--at", AT, "--manual", "x1=x2+*x2"], "does not parse"),
    (["diff", E, "--at", AT, "--h", "0"], "positive"),
    (["numeric", E, "--at", AT, "--h", "-1e-3"], "positive"),
    (["hessian", PROGRAM, "--at", "x1=1,x2=2,x3=3"], "scalar"),
    (["diff", PROGRAM, "--at", "x1=1,x2=2,x3=3"], "jacobian"),
    (["diff", E], "no value given"),
    (["diff", E, "--at", AT, "--manual-file", "/no/such/file"], "cannot read"),
    (["check", E, "--at", AT], "no derivative to check"),
    (["swell", "x*y", "--n", "2"], "one input"),
    (["symbolic", E, "--budget", "0"], "budget"),
])
def test_bad_input_exits_2_with_one_message(args, message):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


COMMANDS = [["diff", E, "--at", AT], ["numeric", E, "--at", AT],
            ["numeric", E, "--at", AT, "--study"], ["symbolic", E, "--at", AT],
            ["swell", "--n", "2", "--no-simplify"],
            ["check", E, "--at", AT, "--manual", "x1=x2+x2*exp(x1*x2)"],
            ["jacobian", PROGRAM, "--at", "x1=1,x2=2,x3=3"], ["hessian", E, "--at", AT]]


@pytest.mark.parametrize("fmt", ["table", "markdown", "latex", "json"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:1] + a[3:4]))
def test_every_command_renders_every_format(args, fmt):
    r = run(*args, "--format", fmt)
    assert r.exit_code == 0, r.output
    if fmt == "json":
        json.loads(r.stdout)
    elif fmt == "latex":
        assert r"\begin{tabular}" in r.output or "$$" in r.output
    elif fmt == "markdown":
        assert " -: |" in r.output or " :- |" in r.output or "$$" in r.output


def test_check_command(tmp_path):
    path = tmp_path / "derivatives.txt"
    path.write_text("x1 = x2 + x2*exp(x1*x2)\nx2 = x1*exp(x1*x2)\n")
    r = run("check", E, "--at", AT, "--manual-file", str(path), "--format", "json")
    assert r.exit_code == 1
    j = json.loads(r.stdout)
    verdict = {c["input"]: c["ok"] for c in j["checks"]}
    assert verdict == {"x1": True, "x2": False}
    bad = next(c for c in j["checks"] if not c["ok"])
    assert bad["mismatch"]["expected"] == pytest.approx(G["x2"])


def test_numeric_study_json_and_plot(tmp_path):
    plot = tmp_path / "steps.svg"
    r = run("numeric", E, "--at", AT, "--study", "--plot", str(plot), "--format", "json")
    assert r.exit_code == 0
    j = json.loads(r.stdout)
    assert len(j["steps"]) == 16 and set(j["errors"]) >= {"central_difference", "complex_step"}
    assert plot.read_text().lstrip().startswith("<?xml")
    again = run("numeric", E, "--at", AT, "--plot", str(plot))
    assert again.exit_code == 2 and "exists" in again.output


def test_swell_json_and_plot(tmp_path):
    plot = tmp_path / "swell.png"
    r = run("swell", "--n", "4", "--no-simplify", "--plot", str(plot), "--format", "json")
    j = json.loads(r.stdout)
    assert [row["n"] for row in j["rows"]] == [1, 2, 3, 4]
    assert j["rows"][-1]["sizes"]["derivative"]["nodes"] > j["rows"][-1]["sizes"]["cse"]["nodes"]
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_swell_reports_a_budget_it_exceeds():
    r = run("swell", "--n", "6", "--max-nodes", "1000", "--no-simplify", "--format", "json")
    notes = [row["note"] for row in json.loads(r.stdout)["rows"]]
    assert not notes[0] and any("size budget" in n for n in notes)


def test_symbolic_shows_formulas_and_swell():
    r = run("symbolic", E, "--format", "json")
    j = json.loads(r.stdout)
    latex = j["derivatives"]["x1"]["simplified"]["latex"]
    assert latex == r"x_{2} \left(e^{x_{1} x_{2}} + 1\right)"
    assert j["ad_operations"]["reverse"] > j["ad_operations"]["primal"]
    text = run("symbolic", E).output
    assert "∂f/∂x1 =" in text and "after cse" in text


def test_jacobian_and_hessian_json():
    j = json.loads(run("jacobian", PROGRAM, "--at", "x1=1,x2=2,x3=3", "--format", "json").stdout)
    assert j["modes"]["forward"]["sweeps"] == 3 and j["modes"]["reverse"]["sweeps"] == 3
    assert j["jacobian"][0] == [2.0, 1.0, 0.0]
    h = json.loads(run("hessian", "x^2 - y^2", "--at", "x=0,y=0", "--format", "json").stdout)
    assert h["hessian"] == [[2.0, 0.0], [0.0, -2.0]] and h["classification"] == "saddle point"
