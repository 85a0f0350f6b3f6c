"""Accumulation made visible: the reverse sweep as one contribution per edge, in sweep order."""

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from autodiff import InputError, parse, reverse_sweep
from autodiff.extras.accumulation import accumulate
from autodiff_cli.main import cli

from .strategies import expressions, points

SURVEY = "log(x1) + x1*x2 - sin(x2)"
AT = {"x1": 2.0, "x2": 5.0}


def run(*args):
    return CliRunner().invoke(cli, ["adjoints", *args])


def test_a_variable_used_twice_gets_two_contributions():
    acc = accumulate(SURVEY, at=AT)
    to_x1 = [c for c in acc.contributions if c.parent == 0]
    assert [c.update for c in to_x1] == ["v̄1 += v̄4·v2", "v̄1 += v̄3/v1"]
    assert [(c.use, c.uses) for c in to_x1] == [(1, 2), (2, 2)]
    assert [c.value for c in to_x1] == [5.0, 0.5]          # x2, then 1/x1
    assert [c.total for c in to_x1] == [5.0, 5.5]          # the running sum
    assert acc.adjoints[0] == 5.5                          # the survey's x̄1


def test_survey_numbering_names_the_inputs_v_minus_1_and_v0():
    acc = accumulate(SURVEY, numbering="survey")
    updates = [c.update for c in acc.contributions]
    assert "v̄₋₁ += v̄₂·v₀" in updates and "v̄₋₁ += v̄₁/v₋₁" in updates
    assert acc.name(len(acc.trace) - 1) == "v₅"
    latex = [c.update_latex for c in acc.contributions]
    assert r"\bar{v}_{-1} \mathrel{+}= \frac{\bar{v}_{1}}{v_{-1}}" in latex


def test_one_step_using_a_variable_twice_contributes_twice():
    acc = accumulate("x1*x1", at={"x1": 3.0})
    assert [c.update for c in acc.contributions] == ["v̄1 += v̄2·v1", "v̄1 += v̄2·v1"]
    assert [c.total for c in acc.contributions] == [3.0, 6.0]


def test_steps_that_do_not_reach_the_output_contribute_nothing():
    program = "v1 = x1\nv2 = sin(v1)\nv3 = exp(v1)\nreturn v3\n"
    acc = accumulate(program, at={"x1": 0.5})
    assert [c.update for c in acc.contributions] == ["v̄1 += v̄3·v3"]


def test_without_a_point_only_the_updates():
    acc = accumulate(SURVEY)
    assert acc.primals is None and all(c.value is None for c in acc.contributions)
    assert len(acc.contributions) == 8


@settings(max_examples=60, deadline=None)
@given(expressions(), points(["x1", "x2", "x3"]))
def test_contributions_add_up_to_the_reverse_sweep(source, at):
    """Each adjoint is the sum of its contributions, in sweep order (children from the output
    backwards), and equals the reverse sweep's value."""
    trace = parse(source)
    at = {n: v for n, v in at.items() if n in trace.inputs}
    acc = accumulate(trace, at=at)
    want = reverse_sweep(trace, at).adjoints
    children = [c.child for c in acc.contributions]
    assert children == sorted(children, reverse=True)
    for j in range(len(trace)):
        mine = [c for c in acc.contributions if c.parent == j]
        if j == trace.output or not mine:
            continue
        assert mine[-1].total == want[j] or math.isclose(mine[-1].total, want[j],
                                                           rel_tol=1e-12, abs_tol=1e-300)
        assert [c.use for c in mine] == list(range(1, len(mine) + 1))
        for c in mine:
            assert c.value == c.child_adjoint * c.partial


def test_cli_table_shows_running_sums():
    result = run(SURVEY, "--at", "x1=2,x2=5")
    assert result.exit_code == 0, result.output
    assert "v̄1 += v̄4·v2" in result.output and "v̄1 = 5.5" in result.output
    assert "2 of 2" in result.output and "Gathered" in result.output


@pytest.mark.parametrize("fmt, marker", [
    ("markdown", "| # | contribution |"), ("latex", r"\mathrel{+}="), ("table", "running sum")])
def test_cli_formats(fmt, marker):
    result = run(SURVEY, "--at", "x1=2,x2=5", "--format", fmt)
    assert result.exit_code == 0 and marker in result.output


def test_cli_json():
    result = run(SURVEY, "--at", "x1=2,x2=5", "--format", "json", "--numbering", "survey")
    data = json.loads(result.stdout)
    assert data["numbering"] == "survey" and data["names"]["v1"] == "v₋₁"
    first = data["contributions"][0]
    assert set(first) >= {"order", "parent", "child", "update", "value", "total"}
    assert data["adjoints"]["v1"] == 5.5


def test_cli_graph_labels_edges_with_contributions(tmp_path):
    path = tmp_path / "acc.dot"
    result = run(SURVEY, "--at", "x1=2,x2=5", "--graph", str(path))
    assert result.exit_code == 0, result.output
    dot = path.read_text()
    assert 'v1 -> v4 [label="#6: v̄4·v2 = 5"]' in dot
    assert "dir=back" in dot


def test_cli_never_overwrites_another_kind_of_file(tmp_path):
    path = tmp_path / "notes.svg"
    path.write_text("my notes")
    result = run(SURVEY, "--graph", str(path))
    assert result.exit_code == 2 and path.read_text() == "my notes"


@pytest.mark.parametrize("args, message", [
    (["x1*", "--at", "x1=1"], "x1*"),
    ([SURVEY, "--at", "x1=2"], "no value given for x2"),
    ([SURVEY, "--numbering", "greek"], "numbering"),
])
def test_bad_input_exits_2(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_library_rejects_bad_numbering_and_arrays():
    with pytest.raises(InputError, match="numbering"):
        accumulate(SURVEY, numbering="greek")
    with pytest.raises(InputError, match="arrays"):
        accumulate(SURVEY, at={"x1": np.ones(2), "x2": 1.0})
