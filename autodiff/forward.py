"""Forward mode: one sweep of primal and tangent values through the trace.

With the tangents ``v̇_i = ∂v_i/∂x_k`` seeded at the inputs (``v̇ = 1`` for ``x_k``, ``0`` for
the others, or any direction vector), each step computes, in trace order,

    v̇_i = Σ_{j ∈ parents(i)} v̇_j ∂v_i/∂v_j

from the same local partials that the reverse sweep and the printed tables use. One sweep
gives the derivative of every output along one direction: n inputs need n sweeps.

The loops :func:`primals_of` and :func:`tangents_of` do not care what a value is (JAX's
interpreter as a loop over equations): numbers and arrays here, the recorded nodes of
:mod:`autodiff.methods.recorded` (which turn the sweep into a trace), or any atom kind a
primitive dispatches on (:func:`autodiff.primitives.register_atom`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError
from .trace import Trace


def primal_sweep(trace: Trace, at: Mapping[str, Any]) -> list[Any]:
    """The value of every variable at the point ``at`` (input name → value), in trace order.

    Non-finite values (``log(-1)``, ``1/0``) are computed as numpy does, nan and inf,
    without warnings; :func:`autodiff.evaluate` reports where they start.
    """
    point = trace.bind(at)
    with np.errstate(all="ignore"):
        return primals_of(trace, point)


def primals_of(trace: Trace, inputs: Mapping[str, Any], numeric: bool = True) -> list[Any]:
    """``v_i = op(v_j, …)`` in trace order, from the inputs' atoms (input name → atom).

    ``numeric`` calls each primitive's numpy implementation directly (numbers, arrays);
    otherwise the primitive itself, which dispatches on its atoms (recorded nodes, terms)."""
    values: list[Any] = [None] * len(trace)
    for i, s in enumerate(trace.steps):
        if s.op is None:
            values[i] = inputs[s.input]
        else:
            values[i] = (s.op.impl if numeric else s.op)(
                *[values[a] if type(a) is int else a.value for a in s.args])
    return values


def tangents_of(trace: Trace, primals: list[Any], seeds: Mapping[str, Any]) -> list[Any]:
    """``v̇_i = Σ_{j ∈ parents(i)} v̇_j ∂v_i/∂v_j`` in trace order, from the inputs' tangents
    ``seeds`` (input name → atom) and the primal atoms of :func:`primals_of`."""
    tangents: list[Any] = [None] * len(trace)
    for i, s in enumerate(trace.steps):
        if s.op is None:
            tangents[i] = seeds[s.input]
            continue
        args = [primals[a] if type(a) is int else a.value for a in s.args]
        total: Any = 0.0
        for a, rule in zip(s.args, s.op.partials, strict=True):
            if type(a) is int:
                total = total + tangents[a] * rule(*args, primals[i])
        tangents[i] = total
    return tangents


def direction_of(trace: Trace, wrt: str | Mapping[str, float] | None) -> dict[str, float]:
    """The seed ``ẋ``: an input name (its unit vector) or a direction ``{name: value}``.

    The default is the first input, as on the slides (``v̇1 = 1, v̇2 = 0``)."""
    names = list(trace.inputs)
    if wrt is None:
        wrt = names[0] if names else {}
    if isinstance(wrt, str):
        if wrt not in trace.inputs:
            raise InputError(f"--wrt {wrt}: not an input of this trace (its inputs: "
                             f"{', '.join(names) or 'none'})")
        return {n: float(n == wrt) for n in names}
    unknown = [n for n in wrt if n not in trace.inputs]
    if unknown:
        raise InputError(f"--wrt: {', '.join(unknown)} not an input of this trace (its inputs: "
                         f"{', '.join(names)})")
    return {n: float(wrt.get(n, 0.0)) for n in names}


@dataclass(frozen=True)
class ForwardSweep:
    """Primal and tangent values of every variable, for one seed direction."""

    trace: Trace
    primals: list[Any]
    tangents: list[Any]
    direction: dict[str, float]

    @property
    def derivative(self) -> Any:
        """The directional derivative of the (first) output, ``ḟ = ∇f · ẋ``."""
        return self.tangents[self.trace.output]


def forward_sweep(trace: Trace, at: Mapping[str, Any],
                  wrt: str | Mapping[str, float] | None = None,
                  primals: list[Any] | None = None) -> ForwardSweep:
    """Primal and tangent sweep; ``wrt`` is an input name or a direction vector.

    ``primals``, when given, are the values of a primal sweep already done at ``at``."""
    direction = direction_of(trace, wrt)
    primals = primal_sweep(trace, at) if primals is None else primals
    seeds = {name: np.float64(direction[name]) * np.ones_like(primals[i])[()]
             for name, i in trace.inputs.items()}
    with np.errstate(all="ignore"):
        tangents = tangents_of(trace, primals, seeds)
    return ForwardSweep(trace, primals, tangents, direction)
