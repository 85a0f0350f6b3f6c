"""The tape's clock and its reverse sweep; ``no_grad``.

Every recorded operation takes the next number of :data:`_SEQ`, its position on the tape, so
the tape is in evaluation order: a topological order by construction, as the lecture's
Wengert list. :func:`reverse` walks it backwards from an output, newest record first, with a
heap keyed on that position instead of recursion, and scatters each adjoint to its parents,

    v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j .

Elementwise records (registry primitives) contribute
``unbroadcast(v̄_i · partial_k(*args, ans), shape_k)``; structural ones
(:mod:`autodiff.autograd.ops`) their ``vjp``. The adjoint of a full reduction's argument is the
same number in every entry (``v̄/n`` for a mean): it travels as that number and is broadcast only
where an array is needed (by a structural rule, at a leaf, or to be summed over broadcast axes).
With ``create_graph=True`` the same rules run on tensors instead of arrays, so the adjoints are
recorded in turn and can be differentiated again.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..broadcast import unbroadcast
from . import ops

_SEQ = itertools.count(1)
Tensor: Any = None  # the tensor class, set by autodiff.autograd.tensor (which imports this module)


class _Grad:
    enabled = True


def reverse(outputs: Sequence[Any], seeds: Sequence[Any], wanted: Sequence[Any] = (),
            create_graph: bool = False, every_tensor: bool = False) -> list[tuple[Any, Any]]:
    """One reverse sweep from ``outputs`` (with adjoint ``seeds``) down the tape.

    Returns ``(tensor, adjoint)`` for each tensor in ``wanted`` (adjoint ``None`` when the
    outputs do not depend on it) or, when ``wanted`` is empty, for every leaf that requires
    grad. With ``create_graph`` the seeds and adjoints are tensors and the sweep is recorded.
    Adjoints flow to the arguments that required grad when each operation ran; with
    ``every_tensor`` to every tensor argument of a recorded operation (the data included, as
    the lecture's tables show ``∂f/∂X``).
    """
    keep = {id(t) for t in wanted} if wanted else None
    found: dict[int, Any] = {}
    leaves: list[Any] = []
    heap: list[tuple[int, Any]] = []
    pop, array_primitive = heapq.heappop, ops.ArrayPrimitive
    grad_state = _Grad.enabled
    _Grad.enabled = create_graph
    try:
        for a, c in zip(outputs, seeds, strict=True):
            _scatter(a, c, heap, leaves)
        while heap:  # newest record first: every child of t has given its contribution
            t = pop(heap)[1]
            g, t._adjoint = t._adjoint, None
            if keep is not None and id(t) in keep:
                found[id(t)] = g
            atoms, ans = (t._args, t) if create_graph else (t._atoms, t.data)
            structural = type(t._op) is array_primitive
            if structural and g.shape != t.data.shape:
                g = ops.broadcast_to(g, t.data.shape)  # a reduction's adjoint, one number
            args = t._args
            for k in t._parents if not every_tensor else _tensor_args(args):
                c = _contribution(t, k, g, atoms, ans, structural)
                _scatter(args[k], c, heap, leaves)
    except BaseException:
        for t in leaves:
            t._adjoint = None
        raise
    finally:
        _Grad.enabled = grad_state
        for _, t in heap:
            t._adjoint = None
    return _collect(leaves, wanted, keep, found)


def _scatter(a: Any, c: Any, heap: list[tuple[int, Any]], leaves: list[Any]) -> None:
    """``v̄_j += c``: the first contribution to ``a`` queues it on the heap (by its position on
    the tape, newest first) or, for a leaf, collects it."""
    if a._adjoint is None:
        a._adjoint = c
        if a._op is None:
            leaves.append(a)
        else:
            heapq.heappush(heap, (-a._seq, a))
    else:
        a._adjoint = a._adjoint + c


def _contribution(t: Any, k: int, g: Any, atoms: Sequence[Any], ans: Any,
                  structural: bool) -> Any:
    """``v̄_i ∂v_i/∂v_k`` of record ``t`` for its argument ``k``: a structural op's ``vjp``, or
    ``g · partial_k(*atoms, ans)`` of a registry primitive fitted to the argument's shape."""
    op = t._op
    if structural:
        return op.vjp(k, g, ans, *atoms)
    p = op.partials[k](*atoms, ans)
    c = (g if p == 1 else -g) if type(p) is int and (p == 1 or p == -1) else g * p
    shape = t._args[k].data.shape
    if c.shape != shape or c.shape != t.data.shape:
        c = _fit(c, shape, t.data.shape)
    return c


def _tensor_args(args: Sequence[Any]) -> list[int]:
    """Every tensor argument of a record that can carry a gradient (``every_tensor``)."""
    return [k for k, a in enumerate(args)
            if isinstance(a, Tensor) and (a.requires_grad or a.data.dtype.kind == "f")]


def _collect(leaves: list[Any], wanted: Sequence[Any], keep: set[int] | None,
             found: dict[int, Any]) -> list[tuple[Any, Any]]:
    """The adjoints asked for (every leaf's when ``wanted`` is empty), each in its tensor's
    shape; the leaves' adjoint slots are cleared for the next sweep."""
    if keep is None:
        out = [(t, _fit(t._adjoint, t.data.shape, t.data.shape)) for t in leaves]
        for t in leaves:
            t._adjoint = None
        return out
    for t in leaves:
        if id(t) in keep:
            found[id(t)] = t._adjoint
        t._adjoint = None
    return [(t, None if id(t) not in found else _fit(found[id(t)], t.data.shape, t.data.shape))
            for t in wanted]


def _fit(c: Any, shape: tuple[int, ...], out_shape: tuple[int, ...]) -> Any:
    """A contribution ``c`` to an adjoint, in ``shape``, the shape of its argument: ``c`` is
    first broadcast to the operation's ``out_shape`` (where it is a full reduction's one-number
    adjoint) and then summed over the axes broadcasting added (``unbroadcast``). A leaf's
    adjoint is fitted with ``out_shape = shape``."""
    cshape = c.shape if type(c) is np.ndarray else np.shape(c)
    if cshape != out_shape:
        c = ops.broadcast_to(c, out_shape)
    elif cshape == shape:
        return c
    return unbroadcast(c, shape)


class no_grad:  # noqa: N801 (PyTorch's name)
    """``with no_grad():`` (or ``@no_grad()``): operations are computed but not recorded."""

    def __enter__(self) -> None:
        self._prev = _Grad.enabled
        _Grad.enabled = False

    def __exit__(self, *exc: Any) -> None:
        _Grad.enabled = self._prev

    def __call__(self, fn):
        def wrapped(*args, **kwargs):
            with no_grad():
                return fn(*args, **kwargs)
        wrapped.__name__, wrapped.__doc__ = fn.__name__, fn.__doc__
        return wrapped


class enable_grad(no_grad):  # noqa: N801
    """``with enable_grad():`` records again inside a ``no_grad`` block."""

    def __enter__(self) -> None:
        self._prev = _Grad.enabled
        _Grad.enabled = True


def is_grad_enabled() -> bool:
    return _Grad.enabled
