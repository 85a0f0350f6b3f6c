"""Hostile and careless input through the CLI: one clear message, exit 2, no traceback, nothing
overwritten (issue 18). Each test is the regression test of one reported failure."""

import json

import numpy as np
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


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    d = tmp_path_factory.mktemp("models")
    clean(run("train", "--model", "mlp", "--hidden", "3", "--epochs", "1", "--save",
              d / "mlp.json"), 0)
    clean(run("fit", "sigmoid(w1*x1 + b)", "--params", "w1,b", "--epochs", "1", "--save",
              d / "fit.json"), 0)
    (d / "rows.csv").write_text("x1,x2\n0.5,1.0\n-1.0,2.0\n")
    return d


def _hidden(m):
    m["architecture"]["hidden"] = [10**6, 10**6]


def _wide(m):
    m["architecture"]["hidden"] = [4000, 4000]


def _scale0(m):
    m["standardization"]["scale"] = [0.0 for _ in m["standardization"]["scale"]]


def _ragged(m):
    m["state_dict"][next(iter(m["state_dict"]))] = [[1.0, 2.0], [3.0]]


@pytest.mark.parametrize("source, change, says", [
    ("mlp", lambda m: m.update(state_dict=[1, 2]), "state_dict: expected an object"),
    ("mlp", lambda m: m.update(training=5), "training: expected an object"),
    ("mlp", _hidden, "hidden[0]: 1000000 is more than"),
    ("mlp", _wide, "weights (a model file may have at most"),
    ("mlp", _scale0, "scale[0]: 0.0 must be positive"),
    ("mlp", _ragged, "not a rectangular array"),
    ("mlp", lambda m: m.update(features="x1"), "features: expected a list"),
    ("fit", lambda m: m.update(columns=["x1"]), "columns: expected an object"),
    ("fit", lambda m: m.update(columns={"x9": "x1"}), "not the formula's features"),
    ("fit", lambda m: m["params"].update(w1="1"), "params.w1: expected a number"),
])
def test_tampered_model_files_are_refused_before_anything_is_built(saved_models, source,
                                                                   change, says):
    m = json.loads((saved_models / f"{source}.json").read_text())
    change(m)
    bad = saved_models / "tampered.json"
    bad.write_text(json.dumps(m))
    r = clean(run("predict", bad, "--data", saved_models / "rows.csv"), 2)
    assert says in r.output


def test_json_nested_too_deeply_is_a_clean_refusal(saved_models):
    bad = saved_models / "deep.json"
    bad.write_text("[" * 100_000)
    r = clean(run("predict", bad, "--data", saved_models / "rows.csv"), 2)
    assert "nested too deeply" in r.output


def test_untampered_models_still_predict(saved_models):
    for source in ("mlp", "fit"):
        clean(run("predict", saved_models / f"{source}.json", "--data",
                  saved_models / "rows.csv"), 0)


# --- the output-file policy ------------------------------------------------------------------

FIT = ("fit", "sigmoid(w1*x1 + b)", "--params", "w1,b", "--epochs", "1")


@pytest.mark.parametrize("option, name, text", [
    ("--save", "notes.json", "my notes, not a model\n"),
    ("--history", "hist.csv", "week,hours\n1,12\n"),
    ("--plot", "photo.png", "not a picture at all"),
    ("--explain-graph", "g.svg", "v1 = x1\n"),
])
def test_fit_never_replaces_a_file_of_another_kind(tmp_path, option, name, text):
    f = tmp_path / name
    f.write_text(text)
    extra = ("--explain", "0") if option == "--explain-graph" else ()
    r = clean(run(*FIT, *extra, option, f, "--overwrite"), 2)
    assert "it is not overwritten" in r.output and option in r.output
    assert f.read_text() == text


def test_our_own_kind_is_replaced_only_with_overwrite(tmp_path):
    model = tmp_path / "m.json"
    clean(run(*FIT, "--save", model), 0)
    first = model.read_text()
    r = clean(run(*FIT, "--save", model, "--lr", "0.5"), 2)
    assert "add --overwrite" in r.output and model.read_text() == first
    clean(run(*FIT, "--save", model, "--lr", "0.5", "--overwrite"), 0)
    assert model.read_text() != first


def test_outputs_are_checked_before_training(tmp_path):
    r = clean(run(*FIT, "--epochs", "100000", "--explain", "0",
                  "--explain-graph", tmp_path / "g.jpg"), 2)
    assert "--explain-graph" in r.output and "-o " not in r.output


@pytest.mark.parametrize("args", [("stability", "logsigmoid", "--points", "5"),
                                  ("swell", "--n", "2"),
                                  ("numeric", "x*x", "--at", "x=1", "--study")])
def test_a_plot_onto_a_folder_is_refused(tmp_path, args):
    folder = tmp_path / "somedir.png"
    folder.mkdir()
    r = clean(run(*args, "--plot", folder, "--overwrite"), 2)
    assert "is a folder" in r.output or "is a directory" in r.output


