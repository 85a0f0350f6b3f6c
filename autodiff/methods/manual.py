"""Manual differentiation: check hand-derived derivatives against reverse mode and sympy.

A student writes ``∂f/∂x_k`` by hand, e.g. ``x1 = "x2 + x2*exp(x1*x2)"`` for the lecture's
``f(x1, x2) = x1·x2 + exp(x1·x2) − sin(x2)``. Each supplied formula is read with our parser
(never ``eval``/``sympify``), then

* evaluated at several points — the given point and random ones near it — and compared with
  the reverse-mode derivative there (relative tolerance :data:`RTOL`);
* compared symbolically: ``simplify(supplied − diff(f, x_k)) == 0`` under the sympy budget.

A formula that disagrees at any point is wrong; the report names the point, the expected
(reverse-mode) and the supplied value. Agreement in another algebraic form is correct.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError, ParseError
from ..forward import primal_sweep
from ..parse import parse
from ..reverse import reverse_sweep
from ..trace import Trace
from .budget import Budget

RTOL, ATOL = 1e-8, 1e-10
_NAME = re.compile(r"[^\W\d]\w*")


def read_manual(items: tuple[str, ...] | list[str], file: str | None = None) -> dict[str, str]:
    """``NAME=FORMULA`` items (``--manual x1="x2 + x2*exp(x1*x2)"``) and/or a file with one
    ``NAME = FORMULA`` a line (``#`` comments), as input name → formula text."""
    entries: list[tuple[str, str]] = []
    if file is not None:
        try:
            with open(file, encoding="utf-8") as fh:
                lines = fh.read().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"--manual-file: cannot read {file}: {exc}") from None
        for k, line in enumerate(lines, 1):
            line = line.split("#", 1)[0].strip()
            if line:
                entries.append(_item(line, f"{os.path.basename(file)}, line {k}"))
    entries += [_item(text, "--manual") for text in items]
    out: dict[str, str] = {}
    for name, formula in entries:
        if name in out:
            raise InputError(f"--manual: the derivative for {name} is given twice")
        out[name] = formula
    return out


def _item(text: str, where: str) -> tuple[str, str]:
    name, eq, formula = text.partition("=")
    name, formula = name.strip(), formula.strip()
    if not eq or not _NAME.fullmatch(name) or not formula:
        raise InputError(f"{where}: cannot read {text!r}: write NAME=FORMULA, for example "
                         'x1="x2 + x2*exp(x1*x2)"')
    return name, formula


def parse_derivative(name: str, formula: str, f: Trace) -> Trace | float:
    """The formula as a trace (or a number, for a constant derivative), checked to use only
    inputs of ``f``."""
    if name not in f.inputs:
        raise InputError(f"--manual {name}: {name} is not an input of f "
                         f"(its inputs: {', '.join(f.inputs)})")
    try:
        d = parse(formula)
    except ParseError as exc:
        if "no variables" in exc.message:
            return float(np.float64(_constant(formula, name)))
        raise InputError(f"--manual {name}: the derivative does not parse: {exc}") from None
    if len(d.outputs) != 1:
        raise InputError(f"--manual {name}: a derivative is one expression")
    extra = [n for n in d.inputs if n not in f.inputs]
    if extra:
        raise InputError(f"--manual {name}: {', '.join(extra)} is not an input of f "
                         f"(its inputs: {', '.join(f.inputs)})")
    return d


def _constant(formula: str, name: str) -> float:
    t = parse(f"({formula}) + 0*{name}")  # a constant: give the parser a variable to hold
    return float(primal_sweep(t, {name: 0.0})[t.output])


@dataclass
class Mismatch:
    point: dict[str, float]
    expected: float
    supplied: float


@dataclass
class ManualCheck:
    """The verdict on one supplied derivative ``∂f/∂name``."""

    name: str
    formula: str
    points: int
    mismatch: Mismatch | None
    equivalent: bool | None  # sympy: True, False, or None (undecided or over budget)
    note: str = ""
    values: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.mismatch is None

    def to_json(self) -> dict[str, Any]:
        m = self.mismatch
        return {"input": self.name, "formula": self.formula, "ok": self.ok,
                "points": self.points, "sympy_equivalent": self.equivalent, "note": self.note,
                "mismatch": None if m is None else {"point": m.point, "expected": _j(m.expected),
                                                    "supplied": _j(m.supplied)}}


def _j(v: float) -> float | str:
    return v if math.isfinite(v) else str(v)


def value_of(d: Trace | float, point: Mapping[str, float]) -> float:
    if isinstance(d, float):
        return d
    return float(primal_sweep(d, {n: point[n] for n in d.inputs})[d.output])


def sample_points(f: Trace, at: Mapping[str, float], count: int, seed: int) -> list[dict]:
    """``at`` and ``count − 1`` random points near it where f and its gradient are finite."""
    rng = np.random.default_rng(seed)
    base = {k: float(v) for k, v in f.bind(at).items()}
    points = [base]
    for _ in range(50 * count):
        if len(points) >= count:
            break
        p = {k: v + float(rng.normal(0, 0.5 * max(1.0, abs(v)))) for k, v in base.items()}
        g = reverse_sweep(f, p).gradient
        if all(math.isfinite(float(x)) for x in g.values()):
            points.append(p)
    return points


def check(f: Trace, at: Mapping[str, float], manual: Mapping[str, str], *, count: int = 6,
          seed: int = 0, budget: Budget | None = None, symbolic: bool = True
          ) -> list[ManualCheck]:
    """Check each supplied derivative at ``count`` points and, if ``symbolic``, with sympy."""
    if len(f.outputs) != 1:
        raise InputError("manual derivatives are checked for a function with one output")
    parsed = {n: parse_derivative(n, text, f) for n, text in manual.items()}
    points = sample_points(f, at, count, seed)
    grads = [reverse_sweep(f, p).gradient for p in points]
    results = []
    for name, d in parsed.items():
        mismatch = None
        for p, g in zip(points, grads, strict=True):
            want, got = float(g[name]), value_of(d, p)
            if not math.isclose(got, want, rel_tol=RTOL, abs_tol=ATOL):
                mismatch = Mismatch(p, want, got)
                break
        eq, note = None, ""
        if symbolic:
            from .symbolic import equivalent

            const = parse(f"{d!r} + 0*{name}") if isinstance(d, float) else d
            staged = equivalent(f, name, const, budget)
            eq = staged.get("equivalent")
            note = staged.exceeded or ""
        results.append(ManualCheck(name, manual[name], len(points), mismatch, eq, note,
                                   {"at": value_of(d, points[0])}))
    return results


def report(checks: list[ManualCheck]) -> list[str]:
    """One line per check: ✓, or ✗ with the point, the expected and the supplied value."""
    lines = []
    for c in checks:
        sym = {True: "sympy: equivalent", False: "sympy: not equivalent",
               None: "sympy: undecided" + (f" ({c.note})" if c.note else "")}[c.equivalent]
        if c.ok:
            lines.append(f"✓ ∂f/∂{c.name} = {c.formula}: agrees with reverse mode at "
                         f"{c.points} points; {sym}")
        else:
            m = c.mismatch
            at = ", ".join(f"{k}={v:.6g}" for k, v in m.point.items())
            lines.append(f"✗ ∂f/∂{c.name} = {c.formula} is wrong: at {at} reverse mode gives "
                         f"{m.expected:.12g}, the formula gives {m.supplied:.12g}; {sym}")
    return lines
