"""The expression-swell study: how symbolic derivatives grow over a family of functions.

The family is the n-fold composition ``f_n = g ∘ g ∘ … ∘ g`` of a function ``g`` of one input,
``n = 1 … N``. The default ``g(x) = 4·x·(1 − x)`` gives the logistic map of Baydin et al.
(2018), ``l_{n+1} = 4 l_n (1 − l_n)`` with ``l_1 = x``. Its trace grows by three steps per
``n``; written as a tree, ``f_n`` doubles with each ``n``, and its derivative grows faster
still, unless common subexpressions are shared (``sympy.cse``) — which is what the trace, and
so forward and reverse mode, do from the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..parse import parse
from ..trace import Trace, TraceBuilder
from .budget import Budget
from .recorded import gradient_trace, operations, tangent_trace
from .symbolic import derivatives

LOGISTIC = "4*x*(1-x)"


def compose(g: Trace, n: int) -> Trace:
    """The trace of ``g ∘ … ∘ g`` (``n`` times): ``g``'s steps replayed ``n`` times, each
    replay reading the previous one's output as its input."""
    if len(g.inputs) != 1 or len(g.outputs) != 1:
        raise InputError("a composition needs a function of one input with one output "
                         f"(this one has inputs {', '.join(g.inputs) or 'none'})")
    if n < 1:
        raise InputError(f"--n {n}: the number of compositions must be at least 1")
    (name,) = g.inputs
    b = TraceBuilder()
    current = b.input(name)
    for _ in range(n):
        values: list[Any] = [None] * len(g)
        for i, s in enumerate(g.steps):
            if s.op is None:
                values[i] = current
            else:
                values[i] = b.apply(s.op, tuple(values[a] if type(a) is int else a
                                                for a in s.args))
        current = values[g.output]
    return b.build([current], "", [name], numbered=True)


@dataclass
class SwellRow:
    """The sizes for one ``n``: operations and tree nodes of f and of its derivative (raw,
    simplified, after CSE), and the operations of the primal, tangent and adjoint traces."""

    n: int
    sizes: dict[str, dict[str, int | None]]
    trace_ops: dict[str, int]
    seconds: float
    note: str = ""


@dataclass
class SwellStudy:
    g: str
    rows: list[SwellRow] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)
    cut: str = ""  # the values of n not studied because the time budget was used up


def study(g: str = LOGISTIC, n_max: int = 6, budget: Budget | None = None,
          simplify: bool = True) -> SwellStudy:
    """Measure expression swell for ``n = 1 … n_max`` under ``budget`` (one deadline for
    them all: the values of ``n`` it leaves no time for are named in ``cut``)."""
    budget = budget or Budget()
    base = parse(g)
    if n_max < 1:
        raise InputError(f"--n {n_max}: the number of compositions must be at least 1")
    result = SwellStudy(g, [], budget)
    stages = ("cse", "simplify") if simplify else ("cse",)
    for n in range(1, n_max + 1):
        if budget.started and budget.remaining() <= 0:
            result.cut = (f"n = {n}…{n_max} not studied: the time budget of "
                          f"{budget.seconds:g} s for the whole command was used up")
            break
        t = compose(base, n)
        (name,) = t.inputs
        trace_ops = {"primal": operations(t), "forward": operations(tangent_trace(t, name)),
                     "reverse": operations(gradient_trace(t))}
        staged = derivatives(t, None, budget, stages)
        f = staged.get("f") or {}
        raw = dict(staged.all("raw")).get(name, {})
        simp = dict(staged.all("simplified")).get(name, {})
        cse = dict(staged.all("cse")).get(name, {})
        sizes = {part: {"ops": d.get("ops"), "nodes": d.get("nodes")}
                 for part, d in (("f", f), ("derivative", raw), ("simplified", simp),
                                 ("cse", cse))}
        notes = [d["note"] for d in (f, raw, simp) if d.get("note")]
        if staged.exceeded:
            notes.append(staged.exceeded)
        result.rows.append(SwellRow(n, sizes, trace_ops, staged.seconds, "; ".join(notes)))
    return result
