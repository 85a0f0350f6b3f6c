"""Jacobians of programs with several outputs, Hessians, and the kind of a stationary point.

For ``f: ℝⁿ → ℝᵐ`` (a program ending in ``return f1, f2``), the Jacobian ``J_ij = ∂f_i/∂x_j``

* by **forward mode**: one tangent sweep per input ``x_j`` gives column ``j`` — n sweeps;
* by **reverse mode**: one adjoint sweep per output ``f_i`` gives row ``i`` — m sweeps.

So forward mode wins when n < m and reverse mode when m < n, as the lecture says: a loss
(m = 1) of many weights (n large) is reverse mode's case. The operation counts below are the
lengths of the recorded sweeps (:mod:`autodiff.methods.recorded`).

The Hessian ``H_jk = ∂²f/∂x_j∂x_k`` is computed **forward-over-reverse**: the adjoint sweep
recorded as a trace computes ``∇f``; n forward sweeps through that trace give H column by
column. At a stationary point (``∇f = 0``) the eigenvalues of H classify it, as on the
lecture's slide: all positive (H positive definite) → minimum, all negative → maximum, both
signs → saddle point, a zero eigenvalue → degenerate (the test says nothing).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..forward import forward_sweep, primal_sweep
from ..reverse import reverse_sweep
from ..trace import Trace
from .recorded import gradient_trace, operations, sweep_operations

GRADIENT_TOL = 1e-8


@dataclass
class Mode:
    """One way to get the Jacobian: its matrix, number of sweeps and elementary operations."""

    name: str
    matrix: np.ndarray
    sweeps: int
    operations: int
    seconds: float


@dataclass
class Jacobian:
    trace: Trace
    at: dict[str, float]
    outputs: list[str]
    inputs: list[str]
    value: list[float]
    forward: Mode
    reverse: Mode

    @property
    def primal_operations(self) -> int:
        return operations(self.trace)


def jacobian(trace: Trace, at: Mapping[str, float]) -> Jacobian:
    """``J = ∂f/∂x`` at ``at`` by forward mode (n sweeps) and by reverse mode (m sweeps)."""
    point = {k: float(v) for k, v in trace.bind(at).items()}
    inputs, outs = list(trace.inputs), list(trace.outputs)
    primals = primal_sweep(trace, point)
    start = time.perf_counter()
    fwd = np.zeros((len(outs), len(inputs)))
    for j, name in enumerate(inputs):
        sweep = forward_sweep(trace, point, name, primals)
        fwd[:, j] = [float(sweep.tangents[o]) for o in outs]
    t_fwd = time.perf_counter() - start
    start = time.perf_counter()
    rev = np.zeros((len(outs), len(inputs)))
    for i, o in enumerate(outs):
        g = reverse_sweep(trace, point, o, primals).gradient
        rev[i, :] = [float(g[n]) for n in inputs]
    t_rev = time.perf_counter() - start
    primal = operations(trace)
    ops_fwd = primal + sum(sweep_operations(trace, "forward", n) for n in inputs)
    ops_rev = primal + sum(sweep_operations(trace, "reverse", o) for o in outs)
    return Jacobian(trace, point, [trace.steps[o].var for o in outs], inputs,
                    [float(primals[o]) for o in outs],
                    Mode("forward", fwd, len(inputs), ops_fwd, t_fwd),
                    Mode("reverse", rev, len(outs), ops_rev, t_rev))


@dataclass
class Hessian:
    trace: Trace
    at: dict[str, float]
    inputs: list[str]
    value: float
    gradient: np.ndarray
    matrix: np.ndarray
    eigenvalues: np.ndarray
    gradient_trace: Trace

    @property
    def stationary(self) -> bool:
        return bool(np.max(np.abs(self.gradient), initial=0.0) <= GRADIENT_TOL)

    @property
    def curvature(self) -> str:
        """What the eigenvalues of H say: positive definite, negative definite, indefinite,
        or semidefinite (a zero eigenvalue)."""
        ev, tol = self.eigenvalues, 1e-10 * max(1.0, float(np.max(np.abs(self.eigenvalues))))
        if np.all(ev > tol):
            return "positive definite"
        if np.all(ev < -tol):
            return "negative definite"
        if np.any(ev > tol) and np.any(ev < -tol):
            return "indefinite"
        return "semidefinite"

    @property
    def classification(self) -> str:
        """minimum, maximum, saddle point, degenerate, or not a stationary point."""
        if not self.stationary:
            return "not a stationary point"
        return {"positive definite": "minimum", "negative definite": "maximum",
                "indefinite": "saddle point"}.get(self.curvature, "degenerate")


def hessian(trace: Trace, at: Mapping[str, float]) -> Hessian:
    """``H = ∂²f/∂x²`` at ``at``, forward-over-reverse: n tangent sweeps through the recorded
    adjoint sweep. ``f`` must have one output."""
    if len(trace.outputs) != 1:
        raise InputError(f"the Hessian needs a scalar function, and this program has "
                         f"{len(trace.outputs)} outputs; use `autodiff jacobian` for it")
    point = {k: float(v) for k, v in trace.bind(at).items()}
    g = gradient_trace(trace)
    inputs = list(trace.inputs)
    primals = primal_sweep(g, point)
    h = np.zeros((len(inputs), len(inputs)))
    for k, name in enumerate(inputs):
        sweep = forward_sweep(g, point, name, primals)
        h[:, k] = [float(sweep.tangents[o]) for o in g.outputs]
    grad = np.array([float(primals[o]) for o in g.outputs])
    value = float(primal_sweep(trace, point)[trace.output])
    ev = np.linalg.eigvalsh((h + h.T) / 2) if np.all(np.isfinite(h)) else np.full(len(h), np.nan)
    return Hessian(trace, point, inputs, value, grad, h, ev, g)
