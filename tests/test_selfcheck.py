"""`autodiff selfcheck`: passes on this install, and fails loudly when a rule is broken."""

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from autodiff import REGISTRY, selfcheck
from autodiff.primitives import cos
from autodiff_cli.main import cli

FIXTURE = Path(__file__).parent / "fixtures" / "optim_torch.json"


def run(*args):
    return CliRunner().invoke(cli, ["selfcheck", *args])


def break_rule(monkeypatch, name, *partials):
    """Replace the registry entry ``name`` by a copy with other partial rules."""
    monkeypatch.setitem(REGISTRY, name, dataclasses.replace(REGISTRY[name], partials=partials))


def test_selfcheck_passes_and_covers_every_primitive():
    result = selfcheck.selfcheck()
    assert result.passed, result.render("table")
    names = " ".join(c.name for c in result.checks if c.group == "primitives")
    for prim in REGISTRY.values():
        assert f"{prim.name}'" in names or f"∂{prim.name}/∂arg" in names, prim.name
    summary = {s["group"]: s for s in result.summary()}
    assert set(summary) == set(selfcheck.GROUPS)
    assert all(s["checks"] > 0 and s["failed"] == 0 for s in summary.values())
    # the complex step is skipped exactly for the primitives with kinks
    complex_step = {c.name.split("'")[0] for c in result.checks if "complex step" in c.name}
    assert "relu" not in complex_step and "sin" in complex_step


def test_cli_prints_the_summary_and_exits_zero():
    result = run()
    assert result.exit_code == 0, result.output + result.stderr
    assert "all " in result.output and "checks passed" in result.output
    for group in selfcheck.GROUPS:
        assert group in result.output


@pytest.mark.parametrize("fmt, marker", [("markdown", "| group |"), ("latex", r"\begin{tabular}")])
def test_cli_formats(fmt, marker):
    result = run("--format", fmt)
    assert result.exit_code == 0 and marker in result.output


def test_cli_json():
    result = run("--format", "json")
    data = json.loads(result.stdout)
    assert data["passed"] is True
    assert {s["group"] for s in data["summary"]} == set(selfcheck.GROUPS)
    assert all(c["passed"] for c in data["checks"])


def test_a_wrong_rule_fails_loudly(monkeypatch):
    """sin' = -cos is wrong: the central difference, the complex step and the lecture's
    example (which uses sin) all catch it, and the command exits 1."""
    break_rule(monkeypatch, "sin", lambda x, ans: -cos(x))
    result = run()
    assert result.exit_code == 1
    assert "FAILED" in result.output and "sin' vs central difference" in result.output
    assert "sin' vs complex step" in result.output
    assert "lecture" in result.output
    assert "check(s) failed" in result.stderr
    failed = {c.name for c in selfcheck.selfcheck().failures}
    assert "sin' vs central difference" in failed


def test_a_slightly_wrong_rule_fails(monkeypatch):
    """A relative error of 1e-4 in exp' is far above the tolerances."""
    break_rule(monkeypatch, "exp", lambda x, ans: ans * 1.0001)
    result = selfcheck.selfcheck()
    assert not result.passed
    assert {c.name for c in result.failures} >= {"exp' vs central difference",
                                                  "exp' vs complex step"}


def test_a_rule_that_raises_is_a_failure_not_a_crash(monkeypatch):
    def broken(x, y, ans):
        raise ZeroDivisionError("deliberately broken")

    break_rule(monkeypatch, "mul", broken, REGISTRY["mul"].partials[1])
    result = run("--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert any("deliberately broken" in c["detail"] for c in data["checks"] if not c["passed"])


def test_a_wrong_reference_step_fails(monkeypatch, tmp_path):
    reference = json.loads(selfcheck.REFERENCE.read_text())
    reference["cases"][0]["trajectory"][1][1][0] += 1e-6
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(reference))
    monkeypatch.setattr(selfcheck, "REFERENCE", path)
    failed = selfcheck.selfcheck().failures
    assert [c.group for c in failed] == ["optimizers"]
    assert "after step 2" in failed[0].detail


def test_shipped_reference_agrees_with_the_torch_fixture():
    fixture = json.loads(FIXTURE.read_text())
    reference = json.loads(selfcheck.REFERENCE.read_text())
    assert reference["problem"] == fixture["problem"]
    assert reference["torch"] == fixture["torch"]
    assert {c["optimizer"] for c in reference["cases"]} == {
        "SGD", "Adagrad", "RMSprop", "Adam", "AdamW"}
    for case in reference["cases"]:
        recorded = fixture["cases"][case["fixture_index"]]
        assert case["kwargs"] == recorded["kwargs"]
        assert case["trajectory"] == recorded["trajectory"][:len(case["trajectory"])]


def test_sample_points_stay_away_from_kinks():
    """Central differences across a kink would test the convention, not the rule."""
    for prim in REGISTRY.values():
        points = selfcheck.sample_points(prim)
        assert len(points) >= 4 ** prim.arity // 2, prim.name
        kink_of = getattr(prim, "kink_of", None)
        for xs in points:
            values = [kink_of(*xs)] if kink_of else xs
            assert all(abs(v - k) >= 0.05 for v in values for k in prim.kinks), (prim.name, xs)
