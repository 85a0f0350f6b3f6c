"""The grading process: load the student's file, run the checks, write one JSON line each.

Run by :mod:`.grader` as a separate ``python -I`` process with a time limit, never imported
into the CLI's process. Protocol, one JSON object a line in the results file (flushed at once,
so that what ran before an infinite loop survives it)::

    {"event": "loaded"}                                   or
    {"event": "load_error", "message": "SyntaxError: … line 3 …"}
    {"event": "start", "index": k}
    {"event": "result", "index": k, "status": "pass" | "fail" | "error", "message": …, "hint": …}
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import sys
import traceback
from types import ModuleType
from typing import IO

from . import loop_properties, rules_properties, training_properties  # noqa: F401 (register
from .properties import CHECKS, CheckFailed


def load(name: str, path: str) -> ModuleType:
    """Execute the student's file as module ``name`` (its folder is searched last for imports)."""
    sys.path.append(os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as Python")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def syntax_message(exc: SyntaxError) -> str:
    """``SyntaxError in FILE, line L, column C: MSG`` with the line and a caret under the column."""
    where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
    text = f"SyntaxError in {os.path.basename(exc.filename or 'your file')}, {where}: {exc.msg}"
    if exc.text:
        line = exc.text.rstrip("\n")
        caret = " " * (max(exc.offset or 1, 1) - 1 + 4) + "^"
        text += f"\n    {line.strip() and line}\n{caret}"
    return text


def exception_message(exc: BaseException, path: str) -> str:
    """``TYPE: MSG (FILE, line L, in FUNC: CODE)`` at the student's innermost frame."""
    if isinstance(exc, SyntaxError):
        return syntax_message(exc)
    text = f"{type(exc).__name__}: {exc}".rstrip(": ")
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        text = "your program printed more than the output limit (16 MB)"
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.abspath(f.filename) == path]
    if frames:
        f = frames[-1]
        text += f" ({os.path.basename(path)}, line {f.lineno}, in {f.name}: {f.line})"
    return text


def run(name: str, path: str, out: IO[str]) -> None:
    """Grade ``path`` against the checks of exercise ``name``, writing to ``out``."""
    def emit(**event) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    try:
        module = load(name, path)
    except BaseException as exc:  # noqa: BLE001 (the student's code may raise anything)
        emit(event="load_error", message=exception_message(exc, path))
        return
    emit(event="loaded")
    for index, chk in enumerate(CHECKS[name]):
        emit(event="start", index=index)
        try:
            chk.run(module)
        except CheckFailed as exc:
            emit(event="result", index=index, status="fail", message=exc.message,
                 hint=exc.hint or chk.hint)
        except NotImplementedError as exc:
            emit(event="result", index=index, status="fail",
                 message=f"not implemented yet: {exc}", hint=chk.hint)
        except BaseException as exc:  # noqa: BLE001
            emit(event="result", index=index, status="error",
                 message=exception_message(exc, path), hint=chk.hint)
        else:
            emit(event="result", index=index, status="pass", message="", hint="")


def main(argv: list[str]) -> None:
    name, path, results = argv
    with open(results, "a", encoding="utf-8") as out:
        run(name, os.path.abspath(path), out)


if __name__ == "__main__":
    main(sys.argv[1:])
