"""A time and size budget for symbolic work, which cannot be interrupted in-process.

sympy's ``simplify`` of a swollen expression can run for hours, and a Python thread cannot
stop it. So budgeted work runs in a child process (``fork``) that sends its results stage by
stage through a pipe. A :class:`Budget` is one deadline for the whole command: ``--budget``
seconds from the start of its first symbolic work. Every piece of symbolic work the command
runs waits only for what is left, and the child is killed when the deadline passes. What
arrived before is kept, and the stage that did not finish (or the work that never started)
is reported as cut by the budget: never a hang. The child dies with its parent
(:func:`autodiff.processes.die_with_parent`), so killing the command never leaves a sympy
worker behind. The size budget (``max_nodes``) is checked by the work itself: an expression
larger than that is not simplified or printed.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..processes import die_with_parent


@dataclass(frozen=True)
class Budget:
    """At most ``seconds`` for all the symbolic work of a command (one deadline, from the
    start of the first piece of work), and ``max_nodes`` expression-tree nodes per
    expression."""

    seconds: float = 5.0
    max_nodes: int = 20_000
    deadline: float = field(default=0.0, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise InputError(f"--budget {self.seconds}: the time budget must be positive")
        if not self.max_nodes > 0:
            raise InputError(f"--max-nodes {self.max_nodes}: the size budget must be positive")

    @property
    def started(self) -> bool:
        return self.deadline > 0

    def remaining(self) -> float:
        """Seconds left before the deadline (0 when it has passed). The clock starts at the
        first call, when the first symbolic work starts (importing sympy does not count)."""
        if not self.deadline:
            object.__setattr__(self, "deadline", time.monotonic() + self.seconds)
        return max(0.0, self.deadline - time.monotonic())


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


def _child(conn: Any, work: Callable[..., Iterator[tuple[str, Any]]], args: tuple,
           parent: int) -> None:
    die_with_parent(parent)
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
    """Run the generator ``work(*args)`` in a child process, until ``budget``'s deadline.

    ``work`` yields ``(stage, data)`` with picklable data, and yields ``("start", name)``
    before an expensive call so that a timeout can say which call ran out of time."""
    if budget.remaining() <= 0:
        return Staged([], f"not run: the time budget of {budget.seconds:g} s for the whole "
                          "command was used up", 0.0)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, work, args, os.getpid()), daemon=True)
    start = time.perf_counter()
    proc.start()
    child.close()
    results: list[tuple[str, Any]] = []
    current = "start"
    exceeded = None
    try:
        while True:
            if not parent.poll(budget.remaining()):
                exceeded = (f"time budget of {budget.seconds:g} s (for the whole command) "
                            f"exceeded during {current}")
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
