"""The coding exercises and their autograder: references pass, stubs and usual mistakes fail
with a message and a hint, and a broken student file is reported, never crashes or hangs us."""

import json
import os
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autodiff.extras.exercises import CHECKS, EXERCISES, grade
from autodiff_cli.main import cli

NAMES = list(EXERCISES)
SOLUTIONS = os.path.join(os.path.dirname(__file__), "fixtures", "exercise_solutions")


def solution_path(name):
    """The reference solution (kept with the tests, not in the package)."""
    return os.path.join(SOLUTIONS, f"{name}.py")


def solution(name):
    with open(solution_path(name), encoding="utf-8") as fh:
        return fh.read()


def run(*args):
    return CliRunner().invoke(cli, list(args))


def write(tmp_path, text, name="student.py"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_five_exercises_the_issue_asks_for():
    assert set(NAMES) >= {"tangent_adjoint", "bce_gradient", "adam_step", "dataloader",
                          "training_loop"}
    r = run("exercise", "list")
    assert r.exit_code == 0
    assert [line.split()[0] for line in r.output.splitlines()] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_passes(name):
    g = grade(name, solution_path(name))
    assert g.passed, [(c.title, c.status, c.message) for c in g.checks]
    assert g.score == (len(CHECKS[name]), len(CHECKS[name]))


@pytest.mark.parametrize("name", NAMES)
def test_stub_fails_every_check_saying_what_to_write(name, tmp_path):
    path = str(tmp_path / f"{name}.py")
    r = run("exercise", "stub", name, "-o", path)
    assert r.exit_code == 0 and os.path.exists(path)
    r = run("exercise", "check", name, path, "--format", "json")
    assert r.exit_code == 1
    j = json.loads(r.stdout)
    assert j["passed"] is False and j["score"] == {"passed": 0, "total": len(CHECKS[name])}
    for c in j["checks"]:
        assert c["status"] == "fail"
        assert c["message"].startswith("not implemented yet: ")
        assert c["hint"]


def test_show_states_the_task_but_not_the_solution():
    r = run("exercise", "show", "adam_step")
    assert r.exit_code == 0
    assert "β₁" in r.output and "adam_step" in r.output
    assert "np.sqrt(r_hat)" not in r.output


def test_stub_never_overwrites_a_file(tmp_path):
    path = write(tmp_path, "my work\n")
    r = run("exercise", "stub", "adam_step", "-o", path)
    assert r.exit_code == 2 and "not overwritten" in r.output
    assert open(path).read() == "my work\n"


@pytest.mark.parametrize("args", [("check", "no_such", "x.py"), ("show", "no_such"),
                                  ("check", "adam_step", "/no/such/file.py")])
def test_bad_names_and_files_exit_2(args):
    r = run("exercise", *args)
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_syntax_error_is_reported_with_line_and_column(tmp_path):
    path = write(tmp_path, "import numpy as np\n\ndef adam_step(w, g, state:\n    pass\n")
    r = run("exercise", "check", "adam_step", path)
    assert r.exit_code == 1
    assert "SyntaxError in student.py, line 3" in r.output
    assert "Traceback" not in r.output
    assert "0 of 5 checks passed" in r.output


def test_infinite_loop_times_out_keeping_the_earlier_verdicts(tmp_path):
    path = write(tmp_path, "import numpy as np\n"
                 "def bce_gradient(X, y, w):\n"
                 "    if len(X) > 20:\n"
                 "        while True:\n"
                 "            pass\n"
                 "    return np.zeros(len(w))\n")
    g = grade("bce_gradient", path, timeout=3)
    statuses = [c.status for c in g.checks]
    assert "timeout" in statuses and not g.passed
    k = statuses.index("timeout")
    assert all(s in ("pass", "fail") for s in statuses[:k])
    assert all(s == "not run" for s in statuses[k + 1:])
    assert "infinite loop" in g.checks[k].message


def test_infinite_loop_at_import_times_out(tmp_path):
    path = write(tmp_path, "while True:\n    pass\n")
    g = grade("dataloader", path, timeout=1)
    assert "timed out after 1 s" in g.load_error and not g.passed


def test_exception_names_the_students_line(tmp_path):
    path = write(tmp_path, "def bce_gradient(X, y, w):\n    return X.T @ (sigma(X @ w) - y)\n")
    g = grade("bce_gradient", path)
    c = g.checks[0]
    assert c.status == "error"
    assert "NameError: name 'sigma' is not defined" in c.message
    assert "student.py, line 2, in bce_gradient" in c.message


def test_the_file_runs_in_another_process(tmp_path):
    marker = tmp_path / "pid.txt"
    path = write(tmp_path, f"open({str(marker)!r}, 'w').write(open('/proc/self/stat').read()"
                 ".split()[0])\n")
    before = set(sys.modules)
    g = grade("adam_step", path)
    assert int(marker.read_text()) != os.getpid()
    assert set(sys.modules) - before <= {m for m in sys.modules if m.startswith("autodiff")}
    assert "student" not in sys.modules and "adam_step" not in sys.modules
    assert "defines no `adam_step`" in g.checks[0].message


SLIDE_ADAM = """
import numpy as np
def adam_step(w, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    if not state:
        state.update(t=1, s=np.zeros_like(w), r=np.zeros_like(w))
    state["s"] += b1 * state["s"] + (1 - b1) * grad   # the slide's +=
    state["r"] += b2 * state["r"] + (1 - b2) * grad * grad
    t = state["t"]                                      # never advances
    return w - lr * (state["s"] / (1 - b1**t)) / (np.sqrt(state["r"] / (1 - b2**t)) + eps)
"""


def test_the_slides_adam_passes_step_one_then_fails_with_the_errata_hint(tmp_path):
    g = grade("adam_step", write(tmp_path, SLIDE_ADAM))
    assert g.checks[0].status == "pass"
    assert g.checks[1].status == "fail"
    assert "after step 2" in g.checks[1].message
    assert "slip" in g.checks[1].hint


def test_a_mean_instead_of_the_slides_sum_is_named(tmp_path):
    path = write(tmp_path, "import numpy as np\ndef bce_gradient(X, y, w):\n"
                 "    return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)\n")
    r = run("exercise", "check", "bce_gradient", path)
    assert r.exit_code == 1
    assert "not a mean" in r.output


def test_naive_sigmoid_rule_fails_only_the_stability_check(tmp_path):
    text = solution("tangent_adjoint").replace(
        "    s = _sigmoid(x)\n    return x_dot * s * (1 - s)",
        "    return x_dot * np.exp(x) / (1 + np.exp(x))**2")
    g = grade("tangent_adjoint", write(tmp_path, text))
    failed = [c.title for c in g.checks if c.status != "pass"]
    assert failed == ["the sigmoid rules stay finite for large |x| (x = ±40, ±800)"]


@pytest.mark.parametrize("mistake, hint", [
    ("            optimizer.zero_grad()\n", "zero_grad"),
    ("        scheduler.step()\n", "once per epoch"),
])
def test_training_loop_mistakes_get_their_hint(tmp_path, mistake, hint):
    text = solution("training_loop")
    if "scheduler" in mistake:  # stepped per batch instead of per epoch
        text = text.replace(mistake, "").replace(
            "            losses.append", "            scheduler.step()\n            losses.append")
    else:
        text = text.replace(mistake, "")
    g = grade("training_loop", write(tmp_path, text))
    assert g.checks[0].status == "fail"
    assert hint in g.checks[0].hint


def test_loader_that_forgets_the_last_partial_batch(tmp_path):
    text = solution("dataloader").replace("range(0, n, self.batch_size)",
                                                      "range(0, n - self.batch_size + 1, "
                                                      "self.batch_size)")
    g = grade("dataloader", write(tmp_path, text))
    assert g.checks[1].status == "fail" and "batches, expected" in g.checks[1].message


TOKENS = list("():=\n\t x1+*\"'[]{}#\\ü") + ["def ", "lambda", "yield", "return", "import"]


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_any_student_text_is_graded_never_passed_never_crashing(tmp_path, text):
    path = tmp_path / "student.py"
    path.write_text(text, encoding="utf-8")
    g = grade("bce_gradient", str(path), timeout=20)
    assert not g.passed
    assert g.load_error or all(c.status in ("fail", "error") for c in g.checks)
    assert "Traceback" not in g.load_error


def test_markdown_report(tmp_path):
    r = run("exercise", "check", "dataloader", solution_path("dataloader"),
            "--format", "markdown")
    assert r.exit_code == 0
    assert r.output.startswith("## exercise dataloader")
    assert "- **PASS** len(loader)" in r.output and "4 of 4 checks passed. Well done!" in r.output
