"""Tracing a function of tensors once: the records it leaves on the tape, in tape order.

While a function is traced for compiling, its inputs are tensors that record every operation
(they require grad during the trace, so that an operation on the data alone is recorded too),
and reading a tensor's value into Python (``bool(t)``, ``float(t)``, ``t.item()``) raises
:class:`ValueDependentControlFlow`: the branch that value would choose cannot be frozen into
code that is replayed for other values (JAX's ``jit`` refuses it the same way).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..autograd.tensor import EFFECTS, TRACING
from ..errors import InputError

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class NotCompilable(InputError):
    """A function or training step that cannot be written as generated code."""


class ValueDependentControlFlow(NotCompilable):
    """A compiled function read a tensor's value into Python while it was traced."""


def _user_line() -> str:
    """``file:line`` and the source line of the innermost frame outside the autodiff package."""
    frame = sys._getframe(2)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if not path.startswith(_PACKAGE + os.sep):
            import linecache

            text = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
            where = f"{frame.f_code.co_filename}, line {frame.f_lineno}, in {frame.f_code.co_name}"
            return f"{where}: {text}" if text else where
        frame = frame.f_back
    return "the function being compiled"


def _refuse(what: str) -> None:
    raise ValueDependentControlFlow(
        f"value-dependent control flow while compiling: {what} reads a tensor's value at "
        f"{_user_line()}. A compiled function is traced once per input signature, so a branch "
        "on a value would be frozen into the generated code. Compute both sides and choose "
        "with autodiff.where(condition, a, b), keep the value as a tensor, or call the "
        "function without autodiff.compile.")


@contextmanager
def tracing() -> Iterator[None]:
    """Refuse value-dependent control flow while a function is traced."""
    previous = TRACING[0]
    TRACING[0] = _refuse
    try:
        yield
    finally:
        TRACING[0] = previous


@contextmanager
def recording_effects() -> Iterator[list[tuple[Any, tuple]]]:
    """The side effects (:func:`autodiff.autograd.tensor.side_effect`: running statistics,
    checks of values) of the traced function, ``(fn, args)`` in the order they were asked for;
    they are not run while tracing, the generated code runs them."""
    effects: list[tuple[Any, tuple]] = []
    previous = EFFECTS[0]
    EFFECTS[0] = lambda fn, args: effects.append((fn, args))
    try:
        yield effects
    finally:
        EFFECTS[0] = previous
