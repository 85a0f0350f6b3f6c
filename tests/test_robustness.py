"""Hostile and careless input through the CLI: one clear message, exit 2, no traceback, nothing
overwritten (issue 18). Each test is the regression test of one reported failure."""

import json

import pytest
from click.testing import CliRunner

from autodiff_cli.main import cli


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def clean(result, code):
    """The run ended with ``code`` and without a Python exception escaping."""
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == code, result.output
    return result


@pytest.mark.parametrize("rhs", ["(x)", "+x", "((+x))"])
def test_a_later_line_naming_an_input_is_that_input(tmp_path, rhs):
    f = tmp_path / "alias.trace"
    f.write_text(f"a = sin(x)\nb = {rhs}\n")
    j = json.loads(clean(run("trace", f, "--at", "x=2", "--format", "json"), 0).output)
    assert j["value"] == 2.0 and j["gradient"] == {"x": 1.0}
    clean(run("diff", f, "--at", "x=2"), 0)


def test_nesting_up_to_the_cap_is_traced_and_beyond_it_refused():
    deep = "sin(" * 200 + "x" + ")" * 200
    clean(run("trace", deep, "--at", "x=1"), 0)
    r = clean(run("trace", "sin(" + deep + ")", "--at", "x=1"), 2)
    assert "too deeply nested" in r.output


@pytest.mark.parametrize("expr, hint", [("x1²", "x1^2"), ("x²", "x^2"), ("y³+1", "y^3")])
def test_superscripts_are_refused_with_the_power_to_write(expr, hint):
    r = clean(run("trace", expr), 2)
    assert "superscript" in r.output and hint in r.output


@pytest.mark.parametrize("args", [("diff", "log(0*x)", "--at", "x=1"), ("symbolic", "log(0*x)"),
                                  ("jacobian", "x/(0*y)", "--at", "x=1,y=1"),
                                  ("hessian", "x/(0*y)", "--at", "x=1,y=1"),
                                  ("diff", "log(1e-400*x)", "--at", "x=1")])
def test_constants_folded_to_zero_give_inf_or_nan_not_a_crash(args):
    clean(run(*args), 0)
