"""The structural array primitives: matmul, linear, reductions, shapes, indexing, where, clip,
softmax and friends, einsum.

Elementwise operations (``add``, ``exp``, ``sigmoid``, …) are the registry's primitives
(:data:`autodiff.primitives.REGISTRY`) with their local partials ``∂v_i/∂v_j``; the tensor
engine applies those same rules to arrays. The operations here are not elementwise, so a
local partial is not a number per entry but a linear map. Each entry therefore declares, next
to its numpy forward, the two linear maps of its derivative, one argument ``k`` at a time:

* ``jvp(k, v̇_k, ans, *args)``: the contribution of the tangent ``v̇_k`` to ``v̇_i``
  (``v̇_i = Σ_k jvp(k, v̇_k, …)``, the lecture's ``Σ_j v̇_j ∂v_i/∂v_j``);
* ``vjp(k, v̄_i, ans, *args)``: the contribution ``v̄_i ∂v_i/∂v_k`` to the adjoint ``v̄_k``,
  in the shape of argument ``k`` (or, for a full reduction on arrays, one number that
  broadcasts to it: :func:`autodiff.autograd.tape.reverse` broadcasts it where needed).

Both maps are written with these primitives themselves (``sum``'s adjoint is a
``broadcast_to``, ``getitem``'s is a ``scatter``), so the same rule runs on numpy arrays (a
fast reverse sweep) and on tensors (a recorded one, for second derivatives). Broadcasting is
undone only by :func:`autodiff.broadcast.unbroadcast`.

``args`` are the array arguments followed by ``nparams`` static parameters (an axis, a shape,
an index). Ties in ``max`` and ``min`` share the adjoint equally (as ``torch.amax``); ``clip``
passes the adjoint where ``lo <= x <= hi`` (as ``torch.clamp``); ``prod`` gives an entry the
product of the others (exact where some are 0, as ``torch.prod``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import primitives as P
from ..broadcast import unbroadcast
from ..errors import InputError
from ..term import Term
from . import printing

_HANDLER: list[Any] = [None, None]  # (atom class, apply) set by autodiff.autograd.tensor
_ATOMS: dict[type, Callable[..., Any]] = {}


def register_atom(cls: type, handler: Callable[..., Any]) -> None:
    """Make ``op(*args)`` call ``handler(op, args)`` when an argument is a ``cls`` (the code
    atoms of :mod:`autodiff.codegen`), as :func:`autodiff.primitives.register_atom` does."""
    _ATOMS[cls] = handler


@dataclass(frozen=True, eq=False)
class ArrayPrimitive:
    """A structural primitive: ``impl(*arrays, *params)`` and its jvp/vjp linear maps.

    Args:
        name: the name printed in traces (``matmul``, ``sum``).
        impl: the numpy implementation.
        jvp: ``jvp(k, tangent_k, ans, *args)``, the tangent contribution of argument ``k``.
        vjp: ``vjp(k, adjoint, ans, *args)``, the adjoint contribution to argument ``k``.
        nparams: how many trailing arguments are static parameters, not arrays.
        text: a template for printing, ``{0}``… for the arrays, ``{p}`` for the parameters.
        printed: ``printed(count)``, the local partials as a tensor trace prints them, one rule
            ``rule(*arrays, ans)`` per array argument over printable atoms (``count``: the
            entries a reduction adds up); None prints each as ``1`` ("broadcast back").
    """

    name: str
    impl: Callable[..., Any]
    jvp: Callable[..., Any]
    vjp: Callable[..., Any]
    nparams: int = 0
    text: str = ""
    printed: Callable[[int], tuple[Callable[..., Any], ...]] | None = None

    def __call__(self, *args: Any) -> Any:
        cls = _HANDLER[0]
        for a in args:
            if isinstance(a, cls):
                return _HANDLER[1](self, args)
            if _ATOMS and type(a) in _ATOMS:
                return _ATOMS[type(a)](self, args)
        return self.impl(*args)

    def __repr__(self) -> str:
        return f"<array primitive {self.name}>"


ARRAY_REGISTRY: dict[str, ArrayPrimitive] = {}


def _register(name, impl, jvp, vjp, nparams=0, text="", printed=None) -> ArrayPrimitive:
    p = ArrayPrimitive(name, impl, jvp, vjp, nparams, text or name + "({0}{p})", printed)
    ARRAY_REGISTRY[name] = p
    return p


def data_of(x: Any) -> Any:
    """The numpy value of an atom (a tensor's ``.data``; an array or number as it is)."""
    return x.data if isinstance(x, _HANDLER[0]) else x


def kept_shape(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    """``shape`` with the reduced axes kept as 1 (``keepdims=True``)."""
    if axis is None:
        return (1,) * len(shape)
    axes = {a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _count(shape: tuple[int, ...], axis: Any) -> int:
    """How many entries a reduction over ``axis`` adds up (``n`` of a mean)."""
    if axis is None:
        return math.prod(shape)
    return math.prod(shape) // max(math.prod(kept_shape(shape, axis)), 1)


def _fraction(x: Any, count: int) -> Any:
    """A mean's printed partial ``1/n``, kept a fraction in a printed rule: ``v̄8 = v̄9/64``."""
    return Term(P.div, (1.0, float(count))) if isinstance(x, Term) else 1 / count


def _mean(x, axis, keepdims):
    n = x.size if axis is None and type(x) is np.ndarray else _count(np.shape(x), axis)
    total = np.add.reduce(x, axis=axis, keepdims=keepdims)
    if n == 0:  # the mean of nothing is nan, as in PyTorch (numpy would warn)
        return np.full(np.shape(total), np.nan, dtype=np.result_type(total, np.float16))
    return total / n


def _mean_scale(x, axis):
    """``1/n`` for the adjoint of a mean of ``n`` entries (nan for none: no entry gets one)."""
    if axis is None:
        n = x.size if type(x) is np.ndarray else math.prod(np.shape(x))
    else:
        n = _count(np.shape(x), axis)
    return 1 / n if n else math.nan


def _matmul_impl(a, b):
    try:
        return np.matmul(a, b)
    except ValueError:
        sa, sb = np.shape(a), np.shape(b)
        raise InputError(f"matmul: shapes {sa} and {sb} do not align: the left operand's last "
                         f"axis has {sa[-1] if sa else 'no'} entries, the right operand's "
                         f"{'second-last' if len(sb) > 1 else 'only'} axis "
                         f"{sb[-2] if len(sb) > 1 else (sb[0] if sb else 'none')}") from None


def _mT(x):
    nd = len(np.shape(x))
    return transpose(x, (1, 0) if nd == 2 else tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _matmul_vjp(k, g, ans, a, b):
    """``Ā = Ḡ Bᵀ``, ``B̄ = Aᵀ Ḡ``, with 1-D operands promoted and batch axes unbroadcast."""
    if a.ndim == 2 and b.ndim == 2:  # ``@`` and ``.T`` serve arrays and tensors alike
        return g @ b.T if k == 0 else a.T @ g
    sa, sb = np.shape(a), np.shape(b)
    a2 = reshape(a, (1,) + sa) if len(sa) == 1 else a
    b2 = reshape(b, sb + (1,)) if len(sb) == 1 else b
    gs = np.shape(g) + ((1,) if len(sb) == 1 else ())
    gs = gs[:-1] + (1,) + gs[-1:] if len(sa) == 1 else gs
    g2 = reshape(g, gs)
    if k == 0:
        return reshape(unbroadcast(matmul(g2, _mT(b2)), np.shape(a2)), sa)
    return reshape(unbroadcast(matmul(_mT(a2), g2), np.shape(b2)), sb)


def _linear_impl(x, w, *b):
    out = _matmul_impl(x, w.T)
    return out + b[0] if b else out


def _linear_jvp(k, t, ans, x, w, *b):
    """``ẏ = Ẋ Wᵀ + X Ẇᵀ + ḃ``, one argument at a time."""
    if k == 0:
        return matmul(t, transpose(w, None))
    if k == 1:
        return matmul(x, transpose(t, None))
    return broadcast_to(t, np.shape(ans))


def _linear_vjp(k, g, ans, x, w, *b):
    """``X̄ = Ḡ W``, ``W̄ = Ḡᵀ X`` summed over the batch axes, ``b̄ = Σ_rows Ḡ``.

    Written with ``@`` and ``.T``, which arrays and tensors both have (as ``matmul``'s)."""
    if k == 0:
        return g @ w
    if k == 1:
        if x.ndim != 2:  # one example, or several batch axes: rows of a matrix
            x, g = reshape(x, (-1, w.shape[-1])), reshape(g, (-1, w.shape[0]))
        return g.T @ x
    if g.ndim == 2 and b[0].shape == g.shape[1:]:  # a batch of rows: b̄ = Ḡ.sum(0)
        return g.sum(0)
    return unbroadcast(g, b[0].shape)


def _reduce_vjp(g, x, axis, keepdims, scale=1):
    """The adjoint of a reduction: ``v̄`` (times ``scale``) broadcast back over the axes.

    A full reduction's array adjoint is one number for every entry; it is returned as that
    number, and the reverse sweep broadcasts it only where an array is needed."""
    if axis is None and not isinstance(g, _HANDLER[0]):
        return g if scale == 1 else g * scale
    shape = np.shape(x)
    if not keepdims and axis is not None:  # a full reduction's 0-d adjoint broadcasts as it is
        g = reshape(g, kept_shape(shape, axis))
    return broadcast_to(g if scale == 1 else g * scale, shape)


def _broadcast_impl(x, shape):
    kind = type(x)
    out = np.empty(shape, dtype=x.dtype if kind is np.ndarray or kind is np.float64
                   else np.result_type(x))
    out[...] = x
    return out


def _max_weights(x, ans, axis):
    """Where ``x`` attains its maximum, ``1/(number of ties)``: ties share the adjoint."""
    xv = data_of(x)
    hit = xv == np.reshape(data_of(ans), kept_shape(xv.shape, axis))
    return (hit / np.sum(hit, axis=axis, keepdims=True)).astype(xv.dtype, copy=False)


def _getitem_vjp(k, g, ans, x, index):
    return scatter(g, index, np.shape(x))


def _scatter_impl(g, index, shape):
    out = np.zeros(shape, dtype=np.result_type(g))
    if _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def _is_basic(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice))
               for i in items)


def _concat_impl(*args):
    *arrays, axis = args
    return np.concatenate(arrays, axis=axis)


def _concat_piece(k, args):
    *arrays, axis = args
    sizes = [np.shape(a)[axis] for a in arrays]
    start = sum(sizes[:k])
    nd = len(np.shape(arrays[0]))
    index = [slice(None)] * nd
    index[axis] = slice(start, start + sizes[k])
    return tuple(index)


def _where_vjp(k, g, ans, cond, a, b):
    c = data_of(cond)
    if k == 1:
        return unbroadcast(where(c, g, 0.0), np.shape(a))
    if k == 2:
        return unbroadcast(where(c, 0.0, g), np.shape(b))
    raise InputError("where: the condition is not differentiable")


def _clip_mask(x, lo, hi):
    xv = data_of(x)
    mask = np.ones(xv.shape, dtype=bool)
    if lo is not None:
        mask &= xv >= lo
    if hi is not None:
        mask &= xv <= hi
    return mask.astype(xv.dtype)


# -- the table of structural primitives ------------------------------------------------------
matmul       = _register("matmul", _matmul_impl,
                         lambda k, t, ans, a, b: matmul(t, b) if k == 0 else matmul(a, t),
                         _matmul_vjp, text="{0} @ {1}",
                         printed=lambda count: (lambda a, b, ans: b, lambda a, b, ans: a))
linear       = _register("linear", _linear_impl, _linear_jvp, _linear_vjp, text="{0} @ {1}ᵀ + {2}",
                         printed=lambda count: (lambda x, w, *b: w, lambda x, w, *b: x,
                                                lambda *a: 1))
sum_         = _register("sum", lambda x, axis, keepdims: np.add.reduce(x, axis, keepdims=keepdims),
                         lambda k, t, ans, x, axis, keepdims: sum_(t, axis, keepdims),
                         lambda k, g, ans, x, axis, keepdims: _reduce_vjp(g, x, axis, keepdims), 2)
mean         = _register("mean", _mean,
                         lambda k, t, ans, x, axis, keepdims: mean(t, axis, keepdims),
                         lambda k, g, ans, x, axis, keepdims:
                         _reduce_vjp(g, x, axis, keepdims, _mean_scale(x, axis)), 2,
                         printed=lambda count: (lambda x, ans: _fraction(x, count),))
def _extremum(name: str, ufunc: np.ufunc) -> ArrayPrimitive:
    """``max``/``min`` over ``axis``: the adjoint goes to the entries equal to the result, split
    evenly between ties (:func:`_max_weights`), as PyTorch's ``amax``/``amin``."""
    return _register(name,
                     lambda x, axis, keepdims: ufunc.reduce(x, axis, keepdims=keepdims),
                     lambda k, t, ans, x, axis, keepdims:
                     sum_(t * _max_weights(x, ans, axis), axis, keepdims),
                     lambda k, g, ans, x, axis, keepdims:
                     _reduce_vjp(g, x, axis, keepdims) * _max_weights(x, ans, axis), 2,
                     printed=lambda count: (lambda x, ans: printing.hit(x, ans),))


max_         = _extremum("max", np.maximum)
reshape      = _register("reshape", lambda x, shape: np.asarray(x).reshape(shape),
                         lambda k, t, ans, x, shape: reshape(t, shape),
                         lambda k, g, ans, x, shape: reshape(g, np.shape(x)), 1)
transpose    = _register("transpose", lambda x, axes: np.asarray(x).transpose(axes),
                         lambda k, t, ans, x, axes: transpose(t, axes),
                         lambda k, g, ans, x, axes:
                         transpose(g, None if axes is None else tuple(np.argsort(axes))), 1)
broadcast_to = _register("broadcast_to", _broadcast_impl,
                         lambda k, t, ans, x, shape: broadcast_to(t, shape),
                         lambda k, g, ans, x, shape: unbroadcast(g, np.shape(x)), 1)
getitem      = _register("getitem", lambda x, index: x[index],
                         lambda k, t, ans, x, index: getitem(t, index), _getitem_vjp, 1,
                         text="{0}[{p}]")
scatter      = _register("scatter", _scatter_impl,
                         lambda k, t, ans, g, index, shape: scatter(t, index, shape),
                         lambda k, g, ans, x, index, shape: getitem(g, index), 2)
concatenate  = _register("concatenate", _concat_impl,
                         lambda k, t, ans, *args: scatter(t, _concat_piece(k, args), np.shape(ans)),
                         lambda k, g, ans, *args: getitem(g, _concat_piece(k, args)), 1)
where        = _register("where", np.where,
                         lambda k, t, ans, c, a, b: broadcast_to(
                             where(data_of(c), t, 0.0) if k == 1 else where(data_of(c), 0.0, t),
                             np.shape(ans)),
                         _where_vjp,
                         printed=lambda count: (lambda c, a, b, ans: 0,
                                                lambda c, a, b, ans: printing.mask(c),
                                                lambda c, a, b, ans: printing.unmask(c)))
clip         = _register("clip", lambda x, lo, hi: np.clip(x, lo, hi),
                         lambda k, t, ans, x, lo, hi: t * _clip_mask(x, lo, hi),
                         lambda k, g, ans, x, lo, hi: g * _clip_mask(x, lo, hi), 2,
                         printed=lambda count: (lambda x, ans: printing.hit(x, ans),))
# ---------------------------------------------------------------------------------------------


# -- reductions along an axis, softmax, shapes, einsum (the Tensor API of issue 17) ----------
def _axes(axis, nd):
    return tuple(range(nd)) if axis is None else ((axis,) if isinstance(axis, int) else axis)


def _others_product(x, axis):
    """``∏_{j ≠ i} x_j`` over the reduced axes for every entry ``i``: ``∂(∏ x)/∂x_i``, exact
    where entries are 0 (prefix times suffix products, no division)."""
    v = np.asarray(data_of(x))
    if v.ndim == 0:
        return np.ones_like(v)
    nd, axes = v.ndim, tuple(a % v.ndim for a in _axes(axis, v.ndim))
    ends = tuple(range(nd - len(axes), nd))
    moved = np.moveaxis(v, axes, ends)
    flat = moved.reshape(moved.shape[:nd - len(axes)] + (-1,))
    ones = np.ones_like(flat[..., :1])
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], -1), -1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(flat, -1)[..., :-1]], -1), -1), -1)
    return np.moveaxis((left * right).reshape(moved.shape), ends, axes)


