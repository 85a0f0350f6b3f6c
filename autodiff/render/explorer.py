"""The sweeps stepped through: one self-contained HTML page (or notebook view) for a lecture hall.

The page holds the computation graph (inline SVG, drawn by :mod:`autodiff.render.graph`) and
the primal, tangent and adjoint tables (as :mod:`autodiff.render.tables` prints them), so it
reads, and prints, without JavaScript. Its inline script walks the steps of the two sweeps:

* step 0: the inputs, the point and the seed ``ẋ`` of the tangents;
* steps 1..n: the forward sweep, one variable ``v_i`` a step, its primal and its tangent
  ``v̇_i = Σ_{j ∈ parents(i)} v̇_j ∂v_i/∂v_j`` with the numbers substituted;
* steps n+1..: the reverse sweep, one adjoint a step from the output back to ``v1``,
  ``v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j``, with the contribution of each edge ``j → i``;
* the last step: ``f`` and its gradient.

Every rule and number comes from the printing interpreter (:class:`autodiff.rules.RulePrinter`)
and the sweeps of the evaluation, so the page says what ``autodiff trace`` says. The URL
fragment ``#step=K`` opens step K; the root element carries ``data-step`` and ``data-current``
(the variable of the step). A trace of more than :data:`~autodiff.render.graph.MAX_NODES`
variables is stepped through its tables only.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..outputfile import Kind, check_output, write_atomic
from ..rules import RulePrinter
from ..term import Term, apply, name_text, render
from .tables import format_value

if TYPE_CHECKING:
    from ..evaluation import Evaluation

THEMES = ("light", "dark")
FITS = 40
"""Largest trace whose graph is scaled to the page's width; a bigger one scrolls in its box."""
LONGEST = 160
"""Longest heading: a longer formula or point is cut with an ellipsis (the tables have it all)."""
_SHOWN = itertools.count(1)
GENERATOR = "autodiff explore"
PAGE = Kind("a page written by autodiff explore",
            (f'<meta name="generator" content="{GENERATOR}">'.encode(),))
"""A page of ours, told by its ``<meta name="generator">``: ``-o`` replaces only such a page
(and only with ``--overwrite``; see :mod:`autodiff.outputfile`)."""
PAGE_FILE = {".html": PAGE, ".htm": PAGE}


def number(v: Any) -> str:
    """A value as the tables print it; a negative one in parentheses, as a factor."""
    s = format_value(v)
    return f"({s})" if s.startswith("-") else s


def _product(a: Any, b: Any) -> str:
    return f"{number(a)}·{number(b)}"


def _sum(terms: list[str]) -> str:
    return " + ".join(terms) or "0"


@dataclass(frozen=True)
class Step:
    """One step of the walk: what it computes (``kind``: inputs, forward, reverse, result),
    the variable it is about (``var``, its index ``i``), a title, the rules with their numbers
    and notes (the edges' contributions)."""

    kind: str
    var: str
    i: int
    title: str
    rules: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "var": self.var, "i": self.i, "title": self.title,
                "rules": list(self.rules), "notes": list(self.notes)}


def steps(ev: Evaluation) -> list[Step]:
    """The steps of the walk through ``ev``'s sweeps (see the module's docstring)."""
    t, pr = ev.trace, RulePrinter(ev.trace)
    point = ", ".join(f"{name} = {format_value(v)}" for name, v in ev.at.items())
    seed = ", ".join(f"{name_text(name, 'tangent')} = {format_value(v)}"
                     for name, v in ev.direction.items())
    sweep = f"{t.steps[0].var} … {t.steps[-1].var}"
    walk = [Step("inputs", "", -1, "The inputs: the point and the seed of the tangents",
                 (point, f"{seed}   (tangents {_wrt(ev)})"),
                 (f"next: the forward sweep computes {sweep}, each with its tangent",))]
    with np.errstate(all="ignore"):
        values = [format_value(v) for v in ev.primals]
        walk += [_forward(ev, pr, i, values) for i in range(len(t))]
        walk += [_reverse(ev, pr, j, k) for k, j in enumerate(range(t.output, -1, -1))]
    result = [f"f = {t.steps[t.output].var} = {format_value(ev.value)}"]
    result += [f"∂f/∂{name} = {pr.name(t.inputs[name], 'adjoint')} = {format_value(v)}"
               for name, v in ev.gradient.items()]
    check = (f"forward mode found {pr.name(t.output, 'tangent')} = "
             f"{format_value(ev.forward.derivative)} ({_wrt(ev)}) with one sweep per "
             f"direction; reverse mode found the whole gradient with one sweep")
    walk.append(Step("result", "", -1, "f and its gradient", tuple(result), (check,)))
    return walk


