"""The evaluation trace drawn as its computation graph, as the lecture draws it.

One node per trace variable ``v_i``, labelled with its primal equation (``v3 = v1·v2``) and,
when the trace was evaluated at a point, the values asked for: the primal ``v_i``, the tangent
``v̇_i`` and the adjoint ``v̄_i``. Inputs and outputs are drawn distinctly; edges run from each
variable to the steps that use it (from ``parents(i)`` to ``i``, in argument order), laid out
left to right like the slide. A constant is not a variable: it stays in its step's label.

With ``reverse=True`` the edges show the reverse sweep: each edge ``j → i`` is drawn backwards,
from the child ``i`` to the parent ``j``, and labelled with its local partial ``∂v_i/∂v_j`` (and
its value at the point), so that ``v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j`` is the sum over the
arrows arriving at ``v_j``. The partials come from the primitives' rules in the registry, called
with printable terms (as :mod:`autodiff.rules` prints them) and with numbers.

The DOT text is built with the ``graphviz`` package (imported when first used) and is
byte-stable, so it is golden-tested without any Graphviz binary. Pictures (SVG, PNG) come from
:mod:`autodiff.render.renderers`. A picture of more than :data:`MAX_NODES` variables is not
drawn (it would be unreadable): :func:`to_svg` raises an :class:`InputError` that summarises
the trace instead; its DOT text is always available.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..rules import RulePrinter
from ..term import render
from ..trace import Trace
from .tables import format_value

if TYPE_CHECKING:
    import graphviz

    from ..evaluation import Evaluation

SHOW = ("primal", "tangent", "adjoint")
MAX_NODES = 500
"""Largest trace drawn as a picture: beyond it nodes and labels shrink to dots on any page."""

_INPUT = {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbeafe", "color": "#1e40af"}
_OUTPUT = {"shape": "box", "style": "rounded,filled", "fillcolor": "#fef3c7", "color": "#b45309",
           "peripheries": "2"}
_REVERSE_EDGE = {"dir": "back", "color": "#b91c1c", "fontcolor": "#7f1d1d"}


def _parts(source: Trace | Evaluation) -> tuple[Trace, Evaluation | None]:
    if isinstance(source, Trace):
        return source, None
    return source.trace, source


def _sweeps(ev: Evaluation | None) -> dict[str, list[Any] | None]:
    """The values of each sweep the evaluation ran, by kind (None when it did not run)."""
    if ev is None:
        return dict.fromkeys(SHOW)
    return {"primal": ev.primals,
            "tangent": ev.forward.tangents if ev.forward else None,
            "adjoint": ev.reverse.adjoints if ev.reverse else None}


def shown(source: Trace | Evaluation, show: str | Iterable[str] | None = None) -> tuple[str, ...]:
    """The kinds of value to put on the nodes: ``show`` checked, or by default every sweep the
    evaluation ran (none for a bare trace).

    ``show`` is a comma-separated string (``"primal,adjoint"``) or a sequence of kinds."""
    sweeps = _sweeps(_parts(source)[1])
    if show is None:
        return tuple(k for k in SHOW if sweeps[k] is not None)
    kinds = [k.strip() for k in show.split(",")] if isinstance(show, str) else list(show)
    kinds = [k for k in kinds if k]
    for k in kinds:
        if k not in SHOW:
            raise InputError(f"--show: unknown value {k!r}; use any of {', '.join(SHOW)}")
        if sweeps[k] is None:
            why = ("give a point with --at" if sweeps["primal"] is None
                   else f"the {'forward' if k == 'tangent' else 'reverse'} sweep did not run")
            raise InputError(f"--show {k}: there are no {k} values to show ({why})")
    return tuple(k for k in SHOW if k in kinds)


def summary(trace: Trace) -> str:
    """One line about a trace: its size, inputs, outputs and most frequent operations."""
    ops = Counter(s.op.name for s in trace.steps if not s.is_input)
    common = ", ".join(f"{n} {name}" for name, n in ops.most_common(5))
    more = f", {len(ops) - 5} more kinds" if len(ops) > 5 else ""
    n_in, n_out = len(trace.inputs), len(trace.outputs)
    return (f"{len(trace)} variables: {n_in} input{'s' * (n_in != 1)}, {n_out} "
            f"output{'s' * (n_out != 1)}, steps {common or 'none'}{more}")


def check_size(trace: Trace, max_nodes: int = MAX_NODES) -> None:
    """Raise an :class:`InputError` that summarises ``trace`` if it is too big to draw."""
    if len(trace) > max_nodes:
        raise InputError(
            f"the trace is too large to draw readably ({summary(trace)}); pictures are drawn "
            f"up to {max_nodes} variables. Write the DOT text instead (-o graph.dot, or no -o), "
            f"or raise the limit with --max-nodes {len(trace)}")


def _caption(trace: Trace, ev: Evaluation | None, kinds: tuple[str, ...]) -> str:
    """The graph's caption: the function, the point, and the direction of the tangents."""
    lines = []
    src = trace.source.strip()
    if src and "\n" not in src and "=" not in src:
        lines.append(f"f({', '.join(trace.inputs)}) = {src}")
    else:
        lines.append(f"f({', '.join(trace.inputs)}) = "
                     + ", ".join(trace.steps[o].var for o in trace.outputs))
    if ev is not None and ev.at is not None:
        lines.append("at " + ", ".join(f"{n} = {format_value(v)}" for n, v in ev.at.items()))
    if "tangent" in kinds:
        wrt = ev.wrt
        lines.append(f"tangents ∂/∂{wrt}" if isinstance(wrt, str) else
                     "tangents along " + ", ".join(f"{n} = {format_value(v)}"
                                                   for n, v in wrt.items()))
    return "\\n".join(_escape(line) for line in lines)


