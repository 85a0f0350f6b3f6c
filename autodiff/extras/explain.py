"""Failures explained: where a nan or inf starts in a trace, and how it spreads.

A non-finite value has an **origin**, a variable that is nan or ±inf although everything it
is computed from is finite, and then **spreads** along the trace:

* values (forward): ``v_i`` is non-finite when one of its parents is (``-inf + 1 = -inf``);
  its origin is a step evaluated outside its domain or past the float range, e.g.
  ``v4 = log(v3)`` with ``v3 = 0``;
* tangents (forward): ``v̇_i = Σ_j v̇_j ∂v_i/∂v_j`` is non-finite when a tangent or a local
  partial is (``sqrt'(0) = 1/(2·0) = inf``), or when ``0·inf`` appears;
* adjoints (reverse): ``v̄_j = Σ_i v̄_i ∂v_i/∂v_j`` starts to be non-finite at a variable whose
  children's adjoints are all finite, so the culprit is a local partial: either infinite, or
  infinite times an adjoint of 0: **the branch not taken** (``where``, ``relu``,
  ``heaviside`` give a branch the weight 0, but ``0·inf = nan``). That is how a gradient can be
  nan although every value is finite.

:func:`explain` returns an :class:`Explanation`: the events of each sweep in order, and the
story in one line, ``v4 = log(v3) with v3 = 0 → v4 = -inf → … → v̄1 (∂f/∂x1) = nan``. It works on
any :class:`~autodiff.Evaluation`, also one of a tensor computation
(:func:`autodiff.autograd.tensor_evaluation`), which names the operation of a model's loss that
first became non-finite (:func:`explain_loss`).

>>> ex = explain("log(x1*x2) + x1", at={"x1": 2, "x2": 0})
>>> ex.first["value"], ex.first["adjoint"]   # v4 = log(v3) and v̄3 = v̄4/v3
(3, 2)
>>> ex.chain  # doctest: +ELLIPSIS
'v4 = log(v3) with v3 = 0 → v4 = -inf → v5 = -inf → v̄3 = inf → ... → v̄1 (∂f/∂x1) = nan'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..evaluation import Evaluation, evaluate
from ..primitives import REGISTRY
from ..rules import RulePrinter
from ..term import render
from ..trace import Trace

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


@dataclass(frozen=True)
class Explanation:
    """The events of each sweep, the first non-finite variable of each, and the one-line story."""

    evaluation: Evaluation
    events: list[Event]
    first: dict[str, int | None]
    notes: list[str] = field(default_factory=list)

    @property
    def finite(self) -> bool:
        return not self.events

    @property
    def chain(self) -> str:
        """The story of the values, then of the adjoints (of the tangents if only they fail):
        ``v4 = log(v3) with v3 = 0 → v4 = -inf → v̄3 = inf → v̄1 (∂f/∂x1) = nan``."""
        t = self.evaluation.trace
        parts: list[str] = []
        for sweep in ("value", "adjoint") if self.first["value"] is not None or \
                self.first["adjoint"] is not None else ("tangent",):
            events = [e for e in self.events if e.sweep == sweep and e.kind != "absorbed"]
            if not events:
                continue
            ends = [e for e in events[1:] if (e.var == t.output if sweep != "adjoint"
                                              else t.steps[e.var].is_input)]
            ends = ends or [e for e in events[1:] if e.kind == "origin"]
            parts.append(events[0].short)
            if ends and events.index(ends[0]) > 1:
                parts.append("…")
            parts += [e.short for e in ends]
        return " → ".join(parts)

    def to_json(self) -> dict[str, Any]:
        t = self.evaluation.trace
        return {"finite": self.finite, "chain": self.chain,
                "first": {k: None if v is None else t.steps[v].var for k, v in self.first.items()},
                "events": [{"sweep": e.sweep, "var": t.steps[e.var].var, "kind": e.kind,
                            "text": e.text, "hint": e.hint,
                            "from": None if e.source is None else t.steps[e.source].var}
                           for e in self.events],
                "notes": self.notes}

    def render(self, fmt: str = "table") -> str:
        from ..render.grid import Grid, dump_json, render_grids

        if fmt == "json":
            return dump_json(self.to_json())
        t = self.evaluation.trace
        if self.finite:
            return render_grids([Grid("Every value, tangent and adjoint is finite",
                                      ["sweep", "result"], [["all", "finite"]])], fmt)
        rows = [[e.sweep, t.steps[e.var].var, e.kind, e.text, e.hint] for e in self.events]
        notes = [f"In one line: {self.chain}"] + self.notes
        return render_grids([Grid("Where the non-finite values start and how they spread",
                                  ["sweep", "variable", "event", "what happens", "why"],
                                  rows, notes)], fmt)

    def __str__(self) -> str:
        return self.render("table")


def _finite(v: Any) -> bool:
    if isinstance(v, float):  # numbers (np.float64 too): the fast path of long traces
        return math.isfinite(v)
    return v is None or bool(np.all(np.isfinite(v)))


def _bad_entry(v: Any) -> tuple[int, ...] | None:
    """The index of the first non-finite entry of an array (None for a number or none)."""
    if np.ndim(v) == 0:
        return None
    bad = np.argwhere(~np.isfinite(np.asarray(v, dtype=float)))
    return tuple(int(x) for x in bad[0]) if len(bad) else None


def _entry(v: Any, shape: tuple[int, ...], idx: tuple[int, ...] | None) -> Any:
    """``v``'s entry at ``idx`` of an array of ``shape`` (``v`` broadcast to it); ``v`` itself
    for numbers; None when ``v`` does not broadcast to ``shape``."""
    if idx is None or np.ndim(v) == 0:
        return v
    try:
        return np.broadcast_to(v, shape)[idx]
    except ValueError:
        return None


def _num(v: Any) -> str:
    if v is None:
        return "…"
    if np.ndim(v) > 0:
        return f"[{'×'.join(map(str, np.shape(v)))}]"
    v = float(v)
    return f"{v:.6g}" if math.isfinite(v) else str(v)


def _show(v: Any, long: bool = True) -> str:
    """A number, or an array's first non-finite entry: ``-inf at [0, 0] (2 of 2 entries)``."""
    idx = _bad_entry(v)
    if idx is None:
        return _num(v)
    a = np.asarray(v, dtype=float)
    where = f"{_num(a[idx])} at {list(idx)}"
    if not long:
        return where
    return f"{where} ({int(np.sum(~np.isfinite(a)))} of {a.size} entries)"


