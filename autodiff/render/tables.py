"""The lecture's three tables — primal, tangent, adjoint — as terminal text, Markdown, LaTeX, JSON.

Each table lists one equation per trace variable, and its value when the trace was evaluated at
a point. The primal and tangent tables run in trace order (the forward sweep); the adjoint
table runs backwards from the output (the reverse sweep), as on the slides. Markdown and LaTeX
paste into a Marp slide as they are: Markdown tables with inline math, and LaTeX
``aligned`` blocks inside ``$$``.
"""

from __future__ import annotations

import json
import math
import unicodedata
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import rules
from ..term import format_number, name_latex

if TYPE_CHECKING:
    from ..evaluation import Evaluation


def render(ev: Evaluation, fmt: str) -> str:
    """``ev`` in one of the formats ``table``, ``markdown``, ``latex``, ``json``."""
    if fmt == "json":
        return dump_json(to_json(ev))
    return {"table": _text, "markdown": _markdown, "latex": _latex}[fmt](ev)


def dump_json(obj: dict[str, Any]) -> str:
    """Compact JSON from the C encoder (``indent=`` would use the slow pure-Python one), with
    one top-level key a line and one row of a list of rows a line, for people and diffs."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    text = text.replace('}, {"var"', '},\n  {"var"').replace('[{"var"', '[\n  {"var"')
    return text + "\n"


def format_value(v: Any) -> str:
    """A value for a table: 8 significant digits, ``nan``/``inf`` as such, arrays by shape."""
    if v is None:
        return ""
    if np.ndim(v) > 0:
        a = np.asarray(v)
        return f"[{'×'.join(map(str, a.shape))}] mean {float(np.mean(a)):.6g}"
    v = float(v)
    if not math.isfinite(v):
        return str(v)
    return f"{v:.8g}"


def json_value(v: Any) -> Any:
    """A value for JSON: a float, a list for an array; nan and ±inf as the strings
    ``"nan"``, ``"inf"``, ``"-inf"`` (JSON has no literal for them)."""
    if v is None:
        return None
    if isinstance(v, np.ndarray) and v.ndim > 0:
        v = v.tolist()
    if isinstance(v, list):
        return [json_value(x) for x in v]
    v = float(v)
    return v if math.isfinite(v) else str(v)


_FLOATS = (float, np.float64)


def to_json(ev: Evaluation) -> dict[str, Any]:
    t = ev.trace
    rows = []
    for r in ev.rows:
        values = (r["primal"], r["tangent"], r["adjoint"])
        if all(v is None or (type(v) in _FLOATS and math.isfinite(v)) for v in values):
            rows.append(r)  # floats (np.float64 is one) go into JSON as they are
            continue
        r = dict(r)
        for k in ("primal", "tangent", "adjoint"):
            r[k] = json_value(r[k])
        rows.append(r)
    return {
        "source": t.source,
        "inputs": {n: json_value(ev.at[n]) if ev.at else None for n in t.inputs},
        "output": t.steps[t.output].var,
        "value": json_value(ev.value),
        "gradient": {n: json_value(v) for n, v in ev.gradient.items()} if ev.gradient else None,
        "wrt": ev.wrt,
        "tangent": json_value(ev.forward.derivative) if ev.forward else None,
        "mode": ev.mode,
        "trace": rows,
        "warnings": ev.warnings,
    }


# -- the three tables as (equation, value) pairs, in the order they are printed ----------------
def _sections(ev: Evaluation, style: str) -> list[tuple[str, list[tuple[str, Any]]]]:
    t = ev.trace
    n = len(t)
    pr = rules.RulePrinter(t, style)
    primal = [(pr.primal_equation(i), None if ev.primals is None else ev.primals[i])
              for i in range(n)]
    sections = [("Primal trace", primal)]
    if ev.mode in ("forward", "both"):
        tangent = [(pr.tangent_equation(i, ev.direction),
                    ev.forward.tangents[i] if ev.forward else None) for i in range(n)]
        sections.append((f"Tangent trace (forward mode, {_wrt_text(ev)})", tangent))
    if ev.mode in ("reverse", "both"):
        adjoint = [(pr.adjoint_equation(i),
                    ev.reverse.adjoints[i] if ev.reverse else None)
                   for i in range(t.output, -1, -1)]
        sections.append(("Adjoint trace (reverse mode)", adjoint))
    return sections


def _wrt_text(ev: Evaluation) -> str:
    wrt = ev.wrt
    if isinstance(wrt, str):
        return f"∂/∂{wrt}"
    pairs = ", ".join(f"{k}={format_number(v)}" for k, v in wrt.items())
    return f"direction {pairs}"


def _summary(ev: Evaluation, style: str) -> list[str]:
    if ev.primals is None:
        return []
    lines = [("f", ev.value)]
    if ev.gradient is not None:
        lines += [(f"∂f/∂{n}", v) for n, v in ev.gradient.items()]
    elif ev.forward is not None:
        lines.append((f"df along {_wrt_text(ev)}", ev.forward.derivative))
    return [f"{k} = {format_value(v)}" for k, v in lines]


#: Longest equation a table prints in full (characters); a longer one, an adjoint summed over
#: many children, keeps its first terms and says how many it leaves out (``--format json`` has
#: every rule in full). Rows are padded to the widest equation up to :data:`PAD_LIMIT`, so the
#: output grows linearly with the trace, never with its length times its widest row.
EQUATION_LIMIT = 160
LATEX_LIMIT = 480   # the same for LaTeX source, about three times as long as the text it shows
PAD_LIMIT = 60


def elide(eq: str, limit: int = EQUATION_LIMIT, latex: bool = False) -> str:
    """``eq`` if it is at most ``limit`` characters wide, else its first terms and
    ``+ … (N more terms)``."""
    if len(eq) <= limit:
        return eq
    lhs, sep, rhs = eq.partition(" = ")
    terms = rhs.split(" + ")
    kept, width = [], len(lhs) + len(sep)
    for term in terms:
        if width + len(term) + 3 > limit - 24 and kept:
            break
        kept.append(term if len(term) <= limit else term[:limit - 1] + "…")
        width += len(term) + 3
    left = len(terms) - len(kept)
    said = f"{left} more term{'s' * (left != 1)}, in --format json"
    more = (rf" + \dots\ \text{{({said})}}" if latex else f" + … ({said})") if left else ""
    return f"{lhs}{sep}{' + '.join(kept)}{more}"


def _width(s: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * max(w - _width(s), 0)


def _text(ev: Evaluation) -> str:
    out = []
    if ev.at:
        point = ", ".join(f"{k} = {format_value(v)}" for k, v in ev.at.items())
        out.append(f"at {point}")
        out.append("")
    for title, rows in _sections(ev, "text"):
        out.append(title)
        rows = [(elide(eq), value) for eq, value in rows]
        w = min(max(_width(eq) for eq, _ in rows), PAD_LIMIT)
        for eq, value in rows:
            line = f"  {_pad(eq, w)}" + (f"  = {format_value(value)}" if ev.at else "")
            out.append(line.rstrip())
        out.append("")
    out += _summary(ev, "text")
    return "\n".join(out).rstrip() + "\n"


def _markdown(ev: Evaluation) -> str:
    out = []
    if ev.at:
        point = r",\ ".join(f"{name_latex(k)} = {format_value(v)}" for k, v in ev.at.items())
        out += [f"at ${point}$", ""]
    for title, rows in _sections(ev, "latex"):
        out.append(f"**{title}**")
        out.append("")
        if ev.at:
            out += ["| equation | value |", "| :- | -: |"]
            out += [f"| ${_md_cell(elide(eq, LATEX_LIMIT, True))}$ | {format_value(v)} |"
                    for eq, v in rows]
        else:
            out += ["| equation |", "| :- |"]
            out += [f"| ${_md_cell(elide(eq, LATEX_LIMIT, True))}$ |" for eq, _ in rows]
        out.append("")
    summary = _summary(ev, "text")
    if summary:
        out.append("; ".join(summary))
    return "\n".join(out).rstrip() + "\n"


def _md_cell(s: str) -> str:
    return s.replace("|", r"\vert ")


def _latex(ev: Evaluation) -> str:
    out = []
    for title, rows in _sections(ev, "latex"):
        out.append("$$")
        out.append(r"\begin{aligned}")
        out.append(f"% {title}")
        body = []
        for eq, v in rows:
            lhs, rhs = elide(eq, LATEX_LIMIT, True).split(" = ", 1)
            line = f"{lhs} &= {rhs}"
            if ev.at:
                line += f" && = {_latex_number(v)}"
            body.append(line)
        out.append(" \\\\\n".join(body))
        out.append(r"\end{aligned}")
        out.append("$$")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _latex_number(v: Any) -> str:
    s = format_value(v)
    if s in ("nan", "inf", "-inf"):
        return {"nan": r"\mathrm{NaN}", "inf": r"\infty", "-inf": r"-\infty"}[s]
    if "e" in s and np.ndim(v) == 0:
        mant, exp = s.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s


