"""What ``autodiff train`` prints: a run as a plain-text report or as JSON (docs/train.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..term import format_number

if TYPE_CHECKING:
    from .experiment import Result


def report_json(result: Result, files: dict[str, str] | None = None) -> dict[str, Any]:
    """``{"status", "message", "model", "data", "config", "metrics", "weights", "history",
    "files", "seconds"}``; non-finite numbers are ``null``."""
    h = result.history.to_json()
    return {"command": "train", "status": h["status"], "message": h["message"],
            "task": h["task"], "metric": h["metric"],
            "model": {"description": result.spec.describe(), **result.spec.to_json()},
            "data": result.data, "config": h["config"], "metrics": h["metrics"],
            "weights": h["weights"], "history": h["epochs"], "files": files or {},
            "seconds": h["seconds"]}


def report_table(result: Result, files: dict[str, str] | None = None) -> str:
    """The report a student reads: what was trained on what, the epochs, metrics, weights."""
    h, d, cfg = result.history, result.data, result.history.config
    batch = "full" if cfg.get("batch_size") is None else cfg["batch_size"]
    lines = [
        f"{result.spec.describe()} on {d['source']}: {d['n_train']} training rows, "
        f"{d['n_test']} test rows, {d['n_features']} features"
        + (" (standardized)" if d.get("standardized") else ""),
        f"optimizer {cfg['optimizer']} (lr {cfg['lr']:g}"
        + (f", momentum {cfg['momentum']:g}" if cfg["optimizer"] == "momentum" else "")
        + f"), loss {cfg['loss']}, batch {batch} ({cfg['steps_per_epoch']} steps/epoch), "
        f"{cfg['epochs']} epochs, schedule {cfg['schedule']}, seed {cfg['seed']}",
        "",
        _epochs(h.epochs),
        "",
        f"status: {h.status}" + (f" — {h.message}" if h.message else ""),
        "",
    ]
    metric = h.metric
    lines.append(f"{'':8}{'loss':>12}{metric:>12}")
    for part, values in h.final.items():
        loss, value = (format_number(values.get(k), 6) for k in ("loss", metric))
        lines.append(f"{part:8}{loss:>12}{value:>12}")
    if "confusion_matrix" in d:
        lines += ["", *_confusion(d["confusion_matrix"])]
    lines += ["", "learned weights" + (" (on standardized features)"
                                        if d.get("standardized") else "") + ":"]
    for name, value in h.weights.items():
        lines.append(f"  {name:14} {_array(value)}")
    if files:
        lines += ["", "wrote " + ", ".join(f"{k} {v}" for k, v in files.items())]
    return "\n".join(lines)


def _confusion(c: dict[str, Any]) -> list[str]:
    """The confusion matrix as a table: a row per true class, a column per predicted one."""
    k = c["classes"]
    lines = [f"confusion matrix ({c['on']} rows; row = true class, column = predicted):",
             "        " + "".join(f"{j:>7}" for j in k)]
    for j, row in zip(k, c["matrix"], strict=True):
        lines.append(f"  {j:>4}  " + "".join(f"{v:>7}" for v in row))
    return lines


def _epochs(rows: list[dict[str, Any]], limit: int = 25) -> str:
    """One line per epoch; long runs show the first and last epochs and every k-th between."""
    cols = [c for c in rows[0]] if rows else []
    shown = rows
    if len(rows) > limit:
        k = int(np.ceil(len(rows) / limit))
        shown = [r for i, r in enumerate(rows) if i % k == 0 or i == len(rows) - 1]
    out = ["  ".join(f"{c:>13}" for c in cols)]
    for r in shown:
        out.append("  ".join(f"{format_number(r.get(c), 6):>13}" for c in cols))
    return "\n".join(out)


def _array(value: Any) -> str:
    arr = np.asarray(value, dtype=float)
    if arr.size > 12:
        return f"array of shape {arr.shape}, |w| = {np.linalg.norm(arr):.4g}"
    return np.array2string(arr.squeeze() if arr.ndim > 1 and 1 in arr.shape else arr,
                           precision=4, separator=", ")
