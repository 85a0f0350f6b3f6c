"""A numpy tensor with reverse- and forward-mode AD on the registry's primitives.

``Tensor`` records the primitives applied to it; ``loss.backward()`` fills ``.grad`` as in
PyTorch. The module-level functions below are the operations that are not methods (``where``,
``concatenate``) and the fused losses; :mod:`autodiff.autograd.functional` has the JAX-style
transformations (``grad``, ``jvp``, ``vjp``, ``jacfwd``, ``jacrev``, ``hessian``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import primitives as P
from ..errors import InputError
from . import ops
from .functional import grad, hessian, hvp, jacfwd, jacrev, jvp, value_and_grad, vjp
from .tape import enable_grad, is_grad_enabled, no_grad
from .tensor import Tensor, elementwise, structural
from .trace import tensor_evaluation, tensor_trace

__all__ = [
    "Tensor", "abs", "binary_cross_entropy", "binary_cross_entropy_with_logits", "clip",
    "concatenate", "enable_grad", "exp", "grad", "hessian", "hvp", "is_grad_enabled", "jacfwd",
    "jacrev", "jvp", "log", "log1p", "logsigmoid", "matmul", "maximum", "mean", "minimum",
    "no_grad", "relu", "sigmoid", "softplus", "sqrt", "stack", "sum", "tanh",
    "tensor_evaluation", "tensor_trace", "value_and_grad", "vjp", "where",
]


def _unary(prim: P.Primitive):
    def f(x: Any) -> Tensor:
        return elementwise(prim, (x if isinstance(x, Tensor) else Tensor(x),))
    f.__name__ = prim.name
    f.__doc__ = f"``{prim.text.format('x')}`` elementwise (the registry's ``{prim.name}``)."
    return f


exp, log, log1p, sqrt, abs = (_unary(P.exp), _unary(P.log), _unary(P.log1p), _unary(P.sqrt),
                              _unary(P.abs_))
sigmoid, tanh, relu = _unary(P.sigmoid), _unary(P.tanh), _unary(P.relu)
softplus, logsigmoid = _unary(P.softplus), _unary(P.logsigmoid)


def binary_cross_entropy(p: Any, y: Any) -> Tensor:
    """``-(y log p + (1 - y) log(1 - p))`` elementwise, logs clamped at -100 (PyTorch's
    ``BCELoss`` before its reduction); one fused primitive, ``bce``."""
    return elementwise(P.bce, (p, y))


def binary_cross_entropy_with_logits(z: Any, y: Any) -> Tensor:
    """``softplus(z) - y·z`` elementwise = BCE of ``sigmoid(z)``, stable for any logit ``z``
    (PyTorch's ``BCEWithLogitsLoss`` before its reduction); its partial is ``σ(z) - y``."""
    return elementwise(P.bce_logits, (z, y))


def matmul(a: Any, b: Any) -> Tensor:
    return structural(ops.matmul, (a, b))


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return _t(x).sum(axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return _t(x).mean(axis, keepdims)


def clip(x: Any, lo: float | None = None, hi: float | None = None) -> Tensor:
    return _t(x).clip(lo, hi)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``condition`` holds, else ``b`` (broadcast); the condition gets no gradient."""
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    return structural(ops.where, (cond.astype(bool), _t(a), b))


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum; at ties the gradient goes to ``a`` (a ``where``)."""
    a, b = _t(a), _t(b)
    return where(a.data >= (b.data if isinstance(b, Tensor) else b), a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum; at ties the gradient goes to ``a`` (a ``where``)."""
    a, b = _t(a), _t(b)
    return where(a.data <= (b.data if isinstance(b, Tensor) else b), a, b)


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (``np.concatenate``)."""
    if not tensors:
        raise InputError("concatenate: needs at least one tensor")
    return structural(ops.concatenate, (*[_t(t) for t in tensors], axis))


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along a new axis (``np.stack``)."""
    ts = [_t(t) for t in tensors]
    if not ts:
        raise InputError("stack: needs at least one tensor")
    nd = ts[0].ndim + 1
    ax = axis % nd
    return concatenate([t.reshape(t.shape[:ax] + (1,) + t.shape[ax:]) for t in ts], ax)


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)
