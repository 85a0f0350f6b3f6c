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
``requires_grad=True``) until it is reset (``optimizer.zero_grad()`` sets it to ``None``); the
graph is not freed, so calling ``backward`` twice adds the gradient twice.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import primitives as P
from ..errors import InputError
from . import ops, tape
from .tape import _SEQ, _Grad, reverse


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
                 "_adjoint", "__weakref__")
    __array_ufunc__ = None  # ndarray ⊕ Tensor defers to Tensor's reflected operators
    __hash__ = object.__hash__

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
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
    size = property(lambda self: self.data.size)
    T = property(lambda self: self.transpose())
    is_leaf = property(lambda self: self._op is None)

    def item(self) -> float:
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
        return float(self.data)

    def __bool__(self) -> bool:
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
    def __neg__(self): return elementwise(P.neg, (self,))
    def __pos__(self): return self
    def __matmul__(self, o): return structural(ops.matmul, (self, _operand(o)))
    def __rmatmul__(self, o): return structural(ops.matmul, (_operand(o), self))

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

    # -- reductions and shapes ----------------------------------------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False, out: None = None) -> Tensor:
        return structural(ops.sum_, (self, _axis(axis), keepdims))

    def mean(self, axis: Any = None, keepdims: bool = False, out: None = None) -> Tensor:
        return structural(ops.mean, (self, _axis(axis), keepdims))

    def max(self, axis: Any = None, keepdims: bool = False, out: None = None) -> Tensor:
        return structural(ops.max_, (self, _axis(axis), keepdims))

    def var(self, axis: Any = None, keepdims: bool = False, unbiased: bool | None = None,
            correction: int | None = None) -> Tensor:
        """``Σ (x − μ)² / (N − correction)``; the default ``correction=1`` (unbiased) is
        PyTorch's; normalization layers use ``unbiased=False`` (``correction=0``)."""
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        n = ops._count(self.shape, _axis(axis))
        centred = self - self.mean(axis, keepdims=True)
        return (centred * centred).sum(axis, keepdims) / max(n - correction, 0)

    def reshape(self, *shape: Any, order: str = "C") -> Tensor:
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return structural(ops.reshape, (self, tuple(shape)))

    def transpose(self, *axes: Any) -> Tensor:
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        return structural(ops.transpose, (self, tuple(axes) if axes else None))

    def flatten(self) -> Tensor:
        return self.reshape(-1)

    # -- elementwise functions ----------------------------------------------------------------
    def exp(self): return elementwise(P.exp, (self,))
    def log(self): return elementwise(P.log, (self,))
    def log1p(self): return elementwise(P.log1p, (self,))
    def sqrt(self): return elementwise(P.sqrt, (self,))
    def abs(self): return elementwise(P.abs_, (self,))
    def sin(self): return elementwise(P.sin, (self,))
    def cos(self): return elementwise(P.cos, (self,))
    def sigmoid(self): return elementwise(P.sigmoid, (self,))
    def tanh(self): return elementwise(P.tanh, (self,))
    def relu(self): return elementwise(P.relu, (self,))
    def softplus(self): return elementwise(P.softplus, (self,))
    def logsigmoid(self): return elementwise(P.logsigmoid, (self,))

    def clip(self, lo: float | None = None, hi: float | None = None) -> Tensor:
        return structural(ops.clip, (self, lo, hi))

    clamp = clip

    def backward(self, gradient: Any = None) -> None:
        """Add ``∂self/∂leaf`` (times ``gradient``, for a non-scalar) to every leaf's ``.grad``."""
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


P.register_atom(Tensor, elementwise)
ops._HANDLER[:] = [Tensor, structural]
tape.Tensor = Tensor