def _prod_partial(x, ans, axis, keepdims):
    """``∂ans/∂x`` entry by entry: on tensors without zeros ``ans/x`` (so it is recorded and
    differentiable again), else the product of the others (a constant)."""
    if isinstance(x, _HANDLER[0]) and np.all(data_of(x) != 0):
        return reshape(ans, kept_shape(np.shape(x), axis)) / x
    return _others_product(x, axis)


def _logsumexp_impl(x, axis, keepdims):
    """``log Σ e^{x_i}``, shifted by the maximum (``−inf`` rows stay ``−inf``)."""
    m = np.maximum.reduce(x, axis, keepdims=True) if np.size(x) else np.zeros(
        kept_shape(np.shape(x), axis), dtype=np.result_type(x))
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.add.reduce(np.exp(x - m), axis, keepdims=True)) + m
    return out if keepdims else np.reshape(out, _reduced_shape(np.shape(x), axis))


def _reduced_shape(shape, axis):
    if axis is None:
        return ()
    axes = {a % len(shape) for a in _axes(axis, len(shape))}
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _logsumexp_weights(x, ans, axis):
    """``softmax(x)`` along ``axis``: ``∂ logsumexp/∂x_i = e^{x_i − ans}``."""
    from .. import primitives as P

    return P.exp(x - reshape(ans, kept_shape(np.shape(x), axis)))


