"""A titled grid of cells as terminal text, Markdown or LaTeX: the tables of the comparisons.

Every result of the differentiation methods (the side-by-side comparison, the step-size and
swell studies, Jacobians and Hessians) renders itself as a :class:`Grid` or a list of them, so
the three human formats look alike and JSON stays with each result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .tables import _latex_number, _pad, _width, dump_json

__all__ = ["Grid", "cell", "dump_json", "render_grids", "title_of"]


def title_of(source: str) -> str:
    """An expression as typed, or "the program" for a program of several lines."""
    lines = [ln for ln in source.strip().splitlines() if ln.strip() and
             not ln.lstrip().startswith("#")]
    if len(lines) == 1 and "=" not in lines[0]:
        return lines[0].strip()
    return f"the program of {len(lines)} lines" if lines else "the program"


def cell(v: Any, digits: int = 10) -> str:
    """A number for a table: ``digits`` significant digits; ``—`` for a missing value."""
    if v is None:
        return "—"
    if isinstance(v, str):
        return v
    v = float(v)
    if not math.isfinite(v):
        return str(v)
    return f"{v + 0.0:.{digits}g}"  # + 0.0: no "-0"


@dataclass
class Grid:
    """A table: a title, column headers, rows of text cells, and notes below it."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    right: set[int] = field(default_factory=set)  # columns aligned right (numbers)

    def text(self) -> str:
        widths = [max([_width(h)] + [_width(r[k]) for r in self.rows])
                  for k, h in enumerate(self.headers)]

        def line(cells: list[str]) -> str:
            parts = [(" " * (w - _width(c)) + c) if k in self.right else _pad(c, w)
                     for k, (c, w) in enumerate(zip(cells, widths, strict=True))]
            return "  ".join(parts).rstrip()

        out = [self.title, "", line(self.headers), line(["─" * w for w in widths])]
        out += [line(r) for r in self.rows]
        out += [""] + self.notes if self.notes else []
        return "\n".join(out)

    def markdown(self) -> str:
        esc = markdown_cell
        align = ["-:" if k in self.right else ":-" for k in range(len(self.headers))]
        out = [f"**{self.title}**", "", "| " + " | ".join(map(esc, self.headers)) + " |",
               "| " + " | ".join(align) + " |"]
        out += ["| " + " | ".join(map(esc, r)) + " |" for r in self.rows]
        out += [""] + [f"- {n}" for n in self.notes] if self.notes else []
        return "\n".join(out)

    def latex(self) -> str:
        spec = "".join("r" if k in self.right else "l" for k in range(len(self.headers)))
        out = [f"% {self.title}", r"\begin{tabular}{" + spec + "}", r"\hline",
               " & ".join(map(_tex, self.headers)) + r" \\", r"\hline"]
        out += [" & ".join(_tex_cell(c) for c in r) + r" \\" for r in self.rows]
        out += [r"\hline", r"\end{tabular}"]
        out += [f"% {n}" for n in self.notes]
        return "\n".join(out)


def _tex(s: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"),
                 ("#", r"\#"), ("∂", r"$\partial$"), ("²", r"$^2$"), ("—", "---"),
                 ("∇", r"$\nabla$"), ("→", r"$\to$")):
        s = s.replace(a, b)
    return s


def _tex_cell(s: str) -> str:
    try:
        v = float(s)
    except ValueError:
        return _tex(s)
    return f"${_latex_number(v)}$"


def render_grids(grids: list[Grid], fmt: str, header: list[str] | None = None) -> str:
    """``grids`` in ``table``, ``markdown`` or ``latex``, after the ``header`` lines."""
    header = header or []
    if fmt == "table":
        parts = [g.text() for g in grids]
    elif fmt == "markdown":
        parts = [g.markdown() for g in grids]
    else:
        parts = [g.latex() for g in grids]
        header = [f"% {h}" for h in header]
    head = "\n".join(header) + "\n\n" if header else ""
    return head + "\n\n".join(parts) + "\n"


def markdown_cell(text: str) -> str:
    """``text`` for a cell of a GitHub Markdown table: ``|`` escaped (also inside code spans
    and math, where GitHub still splits the row on a bare ``|``), line breaks as spaces."""
    return str(text).replace("|", r"\|").replace("\n", " ")
