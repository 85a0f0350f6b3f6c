"""`autodiff explore` without a browser: the walk through the sweeps, the page as HTML, the CLI's
output rules and bad input, and the notebook view."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

import autodiff
from autodiff import InputError, evaluate
from autodiff.render import explorer
from autodiff.render.tables import format_value
from autodiff_cli.main import cli

from .strategies import expressions, points

ROOT = Path(__file__).resolve().parent.parent
LECTURE = str(ROOT / "traces" / "lecture.trace")


def run(*args):
    return CliRunner().invoke(cli, list(args))


def lecture(**kw) -> autodiff.Evaluation:
    return evaluate(Path(LECTURE).read_text(), at={"x1": 1.5, "x2": 0.5}, **kw)


def test_the_walk_is_inputs_forward_reverse_result():
    ev = evaluate("sin(a)*b + a", {"a": 0.3, "b": -2.0})
    walk = explorer.steps(ev)
    n = len(ev.trace)
    assert [s.kind for s in walk] == ["inputs"] + ["forward"] * n + ["reverse"] * n + ["result"]
    assert [s.var for s in walk[1:n + 1]] == [s.var for s in ev.trace.steps]
    assert [s.var for s in walk[n + 1:2 * n + 1]] == [s.var for s in reversed(ev.trace.steps)]
    assert walk[0].var == walk[-1].var == ""
    assert walk[-1].rules == ("f = v5 = " + format_value(ev.value),
                              "∂f/∂a = v̄1 = " + format_value(ev.gradient["a"]),
                              "∂f/∂b = v̄2 = " + format_value(ev.gradient["b"]))


def test_each_rule_is_the_tables_rule_and_value():
    """A step's rule starts with the equation `autodiff trace` prints and ends with its value."""
    ev = lecture(wrt="x2")
    rows = {r["var"]: r for r in ev.rows}
    for s in explorer.steps(ev):
        row = rows.get(s.var)
        if s.kind == "forward" and not ev.trace.steps[s.i].is_input:
            assert s.rules[0].startswith(row["primal_rule"] + " = ")
            assert s.rules[0].endswith(" = " + format_value(row["primal"]))
            assert s.rules[1].startswith(row["tangent_rule"] + " = ")
            assert s.rules[1].endswith(" = " + format_value(row["tangent"]))
        elif s.kind == "reverse":
            assert s.rules[0].startswith(row["adjoint_rule"] + " = ")
            assert s.rules[0].endswith(" = " + format_value(row["adjoint"]))


def test_rules_and_contributions_of_the_lecture_by_hand():
    walk = explorer.steps(lecture())
    assert walk[5].rules == ("v5 = exp(v3) = exp(0.75) = 2.117",
                             "v̇5 = v̇3·exp(v3) = 0.5·2.117 = 1.0585")
    assert walk[11].rules == ("v̄4 = -v̄6 = 1·(-1) = -1",)  # the fourth adjoint
    assert walk[11].notes == ("v6 → v4: -v̄6 = 1·(-1) = -1",)
    assert walk[14].notes == ("v3 → v1: v̄3·v2 = 3.117·0.5 = 1.5585",)
    assert walk[6].rules[0] == "v6 = v3 - v4 = 0.75 - 0.47942554 = 0.27057446"


def test_negative_numbers_are_parenthesized_after_an_operator():
    walk = explorer.steps(evaluate("-(-a)^2 - b", {"a": -2.0, "b": -3.0}))
    primal = [s.rules[0] for s in walk if s.kind == "forward"]
    assert primal[2:] == ["v3 = -v1 = -(-2) = 2", "v4 = v3^2 = 2^2 = 4", "v5 = -v4 = -4",
                          "v6 = v5 - v2 = -4 - (-3) = -1"]


_TERM = re.compile(r"\(?(-?[\d.e+-]+)\)?·\(?(-?[\d.e+-]+)\)?")


@settings(max_examples=25)
@given(expressions(depth=3), points(["x1", "x2", "x3"]))
def test_the_numbers_substituted_compute_the_value(text, point):
    """Each sum of products `v̇_j·∂v_i/∂v_j` (`v̄_i·∂v_i/∂v_j`) shown adds up to the value shown,
    to the 8 digits printed."""
    trace = autodiff.parse(text)
    ev = evaluate(trace, {n: v for n, v in point.items() if n in trace.inputs})
    for s in explorer.steps(ev):
        if s.kind not in ("forward", "reverse") or (s.kind == "forward"
                                                   and ev.trace.steps[s.i].is_input):
            continue
        rule = s.rules[-1]
        parts = rule.split(" = ")
        if s.kind == "reverse" and s.i == ev.trace.output:
            assert parts[-1] == "1"
            continue
        products = [float(a) * float(b) for a, b in _TERM.findall(parts[-2])]
        value = float(parts[-1])
        scale = sum(abs(p) for p in products)
        if not all(map(math.isfinite, products + [value])):
            continue
        assert abs(sum(products) - value) <= 1e-6 * scale + 1e-7 * abs(value) + 1e-300


