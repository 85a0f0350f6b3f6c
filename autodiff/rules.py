"""The primal, tangent and adjoint equations of each trace variable, printed.

The equations come from each primitive's partial-derivative rules, called with printable
:class:`~autodiff.term.Term` atoms, so they are the rules the sweeps compute:

* tangent (forward):  ``v̇_i = Σ_{j ∈ parents(i)} v̇_j ∂v_i/∂v_j``
* adjoint (reverse):  ``v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j``

A rule that uses the result ``ans`` of its step (``exp``: ``∂v5/∂v3 = ans``) prints ``ans``
as the step's right-hand side in the tangent equations (``v̇5 = v̇3·exp(v3)``: the tangent is
computed on the same line as the primal) and as the variable's name in the adjoint equations
(``v̄3 = v̄5·v5 + v̄6``: the primal sweep has already computed ``v5``), as the lecture does.

Each sum is printed term by term in order (parents in argument order, children in trace
order); a term that starts with a minus joins with `` - ``. The terms of one primitive and one
pattern of constants are built once, as templates with slots for the variables' names, so a
trace of 100,000 steps prints in about a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .primitives import UNARY, Primitive
from .term import SLOT, Term, apply, name_latex, name_text, render
from .trace import Trace

_SLOTTED = re.compile(SLOT + r"([pta])(\w+)" + SLOT)
_KINDS = ("primal", "tangent", "adjoint")
_KIND_INDEX = {"p": 0, "t": 1, "a": 2}


def _slot(j: Any, kind: str = "primal") -> Term:
    return Term.var(f"{SLOT}{j}", kind)


def _format_string(rendered: str, arity: int) -> str:
    """Turn the slots of a rendered template into ``str.format`` fields: the names of
    argument k sit at ``3k + (primal, tangent, adjoint)``, the result's after them."""
    escaped = rendered.replace("{", "{{").replace("}", "}}")

    def field(m: re.Match) -> str:
        k = arity if m.group(2) == "r" else int(m.group(2))
        return f"{{{3 * k + _KIND_INDEX[m.group(1)]}}}"

    return _SLOTTED.sub(field, escaped)


@lru_cache(maxsize=4096)
def _templates(op: Primitive, shape: tuple, style: str) -> tuple[str, tuple, tuple]:
    """For ``op`` with arguments ``shape`` (None for a variable, else the constant's value):
    the right-hand side, and per argument the tangent term and the adjoint term."""
    n = len(shape)
    args = tuple(_slot(k) if c is None else Term.num(c) for k, c in enumerate(shape))
    rhs = apply(op, args)
    tangent, adjoint = [], []
    for k, (c, rule) in enumerate(zip(shape, op.partials, strict=True)):
        if c is not None:
            tangent.append(None)
            adjoint.append(None)
            continue
        tangent.append(_format_string(render(_slot(k, "tangent") * rule(*args, rhs), style), n))
        adjoint.append(_format_string(
            render(_slot("r", "adjoint") * rule(*args, _slot("r")), style), n))
    return _format_string(render(rhs, style), n), tuple(tangent), tuple(adjoint)


def _sum(terms: list[str]) -> str:
    out = ""
    for t in terms:
        if t == "0":
            continue
        if not out:
            out = t
        elif t.startswith("-"):
            out += " - " + t[1:]
        else:
            out += " + " + t
    return out or "0"


