"""``Tensor``: a numpy array that records the primitives applied to it on an append-only tape.

Every operation on a tensor that requires grad appends one record to the tape: its primitive,
its arguments (tensors, numbers or arrays, then static parameters) and its position on the tape
(``_seq``, a counter that only grows). The tape is therefore in evaluation order, a topological
order by construction, as the Wengert list of the lecture: ``v_i = op(v_j, …)`` is recorded
after its parents. Each record is held by the tensor it made, so the part of the tape that a
result no longer needs is freed with it.

Reverse mode walks that tape backwards (:func:`autodiff.autograd.tape.reverse`), with the
registry's partial rules for elementwise records and the ``vjp`` of :mod:`autodiff.autograd.ops`
for structural ones.

As in PyTorch, ``backward()`` adds to ``.grad`` of the leaves (tensors created with
``requires_grad=True``) until it is reset (``optimizer.zero_grad()`` sets it to ``None``). A
second ``backward()`` from the same output is refused, as PyTorch refuses it once its buffers are
freed, unless the first one had ``retain_graph=True``; then it adds the gradient again.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .. import primitives as P
from ..errors import InputError
from . import ops, tape
from .tape import _SEQ, _Grad, reverse

#: While :func:`autodiff.compile` traces a function: the callback that refuses reading a
#: tensor's value into Python (the branch taken would be frozen into the generated code).
TRACING: list[Any] = [None]


#: While :func:`autodiff.compile` or :func:`autodiff.compile_step` traces: the callback that
#: records side effects instead of running them.
EFFECTS: list[Any] = [None]


def side_effect(fn: Any, *args: Any) -> None:
    """``fn(*args)`` for its effect on arrays (a running statistic) or to check values (a
    loss's target range, raising :class:`~autodiff.errors.InputError`), tensors passed as their
    arrays. While a function is traced for compiling, the call is recorded, not run: the
    generated code makes it, in the same order, every time it runs (the first time included)."""
    record = EFFECTS[0]
    if record is not None:
        record(fn, args)
        return
    fn(*[a.data if isinstance(a, Tensor) else a for a in args])


class IndexInputError(InputError, IndexError):
    """An index out of range: an ``InputError`` that is also the ``IndexError`` Python expects."""


class Tensor:
    """A numpy array with reverse- and forward-mode differentiation.

    Args:
        data: numbers, nested lists or a numpy array. Integers and booleans become float64
            unless ``dtype`` says otherwise; float32 stays float32.
        requires_grad: record operations on it, and give it a ``.grad`` in ``backward()``.
        dtype: the numpy dtype of ``.data``.

    ``.data`` is the numpy array (optimizers update it in place); ``.grad`` is a ``Tensor``
    or ``None``.
    """

    __slots__ = ("data", "grad", "requires_grad", "_op", "_args", "_atoms", "_parents", "_seq",
                 "_adjoint", "_freed", "__weakref__")
    __hash__ = object.__hash__

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        elif isinstance(data, list | tuple) and _holds_grad(data):
            raise InputError("Tensor: the list holds tensors that require grad; Tensor(...) "
                             "would copy their values and drop the gradient: use "
                             "autodiff.stack([...]) (or cat) to combine them")
        try:
            arr = np.asarray(data, dtype=dtype)
        except (TypeError, ValueError) as exc:
            raise InputError(f"Tensor: cannot make a numeric array of {_brief(data)} ({exc})") \
                from None
        if arr.dtype.kind not in "fiub" or (dtype is None and arr.dtype.kind not in "f"):
            if arr.dtype.kind not in "iub":
                raise InputError(f"Tensor: the data are not real numbers (dtype {arr.dtype}, "
                                 f"shape {arr.shape}); give real numbers")
            arr = arr.astype(np.float64)
        if requires_grad and arr.dtype.kind != "f":
            raise InputError(f"Tensor: only floating-point tensors can require grad "
                             f"(dtype {arr.dtype})")
        self.data = arr
        self.grad: Tensor | None = None
        self.requires_grad = bool(requires_grad)
        self._op = None
        self._args: tuple = ()
        self._seq = 0
        self._adjoint = None

    # -- properties as numpy and torch have them --------------------------------------------
    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    T = property(lambda self: self.transpose())
    is_leaf = property(lambda self: self._op is None)

    def item(self) -> float:
        if TRACING[0] is not None:
            TRACING[0]("t.item()")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        return self.data

    def tolist(self) -> Any:
        return self.data.tolist()

    def detach(self) -> Tensor:
        """The same data, cut from the tape (no grad)."""
        return _new(self.data)

    def requires_grad_(self, flag: bool = True) -> Tensor:
        self.requires_grad = bool(flag)
        return self

    def zero_(self) -> Tensor:
        self.data[...] = 0
        return self

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self):
        return (self[i] for i in range(len(self.data)))

    def __float__(self) -> float:
        return float(self._one("float"))

    def __int__(self) -> int:
        return int(self._one("int"))

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iu":
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._one("index"))

    def _one(self, what: str) -> Any:
        if TRACING[0] is not None:
            TRACING[0](f"{what}(t)")
        if self.data.size != 1:
            raise InputError(f"{what}(): only a tensor of one element can be converted to a "
                             f"Python number (this one has shape {self.shape})")
        return self.data.reshape(()).item()

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """``np.exp(x)``, ``array + x``: a ufunc that is a registry primitive is recorded as
        that primitive (differentiable); comparisons and the like give values off the tape;
        anything else on a tensor that requires grad is refused (it would drop the gradient)."""
        prim = _UFUNCS.get(ufunc) if method == "__call__" and not kwargs else None
        if prim is not None:
            return elementwise(prim, inputs)
        if ufunc is np.matmul and method == "__call__" and not kwargs:
            return structural(ops.matmul, tuple(_operand(a) for a in inputs))
        if method == "__call__" and ufunc in _COMPARISONS and not kwargs:
            return _new(ufunc(*[_data(a) for a in inputs]))
        if any(isinstance(a, Tensor) and a.requires_grad for a in inputs):
            raise InputError(f"numpy's {ufunc.__name__} ({method}) is not differentiable here: "
                             "use the tensor's method or autodiff's function of that name")
        out = getattr(ufunc, method)(*[_data(a) for a in inputs],
                                     **{k: _data(v) for k, v in kwargs.items()})
        return _new(out) if isinstance(out, np.ndarray | np.generic) else out

    def __bool__(self) -> bool:
        if TRACING[0] is not None:
            TRACING[0]("bool(t) (an if, while, and/or or assert on a tensor)")
        return bool(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = ", requires_grad=True" if self.requires_grad else ""
        extra += f", dtype={self.dtype}" if self.dtype != np.float64 else ""
        return f"Tensor({body}{extra})"

    # -- arithmetic: the registry's primitives ------------------------------------------------
    def __add__(self, o): return elementwise(P.add, (self, o))
    def __radd__(self, o): return elementwise(P.add, (o, self))
    def __sub__(self, o): return elementwise(P.sub, (self, o))
    def __rsub__(self, o): return elementwise(P.sub, (o, self))
    def __mul__(self, o): return elementwise(P.mul, (self, o))
    def __rmul__(self, o): return elementwise(P.mul, (o, self))
    def __truediv__(self, o): return elementwise(P.div, (self, o))
    def __rtruediv__(self, o): return elementwise(P.div, (o, self))
    def __pow__(self, o): return elementwise(P.pow_, (self, o))
    def __rpow__(self, o): return elementwise(P.pow_, (o, self))
    def __mod__(self, o): return elementwise(P.mod, (self, o))
    def __rmod__(self, o): return elementwise(P.mod, (o, self))
    def __neg__(self): return elementwise(P.neg, (self,))
    def __abs__(self): return elementwise(P.abs_, (self,))
    def __pos__(self): return self
    def __matmul__(self, o): return structural(ops.matmul, (self, _operand(o)))
    def __rmatmul__(self, o): return structural(ops.matmul, (_operand(o), self))

    # in place: on the values under no_grad (an optimizer's update) or off the tape; refused on
    # a leaf that requires grad while recording (PyTorch's RuntimeError); a recorded result is
    # replaced by the new result (the name is rebound: the tape stays correct)
    def __iadd__(self, o): return self._inplace(P.add, o, np.add)
    def __isub__(self, o): return self._inplace(P.sub, o, np.subtract)
    def __imul__(self, o): return self._inplace(P.mul, o, np.multiply)
    def __itruediv__(self, o): return self._inplace(P.div, o, np.divide)

    def _inplace(self, prim: P.Primitive, o: Any, ufunc: np.ufunc) -> Tensor:
        recording = _Grad.enabled and (self.requires_grad or
                                       isinstance(o, Tensor) and o.requires_grad)
        if not recording:
            ufunc(self.data, _data(o), out=self.data, casting="same_kind")
            return self
        if self._op is None and self.requires_grad:
            raise InputError("a leaf Variable that requires grad is being used in an in-place "
                             "operation (update it under `with autodiff.no_grad():`)")
        return elementwise(prim, (self, o))

    # comparisons give boolean tensors that are not differentiable
    def __lt__(self, o): return _new(self.data < _data(o))
    def __le__(self, o): return _new(self.data <= _data(o))
    def __gt__(self, o): return _new(self.data > _data(o))
    def __ge__(self, o): return _new(self.data >= _data(o))
    def __eq__(self, o): return _new(self.data == _data(o))
    def __ne__(self, o): return _new(self.data != _data(o))

    def __getitem__(self, index: Any) -> Tensor:
        if isinstance(index, Tensor):
            index = index.data
        elif isinstance(index, tuple):
            index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
        elif isinstance(index, list):
            index = np.asarray(index)
        return structural(ops.getitem, (self, index))

    def __setitem__(self, index: Any, value: Any) -> None:
        if self.requires_grad or self._op is not None:
            raise InputError("setitem: assigning into a tensor that requires grad is not "
                             "recorded; build the result with where() or concatenate(), or "
                             "assign into .data outside the computation")
        self.data[index] = _data(value)

    # -- reductions: PyTorch's dim/keepdim, numpy's axis/keepdims -----------------------------
    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None, dtype: Any = None, out: None = None) -> Tensor:
        """``Σ x`` over ``dim`` (all entries when None)."""
        d, k = _reduction(self, dim, axis, keepdim, keepdims)
        return structural(ops.sum_, (self, d, k))

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None, dtype: Any = None, out: None = None) -> Tensor:
        """``(1/n) Σ x`` over ``dim``; the mean of no entries is nan (as PyTorch)."""
        d, k = _reduction(self, dim, axis, keepdim, keepdims)
        return structural(ops.mean, (self, d, k))

    def max(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None, out: None = None) -> Any:
        """``x.max()``: the largest entry (ties share the gradient). ``x.max(dim)``:
        ``(values, indices)`` along ``dim``, the gradient to the index (as PyTorch);
        ``x.max(axis=…)`` is numpy's: the values only (as ``amax``, ties share);
        ``x.max(other)`` is ``maximum(x, other)``."""
        if isinstance(dim, Tensor):
            return elementwise(P.maximum, (self, dim))
        return _extremum(self, dim, keepdim, axis, keepdims, ops.max_, np.argmax)

    def min(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None, out: None = None) -> Any:
        """As :meth:`max`, for the smallest entries."""
        if isinstance(dim, Tensor):
            return elementwise(P.minimum, (self, dim))
        return _extremum(self, dim, keepdim, axis, keepdims, ops.min_, np.argmin)

    def amax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """The largest entries over ``dim``; ties share the gradient equally."""
        return structural(ops.max_, (self, *_reduction(self, dim, None, keepdim, None)))

    def amin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """The smallest entries over ``dim``; ties share the gradient equally."""
        return structural(ops.min_, (self, *_reduction(self, dim, None, keepdim, None)))

    def argmax(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        """The index of the largest entry (of the flattened tensor when ``dim`` is None)."""
        return _arg(self, np.argmax, dim if axis is None else axis, keepdim)

    def argmin(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None) -> Tensor:
        """The index of the smallest entry (of the flattened tensor when ``dim`` is None)."""
        return _arg(self, np.argmin, dim if axis is None else axis, keepdim)

    def prod(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None, dtype: Any = None) -> Tensor:
        """``∏ x`` over ``dim``; ``∂/∂x_i`` is the product of the others (exact at zeros)."""
        d, k = _reduction(self, dim, axis, keepdim, keepdims)
        return structural(ops.prod, (self, d, k))

    def var(self, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
            axis: Any = None, keepdims: bool | None = None, correction: int | None = None,
            ddof: int | None = None) -> Tensor:
        """``Σ (x − μ)² / (N − correction)``; the default ``correction=1`` (unbiased) is
        PyTorch's; normalization layers use ``unbiased=False`` (``correction=0``), numpy's
        ``ddof`` is ``correction``. ``N − correction ≤ 0`` gives nan (as PyTorch)."""
        if isinstance(unbiased, bool) is False and unbiased is not None:
            dim, unbiased = (dim, unbiased) if dim is not None else (unbiased, None)
        if correction is None:
            correction = ddof if ddof is not None else (
                1 if unbiased is None or unbiased else 0)
        d, k = _reduction(self, dim, axis, keepdim, keepdims)
        n = ops._count(self.shape, d)
        centred = self - structural(ops.mean, (self, d, True))
        scale = 1.0 / (n - correction) if n - correction > 0 else math.nan
        return structural(ops.sum_, (centred * centred, d, k)) * scale

    def std(self, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
            axis: Any = None, keepdims: bool | None = None, correction: int | None = None,
            ddof: int | None = None) -> Tensor:
        """``√var`` (unbiased by default, as PyTorch)."""
        return self.var(dim, unbiased, keepdim, axis=axis, keepdims=keepdims,
                        correction=correction, ddof=ddof).sqrt()

    def cumsum(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """Running sums along ``dim``; the adjoint is the running sum from the other end."""
        d = _dims(dim if axis is None else axis, self.ndim)
        if d is None or not isinstance(d, int):
            if self.ndim > 1 or not isinstance(d, int | type(None)):
                raise InputError("cumsum: give one dim (dim=0, 1, ...)")
            return structural(ops.cumsum, (self.reshape(-1), 0))
        return structural(ops.cumsum, (self, d))

    def logsumexp(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
                  keepdims: bool | None = None) -> Tensor:
        """``log Σ e^x`` over ``dim``, computed stably; its gradient is ``softmax(x)``."""
        d, k = _reduction(self, dim, axis, keepdim, keepdims)
        return structural(ops.logsumexp, (self, d, k))

    def softmax(self, dim: int = -1) -> Tensor:
        """``e^{x_i} / Σ_j e^{x_j}`` along ``dim``."""
        return structural(ops.softmax, (self, _dims(dim, self.ndim, True)))

    def log_softmax(self, dim: int = -1) -> Tensor:
        """``x_i − log Σ_j e^{x_j}`` along ``dim``, stable for large logits."""
        return structural(ops.log_softmax, (self, _dims(dim, self.ndim, True)))

    # -- shapes ------------------------------------------------------------------------------
    def reshape(self, *shape: Any, order: str = "C") -> Tensor:
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple | list) else shape
        return structural(ops.reshape, (self, tuple(shape)))

    view = reshape

    def view_as(self, other: Tensor) -> Tensor:
        return self.reshape(other.shape)

    def transpose(self, *axes: Any) -> Tensor:
        """numpy's ``transpose(axes)`` with one tuple (a permutation, negative axes allowed;
        reversed axes when none given), or PyTorch's ``transpose(dim0, dim1)`` with two ints
        (swap two dims)."""
        nd = self.ndim
        if not axes:
            return structural(ops.transpose, (self, None))
        if len(axes) == 2 and all(isinstance(a, int | np.integer) for a in axes):
            a, b = (_dims(ax, nd, True) for ax in axes)
            perm = list(range(nd))
            perm[a], perm[b] = perm[b], perm[a]
            return structural(ops.transpose, (self, tuple(perm)))
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], tuple | list) else axes
        perm = tuple(_dims(ax, nd, True) for ax in axes)
        if sorted(perm) != list(range(nd)):
            raise InputError(f"transpose: {tuple(axes)} is not a permutation of the "
                             f"{nd} axes")
        return structural(ops.transpose, (self, perm))

    def permute(self, *dims: Any) -> Tensor:
        """The axes in the order ``dims`` (``x.permute(2, 0, 1)``)."""
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], tuple | list) else dims
        return self.transpose(tuple(dims))

    def t(self) -> Tensor:
        """The transpose of a matrix (a tensor of at most 2 dims, as PyTorch)."""
        if self.ndim > 2:
            raise InputError(f"t() expects a tensor with <= 2 dimensions, but self is "
                             f"{self.ndim}D")
        return structural(ops.transpose, (self, None)) if self.ndim == 2 else self

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Dims ``start_dim`` … ``end_dim`` merged into one."""
        if self.ndim == 0:
            return self.reshape(1)
        a, b = _dims(start_dim, self.ndim, True), _dims(end_dim, self.ndim, True)
        shape = self.shape
        return self.reshape(shape[:a] + (-1 if 0 not in shape else
                                         math.prod(shape[a:b + 1]),) + shape[b + 1:])

    def squeeze(self, dim: Any = None) -> Tensor:
        """Without the dims of size 1 (only ``dim``'s, if it has size 1)."""
        if dim is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        dims = _dims(dim, self.ndim, True)
        dims = {dims} if isinstance(dims, int) else set(dims or ())
        return self.reshape(tuple(n for i, n in enumerate(self.shape)
                                  if not (i in dims and n == 1)))

    def unsqueeze(self, dim: int) -> Tensor:
        """With a new dim of size 1 at position ``dim`` (``-1``: last)."""
        d = _dims(dim, self.ndim + 1, True)
        return self.reshape(self.shape[:d] + (1,) + self.shape[d:])

    def expand(self, *sizes: Any) -> Tensor:
        """A view broadcast to ``sizes`` (``-1`` keeps a dim); the gradient sums the copies."""
        sizes = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], tuple | list) else sizes
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise InputError(f"expand: {len(sizes)} sizes for a {self.ndim}-dim tensor")
        shape = tuple(self.shape[i - lead] if n == -1 else int(n) for i, n in enumerate(sizes))
        return structural(ops.broadcast_to, (self, shape))

    def expand_as(self, other: Tensor) -> Tensor:
        return self.expand(other.shape)

    def repeat(self, *sizes: Any) -> Tensor:
        """PyTorch's ``repeat`` (numpy's ``tile``): ``sizes[i]`` copies along dim ``i``."""
        sizes = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], tuple | list) else sizes
        if len(sizes) < self.ndim:
            raise InputError("repeat: number of repeat dims can not be smaller than number "
                             "of tensor dims")
        return structural(ops.tile, (self, tuple(int(n) for n in sizes)))

    def flip(self, *dims: Any) -> Tensor:
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], tuple | list) else dims
        return structural(ops.flip, (self, tuple(_dims(d, self.ndim, True) for d in dims)))

    def clone(self) -> Tensor:
        """A copy of the values that stays on the tape (its gradient flows back to ``self``)."""
        out = structural(ops.reshape, (self, self.shape))
        if out.data is self.data or out.data.base is not None:
            out.data = out.data.copy()
        return out

    def gather(self, dim: int, index: Any) -> Tensor:
        """``out[i][j] = x[index[i][j]][j]`` (dim 0) / ``x[i][index[i][j]]`` (dim 1): an
        advanced index, whose adjoint adds ``ḡ`` back at the gathered positions."""
        idx = np.asarray(_data(index))
        if idx.dtype.kind not in "iu":
            if idx.size and not np.all(idx == np.round(idx)):
                raise InputError("gather: the index must hold integers")
            idx = idx.astype(np.int64)
        d = _dims(dim, self.ndim, True)
        if idx.ndim != self.ndim:
            raise InputError(f"gather: index has {idx.ndim} dims, the tensor {self.ndim}")
        grids = np.ogrid[tuple(slice(n) for n in idx.shape)]
        full = tuple(idx if i == d else grids[i] for i in range(self.ndim))
        return structural(ops.getitem, (self, full))

    def sort(self, dim: int = -1, descending: bool = False) -> ValuesIndices:
        """``(values, indices)`` sorted along ``dim`` (stable); the values are differentiable
        (a gather)."""
        d = _dims(dim, self.ndim, True)
        if self.ndim == 0:
            return ValuesIndices(self, _new(np.zeros((), dtype=np.int64)))
        key = -self.data if descending else self.data
        index = np.argsort(key, axis=d, kind="stable")
        return ValuesIndices(self.gather(d, index), _new(index.astype(np.int64)))

    # -- dtype and device --------------------------------------------------------------------
    def to(self, *args: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        """``to(dtype)`` converts (on the tape); ``to('cpu')`` is the tensor itself (there is
        no other device)."""
        for a in args:
            if isinstance(a, str) and a == "cpu":
                continue
            dt = _dtype(a)
            if dt is None:
                raise InputError(f"to: autodiff runs on the CPU only, in numpy's dtypes; "
                                 f"{a!r} is neither 'cpu' nor a dtype")
            dtype = dt
        return self if dtype is None else self.type(dtype)

    def type(self, dtype: Any = None) -> Any:
        """``type()``: the type's name; ``type(dtype)``: converted, on the tape."""
        if dtype is None:
            return f"autodiff.{np.dtype(self.dtype).name}"
        dt = _dtype(dtype)
        if dt is None:
            raise InputError(f"type: {dtype!r} is not a dtype")
        if dt == self.dtype:
            return self
        return structural(ops.astype, (self, dt))

    def float(self) -> Tensor:
        """float32 (as ``torch.Tensor.float``)."""
        return self.type(np.float32)

    def double(self) -> Tensor:
        """float64."""
        return self.type(np.float64)

    def long(self) -> Tensor:
        return _new(self.data.astype(np.int64))

    def int(self) -> Tensor:
        return _new(self.data.astype(np.int32))

    def bool(self) -> Tensor:
        return _new(self.data.astype(bool))

    def cpu(self) -> Tensor:
        return self

    # -- sizes as PyTorch has them -----------------------------------------------------------
    def size(self, dim: int | None = None) -> Any:
        """The shape (a tuple), or the size of dim ``dim`` (``x.size(-1)``)."""
        if dim is None:
            return self.data.shape
        return self.data.shape[_dims(dim, self.ndim, True)]

    def numel(self) -> int:
        """The number of entries (numpy's ``.size``)."""
        return self.data.size

    def dim(self) -> int:
        """The number of dims (numpy's ``.ndim``)."""
        return self.data.ndim

    def nelement(self) -> int:
        return self.data.size

    # -- elementwise functions: the registry's primitives --------------------------------------
    # (every one-argument primitive without a method here gets one, below the class)
    def exp(self): return elementwise(P.exp, (self,))
    def log(self): return elementwise(P.log, (self,))
    def sqrt(self): return elementwise(P.sqrt, (self,))
    def abs(self): return elementwise(P.abs_, (self,))
    def sigmoid(self): return elementwise(P.sigmoid, (self,))
    def tanh(self): return elementwise(P.tanh, (self,))
    def relu(self): return elementwise(P.relu, (self,))
    def pow(self, exponent: Any) -> Tensor: return elementwise(P.pow_, (self, exponent))
    def maximum(self, other: Any) -> Tensor: return elementwise(P.maximum, (self, other))
    def minimum(self, other: Any) -> Tensor: return elementwise(P.minimum, (self, other))
    def remainder(self, other: Any) -> Tensor: return elementwise(P.mod, (self, other))

    def clip(self, lo: Any = None, hi: Any = None, *, min: Any = None,  # noqa: A002
             max: Any = None) -> Tensor:  # noqa: A002 (PyTorch's names)
        """``lo ≤ x ≤ hi`` entry by entry; the gradient passes where ``lo ≤ x ≤ hi``."""
        lo, hi = (min if lo is None else lo), (max if hi is None else hi)
        return structural(ops.clip, (self, _data(lo), _data(hi)))

    clamp = clip

    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Add ``∂self/∂leaf`` (times ``gradient``, for a non-scalar) to every leaf's ``.grad``.

        A second call from the same tensor is refused unless the previous one had
        ``retain_graph=True`` (PyTorch frees the graph's buffers after a backward pass)."""
        if self._op is not None and self._freed:
            raise InputError("Trying to backward through the graph a second time: the first "
                             "backward() freed it; specify retain_graph=True the first time "
                             "to backward twice")
        if not self.requires_grad:
            raise InputError("backward: this tensor does not require grad (none of the tensors "
                             "it was computed from has requires_grad=True)")
        if gradient is None:
            if self.data.size != 1:
                raise InputError(f"backward: the tensor has shape {self.shape}; a non-scalar "
                                 "needs a gradient of its shape, backward(gradient=...), or "
                                 "reduce it first (loss.sum(), loss.mean())")
            # ∂self/∂self = 1: a numpy scalar for a 0-d output (its arithmetic is cheaper than
            # a 0-d array's), else an array of the output's shape
            seed = self.data.dtype.type(1)
            if self.data.ndim:
                seed = np.full(self.data.shape, seed)
        else:
            seed = _data(gradient)
            seed = np.asarray(seed, dtype=self.dtype)
            if seed.shape != self.shape:
                raise InputError(f"backward: the gradient has shape {seed.shape}, the tensor "
                                 f"{self.shape}")
        seen = {id(seed)}
        if not retain_graph and self._op is not None:
            self._freed = True
        for leaf, g in reverse([self], [seed]):
            if leaf.grad is not None:
                leaf.grad = _new((leaf.grad.data + g).astype(leaf.data.dtype, copy=False))
                continue
            # .grad owns its array (an optimizer may scale it in place): copy a shared one
            if (type(g) is not np.ndarray or id(g) in seen or g.base is not None
                    or g.dtype != leaf.data.dtype or not g.flags.writeable):
                g = np.array(g, dtype=leaf.data.dtype)
            seen.add(id(g))
            leaf.grad = _new(g)


class ValuesIndices(NamedTuple):
    """``(values, indices)`` of ``max(dim)``, ``min(dim)``, ``sort``: PyTorch's named tuple."""

    values: Tensor
    indices: Tensor


def _holds_grad(items: Sequence[Any]) -> bool:
    """Whether nested lists hold a tensor that requires grad."""
    for a in items:
        if isinstance(a, Tensor) and a.requires_grad:
            return True
        if isinstance(a, list | tuple) and _holds_grad(a):
            return True
    return False


def _dims(dim: Any, nd: int, one: bool = False) -> Any:
    """``dim`` (an int, a tuple of ints or None) checked against ``nd`` dims and made
    non-negative, as PyTorch: ``-nd ≤ d < nd``; a 0-dim tensor accepts ``0`` and ``-1``
    (then None: all of it). ``one``: exactly one int."""
    if dim is None:
        if one:
            raise InputError("dim: give a dimension (an int)")
        return None
    if isinstance(dim, list):
        dim = tuple(dim)
    if isinstance(dim, tuple):
        if one:
            raise InputError(f"dim: expected one int, got {dim!r}")
        out = tuple(_dims(d, nd, True) for d in dim)
        if len(set(out)) != len(out):
            raise InputError(f"dim {dim!r} appears multiple times in the list of dims")
        return None if nd == 0 else out
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise InputError(f"dim: expected an int, got {dim!r}")
    span = builtins.max(nd, 1)
    if not -span <= dim < span:
        raise IndexInputError(f"Dimension out of range (expected to be in range of "
                              f"[{-span}, {span - 1}], but got {dim})")
    if nd == 0:
        return 0 if one else None
    return int(dim) % nd


def _reduction(x: Tensor, dim: Any, axis: Any, keepdim: bool, keepdims: bool | None):
    """The checked dims and the keepdim flag of a reduction, from torch's or numpy's names."""
    d = _dims(dim if axis is None else axis, x.data.ndim)
    return d, bool(keepdim if keepdims is None else keepdims)


def _extremum(x: Tensor, dim: Any, keepdim: bool, axis: Any, keepdims: Any, op: Any,
              arg: Any) -> Any:
    k = bool(keepdim if keepdims is None else keepdims)
    if dim is None:  # the whole tensor, or numpy's axis=: the values, ties sharing
        return structural(op, (x, _dims(axis, x.ndim), k))
    d = _dims(dim, x.ndim, True)
    if x.ndim == 0:
        return ValuesIndices(x, _new(np.zeros((), dtype=np.int64)))
    index = np.expand_dims(arg(x.data, axis=d), d)
    values = x.gather(d, index)
    if not k:
        values = values.squeeze(d)
        index = np.squeeze(index, d)
    return ValuesIndices(values, _new(index.astype(np.int64)))


def _arg(x: Tensor, arg: Any, dim: Any, keepdim: bool) -> Tensor:
    if dim is None:
        out = arg(x.data)
        return _new(np.asarray(out, dtype=np.int64).reshape((1,) * x.ndim if keepdim else ()))
    d = _dims(dim, x.ndim, True)
    if x.ndim == 0:
        return _new(np.zeros((), dtype=np.int64))
    return _new(arg(x.data, axis=d, keepdims=keepdim).astype(np.int64))


def _dtype(x: Any) -> Any:
    """A numpy dtype from numpy's or Python's names (``np.float32``, ``'float32'``, ``float``),
    or None."""
    try:
        dt = np.dtype(x)
    except TypeError:
        return None
    return dt if dt.kind in "fiub" else None


def _brief(data: Any) -> str:
    text = repr(data)
    return text if len(text) < 60 else text[:57] + "..."


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


def _operand(x: Any) -> Any:
    return x if isinstance(x, (Tensor, np.ndarray)) else np.asarray(x)


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _new(value: Any) -> Tensor:
    """A tensor around a numpy result, off the tape (no checks, no copy)."""
    t = Tensor.__new__(Tensor)
    t.data = value if type(value) is np.ndarray else np.asarray(value)
    t.grad = None
    t.requires_grad = False
    t._op = None
    t._args = ()
    t._seq = 0
    t._adjoint = None
    return t


def _record(value: Any, op: Any, args: tuple, arrays: list, parents: tuple) -> Tensor:
    """The result as a tensor, appended to the tape when an argument requires grad.

    ``parents`` are the positions in ``args`` of the tensors that require grad: the edges the
    reverse sweep sends adjoints along (fixed when the operation runs, as in PyTorch). Positions
    and a tuple of ``arrays`` hold no tensors, so the cyclic garbage collector soon stops
    visiting them: a long tape costs it two objects per record, not five.
    """
    t = _NEW(Tensor)
    t.data = value if type(value) is _NDARRAY else np.asarray(value)
    t.grad = None
    t._adjoint = None
    if parents and _Grad.enabled:
        t.requires_grad = True
        t._op = op
        t._args = args
        t._atoms = tuple(arrays)
        t._parents = parents
        t._seq = next(_SEQ)
        t._freed = False  # set by backward() without retain_graph
        return t
    t.requires_grad = False
    t._op = None
    t._args = ()
    t._seq = 0
    return t


def _arrays(args: tuple) -> tuple[list, tuple]:
    """The numpy values of ``args``, and the positions of those that are tensors requiring
    grad."""
    arrays, parents = [], ()
    for k, a in enumerate(args):
        if isinstance(a, Tensor):
            arrays.append(a.data)
            if a.requires_grad:
                parents += (k,)
        else:
            arrays.append(a)
    return arrays, parents


_NEW, _NDARRAY = Tensor.__new__, np.ndarray


def elementwise(prim: P.Primitive, args: tuple) -> Tensor:
    """Apply a registry primitive to tensors (and numbers or arrays), recording it."""
    arrays, parents = _arrays(args)
    try:
        value = prim.impl(*arrays)
    except ValueError as exc:
        shapes = " and ".join(str(np.shape(a)) for a in arrays)
        raise InputError(f"{prim.name}: shapes {shapes} do not broadcast ({exc})") from None
    except TypeError as exc:
        raise InputError(f"{prim.name}: {exc}") from None
    return _record(value, prim, args, arrays, parents)


def structural(op: ops.ArrayPrimitive, args: tuple) -> Tensor:
    """Apply a structural primitive of :mod:`autodiff.autograd.ops`, recording it."""
    arrays, parents = _arrays(args)
    try:
        value = op.impl(*arrays)
    except InputError:
        raise
    except (ValueError, IndexError, TypeError) as exc:
        n = len(args) - op.nparams
        shapes = ", ".join(str(np.shape(a)) for a in arrays[:n])
        kind = IndexInputError if isinstance(exc, IndexError) else InputError
        raise kind(f"{op.name}: {exc} (shapes {shapes})") from None
    return _record(value, op, args, arrays, parents)


def _method(prim: P.Primitive):
    def method(self: Tensor) -> Tensor:
        return elementwise(prim, (self,))
    method.__name__ = prim.name
    method.__doc__ = f"``{prim.text.format('x')}`` entry by entry (the registry's primitive)."
    return method


# a method for every one-argument primitive of the registry that has none written above
for _prim in P.REGISTRY.values():
    if _prim.arity == 1 and not hasattr(Tensor, _prim.name):
        setattr(Tensor, _prim.name, _method(_prim))
Tensor.arcsin, Tensor.arccos, Tensor.arctan = Tensor.asin, Tensor.acos, Tensor.atan
Tensor.arcsinh, Tensor.arccosh, Tensor.arctanh = Tensor.asinh, Tensor.acosh, Tensor.atanh
Tensor.negative = Tensor.neg

#: numpy's ufuncs that are registry primitives: ``np.exp(tensor)`` records ``exp``
_UFUNCS = {np.add: P.add, np.subtract: P.sub, np.multiply: P.mul, np.divide: P.div,
           np.power: P.pow_, np.negative: P.neg, np.exp: P.exp, np.log: P.log,
           np.log1p: P.log1p, np.expm1: P.expm1, np.sqrt: P.sqrt, np.abs: P.abs_,
           np.sin: P.sin, np.cos: P.cos, np.tan: P.tan, np.arcsin: P.asin, np.arccos: P.acos,
           np.arctan: P.atan, np.sinh: P.sinh, np.cosh: P.cosh, np.tanh: P.tanh,
           np.arcsinh: P.asinh, np.arccosh: P.acosh, np.arctanh: P.atanh, np.sign: P.sign,
           np.maximum: P.maximum, np.minimum: P.minimum, np.exp2: P.exp2, np.log2: P.log2,
           np.log10: P.log10, np.square: P.square, np.reciprocal: P.reciprocal,
           np.floor: P.floor, np.ceil: P.ceil, np.mod: P.mod}
_COMPARISONS = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
                np.isfinite, np.isnan, np.isinf, np.logical_and, np.logical_or, np.logical_not,
                np.signbit}

def _set_where(mask: Any, value: Any, number: float) -> Any:
    """``number`` where ``mask`` holds, else ``value``, recorded (a ``where``): for the
    registry's safe partials (:func:`autodiff.primitives.zero_where`)."""
    value = value if isinstance(value, Tensor) else _new(np.asarray(value))
    shape = np.broadcast_shapes(np.shape(mask), value.shape)
    cond = np.broadcast_to(np.asarray(mask, dtype=bool), shape)
    return structural(ops.where, (cond, value.data.dtype.type(number), value))


P.register_atom(Tensor, elementwise)
P.register_where(Tensor, _set_where)
ops._HANDLER[:] = [Tensor, structural]
tape.Tensor = Tensor
