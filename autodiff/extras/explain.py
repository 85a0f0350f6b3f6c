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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..evaluation import Evaluation, evaluate
from ..nonfinite import Event, Walk, bad_entry, brief, chain, entry_at, is_finite
from ..primitives import REGISTRY
from ..term import render
from ..trace import Trace

__all__ = ["Event", "Explanation", "explain", "explain_loss"]

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
        return chain(self.evaluation.trace, self.events, self.first)

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


def _registered(op: Any) -> bool:
    """Elementwise registry primitives: their rules can be evaluated on the values."""
    return op is not None and REGISTRY.get(op.name) is op


def _first(args: list[Any]) -> np.ndarray:
    return np.asarray(args[0]) if args else np.asarray(0.0)


# The usual causes of a non-finite result, per primitive: (names, test on the arguments and the
# value, message with {op}). The first row that holds names the cause; a new primitive with a
# domain adds its row here.
HINTS: list[tuple[tuple[str, ...], Callable[[list[Any], Any], Any], str]] = [
    (("log", "sqrt", "log2", "log10", "rsqrt"), lambda args, v: np.any(_first(args) < 0),
     "{op} of a negative number is nan"),
    (("log", "log2", "log10"), lambda args, v: np.any(_first(args) == 0), "{op}(0) = -inf"),
    (("rsqrt", "reciprocal"), lambda args, v: np.any(_first(args) == 0), "{op}(0) = inf"),
    (("acosh",), lambda args, v: np.any(_first(args) < 1), "acosh(x) needs x ≥ 1"),
    (("atanh",), lambda args, v: np.any(np.abs(_first(args)) >= 1),
     "atanh(x) needs |x| < 1 (±inf at ±1)"),
    (("mod",), lambda args, v: np.any(np.asarray(args[1]) == 0), "mod(x, 0) is nan"),
    (("log1p",), lambda args, v: np.any(_first(args) <= -1), "log1p(x) needs x > -1"),
    (("div",), lambda args, v: np.any(np.asarray(args[1]) == 0), "division by zero"),
    (("exp", "expm1", "exp2", "sinh", "cosh", "pow", "softplus", "square"),
     lambda args, v: np.any(np.isinf(v)),
     "overflow: the result passes 1.8e308 (exp(x) does for x > 709.8)"),
    (("asin", "acos"), lambda args, v: np.any(np.abs(_first(args)) > 1), "{op} needs |x| ≤ 1"),
]


def _hint(op_name: str, args: list[Any], value: Any) -> str:
    """The usual cause of a non-finite result of ``op_name``, from its arguments (:data:`HINTS`);
    else a pole or a point outside the domain."""
    with np.errstate(all="ignore"):
        for names, holds, message in HINTS:
            if op_name in names and holds(args, value):
                return message.format(op=op_name)
    if any(not is_finite(a) for a in args):
        return ""
    return "outside the domain of " + op_name if np.any(np.isnan(value)) else "a pole"


class _Explainer(Walk):
    """The walk of :mod:`autodiff.nonfinite`, with the causes: the usual reason for an origin
    (:func:`_hint`) and the first non-finite term of a tangent's or adjoint's sum."""

    def origin_hint(self, i: int, values: list[Any]) -> str:
        return _hint(self.t.steps[i].op.name, self.args(i), values[i])

    def spread_hint(self, i: int, sweep: str, values: list[Any]) -> str:
        return self.local_cause(i, sweep, values)

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
            if is_finite(product):
                continue
            idx = bad_entry(product)
            d = entry_at(values[other], np.shape(product), idx)
            partial = entry_at(partial, np.shape(product), idx)
            if d is None or partial is None:
                return ""
            mark = self.pr.name(other, "tangent" if forward else "adjoint")
            rule = render(s.op.partials[pos](*t.arg_terms(s), t.term(step)), "text")
            msg = f"∂{s.var}/∂{t.steps[s.args[pos]].var} = {rule}"
            msg += f" = {brief(partial)}" if rule != brief(partial) else ""
            msg += "" if idx is None else f" at {list(idx)}"
            if np.isfinite(d) and d == 0 and np.isinf(partial):
                msg += f" times {mark} = 0: 0·inf = nan"
                if is_finite(self.ev.value):
                    msg += ": the branch not taken (weight 0 in f) has an infinite partial"
                    self.notes.append(
                        "The gradient is not finite although f is: the branch not taken still "
                        "produced inf·0 = nan. Give that branch a safe input instead "
                        "(log(where(x > 0, x, 1)) rather than where(x > 0, log(x), 0)).")
                return msg
            if not np.isfinite(d):
                return f"{mark} = {brief(d)} times {msg}: inf·0 = nan" \
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
    x = _Explainer(ev).run()
    return Explanation(ev, x.events, x.first, list(dict.fromkeys(x.notes)))


def explain_loss(loss: Any, names: Mapping[str, Any] | None = None) -> Explanation:
    """:func:`explain` for a tensor computation (a model's loss): its tape as a trace, with
    the values and the adjoints of one reverse sweep; ``names`` names the tensors it used."""
    from ..autograd import tensor_evaluation

    with np.errstate(all="ignore"):
        return explain(tensor_evaluation(loss, names))