class RulePrinter:
    """Prints the equations of a trace in Unicode (``style="text"``) or LaTeX."""

    def __init__(self, trace: Trace, style: str = "text") -> None:
        self.trace = trace
        self.style = style
        name = name_text if style == "text" else name_latex
        self._names = [[name(s.var, kind) for s in trace.steps] for kind in _KINDS]
        self._memo: dict[int, tuple[tuple[str, tuple, tuple], list[str]]] = {}

    def name(self, i: int, kind: str = "primal") -> str:
        return self._names[_KINDS.index(kind)][i]

    def _parts(self, i: int) -> tuple[tuple[str, tuple, tuple], list[str]]:
        """The templates of step ``i`` and the names that fill their fields (memoized)."""
        if i in self._memo:
            return self._memo[i]
        step = self.trace.steps[i]
        shape = tuple(None if type(a) is int else float(a.value) for a in step.args)
        p, t, a = self._names
        fields: list[str] = []
        for arg in step.args:
            fields += (p[arg], t[arg], a[arg]) if type(arg) is int else ("", "", "")
        fields += (p[i], t[i], a[i])
        self._memo[i] = _templates(step.op, shape, self.style), fields
        return self._memo[i]

    def primal_rhs(self, i: int) -> str:
        """The right-hand side of ``v_i``, e.g. ``v1·v2`` (an input's is its name, ``x1``)."""
        step = self.trace.steps[i]
        if step.is_input:
            return (name_text if self.style == "text" else name_latex)(step.input)
        (rhs, _, _), fields = self._parts(i)
        return rhs.format(*fields)

    def primal_rhs_at(self, i: int, values: Sequence[str]) -> str:
        """The right-hand side of ``v_i`` with numbers in place of its variables: ``1.5·0.5``.

        ``values[j]`` is the text of ``v_j``'s value; a negative one is parenthesized after an
        operator (``0.75 - (-0.5)``, ``-(-2)``, ``(-2)^2``, but ``-6 - 0.5``, ``exp(-0.5)``)."""
        step = self.trace.steps[i]
        if step.is_input:
            return values[i]
        texts = []
        for k, (arg, need) in enumerate(zip(step.args, step.op.slots, strict=True)):
            t = values[arg] if type(arg) is int else render(float(arg.value), self.style)
            wrap = need > UNARY or (need > 0 and (k > 0 or not step.op.text.startswith("{0}")))
            texts.append(f"({t})" if wrap and t.startswith("-") else t)
        return render(Term(step.op, tuple(Term.var(t) for t in texts)), self.style)

    def partial_at(self, i: int, pos: int, primals: Sequence[Any]) -> Any:
        """``∂v_i/∂v_j`` for argument ``pos`` of step ``i`` at the point of ``primals``: the
        primitive's rule called with numbers, as the sweeps call it."""
        step = self.trace.steps[i]
        args = [primals[a] if type(a) is int else a.value for a in step.args]
        return step.op.partials[pos](*args, primals[i])

    def primal_equation(self, i: int) -> str:
        """``v3 = v1·v2``."""
        return f"{self._names[0][i]} = {self.primal_rhs(i)}"

    def tangent_terms(self, i: int) -> list[str]:
        """The terms ``v̇_j ∂v_i/∂v_j`` of ``v̇_i``, one per variable argument, in order."""
        if self.trace.steps[i].is_input:
            return []
        (_, tangent, _), fields = self._parts(i)
        return [t.format(*fields) for t in tangent if t is not None]

    def tangent_contributions(self, i: int, primals: Sequence[Any]) -> list[tuple[int, str, Any]]:
        """Per variable argument ``v_j`` of step ``i``, in order: ``(j, the printed term
        v̇_j ∂v_i/∂v_j, ∂v_i/∂v_j at the point)``."""
        step = self.trace.steps[i]
        positions = [(pos, a) for pos, a in enumerate(step.args) if type(a) is int]
        return [(j, term, self.partial_at(i, pos, primals))
                for (pos, j), term in zip(positions, self.tangent_terms(i), strict=True)]

    def tangent_equation(self, i: int, direction: dict[str, float]) -> str:
        """``v̇3 = v̇1·v2 + v̇2·v1``; an input's tangent is its seed (``v̇1 = 1``)."""
        step = self.trace.steps[i]
        rhs = (render(direction.get(step.input, 0.0), self.style) if step.is_input
               else _sum(self.tangent_terms(i)))
        return f"{self._names[1][i]} = {rhs}"

    def adjoint_terms(self, j: int) -> list[tuple[int, str]]:
        """The contributions ``v̄_i ∂v_i/∂v_j`` to ``v̄_j``, one per use of ``v_j``, in trace
        order, as ``(i, term)`` pairs: a variable used twice gets two contributions."""
        out = []
        for i, pos in self.trace.children(j):
            (_, _, adjoint), fields = self._parts(i)
            out.append((i, adjoint[pos].format(*fields)))
        return out

    def adjoint_contributions(self, j: int, primals: Sequence[Any]) -> list[tuple[int, str, Any]]:
        """Per use of ``v_j`` by a step ``i``, in trace order: ``(i, the printed term
        v̄_i ∂v_i/∂v_j, ∂v_i/∂v_j at the point)``."""
        out = []
        for (i, pos), (_, term) in zip(self.trace.children(j), self.adjoint_terms(j),
                                       strict=True):
            out.append((i, term, self.partial_at(i, pos, primals)))
        return out

    def adjoint_equation(self, j: int, output: int | None = None) -> str:
        """``v̄2 = v̄3·v1 + v̄4·cos(v2)``; the output's adjoint is its seed, 1."""
        seed = j == (self.trace.output if output is None else output)
        rhs = "1" if seed else _sum([t for _, t in self.adjoint_terms(j)])
        return f"{self._names[2][j]} = {rhs}"