def _forward(ev: Evaluation, pr: RulePrinter, i: int, values: list[str]) -> Step:
    """Step ``i`` of the forward sweep: ``v_i`` and ``v̇_i = Σ_j v̇_j ∂v_i/∂v_j``, each term
    ``v̇_j·∂v_i/∂v_j`` with its numbers, and each in-edge's contribution."""
    t, tangents = ev.trace, ev.forward.tangents
    s = t.steps[i]
    title = f"Forward sweep: {s.var} ({i + 1} of {len(t)})"
    if s.is_input:
        seed = name_text(s.input, "tangent")
        rules = (f"{pr.primal_equation(i)} = {values[i]}",
                 f"{pr.name(i, 'tangent')} = {seed} = {format_value(tangents[i])}")
        return Step("forward", s.var, i, title, rules,
                    (f"an input: its tangent is the seed {seed} of the direction {_wrt(ev)}",))
    terms = pr.tangent_contributions(i, ev.primals)
    rhs = pr.primal_rhs_at(i, values)
    primal = f"{pr.primal_equation(i)} = {rhs}"
    products = _sum([_product(tangents[j], d) for j, _, d in terms])
    rules = (primal if rhs == values[i] else f"{primal} = {values[i]}",
             f"{pr.tangent_equation(i, ev.direction)} = {products} = {format_value(tangents[i])}")
    notes = tuple(f"{t.steps[j].var} → {s.var}: {term} = {_product(tangents[j], d)} = "
                  f"{format_value(tangents[j] * d)}" for j, term, d in terms)
    return Step("forward", s.var, i, title, rules, notes)


def _reverse(ev: Evaluation, pr: RulePrinter, j: int, k: int) -> Step:
    """Step ``k`` of the reverse sweep, the adjoint ``v̄_j = Σ_i v̄_i ∂v_i/∂v_j``: each term
    ``v̄_i·∂v_i/∂v_j`` with its numbers, and the contribution of each edge ``j → i``."""
    t, adjoints = ev.trace, ev.reverse.adjoints
    s = t.steps[j]
    title = f"Reverse sweep: {pr.name(j, 'adjoint')} ({k + 1} of {t.output + 1})"
    if j == t.output:
        return Step("reverse", s.var, j, title,
                    (f"{pr.adjoint_equation(j)} = {format_value(adjoints[j])}",),
                    ("the output's adjoint is the seed: ∂f/∂f = 1",))
    terms = pr.adjoint_contributions(j, ev.primals)
    products = _sum([_product(adjoints[i], d) for i, _, d in terms])
    rule = f"{pr.adjoint_equation(j)} = {products} = {format_value(adjoints[j])}"
    notes = tuple(f"{t.steps[i].var} → {s.var}: {term} = {_product(adjoints[i], d)} = "
                  f"{format_value(adjoints[i] * d)}" for i, term, d in terms)
    return Step("reverse", s.var, j, title, (rule,),
                notes or (f"{s.var} is not used: its adjoint is 0",))


def _wrt(ev: Evaluation) -> str:
    wrt = ev.wrt
    if isinstance(wrt, str):
        return f"∂/∂{wrt}"
    return "along " + ", ".join(f"{k} = {format_value(v)}" for k, v in wrt.items())


def _check(ev: Evaluation) -> None:
    if ev.at is None:
        raise InputError("the explorer steps through the sweeps at a point: give one with --at")
    if ev.forward is None or ev.reverse is None:
        raise InputError("the explorer shows both sweeps: evaluate with mode='both'")
    if any(np.ndim(v) > 0 for v in ev.primals):
        raise InputError("the explorer steps through scalar traces; this one has array values")


