"""The evaluation trace (Wengert list): ``v_i = op(v_j, v_k, ...)`` in evaluation order.

A :class:`Trace` is a list of :class:`Step` objects. The inputs come first (``v1 = x1``,
``v2 = x2``), then the operations in the order they are evaluated, so the list is
topologically sorted by construction: a forward sweep walks it front to back, a reverse sweep
back to front, and no graph is ever searched or recursed over.

Constants are not trace variables: a number in an expression stays a literal argument of the
step that uses it (``v3 = 2·v1``). It has no tangent and no adjoint, and prints as written.

Sharing: a subexpression that occurs twice is one variable. :class:`TraceBuilder` keys every
step on ``(primitive, arguments)`` and returns the existing variable for a repeat, so in
``x1*x2 + exp(x1*x2)`` the product is the single variable ``v3``. Only identical steps are
shared: ``x1*x2`` and ``x2*x1`` are two variables.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np

from .errors import InputError
from .primitives import Primitive
from .term import Term, apply, format_number


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large trace is built or printed.

    Traces, steps and table rows are many small objects without reference cycles; the
    collector's repeated passes over all of them would make long traces quadratic (a
    100,000-line program parsed 1.5× slower). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Const(NamedTuple):
    """A literal number inside a step."""

    value: float

    def __str__(self) -> str:
        return format_number(self.value)


Arg = int | Const


class Step(NamedTuple):
    """One line of the trace: ``var = op(*args)``, or an input ``var = input``.

    ``args`` holds the indices of earlier variables (in argument order) and :class:`Const`
    literals. ``line`` is the line of the source it came from, for messages.
    """

    var: str
    op: Primitive | None
    args: tuple[Arg, ...] = ()
    input: str | None = None
    line: int = 0

    @property
    def is_input(self) -> bool:
        return self.op is None


class Trace:
    """An evaluation trace: its steps, which of them are inputs, and which are outputs.

    Attributes:
        steps: all variables in order; ``steps[i]`` defines variable ``i``.
        inputs: input name (``x1``) → index of its variable.
        outputs: indices of the output variables (one for a scalar function ``f``).
        source: the text it was parsed from, if any.
    """

    def __init__(self, steps: list[Step], outputs: tuple[int, ...], source: str = "") -> None:
        self.steps = steps
        self.outputs = outputs
        self.source = source
        self.inputs = {s.input: i for i, s in enumerate(steps) if s.is_input}
        self.index = {s.var: i for i, s in enumerate(steps)}
        self._children: list[list[tuple[int, int]]] | None = None

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def _repr_svg_(self) -> str | None:
        """In a notebook a trace shows itself as its computation graph (see render/graph.py)."""
        from .render.graph import repr_svg
        return repr_svg(self)

    @property
    def output(self) -> int:
        """The output of a scalar function (the first output of a program with several)."""
        return self.outputs[0]

    def children(self, i: int) -> list[tuple[int, int]]:
        """``children(i)``: the ``(step, argument position)`` pairs that use variable ``i``,
        in trace order. A step that uses ``v_i`` twice (``v1*v1``) appears twice."""
        if self._children is None:
            kids: list[list[tuple[int, int]]] = [[] for _ in self.steps]
            for k, step in enumerate(self.steps):
                for pos, a in enumerate(step.args):
                    if type(a) is int:
                        kids[a].append((k, pos))
            self._children = kids
        return self._children[i]

    def term(self, i: int, kind: str = "primal") -> Term:
        return Term.var(self.steps[i].var, kind)

    def arg_terms(self, step: Step) -> tuple:
        """The arguments of ``step`` as printable atoms: variables as terms, constants as is."""
        return tuple(self.term(a) if type(a) is int else a.value for a in step.args)

    def expression(self, i: int) -> Any:
        """The right-hand side of step ``i`` as a term, e.g. ``v1·v2``."""
        step = self.steps[i]
        if step.is_input:
            return Term.var(step.input or step.var)
        return apply(step.op, self.arg_terms(step))

    def bind(self, at: Mapping[str, Any]) -> dict[str, Any]:
        """Check a point against the inputs and return it as float64 values (or arrays)."""
        names = list(self.inputs)
        missing = [n for n in names if n not in at]
        extra = [n for n in at if n not in self.inputs]
        listed = ", ".join(names) or "none"
        if extra:
            raise InputError(f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not an "
                             f"input of this trace (its inputs: {listed})")
        if missing:
            raise InputError(f"no value given for {', '.join(missing)} (its inputs: {listed}); "
                             f"give one with --at {','.join(n + '=…' for n in names)}")
        return {n: _as_value(n, at[n]) for n in names}

    def to_program(self) -> str:
        """The trace as a program in the grammar :func:`autodiff.parse` reads, one step a line.

        ``parse(trace.to_program())`` gives back the same trace."""
        lines = []
        for s in self.steps:
            if s.is_input:
                lines.append(f"{s.var} = {s.input}" if s.var != s.input else f"# input {s.var}")
                continue
            args = [self.steps[a].var if type(a) is int else _program_number(a.value)
                    for a in s.args]
            if s.op.symbol and len(args) == 2:
                rhs = f"{args[0]} {'**' if s.op.symbol == '^' else s.op.symbol} {args[1]}"
            elif s.op.symbol:
                rhs = f"-{args[0]}"
            else:
                rhs = f"{s.op.name}({', '.join(args)})"
            lines.append(f"{s.var} = {rhs}")
        outs = [self.steps[o].var for o in self.outputs]
        if list(self.outputs) != [len(self.steps) - 1]:
            lines.append("return " + ", ".join(outs))
        return "\n".join(lines) + "\n"


def _program_number(v: float) -> str:
    s = format_number(v, exact=True)
    return f"({s})" if v < 0 else s


def _as_value(name: str, v: Any) -> Any:
    try:
        arr = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"the value of {name} is not a number: {v!r}") from None
    return arr[()] if arr.ndim == 0 else arr


class TraceBuilder:
    """Appends steps with sharing; names them at the end (inputs first, then evaluation order)."""

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self._shared: dict[tuple, int] = {}
        self._inputs: dict[str, int] = {}

    def input(self, name: str, line: int = 0) -> int:
        if name not in self._inputs:
            self._inputs[name] = len(self.steps)
            self.steps.append(Step(name, None, (), name, line))
        return self._inputs[name]

    def apply(self, op: Primitive, args: tuple[Arg, ...], line: int = 0, *,
              name: str | None = None) -> int:
        """The variable ``op(*args)``: a new step, or the existing one for a repeat.

        A step given a ``name`` (a named line of a program) is always a new variable."""
        key = (op.name, args)
        if name is None and key in self._shared:
            return self._shared[key]
        self.steps.append(Step(name or "", op, args, None, line))
        self._shared.setdefault(key, len(self.steps) - 1)
        return len(self.steps) - 1

    def rename(self, i: int, name: str) -> None:
        self.steps[i] = self.steps[i]._replace(var=name)

    def build(self, outputs: list[int], source: str, input_order: list[str] | None = None,
              numbered: bool = True, temp: Iterator[str] | None = None) -> Trace:
        """Reorder so the inputs come first and name the variables.

        Args:
            outputs: the output variables.
            input_order: the order of the inputs (default: order of first appearance).
            numbered: name every variable ``v1, v2, …`` (expressions); otherwise keep the
                given names and name unnamed intermediates from ``temp`` (programs).
        """
        names = input_order or list(self._inputs)
        order = [self._inputs[n] for n in names]
        order += [i for i, s in enumerate(self.steps) if not s.is_input]
        if order == list(range(len(order))) and not numbered:  # already in place
            steps = [s if s.var else s._replace(var=next(temp)) for s in self.steps]
            return Trace(steps, tuple(outputs), source)
        new = {old: k for k, old in enumerate(order)}
        steps = []
        for k, old in enumerate(order):
            s = self.steps[old]
            args = tuple(new[a] if type(a) is int else a for a in s.args)
            var = f"v{k + 1}" if numbered else (s.var or next(temp))
            steps.append(Step(var, s.op, args, s.input, s.line))
        return Trace(steps, tuple(new[o] for o in outputs), source)