def _softmax_impl(x, axis):
    e = np.exp(x - np.maximum.reduce(x, axis, keepdims=True))
    return e / np.add.reduce(e, axis, keepdims=True)


def _log_softmax_impl(x, axis):
    return x - _logsumexp_impl(x, axis, True)


def _softmax_map(k, v, ans, x, axis):
    """``s ⊙ (v − Σ v s)`` along ``axis``: the Jacobian of softmax is symmetric, so this one
    map is both its jvp and its vjp."""
    return ans * (v - sum_(v * ans, axis, True))


def _tile_vjp(k, g, ans, x, reps):
    """Sum the copies: ``g`` of shape ``(r₀s₀, r₁s₁, …)`` seen as ``(r₀, s₀, r₁, s₁, …)``."""
    shape = np.shape(x)
    reps = tuple(reps)
    nd = max(len(shape), len(reps))
    s = (1,) * (nd - len(shape)) + tuple(shape)
    r = (1,) * (nd - len(reps)) + reps
    split = tuple(n for pair in zip(r, s, strict=True) for n in pair)
    total = sum_(reshape(g, split), tuple(range(0, 2 * nd, 2)), False)
    return reshape(total, shape)


def _pad_slices(x, widths):
    return tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, np.shape(x), strict=True))


def _einsum_parts(subscripts, n):
    if "." in subscripts:
        raise InputError("einsum: ellipsis ('...') is not supported; write every axis")
    spec = subscripts.replace(" ", "")
    ins, _, out = spec.partition("->")
    inputs = ins.split(",")
    if len(inputs) != n:
        raise InputError(f"einsum: {len(inputs)} operands in {subscripts!r}, {n} given")
    if "->" not in spec:  # numpy's implicit output: the letters that occur once, sorted
        letters = "".join(inputs)
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return inputs, out


