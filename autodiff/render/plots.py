"""Log-log plots of the step-size study and of the swell study (PNG or SVG, via matplotlib).

matplotlib is imported only here and only when a plot is asked for, with the ``Agg``
backend, so no display is needed. A plot never overwrites an existing file unless asked to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..outputfile import FIGURE, check_output, write_figure

if TYPE_CHECKING:
    from ..methods.numeric import StepStudy
    from ..methods.swell import SwellStudy

FLOOR = 1e-17  # an error of exactly 0 is drawn here, at the bottom of a log axis


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, plt.subplots(figsize=(7, 4.5))


def _target(path: str, overwrite: bool) -> str:
    """The policy of :mod:`autodiff.outputfile` for a plot (a new .png or .svg, or one of
    ours with ``overwrite``)."""
    check_output(path, "--plot", FIGURE, overwrite)
    return path


def step_study_plot(study: StepStudy, path: str, overwrite: bool = False) -> str:
    """Error against reverse mode over the step h: truncation error falls to the left of the
    best step, round-off error rises to its right (the complex step has none)."""
    path = _target(path, overwrite)
    plt, (fig, ax) = _figure()
    for method, errors in study.errors.items():
        pts = [(h, max(e, FLOOR)) for h, e in zip(study.steps, errors, strict=True)
               if e is not None]
        if pts:
            ax.loglog(*zip(*pts, strict=True), marker="o", ms=3, label=method.replace("_", " "))
    ax.set_xlabel("step h")
    ax.set_ylabel("max relative error vs reverse mode")
    ax.set_title("Step-size study: truncation error (large h) vs round-off (small h)")
    ax.invert_xaxis()
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    write_figure(fig, path)
    return path


def swell_plot(study: SwellStudy, path: str, overwrite: bool = False) -> str:
    """Operations of f, of its symbolic derivative (raw, simplified, after CSE) and of the AD
    sweeps, over n (log scale)."""
    path = _target(path, overwrite)
    plt, (fig, ax) = _figure()
    ns = [r.n for r in study.rows]
    series = {"f (tree nodes)": [r.sizes["f"]["nodes"] for r in study.rows],
              "f' raw (tree nodes)": [r.sizes["derivative"]["nodes"] for r in study.rows],
              "f' simplified (tree nodes)": [r.sizes["simplified"]["nodes"] for r in study.rows],
              "f' after cse (tree nodes)": [r.sizes["cse"]["nodes"] for r in study.rows],
              "reverse-mode trace (operations)": [r.trace_ops["primal"] + r.trace_ops["reverse"]
                                                  for r in study.rows]}
    for label, ys in series.items():
        pts = [(n, y) for n, y in zip(ns, ys, strict=True) if y]
        if pts:
            ax.semilogy(*zip(*pts, strict=True), marker="o", ms=3, label=label)
    over = [r.n for r in study.rows if r.note]
    if over:
        ax.axvline(min(over) - 0.5, color="grey", ls=":", label="budget exceeded from here")
    ax.set_xlabel("n (compositions)")
    ax.set_ylabel("size")
    ax.set_title(f"Expression swell of g∘…∘g, g(x) = {study.g}")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    write_figure(fig, path)
    return path