# -- the page ---------------------------------------------------------------------------------
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _table(title: str, kind: str, rows: list[tuple[int, str, Any]]) -> str:
    body = "".join(f'<tr data-k="{kind}" data-i="{i}"><td class="eq">{html.escape(eq)}</td>'
                   f'<td class="val">{html.escape(format_value(v))}</td></tr>'
                   for i, eq, v in rows)
    return (f'<table class="adx-table adx-{kind}"><caption>{html.escape(title)}</caption>'
            f'<thead><tr><th>equation</th><th>value</th></tr></thead><tbody>{body}</tbody>'
            f'</table>')


def _tables(ev: Evaluation) -> str:
    t, pr = ev.trace, RulePrinter(ev.trace)
    n = len(t)
    primal = [(i, pr.primal_equation(i), ev.primals[i]) for i in range(n)]
    tangent = [(i, pr.tangent_equation(i, ev.direction), ev.forward.tangents[i])
               for i in range(n)]
    adjoint = [(j, pr.adjoint_equation(j), ev.reverse.adjoints[j])
               for j in range(t.output, -1, -1)]
    return (_table("Primal trace", "p", primal)
            + _table(f"Tangent trace (forward mode, {_wrt(ev)})", "t", tangent)
            + _table("Adjoint trace (reverse mode)", "a", adjoint))


def _graph(ev: Evaluation, renderer: str | None) -> str:
    from .graph import MAX_NODES, Graph, summary

    if len(ev.trace) > MAX_NODES:
        return (f'<p class="adx-note">{html.escape(summary(ev.trace))}: more than the '
                f'{MAX_NODES} variables a graph is drawn for, so this page steps through the '
                f'tables only.</p>')
    svg = Graph(ev).svg(renderer)
    size = "" if len(ev.trace) <= FITS else " adx-big"  # a big graph keeps its size and scrolls
    return f'<div class="adx-graph{size}">' + svg[svg.index("<svg"):] + "</div>"


def _summary(ev: Evaluation) -> str:
    parts = [f"f = {format_value(ev.value)}"]
    parts += [f"∂f/∂{n} = {format_value(v)}" for n, v in ev.gradient.items()]
    return '<p class="adx-summary">' + html.escape("; ".join(parts)) + "</p>"


def _heading(ev: Evaluation) -> str:
    t = ev.trace
    names = list(t.inputs)
    args = ", ".join(names if len(names) <= 6 else names[:2] + ["…", names[-1]])
    title = _cut(f"f({args}) = {_formula(t)}")
    point = _cut(", ".join(f"{n} = {format_value(v)}" for n, v in ev.at.items()))
    return (f'<header><h1>{html.escape(title)}</h1><p class="adx-point">'
            f'{html.escape(f"at {point}; tangents {_wrt(ev)}")}</p></header>')


def _cut(text: str) -> str:
    return text if len(text) <= LONGEST else text[:LONGEST - 1] + "…"


def _formula(t: Any, longest: int = LONGEST) -> str:
    """The function the trace computes, as one expression in its inputs when that is short
    (a trace program's variables substituted: ``x1·x2 + exp(x1·x2) - sin(x2)``), else the
    name of its output variable."""
    src = t.source.strip()
    if src and "\n" not in src and "=" not in src:
        return src
    if len(t) <= 40:
        terms: list[Any] = []
        for s in t.steps:
            terms.append(Term.var(s.input) if s.is_input else apply(
                s.op, tuple(terms[a] if type(a) is int else a.value for a in s.args)))
            if len(render(terms[-1], "text")) > longest:
                break
        else:
            return render(terms[t.output], "text")
    return t.steps[t.output].var


_CONTROLS = """<div class="adx-bar"><nav class="adx-controls" hidden aria-label="steps">
<button type="button" data-go="first" title="first step (Home)">|◀</button>
<button type="button" data-go="prev" title="previous step (←)">◀ prev</button>
<button type="button" data-go="play" title="play or pause (space)">▶ play</button>
<button type="button" data-go="next" title="next step (→)">next ▶</button>
<button type="button" data-go="last" title="last step (End)">▶|</button>
<input type="range" min="0" max="{last}" value="0" step="1" aria-label="step">
<span class="adx-counter">step 0 of {last}</span>
<span class="adx-spacer"></span>
<button type="button" data-go="large" title="large font, for projection (L)">A⁺</button>
<button type="button" data-go="theme" title="light or dark (D)">◐</button>
</nav>
<section class="adx-step" hidden aria-live="polite"><h2></h2><div class="adx-rules"></div>
<ul class="adx-notes"></ul></section></div>"""