def _einsum_impl(*args):
    *arrays, subscripts = args
    inputs, out = _einsum_parts(subscripts, len(arrays))
    for sub, a in zip(inputs, arrays, strict=True):
        if len(set(sub)) != len(sub):
            raise InputError(f"einsum: a repeated index within one operand ({sub!r}, a "
                             "diagonal) is not supported")
        if len(sub) != np.ndim(a):
            raise InputError(f"einsum: {sub!r} names {len(sub)} axes, the operand has "
                             f"{np.ndim(a)}")
    return np.einsum(f"{','.join(inputs)}->{out}", *arrays)


def _einsum_vjp(k, g, ans, *args):
    """``Ā_k``: the einsum of ``ḡ`` (subscripts of the output) with the other operands into
    ``A_k``'s subscripts; an index of ``A_k`` found nowhere else was summed: broadcast back."""
    *arrays, subscripts = args
    inputs, out = _einsum_parts(subscripts, len(arrays))
    others = [s for i, s in enumerate(inputs) if i != k] + [out]
    known = set("".join(others))
    target = inputs[k]
    kept = "".join(c for c in target if c in known)
    ops_ = [a for i, a in enumerate(arrays) if i != k] + [g]
    part = einsum(*ops_, f"{','.join(others)}->{kept}")
    if kept == target:
        return part
    shape = np.shape(arrays[k])
    part = reshape(part, tuple(shape[i] if c in known else 1 for i, c in enumerate(target)))
    return broadcast_to(part, shape)