def _escape(text: str) -> str:
    """Text for a DOT label: backslashes are Graphviz's escapes, so double them."""
    return text.replace("\\", "\\\\")


def _node_label(pr: RulePrinter, i: int, sweeps: dict, kinds: tuple[str, ...]) -> str:
    step = pr.trace.steps[i]
    lines = [pr.name(i) if step.is_input and step.var == step.input else pr.primal_equation(i)]
    for k in kinds:
        value = format_value(sweeps[k][i])
        if k == "primal":
            lines[0] += f" = {value}"
        else:
            lines.append(f"{pr.name(i, k)} = {value}")
    return "\\n".join(_escape(line) for line in lines)


def _partial_label(trace: Trace, i: int, pos: int, primals: list[Any] | None) -> str:
    """``∂v_i/∂v_j = rule`` for argument ``pos`` of step ``i``, and its value at the point.

    The rule is the primitive's own, called with terms: ``ans`` prints as ``v_i`` (the primal
    sweep has computed it), as in the lecture's adjoint equations (``v̄3 = v̄5·v5 + v̄6``)."""
    step = trace.steps[i]
    rule = step.op.partials[pos]
    j = step.args[pos]
    partial = render(rule(*trace.arg_terms(step), trace.term(i)), "text")
    lines = [f"∂{step.var}/∂{trace.steps[j].var} = {partial}"]
    if primals is not None:
        args = tuple(primals[a] if type(a) is int else a.value for a in step.args)
        with np.errstate(all="ignore"):
            value = format_value(rule(*args, primals[i]))
        if value != partial:
            lines.append(f"= {value}")
    return "\\n".join(_escape(line) for line in lines)