def _without_write_permission():
    """Runs in the child: drop the capabilities that let root write anywhere."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):                       # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl")


@pytest.mark.parametrize("args", [("swell", "--n", "2"),
                                  ("stability", "logsigmoid", "--points", "5")])
def test_a_plot_into_a_read_only_folder_is_refused(tmp_path, args):
    import os
    import subprocess
    import sys

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    preexec = _without_write_permission if os.geteuid() == 0 else None
    command = [sys.executable, "-m", "autodiff_cli", *args, "--plot", str(folder / "p.png")]
    try:
        p = subprocess.run(command, capture_output=True, text=True, timeout=120,
                           preexec_fn=preexec)
    except subprocess.SubprocessError as exc:
        pytest.skip(f"cannot drop root's write permission here: {exc}")
    finally:
        folder.chmod(0o755)
    assert "Traceback" not in p.stderr and p.returncode == 2, p.stderr
    assert "cannot write into the folder" in p.stderr and not os.listdir(folder)


def _address_space_4gb():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, resource.getrlimit(resource.RLIMIT_AS)[1]))


def test_the_wasm_renderer_short_of_memory_says_so(tmp_path):
    import subprocess
    import sys

    pytest.importorskip("wasmtime")
    out = tmp_path / "g.svg"
    p = subprocess.run([sys.executable, "-m", "autodiff_cli", "graph", "x*y", "-o", str(out),
                        "--renderer", "wasm"], capture_output=True, text=True, timeout=120,
                       preexec_fn=_address_space_4gb)
    assert "Traceback" not in p.stderr and p.returncode in (0, 2), p.stderr
    if p.returncode == 2:
        assert "memory" in p.stderr and "--renderer dot" in p.stderr
        assert not out.exists()


# --- a missing file is not an expression; the examples ship inside the package ---------------

@pytest.mark.parametrize("arg", ["traces/lecture.trac", "no-such-lecture.trace", "./mytrace",
                                 "/no/such/dir/x", "notes.txt"])
def test_a_missing_file_says_no_such_file(arg):
    r = clean(run("trace", arg), 2)
    assert "no such file" in r.output and "lecture" in r.output


def test_a_division_is_still_an_expression():
    j = json.loads(clean(run("trace", "x1/x2", "--at", "x1=1,x2=2", "--format", "json"), 0)
                   .output)
    assert j["value"] == 0.5


@pytest.mark.parametrize("name", ["lecture", "baydin2018", "lecture.trace"])
def test_the_shipped_examples_open_by_name_from_any_folder(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    r = clean(run("trace", name, "--at", "x1=1.5,x2=0.5", "--format", "json"), 0)
    assert json.loads(r.output)["inputs"] == {"x1": 1.5, "x2": 0.5}


def test_a_trace_file_may_start_with_a_byte_order_mark(tmp_path):
    f = tmp_path / "bom.trace"
    f.write_bytes("\ufeffv1 = x1\nv2 = sin(v1)\n".encode())
    clean(run("trace", f, "--at", "x1=0"), 0)


# --- output linear in the trace ----------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["table", "markdown", "latex"])
def test_table_output_grows_linearly_and_says_what_it_elides(fmt):
    sizes = {}
    for n in (300, 1200):
        r = clean(run("trace", "*".join(["x"] * n), "--at", "x=1.0001", "--format", fmt), 0)
        sizes[n] = len(r.output)
        assert f"({n - 2 - 11}" in r.output or "more terms, in --format json" in r.output
    assert sizes[1200] < 5 * sizes[300]


def test_json_keeps_every_rule_in_full():
    r = clean(run("trace", "*".join(["x"] * 200), "--at", "x=1", "--format", "json"), 0)
    v1 = next(row for row in json.loads(r.output)["trace"] if row["var"] == "v1")
    assert v1["adjoint_rule"].count(" + ") == 199


# --- symbolic work: one deadline per command; the worker dies with the command ------------------

def test_one_deadline_for_all_the_symbolic_work_of_a_command():
    import time

    start = time.monotonic()
    r = clean(run("swell", "--n", "400", "--budget", "1", "--no-simplify", "--format", "json"),
              0)
    assert time.monotonic() - start < 60
    j = json.loads(r.output)
    assert "not studied: the time budget of 1 s" in j["cut"]


def test_the_sympy_worker_dies_with_the_command(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from autodiff.extras.exercises.containment import descendants

    slow = tmp_path / "logistic.trace"  # simplify of its derivative runs for minutes
    slow.write_text("l1 = 4*x*(1 - x)\n" + "".join(f"l{n} = 4*l{n - 1}*(1 - l{n - 1})\n"
                                                   for n in range(2, 13)))
    p = subprocess.Popen([sys.executable, "-m", "autodiff_cli", "symbolic", str(slow),
                          "--budget", "120"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        workers = []
        while not workers and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = descendants(p.pid)
        assert workers, "no sympy worker started"
        time.sleep(2)                   # into the long simplify
        os.kill(p.pid, signal.SIGTERM)
        p.wait(timeout=30)
        for _ in range(50):
            alive = [w for w in workers if os.path.exists(f"/proc/{w}")
                     and open(f"/proc/{w}/stat").read().split(") ")[1][0] != "Z"]
            if not alive:
                break
            time.sleep(0.1)
        assert not alive, "the sympy worker outlived the command"
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --- misleading messages ------------------------------------------------------------------------

def test_a_program_of_one_return_line_is_a_program(tmp_path):
    f = tmp_path / "r.trace"
    f.write_text("return sin(x1)\n")
    j = json.loads(clean(run("trace", f, "--at", "x1=0", "--format", "json"), 0).output)
    assert j["gradient"] == {"x1": 1.0}


def test_a_form_feed_does_not_shift_the_excerpt(tmp_path):
    f = tmp_path / "ff.trace"
    f.write_text("v1 = x1 +\f x2\nv2 = v1 $\n")
    r = clean(run("trace", f), 2)
    assert "line 2, column 9" in r.output
    excerpt, caret = r.output.splitlines()[1:3]
    assert excerpt.strip() == "v2 = v1 $" and caret.index("^") == excerpt.index("$")


def test_a_byte_order_mark_on_stdin_is_skipped():
    clean(run("trace", "-", input="\ufeffv1 = x1\nv2 = exp(v1)\n"), 0)


def test_a_huge_name_is_not_repeated_in_full():
    r = clean(run("trace", "a" * 100_000, "--at", "b=1"), 2)
    assert len(r.output) < 400 and "characters)" in r.output


def test_a_missing_data_file_is_named_before_target(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = clean(run("train", "--data", "missing.csv"), 2)
    assert "no such file" in r.output and "--target" not in r.output
    (tmp_path / "d.csv").write_text("a,y\n1,0\n2,1\n")
    r = clean(run("train", "--data", "d.csv"), 2)
    assert "--target" in r.output


def test_values_near_the_largest_float_are_blamed_on_the_data(tmp_path):
    f = tmp_path / "big.csv"
    f.write_text("x1,x2,y\n" + "".join(f"{(-1) ** k * 1.5e307!r},{k}.0,{k % 2}\n"
                                       for k in range(20)))
    r = clean(run("train", "--data", f, "--target", "y", "--epochs", "1"), 2)
    assert "x1: values up to 1.5e+307 overflow when standardized" in r.output
    assert "learning rate" not in r.output


def test_predict_reads_a_shipped_data_set_and_prints_a_readable_table(saved_models):
    r = clean(run("predict", saved_models / "fit.json", "--data", saved_models / "rows.csv"), 0)
    assert r.output.splitlines()[0].split() == ["row", "p(y=1)", "class"]
    assert all(len(c.split(".")[-1]) <= 6 for c in r.output.split() if "." in c)


def test_predict_accepts_the_shipped_name_train_accepts(tmp_path):
    model = tmp_path / "bc.json"
    clean(run("train", "--data", "breast-cancer", "--epochs", "1", "--save", model), 0)
    r = clean(run("predict", model, "--data", "breast-cancer"), 0)
    assert r.output.strip().splitlines()[-1].startswith("accuracy ")


# --- the command line itself ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [("trace", "-tanh(x1)", "--at", "x1=0.5"),
                                  ("trace", "--at", "x1=0.5", "-tanh(x1)"),
                                  ("trace", "--at", "x1=0.5", "--", "-tanh(x1)"),
                                  ("numeric", "-tanh(x1)", "--at", "x1=0.5", "--h", "1e-3")])
def test_an_expression_may_start_with_a_minus(args):
    r = clean(run(args[0], "--format", "json", *args[1:]), 0)
    j = json.loads(r.output)
    if args[0] == "trace":
        assert j["value"] == pytest.approx(-0.46211715726000974, rel=1e-15)


def test_a_negative_option_value_stays_the_options_value():
    r = clean(run("numeric", "-tanh(x1)", "--at", "x1=0.5", "--h", "-1e-3"), 2)
    assert "--h -0.001: the step must be a positive number" in r.output


def test_help_examples_keep_their_lines_and_usage_names_autodiff():
    r = CliRunner().invoke(cli, ["graph", "--help"], prog_name="autodiff")
    assert r.output.startswith("Usage: autodiff graph")
    assert any(line.strip().startswith("autodiff graph") and line.rstrip().endswith(
        "-o trace.svg") for line in r.output.splitlines())


def test_the_bce_floor_prints_as_1e_12_and_stays_exact():
    from autodiff.primitives import BCE_EPS

    r = clean(run("trace", "bce(sigmoid(z), y)", "--at", "z=40,y=0", "--format", "json"), 0)
    rules = " ".join(row["adjoint_rule"] + row["tangent_rule"]
                     for row in json.loads(r.stdout)["trace"])
    assert "1e-12" in rules and "9.99999996" not in rules
    assert BCE_EPS == float(np.float32(1e-12)) != 1e-12
    from autodiff import parse
    t = parse("x*9.999999960041972e-13")
    assert parse(t.to_program()).steps[-1].args[1].value == BCE_EPS  # programs stay exact


def test_markdown_tables_escape_the_bar_in_cells():
    r = clean(run("quiz", "4", "--format", "markdown"), 0)
    header = next(line for line in r.output.splitlines() if "Δw" in line)
    assert r"\|Δw\|" in header and header.count(" | ") == 2