def _einsum_jvp(k, t, ans, *args):
    *arrays, subscripts = args
    return einsum(*[t if i == k else a for i, a in enumerate(arrays)], subscripts)


min_         = _extremum("min", np.minimum)
prod         = _register("prod",
                         lambda x, axis, keepdims: np.multiply.reduce(x, axis, keepdims=keepdims),
                         lambda k, t, ans, x, axis, keepdims:
                         sum_(t * _prod_partial(x, ans, axis, keepdims), axis, keepdims),
                         lambda k, g, ans, x, axis, keepdims:
                         _reduce_vjp(g, x, axis, keepdims) * _prod_partial(x, ans, axis, keepdims),
                         2, printed=lambda count: (lambda x, ans: ans / x,))
cumsum       = _register("cumsum", lambda x, axis: np.cumsum(x, axis),
                         lambda k, t, ans, x, axis: cumsum(t, axis),
                         lambda k, g, ans, x, axis: flip(cumsum(flip(g, (axis,)), axis), (axis,)),
                         1)
flip         = _register("flip", lambda x, axes: np.flip(x, axes),
                         lambda k, t, ans, x, axes: flip(t, axes),
                         lambda k, g, ans, x, axes: flip(g, axes), 1)
roll         = _register("roll", lambda x, shifts, axes: np.roll(x, shifts, axes),
                         lambda k, t, ans, x, shifts, axes: roll(t, shifts, axes),
                         lambda k, g, ans, x, shifts, axes:
                         roll(g, tuple(-s for s in shifts), axes), 2)
