"""The sweeps themselves recorded as traces: the tangent and the adjoint sweep as Wengert lists.

The forward sweep computes ``v̇_i = Σ_{j ∈ parents(i)} v̇_j ∂v_i/∂v_j`` and the reverse sweep
``v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j``, both from the registry's partial rules. Here the
same rules are applied to *builder atoms* (:class:`Node`): every operation on a node appends a
step to a :class:`~autodiff.trace.TraceBuilder` instead of computing a number. Running a sweep
over nodes therefore records a new trace whose outputs are the tangents or the adjoints:

* :func:`gradient_trace` records the primal sweep and one adjoint sweep: a trace computing
  ``∇f``. Differentiating it again in forward mode gives the Hessian (forward-over-reverse).
* :func:`tangent_trace` records the primal sweep and one tangent sweep along an input.

Their lengths are the operation counts of forward and reverse mode that the comparison of
methods and the swell statistics show. Identities (``a·1``, ``a + 0``, ``0·a``) are folded as
they are recorded, as a person writing the sweep by hand would not write them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import primitives as P
from ..forward import primals_of, tangents_of
from ..identities import NO_MATCH, fold
from ..reverse import adjoints_of
from ..trace import Const, Trace, TraceBuilder

_NUMBER = (int, float)


class Node(P.Operand):
    """A variable of a trace being recorded: operations on it append steps to ``builder``."""

    __slots__ = ("builder", "index")

    def __init__(self, builder: TraceBuilder, index: int) -> None:
        self.builder, self.index = builder, index



def _number(x: Any) -> np.float64 | None:
    """A number as float64, so that folded constants divide by zero as the interpreter does
    (``log(0·x)`` records ``1/0 = inf``, never a Python ``ZeroDivisionError``)."""
    return np.float64(x) if isinstance(x, _NUMBER) or hasattr(x, "dtype") else None


def record(op: P.Primitive, args: tuple) -> Any:
    """``op(*args)`` on nodes and numbers: a number when all are numbers, an identity folded,
    otherwise a new (or shared) step of the builder."""
    values = [None if isinstance(a, Node) else _number(a) for a in args]
    if None not in values:
        with np.errstate(all="ignore"):
            return np.float64(op.impl(*values))
    folded = fold(op, args, values)
    if folded is not NO_MATCH:  # a number stays float64: 1/0 is inf, not ZeroDivisionError
        return np.float64(folded) if isinstance(folded, float) else folded
    builder = next(x.builder for x in args if isinstance(x, Node))
    refs = tuple(x.index if isinstance(x, Node) else Const(float(x)) for x in args)
    return Node(builder, builder.apply(op, refs))


P.register_atom(Node, record)


@np.errstate(all="ignore")  # inf and nan are shown as values, not warned of
def _primal_nodes(trace: Trace, builder: TraceBuilder) -> list[Any]:
    """Replay the primal sweep of ``trace`` into ``builder``: one node per variable."""
    inputs = {name: Node(builder, builder.input(name)) for name in trace.inputs}
    return primals_of(trace, inputs, numeric=False)


def _finish(builder: TraceBuilder, outs: list[Any], names: list[str], source: str) -> Trace:
    """Build the recorded trace; an output that folded to a number becomes a constant step."""
    idx = []
    for v in outs:
        if not isinstance(v, Node):
            v = Node(builder, builder.apply(P.add, (Const(float(v)), Const(0.0))))
        idx.append(v.index)
    return pruned(builder.build(idx, source, names, numbered=True))


def pruned(trace: Trace) -> Trace:
    """``trace`` without the steps its outputs do not depend on (dead code), renumbered."""
    live = [s.op is None for s in trace.steps]
    for o in trace.outputs:
        live[o] = True
    for i in range(len(trace) - 1, -1, -1):
        if live[i]:
            for a in trace.steps[i].args:
                if type(a) is int:
                    live[a] = True
    new: dict[int, int] = {}
    steps = []
    for i, s in enumerate(trace.steps):
        if live[i]:
            new[i] = len(steps)
            args = tuple(new[a] if type(a) is int else a for a in s.args)
            steps.append(s._replace(var=f"v{len(steps) + 1}", args=args))
    return Trace(steps, tuple(new[o] for o in trace.outputs), trace.source)


@np.errstate(all="ignore")  # inf and nan are shown as values, not warned of
def _adjoint_sweep(trace: Trace, out: int) -> tuple[TraceBuilder, list[Any], int]:
    """The reverse interpreter (:func:`~autodiff.reverse.adjoints_of`) over recorded nodes."""
    builder = TraceBuilder()
    nodes = _primal_nodes(trace, builder)
    recorded = len(builder.steps)
    adjoints = adjoints_of(trace, nodes, out, 1.0)
    return builder, [_or_zero(adjoints[i]) for i in trace.inputs.values()], recorded


@np.errstate(all="ignore")  # inf and nan are shown as values, not warned of
def _tangent_sweep(trace: Trace, wrt: str) -> tuple[TraceBuilder, list[Any], int]:
    """The forward interpreter (:func:`~autodiff.forward.tangents_of`) over recorded nodes."""
    builder = TraceBuilder()
    nodes = _primal_nodes(trace, builder)
    recorded = len(builder.steps)
    tangents = tangents_of(trace, nodes, {n: float(n == wrt) for n in trace.inputs})
    return builder, [tangents[o] for o in trace.outputs], recorded


def _or_zero(adjoint: Any) -> Any:
    return 0.0 if adjoint is None else adjoint


def gradient_trace(trace: Trace, output: int | None = None) -> Trace:
    """A trace whose outputs are ``∂f/∂x_k`` for every input ``x_k`` (in input order).

    It is the primal sweep followed by the adjoint sweep
    ``v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j``, recorded step by step, with ``v̄_f = 1``,
    and without the steps the gradient does not need.

    >>> from autodiff import parse, primal_sweep
    >>> g = gradient_trace(parse("x1*x2"))
    >>> [float(primal_sweep(g, {"x1": 3.0, "x2": 5.0})[o]) for o in g.outputs]
    [5.0, 3.0]
    """
    builder, outs, _ = _adjoint_sweep(trace, trace.output if output is None else output)
    return _finish(builder, outs, list(trace.inputs), trace.source)


def tangent_trace(trace: Trace, wrt: str) -> Trace:
    """A trace whose outputs are the tangents ``v̇`` of every output of ``trace`` along the
    input ``wrt``: the primal and tangent sweep ``v̇_i = Σ_j v̇_j ∂v_i/∂v_j``, recorded."""
    builder, outs, _ = _tangent_sweep(trace, wrt)
    return _finish(builder, outs, list(trace.inputs), trace.source)


def sweep_operations(trace: Trace, mode: str, which: str | int | None = None) -> int:
    """The elementary operations one tangent sweep (``mode="forward"``, along input
    ``which``) or one adjoint sweep (``"reverse"``, for output ``which``) adds to the
    primal sweep: the steps it records (identities folded, repeats shared). As in
    :func:`~autodiff.forward.forward_sweep`, a tangent sweep evaluates every local partial,
    also where the tangent it multiplies is zero."""
    if mode == "forward":
        builder, _, recorded = _tangent_sweep(trace, which or next(iter(trace.inputs)))
    else:
        builder, _, recorded = _adjoint_sweep(trace, trace.output if which is None else which)
    return len(builder.steps) - recorded


def operations(trace: Trace) -> int:
    """The number of elementary operations of a trace: its steps that are not inputs."""
    return sum(1 for s in trace.steps if s.op is not None)
