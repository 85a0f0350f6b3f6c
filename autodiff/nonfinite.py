"""Where a nan or inf starts in an evaluated trace, and the path by which it spreads.

A non-finite value has an **origin**, a variable that is nan or ±inf although everything it is
computed from is finite, and then **spreads**: a value ``v_i`` to its children, a tangent
``v̇_i = Σ_j v̇_j ∂v_i/∂v_j`` along the trace, an adjoint ``v̄_j = Σ_i v̄_i ∂v_i/∂v_j`` back
towards the inputs. :func:`find_events` walks each sweep once and returns the events, and
:func:`chain` tells them in one line:
``v4 = log(v3) with v3 = 0 → v4 = -inf → v̄3 = inf → … → v̄1 (∂f/∂x1) = nan``.

This is what :attr:`autodiff.Evaluation.warnings` says; :mod:`autodiff.extras.explain` builds
on the same walk and adds why each origin happens (the hints of its :class:`Walk`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .rules import RulePrinter

if TYPE_CHECKING:
    from .evaluation import Evaluation
    from .trace import Trace

SWEEPS = ("value", "tangent", "adjoint")
MAX_SPREADS = 12  # events listed per sweep along the path, besides its origin and its ends
MAX_TERMS = 12    # an adjoint equation with more terms is summarized


@dataclass(frozen=True)
class Event:
    """One variable's value, tangent or adjoint becoming (or staying) non-finite.

    ``kind`` is ``origin`` (its inputs were finite), ``spreads`` (from ``source``, a parent or,
    for adjoints, a child), or ``absorbed`` (finite although ``source`` is not)."""

    sweep: str
    var: int
    kind: str
    text: str
    short: str
    source: int | None = None
    hint: str = ""


def is_finite(v: Any) -> bool:
    """Whether a number or every entry of an array is finite (None counts as finite)."""
    if isinstance(v, float):  # numbers (np.float64 too): the fast path of long traces
        return math.isfinite(v)
    return v is None or bool(np.all(np.isfinite(v)))


def bad_entry(v: Any) -> tuple[int, ...] | None:
    """The index of the first non-finite entry of an array (None for a number or none)."""
    if np.ndim(v) == 0:
        return None
    bad = np.argwhere(~np.isfinite(np.asarray(v, dtype=float)))
    return tuple(int(x) for x in bad[0]) if len(bad) else None


def entry_at(v: Any, shape: tuple[int, ...], idx: tuple[int, ...] | None) -> Any:
    """``v``'s entry at ``idx`` of an array of ``shape`` (``v`` broadcast to it); ``v`` itself
    for numbers; None when ``v`` does not broadcast to ``shape``."""
    if idx is None or np.ndim(v) == 0:
        return v
    try:
        return np.broadcast_to(v, shape)[idx]
    except ValueError:
        return None


def brief(v: Any) -> str:
    """A number as ``%.6g`` (``inf``, ``nan`` as they are), an array as its shape ``[2×3]``."""
    if v is None:
        return "…"
    if np.ndim(v) > 0:
        return f"[{'×'.join(map(str, np.shape(v)))}]"
    v = float(v)
    return f"{v:.6g}" if math.isfinite(v) else str(v)


def show(v: Any, long: bool = True) -> str:
    """A number, or an array's first non-finite entry: ``-inf at [0, 0] (2 of 2 entries)``."""
    idx = bad_entry(v)
    if idx is None:
        return brief(v)
    a = np.asarray(v, dtype=float)
    where = f"{brief(a[idx])} at {list(idx)}"
    if not long:
        return where
    return f"{where} ({int(np.sum(~np.isfinite(a)))} of {a.size} entries)"


