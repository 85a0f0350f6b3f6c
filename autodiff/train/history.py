"""What a training run leaves behind: the loss, learning rate and metric of every epoch.

``History`` is what :func:`autodiff.train.fit` returns. Epoch 0 is the model before any
update (the loss at the initial weights); epoch k ≥ 1 holds the mean training loss over the
mini-batches of epoch k (weighted by their sizes), the learning rate η used in it, and the
loss and metric on the test rows at the end of it. ``step_loss`` has the loss of every
mini-batch. The object renders itself as text (``str``), HTML (in Jupyter, with the loss
curve), JSON, CSV and a PNG/SVG plot.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from .jsonfile import finite
from .metrics import metric_name
from .output import extension, write_atomic

STATUSES = ("completed", "diverged", "interrupted")


@dataclass
class History:
    """The record of one run; ``status`` is ``completed``, ``diverged`` or ``interrupted``."""

    task: str
    config: dict[str, Any] = field(default_factory=dict)
    epochs: list[dict[str, Any]] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    status: str = "completed"
    message: str = ""
    final: dict[str, dict[str, float]] = field(default_factory=dict)
    weights: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def metric(self) -> str:
        return metric_name(self.task)

    @property
    def columns(self) -> list[str]:
        """The per-epoch fields, in table order."""
        keys: list[str] = []
        for record in self.epochs:
            keys += [k for k in record if k not in keys]
        return keys

    def to_json(self, steps: bool = False) -> dict[str, Any]:
        """The run as JSON-ready values (non-finite numbers become ``null``)."""
        out = {"status": self.status, "message": self.message, "task": self.task,
               "metric": self.metric, "config": self.config, "metrics": self.final,
               "weights": self.weights, "epochs": self.epochs, "seconds": self.seconds}
        if steps:
            out["step_loss"] = self.step_loss
        return finite(out)

    def to_csv(self) -> str:
        """One row per epoch (``epoch,lr,train_loss,…``), empty fields for missing values."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        cols = self.columns
        writer.writerow(cols)
        for record in self.epochs:
            writer.writerow(["" if record.get(c) is None else _num(record[c]) for c in cols])
        return buf.getvalue()

    def save(self, path: str) -> None:
        """Write the history as ``.json`` (with every step's loss) or ``.csv`` (per epoch)."""
        ext = extension(path, (".json", ".csv"), "--history")
        doc = {"format": "autodiff-history", **self.to_json(steps=True)}
        text = json.dumps(doc, indent=2) + "\n" if ext == ".json" else self.to_csv()
        write_atomic(path, text)

    def plot(self, path: str | None = None) -> Any:
        """The loss curve (and metric, learning rate); saved to ``path`` or returned as a figure."""
        from .plots import plot_history
        return plot_history(self, path)

    def render(self) -> str:
        """A plain-text table, one line per epoch, then the final metrics."""
        cols = self.columns
        lines = ["  ".join(f"{c:>12}" for c in cols)]
        for record in self.epochs:
            lines.append("  ".join(f"{_cell(record.get(c)):>12}" for c in cols))
        lines.append(f"status: {self.status}" + (f" — {self.message}" if self.message else ""))
        for part, values in self.final.items():
            lines.append(f"{part}: " + ", ".join(f"{k} {_cell(v)}" for k, v in values.items()))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def _repr_html_(self) -> str:
        import base64
        from html import escape

        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        rows = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in self.columns)
                       + "</tr>" for r in self.epochs)
        fig = self.plot()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
        import matplotlib.pyplot as plt
        plt.close(fig)
        img = base64.b64encode(buf.getvalue()).decode("ascii")
        return (f"<p><b>{escape(self.status)}</b> {escape(self.message)}</p>"
                f'<img src="data:image/png;base64,{img}"/>'
                f"<table><tr>{head}</tr>{rows}</table>")


def _cell(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _num(v: Any) -> str:
    return repr(float(v)) if isinstance(v, float) else str(v)


