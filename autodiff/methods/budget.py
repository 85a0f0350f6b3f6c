"""A time and size budget for symbolic work, which cannot be interrupted in-process.

sympy's ``simplify`` of a swollen expression can run for hours, and a Python thread cannot
stop it. So budgeted work runs in a child process (``fork``) that sends its results stage by
stage through a pipe; the parent waits at most ``seconds`` for each stage and kills the child
when one takes longer. What arrived before is kept, and the stage that did not finish is
reported as having exceeded the budget — never a hang. The size budget (``max_nodes``) is
checked by the work itself: an expression larger than that is not simplified or printed.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import InputError


@dataclass(frozen=True)
class Budget:
    """At most ``seconds`` per stage and ``max_nodes`` expression-tree nodes per expression."""

    seconds: float = 5.0
    max_nodes: int = 20_000

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise InputError(f"--budget {self.seconds}: the time budget must be positive")
        if not self.max_nodes > 0:
            raise InputError(f"--max-nodes {self.max_nodes}: the size budget must be positive")


@dataclass
class Staged:
    """What budgeted work produced: ``(stage, data)`` pairs in order, and whether it ran out."""

    results: list[tuple[str, Any]]
    exceeded: str | None  # e.g. "time budget of 5 s exceeded during simplify", or a failure
    seconds: float

    def get(self, stage: str, default: Any = None) -> Any:
        return next((d for s, d in self.results if s == stage), default)

    def all(self, stage: str) -> list[Any]:
        return [d for s, d in self.results if s == stage]


def _child(conn: Any, work: Callable[..., Iterator[tuple[str, Any]]], args: tuple) -> None:
    try:
        for item in work(*args):
            conn.send(item)
        conn.send(("done", None))
    except BaseException as exc:  # reported to the parent, which says where it failed
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        os._exit(0)


def run(work: Callable[..., Iterator[tuple[str, Any]]], args: tuple, budget: Budget) -> Staged:
    """Run the generator ``work(*args)`` in a child process under ``budget``.

    ``work`` yields ``(stage, data)`` with picklable data, and yields ``("start", name)``
    before an expensive call so that a timeout can say which call ran out of time."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, work, args), daemon=True)
    start = time.perf_counter()
    proc.start()
    child.close()
    results: list[tuple[str, Any]] = []
    current = "start"
    exceeded = None
    try:
        while True:
            if not parent.poll(budget.seconds):
                exceeded = f"time budget of {budget.seconds:g} s exceeded during {current}"
                break
            try:
                stage, data = parent.recv()
            except EOFError:
                exceeded = f"the symbolic work stopped during {current}"
                break
            if stage == "done":
                break
            if stage == "error":  # reported like a budget overrun: the work gave no answer
                exceeded = f"sympy failed during {current}: {data}"
                break
            if stage == "start":
                current = data
                continue
            results.append((stage, data))
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    return Staged(results, exceeded, time.perf_counter() - start)
