"""What ``autodiff fit`` prints: a trained expression model as plain text or as JSON."""

from __future__ import annotations

import math
from typing import Any

from ..evaluation import Evaluation
from ..term import format_number
from ..train.jsonfile import finite
from .run import FitResult


def report_json(result: FitResult, files: dict[str, str] | None = None,
                explain: tuple[int, Evaluation] | None = None) -> dict[str, Any]:
    """``{"command": "fit", "status", "message", "task", "metric", "loss", "model", "data",
    "config", "metrics", "history", "files", "seconds", ["explain",] "params"}``.

    ``model`` has the formula as given and with the learned values (``text``, ``latex``);
    ``params`` (last) maps each parameter's name to its learned value."""
    h = result.history.to_json()
    m = result.model
    doc: dict[str, Any] = {
        "command": "fit", "status": h["status"], "message": h["message"], "task": h["task"],
        "metric": h["metric"], "loss": m.loss,
        "model": {"formula": m.source, "params": list(m.params), "features": result.columns,
                  "target": m.loss_trace.target_name, "text": m.formula("text"),
                  "latex": m.formula("latex")},
        "data": result.data, "config": h["config"], "metrics": h["metrics"],
        "history": h["epochs"], "files": files or {}, "seconds": h["seconds"]}
    if explain is not None:
        n, ev = explain
        doc["explain"] = {"sample": n, **ev.to_json()}
    doc["params"] = m.values
    return finite(doc)


def report_table(result: FitResult, files: dict[str, str] | None = None,
                 explain: tuple[int, Evaluation] | None = None) -> str:
    """The report a student reads: the model, the data, the epochs, metrics, the formula
    with the learned values, and the explained sample."""
    h, d, cfg, m = result.history, result.data, result.history.config, result.model
    batch = "full" if cfg.get("batch_size") is None else cfg["batch_size"]
    mapped = [f"{f}={c}" for f, c in result.columns.items() if f != c]
    lines = [
        f"model   μ = {m.source}   (parameters {', '.join(m.params)}; loss {m.loss})",
        f"data    {d['source']}: {d['n_train']} training rows, {d['n_test']} test rows, "
        f"target {d['target']}" + (f", features {', '.join(mapped)}" if mapped else ""),
        f"training {cfg['optimizer']} (lr {cfg['lr']:g}"
        + (f", momentum {cfg['momentum']:g}" if cfg["optimizer"] == "momentum" else "")
        + f"), batch {batch} ({cfg['steps_per_epoch']} steps/epoch), {cfg['epochs']} epochs, "
        f"schedule {cfg['schedule']}, seed {cfg['seed']}",
        "",
        _epochs(h.epochs),
        "",
        f"status: {h.status}" + (f" — {h.message}" if h.message else ""),
        "",
        f"{'':8}{'loss':>12}{h.metric:>12}",
    ]
    for part, values in h.final.items():
        loss, metric = (format_number(values.get(k), 6) for k in ("loss", h.metric))
        lines.append(f"{part:8}{loss:>12}{metric:>12}")
    lines += ["", "learned parameters:"]
    lines += [f"  {p:10} {v!r}" for p, v in m.values.items()]
    lines += ["", f"μ = {m.formula('text')}", f"LaTeX: {m.formula('latex')}"]
    if files:
        lines += ["", "wrote " + ", ".join(f"{k} {v}" for k, v in files.items())]
    if explain is not None:
        n, ev = explain
        lines += ["", f"sample {n}: the loss trace at the learned parameters", "",
                  ev.render("table")]
    return "\n".join(lines)


def _epochs(rows: list[dict[str, Any]], limit: int = 25) -> str:
    """One line per epoch; a long run shows every k-th epoch and the last."""
    cols = list(rows[0]) if rows else []
    k = max(1, math.ceil(len(rows) / limit))
    shown = [r for i, r in enumerate(rows) if i % k == 0 or i == len(rows) - 1]
    out = ["  ".join(f"{c:>13}" for c in cols)]
    out += ["  ".join(f"{format_number(r.get(c), 6):>13}" for c in cols) for r in shown]
    return "\n".join(out)


