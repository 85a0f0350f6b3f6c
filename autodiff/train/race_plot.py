"""Pictures of the optimizer race: trajectories over contours, loss curves, an animated GIF,
and the learning-rate schedules over steps."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..optim.registry import OPTIMIZERS
from .output import save_figure, write_atomic
from .plots import pyplot
from .race import FUNCTIONS, Trajectory

COLOURS = {name: e.colour for name, e in OPTIMIZERS.items()}
LABELS = {name: e.label for name, e in OPTIMIZERS.items()}


def _contours(ax: Any, function: str) -> None:
    f = FUNCTIONS[function]
    x0, x1, y0, y1 = f.box
    X, Y = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))  # noqa: N806
    Z = f(X, Y)  # noqa: N806
    levels = np.quantile(Z, np.linspace(0.0, 0.95, 25) ** 2.5)
    levels = np.unique(levels)
    ax.contourf(X, Y, Z, levels=levels, cmap="Greys", alpha=0.35)
    ax.contour(X, Y, Z, levels=levels, colors="grey", linewidths=0.5, alpha=0.7,
               linestyles="solid")
    ax.plot(*f.minimum, marker="*", color="gold", ms=14, mec="black", zorder=5, label="minimum")
    ax.plot(*f.start, marker="o", color="black", ms=6, zorder=5, label="start")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x", ylabel="y")


def _legend_label(t: Trajectory) -> str:
    return f"{LABELS[t.optimizer]} (η={t.lr:g})" + (" diverged" if t.diverged_at is not None
                                                      else "")


def race_figure(results: dict[str, list[Trajectory]]) -> Any:
    """One row per function: every trajectory over the contours of f (left) and
    f(w_k) − f(w*) against the step k on a log scale (right)."""
    plt = pyplot()
    fig, axes = plt.subplots(len(results), 2, figsize=(14, 5.2 * len(results)),
                             gridspec_kw={"width_ratios": [1.35, 1]}, squeeze=False)
    for (function, paths), (ax, ax_loss) in zip(results.items(), axes, strict=True):
        f = FUNCTIONS[function]
        _contours(ax, function)
        for t in paths:
            pts = np.array(t.points)
            ax.plot(pts[:, 0], pts[:, 1], "-", color=COLOURS[t.optimizer], lw=1.4, marker=".",
                    ms=2.5, alpha=0.9, label=_legend_label(t))
        ax.set_title(f"{function}: f(x, y) = {f.formula}, {len(paths[0].points) - 1} steps")
        # below the contours, where it covers neither a path nor the minimum
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=4,
                  frameon=False)
        for t in paths:
            gap = np.maximum(np.array(t.loss, dtype=float) - _f_min(function), 1e-12)
            ax_loss.plot(np.arange(len(gap)), gap, color=COLOURS[t.optimizer],
                         label=LABELS[t.optimizer])
        ax_loss.set_yscale("log")
        ax_loss.set(xlabel="step k", ylabel="f(w_k) − f(w*)",
                    title=f"{function}: distance to the minimum value")
        ax_loss.grid(alpha=0.3, which="both")
        ax_loss.legend(fontsize=8)
    fig.tight_layout()
    return fig


def save_race(results: dict[str, list[Trajectory]], path: str) -> None:
    save_figure(race_figure(results), path)


def save_gif(function: str, paths: list[Trajectory], path: str, frames: int = 60,
             fps: int = 12) -> None:
    """The race as an animated GIF, the trajectories growing step by step.

    The contours are drawn once and kept as a bitmap; each frame restores it and draws only
    the lines (matplotlib's blitting), then Pillow (matplotlib's own image dependency)
    writes the frames as one looping GIF.
    """
    import io

    from PIL import Image

    plt = pyplot()
    f = FUNCTIONS[function]
    fig, ax = plt.subplots(figsize=(7.5, 5), dpi=80)
    _contours(ax, function)
    lines = {t.optimizer: ax.plot([], [], "-", color=COLOURS[t.optimizer], lw=1.8,
                                  label=_legend_label(t), animated=True)[0] for t in paths}
    heads = {t.optimizer: ax.plot([], [], "o", color=COLOURS[t.optimizer], ms=6,
                                  animated=True)[0] for t in paths}
    ax.legend(fontsize=8, loc="upper right")
    title = ax.set_title(" ", animated=True)
    fig.tight_layout()
    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    longest = max(len(t.points) for t in paths)
    images = []
    try:
        for k in np.unique(np.linspace(0, longest - 1, min(frames, longest)).astype(int)):
            canvas.restore_region(background)
            for t in paths:
                pts = np.array(t.points[: k + 1])
                lines[t.optimizer].set_data(pts[:, 0], pts[:, 1])
                heads[t.optimizer].set_data(pts[-1:, 0], pts[-1:, 1])
                ax.draw_artist(lines[t.optimizer])
                ax.draw_artist(heads[t.optimizer])
            title.set_text(f"{function}: f = {f.formula}, step {k}")
            fig.draw_artist(title)
            canvas.blit(fig.bbox)
            rgba = np.asarray(canvas.buffer_rgba())
            images.append(Image.fromarray(rgba[..., :3].copy()).convert(
                "P", palette=Image.Palette.ADAPTIVE, colors=256))
    finally:
        plt.close(fig)
    images += [images[-1]] * fps            # hold the last frame for a second
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(1000 / fps), loop=0)
    write_atomic(path, buf.getvalue())


def schedules_figure(curves: dict[str, list[float]], lr: float) -> Any:
    """η_t against t for every schedule, on one axes."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.8))
    for name, values in curves.items():
        ax.plot(np.arange(len(values)), values, lw=2, label=name)
    steps = len(next(iter(curves.values())))
    ax.set(xlabel="step t (an epoch when training)", ylabel="learning rate η_t",
           title=f"Learning-rate schedules from η₀ = {lr:g} over {steps} steps")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


def _f_min(function: str) -> float:
    f = FUNCTIONS[function]
    return float(f(np.array(f.minimum[0]), np.array(f.minimum[1])))
