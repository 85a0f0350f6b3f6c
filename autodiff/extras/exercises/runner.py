"""The student's process: load the student's file, then run what the grading process asks.

Run by :mod:`.supervise` as a separate ``python -I`` process with resource limits. It decides
nothing: it calls the student's functions on the inputs the grading process sends and sends
back what they returned (:mod:`.wire`); the grading process compares them with the answers it
computes itself. Whatever this process (or the student's code in it) prints, forges or patches
changes no verdict, only the outputs it returns.

Requests and replies, one JSON object a line on the channel (two pipes)::

    → {"loaded": {"adam_step": "function"}}  or  {"load_error": "SyntaxError: … line 3 …"}
    ← {"op": "call", "fn": "adam_step" | {"ref": k}, "args": [...], "kwargs": {...}}
    → {"ok": value, "args": [...], "kwargs": {...}}    (the arguments after the call)
      or {"raised": "NameError: … (student.py, line 2, in …)", "not_implemented": false}
    ← {"op": "len" | "iter", "ref": k}     → {"ok": value}
    ← {"op": "train", "task": "logistic", "seed": 1, "epochs": 3}
    → {"ok": {"dict": [["losses", …], ["weights", …], ["lr", …]]}}
"""

from __future__ import annotations

import errno
import importlib.util
import os
import sys
import traceback
from types import ModuleType
from typing import Any

from . import wire

ITER_LIMIT = 100_000  # batches of one epoch sent back


def load(name: str, path: str) -> ModuleType:
    """Execute the student's file as module ``name`` (its folder is searched last)."""
    sys.path.append(os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as Python")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def syntax_message(exc: SyntaxError) -> str:
    """``SyntaxError in FILE, line L, column C: MSG`` with the line and a caret."""
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
    try:
        text = f"{type(exc).__name__}: {exc}".rstrip(": ")
    except BaseException:  # noqa: BLE001 (a student's exception whose str() raises)
        text = type(exc).__name__
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        text = "your program printed more than the output limit (16 MB)"
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.abspath(f.filename) == path]
    if frames:
        f = frames[-1]
        text += f" ({os.path.basename(path)}, line {f.lineno}, in {f.name}: {f.line})"
    return text[:2000]


class Server:
    """Answers the grading process's requests with the student's module ``module``."""

    def __init__(self, module: ModuleType, path: str) -> None:
        self.module, self.path = module, path
        self.refs: dict[int, Any] = {}

    def value(self, obj: Any) -> Any:
        v = wire.decode(obj)
        if isinstance(v, wire.Ref):
            return self.refs[v.id]
        return v

    def answer(self, request: dict) -> dict:
        op = request.get("op")
        try:
            if op == "call":
                fn = request["fn"]
                f = self.value(fn) if isinstance(fn, dict) else getattr(self.module, fn)
                args = [self.value(a) for a in request.get("args", [])]
                kwargs = {k: self.value(v) for k, v in request.get("kwargs", {}).items()}
                result = f(*args, **kwargs)
                return {"ok": wire.encode(result, self.refs),
                        "args": [wire.encode(a) for a in args],
                        "kwargs": {k: wire.encode(v) for k, v in kwargs.items()}}
            if op == "len":
                return {"ok": len(self.refs[request["ref"]])}
            if op == "iter":
                items = []
                for item in self.refs[request["ref"]]:
                    items.append(item)
                    if len(items) > ITER_LIMIT:
                        break
                return {"ok": wire.encode(items)}
            if op == "train":
                return {"ok": wire.encode(self.train(request))}
            return {"raised": f"unknown request {op!r}", "not_implemented": False}
        except BaseException as exc:  # noqa: BLE001 (the student's code may raise anything)
            if isinstance(exc, NotImplementedError):
                return {"raised": str(exc)[:2000], "not_implemented": True}
            return {"raised": exception_message(exc, self.path), "not_implemented": False}

    def train(self, request: dict) -> dict:
        """The student's ``train`` on the set-up ``(task, seed)`` of the training-loop checks."""
        from .loop_properties import setup, weights

        pieces = setup(str(request["task"]), int(request["seed"]))
        losses = self.module.train(**pieces, n_epochs=int(request["epochs"]))
        return {"losses": losses, "weights": weights(pieces["model"]),
                "lr": float(pieces["optimizer"].param_groups[0]["lr"])}


def main(argv: list[str]) -> None:
    name, path, rfd, wfd = argv[0], os.path.abspath(argv[1]), int(argv[2]), int(argv[3])
    inbox, outbox = os.fdopen(rfd, "rb"), os.fdopen(wfd, "wb")

    def send(message: dict) -> None:
        outbox.write(wire.dumps(message))
        outbox.flush()

    if name == "training_loop":  # the pieces it is given are made in this process
        from .loop_properties import setup
        setup("logistic", 0)
    try:
        module = load(name, path)
    except BaseException as exc:  # noqa: BLE001
        send({"load_error": exception_message(exc, path)})
        return
    names = {}
    for n in list(vars(module)):
        if isinstance(n, str) and not n.startswith("_"):
            v = vars(module)[n]
            names[n] = "function" if callable(v) else type(v).__name__
    send({"loaded": names})
    server = Server(module, path)
    for line in inbox:
        try:
            request = wire.loads(line)
        except wire.WireError:
            return
        if request.get("op") == "quit":
            return
        send(server.answer(request))


if __name__ == "__main__":
    main(sys.argv[1:])