class _Resources(HTMLParser):
    """Everything a page would load from outside itself."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.outside: list[str] = []
        self.tags: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "srcset", "data") and v and \
                    not v.startswith(("#", "data:")):
                self.outside.append(f"<{tag} {k}={v}>")


def test_the_page_is_self_contained_and_readable_without_script():
    text = explorer.Explorer(lecture()).html()
    page = _Resources(text)
    assert page.outside == []
    assert "link" not in page.tags and "@import" not in text
    assert not re.search(r"url\(\s*['\"]?(?!data:|#)", text)
    assert text.count("<svg") == 1 and text.count('class="node"') == 7
    static = re.sub(r"<script.*?</script>|<style.*?</style>|<svg.*?</svg>", "", text, flags=re.S)
    for shown in ("v̄3 = v̄5·v5 + v̄6</td><td class=\"val\">3.117", "∂f/∂x2 = 3.7979175",
                  "v̇4 = v̇2·cos(v2)</td><td class=\"val\">0"):
        assert shown in static
    assert 'name="generator" content="autodiff explore"' in text
    assert len(text.encode("utf-8")) < 200 * 1024


def test_themes_and_large_font():
    light, dark = (explorer.Explorer(lecture(), theme).html() for theme in ("light", "dark"))
    assert 'class="adx-page" data-theme="dark"' in dark
    assert 'class="adx-page" data-theme="light"' in light
    assert "adx-large" in explorer.Explorer(lecture(), large_font=True).html().split("<style>")[0]
    with pytest.raises(InputError, match="theme"):
        explorer.fragment(lecture(), theme="sepia")


def test_cli_writes_a_page_and_replaces_only_its_own_kind_with_overwrite(tmp_path):
    out = tmp_path / "page.html"
    r = run("explore", "x1*x2+exp(x1*x2)-sin(x2)", "--at", "x1=1.5,x2=0.5", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert "steps" in r.stderr and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = run("explore", LECTURE, "--at", "x1=1,x2=2", "-o", str(out))
    assert again.exit_code == 2 and "--overwrite" in again.stderr
    again = run("explore", LECTURE, "--at", "x1=1,x2=2", "-o", str(out), "--overwrite")
    assert again.exit_code == 0 and "x1 = 1, x2 = 2" in out.read_text(encoding="utf-8")
    notes = tmp_path / "notes.html"
    notes.write_text("<html><body>my notes</body></html>")
    r = run("explore", LECTURE, "--at", "x1=1,x2=2", "-o", str(notes), "--overwrite")
    assert r.exit_code == 2 and "not a page written by autodiff explore" in r.stderr
    assert notes.read_text() == "<html><body>my notes</body></html>"


@pytest.mark.parametrize("args, message", [
    (["x1*(x2+", "--at", "x1=1,x2=2"], "line 1"),
    (["x1*x2"], "--at"),
    (["x1*x2", "--at", "x1=1"], "no value given for x2"),
    (["x1*x2", "--at", "x1=1,x2=2", "-o", "no/such/folder/p.html"], "does not exist"),
    (["x1*x2", "--at", "x1=1,x2=2", "-o", "page.svg"], ".html"),
    (["x1*x2", "--at", "x1=1,x2=2", "--theme", "sepia"], "sepia"),
    (["x1*x2", "--at", "x1=1,x2=2", "--wrt", "x3"], "x3"),
])
def test_bad_input_exits_2_without_a_traceback(args, message, tmp_path):
    r = run("explore", *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output


def test_stdout_without_output_file():
    r = run("explore", "-x^2", "--at", "x=3")
    assert r.exit_code == 0 and r.stdout.startswith("<!DOCTYPE html>")
    assert "<td class=\"eq\">v3 = -v2</td><td class=\"val\">-9</td>" in r.stdout


def test_notebook_view_and_explore():
    ev = lecture()
    first, second = ev._repr_html_(), ev._repr_html_()
    ids = [re.search(r'id="([^"]+)"', h).group(1) for h in (first, second)]
    assert ids[0] != ids[1]  # two views in one notebook each drive their own root
    assert first.startswith('<div id="adx-') and "<html" not in first
    assert f'getElementById("{ids[0]}")' in first
    assert evaluate("x*y")._repr_html_() is None  # no point: the notebook shows the tables
    assert evaluate("x*y", {"x": 1, "y": 2}, mode="reverse")._repr_html_() is None
    shown = autodiff.explore(ev, theme="dark")
    assert 'data-theme="dark"' in shown._repr_html_() and shown.evaluation is ev
    assert len(autodiff.explore("x*y", {"x": 1, "y": 2}).steps) == 8


def test_import_autodiff_does_not_load_the_explorer():
    code = "import sys, autodiff; print('autodiff.render.explorer' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
