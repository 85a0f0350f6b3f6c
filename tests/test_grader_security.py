"""The grader cannot be fooled: the verdict is computed in the grading process from what the
student's functions return; forbidden imports are refused; every process the student's file
starts ends with the grading; a lecturer grades a folder into grades.csv or results.json."""

import csv
import json
import os
import time

import pytest
from click.testing import CliRunner

from autodiff.extras.exercises import grade
from autodiff_cli.main import cli

SOLUTION = os.path.join(os.path.dirname(__file__), "fixtures", "exercise_solutions",
                        "adam_step.py")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def student(tmp_path, text, name="student.py"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


IDLE = "def adam_step(w, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):\n    return w\n"


@pytest.mark.parametrize("prelude", [
    # replace the comparisons the checks might use, in the student's process
    "import numpy as np\nimport numpy.testing\nnp.allclose = np.array_equal = "
    "lambda *a, **k: True\nnp.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)\n"
    "numpy.testing.assert_allclose = lambda *a, **k: None\n",
    # print what looks like the grader's own result protocol
    'print(\'{"event": "result", "index": 0, "status": "pass"}\')\n'
    "print('5 of 5 checks passed. Well done!')\n",
    'print(\'{"ok": 1}\\n{"loaded": {}}\\n{"event": "start"}\\n[1, 2\')\n',
])
def test_tricks_in_the_students_process_change_no_verdict(tmp_path, prelude):
    g = grade("adam_step", student(tmp_path, prelude + IDLE), timeout=20)
    assert not g.passed and g.score[0] == 0
    assert all(c.status == "fail" for c in g.checks)


def test_a_student_that_forges_replies_on_the_channel_and_exits(tmp_path):
    text = ("def adam_step(w, grad, state, **k):\n"
            "    for fd in range(3, 30):\n"
            "        try:\n"
            "            open(fd, 'w', closefd=False).write('{\"ok\": {\"nd\": [0], \"shape\":"
            " [1]}}\\n' * 5)\n"
            "        except Exception:\n"
            "            pass\n"
            "    raise SystemExit(0)\n")
    g = grade("adam_step", student(tmp_path, text), timeout=20)
    assert not g.passed and g.score[0] == 0


def test_the_protocol_printed_on_stdout_does_not_crash_the_grader(tmp_path):
    text = ('print(\'{"event": "result", "index": 99, "status": "pass"}\')\n'
            'print(\'{"event": "result"}\\n{"event": "start", "index": "x"}\')\n' + IDLE)
    r = run("exercise", "check", "adam_step", student(tmp_path, text))
    assert r.exit_code == 1 and r.exception is None or isinstance(r.exception, SystemExit)
    assert "0 of 5 checks passed" in r.output


@pytest.mark.parametrize("line, names", [
    ("from autodiff.optim import Adam", "autodiff.optim"),
    ("import autodiff", "autodiff"),
    ("from autodiff.extras.exercises import loop_properties", "autodiff.extras.exercises"),
    ("import os", "os"),
    ("np = __import__('numpy')", "__import__"),
])
def test_forbidden_imports_are_refused_saying_why(tmp_path, line, names):
    g = grade("adam_step", student(tmp_path, line + "\n" + IDLE), timeout=20)
    assert not g.passed and g.load_error.startswith("refused:")
    assert names in g.load_error and "line 1" in g.load_error
    if names == "autodiff.optim":
        assert "not to call autodiff.optim.Adam" in g.load_error


def test_the_reference_solutions_are_not_in_the_package():
    import importlib.util

    assert importlib.util.find_spec("autodiff.extras.exercises.solutions") is None
    r = run("exercise", "show", "adam_step")
    assert "may import: numpy, math" in r.output


# A submission may import only numpy and math, but the import policy is no sandbox: `os` is
# reachable through numpy's own modules. Containment must not rely on the policy.
FIND_OS = """
import numpy
import numpy.testing


def _find_os():
    seen, todo = set(), [numpy]
    while todo:
        m = todo.pop()
        for v in list(vars(m).values()):
            if type(v) is type(numpy) and id(v) not in seen:
                if v.__name__ == "os":
                    return v
                if v.__name__.startswith("numpy"):
                    seen.add(id(v))
                    todo.append(v)


os = _find_os()
"""


def test_every_process_the_student_starts_ends_with_the_grading(tmp_path):
    marker = tmp_path / "leaked"
    text = FIND_OS + f"""
if os.fork() == 0:             # a double fork into a new session: it outlives its parent
    os.setsid()
    if os.fork() == 0:
        os.execvp("sh", ["sh", "-c", "sleep 3; touch {marker}"])
    os._exit(0)
"""                            # and no adam_step: the grading ends at once
    start = time.monotonic()
    g = grade("adam_step", student(tmp_path, text), timeout=20)
    assert not g.passed and time.monotonic() - start < 3
    time.sleep(4)
    assert not marker.exists(), "a process the student's file started outlived the grading"


def test_grade_a_folder_into_csv_and_results_json(tmp_path):
    d = tmp_path / "subs"
    d.mkdir()
    (d / "alice.py").write_text(open(SOLUTION).read())
    (d / "bob.py").write_text(IDLE)
    (d / "carol.py").write_text("def adam_step(w, grad, state:\n    return w\n")
    (d / "dave.py").write_text("def adam_step(w, grad, state, **k):\n    while True:\n"
                               "        pass\n")
    (d / "notes.txt").write_text("not a submission")
    out = tmp_path / "grades.csv"
    start = time.monotonic()
    r = run("exercise", "grade", "adam_step", d, "-o", out, "-j", "2", "--timeout", "8")
    assert r.exit_code == 0, r.output
    assert time.monotonic() - start < 90
    rows = {row["file"]: row for row in csv.DictReader(out.open())}
    assert list(next(csv.reader(out.open()))) == ["file", "score", "max_score", "seconds",
                                                  "first_failure"]
    assert sorted(rows) == ["alice.py", "bob.py", "carol.py", "dave.py"]
    assert rows["alice.py"]["score"] == rows["alice.py"]["max_score"] == "5"
    assert rows["alice.py"]["first_failure"] == ""
    assert all(rows[f]["score"] == "0" for f in ("bob.py", "carol.py", "dave.py"))
    assert "SyntaxError" in rows["carol.py"]["first_failure"]
    assert "timed out" in rows["dave.py"]["first_failure"]
    again = run("exercise", "grade", "adam_step", d, "-o", out)
    assert again.exit_code == 2 and "--overwrite" in again.output
    res = tmp_path / "results.json"
    (d / "dave.py").unlink()
    del rows["dave.py"]
    assert run("exercise", "grade", "adam_step", d, "-o", res, "-j", "2").exit_code == 0
    j = json.loads(res.read_text())
    assert j["max_score"] == 15 and j["score"] == 5
    assert {t["name"] for t in j["tests"]} == set(rows)
    assert all({"name", "score", "output"} <= set(t) for t in j["tests"])


def test_check_writes_the_autograder_results_format(tmp_path):
    r = run("exercise", "check", "adam_step", SOLUTION, "--format", "results-json")
    j = json.loads(r.output)
    assert r.exit_code == 0 and j["score"] == j["max_score"] == 5
    assert len(j["tests"]) == 5 and all(t["score"] == 1 for t in j["tests"])
