"""Accumulation made visible: the reverse sweep one edge contribution at a time.

The adjoint of a variable is a **sum** over its children,

    v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j ,

and the reverse sweep computes it by scatter: walking the trace backwards, step ``i`` adds
``v̄_i ∂v_i/∂v_j`` to the adjoint of each of its parents ``j``. :func:`accumulate` records
each of those additions as one :class:`Contribution`, in sweep order, with the running sum
after it, so a variable used twice (``x1`` in ``log(x1) + x1·x2``) visibly receives two
contributions: ``v̄1 += v̄4·v2``, later ``v̄1 += v̄3·(1/v1)``.

Two numberings (a choice made at print time; the trace is the same):

* ``lecture``: the trace's own names, inputs first (``v1 = x1``, ``v2 = x2``, then ``v3``…);
* ``survey``: Baydin et al. (JMLR 2018), inputs ``v₋₁, v₀`` (``v_{1−n} … v_0``), then the
  steps ``v₁, v₂, …``.

>>> acc = accumulate("log(x1) + x1*x2 - sin(x2)", at={"x1": 2, "x2": 5})
>>> [c.update for c in acc.contributions if c.parent == 0]
['v̄1 += v̄4·v2', 'v̄1 += v̄3/v1']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..errors import InputError
from ..evaluation import evaluate
from ..rules import RulePrinter
from ..term import name_latex, name_text
from ..trace import Trace

NUMBERINGS = ("lecture", "survey")
_SUB = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")


def survey_index(trace: Trace, i: int) -> int:
    """Variable ``i``'s number in the survey's numbering: inputs ``1−n … 0``, steps ``1, 2…``."""
    n = len(trace.inputs)
    return i - n + 1


class NumberedPrinter(RulePrinter):
    """The rule printer with the variables renamed by a numbering (``lecture`` keeps them)."""

    def __init__(self, trace: Trace, style: str = "text", numbering: str = "lecture") -> None:
        super().__init__(trace, style)
        if numbering == "survey":
            self._names = [[_survey_name(survey_index(trace, i), kind, style)
                            for i in range(len(trace))] for kind in ("primal", "tangent",
                                                                     "adjoint")]


def _survey_name(k: int, kind: str, style: str) -> str:
    if style == "text":
        return name_text("v" + str(k).translate(_SUB), kind)
    return name_latex("v", kind) + f"_{{{k}}}"


@dataclass(frozen=True)
class Contribution:
    """One addition of the reverse sweep: ``v̄_j += v̄_i ∂v_i/∂v_j``.

    ``order`` counts from 1 in sweep order; ``use`` says which of the ``uses`` contributions
    to ``v̄_j`` this is; ``total`` is ``v̄_j`` after it (None without a point)."""

    order: int
    parent: int
    child: int
    position: int
    update: str
    update_latex: str
    use: int
    uses: int
    child_adjoint: Any = None
    partial: Any = None
    value: Any = None
    total: Any = None


@dataclass(frozen=True)
class Accumulation:
    """The contributions of a reverse sweep, and the adjoints they add up to."""

    trace: Trace
    numbering: str
    contributions: list[Contribution]
    at: dict[str, Any] | None
    primals: list[Any] | None
    adjoints: list[Any] | None

    @cached_property
    def _printers(self) -> dict[str, NumberedPrinter]:
        return {style: NumberedPrinter(self.trace, style, self.numbering)
                for style in ("text", "latex")}

    def name(self, i: int, kind: str = "primal", style: str = "text") -> str:
        """Variable ``i``'s name in this numbering (``v̄₋₁`` for ``kind="adjoint"``)."""
        return self._printers[style].name(i, kind)

    def gathered(self, style: str = "text") -> list[tuple[int, str, list[Any]]]:
        """Per variable, from the output back: the gathered equation ``v̄3 = v̄5·v5 + v̄6``
        (children in trace order, as the lecture prints it) and the values added to it."""
        pr = self._printers[style]
        out = []
        for j in range(self.trace.output, -1, -1):
            mine = sorted((c for c in self.contributions if c.parent == j),
                          key=lambda c: (c.child, c.position))  # trace order, as printed
            values = [c.value for c in mine]
            out.append((j, pr.adjoint_equation(j), values))
        return out

    def to_json(self) -> dict[str, Any]:
        from ..render.tables import json_value

        t = self.trace
        return {
            "numbering": self.numbering,
            "at": self.at,
            "names": {s.var: self.name(i) for i, s in enumerate(t.steps)},
            "contributions": [{
                "order": c.order, "parent": t.steps[c.parent].var, "child": t.steps[c.child].var,
                "position": c.position, "update": c.update, "update_latex": c.update_latex,
                "use": c.use, "uses": c.uses, "child_adjoint": json_value(c.child_adjoint),
                "partial": json_value(c.partial), "value": json_value(c.value),
                "total": json_value(c.total)} for c in self.contributions],
            "adjoints": None if self.adjoints is None else
            {s.var: json_value(a) for s, a in zip(t.steps, self.adjoints, strict=True)},
        }

    def render(self, fmt: str = "table") -> str:
        """The contributions as terminal text, Markdown, LaTeX, or the JSON text."""
        return _render(self, fmt)

    def to_dot(self) -> str:
        """The computation graph with each edge ``j ← i`` labelled by its contribution
        ``#k: v̄_i·∂v_i/∂v_j`` (and value), drawn backwards as the sweep runs."""
        return _dot(self)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def __str__(self) -> str:
        return self.render("table")


