"""The results of the single-method commands as tables (text, Markdown, LaTeX) and JSON.

One function per result: the numerical gradients and their step-size study, the symbolic
derivatives with their swell statistics, the swell study, the Jacobian, the Hessian and the
check of manual derivatives. The JSON of each is documented in ``docs/methods.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .grid import Grid, cell, dump_json, render_grids, title_of
from .tables import json_value

if TYPE_CHECKING:
    from ..methods.budget import Staged
    from ..methods.jacobian import Hessian, Jacobian
    from ..methods.manual import ManualCheck
    from ..methods.numeric import Numerical, StepStudy
    from ..methods.swell import SwellStudy
    from ..trace import Trace


def _point(at: dict[str, float]) -> str:
    return ", ".join(f"{k}={cell(v)}" for k, v in at.items())


def _values(d: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if d is None else {k: json_value(v) for k, v in d.items()}


def numerical(results: list[Numerical], reference: dict[str, float], at: dict[str, float],
              fmt: str) -> str:
    """The numerical gradients next to reverse mode, with step and evaluations."""
    if fmt == "json":
        return dump_json({"inputs": _values(at), "reference": _values(reference), "methods": {
            r.method: {"gradient": _values(r.gradient), "step": _values(r.steps),
                       "error": None if r.gradient is None else
                       {k: abs(r.gradient[k] - g) for k, g in reference.items()},
                       "cost": {"evaluations": r.evaluations, "seconds": r.seconds},
                       "note": r.note} for r in results}})
    rows = []
    for r in results:
        for k, (name, g) in enumerate(reference.items()):
            v = None if r.gradient is None else r.gradient[name]
            rows.append([r.method if k == 0 else "", f"∂f/∂{name}", cell(r.steps[name], 3),
                         cell(v, 16), cell(None if v is None else abs(v - g), 2),
                         str(r.evaluations) if k == 0 else ""])
    rows += [["reverse", f"∂f/∂{n}", "", cell(g, 16), "", ""] for n, g in reference.items()]
    notes = [f"{r.method}: {r.note}" for r in results if r.note]
    grid = Grid(f"numerical derivatives at {_point(at)}",
                ["method", "derivative", "h", "value", "abs. error", "evaluations"], rows,
                notes, right={2, 3, 4, 5})
    return render_grids([grid], fmt)


def step_study(study: StepStudy, at: dict[str, float], fmt: str) -> str:
    """Error against reverse mode for each method (columns) and step h (rows)."""
    methods = list(study.errors)
    if fmt == "json":
        return dump_json({"inputs": _values(at), "reference": _values(study.reference),
                          "steps": list(study.steps),
                          "errors": {m: [json_value(e) for e in es]
                                     for m, es in study.errors.items()},
                          "best": {m: study.best(m) for m in methods}, "notes": study.notes})
    rows = [[cell(h, 1)] + [cell(study.errors[m][i], 2) for m in methods]
            for i, h in enumerate(study.steps)]
    notes = []
    for m in methods:
        best = study.best(m)
        if best:
            notes.append(f"{m}: smallest error {best[1]:.1e} at h = {best[0]:.0e}")
    notes += [f"{m}: {n}" for m, n in study.notes.items()]
    grid = Grid(f"step-size study at {_point(at)}: max relative error against reverse mode",
                ["h"] + methods, rows, notes, right=set(range(len(methods) + 1)))
    return render_grids([grid], fmt)


def _size(d: dict[str, Any] | None) -> tuple[str, str]:
    if not d:
        return "—", "—"
    return cell(d.get("ops")), cell(d.get("nodes"))


def symbolic(trace: Trace, staged: Staged, ad_ops: dict[str, Any], fmt: str) -> str:
    """The derivative formulas and the swell statistics next to the AD trace lengths."""
    f = staged.get("f") or {}
    raw, simp, cse = (dict(staged.all(s)) for s in ("raw", "simplified", "cse"))
    if fmt == "json":
        return dump_json({"expression": trace.source, "f": f, "derivatives": {
            n: {"raw": raw.get(n), "simplified": simp.get(n), "cse": cse.get(n)}
            for n in trace.inputs}, "ad_operations": ad_ops,
            "roundtrip": staged.get("roundtrip"), "exceeded": staged.exceeded})
    style = {"table": "unicode", "markdown": "latex", "latex": "latex"}[fmt]
    rows = [["f", *_size(f)]]
    for n in trace.inputs:
        rows += [[f"∂f/∂{n} raw", *_size(raw.get(n))],
                 [f"∂f/∂{n} simplified", *_size(simp.get(n))],
                 [f"∂f/∂{n} after cse", *_size(cse.get(n))]]
    rows += [["primal trace", cell(ad_ops["primal"]), ""],
             ["forward mode (all sweeps)", cell(ad_ops["forward"]), ""],
             ["reverse mode (one sweep)", cell(ad_ops["reverse"]), ""]]
    notes = [d["note"] for d in (f, *raw.values(), *simp.values()) if d.get("note")]
    if staged.exceeded:
        notes.append(f"expression swell: {staged.exceeded}")
    sizes = Grid("expression swell: operations (sympy.count_ops) and tree nodes",
                 ["expression", "operations", "nodes"], rows, notes, right={1, 2})
    lines = []
    for n in trace.inputs:
        d = simp.get(n) or raw.get(n) or {}
        formula = d.get(style) or d.get("note") or (
            f"({d['nodes']} tree nodes: too long to print)" if d.get("nodes")
            else f"(not computed: {staged.exceeded})")
        lines.append((f"∂f/∂{n}", formula))
    if fmt == "table":
        body = "\n\n".join(f"{k} =\n{v}" for k, v in lines)
        rt = staged.get("roundtrip") or ""
        return (f"derivatives of f = {title_of(trace.source)}\n\n{body}\n\n" + sizes.text() +
                (f"\n\nf converted back from sympy to a trace:\n{rt}" if rt else "\n"))
    if fmt == "markdown":
        body = "\n\n".join(f"$$\\frac{{\\partial f}}{{\\partial {n[5:]}}} = {v}$$"
                           for n, v in lines)
        return body + "\n\n" + render_grids([sizes], fmt)
    body = "\n".join(f"$$\\frac{{\\partial f}}{{\\partial {n[5:]}}} = {v}$$" for n, v in lines)
    return body + "\n\n" + render_grids([sizes], fmt)


def swell(study: SwellStudy, fmt: str) -> str:
    """One row per n: sizes of f and its derivative, and the AD trace lengths."""
    if fmt == "json":
        return dump_json({"g": study.g, "budget": {"seconds": study.budget.seconds,
                                                   "max_nodes": study.budget.max_nodes},
                          "rows": [{"n": r.n, "sizes": r.sizes, "trace_operations": r.trace_ops,
                                    "seconds": r.seconds, "note": r.note} for r in study.rows],
                          "cut": study.cut or None})
    rows = []
    for r in study.rows:
        s = r.sizes
        rows.append([str(r.n), cell(s["f"]["ops"]), cell(s["f"]["nodes"]),
                     cell(s["derivative"]["ops"]), cell(s["derivative"]["nodes"]),
                     cell(s["simplified"]["ops"]), cell(s["cse"]["ops"]),
                     str(r.trace_ops["primal"]), str(r.trace_ops["forward"]),
                     str(r.trace_ops["reverse"]), f"{r.seconds:.2f}"])
    notes = [f"n = {r.n}: {r.note}" for r in study.rows if r.note]
    if study.cut:
        notes.append(study.cut)
    notes.append("ops = sympy.count_ops, nodes = expression-tree nodes; forward/reverse = "
                 "operations of the primal and derivative sweep of AD (one input)")
    grid = Grid(f"expression swell of the n-fold composition of g(x) = {study.g}",
                ["n", "f ops", "f nodes", "f' ops", "f' nodes", "simplified ops", "cse ops",
                 "trace ops", "forward ops", "reverse ops", "s"], rows, notes,
                right=set(range(11)))
    return render_grids([grid], fmt)


def _matrix(m: np.ndarray) -> list[list[Any]]:
    return [[json_value(v) for v in row] for row in m]


def jacobian(j: Jacobian, fmt: str) -> str:
    """The Jacobian, and the sweeps and operations of forward and reverse mode."""
    modes = {m.name: m for m in (j.forward, j.reverse)}
    if fmt == "json":
        return dump_json({"inputs": _values(j.at), "outputs": j.outputs, "value": j.value,
                          "jacobian": _matrix(j.reverse.matrix), "modes": {
                              k: {"jacobian": _matrix(m.matrix), "sweeps": m.sweeps,
                                  "operations": m.operations, "seconds": m.seconds}
                              for k, m in modes.items()},
                          "primal_operations": j.primal_operations})
    rows = [[f"∂{o}", *(cell(v, 10) for v in row)] for o, row in
            zip(j.outputs, j.reverse.matrix, strict=True)]
    grid = Grid(f"Jacobian at {_point(j.at)}", [""] + [f"/∂{n}" for n in j.inputs], rows,
                right=set(range(1, len(j.inputs) + 1)))
    n, m = len(j.inputs), len(j.outputs)
    cost = Grid("cost", ["mode", "sweeps", "operations", "ms", "agrees"],
                [[k, f"{md.sweeps} (one per {'input' if k == 'forward' else 'output'})",
                  str(md.operations), f"{md.seconds * 1e3:.3f}",
                  str(bool(np.allclose(md.matrix, j.reverse.matrix, rtol=1e-12,
                                       equal_nan=True)))]
                 for k, md in modes.items()],
                [f"n = {n} inputs, m = {m} outputs, the primal sweep has "
                 f"{j.primal_operations} operations: forward mode needs n sweeps, reverse "
                 f"mode m; {'forward' if n < m else 'reverse' if m < n else 'either'} mode "
                 "is cheaper here"], right={2, 3})
    return render_grids([grid, cost], fmt)


def hessian(h: Hessian, fmt: str) -> str:
    """The Hessian (forward-over-reverse), its eigenvalues and the stationary point's kind."""
    if fmt == "json":
        return dump_json({"inputs": _values(h.at), "value": json_value(h.value),
                          "gradient": dict(zip(h.inputs, map(json_value, h.gradient),
                                               strict=True)),
                          "hessian": _matrix(h.matrix),
                          "eigenvalues": [json_value(v) for v in h.eigenvalues],
                          "stationary": h.stationary, "curvature": h.curvature,
                          "classification": h.classification,
                          "gradient_trace_operations": sum(
                              1 for s in h.gradient_trace.steps if s.op is not None)})
    rows = [[f"∂²f/∂{a}", *(cell(v, 10) for v in row)]
            for a, row in zip(h.inputs, h.matrix, strict=True)]
    notes = [f"f = {cell(h.value, 12)}, ∇f = ({', '.join(cell(g, 6) for g in h.gradient)})",
             f"eigenvalues: {', '.join(cell(v, 6) for v in h.eigenvalues)} → H is "
             f"{h.curvature}",
             f"classification: {h.classification}"]
    grid = Grid(f"Hessian at {_point(h.at)} (forward mode over the recorded reverse sweep)",
                [""] + [f"∂{n}" for n in h.inputs], rows, notes,
                right=set(range(1, len(h.inputs) + 1)))
    return render_grids([grid], fmt)


def manual(checks: list[ManualCheck], fmt: str) -> str:
    """The verdict on each supplied derivative."""
    from ..methods.manual import report

    if fmt == "json":
        return dump_json({"ok": all(c.ok for c in checks),
                          "checks": [c.to_json() for c in checks]})
    rows = [[f"∂f/∂{c.name}", c.formula, "correct" if c.ok else "WRONG", str(c.points),
             {True: "equivalent", False: "not equivalent", None: "undecided"}[c.equivalent]]
            for c in checks]
    grid = Grid("manual derivatives checked against reverse mode",
                ["derivative", "formula", "verdict", "points", "sympy"], rows, report(checks))
    return render_grids([grid], fmt)
