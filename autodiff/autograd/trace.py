"""A tensor computation's tape as an evaluation trace, printed and drawn like the lecture's.

:func:`tensor_trace` turns the tape behind a result (``loss``) into an
:class:`autodiff.trace.Trace`: the tensors it was computed from are the inputs (``X``, ``w``,
``b``, ``y``, named by the caller, else ``x1``, ``x2``, … in order of first use), then one step
per recorded primitive in tape order. :func:`tensor_evaluation` adds the primal and adjoint
values of one reverse sweep and returns an :class:`autodiff.Evaluation`, so the trace
command's tables (``.render("table" | "markdown" | "latex" | "json")``) and the graph
command's drawing (``autodiff.to_svg``) show it; arrays appear by their shape and mean where
the scalar trace shows numbers.

Elementwise steps are the registry's own primitives, so their adjoint equations are the
scalar ones (``v̄3 = v̄5·v5``, read entry by entry). A structural step prints with a
primitive made for printing (``v3 = v1 @ v2``, ``v5 = mean(v4)``) whose partial names its
linear map: ``∂(A @ B)/∂A`` prints as ``B``, meaning "multiply by B on the right" (the engine
computes ``v̄_A = v̄ @ Bᵀ``); a reduction's partial is ``1`` (or ``1/n`` for ``mean``), meaning
"broadcast back"; ``max`` and ``clip`` print an indicator ``[…]`` of where the adjoint passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from ..evaluation import Evaluation
from ..primitives import Primitive
from ..reverse import ReverseSweep
from ..trace import Const, Step, Trace
from . import ops
from .functional import tape_of
from .printing import printer
from .tape import reverse
from .tensor import Tensor


def _params_text(op: ops.ArrayPrimitive, params: tuple) -> str:
    if op.name in ("sum", "mean", "max"):
        axis, keepdims = params
        parts = ([] if axis is None else [f"axis={axis}"]) + (["keepdims"] if keepdims else [])
        return "".join(", " + p for p in parts)
    if op.name == "getitem":
        return _index_text(params[0])
    if op.name == "clip":
        return "".join(f", {k}={v}" for k, v in zip(("lo", "hi"), params, strict=True)
                       if v is not None)
    if op.name == "scatter":
        return f", {_index_text(params[0])}, {params[1]}"
    return ", " + ", ".join(str(p) for p in params) if params else ""


def _index_text(index: Any) -> str:
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for i in items:
        if isinstance(i, slice):
            out.append(":".join("" if v is None else str(v) for v in (i.start, i.stop))
                       + ("" if i.step is None else f":{i.step}"))
        elif i is None or i is Ellipsis:
            out.append("None" if i is None else "...")
        elif isinstance(i, np.ndarray):
            out.append(f"<{i.dtype} {'×'.join(map(str, i.shape))}>")
        else:
            out.append(str(i))
    return ", ".join(out)


@lru_cache(maxsize=1024)
def _structural(op: ops.ArrayPrimitive, n: int, params_text: str, count: int) -> Primitive:
    """A printing primitive for ``op`` with ``n`` array arguments and these parameters: its
    partials are the ones printed on ``op``'s entry (``printed``), else each ``1``."""
    partials = op.printed(count)[:n] if op.printed else tuple((lambda *a: 1) for _ in range(n))
    if op.name == "matmul":
        return printer("matmul", "{0} @ {1}", np.matmul, partials)
    if op.name == "linear":  # x Wᵀ (+ b): the printed partials are those of matmul and add
        return printer("linear", "{0} @ {1}ᵀ" + " + {2}" * (n == 3), None, partials)
    if op.name == "transpose" and params_text in ("", ", None"):
        return printer("transpose", "{0}ᵀ", np.transpose, partials)
    if op.name == "getitem":
        return printer("getitem", "{0}[" + params_text + "]", None, partials)
    args = ", ".join(f"{{{k}}}" for k in range(n))
    return printer(op.name, f"{op.name}({args}{params_text})", None, partials)


def _names(names: Mapping[str, Tensor] | None) -> dict[int, str]:
    return {id(t): name for name, t in (names or {}).items()}


