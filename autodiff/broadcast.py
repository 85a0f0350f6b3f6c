"""Undoing numpy broadcasting in the reverse sweep, in one place.

When ``v_i = op(v_j, …)`` broadcasts ``v_j`` (a scalar weight against a batch, a bias against
rows), the adjoint contribution ``v̄_i ∂v_i/∂v_j`` has the broadcast shape; ``v̄_j`` is its sum
over the broadcast axes, reduced back to the shape of ``v_j``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` over the axes that broadcasting added to or stretched in ``shape``."""
    gshape = g.shape if hasattr(g, "shape") else np.shape(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead))
    for k, n in enumerate(shape):
        if n == 1 and gshape[lead + k] != 1:
            axes += (lead + k,)
    if not hasattr(g, "sum"):  # a number
        return np.reshape(g, shape)
    # methods, not np.sum/np.reshape: the same reduction, and they serve tensors as well
    out = g.sum(axes) if axes else g
    return out if out.shape == shape else out.reshape(shape)
