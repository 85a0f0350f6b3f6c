"""Printable terms: the atoms with which derivative rules are printed.

A primitive's partial-derivative rule is an ordinary Python function of its arguments. Called
with :class:`Term` atoms instead of numbers, the same function returns the rule as a term
tree, which prints in Unicode (``v̄3·v1 + v̄4·cos(v2)``) or LaTeX
(``\\bar{v}_{3} \\, v_{1} + \\bar{v}_{4} \\, \\cos(v_{2})``). This is how the tables show the rules
that the sweeps compute, without a second copy of any rule.

Terms fold the identities a person would not write (``1·a``, ``a + 0``, ``a^1``: the table of
:mod:`autodiff.identities`, shared with the recorded sweeps; ``-(-a)`` here) and put a numeric
factor first (``2·v1``), so the printed rules read as on the slides.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from . import primitives as P
from .identities import NO_MATCH, fold

_NUMBER = (int, float, np.integer, np.floating)
SLOT = "\x00"  # marks a placeholder leaf: a term with a slot for a variable's name
MARKS = {"primal": "", "tangent": "\u0307", "adjoint": "\u0304"}  # combining dot / bar
LATEX_MARKS = {"primal": "{}", "tangent": r"\dot{{{}}}", "adjoint": r"\bar{{{}}}"}
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu", "nu",
          "rho", "sigma", "tau", "phi", "psi", "omega", "xi", "zeta", "kappa", "chi", "pi"}


def format_number(v: Any, digits: int | None = None, missing: str = "—",
                  exact: bool = False) -> str:
    """Shortest text that reads back as the same float: ``2`` for 2.0, ``0.1`` for 0.1,
    ``2.5e+14`` for large and ``1e-05`` for small magnitudes.

    With ``digits``, a float rounded to that many significant digits (``%.6g``) and anything
    else (an int, a name) as it prints; ``None`` is ``missing``. The one number formatter of
    the package: tables, reports and messages all print numbers through it.

    A float32 constant such as PyTorch's BCE floor ``float32(1e-12)`` prints as its float32
    text, ``1e-12``, not as ``9.999999960041972e-13`` (the value itself stays exact); with
    ``exact`` the text always reads back as the same float64 (programs, sympy)."""
    if v is None:
        return missing
    if digits is not None:
        return str(v) if isinstance(v, int | str) else format(v, f".{digits}g")
    v = float(v)
    if v != v or v in (float("inf"), float("-inf")):
        return str(v)
    if v.is_integer() and abs(v) < 1e6:
        return str(int(v))
    scientific = abs(v) >= 1e6 or abs(v) < 1e-4  # 2.72947e+14, not 272947000000000
    text = np.format_float_scientific(v, unique=True, trim="-") if scientific else repr(v)
    if not exact and 1e-38 < abs(v) < 3e38 and float(np.float32(v)) == v:
        f32 = np.float32(v)
        short = (np.format_float_scientific(f32, unique=True, trim="-") if scientific
                 else np.format_float_positional(f32, unique=True, trim="-"))
        if len(short) < len(text):
            return short
    return text


def name_text(name: str, kind: str = "primal") -> str:
    """``v3`` with the lecture's mark for a tangent (``v̇3``) or adjoint (``v̄3``)."""
    return name[:1] + MARKS[kind] + name[1:]


@lru_cache(maxsize=65536)
def name_latex(name: str, kind: str = "primal") -> str:
    """``v_{3}``, ``\\dot{v}_{3}``, ``\\bar{v}_{3}``; ``beta_2`` becomes ``\\beta_{2}``."""
    m = re.fullmatch(r"([A-Za-z]+?)_?(\d+)", name) or re.fullmatch(r"([A-Za-z]+)_(\w+)", name)
    stem, sub = (m.group(1), m.group(2)) if m else (name, "")
    if stem in _GREEK:
        stem = "\\" + stem
    elif len(stem) > 1:
        stem = r"\mathrm{" + stem.replace("_", r"\_") + "}"
    body = LATEX_MARKS[kind].format(stem)
    return f"{body}_{{{sub}}}" if sub else body