class Walk:
    """One pass per sweep over an evaluation, collecting the :class:`Event` objects.

    The hooks :meth:`origin_hint` and :meth:`spread_hint` say why a value starts or an
    adjoint/tangent turns non-finite; here they say nothing (:mod:`autodiff.extras.explain`
    fills them in)."""

    def __init__(self, ev: Evaluation) -> None:
        self.ev, self.t = ev, ev.trace
        self.pr = RulePrinter(ev.trace)
        self.events: list[Event] = []
        self.notes: list[str] = []
        self.first: dict[str, int | None] = {k: None for k in SWEEPS}

    def origin_hint(self, i: int, values: list[Any]) -> str:
        """Why step ``i``'s value is non-finite although its arguments are finite."""
        return ""

    def spread_hint(self, i: int, sweep: str, values: list[Any]) -> str:
        """Why ``i``'s tangent or adjoint is non-finite."""
        return ""

    def args(self, i: int) -> list[Any]:
        return [self.ev.primals[a] if type(a) is int else a.value for a in self.t.steps[i].args]

    def neighbours(self, i: int, sweep: str) -> list[int]:
        """Where ``i``'s value/tangent comes from (its parents) or its adjoint (its children)."""
        if sweep == "adjoint":
            return sorted({k for k, _ in self.t.children(i)}, reverse=True)
        return list(dict.fromkeys(a for a in self.t.steps[i].args if type(a) is int))

    def path(self, end: int, bad: list[bool], sweep: str) -> list[int]:
        """From ``end`` back to an origin, always through the first bad neighbour."""
        path, i = [end], end
        while nxt := [k for k in self.neighbours(i, sweep) if bad[k]]:
            i = nxt[0]
            path.append(i)
        return path

    def with_args(self, i: int) -> str:
        """`` with v3 = 0``: the arguments' values (at the result's first bad entry)."""
        p = self.ev.primals
        shape, idx = np.shape(p[i]), bad_entry(p[i])
        vals = [f"{self.t.steps[a].var} = {brief(entry_at(p[a], shape, idx))}"
                for a in self.neighbours(i, "value")]
        at = "" if idx is None else f" at {list(idx)}"
        return f" with {', '.join(vals)}{at}" if vals else ""

    def equation(self, i: int, sweep: str) -> str:
        if sweep == "value":
            return self.pr.primal_equation(i)
        if sweep == "tangent":
            return self.pr.tangent_equation(i, self.ev.direction)
        uses = len(self.t.children(i))
        if uses > MAX_TERMS:  # a variable used everywhere: do not print every term
            return f"{self.pr.name(i, 'adjoint')} = Σ of {uses} contributions, one per use"
        return self.pr.adjoint_equation(i)

    def run(self) -> Walk:
        """Walk the values, then the tangents and the adjoints the evaluation has."""
        ev = self.ev
        if ev.primals is None:
            return self
        self.sweep("value", ev.primals)
        if ev.forward is not None:
            self.sweep("tangent", ev.forward.tangents)
        if ev.reverse is not None:
            self.sweep("adjoint", ev.reverse.adjoints)
        return self

    def sweep(self, sweep: str, values: list[Any]) -> None:
        t = self.t
        bad = [not is_finite(v) for v in values]
        if sweep == "adjoint":
            ends = [i for i in t.inputs.values() if bad[i]]
        else:
            ends = [t.output] if bad[t.output] else []
        on_path = {k for end in ends for k in self.path(end, bad, sweep)}
        kind = {"value": "primal", "tangent": "tangent", "adjoint": "adjoint"}[sweep]
        order = range(len(t)) if sweep != "adjoint" else range(len(t) - 1, -1, -1)
        spreads = skipped = 0
        absorbed = False
        for i in order:
            s = t.steps[i]
            sources = [k for k in self.neighbours(i, sweep) if bad[k]]
            if not bad[i]:
                if sweep == "value" and sources and not absorbed:
                    absorbed = True
                    self.events.append(Event(
                        sweep, i, "absorbed", f"{self.equation(i, sweep)} = {show(values[i])} "
                        f"is finite although {t.steps[sources[0]].var} is not",
                        f"{s.var} is finite", sources[0], "the non-finite value stops here"))
                continue
            if self.first[sweep] is None:
                self.first[sweep] = i
            if sources and i not in on_path:
                continue
            if sources and spreads >= MAX_SPREADS and i not in ends:
                skipped += 1  # a long path: the table lists its start and its end
                continue
            spreads += bool(sources)
            name = self.pr.name(i, kind)
            if sweep == "adjoint" and s.is_input:
                name += f" (∂f/∂{s.input})"
            eq, long, short = self.equation(i, sweep), show(values[i]), show(values[i], False)
            if sweep == "value" and not sources:
                eq += self.with_args(i)
                hint = "" if s.is_input else self.origin_hint(i, values)
                self.events.append(Event(sweep, i, "origin", f"{eq} → {name} = {long}",
                                         f"{eq} → {name} = {short}", None, hint))
                continue
            hint = "" if sweep == "value" else self.spread_hint(i, sweep, values)
            text = f"{eq} = {long}" if sources else f"{eq} → {name} = {long}"
            self.events.append(Event(sweep, i, "spreads" if sources else "origin", text,
                                     f"{name} = {short}", sources[0] if sources else None, hint))
        if skipped:
            self.notes.append(f"{skipped} more variables on the {sweep} path are not listed")


def find_events(ev: Evaluation) -> Walk:
    """The events of every sweep of ``ev`` (``.events``) and the first non-finite variable of
    each (``.first``)."""
    return Walk(ev).run()


def chain(t: Trace, events: list[Event], first: dict[str, int | None]) -> str:
    """The story of the values, then of the adjoints (of the tangents if only they fail):
    ``v4 = log(v3) with v3 = 0 → v4 = -inf → v̄3 = inf → v̄1 (∂f/∂x1) = nan``."""
    parts: list[str] = []
    for sweep in ("value", "adjoint") if first["value"] is not None or \
            first["adjoint"] is not None else ("tangent",):
        told = [e for e in events if e.sweep == sweep and e.kind != "absorbed"]
        if not told:
            continue
        ends = [e for e in told[1:] if (e.var == t.output if sweep != "adjoint"
                                        else t.steps[e.var].is_input)]
        ends = ends or [e for e in told[1:] if e.kind == "origin"]
        parts.append(told[0].short)
        if ends and told.index(ends[0]) > 1:
            parts.append("…")
        parts += [e.short for e in ends]
    return " → ".join(parts)
