"""A trace evaluated at a point in forward and/or reverse mode: what ``autodiff trace`` shows.

:func:`evaluate` parses the source, runs the sweeps asked for and returns an
:class:`Evaluation`, which renders itself as the lecture's primal, tangent and adjoint tables
(terminal text, Markdown, LaTeX) or as the JSON documented in ``docs/json.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from . import rules
from .errors import InputError
from .forward import ForwardSweep, direction_of, forward_sweep, primal_sweep
from .nonfinite import chain, find_events
from .parse import parse
from .reverse import ReverseSweep, reverse_sweep
from .trace import Trace, cycle_collection_paused

MODES = ("forward", "reverse", "both")
FORMATS = ("table", "markdown", "latex", "json")


@dataclass(frozen=True)
class Evaluation:
    """A trace, optionally evaluated at a point, with its tangent and adjoint sweeps.

    Without a point (``at=None``) it holds only the equations, as on the slides.
    """

    trace: Trace
    mode: str
    direction: dict[str, float]
    at: dict[str, Any] | None = None
    forward: ForwardSweep | None = None
    reverse: ReverseSweep | None = None

    @property
    def primals(self) -> list[Any] | None:
        sweep = self.forward or self.reverse
        return sweep.primals if sweep else None

    @property
    def value(self) -> Any:
        return None if self.primals is None else self.primals[self.trace.output]

    @property
    def gradient(self) -> dict[str, Any] | None:
        """``∇f`` by input name, from the reverse sweep (or the forward one, one input)."""
        return self.reverse.gradient if self.reverse else None

    @property
    def wrt(self) -> str | dict[str, float]:
        """The input the tangents are taken for, or the direction vector."""
        hot = [n for n, v in self.direction.items() if v != 0]
        if len(hot) == 1 and self.direction[hot[0]] == 1.0:
            return hot[0]
        return dict(self.direction)

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """One row per trace variable: the JSON contract's ``trace`` list."""
        with cycle_collection_paused():
            return self._rows()

    def _rows(self) -> list[dict[str, Any]]:
        t = self.trace
        pr = rules.RulePrinter(t)
        out = []
        for i, s in enumerate(t.steps):
            row = {
                "var": s.var,
                "op": "input" if s.is_input else s.op.name,
                "args": [t.steps[a].var if type(a) is int else float(a.value) for a in s.args],
                "expr": pr.primal_rhs(i),
                "primal": None if self.primals is None else self.primals[i],
                "tangent": self.forward.tangents[i] if self.forward else None,
                "adjoint": self.reverse.adjoints[i] if self.reverse else None,
                "primal_rule": f"{pr.name(i)} = {pr.primal_rhs(i)}",
                "tangent_rule": pr.tangent_equation(i, self.direction),
                "adjoint_rule": pr.adjoint_equation(i),
            }
            if s.is_input:
                row["input"] = s.input
            out.append(row)
        return out

    @cached_property
    def warnings(self) -> list[str]:
        """Where non-finite values start: the first variable of each sweep that is nan/inf
        although everything it is computed from is finite."""
        if self.primals is None:
            return []
        out = []
        t = self.trace
        sweeps = [("value", self.primals)]
        if self.forward:
            sweeps.append(("tangent", self.forward.tangents))
        if self.reverse:
            sweeps.append(("adjoint", self.reverse.adjoints))
        for what, values in sweeps:
            bad = [i for i, v in enumerate(values) if not _finite(v)]
            if not bad:
                continue
            i = bad[0] if what != "adjoint" else bad[-1]
            s = t.steps[i]
            rule = "" if s.is_input else f" = {rules.RulePrinter(t).primal_rhs(i)}"
            shown = _show(values[i])
            out.append(f"the {what} of {s.var}{rule} is {shown}; {len(bad)} variable"
                       f"{'s' * (len(bad) != 1)} in all have a non-finite {what}")
        if out:
            walk = find_events(self)
            out.append(f"how it spreads: {chain(t, walk.events, walk.first)}")
        return out

    @cached_property
    def explanation(self) -> Any:
        """Where non-finite values start, how they spread and why (a lazy display hook into
        :mod:`autodiff.extras.explain`; :attr:`warnings` needs only :mod:`autodiff.nonfinite`)."""
        from .extras.explain import explain
        return explain(self)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``autodiff trace --format json`` (see ``docs/json.md``)."""
        from .render.tables import to_json
        return to_json(self)

    def render(self, fmt: str = "table") -> str:
        """The tables as terminal text, Markdown, LaTeX, or the JSON text."""
        from .render import tables
        with cycle_collection_paused():
            return tables.render(self, fmt)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_html_(self) -> str | None:
        """The explorer that steps through the sweeps (see render/explorer.py); None (so the
        notebook shows the tables) without a point or without both sweeps."""
        from .render.explorer import repr_html
        return repr_html(self)

    def _repr_svg_(self) -> str | None:
        """The computation graph with the values of the sweeps (see render/graph.py)."""
        from .render.graph import repr_svg
        return repr_svg(self)

    def __str__(self) -> str:
        return self.render("table")


def _finite(v: Any) -> bool:
    if isinstance(v, np.ndarray):
        return bool(np.isfinite(v).all())
    return math.isfinite(v)


def _show(v: Any) -> str:
    if np.ndim(v) == 0:
        return str(float(v))
    return f"non-finite in {int(np.sum(~np.isfinite(v)))} of {np.size(v)} entries"


def evaluate(source: str | Trace, at: Mapping[str, Any] | None = None,
             wrt: str | Mapping[str, float] | None = None, mode: str = "both") -> Evaluation:
    """Parse ``source`` (an expression or a trace program) and run the sweeps asked for.

    Args:
        source: text such as ``"x1*x2 + exp(x1*x2) - sin(x2)"``, or a parsed trace.
        at: the point, input name → value; without it only the equations are built.
        wrt: the input the tangents are for (default: the first), or a direction.
        mode: ``"forward"``, ``"reverse"`` or ``"both"``.

    >>> ev = evaluate("x1*x2 + exp(x1*x2) - sin(x2)", at={"x1": 1.5, "x2": 0.5})
    >>> round(float(ev.gradient["x1"]), 6)
    1.5585
    """
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    trace = source if isinstance(source, Trace) else parse(source)
    direction = direction_of(trace, wrt)
    if at is None:
        return Evaluation(trace, mode, direction)
    point = trace.bind(at)
    with cycle_collection_paused():
        primals = primal_sweep(trace, point)
        fwd = forward_sweep(trace, point, direction, primals) if mode != "reverse" else None
        rev = reverse_sweep(trace, point, primals=primals) if mode != "forward" else None
    return Evaluation(trace, mode, direction, point, fwd, rev)