def _registered(op: Any) -> bool:
    """Elementwise registry primitives: their rules can be evaluated on the values."""
    return op is not None and REGISTRY.get(op.name) is op


def _hint(op_name: str, args: list[Any], value: Any) -> str:
    """The usual cause of a non-finite result of ``op_name``, from its arguments."""
    first = np.asarray(args[0]) if args else np.asarray(0.0)
    with np.errstate(all="ignore"):
        if op_name in ("log", "sqrt") and np.any(first < 0):
            return f"{op_name} of a negative number is nan"
        if op_name == "log" and np.any(first == 0):
            return "log(0) = -inf"
        if op_name == "log1p" and np.any(first <= -1):
            return "log1p(x) needs x > -1"
        if op_name == "div" and np.any(np.asarray(args[1]) == 0):
            return "division by zero"
        if op_name in ("exp", "expm1", "sinh", "cosh", "pow", "softplus") and \
                np.any(np.isinf(value)):
            return "overflow: the result passes 1.8e308 (exp(x) does for x > 709.8)"
        if op_name in ("asin", "acos") and np.any(np.abs(first) > 1):
            return f"{op_name} needs |x| ≤ 1"
    if any(not _finite(a) for a in args):
        return ""
    return "outside the domain of " + op_name if np.any(np.isnan(value)) else "a pole"


