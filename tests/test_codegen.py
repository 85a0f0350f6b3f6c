"""Generated code (`autodiff codegen`, :mod:`autodiff.codegen`) equals the interpreted sweeps bit
for bit on random expressions, on floats and on arrays; the module imports only numpy; the
command's options and its refusal to overwrite files."""

import ast
import shutil
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import forward_sweep, parse, primal_sweep, reverse_sweep
from autodiff.codegen import generate
from autodiff.primitives import REGISTRY
from autodiff_cli.main import cli

from .strategies import expressions, points

LECTURE = "x1*x2+exp(x1*x2)-sin(x2)"


def load(src):
    ns = {}
    exec(compile(src, "<generated>", "exec"), ns)  # the test's own generated code
    return ns


def identical(a, b):
    """Bit for bit, nan equal to nan (a tangent sum that the interpreter starts from 0.0 may
    differ from the generated one in the sign of a zero, which == does not see)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def check(trace, at, direction):
    """f, f_jvp and f_grad of the generated module against the three interpreted sweeps."""
    ns = load(generate(trace))
    names = list(trace.inputs)
    xs = [at[n] for n in names]
    dirs = [direction[n] for n in names]
    with np.errstate(all="ignore"):
        primals = primal_sweep(trace, at)
        fwd = forward_sweep(trace, at, direction, primals)
        rev = reverse_sweep(trace, at, primals=primals)
        value = ns["f"](*xs)
        v, t = ns["f_jvp"](*xs, *dirs)
        vg, grads = ns["f_grad"](*xs)
    out = primals[trace.output]
    assert identical(value, out) and identical(v, out) and identical(vg, out)
    assert identical(t, fwd.tangents[trace.output])
    for n, g in zip(names, grads, strict=True):
        assert identical(g, rev.gradient[n]), n


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_code_equals_the_sweeps_on_random_expressions(data):
    text = data.draw(expressions())
    trace = parse(text)
    at = data.draw(points(list(trace.inputs)))
    direction = {n: data.draw(st.floats(-2, 2, allow_nan=False)) for n in trace.inputs}
    check(trace, at, direction)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_generated_code_equals_the_sweeps_on_arrays(data):
    text = data.draw(expressions())
    trace = parse(text)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    at = {n: rng.uniform(-1.5, 1.5, size=5) for n in trace.inputs}
    direction = {n: float(rng.uniform(-1, 1)) for n in trace.inputs}
    check(trace, at, direction)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_primitive_generates_code_that_equals_the_sweeps(name):
    prim = REGISTRY[name]
    args = ", ".join(f"x{k + 1}" for k in range(prim.arity))
    text = f"{name}({args})" if not prim.symbol else (
        "-x1" if prim.arity == 1 else f"x1 {'**' if prim.symbol == '^' else prim.symbol} x2")
    trace = parse(text)
    rng = np.random.default_rng(len(name))
    domain = prim.domain or ((-2, 2),) * prim.arity
    for _ in range(5):
        at = {f"x{k + 1}": float(rng.uniform(*domain[k])) for k in range(prim.arity)}
        check(trace, at, {n: 1.0 for n in at})
    arrays = {f"x{k + 1}": rng.uniform(*domain[k], size=7) for k in range(prim.arity)}
    check(trace, arrays, {n: 0.5 for n in arrays})


@pytest.mark.parametrize("text", ["x^y", "x^0", "0^y", "x^2 * y + pow(x, y)"])
def test_powers_keep_pytorchs_zero_partials_where_the_formula_is_nan(text):
    """∂(x^y)/∂x is 0 at y = 0 and ∂(x^y)/∂y is 0 at x = 0, y ≥ 0 (the registry's masked
    partials): the generated code writes the mask, on floats and on arrays that mix masked and
    plain entries."""
    trace = parse(text)
    names = list(trace.inputs)
    for x, y in [(0.0, 0.0), (0.0, 2.0), (0.0, 0.5), (1.5, 0.0), (0.0, -1.0), (2.0, 3.0)]:
        at = {n: {"x": x, "y": y}[n] for n in names}
        check(trace, at, {n: 1.0 for n in names})
    xs, ys = np.array([0.0, 0.0, 1.5, 2.0, 0.0]), np.array([0.0, 2.0, 0.0, 3.0, -1.0])
    check(trace, {n: {"x": xs, "y": ys}[n] for n in names}, {n: 1.0 for n in names})


def test_the_lecture_module_names_lines_as_the_trace_and_comments_the_equations():
    src = generate(parse(open("traces/lecture.trace").read()))
    assert "v3 = v1 * v2  # v3 = v1·v2" in src
    assert "v5_dot = v3_dot * v5  # v̇5 = v̇3·exp(v3)" in src
    assert "v3_bar = v3_bar + v5_bar * v5  # v̄3 += v̄5·v5" in src
    assert "v2_bar = v2_bar + v3_bar * v1  # v̄2 += v̄3·v1" in src
    tree = ast.parse(src)
    imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert imports == ["numpy"]
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]


def test_several_outputs_give_tuples_and_the_jacobian_by_rows():
    trace = parse("u = x*y\na = exp(u) - y\nb = sin(u)/(1 + x^2) + u*y\nreturn a, b\n")
    ns = load(generate(trace))
    at = {"x": 0.7, "y": -1.3}
    primals = primal_sweep(trace, at)
    values = tuple(primals[o] for o in trace.outputs)
    assert ns["f"](0.7, -1.3) == values
    (v, t) = ns["f_jvp"](0.7, -1.3, 1.0, 0.0)
    fwd = forward_sweep(trace, at, "x", primals)
    assert v == values and t == tuple(fwd.tangents[o] for o in trace.outputs)
    v, jac = ns["f_grad"](0.7, -1.3)
    for row, o in zip(jac, trace.outputs, strict=True):
        rev = reverse_sweep(trace, at, output=o, primals=primals)
        assert row == (rev.gradient["x"], rev.gradient["y"])


def test_an_input_that_does_not_reach_the_output_has_gradient_zero():
    ns = load(generate(parse("v = x*x\nw = y\nreturn v\n")))
    assert ns["f_grad"](3.0, 2.0) == (9.0, (6.0, 0.0))


def run(*args):
    return CliRunner().invoke(cli, ["codegen", *args])


def test_cli_prints_a_module_with_the_modes_and_name_asked_for():
    r = run(LECTURE)
    assert r.exit_code == 0, r.output
    assert {"f", "f_jvp", "f_grad"} <= set(load(r.output))
    fwd = load(run(LECTURE, "--mode", "forward", "--name", "g").output)
    assert "g_jvp" in fwd and "g_grad" not in fwd and "f" not in fwd
    rev = load(run(LECTURE, "--mode", "reverse").output)
    assert "f_grad" in rev and "f_jvp" not in rev


def test_cli_takes_an_expression_that_starts_with_a_minus():
    r = run("-x1^2*x2")
    assert r.exit_code == 0, r.output
    assert load(r.output)["f"](2.0, 3.0) == -12.0


@pytest.mark.parametrize("args, message", [
    (["x1 +"], "operand is missing"),
    (["x1", "--name", "1f"], "Python identifier"),
    (["x1", "-o", "out.txt"], "end in .py"),
])
def test_cli_bad_input_exits_2(args, message):
    r = run(*args)
    assert r.exit_code == 2 and message in r.output


def test_cli_never_replaces_a_file_it_did_not_write(tmp_path):
    mine, theirs = tmp_path / "gen.py", tmp_path / "theirs.py"
    theirs.write_text("print('hello')\n")
    assert run(LECTURE, "-o", str(theirs)).exit_code == 2
    assert run(LECTURE, "-o", str(theirs), "--overwrite").exit_code == 2
    assert theirs.read_text() == "print('hello')\n"
    assert run(LECTURE, "-o", str(mine)).exit_code == 0
    first = mine.read_text()
    r = run("x1*x2", "-o", str(mine))
    assert r.exit_code == 2 and "--overwrite" in r.output and mine.read_text() == first
    assert run("x1*x2", "-o", str(mine), "--overwrite").exit_code == 0
    assert load(mine.read_text())["f"](2.0, 3.0) == 6.0


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_generated_modules_are_ruff_clean(tmp_path):
    sources = [LECTURE, "bce(sigmoid(x1 + x2), 0.25) + relu(x1) * maximum(x1, x2)",
               "softplus(x1) - logsigmoid(x2) + abs(x1 - x2) + heaviside(x2) + sign(x1)"]
    for k, text in enumerate(sources):
        path = tmp_path / f"gen{k}.py"
        path.write_text(generate(parse(text), source=text))
    p = subprocess.run(["ruff", "check", "--isolated", "--select", "E,F,W,I,B,UP",
                        "--line-length", "100", str(tmp_path)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout
