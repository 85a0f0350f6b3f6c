"""Check your own derivatives: ``check_grads`` as in autograd and JAX.

For a function ``f`` of tensors and a point ``x``, with random directions ``v`` (one per
argument) and a random cotangent ``u`` (shaped like ``f(x)``):

* forward mode (``"fwd"``): the tangent ``J v`` of :func:`autodiff.jvp` equals the central
  difference ``(f(x + εv) − f(x − εv)) / 2ε``;
* reverse mode (``"rev"``): the cotangent ``uᵀ J`` of :func:`autodiff.vjp` passes the
  dot-product test ``⟨uᵀ J, v⟩ = ⟨u, (f(x + εv) − f(x − εv)) / 2ε⟩``.

With ``order=2`` the same checks run on the derivatives themselves (``x ↦ J v`` and
``x ↦ ⟨uᵀ J, w⟩``), which tests the rules' own derivatives (forward over forward, reverse
over reverse).

>>> import autodiff
>>> from autodiff.testing import check_grads
>>> check_grads(lambda x: (x.sin() * x).sum(), [0.5, 1.5], order=2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .autograd import Tensor, jvp, no_grad, vjp


def _value(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x, dtype=np.float64)


def _central(f: Callable, xs: Sequence[np.ndarray], vs: Sequence[np.ndarray],
             eps: float) -> np.ndarray:
    with no_grad():
        up = f(*[Tensor(x + eps * v) for x, v in zip(xs, vs, strict=True)])
        down = f(*[Tensor(x - eps * v) for x, v in zip(xs, vs, strict=True)])
    return (_value(up) - _value(down)) / (2 * eps)


def _close(what: str, got: Any, want: Any, rtol: float, atol: float) -> None:
    got, want = _value(got), _value(want)
    if got.shape != want.shape:
        raise AssertionError(f"check_grads ({what}): shape {got.shape}, expected {want.shape}")
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        raise AssertionError(f"check_grads ({what}): got {got}, expected {want} "
                             f"(largest difference {np.max(np.abs(got - want)):.3g})")


def check_grads(f: Callable[..., Tensor], *args: Any, modes: Sequence[str] = ("fwd", "rev"),
                order: int = 1, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-6,
                seed: int = 0) -> None:
    """Raise ``AssertionError`` unless ``f``'s derivatives at ``args`` match central
    differences, in the ``modes`` asked for (``"fwd"``, ``"rev"``), up to ``order``.

    Args:
        f: a function of tensors returning a tensor.
        args: the point: numbers, lists, arrays or tensors (checked in float64).
        modes: ``"fwd"`` (jvp) and/or ``"rev"`` (vjp, dot-product test).
        order: 1 checks first derivatives; 2 also the derivatives of the derivatives.
        eps: the step of the central differences.
    """
    unknown = set(modes) - {"fwd", "rev"}
    if unknown:
        raise ValueError(f"check_grads: unknown modes {sorted(unknown)}; use 'fwd' and 'rev'")
    rng = np.random.default_rng(seed)
    xs = [_value(a) for a in args]
    vs = [rng.normal(size=x.shape) for x in xs]
    fd = _central(f, xs, vs, eps)
    if "fwd" in modes:
        _, tangent = jvp(f, xs, vs)
        _close("forward mode: jvp against central differences", tangent, fd, rtol, atol)
    if "rev" in modes:
        _, pullback = vjp(f, *xs)
        u = rng.normal(size=fd.shape)
        cotangents = pullback(u)
        lhs = sum(float(np.sum(_value(g) * v)) for g, v in zip(cotangents, vs, strict=True))
        _close("reverse mode: <vjp(u), v> against <u, central difference>", lhs,
               float(np.sum(u * fd)), rtol, atol)
    if order > 1:
        if "fwd" in modes:
            check_grads(lambda *x: jvp(f, x, vs)[1], *xs, modes=modes, order=order - 1,
                        eps=eps, rtol=rtol, atol=atol, seed=seed + 1)
        if "rev" in modes:
            u = rng.normal(size=fd.shape)
            ws = [rng.normal(size=x.shape) for x in xs]

            def projected(*x: Tensor) -> Tensor:
                gs = vjp(f, *x)[1](u)
                return sum((g * w).sum() for g, w in zip(gs, ws, strict=True))

            check_grads(projected, *xs, modes=modes, order=order - 1, eps=eps, rtol=rtol,
                        atol=atol, seed=seed + 2)
