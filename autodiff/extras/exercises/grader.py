"""Grade a student's file: a separate process, a time limit, and a verdict per check.

:func:`grade` never imports the student's file: it starts ``python -I`` (isolated: no current
folder, no ``PYTHON*`` variables, no user site) running :mod:`.runner`, in a new session, with
resource limits where the platform has them (CPU seconds, output size, address space), and
kills the whole session when the wall-clock ``timeout`` passes. An infinite loop therefore costs
``timeout`` seconds and is reported on the check that was running; a syntax error is reported
with its line and column; an exception names the student's line.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError
from . import loop_properties, rules_properties, training_properties  # noqa: F401 (register
from .catalog import exercise
from .properties import CHECKS

#: Default wall-clock limit of one grading, in seconds.
TIMEOUT = 30.0
OUTPUT_LIMIT = 16 * 2**20  # bytes the student's program may print
MEMORY_LIMIT = 4 * 2**30   # bytes of address space
_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding the autodiff package
_CHILD = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
          "from autodiff.extras.exercises.runner import main; main(sys.argv[1:])")


@dataclass
class CheckResult:
    """One check's verdict: ``status`` is pass, fail, error, timeout or not run."""

    title: str
    status: str
    message: str = ""
    hint: str = ""

    def to_json(self) -> dict[str, str]:
        return {"check": self.title, "status": self.status, "message": self.message,
                "hint": self.hint}


@dataclass
class Grade:
    """The verdict on one file: the checks in order, or why none could run."""

    exercise: str
    file: str
    checks: list[CheckResult] = field(default_factory=list)
    load_error: str = ""
    output: str = ""

    @property
    def passed(self) -> bool:
        return not self.load_error and all(c.status == "pass" for c in self.checks)

    @property
    def score(self) -> tuple[int, int]:
        return sum(c.status == "pass" for c in self.checks), len(CHECKS[self.exercise])

    def to_json(self) -> dict:
        passed, total = self.score
        return {"exercise": self.exercise, "file": self.file, "passed": self.passed,
                "score": {"passed": passed, "total": total}, "load_error": self.load_error,
                "checks": [c.to_json() for c in self.checks], "output": self.output}


def _limits(timeout: float) -> None:  # runs in the child, before exec
    try:
        import resource
    except ImportError:  # pragma: no cover (not on Windows)
        return
    for limit, value in ((resource.RLIMIT_CPU, int(timeout) + 2),
                         (resource.RLIMIT_FSIZE, OUTPUT_LIMIT),
                         (resource.RLIMIT_AS, MEMORY_LIMIT)):
        try:
            soft, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(limit, (value, hard))
        except (ValueError, OSError):
            pass


def _events(path: str) -> list[dict]:
    events = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a line cut short by a kill
    return events


def _tail(path: str, lines: int = 20) -> str:
    with open(path, "rb") as fh:
        fh.seek(max(0, os.path.getsize(path) - 8192))
        text = fh.read().decode("utf-8", errors="replace")
    return "\n".join(line if len(line) <= 160 else line[:157] + "..."
                     for line in text.splitlines()[-lines:])


def _run(name: str, path: str, timeout: float, folder: str) -> tuple[list[dict], str, str]:
    """Run the grading process; return its events, its output and why it stopped early."""
    results = os.path.join(folder, "results.jsonl")
    open(results, "w").close()
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
    with open(os.path.join(folder, "output.txt"), "wb") as output:
        proc = subprocess.Popen([sys.executable, "-I", "-c", _CHILD, _ROOT, name, path, results],
                                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                cwd=folder, env=env, start_new_session=True,
                                preexec_fn=lambda: _limits(timeout))
        stopped = ""
        try:
            code = proc.wait(timeout=timeout)
            if code < 0:
                sig = signal.Signals(-code).name
                stopped = (f"the grading process was killed by {sig} (a CPU, memory or output "
                           "limit: an infinite loop, or far too much printing?)")
            elif code != 0:
                stopped = f"the grading process exited with status {code}"
        except subprocess.TimeoutExpired:
            stopped = f"timed out after {timeout:g} s: an infinite loop, or a very slow one?"
        finally:  # also whatever the student's program started in its session
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
    return _events(results), _tail(os.path.join(folder, "output.txt")), stopped


def grade(name: str, path: str | os.PathLike, timeout: float = TIMEOUT) -> Grade:
    """Grade the student's file ``path`` against exercise ``name``'s checks (see module doc)."""
    exercise(name)
    file = os.path.abspath(os.fspath(path))
    if not os.path.isfile(file):
        raise InputError(f"no such file: {os.fspath(path)}")
    if not timeout > 0:
        raise InputError(f"--timeout must be positive, got {timeout}")
    folder = tempfile.mkdtemp(prefix="autodiff-exercise-")
    try:
        events, output, stopped = _run(name, file, timeout, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result = Grade(name, os.fspath(path), output=output)
    checks = CHECKS[name]
    started = None
    for event in events:
        if event["event"] == "load_error":
            result.load_error = event["message"]
        elif event["event"] == "start":
            started = event["index"]
        elif event["event"] == "result":
            started = None
            result.checks.append(CheckResult(checks[event["index"]].title, event["status"],
                                             event["message"], event["hint"]))
    if not events and not result.load_error:
        result.load_error = stopped or "the grading process wrote no result"
    if started is not None:
        status = "timeout" if stopped.startswith("timed out") else "error"
        result.checks.append(CheckResult(checks[started].title, status,
                                         stopped or "the grading process stopped here",
                                         checks[started].hint))
    if not result.load_error:
        result.checks += [CheckResult(c.title, "not run") for c in checks[len(result.checks):]]
    return result
