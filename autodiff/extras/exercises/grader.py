"""Grade a student's file: the verdict is computed in a grading process of our own.

:func:`grade` never imports the student's file. It starts the grading process
(:mod:`.supervise`, ``python -I``), which refuses forbidden imports, starts the student's
process (:mod:`.runner`) with resource limits (CPU seconds, output size, address space), calls
the student's functions there on inputs it chooses, and compares what they return with the
answers it computes itself. Nothing the student's process prints, writes or patches is read as
a verdict. When grading ends every process the student's file started is killed
(:mod:`.containment`). An infinite loop costs ``timeout`` seconds and is reported on the check
that was running; a syntax error is reported with its line and column; an exception names the
student's line.

:func:`grade_folder` grades every ``*.py`` of a folder, ``jobs`` at a time, one row each,
never stopping on a bad file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
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
ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding the autodiff package
_GRADER = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
           "from autodiff.extras.exercises.supervise import main; main(sys.argv[1:])")


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

    @property
    def first_failure(self) -> str:
        """The first check that did not pass, and why (or why nothing ran), on one line."""
        if self.load_error:
            text = self.load_error
        else:
            c = next((c for c in self.checks if c.status != "pass"), None)
            text = f"{c.title}: {c.status}" + (f": {c.message}" if c.message else "") if c \
                else ""
        return " ".join(text.split())[:300]

    @classmethod
    def from_json(cls, doc: dict) -> Grade:
        return cls(doc["exercise"], doc["file"],
                   [CheckResult(c["check"], c["status"], c["message"], c["hint"])
                    for c in doc["checks"]], doc["load_error"], doc["output"])

    def to_json(self) -> dict:
        passed, total = self.score
        return {"exercise": self.exercise, "file": self.file, "passed": self.passed,
                "score": {"passed": passed, "total": total}, "load_error": self.load_error,
                "checks": [c.to_json() for c in self.checks], "output": self.output}


def limits(timeout: float) -> None:
    """Resource limits of the student's process (runs in it, before exec)."""
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


def tail(path: str, lines: int = 20) -> str:
    """The last ``lines`` lines of what the student's program printed, long lines cut."""
    with open(path, "rb") as fh:
        fh.seek(max(0, os.path.getsize(path) - 8192))
        text = fh.read().decode("utf-8", errors="replace")
    return "\n".join(line if len(line) <= 160 else line[:157] + "..."
                     for line in text.splitlines()[-lines:])


def grade(name: str, path: str | os.PathLike, timeout: float = TIMEOUT) -> Grade:
    """Grade the student's file ``path`` against exercise ``name``'s checks (see module doc)."""
    exercise(name)
    file = os.path.abspath(os.fspath(path))
    if not os.path.isfile(file):
        raise InputError(f"no such file: {os.fspath(path)}")
    if not timeout > 0:
        raise InputError(f"--timeout must be positive, got {timeout}")
    proc = subprocess.Popen([sys.executable, "-I", "-c", _GRADER, ROOT, name, file, str(timeout)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    try:
        result = Grade.from_json(json.loads(out.decode("utf-8").splitlines()[-1]))
    except (ValueError, IndexError, KeyError, TypeError):
        reason = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no result"]
        result = Grade(name, file, load_error=f"the grading process failed: {reason[0][:300]}")
    result.file = os.fspath(path)
    return result


@dataclass
class Row:
    """One submission's line in grades.csv."""

    file: str
    score: int
    max_score: int
    seconds: float
    first_failure: str
    grade: Grade | None = None


def grade_folder(name: str, folder: str | os.PathLike, jobs: int = 1,
                 timeout: float = TIMEOUT) -> list[Row]:
    """Grade every ``*.py`` file of ``folder`` (not its subfolders), ``jobs`` at a time, in
    the order of their names; a file that cannot be graded gets a row saying why."""
    exercise(name)
    base = os.fspath(folder)
    if not os.path.isdir(base):
        raise InputError(f"{base}: no such folder")
    files = sorted(f for f in os.listdir(base) if f.endswith(".py")
                   and os.path.isfile(os.path.join(base, f)))
    if not files:
        raise InputError(f"{base}: no .py files to grade")
    total = len(CHECKS[name])

    def one(f: str) -> Row:
        start = time.monotonic()
        try:
            g = grade(name, os.path.join(base, f), timeout)
        except Exception as exc:  # noqa: BLE001 (never stop on one file)
            return Row(f, 0, total, round(time.monotonic() - start, 2), f"not graded: {exc}")
        return Row(f, g.score[0], total, round(time.monotonic() - start, 2), g.first_failure, g)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, files))
