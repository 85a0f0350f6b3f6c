"""JAX-style transformations of functions of tensors: ``grad``, ``jvp``, ``vjp``, ``jacfwd``…

Each transformation calls the function once on fresh input tensors, which records its tape,
then sweeps that tape with the registry's rules:

* reverse mode, :func:`vjp`: ``ū ↦ ūᵀ J``, one sweep per cotangent ``ū`` (the adjoint table:
  ``v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j``); :func:`grad` is ``vjp`` with ``ū = 1``,
  :func:`jacrev` one sweep per output entry;
* forward mode, :func:`jvp`: ``ẋ ↦ J ẋ``, one sweep per direction in tape order (the tangent
  table: ``v̇_i = Σ_{j ∈ parents(i)} v̇_j ∂v_i/∂v_j``); :func:`jacfwd` one sweep per input entry.

Transformations compose: inside another transformation the sweeps run on tensors and are
recorded, so :func:`hessian` is ``jacfwd(grad(f))`` (forward over reverse) and :func:`hvp`
is ``jvp(grad(f))``. Results are tensors (off the tape at the outermost level).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import InputError
from . import ops
from .tape import enable_grad, reverse
from .tensor import Tensor, _data, _new, structural

_DEPTH = [0]  # how many transformations are running: inside one, sweeps are recorded


def _inputs(args: Sequence[Any], argnums: Sequence[int]) -> tuple[list[Any], list[Tensor], bool]:
    """Fresh input tensors for the positions ``argnums``; inside an outer transformation they
    are linked to the outer inputs by an identity step, so the outer sweep sees through."""
    nested = False
    xs = list(args)
    for k in argnums:
        if k >= len(xs):
            raise InputError(f"argnums: argument {k} was asked for, but only {len(xs)} given")
        a = xs[k]
        if isinstance(a, Tensor) and a.requires_grad and _DEPTH[0] > 0:
            xs[k] = structural(ops.reshape, (a, a.shape))
            nested = True
        else:
            data = np.asarray(_data(a))
            if data.dtype.kind != "f":
                data = Tensor(data).data
            xs[k] = Tensor(data, requires_grad=True)
    return xs, [xs[k] for k in argnums], nested


def _call(f: Callable, xs: Sequence[Any], kwargs: dict | None = None) -> Any:
    _DEPTH[0] += 1
    try:
        with enable_grad():
            return f(*xs, **(kwargs or {}))
    finally:
        _DEPTH[0] -= 1


def _tensor(out: Any, what: str) -> Tensor:
    if isinstance(out, Tensor):
        return out
    try:
        return Tensor(out)
    except InputError:
        raise InputError(f"{what}: the function must return a tensor, got {type(out).__name__}") \
            from None


def _finish(x: Any, like: Tensor, nested: bool) -> Tensor:
    if x is None:
        return _new(np.zeros_like(like.data))
    if isinstance(x, Tensor):
        return x if nested else x.detach()
    return _new(np.asarray(x, dtype=like.data.dtype))


def _argnums(argnums: int | Sequence[int]) -> tuple[tuple[int, ...], bool]:
    return ((argnums,), True) if isinstance(argnums, int) else (tuple(argnums), False)


def vjp(f: Callable, *primals: Any) -> tuple[Tensor, Callable[[Any], tuple[Tensor, ...]]]:
    """``f(*primals)`` and the function ``ū ↦ (ūᵀ ∂f/∂x_1, …)``, one reverse sweep per call."""
    xs, inputs, nested = _inputs(primals, range(len(primals)))
    out = _tensor(_call(f, xs), "vjp")

    def pullback(cotangent: Any) -> tuple[Tensor, ...]:
        seed = cotangent if nested and isinstance(cotangent, Tensor) else \
            np.asarray(_data(cotangent), dtype=out.dtype)
        if np.shape(seed) != out.shape:
            raise InputError(f"vjp: the cotangent has shape {np.shape(seed)}, the output "
                             f"{out.shape}")
        if not out.requires_grad:
            return tuple(_finish(None, x, nested) for x in inputs)
        adj = reverse([out], [seed], wanted=inputs, create_graph=nested)
        return tuple(_finish(g, x, nested) for x, g in adj)

    return (out if nested else out.detach()), pullback


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0,
                   has_aux: bool = False) -> Callable:
    """``x ↦ (f(x), ∇f(x))`` for a scalar ``f``: one primal sweep and one reverse sweep.

    ``argnums`` (an int or a tuple) says which positional arguments to differentiate; keyword
    arguments are passed through undifferentiated. With ``has_aux=True``, ``f`` returns
    ``(value, aux)`` and the result is ``((value, aux), gradient)`` (JAX's convention)."""
    nums, single = _argnums(argnums)

    def vg(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        xs, inputs, nested = _inputs(args, nums)
        out = _call(f, xs, kwargs)
        aux = None
        if has_aux:
            if not isinstance(out, tuple | list) or len(out) != 2:
                raise InputError("grad(has_aux=True): the function must return a pair "
                                 "(value, aux)")
            out, aux = out
        out = _tensor(out, "grad")
        if out.data.size != 1:
            raise InputError(f"grad: the function must return a scalar, got shape {out.shape}; "
                             "use jacrev or vjp for a vector output")
        if out.requires_grad:
            seed = _new(np.ones_like(out.data)) if nested else np.ones_like(out.data)
            adj = reverse([out], [seed], wanted=inputs, create_graph=nested)
        else:
            adj = [(x, None) for x in inputs]
        grads = tuple(_finish(g, x, nested) for x, g in adj)
        value = out if nested else out.detach()
        if has_aux:
            value = (value, _detached(aux, nested))
        return value, (grads[0] if single else grads)

    if not has_aux:
        vg.transform = ("value_and_grad", f, nums, single)  # read by autodiff.compile
    return vg


def _detached(aux: Any, nested: bool) -> Any:
    if nested:
        return aux
    if isinstance(aux, Tensor):
        return aux.detach()
    if isinstance(aux, tuple | list):
        return type(aux)(_detached(a, nested) for a in aux)
    if isinstance(aux, dict):
        return {k: _detached(v, nested) for k, v in aux.items()}
    return aux


def grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """``x ↦ ∇f(x)`` for a scalar ``f`` (reverse mode); ``argnums`` as in JAX (a tuple gives a
    tuple of gradients), keyword arguments passed through; ``has_aux=True``: ``f`` returns
    ``(value, aux)`` and ``grad`` returns ``(gradient, aux)``."""
    vg = value_and_grad(f, argnums, has_aux)

    def g(*args: Any, **kwargs: Any) -> Any:
        value, gradient = vg(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient
    if not has_aux:
        g.transform = ("grad", f, *vg.transform[2:])  # read by autodiff.compile
    return g


def elementwise_grad(f: Callable, argnums: int = 0) -> Callable:
    """``x ↦ ∂f_i/∂x_i`` entry by entry, for an ``f`` that acts elementwise (``sin``, an
    activation): the vjp with a cotangent of ones, ``Σ_i ∂f_i/∂x_j``, which for such an ``f`` is
    the diagonal of its Jacobian (autograd's ``elementwise_grad``)."""
    def eg(*args: Any, **kwargs: Any) -> Tensor:
        others = list(args)

        def one(x: Any) -> Any:
            others[argnums] = x
            return f(*others, **kwargs)
        out, pullback = vjp(one, args[argnums])
        return pullback(np.ones(out.shape, dtype=out.dtype))[0]
    return eg


def tape_of(outputs: Sequence[Any]) -> list[Tensor]:
    """The records that lead to ``outputs`` (non-tensors ignored), in tape (evaluation) order,
    found with a stack."""
    seen: set[int] = set()
    stack = [t for t in outputs if isinstance(t, Tensor) and t._op is not None]
    nodes = []
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        nodes.append(t)
        stack.extend(a for a in t._args if isinstance(a, Tensor) and a._op is not None)
    nodes.sort(key=lambda t: t._seq)
    return nodes


def _push(nodes: list[Tensor], seeds: dict[int, Any], recorded: bool) -> dict[int, Any]:
    """One tangent sweep: ``v̇_i = Σ_j v̇_j ∂v_i/∂v_j`` in tape order from the seeded inputs."""
    tan = dict(seeds)
    for t in nodes:
        op, args = t._op, t._args
        atoms = args if recorded else [_data(a) for a in args]
        ans = t if recorded else t.data
        total = None
        if type(op) is ops.ArrayPrimitive:
            for k in range(len(args) - op.nparams):
                if id(args[k]) in tan:
                    c = op.jvp(k, tan[id(args[k])], ans, *atoms)
                    total = c if total is None else total + c
        else:
            for a, rule in zip(args, op.partials, strict=True):
                if id(a) in tan:
                    c = tan[id(a)] * rule(*atoms, ans)
                    total = c if total is None else total + c
            if total is not None and total.shape != t.shape:
                total = ops.broadcast_to(total, t.shape)
        if total is not None:
            tan[id(t)] = total
    return tan


def _linearize(f: Callable, primals: Sequence[Any]):
    xs, inputs, nested = _inputs(primals, range(len(primals)))
    out = _call(f, xs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    outs = [_tensor(o, "jvp") for o in outs]
    nodes = tape_of(outs)

    def push(tangents: Sequence[Any]) -> list[Tensor]:
        if len(tangents) != len(inputs):
            raise InputError(f"jvp: {len(inputs)} primals but {len(tangents)} tangents")
        seeds = {}
        for x, v in zip(inputs, tangents, strict=True):
            v = v if nested and isinstance(v, Tensor) else np.asarray(_data(v), dtype=x.dtype)
            if np.shape(v) != x.shape:
                raise InputError(f"jvp: a tangent has shape {np.shape(v)}, its primal {x.shape}")
            seeds[id(x)] = v
        tan = _push(nodes, seeds, nested)
        return [_finish(tan.get(id(o)), o, nested) for o in outs]

    shown = [o if nested else o.detach() for o in outs]
    return (shown if isinstance(out, (tuple, list)) else shown[0]), push, inputs, outs


def jvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """``(f(x), J ẋ)``: the value and the directional derivative along ``tangents`` (forward
    mode, one tangent sweep)."""
    value, push, _, _ = _linearize(f, primals)
    t = push(tangents)
    return value, (t if isinstance(value, list) else t[0])


def jacfwd(f: Callable, argnums: int = 0) -> Callable[..., Tensor]:
    """``x ↦ ∂f/∂x`` of shape ``f(x).shape + x.shape``, one tangent sweep per entry of ``x``."""
    def jac(*args: Any) -> Tensor:
        _, push, inputs, outs = _linearize(lambda x: f(*args[:argnums], x, *args[argnums + 1:]),
                                           (args[argnums],))
        (x,), (out,) = inputs, outs
        cols = []
        for i in range(x.data.size):
            e = np.zeros(x.data.size, dtype=x.dtype)
            e[i] = 1
            cols.append(push([e.reshape(x.shape)])[0].reshape(out.shape + (1,)))
        if not cols:
            return _new(np.zeros(out.shape + x.shape, dtype=out.dtype))
        return structural(ops.concatenate, (*cols, -1)).reshape(out.shape + x.shape)

    return jac


def jacrev(f: Callable, argnums: int = 0) -> Callable[..., Tensor]:
    """``x ↦ ∂f/∂x`` of shape ``f(x).shape + x.shape``, one reverse sweep per output entry."""
    def jac(*args: Any) -> Tensor:
        x = args[argnums]
        out, pullback = vjp(lambda x: f(*args[:argnums], x, *args[argnums + 1:]), x)
        rows = []
        for i in range(out.data.size):
            e = np.zeros(out.data.size, dtype=out.dtype)
            e[i] = 1
            g = pullback(e.reshape(out.shape))[0]
            rows.append(g.reshape((1,) + g.shape))
        shape = out.shape + tuple(np.shape(_data(x)))
        if not rows:
            return _new(np.zeros(shape, dtype=out.dtype))
        return structural(ops.concatenate, (*rows, 0)).reshape(shape)

    return jac


def hessian(f: Callable, argnums: int = 0) -> Callable[..., Tensor]:
    """``x ↦ ∂²f/∂x²`` for a scalar ``f``: forward over reverse, ``jacfwd(grad(f))``. For
    small problems: it costs one tangent sweep of the gradient's tape per entry of ``x``."""
    return jacfwd(grad(f, argnums), argnums)


def hvp(f: Callable, x: Any, v: Any) -> Tensor:
    """The Hessian-vector product ``∇²f(x) v`` without the Hessian: ``jvp(grad(f), x, v)``."""
    return jvp(grad(f), (x,), (v,))[1]
