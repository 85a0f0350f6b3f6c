"""Pictures of a training run: the loss curve, the metric and the learning rate per epoch.

Drawn with matplotlib's ``Agg`` backend (no display needed); saved as PNG or SVG by the file
name's extension through :func:`autodiff.train.output.save_figure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .output import save_figure

if TYPE_CHECKING:
    from .history import History

METRIC_LABEL = {"accuracy": "accuracy", "r2": "R²"}


def pyplot() -> Any:
    """matplotlib.pyplot on the ``Agg`` backend (files only, never a window)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_history(history: History, path: str | None = None) -> Any:
    """Three panels: loss (train per step and per epoch, test per epoch), metric, learning rate.

    Returns the figure when ``path`` is ``None``; otherwise saves it and returns ``None``.
    """
    plt = pyplot()
    name = history.metric
    metrics = {part: _column(history, f"{part}_{name}") for part in ("train", "test")}
    if any(np.isfinite(v).any() for v in metrics.values()):
        fig, (ax_loss, ax_metric, ax_lr) = plt.subplots(1, 3, figsize=(14, 4.2))
    else:  # no metric per epoch (no test set): no empty panel
        fig, (ax_loss, ax_lr) = plt.subplots(1, 2, figsize=(10, 4.2))
        ax_metric = None
    epochs = np.array([r["epoch"] for r in history.epochs], dtype=float)
    train = _column(history, "train_loss")
    test = _column(history, "test_loss")
    steps = np.asarray(history.step_loss, dtype=float)
    per_epoch = history.config.get("steps_per_epoch") or max(1, len(steps))
    if len(steps):
        x = np.arange(1, len(steps) + 1) / per_epoch
        ax_loss.plot(x, steps, color="tab:blue", alpha=0.25, lw=0.8, label="train (each step)")
    ax_loss.plot(epochs, train, "o-", color="tab:blue", ms=3, label="train (epoch mean)")
    if np.isfinite(test).any():
        ax_loss.plot(epochs, test, "s-", color="tab:orange", ms=3, label="test")
    _log_if_wide(ax_loss, np.concatenate([train, test, steps]))
    ax_loss.set(xlabel="epoch", ylabel=f"loss ({history.config.get('loss', '')})",
                title="Loss")
    ax_loss.legend(fontsize=8)

    if ax_metric is not None:
        for part, style, colour in (("train", "o-", "tab:blue"), ("test", "s-", "tab:orange")):
            if np.isfinite(metrics[part]).any():
                ax_metric.plot(epochs, metrics[part], style, color=colour, ms=3, label=part)
        ax_metric.set(xlabel="epoch", ylabel=METRIC_LABEL[name],
                      title=METRIC_LABEL[name].capitalize())
        ax_metric.legend(fontsize=8)

    lr = _column(history, "lr")
    if len(epochs) > 1:      # η of epoch k holds from k − 1 to k
        ax_lr.step(np.append(epochs[1:] - 1, epochs[-1]), np.append(lr[1:], lr[-1]),
                   where="post", color="tab:green")
    _log_if_wide(ax_lr, lr[1:])
    if ax_lr.get_yscale() == "linear" and np.isfinite(lr).any():
        ax_lr.set_ylim(0, 1.1 * np.nanmax(lr))
    ax_lr.set(xlabel="epoch", ylabel="learning rate η", title="Learning rate")
    for ax in (ax_loss, ax_metric, ax_lr):
        if ax is not None:
            ax.grid(alpha=0.3)
    cfg = history.config
    model = cfg.get("model") or (f"μ = {cfg['formula']}" if cfg.get("formula") else "")
    if len(model) > 60:
        model = model[:59] + "…"
    title = (f"{model} on {cfg.get('data', '')}: {cfg.get('optimizer', '')}, "
             f"η={cfg.get('lr', '')}, batch {cfg.get('batch_size', '')}, "
             f"schedule {cfg.get('schedule', 'none')}")
    if history.status != "completed":
        title += f" — {history.status}"
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    if path is None:
        return fig
    save_figure(fig, path)
    return None


def _column(history: History, key: str) -> np.ndarray:
    return np.array([np.nan if r.get(key) is None else r[key] for r in history.epochs],
                    dtype=float)


def _log_if_wide(ax: Any, values: np.ndarray) -> None:
    """Log scale when the positive values span more than a factor of 20."""
    v = values[np.isfinite(values)]
    if len(v) and (v > 0).all() and v.max() / v.min() > 20:
        ax.set_yscale("log")
