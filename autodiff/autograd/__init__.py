"""A numpy tensor with reverse- and forward-mode AD on the registry's primitives.

``Tensor`` records the primitives applied to it; ``loss.backward()`` fills ``.grad`` as in
PyTorch. The module-level functions below carry PyTorch's names (and numpy's, where numpy users
expect them): creation (``tensor``, ``zeros``, ``arange``, ``rand``…), the operations that are
not methods (``cat``, ``stack``, ``where``, ``einsum``…), a function for every elementwise
primitive of the registry, and the fused losses; :mod:`autodiff.autograd.functional` has the
JAX-style transformations (``grad``, ``jvp``, ``vjp``, ``jacfwd``, ``jacrev``, ``hessian``).
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import primitives as P
from ..errors import InputError
from . import ops, random
from . import tensor as tensor_module
from .functional import (
    elementwise_grad,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacrev,
    jvp,
    value_and_grad,
    vjp,
)
from .random import manual_seed
from .tape import enable_grad, is_grad_enabled, no_grad
from .tensor import Tensor, ValuesIndices, _dims, _dtype, elementwise, structural
from .trace import tensor_evaluation, tensor_trace

__all__ = [
    "Tensor", "ValuesIndices", "elementwise_grad", "enable_grad", "grad", "hessian", "hvp",
    "is_grad_enabled", "jacfwd", "jacrev", "jvp", "manual_seed", "no_grad", "random",
    "tensor_evaluation", "tensor_trace", "value_and_grad", "vjp",
]


def _unary(prim: P.Primitive):
    def f(x: Any) -> Tensor:
        return elementwise(prim, (_t(x),))
    f.__name__ = prim.name
    f.__doc__ = f"``{prim.text.format('x')}`` elementwise (the registry's ``{prim.name}``)."
    return f


# a function for every one-argument primitive of the registry (``exp``, ``erf``, ``floor``…)
for _prim in P.REGISTRY.values():
    if _prim.arity == 1:
        globals()[_prim.name] = _unary(_prim)
abs = globals()["abs"]  # noqa: A001 (PyTorch's name)
round = globals()["round"]  # noqa: A001
arcsin, arccos, arctan = globals()["asin"], globals()["acos"], globals()["atan"]
arcsinh, arccosh, arctanh = globals()["asinh"], globals()["acosh"], globals()["atanh"]
negative = globals()["neg"]


def pow(x: Any, exponent: Any) -> Tensor:  # noqa: A001
    """``x ** exponent`` (either may be a tensor)."""
    return elementwise(P.pow_, (x, exponent))


def remainder(x: Any, y: Any) -> Tensor:
    """``x mod y`` with the sign of ``y`` (Python's ``%``, ``torch.remainder``, ``np.mod``)."""
    return elementwise(P.mod, (x, y))


mod = remainder


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


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (``torch.tensor``). Floats stay float64 (numpy's
    default; PyTorch's is float32) and float32 stays float32; integers stay int64 and booleans
    bool (class indices), unless ``dtype`` says otherwise."""
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, list | tuple) and tensor_module._holds_grad(data):
        raise InputError("tensor: the list holds tensors that require grad; tensor(...) would "
                         "copy their values and drop the gradient: use autodiff.stack([...])")
    try:
        arr = np.array(data, dtype=_dtype(dtype) if dtype is not None else None)
    except (TypeError, ValueError) as exc:
        raise InputError(f"tensor: cannot make a numeric array of {data!r:.60} ({exc})") from None
    if arr.dtype.kind not in "fiub":
        raise InputError(f"tensor: the data are not real numbers (dtype {arr.dtype})")
    if arr.dtype.kind == "i" and dtype is None:
        arr = arr.astype(np.int64)
    return Tensor(arr, requires_grad=requires_grad, dtype=arr.dtype)


def _filled(value: Any, size: tuple, dtype: Any, requires_grad: bool) -> Tensor:
    shape = random.shape_of(size)
    dt = _dtype(dtype) if dtype is not None else np.dtype(np.float64)
    return Tensor(np.full(shape, value, dtype=dt), requires_grad=requires_grad, dtype=dt)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _filled(0, size, dtype, requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    return _filled(1, size, dtype, requires_grad)


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value``."""
    return _filled(fill_value, (size,) if isinstance(size, int) else (tuple(size),), dtype,
                   requires_grad)


def _like(x: Any, value: float, dtype: Any, requires_grad: bool) -> Tensor:
    a = _t(x).data
    dt = _dtype(dtype) if dtype is not None else a.dtype
    return Tensor(np.full(a.shape, value, dtype=dt), requires_grad=requires_grad, dtype=dt)


def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(x, 0, dtype, requires_grad)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(x, 1, dtype, requires_grad)


def full_like(x: Any, fill_value: float, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _like(x, fill_value, dtype, requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``start, start + step, …`` below ``end`` (``arange(5)``: 0 … 4); int64 when all three
    are integers, as PyTorch."""
    if end is None:
        start, end = 0, start
    values = np.arange(start, end, step)
    if dtype is not None:
        values = values.astype(_dtype(dtype))
    return Tensor(values, requires_grad=requires_grad, dtype=values.dtype)


def linspace(start: float, end: float, steps: int, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included."""
    dt = _dtype(dtype) if dtype is not None else np.dtype(np.float64)
    return Tensor(np.linspace(start, end, steps, dtype=dt), requires_grad=requires_grad,
                  dtype=dt)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The ``n × m`` identity matrix (``m = n`` by default)."""
    dt = _dtype(dtype) if dtype is not None else np.dtype(np.float64)
    return Tensor(np.eye(n, m, dtype=dt), requires_grad=requires_grad, dtype=dt)


def rand(*size: Any, generator: Any = None, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform on ``[0, 1)`` from the seeded generator (:func:`manual_seed`)."""
    dt = _dtype(dtype) if dtype is not None else np.dtype(np.float64)
    values = random.generator(generator).random(random.shape_of(size)).astype(dt)
    return Tensor(values, requires_grad=requires_grad, dtype=dt)


def randn(*size: Any, generator: Any = None, dtype: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal from the seeded generator (:func:`manual_seed`)."""
    dt = _dtype(dtype) if dtype is not None else np.dtype(np.float64)
    values = random.generator(generator).standard_normal(random.shape_of(size)).astype(dt)
    return Tensor(values, requires_grad=requires_grad, dtype=dt)


def randint(low: int, high: int | None = None, size: Any = (), generator: Any = None,
            dtype: Any = None) -> Tensor:
    """Integers in ``[low, high)`` (int64) from the seeded generator; ``randint(high, size)``
    draws from ``[0, high)``."""
    if high is None or isinstance(high, tuple | list):
        low, high, size = 0, low, (high if high is not None else size)
    values = random.generator(generator).integers(low, high, random.shape_of((size,)))
    return Tensor(values.astype(_dtype(dtype) if dtype is not None else np.int64),
                  dtype=_dtype(dtype) if dtype is not None else np.int64)


def randperm(n: int, generator: Any = None) -> Tensor:
    """A random permutation of ``0 … n − 1`` (int64)."""
    return Tensor(random.generator(generator).permutation(n).astype(np.int64), dtype=np.int64)


# -- reductions and the operations that are methods, as functions ----------------------------
def sum(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:  # noqa: A001
    """``Σ x`` (a list of tensors is stacked first)."""
    return _t(x).sum(dim, keepdim, **kw)


def mean(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Tensor:
    """``(1/n) Σ x`` (a list of tensors is stacked first)."""
    return _t(x).mean(dim, keepdim, **kw)


def max(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:  # noqa: A001
    """``max(x)``, ``max(x, dim)`` → ``(values, indices)``, ``max(a, b)`` = ``maximum``."""
    return _t(x).max(_t(dim) if isinstance(dim, np.ndarray) else dim, keepdim, **kw)


def min(x: Any, dim: Any = None, keepdim: bool = False, **kw: Any) -> Any:  # noqa: A001
    """``min(x)``, ``min(x, dim)`` → ``(values, indices)``, ``min(a, b)`` = ``minimum``."""
    return _t(x).min(_t(dim) if isinstance(dim, np.ndarray) else dim, keepdim, **kw)


def _method(name: str):
    def f(x: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(_t(x), name)(*args, **kwargs)
    f.__name__ = name
    f.__doc__ = f"``x.{name}(...)`` as a function (see :meth:`Tensor.{name}`)."
    return f


(prod, var, std, argmax, argmin, cumsum, logsumexp, amax, amin, reshape, flatten, squeeze,
 unsqueeze, permute, transpose, t, flip, gather, sort, clone) = (
    _method(n) for n in ("prod", "var", "std", "argmax", "argmin", "cumsum", "logsumexp",
                         "amax", "amin", "reshape", "flatten", "squeeze", "unsqueeze",
                         "permute", "transpose", "t", "flip", "gather", "sort", "clone"))
numel = _method("numel")


def clamp(x: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """``min ≤ x ≤ max`` entry by entry (``torch.clamp``, ``np.clip``)."""
    return _t(x).clip(min, max)


def softmax(x: Any, dim: int = -1) -> Tensor:
    """``e^{x_i} / Σ_j e^{x_j}`` along ``dim``."""
    return _t(x).softmax(dim)


def log_softmax(x: Any, dim: int = -1) -> Tensor:
    """``x_i − log Σ_j e^{x_j}`` along ``dim`` (stable)."""
    return _t(x).log_softmax(dim)


def cat(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None,
        name: str = "cat") -> Tensor:
    """Join tensors along an existing dim (``torch.cat``, ``np.concatenate``)."""
    ts = [_t(t) for t in tensors]
    if not ts:
        raise InputError(f"{name}: needs at least one tensor")
    d = _dims(dim if axis is None else axis, ts[0].ndim, True)
    return structural(ops.concatenate, (*ts, d))


def roll(x: Any, shifts: Any, dims: Any = None) -> Tensor:
    """Entries shifted cyclically by ``shifts`` along ``dims`` (flattened when None)."""
    t = _t(x)
    if dims is None:
        return structural(ops.roll, (t.reshape(-1), (int(shifts),), (0,))).reshape(t.shape)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return structural(ops.roll, (t, shifts, tuple(_dims(d, t.ndim, True) for d in dims)))


def tril(x: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle (entries above the ``diagonal``-th set to 0): a product with a
    0/1 mask."""
    t = _t(x)
    return t * np.tril(np.ones(t.shape[-2:], dtype=t.dtype), diagonal)


def triu(x: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle (entries below the ``diagonal``-th set to 0)."""
    t = _t(x)
    return t * np.triu(np.ones(t.shape[-2:], dtype=t.dtype), diagonal)


def pad(x: Any, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    """``F.pad``: ``pad = (left, right, top, bottom, …)``, pairs from the last dim backwards."""
    t = _t(x)
    if mode != "constant":
        raise InputError(f"pad: only mode='constant' is supported, not {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > t.ndim:
        raise InputError(f"pad: {len(pad)} numbers for a {t.ndim}-dim tensor (two per dim)")
    widths = [(0, 0)] * t.ndim
    for k in range(len(pad) // 2):
        widths[t.ndim - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    return structural(ops.pad, (t, tuple(widths), value))


def tile(x: Any, reps: Any) -> Tensor:
    """numpy's ``tile`` (PyTorch's ``repeat``/``tile``): copies along each dim."""
    t = _t(x)
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    return structural(ops.tile, (t, (1,) * (t.ndim - len(reps)) + reps))


def repeat(x: Any, *sizes: Any) -> Tensor:
    return _t(x).repeat(*sizes)


def split(x: Any, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Pieces along ``dim``: each of ``split_size`` entries (the last may be smaller) or of the
    listed sizes (``torch.split``); each piece is an index, differentiable."""
    t = _t(x)
    d = _dims(dim, t.ndim, True)
    n = t.shape[d]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0:
            raise InputError("split: split_size must be positive")
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != n:
            raise InputError(f"split: sizes {sizes} do not add up to {n}")
    out, start = [], 0
    for m in sizes:
        index = (slice(None),) * d + (slice(start, start + m),)
        out.append(t[index])
        start += m
    return tuple(out)


def chunk(x: Any, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``chunks`` pieces of (nearly) equal size along ``dim`` (``torch.chunk``)."""
    t = _t(x)
    n = t.shape[_dims(dim, t.ndim, True)]
    return split(t, builtins.max(math.ceil(n / chunks), 1), dim)


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, ``einsum('ij,kj->ik', a, b)`` (no ``...`` nor diagonals); its
    adjoints are einsums too."""
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])
    return structural(ops.einsum, (*[_t(o) for o in operands], subscripts))


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def tensordot(a: Any, b: Any, dims: Any = 2) -> Tensor:
    """Contract the last ``dims`` axes of ``a`` with the first of ``b``, or the listed axes
    ``dims=([2], [0])`` (an einsum)."""
    a, b = _t(a), _t(b)
    if isinstance(dims, int):
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([dims[0]] if isinstance(dims[0], int) else list(dims[0]),
                  [dims[1]] if isinstance(dims[1], int) else list(dims[1]))
    da = [_dims(d, a.ndim, True) for d in da]
    db = [_dims(d, b.ndim, True) for d in db]
    if len(da) != len(db):
        raise InputError("tensordot: both operands need as many contracted dims")
    sa = _LETTERS[:a.ndim]
    sb = list(_LETTERS[a.ndim:a.ndim + b.ndim])
    for i, j in zip(da, db, strict=True):
        sb[j] = sa[i]
    sb = "".join(sb)
    out = "".join(c for i, c in enumerate(sa) if i not in da) + "".join(
        c for j, c in enumerate(sb) if j not in db)
    return einsum(f"{sa},{sb}->{out}", a, b)


def outer(u: Any, v: Any) -> Tensor:
    """``u vᵀ`` of two vectors."""
    return einsum("i,j->ij", u, v)


def dot(u: Any, v: Any) -> Tensor:
    """``Σ u_i v_i`` of two vectors."""
    u, v = _t(u), _t(v)
    if u.ndim != 1 or v.ndim != 1:
        raise InputError(f"dot: 1D tensors expected, but got {u.ndim}D and {v.ndim}D tensors")
    return einsum("i,i->", u, v)


def clip(x: Any, lo: float | None = None, hi: float | None = None) -> Tensor:
    return _t(x).clip(lo, hi)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``condition`` holds, else ``b`` (broadcast); the condition gets no gradient."""
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    return structural(ops.where, (cond.astype(bool), _t(a), b))


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum, the registry's ``maximum``: at a tie each argument gets half the
    gradient (``torch.maximum``)."""
    return elementwise(P.maximum, (_t(a), b))


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum, the registry's ``minimum``: at a tie each gets half the gradient."""
    return elementwise(P.minimum, (_t(a), b))


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (``np.concatenate``, ``torch.cat``)."""
    return cat(tensors, axis, name="concatenate")


def stack(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors of one shape along a new dim (``torch.stack``, ``np.stack``)."""
    ts = [_t(t) for t in tensors]
    if not ts:
        raise InputError("stack: needs at least one tensor")
    if builtins.any(t.shape != ts[0].shape for t in ts):
        raise InputError(f"stack expects each tensor to be equal size, got "
                         f"{[t.shape for t in ts]}")
    ax = _dims(dim if axis is None else axis, ts[0].ndim + 1, True)
    return structural(ops.concatenate,
                      (*[t.reshape(t.shape[:ax] + (1,) + t.shape[ax:]) for t in ts], ax))


def _t(x: Any) -> Tensor:
    """A tensor; a list or tuple that holds tensors is stacked (its gradient kept), never
    copied into a constant."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, list | tuple) and builtins.any(isinstance(a, Tensor) for a in x):
        return stack(x)
    return Tensor(x)
