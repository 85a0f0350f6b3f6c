"""The ways to get a derivative, side by side: the lecture's table of approaches, measured.

:func:`compare` differentiates one scalar function at one point by every method —

* ``manual``: derivatives written by hand (when given), checked by :mod:`autodiff.methods.manual`;
* ``forward_difference``, ``backward_difference``, ``central_difference``, ``complex_step``:
  numerical, :mod:`autodiff.methods.numeric`;
* ``symbolic``: sympy's closed formula evaluated at the point, :mod:`autodiff.methods.symbolic`;
* ``forward``: one tangent sweep per input; ``reverse``: one adjoint sweep for the gradient —

and measures each against reverse mode: absolute error ``|g_k − ḡ_k|``, relative error
``|g_k − ḡ_k| / |ḡ_k|``, and cost (function evaluations or sweeps, elementary operations,
time). :class:`Comparison` renders itself as a table, Markdown, LaTeX or JSON.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..forward import forward_sweep, primal_sweep
from ..parse import parse
from ..render.grid import Grid, cell, dump_json, render_grids, title_of
from ..render.tables import json_value
from ..reverse import reverse_sweep
from ..trace import Trace
from . import numeric
from .budget import Budget
from .manual import ManualCheck, check, parse_derivative, report
from .recorded import operations, sweep_operations

FORMATS = ("table", "markdown", "latex", "json")


@dataclass
class Method:
    """One method's gradient (input → value, None where it gives none) and its cost."""

    name: str
    gradient: dict[str, float | None]
    cost: dict[str, Any]
    note: str = ""
    error: dict[str, float | None] = field(default_factory=dict)
    relative_error: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Comparison:
    trace: Trace
    at: dict[str, float]
    value: float
    methods: dict[str, Method]
    manual: list[ManualCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """False when a manual derivative is wrong."""
        return all(c.ok for c in self.manual)

    def to_json(self) -> dict[str, Any]:
        def values(d: Mapping[str, Any]) -> dict[str, Any]:
            return {k: json_value(v) for k, v in d.items()}

        methods = {}
        for name, m in self.methods.items():
            methods[name] = {"gradient": values(m.gradient), "error": values(m.error),
                             "relative_error": values(m.relative_error),
                             "cost": {k: json_value(v) if isinstance(v, float) else v
                                      for k, v in m.cost.items()},
                             "note": m.note}
        out: dict[str, Any] = {"expression": self.trace.source, "inputs": values(self.at),
                               "value": json_value(self.value), "reference": "reverse",
                               "methods": methods}
        if self.manual:
            out["manual_check"] = [c.to_json() for c in self.manual]
            out["ok"] = self.ok
        return out

    def render(self, fmt: str = "table") -> str:
        if fmt == "json":
            return dump_json(self.to_json())
        rows = []
        for m in self.methods.values():
            for k, name in enumerate(self.at):
                rows.append([m.name if k == 0 else "", f"∂f/∂{name}",
                             cell(m.gradient.get(name), 16), cell(m.error.get(name), 2),
                             cell(m.relative_error.get(name), 2),
                             _cost_text(m.cost) if k == 0 else "",
                             cell(m.cost.get("operations")) if k == 0 else "",
                             f"{m.cost['seconds'] * 1e3:.3f}" if k == 0 else ""])
        notes = [f"{m.name}: {m.note}" for m in self.methods.values() if m.note]
        notes += report(self.manual)
        point = ", ".join(f"{k}={cell(v)}" for k, v in self.at.items())
        grid = Grid(f"f = {title_of(self.trace.source)} at {point}: "
                    f"f = {cell(self.value, 12)}",
                    ["method", "derivative", "value", "abs. error", "rel. error", "cost",
                     "operations", "ms"], rows, notes, right={2, 3, 4, 6, 7})
        return render_grids([grid], fmt)


def _cost_text(cost: Mapping[str, Any]) -> str:
    if "sweeps" in cost:
        return f"{cost['sweeps']} sweep{'s' * (cost['sweeps'] != 1)}"
    if "evaluations" in cost:
        return f"{cost['evaluations']} evaluation{'s' * (cost['evaluations'] != 1)}"
    if "nodes" in cost:
        return f"{cost['nodes']} tree nodes"
    return ""


def compare(source: str | Trace, at: Mapping[str, float], *,
            manual: Mapping[str, str] | None = None, h: float | None = None,
            budget: Budget | None = None, seed: int = 0) -> Comparison:
    """Differentiate ``source`` (an expression or program with one output) at ``at`` by every
    method; ``manual`` maps input names to hand-derived formulas; ``h`` overrides the steps."""
    trace = source if isinstance(source, Trace) else parse(source)
    if len(trace.outputs) != 1:
        raise InputError(f"`autodiff diff` compares gradients of one output; this program has "
                         f"{len(trace.outputs)}: use `autodiff jacobian`")
    numeric.check_step(h)
    point = {k: float(v) for k, v in trace.bind(at).items()}
    names = list(trace.inputs)
    parsed = {n: parse_derivative(n, text, trace) for n, text in (manual or {}).items()}
    primal = operations(trace)
    primals = primal_sweep(trace, point)
    methods: dict[str, Method] = {}

    start = time.perf_counter()
    rev = reverse_sweep(trace, point, primals=primals)
    reference = {k: float(v) for k, v in rev.gradient.items()}
    t_rev = time.perf_counter() - start
    start = time.perf_counter()
    fwd = {n: float(forward_sweep(trace, point, n, primals).derivative) for n in names}
    t_fwd = time.perf_counter() - start

    if parsed:
        start = time.perf_counter()
        checks = check(trace, point, manual or {}, budget=budget, seed=seed)
        ops = sum(0 if isinstance(d, float) else operations(d) for d in parsed.values())
        methods["manual"] = Method("manual", {n: next((c.values["at"] for c in checks
                                                       if c.name == n), None) for n in names},
                                   {"evaluations": len(parsed), "operations": ops,
                                    "seconds": time.perf_counter() - start})
    else:
        checks = []
    for m in ("forward_difference", "backward_difference", "central_difference",
              "complex_step"):
        r = numeric.gradient(trace, point, m, h)
        methods[m] = Method(m, r.gradient or {n: None for n in names},
                            {"evaluations": r.evaluations,
                             "operations": r.evaluations * primal, "seconds": r.seconds,
                             "step": r.steps}, r.note)
    from .symbolic import derivatives

    staged = derivatives(trace, point, budget, stages=())
    raw = dict(staged.all("raw"))
    methods["symbolic"] = Method(
        "symbolic", {n: raw[n].get("value") if n in raw else None for n in names},
        {"operations": sum(raw[n]["ops"] or 0 for n in raw),
         "nodes": sum(raw[n]["nodes"] for n in raw), "seconds": staged.seconds},
        staged.exceeded or "")
    methods["forward"] = Method("forward", fwd, {
        "sweeps": len(names), "seconds": t_fwd,
        "operations": primal + sum(sweep_operations(trace, "forward", n) for n in names)})
    methods["reverse"] = Method("reverse", reference, {
        "sweeps": 1, "seconds": t_rev,
        "operations": primal + sweep_operations(trace, "reverse")})
    for m in methods.values():
        for n in names:
            g = m.gradient.get(n)
            m.error[n] = None if g is None else abs(g - reference[n])
            m.relative_error[n] = None if g is None else (
                abs(g - reference[n]) / abs(reference[n]) if reference[n] else m.error[n])
    return Comparison(trace, point, float(primals[trace.output]), methods, checks)