def fragment(ev: Evaluation, theme: str = "light", large_font: bool = False,
             renderer: str | None = None, page: bool = False, ident: str | None = None) -> str:
    """The explorer as one ``<div>`` with its style, data and script inline (for a notebook,
    or the body of :func:`page`)."""
    _check(ev)
    if theme not in THEMES:
        raise InputError(f"--theme: unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    walk = steps(ev)
    data = {"n": len(ev.trace), "out": ev.trace.output, "inputs": list(ev.trace.inputs.values()),
            "vars": [s.var for s in ev.trace.steps], "steps": [s.to_json() for s in walk]}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    body = _tables(ev)
    if ident is None:  # unique in a notebook that shows the same evaluation twice
        digest = hashlib.sha1((body + theme + str(large_font)).encode("utf-8")).hexdigest()
        ident = f"adx-{digest[:8]}-{next(_SHOWN)}"
    attrs = f'id="{ident}" class="adx-explorer{" adx-large" * large_font}" data-theme="{theme}"'
    if page:
        attrs += " data-page"
    return (f'<div {attrs} tabindex="-1"><style>{_asset("explorer.css")}</style>'
            f'{_heading(ev)}{_CONTROLS.format(last=len(walk) - 1)}'
            f'{_graph(ev, renderer)}<div class="adx-tables">{body}</div>{_summary(ev)}'
            f'<script type="application/json" class="adx-data">{text}</script>'
            f'<script>{_asset("explorer.js").replace("__ROOT__", ident)}</script></div>')


def page(ev: Evaluation, theme: str = "light", large_font: bool = False,
         renderer: str | None = None) -> str:
    """The explorer as a whole HTML document: no network, no file besides itself."""
    body = fragment(ev, theme, large_font, renderer, page=True, ident="explorer")
    title = html.escape(_heading_title(ev))
    return ("<!DOCTYPE html>\n"
            f'<html lang="en" class="adx-page" data-theme="{theme}"><head><meta charset="utf-8">'
            f'<meta name="generator" content="{GENERATOR}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head>\n<body>{body}</body></html>\n")


def _heading_title(ev: Evaluation) -> str:
    return _cut(f"autodiff explore: {_formula(ev.trace)}")


@dataclass(frozen=True)
class Explorer:
    """The explorer of an evaluation: shows itself in a notebook, writes itself as a page.

    >>> from autodiff import evaluate
    >>> ex = Explorer(evaluate("x1*x2 + exp(x1*x2) - sin(x2)", at={"x1": 1.5, "x2": 0.5}))
    >>> [s.var for s in ex.steps][:4], len(ex.steps)
    (['', 'v1', 'v2', 'v3'], 16)
    """

    evaluation: Evaluation
    theme: str = "light"
    large_font: bool = False
    renderer: str | None = None

    @property
    def steps(self) -> list[Step]:
        _check(self.evaluation)
        return steps(self.evaluation)

    def html(self) -> str:
        """The whole page."""
        return page(self.evaluation, self.theme, self.large_font, self.renderer)

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the page to ``path`` (``*.html``), by the output-file policy of
        :mod:`autodiff.outputfile`: an existing file only if it is a page of ours and
        ``overwrite`` is given; nothing is written on error."""
        check_output(os.fspath(path), "-o", PAGE_FILE, overwrite)
        write_atomic(os.fspath(path), self.html())
        return Path(path)

    def _repr_html_(self) -> str:
        return fragment(self.evaluation, self.theme, self.large_font, self.renderer)


def repr_html(ev: Evaluation) -> str | None:
    """What a notebook shows for ``ev``: the explorer, or None when there is nothing to step
    through (no point, one sweep only, array values)."""
    try:
        _check(ev)
    except InputError:
        return None
    return Explorer(ev)._repr_html_()


def explore(source: Any, at: dict[str, Any] | None = None, wrt: Any = None,
            theme: str = "light", large_font: bool = False) -> Explorer:
    """The explorer of ``source``: an :class:`~autodiff.evaluation.Evaluation` evaluated at a
    point, or an expression/trace program with its point ``at`` (and ``wrt``)."""
    from ..evaluation import Evaluation, evaluate

    ev = source if isinstance(source, Evaluation) else evaluate(source, at, wrt)
    _check(ev)
    return Explorer(ev, theme, large_font)

