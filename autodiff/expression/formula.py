"""The model's formula with the learned parameters written in: ``σ(1.5·x1 - 0.7·x2 + 0.3)``.

An interpreter over the model trace that evaluates each step on printable
:class:`~autodiff.term.Term` atoms instead of numbers: each feature is its name, each
parameter the number it has learned (rounded to ``digits`` significant digits), and each step
the primitive applied to those terms, printed from the primitive's own Unicode or LaTeX
template (so ``sigmoid`` prints as ``σ`` in LaTeX, exactly as the tables do). A negative value
is written as a subtraction (``- 0.7·x2``, not ``+ (-0.7)·x2``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import primitives as P
from ..term import Term, render
from ..trace import Trace

STYLES = ("text", "latex")


def _number(value: float, digits: int | None) -> Any:
    v = float(value) if digits is None else float(f"{float(value):.{digits}g}")
    if v < 0:
        return Term(P.neg, (Term.num(-v),))
    return Term.num(v)


def substituted(trace: Trace, values: Mapping[str, float], style: str = "text",
                digits: int | None = 6) -> str:
    """The formula of ``trace`` with each input named in ``values`` replaced by its value.

    >>> from autodiff import parse
    >>> substituted(parse("sigmoid(w1*x1 + w2*x2 + b)"), {"w1": 1.5, "w2": -0.7, "b": 0.3})
    'sigmoid(1.5·x1 - 0.7·x2 + 0.3)'
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    atoms: list[Any] = [None] * len(trace)
    for i, s in enumerate(trace.steps):
        if s.is_input:
            name = s.input or s.var
            atoms[i] = _number(values[name], digits) if name in values else Term.var(name)
        else:
            atoms[i] = s.op(*[atoms[a] if type(a) is int else a.value for a in s.args])
    return render(atoms[trace.output], style)
