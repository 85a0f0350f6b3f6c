"""The grading process: it starts the student's process, runs the checks, and decides.

Started by :func:`.grader.grade` as ``python -I`` (one per graded file). It

1. reads the submission's source and refuses forbidden imports (:mod:`.imports`);
2. becomes a child subreaper (:mod:`.containment`) and starts the student's process
   (:mod:`.runner`) with resource limits, talking to it over two pipes of its own;
3. runs the exercise's checks here, with its own numpy and references, calling the student's
   functions remotely (:mod:`.remote`) on inputs the checks choose;
4. kills every process below it, whatever session it made for itself, and prints the
   :class:`~.grader.Grade` as JSON on its standard output, which no student process holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from . import (  # noqa: F401 (register
    loop_properties,
    rules_properties,
    training_properties,
    wire,  # noqa: I001
)
from .catalog import exercise
from .containment import become_subreaper, die_with_parent, kill_descendants
from .grader import OUTPUT_LIMIT, ROOT, CheckResult, Grade, limits, tail
from .imports import refusal
from .properties import CHECKS, CheckFailed
from .remote import Channel, OutOfTime, Student, StudentGone, StudentRaised

_STUDENT = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
            "from autodiff.extras.exercises.runner import main; main(sys.argv[1:])")
MAX_SOURCE = 2**20  # bytes of a submission


def _start(name: str, path: str, timeout: float, folder: str) -> tuple[subprocess.Popen, Channel]:
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")

    def prepare() -> None:  # in the child, before exec
        die_with_parent()
        limits(timeout)

    with open(os.path.join(folder, "output.txt"), "wb") as output:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _STUDENT, ROOT, name, path, str(to_child_r),
             str(from_child_w)], stdin=subprocess.DEVNULL, stdout=output,
            stderr=subprocess.STDOUT, cwd=folder, env=env, start_new_session=True,
            pass_fds=(to_child_r, from_child_w), preexec_fn=prepare)
    os.close(to_child_r)
    os.close(from_child_w)
    return proc, Channel(from_child_r, to_child_w, time.monotonic() + timeout)


def grade_here(name: str, path: str, timeout: float, folder: str) -> Grade:
    """Grade ``path`` from this process (see the module's docstring)."""
    ex = exercise(name)
    result = Grade(name, path)
    checks = CHECKS[name]
    try:
        with open(path, "rb") as fh:
            source = fh.read(MAX_SOURCE + 1)
    except OSError as exc:
        result.load_error = f"cannot read {path}: {exc.strerror}"
        return result
    if len(source) > MAX_SOURCE:
        result.load_error = f"the file is larger than {MAX_SOURCE >> 20} MB"
        return result
    why = refusal(source.decode("utf-8", "replace"), ex, os.path.basename(path))
    if why:
        result.load_error = f"refused: {why}"
        return result
    become_subreaper()
    proc, channel = _start(name, path, timeout, folder)
    try:
        _run_checks(result, channel, checks, timeout)
    finally:
        try:
            channel.send({"op": "quit"})
        except StudentGone:
            pass
        kill_descendants()
        proc.poll()
        for fd in (channel.rfd, channel.wfd):
            os.close(fd)
        result.output = tail(os.path.join(folder, "output.txt"))
    return result


def _run_checks(result: Grade, channel: Channel, checks: list, timeout: float) -> None:
    try:
        hello = channel.receive()
    except OutOfTime:
        result.load_error = f"timed out after {timeout:g} s: an infinite loop, or a very slow one?"
        return
    except (StudentGone, wire.WireError) as exc:
        result.load_error = f"the grading process stopped before loading your file ({exc})"
        return
    if "load_error" in hello or not isinstance(hello.get("loaded"), dict):
        result.load_error = str(hello.get("load_error", "your file could not be loaded"))[:2000]
        return
    names = {str(k): str(v) for k, v in hello["loaded"].items()}
    student = Student(channel, result.exercise, names)
    for chk in checks:
        status, message, hint = "pass", "", ""
        try:
            chk.run(student)
        except CheckFailed as exc:
            status, message, hint = "fail", exc.message, exc.hint or chk.hint
        except StudentRaised as exc:
            status = "fail" if exc.not_implemented else "error"
            message = f"not implemented yet: {exc.message}" if exc.not_implemented \
                else exc.message
            hint = chk.hint
        except OutOfTime:
            result.checks.append(CheckResult(chk.title, "timeout", f"timed out after "
                                             f"{timeout:g} s: an infinite loop, or a very "
                                             "slow one?", chk.hint))
            break
        except StudentGone as exc:
            result.checks.append(CheckResult(chk.title, "error", f"{exc} (a crash, a limit "
                                             "on CPU, memory or output, or an exit?)", chk.hint))
            break
        except wire.WireError as exc:
            status, message, hint = "error", f"your code returned {exc}", chk.hint
        except Exception as exc:  # noqa: BLE001 (what came back broke a comparison)
            status = "error"
            message = f"what your code returned could not be checked ({type(exc).__name__}: " \
                      f"{str(exc)[:200]})"
            hint = chk.hint
        result.checks.append(CheckResult(chk.title, status, message, hint if status != "pass"
                                         else ""))
    result.checks += [CheckResult(c.title, "not run") for c in checks[len(result.checks):]]


def main(argv: list[str]) -> None:
    import tempfile

    name, path, timeout = argv[0], argv[1], float(argv[2])
    folder = tempfile.mkdtemp(prefix="autodiff-exercise-")
    try:
        grade = grade_here(name, path, timeout, folder)
    finally:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)
    sys.stdout.write(json.dumps(grade.to_json()) + "\n")
    sys.stdout.flush()
    os._exit(0)


__all__ = ["OUTPUT_LIMIT", "grade_here", "main"]