def accumulate(source: str | Trace, at: Mapping[str, Any] | None = None,
               numbering: str = "lecture") -> Accumulation:
    """The reverse sweep of ``source`` as its edge contributions, in sweep order.

    Args:
        source: an expression or a trace program (text), or a parsed trace.
        at: the point (scalars); without it only the symbolic updates are listed.
        numbering: ``"lecture"`` (``v1, v2`` for the inputs) or ``"survey"`` (``v₋₁, v₀``).
    """
    if numbering not in NUMBERINGS:
        raise InputError(f"unknown numbering {numbering!r}: use one of {', '.join(NUMBERINGS)}")
    ev = evaluate(source, at=at, mode="reverse")
    trace = ev.trace
    if ev.at is not None and any(np.ndim(v) for v in ev.at.values()):
        raise InputError("the accumulation view takes a point of numbers, not arrays")
    out_i = trace.output
    live = [False] * len(trace)  # does variable i lead to the output?
    live[out_i] = True
    for i in range(out_i, -1, -1):
        if live[i]:
            for a in trace.steps[i].args:
                if type(a) is int:
                    live[a] = True
    text = NumberedPrinter(trace, "text", numbering)
    latex = NumberedPrinter(trace, "latex", numbering)
    terms: dict[tuple[int, int], tuple[str, str]] = {}  # (child, position) → the term printed
    for j in range(len(trace)):
        for kid, (_, t), (_, tl) in zip(trace.children(j), text.adjoint_terms(j),
                                        latex.adjoint_terms(j), strict=True):
            terms[kid] = (t, tl)
    primals = ev.primals
    sums: list[Any] = [None] * len(trace)
    if primals is not None:
        sums[out_i] = np.ones_like(primals[out_i])[()]
    seen = [0] * len(trace)
    out: list[Contribution] = []
    with np.errstate(all="ignore"):
        for i in range(out_i, -1, -1):
            step = trace.steps[i]
            if step.is_input or not live[i]:
                continue
            args = None if primals is None else \
                [primals[a] if type(a) is int else a.value for a in step.args]
            for pos, (a, rule) in enumerate(zip(step.args, step.op.partials, strict=True)):
                if type(a) is not int:
                    continue
                kids = [k for k in trace.children(a) if k[0] <= out_i and live[k[0]]]
                term, term_tex = terms[i, pos]
                seen[a] += 1
                row: dict[str, Any] = dict(
                    order=len(out) + 1, parent=a, child=i, position=pos,
                    update=f"{text.name(a, 'adjoint')} += {term}",
                    update_latex=rf"{latex.name(a, 'adjoint')} \mathrel{{+}}= {term_tex}",
                    use=seen[a], uses=len(kids))
                if primals is not None:
                    partial = rule(*args, primals[i])
                    value = sums[i] * partial
                    sums[a] = value if sums[a] is None else sums[a] + value
                    row.update(child_adjoint=sums[i], partial=partial, value=value, total=sums[a])
                out.append(Contribution(**row))
    adjoints = None if ev.reverse is None else ev.reverse.adjoints
    return Accumulation(trace, numbering, out, ev.at, primals, adjoints)


# -- printing -----------------------------------------------------------------------------------