class Term(P.Operand):
    """A node of a printable expression: a variable (primal, tangent or adjoint) or an op."""

    __slots__ = ("op", "args", "name", "kind")

    def __init__(self, op: P.Primitive | None, args: tuple = (), name: str = "",
                 kind: str = "primal") -> None:
        self.op, self.args, self.name, self.kind = op, args, name, kind

    @classmethod
    def var(cls, name: str, kind: str = "primal") -> Term:
        return cls(None, (), name, kind)

    @classmethod
    def num(cls, value: float) -> Term:
        """A constant that stays symbolic, so that ``1/3`` prints as a fraction."""
        return cls(None, (float(value),), "", "number")

    @property
    def prec(self) -> int:
        return P.ATOM if self.op is None else self.op.prec

    def text(self) -> str:
        """The term in Unicode, as the tables print it."""
        return render(self, "text")

    def latex(self) -> str:
        """The term in LaTeX (KaTeX/MathJax), as it pastes into a Marp slide."""
        return render(self, "latex")

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Term({self.text()!r})"


def _value(x: Any) -> float | None:
    """The number ``x`` stands for, or None for a term with variables."""
    if isinstance(x, _NUMBER):
        return float(x)
    if isinstance(x, Term) and x.kind == "number":
        return x.args[0]
    return None


def _is(x: Any, value: float) -> bool:
    return _value(x) == value


def _negated(x: Any) -> Any:
    return x.args[0] if isinstance(x, Term) and x.op is P.neg else None


def apply(op: P.Primitive, args: tuple) -> Any:
    """``op(*args)`` as a term, with the identities of arithmetic folded."""
    values = [_value(a) for a in args]
    if None not in values:
        with np.errstate(all="ignore"):
            r = float(op.impl(*values))
        short = r.is_integer() or len(format_number(r)) <= 8
        return r if short else Term(op, tuple(values))
    folded = fold(op, args, values)
    if folded is not NO_MATCH:
        return folded
    if op is P.add or op is P.sub:  # the printer's own forms: a - b for a + (-b), …
        a, b = args
        if _negated(b) is not None:
            return (P.sub if op is P.add else P.add)(a, _negated(b))
        if values[1] is not None and values[1] < 0:
            return (P.sub if op is P.add else P.add)(a, -values[1])
    elif op is P.mul:
        a, b = args
        if values[1] is not None:
            return P.mul(b, a)
        if values[0] is None and isinstance(b, Term) and b.op is P.mul and \
                _value(b.args[0]) is not None:  # a·(2·c) → 2·a·c
            return P.mul(b.args[0], P.mul(a, b.args[1]))
        if _negated(a) is not None:
            return P.neg(P.mul(_negated(a), b))
        if _negated(b) is not None:
            return P.neg(P.mul(a, _negated(b)))
        if isinstance(b, Term) and b.op is P.div and _is(b.args[0], 1):
            return P.div(a, b.args[1])
    elif op is P.div:
        a, b = args
        if _is(a, 0):
            return 0
        if _negated(a) is not None:
            return P.neg(P.div(_negated(a), b))
    elif op is P.pow_:
        if _is(args[1], 0):
            return 1
    elif op is P.neg:
        (a,) = args
        if _negated(a) is not None:
            return _negated(a)
    return Term(op, tuple(args))


def render(t: Any, style: str) -> str:
    if not isinstance(t, Term):
        return format_number(t)
    if t.op is None:
        if t.kind == "number":
            return format_number(t.args[0])
        if t.name[:1] == SLOT:  # a placeholder of a rule template, see render/rules.py
            return f"{SLOT}{t.kind[0]}{t.name[1:]}{SLOT}"
        return name_text(t.name, t.kind) if style == "text" else name_latex(t.name, t.kind)
    template = t.op.text if style == "text" else t.op.latex
    slots = t.op.slots if style == "text" else t.op.latex_slots
    parts = []
    for arg, need in zip(t.args, slots, strict=True):
        s = render(arg, style)
        if _precedence(arg) < need:
            s = f"({s})" if style == "text" else rf"\left({s}\right)"
        parts.append(s)
    return template.format(*parts)


def _precedence(x: Any) -> int:
    v = _value(x)
    if v is not None:
        return P.UNARY if v < 0 else P.ATOM
    return x.prec


P.register_atom(Term, apply)