def to_digraph(source: Trace | Evaluation, show: str | Iterable[str] | None = None,
               reverse: bool = False) -> graphviz.Digraph:
    """The computation graph of ``source`` (a trace, or an evaluation of one at a point).

    Args:
        source: a :class:`Trace`, or an :class:`Evaluation` whose values go on the nodes.
        show: the kinds of value on each node (``primal``, ``tangent``, ``adjoint``); by
            default every sweep the evaluation ran.
        reverse: draw the reverse sweep: edges backwards, labelled ``∂v_i/∂v_j``.
    """
    import graphviz

    trace, ev = _parts(source)
    kinds = shown(source, show)
    sweeps = _sweeps(ev)
    pr = RulePrinter(trace)
    g = graphviz.Digraph("trace", graph_attr={
        "rankdir": "LR", "ordering": "in", "nodesep": "0.3", "ranksep": "0.5",
        "fontname": "Courier", "fontsize": "12", "labelloc": "b",
        "label": _caption(trace, ev, kinds)},
        node_attr={"shape": "box", "style": "rounded", "fontname": "Courier",
                   "fontsize": "12", "margin": "0.12,0.06"},
        edge_attr={"fontname": "Courier", "fontsize": "10", "arrowsize": "0.7",
                   **(_REVERSE_EDGE if reverse else {})})
    outputs = set(trace.outputs)
    for i, step in enumerate(trace.steps):
        style = _OUTPUT if i in outputs else _INPUT if step.is_input else {}
        g.node(step.var, _node_label(pr, i, sweeps, kinds), **style)
    for i, step in enumerate(trace.steps):
        for pos, j in enumerate(step.args):
            if type(j) is not int:
                continue
            if reverse:
                g.edge(trace.steps[j].var, step.var,
                       label=_partial_label(trace, i, pos, sweeps["primal"]))
            else:
                g.edge(trace.steps[j].var, step.var)
    return g


def to_dot(source: Trace | Evaluation, show: str | Iterable[str] | None = None,
           reverse: bool = False) -> str:
    """The DOT text of the graph of ``source`` (see :func:`to_digraph`); no binary needed.

    >>> from autodiff import parse
    >>> print(to_dot(parse("x1*x2")).splitlines()[-2])
    \tv2 -> v3
    """
    return to_digraph(source, show, reverse).source


def to_svg(source: Trace | Evaluation, show: str | Iterable[str] | None = None,
           reverse: bool = False, renderer: str | None = None,
           max_nodes: int = MAX_NODES) -> str:
    """The graph of ``source`` as SVG text, drawn by ``renderer`` (see
    :func:`autodiff.render.renderers.choose`). A trace of more than ``max_nodes`` variables
    raises an :class:`InputError` that summarises it instead."""
    return Graph(source, show, reverse).svg(renderer, max_nodes)


@dataclass(frozen=True)
class Graph:
    """The computation graph of a trace or an evaluation: its DOT text, its SVG, a file.

    In a notebook it shows itself as the picture.

    >>> from autodiff import evaluate
    >>> g = Graph(evaluate("x1*x2 + exp(x1*x2) - sin(x2)", at={"x1": 1.5, "x2": 0.5}),
    ...           show="primal", reverse=True)
    >>> g.dot.count(" -> ")
    8
    """

    source: Trace | Evaluation
    show: str | Iterable[str] | None = None
    reverse: bool = False

    @property
    def trace(self) -> Trace:
        return _parts(self.source)[0]

    @property
    def dot(self) -> str:
        return to_dot(self.source, self.show, self.reverse)

    def svg(self, renderer: str | None = None, max_nodes: int = MAX_NODES) -> str:
        from .renderers import render as draw

        check_size(self.trace, max_nodes)
        return draw(self.dot, "svg", renderer).decode("utf-8")

    def save(self, path: str | os.PathLike, renderer: str | None = None,
             max_nodes: int = MAX_NODES) -> str:
        """Write the graph to ``path`` in the format its suffix names (``.dot``/``.gv``,
        ``.svg``, ``.png``) and return that format. A missing folder, an unknown suffix or an
        existing file of another kind is an :class:`InputError`; nothing is written then."""
        from . import renderers

        fmt = renderers.check_target(path)
        if fmt != "dot":
            check_size(self.trace, max_nodes)
        renderers.write(path, renderers.render(self.dot, fmt, renderer))
        return fmt

    def _repr_svg_(self) -> str | None:
        return repr_svg(self.source, self.show, self.reverse)


def repr_svg(source: Trace | Evaluation, show: str | Iterable[str] | None = None,
             reverse: bool = False) -> str | None:
    """The SVG a notebook shows; None (so the notebook shows text instead) when the trace is
    too large to draw."""
    if len(_parts(source)[0]) > MAX_NODES:
        return None
    return Graph(source, show, reverse).svg()