def _cells(acc: Accumulation, c: Contribution) -> list[str]:
    from ..render.tables import format_value

    cells = [str(c.order), c.update, f"{c.use} of {c.uses}"]
    if acc.primals is not None:
        cells += [format_value(c.child_adjoint), format_value(c.partial),
                  format_value(c.value), f"{acc.name(c.parent, 'adjoint')} = "
                                         f"{format_value(c.total)}"]
    return cells


def _render(acc: Accumulation, fmt: str) -> str:
    from ..render.grid import Grid, dump_json, render_grids
    from ..render.tables import format_value

    if fmt == "json":
        return dump_json(acc.to_json())
    heads = ["#", "contribution", "use"]
    if acc.primals is not None:
        heads += ["v̄_i", "∂v_i/∂v_j", "adds", "running sum"]
    out = acc.trace.output
    seed = f"{acc.name(out, 'adjoint')} = 1 (the seed: ∂f/∂f)"
    title = "Reverse sweep, one contribution v̄_j += v̄_i·∂v_i/∂v_j per edge, in sweep order"
    if fmt == "latex":
        return _latex(acc, heads)
    rows = [_cells(acc, c) for c in acc.contributions]
    gathered = []
    for j, eq, values in acc.gathered():
        row = [eq]
        if acc.primals is not None:
            parts = _signed_sum([format_value(v) for v in values])
            row += [parts, format_value(acc.adjoints[j])]
        gathered.append(row)
    g_heads = ["v̄_j = Σ v̄_i·∂v_i/∂v_j (children in trace order)"]
    if acc.primals is not None:
        g_heads += ["contributions", "v̄_j"]
    return render_grids([Grid(title, heads, rows, [seed], right={0, 3, 4, 5}),
                         Grid("Gathered: each adjoint is the sum of its contributions", g_heads,
                              gathered, right={2})], fmt)


def _signed_sum(parts: list[str]) -> str:
    """``2 - 0.28`` rather than ``2 + -0.28``; ``—`` for no terms."""
    out = parts[0] if parts else "—"
    for p in parts[1:]:
        out += f" - {p[1:]}" if p.startswith("-") else f" + {p}"
    return out


def _latex(acc: Accumulation, heads: list[str]) -> str:
    from ..render.tables import _latex_number

    tex_heads = [r"\#", "contribution", "use"] + [
        r"$\bar{v}_i$", r"$\partial v_i / \partial v_j$", "adds", "running sum"][:len(heads) - 3]
    lines = ["% reverse sweep: one contribution per edge, in sweep order",
             r"\begin{tabular}{" + "r l r" + " r" * (len(heads) - 3) + "}", r"\hline",
             " & ".join(tex_heads) + r" \\", r"\hline"]
    for c in acc.contributions:
        cells = [str(c.order), f"${c.update_latex}$", f"{c.use} of {c.uses}"]
        if acc.primals is not None:
            total = f"${acc.name(c.parent, 'adjoint', 'latex')} = {_latex_number(c.total)}$"
            cells += [f"${_latex_number(v)}$" for v in (c.child_adjoint, c.partial, c.value)]
            cells.append(total)
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def _dot(acc: Accumulation) -> str:
    import graphviz

    from ..render.tables import format_value

    t = acc.trace
    g = graphviz.Digraph("accumulation", graph_attr={"rankdir": "LR", "fontname": "Courier"},
                         node_attr={"shape": "box", "style": "rounded", "fontname": "Courier",
                                    "fontsize": "12"},
                         edge_attr={"fontname": "Courier", "fontsize": "10", "dir": "back",
                                    "color": "#b91c1c", "fontcolor": "#7f1d1d"})
    pr = NumberedPrinter(t, "text", acc.numbering)
    for i, s in enumerate(t.steps):
        lines = [pr.name(i) + f" = {s.input}" if s.is_input else pr.primal_equation(i)]
        if acc.primals is not None:
            lines[0] += f" = {format_value(acc.primals[i])}"
            lines.append(f"{pr.name(i, 'adjoint')} = {format_value(acc.adjoints[i])}")
        g.node(s.var, "\\n".join(line.replace("\\", "\\\\") for line in lines),
               peripheries="2" if i == t.output else "1")
    for c in acc.contributions:
        term = c.update.split(" += ", 1)[1]
        label = f"#{c.order}: {term}" + ("" if c.value is None else
                                          f" = {format_value(c.value)}")
        g.edge(t.steps[c.parent].var, t.steps[c.child].var, label=label)
    return g.source
