"""Numerical differentiation: finite differences and the complex step, and their step-size study.

For an input ``x_k``, a step ``h > 0`` and ``e_k`` its unit vector, ``∂f/∂x_k`` is about

* forward difference  ``(f(x + h e_k) − f(x)) / h``            error O(h),  n+1 evaluations
* backward difference ``(f(x) − f(x − h e_k)) / h``            error O(h),  n+1 evaluations
* central difference  ``(f(x + h e_k) − f(x − h e_k)) / (2h)`` error O(h²), 2n evaluations
* complex step        ``Im f(x + i h e_k) / h``                error O(h²), n evaluations

The truncation error falls with ``h``; the round-off error of a difference grows like
``ε·|f|/h`` (``ε`` = 2.2e-16), so each difference has a best step: about ``√ε·max(1, |x|)`` for
the one-sided ones and ``∛ε·max(1, |x|)`` for the central one (the defaults below). The complex
step subtracts nothing, has no round-off error, and takes ``h = 1e-20``. It needs every
primitive to be analytic: a trace using one with kinks (``abs``, ``relu``, ``sign``,
``heaviside``) makes it *not applicable* rather than wrong.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from ..forward import primal_sweep
from ..trace import Trace

EPS = float(np.finfo(np.float64).eps)
METHODS = ("forward_difference", "backward_difference", "central_difference", "complex_step")
STUDY_STEPS = tuple(10.0 ** -k for k in range(1, 17))  # 1e-1 … 1e-16


def default_step(method: str, x: float) -> float:
    """The step that balances truncation and round-off error for ``method`` at ``x``."""
    scale = max(1.0, abs(x))
    if method == "complex_step":
        return 1e-20
    if method == "central_difference":
        return EPS ** (1 / 3) * scale
    return math.sqrt(EPS) * scale


def check_step(h: float | None) -> None:
    if h is not None and not (h > 0 and math.isfinite(h)):
        raise InputError(f"--h {h}: the step must be a positive number, e.g. --h 1e-6")


def not_analytic(trace: Trace) -> list[str]:
    """The primitives of ``trace`` that have kinks (and so no complex extension)."""
    return sorted({s.op.name for s in trace.steps if s.op is not None and s.op.kinks})


def evaluator(trace: Trace, output: int | None = None) -> Callable[[Mapping[str, Any]], Any]:
    """``f(point)``: one primal sweep, real or complex, returning the output's value."""
    out = trace.output if output is None else output

    def f(point: Mapping[str, Any]) -> Any:
        if any(np.iscomplexobj(v) for v in point.values()):
            return _complex_sweep(trace, point)[out]
        return primal_sweep(trace, point)[out]

    return f


def _complex_sweep(trace: Trace, point: Mapping[str, Any]) -> list[Any]:
    values: list[Any] = [None] * len(trace)
    with np.errstate(all="ignore"):
        for i, s in enumerate(trace.steps):
            if s.op is None:
                values[i] = np.complex128(point[s.input])
            else:
                values[i] = s.op.impl(*[values[a] if type(a) is int else a.value
                                        for a in s.args])
    return values


@dataclass
class Numerical:
    """A gradient by one numerical method: its value, steps and cost."""

    method: str
    gradient: dict[str, float] | None
    steps: dict[str, float]
    evaluations: int
    seconds: float
    note: str = ""

    @property
    def applicable(self) -> bool:
        return self.gradient is not None


def gradient(trace: Trace, at: Mapping[str, float], method: str = "central_difference",
             h: float | None = None, output: int | None = None) -> Numerical:
    """``∇f`` at ``at`` by ``method`` (see the module's formulas), with step ``h`` (default:
    :func:`default_step` per input)."""
    if method not in METHODS:
        raise InputError(f"unknown method {method!r} (choose from {', '.join(METHODS)})")
    check_step(h)
    point = {k: float(v) for k, v in trace.bind(at).items()}
    f = evaluator(trace, output)
    steps = {k: h if h is not None else default_step(method, x) for k, x in point.items()}
    if method == "complex_step" and not_analytic(trace):
        kinks = ", ".join(not_analytic(trace))
        return Numerical(method, None, steps, 0, 0.0,
                         f"not applicable: {kinks} is not analytic")
    start = time.perf_counter()
    grad: dict[str, float] = {}
    evaluations = 0
    f0 = None
    if method in ("forward_difference", "backward_difference"):
        f0 = float(f(point))
        evaluations += 1
    for k, x in point.items():
        hk = steps[k]

        def at_(v, k=k):
            return {**point, k: v}

        if method == "forward_difference":
            grad[k] = (float(f(at_(x + hk))) - f0) / hk
            evaluations += 1
        elif method == "backward_difference":
            grad[k] = (f0 - float(f(at_(x - hk)))) / hk
            evaluations += 1
        elif method == "central_difference":
            grad[k] = (float(f(at_(x + hk))) - float(f(at_(x - hk)))) / (2 * hk)
            evaluations += 2
        else:
            grad[k] = float(np.imag(f(at_(complex(x, hk))))) / hk
            evaluations += 1
    return Numerical(method, grad, steps, evaluations, time.perf_counter() - start)


@dataclass
class StepStudy:
    """The error of each method against reverse mode over a range of steps ``h``.

    ``errors[method][i]`` is ``max_k |g_k(h_i) − ∂f/∂x_k| / max(1, |∂f/∂x_k|)`` (the
    largest relative error over the inputs, absolute where the derivative is below 1)."""

    steps: tuple[float, ...]
    errors: dict[str, list[float | None]]
    reference: dict[str, float]
    notes: dict[str, str] = field(default_factory=dict)

    def best(self, method: str) -> tuple[float, float] | None:
        """The step with the smallest error, and that error."""
        pairs = [(e, h) for h, e in zip(self.steps, self.errors[method], strict=True)
                 if e is not None and math.isfinite(e)]
        if not pairs:
            return None
        e, h = min(pairs)
        return h, e


def step_study(trace: Trace, at: Mapping[str, float],
               steps: tuple[float, ...] = STUDY_STEPS,
               methods: tuple[str, ...] = METHODS) -> StepStudy:
    """The step-size study: every method at every step, against the reverse-mode gradient."""
    from ..reverse import reverse_sweep

    reference = {k: float(v) for k, v in reverse_sweep(trace, at).gradient.items()}
    errors: dict[str, list[float | None]] = {}
    notes: dict[str, str] = {}
    for m in methods:
        row: list[float | None] = []
        for h in steps:
            r = gradient(trace, at, m, h)
            if r.gradient is None:
                notes[m] = r.note
                row.append(None)
                continue
            row.append(max(abs(r.gradient[k] - g) / max(1.0, abs(g))
                           for k, g in reference.items()))
        errors[m] = row
    return StepStudy(tuple(steps), errors, reference, notes)
