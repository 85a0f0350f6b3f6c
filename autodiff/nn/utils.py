"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_`` (``torch.nn.utils``).

Both change the parameters' ``.grad`` in place, between ``backward()`` and ``optimizer.step()``:

* ``clip_grad_norm_``: ``‖g‖ = (Σ_p ‖g_p‖^q)^{1/q}`` over all the gradients together (``q`` =
  ``norm_type``, ``inf``: the largest ``|g|``); each is multiplied by
  ``min(1, max_norm / (‖g‖ + 10⁻⁶))``; returns ``‖g‖`` before clipping;
* ``clip_grad_value_``: each entry clipped to ``[−clip_value, clip_value]``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..errors import InputError


def _grads(parameters: Any) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    """Scale the gradients so that their joint ``norm_type``-norm is at most ``max_norm``."""
    grads = _grads(parameters)
    if not grads:
        return Tensor(0.0)
    q = float(norm_type)
    if math.isinf(q):
        total = max(float(np.max(np.abs(g.data))) if g.data.size else 0.0 for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g.data) ** q)) for g in grads) ** (1 / q)
    if error_if_nonfinite and not math.isfinite(total):
        raise InputError(f"The total norm of order {q} for gradients from `parameters` is "
                         "non-finite, so it cannot be clipped")
    coef = min(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        g.data *= coef
    return Tensor(total)


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clip every gradient entry to ``[−clip_value, clip_value]``."""
    c = float(clip_value)
    for g in _grads(parameters):
        np.clip(g.data, -c, c, out=g.data)