class _Explainer:
    """One pass per sweep over an evaluation, collecting the :class:`Event` objects."""

    def __init__(self, ev: Evaluation) -> None:
        self.ev, self.t = ev, ev.trace
        self.pr = RulePrinter(ev.trace)
        self.events: list[Event] = []
        self.notes: list[str] = []
        self.first: dict[str, int | None] = {k: None for k in SWEEPS}

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
        shape, idx = np.shape(p[i]), _bad_entry(p[i])
        vals = [f"{self.t.steps[a].var} = {_num(_entry(p[a], shape, idx))}"
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

    def sweep(self, sweep: str, values: list[Any]) -> None:
        t = self.t
        bad = [not _finite(v) for v in values]
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
                        sweep, i, "absorbed", f"{self.equation(i, sweep)} = {_show(values[i])} "
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
            eq, shown, brief = self.equation(i, sweep), _show(values[i]), _show(values[i], False)
            if sweep == "value" and not sources:
                eq += self.with_args(i)
                hint = "" if s.is_input else _hint(s.op.name, self.args(i), values[i])
                self.events.append(Event(sweep, i, "origin", f"{eq} → {name} = {shown}",
                                         f"{eq} → {name} = {brief}", None, hint))
                continue
            hint = "" if sweep == "value" else self.local_cause(i, sweep, values)
            text = f"{eq} = {shown}" if sources else f"{eq} → {name} = {shown}"
            self.events.append(Event(sweep, i, "spreads" if sources else "origin", text,
                                     f"{name} = {brief}", sources[0] if sources else None, hint))
        if skipped:
            self.notes.append(f"{skipped} more variables on the {sweep} path are not listed")

    def local_cause(self, i: int, sweep: str, values: list[Any]) -> str:
        """Name the first non-finite term ``d·∂`` of ``i``'s sum: an infinite partial, inf·0,
        or 0·inf (the branch not taken, when f itself is finite)."""
        t, p, forward = self.t, self.ev.primals, sweep == "tangent"
        s = t.steps[i]
        if forward:  # (the other end, the step whose partial it is, the argument position)
            terms = [] if s.is_input or not _registered(s.op) else \
                [(a, i, pos) for pos, a in enumerate(s.args) if type(a) is int]
        else:
            terms = [(k, k, pos) for k, pos in t.children(i) if _registered(t.steps[k].op)]
        for other, step, pos in terms:
            s = t.steps[step]
            with np.errstate(all="ignore"):
                partial = s.op.partials[pos](*self.args(step), p[step])
                product = values[other] * partial
            if _finite(product):
                continue
            idx = _bad_entry(product)
            d = _entry(values[other], np.shape(product), idx)
            partial = _entry(partial, np.shape(product), idx)
            if d is None or partial is None:
                return ""
            mark = self.pr.name(other, "tangent" if forward else "adjoint")
            rule = render(s.op.partials[pos](*t.arg_terms(s), t.term(step)), "text")
            msg = f"∂{s.var}/∂{t.steps[s.args[pos]].var} = {rule}"
            msg += f" = {_num(partial)}" if rule != _num(partial) else ""
            msg += "" if idx is None else f" at {list(idx)}"
            if np.isfinite(d) and d == 0 and np.isinf(partial):
                msg += f" times {mark} = 0: 0·inf = nan"
                if _finite(self.ev.value):
                    msg += ": the branch not taken (weight 0 in f) has an infinite partial"
                    self.notes.append(
                        "The gradient is not finite although f is: the branch not taken still "
                        "produced inf·0 = nan. Give that branch a safe input instead "
                        "(log(where(x > 0, x, 1)) rather than where(x > 0, log(x), 0)).")
                return msg
            if not np.isfinite(d):
                return f"{mark} = {_num(d)} times {msg}: inf·0 = nan" \
                    if np.isinf(d) and partial == 0 else ""
            return f"{msg}: the local partial is not finite"
        return ""


def explain(source: str | Trace | Evaluation, at: Mapping[str, Any] | None = None,
            wrt: str | Mapping[str, float] | None = None) -> Explanation:
    """Where the values, tangents and adjoints of ``source`` at ``at`` stop being finite.

    Args:
        source: an expression, a trace program, a trace, or an evaluation already done.
        at: the point (not needed with an evaluation).
        wrt: the input the tangents are taken for (default: the first).
    """
    ev = source if isinstance(source, Evaluation) else evaluate(source, at, wrt)
    x = _Explainer(ev)
    if ev.primals is None:
        return Explanation(ev, [], x.first)
    x.sweep("value", ev.primals)
    if ev.forward is not None:
        x.sweep("tangent", ev.forward.tangents)
    if ev.reverse is not None:
        x.sweep("adjoint", ev.reverse.adjoints)
    return Explanation(ev, x.events, x.first, list(dict.fromkeys(x.notes)))


def explain_loss(loss: Any, names: Mapping[str, Any] | None = None) -> Explanation:
    """:func:`explain` for a tensor computation (a model's loss): its tape as a trace, with
    the values and the adjoints of one reverse sweep; ``names`` names the tensors it used."""
    from ..autograd import tensor_evaluation

    with np.errstate(all="ignore"):
        return explain(tensor_evaluation(loss, names))