logsumexp    = _register("logsumexp", _logsumexp_impl,
                         lambda k, t, ans, x, axis, keepdims:
                         sum_(t * _logsumexp_weights(x, ans, axis), axis, keepdims),
                         lambda k, g, ans, x, axis, keepdims:
                         _reduce_vjp(g, x, axis, keepdims) * _logsumexp_weights(x, ans, axis), 2,
                         printed=lambda count: (lambda x, ans: P.exp(x - ans),))
softmax      = _register("softmax", _softmax_impl, _softmax_map, _softmax_map, 1)
log_softmax  = _register("log_softmax", _log_softmax_impl,
                         lambda k, t, ans, x, axis: t - sum_(t * _exp(ans), axis, True),
                         lambda k, g, ans, x, axis: g - _exp(ans) * sum_(g, axis, True), 1)
tile         = _register("tile", lambda x, reps: np.tile(x, reps),
                         lambda k, t, ans, x, reps: tile(t, reps), _tile_vjp, 1)
pad          = _register("pad", lambda x, widths, value: np.pad(x, widths, constant_values=value),
                         lambda k, t, ans, x, widths, value: pad(t, widths, 0.0),
                         lambda k, g, ans, x, widths, value: getitem(g, _pad_slices(x, widths)),
                         2)
einsum       = _register("einsum", _einsum_impl, _einsum_jvp, _einsum_vjp, 1,
                         text="einsum({p}, {0}, …)")
# ---------------------------------------------------------------------------------------------


def _exp(x):
    from .. import primitives as P

    return P.exp(x)


astype       = _register("astype", lambda x, dtype: np.asarray(x).astype(dtype),
                         lambda k, t, ans, x, dtype: astype(t, dtype),
                         lambda k, g, ans, x, dtype: astype(g, np.result_type(data_of(x))), 1)
