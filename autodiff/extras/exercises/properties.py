"""Property checks: how a student's file is graded, check by check.

Each exercise has an ordered list of checks, registered with :func:`check`. A check runs in the
grading process and receives the student's module as a :class:`~.remote.Student`: calling its
functions runs them in the student's process on the inputs the check chose, and the check
compares what comes back with the answer it computes itself. It either returns (passed) or
raises :class:`CheckFailed` with what was expected, what came back, and a hint.
Inputs are drawn from seeded generators, so a verdict is reproducible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

CheckFn = Callable[[ModuleType], None]


@dataclass(frozen=True)
class Check:
    """One graded property of an exercise: ``title`` says what must hold."""

    exercise: str
    title: str
    run: CheckFn
    hint: str


CHECKS: dict[str, list[Check]] = {}


class CheckFailed(Exception):
    """A property that does not hold: ``message`` (what and where) and ``hint`` (what to try)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def check(exercise: str, title: str, hint: str = "") -> Callable[[CheckFn], CheckFn]:
    """Register the decorated function as the next check of ``exercise``."""
    def register(fn: CheckFn) -> CheckFn:
        CHECKS.setdefault(exercise, []).append(Check(exercise, title, fn, hint))
        return fn
    return register


def function(module: ModuleType, name: str) -> Callable[..., Any]:
    """The student's ``name``, or a failure saying it is missing."""
    fn = getattr(module, name, None)
    if fn is None:
        raise CheckFailed(f"your file defines no `{name}`",
                          f"start from the stub: autodiff exercise stub {module.__name__}")
    if not callable(fn):
        what = getattr(fn, "what", f"a {type(fn).__name__}")
        raise CheckFailed(f"`{name}` in your file is {what}, not a function")
    return fn


def as_array(value: Any, what: str) -> np.ndarray:
    """``value`` as a float array, or a failure naming what came back instead."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} returned {type(value).__name__} {_short(value)}, "
                          "not numbers") from None


def expect_close(got: Any, want: Any, what: str, hint: str = "", *, rtol: float = 1e-6,
                 atol: float = 1e-9, where: str = "") -> None:
    """Fail unless ``got`` has ``want``'s shape and agrees elementwise within the tolerances."""
    want = np.asarray(want, dtype=np.float64)
    g = as_array(got, what)
    if g.shape != want.shape:
        raise CheckFailed(f"{what} has shape {g.shape}, expected {want.shape}{where}", hint)
    bad = ~np.isclose(g, want, rtol=rtol, atol=atol, equal_nan=False)
    if bad.any():
        k = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.shape else ()
        at = f" (element {', '.join(str(int(i)) for i in k)})" if k else ""
        raise CheckFailed(f"{what}{where}: expected {want[k]:.10g}, got {g[k]:.10g}{at}", hint)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
