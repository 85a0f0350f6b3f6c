"""Reverse mode: a primal sweep forward, then one adjoint sweep backward.

With ``v̄_i = ∂f/∂v_i`` and ``v̄_f = 1`` at the output, the adjoint of each variable gathers
over its children,

    v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j ,

computed here by scatter: walking the trace backwards, each step adds ``v̄_i ∂v_i/∂v_j`` to
the adjoint of each of its parents. One backward sweep gives the whole gradient. The trace is
already in topological order, so the sweep is a loop over ``reversed(trace.steps)``.

The loop, :func:`adjoints_of`, serves numbers and arrays (:func:`reverse_sweep`) and the
recorded nodes of :mod:`autodiff.methods.recorded` alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .broadcast import unbroadcast
from .forward import primal_sweep
from .trace import Trace


@dataclass(frozen=True)
class ReverseSweep:
    """Primal and adjoint values of every variable, for one output."""

    trace: Trace
    primals: list[Any]
    adjoints: list[Any]
    output: int

    @property
    def value(self) -> Any:
        return self.primals[self.output]

    @property
    def gradient(self) -> dict[str, Any]:
        """``∂f/∂x_k`` for every input, by name."""
        return {name: self.adjoints[i] for name, i in self.trace.inputs.items()}


def reverse_sweep(trace: Trace, at: Mapping[str, Any], output: int | None = None,
                  primals: list[Any] | None = None) -> ReverseSweep:
    """Adjoints of every variable for ``output`` (default: the trace's output)."""
    out = trace.output if output is None else output
    primals = primal_sweep(trace, at) if primals is None else primals
    with np.errstate(all="ignore"):
        adjoints = adjoints_of(trace, primals, out, np.ones_like(primals[out])[()])
    zero = np.float64(0.0)
    adjoints = [zero * np.ones_like(p)[()] if a is None else a
                for a, p in zip(adjoints, primals, strict=True)]
    return ReverseSweep(trace, primals, adjoints, out)


def adjoints_of(trace: Trace, primals: list[Any], out: int, seed: Any) -> list[Any]:
    """``v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j`` by scatter, from ``v̄_out = seed`` back.

    An adjoint is None where there is no path to ``out``; an adjoint that is the plain number
    0 (an identity folded by a recorded sweep; numeric sweeps carry numpy values) is skipped
    like None. A contribution that is an array is summed to its parent's shape."""
    adjoints: list[Any] = [None] * len(trace)
    adjoints[out] = seed
    for i in range(out, -1, -1):
        s, v_bar = trace.steps[i], adjoints[i]
        if s.op is None or v_bar is None or (type(v_bar) is float and v_bar == 0):
            continue
        args = [primals[a] if type(a) is int else a.value for a in s.args]
        for a, rule in zip(s.args, s.op.partials, strict=True):
            if type(a) is int:
                contribution = v_bar * rule(*args, primals[i])
                if type(contribution) is np.ndarray:
                    contribution = unbroadcast(contribution, np.shape(primals[a]))
                old = adjoints[a]
                adjoints[a] = contribution if old is None else old + contribution
    return adjoints