def tensor_trace(output: Tensor, names: Mapping[str, Tensor] | None = None
                 ) -> tuple[Trace, list[Any], list[Tensor | None]]:
    """The trace behind ``output``, the value of each of its variables, and the tensor each
    variable stands for (``None`` for an array constant).

    Args:
        output: a tensor computed from tensors that require grad.
        names: input name → tensor, e.g. ``{"X": X, "w": w}``; the others are ``x1``, ``x2``, …
    """
    nodes = tape_of([output])
    given = _names(names)
    index: dict[int, int] = {}
    steps: list[Step] = []
    values: list[Any] = []
    tensors: list[Tensor | None] = []
    inputs: list[Step] = []
    used = set(given.values())

    def var(a: Any) -> int | Const:
        if isinstance(a, Tensor) and id(a) in index:
            return index[id(a)]
        if not isinstance(a, (Tensor, np.ndarray)) and np.ndim(a) == 0:
            return Const(float(a))
        name = given.get(id(a))
        if name is None:
            k = len(inputs) + 1
            while f"x{k}" in used:
                k += 1
            name = f"x{k}"
            used.add(name)
        index[id(a)] = len(steps)
        step = Step(f"v{len(steps) + 1}", None, (), name)
        inputs.append(step)
        steps.append(step)
        values.append(a.data if isinstance(a, Tensor) else np.asarray(a))
        tensors.append(a if isinstance(a, Tensor) else None)
        return index[id(a)]

    for t in nodes:
        op = t._op
        if type(op) is ops.ArrayPrimitive:
            n = len(t._args) - op.nparams
            arrays, params = t._args[:n], t._args[n:]
            shape = np.shape(arrays[0].data if isinstance(arrays[0], Tensor) else arrays[0])
            count = ops._count(shape, params[0]) if op.name == "mean" else 0
            prim = _structural(op, n, _params_text(op, params), count)
        else:
            prim, arrays = op, t._args
        args = tuple(var(a) for a in arrays)
        index[id(t)] = len(steps)
        steps.append(Step(f"v{len(steps) + 1}", prim, args))
        values.append(t.data)
        tensors.append(t)
    if not nodes:
        var(output)
    # inputs first, as the lecture numbers them
    order = [i for i, s in enumerate(steps) if s.is_input] + \
            [i for i, s in enumerate(steps) if not s.is_input]
    new = {old: k for k, old in enumerate(order)}
    renamed = []
    for k, old in enumerate(order):
        s = steps[old]
        args = tuple(new[a] if type(a) is int else a for a in s.args)
        renamed.append(Step(f"v{k + 1}", s.op, args, s.input))
    trace = Trace(renamed, (new[index[id(output)]],), source="")
    return trace, [values[o] for o in order], [tensors[o] for o in order]


def tensor_evaluation(output: Tensor, names: Mapping[str, Tensor] | None = None) -> Evaluation:
    """The trace behind ``output`` with its primal values and the adjoints of one reverse
    sweep (``v̄ = 1`` at a scalar output): render it with ``.render("table")``."""
    trace, primals, tensors = tensor_trace(output, names)
    wanted = [t for t in tensors if t is not None and t.requires_grad]
    adjoints: list[Any] = [None] * len(trace)
    if output.requires_grad:
        # every input gets its adjoint here, also the data (∂f/∂X), as in the scalar tables
        constants = [t for t in tensors if t is not None and not t.requires_grad
                     and t.dtype.kind == "f"]
        seed = np.ones_like(output.data)
        found = {id(t): g for t, g in reverse([output], [seed], wanted=wanted + constants,
                                              every_tensor=True)}
        for i, t in enumerate(tensors):
            g = found.get(id(t)) if t is not None else None
            adjoints[i] = np.zeros_like(primals[i]) if g is None else np.asarray(g)
    adjoints = [np.zeros_like(p) if a is None else a for a, p in zip(adjoints, primals,
                                                                      strict=True)]
    adjoints = [a[()] for a in adjoints]
    at = {name: primals[i] for name, i in trace.inputs.items()}
    sweep = ReverseSweep(trace, [np.asarray(p)[()] for p in primals], adjoints, trace.output)
    return Evaluation(trace, "reverse", {}, at, None, sweep)
