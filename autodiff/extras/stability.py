"""Naive vs stable: two formulations of the same function, against a high-precision reference.

The same mathematical function can be computed in floating point in ways that lose all their
digits, or overflow, where another way keeps them. Each :class:`Pair` holds a naive and a
stable formulation written in the expression language; the engine evaluates both, value and
derivative (a reverse sweep over a whole array of inputs), and mpmath evaluates the function at
50 correct digits, its derivative by ``mpmath.diff``: an independent reference that never
touches the engine. The relative error ``|got − ref| / max(|ref|, 2.2e-308)`` (a float cannot
hold a smaller number: below that, the absolute error scaled by the smallest normal float)
shows where each formulation loses digits (error far above ε = 2.2e-16) or stops being finite.

The pairs (:data:`PAIRS`), naive → stable:

* ``logsigmoid``: ``log(sigmoid(z))`` → ``logsigmoid(z) = −softplus(−z)``;
* ``bce``: BCE on the probability ``bce(sigmoid(z), 0)`` → BCE with logits ``bce_logits(z, 0)``;
* ``softmax``: ``e^z / (e^z + 1 + e^−z)`` → every exponent minus the max ``|z|``;
* ``sigmoid_derivative``: ``s·(1 − s)`` with ``s = σ(z)`` → ``σ(z)·σ(−z)``;
* ``log1p``: ``log(1 + x)`` → ``log1p(x)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from ..evaluation import evaluate

DIGITS = 50  # correct digits of the reference (mpmath's precision grows with |x|, see precision)
TINY = float(np.finfo(np.float64).tiny)


@dataclass(frozen=True)
class Pair:
    """Two formulations of one function of ``var``, its mpmath reference, and where to look."""

    name: str
    title: str
    var: str
    naive: str
    stable: str
    reference: Callable[[Any, Any], Any]  # (mp, x) -> f(x) in mpmath
    lo: float
    hi: float
    log_x: bool = False
    samples: tuple[float, ...] = ()


PAIRS = {p.name: p for p in [
    Pair("logsigmoid", "log σ(z)", "z", "log(sigmoid(z))", "logsigmoid(z)",
         lambda mp, z: -mp.log(1 + mp.exp(-z)), -800, 60,
         samples=(-800, -100, -10, 0, 10, 20, 40)),
    Pair("bce", "BCE of σ(z) with label 0: −log(1 − σ(z))", "z", "bce(sigmoid(z), 0)",
         "bce_logits(z, 0)", lambda mp, z: mp.log(1 + mp.exp(z)), -60, 60,
         samples=(-50, -10, 0, 10, 20, 30, 40)),
    Pair("softmax", "softmax(z, 0, −z)₁", "z", "exp(z)/(exp(z) + 1 + exp(-z))",
         "exp(z - abs(z))/(exp(z - abs(z)) + exp(-abs(z)) + exp(-z - abs(z)))",
         lambda mp, z: mp.exp(z) / (mp.exp(z) + 1 + mp.exp(-z)), -800, 800,
         samples=(-800, -400, -10, 0, 10, 400, 800)),
    Pair("sigmoid_derivative", "σ'(z)", "z", "sigmoid(z) * (1 - sigmoid(z))",
         "sigmoid(z) * sigmoid(-z)", lambda mp, z: mp.exp(-z) / (1 + mp.exp(-z)) ** 2, -60, 60,
         samples=(-50, -10, 0, 10, 20, 30, 40)),
    Pair("log1p", "log(1 + x)", "x", "log(1 + x)", "log1p(x)",
         lambda mp, x: mp.log(1 + x), 1e-20, 1.0, log_x=True,
         samples=(1e-20, 1e-16, 1e-12, 1e-8, 1e-4, 0.5)),
]}


@dataclass(frozen=True)
class Comparison:
    """One pair over a grid: values and derivatives of both formulations, the reference, and
    the relative errors (``inf`` where a formulation is not finite)."""

    pair: Pair
    x: np.ndarray
    reference: dict[str, np.ndarray]             # "value", "derivative"
    got: dict[str, dict[str, np.ndarray]]        # formulation -> quantity -> values
    error: dict[str, dict[str, np.ndarray]]      # formulation -> quantity -> relative errors

    def worst(self, form: str, what: str) -> tuple[float, float]:
        """The largest relative error and the input where it occurs."""
        e = self.error[form][what]
        k = int(np.argmax(np.where(np.isnan(e), np.inf, e)))
        return float(e[k]), float(self.x[k])

    def first_non_finite(self, form: str, what: str) -> float | None:
        """The smallest input where ``form``'s ``what`` is nan or ±inf (None: never)."""
        bad = ~np.isfinite(self.got[form][what])
        return float(self.x[np.argmax(bad)]) if bad.any() else None

    def non_finite(self, form: str, what: str) -> str:
        """Where ``form``'s ``what`` is nan or ±inf on the grid: ``-800 … -746``, or ``—``."""
        xs = self.x[~np.isfinite(self.got[form][what])]
        if not len(xs):
            return "—"
        return f"{xs[0]:.4g}" if len(xs) == 1 else f"{xs[0]:.4g} … {xs[-1]:.4g}"


def _engine(source: str, var: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and derivative of ``source`` at every ``x`` (elementwise), by a reverse sweep."""
    ev = evaluate(source, at={var: x}, mode="reverse")
    return (np.broadcast_to(ev.value, x.shape).astype(float),
            np.broadcast_to(ev.gradient[var], x.shape).astype(float))


def _references(pair: Pair, x: np.ndarray) -> tuple[list[Any], list[Any]]:
    import mpmath

    f, df = [], []
    for v in map(float, x):
        with mpmath.workdps(precision(v)):
            t = mpmath.mpf(v)
            f.append(pair.reference(mpmath, t))
            df.append(mpmath.diff(lambda u: pair.reference(mpmath, u), t))
    return f, df


def precision(x: float) -> int:
    """mpmath's digits at ``x``: :data:`DIGITS` plus the digits of ``e^|x|`` and of ``1/|x|``,
    so that ``1 − σ(x)``, ``e^x/(e^x + …)`` or ``1 + x`` keep :data:`DIGITS` correct digits
    (and so does ``mpmath.diff``, whose steps shrink with the precision)."""
    scale = abs(math.log10(abs(x))) if x != 0 else 0.0
    return DIGITS + int(abs(x) / math.log(10)) + int(scale) + 1


def _relative(got: np.ndarray, ref: list[Any], x: np.ndarray) -> np.ndarray:
    import mpmath

    out = np.empty(len(ref))
    for k, (g, r, v) in enumerate(zip(got, ref, x, strict=True)):
        if not math.isfinite(g):
            out[k] = math.inf
            continue
        with mpmath.workdps(precision(float(v))):
            diff = abs(mpmath.mpf(float(g)) - r)
            # below the smallest normal float (2.2e-308) only an absolute error is meaningful
            out[k] = float(diff / max(abs(r), mpmath.mpf(TINY)))
    return out


def grid(pair: Pair, points: int = 201) -> np.ndarray:
    """``points`` inputs spread over the pair's range (log-spaced for ``log1p``), plus its
    sample points."""
    if pair.log_x:
        xs = np.logspace(math.log10(pair.lo), math.log10(pair.hi), points)
    else:
        xs = np.linspace(pair.lo, pair.hi, points)
    return np.unique(np.concatenate([xs, np.array(pair.samples, dtype=float)]))


def compare(name: str, points: int = 201) -> Comparison:
    """Evaluate the pair ``name`` (a key of :data:`PAIRS`) over its range."""
    if name not in PAIRS:
        raise InputError(f"unknown function {name!r}: choose from {', '.join(PAIRS)}")
    if points < 2:
        raise InputError(f"--points {points}: need at least 2 points")
    pair = PAIRS[name]
    x = grid(pair, points)
    f, df = _references(pair, x)
    reference = {"value": np.array([float(v) for v in f]),
                 "derivative": np.array([float(v) for v in df])}
    got, error = {}, {}
    with np.errstate(all="ignore"):
        for form in ("naive", "stable"):
            value, derivative = _engine(getattr(pair, form), pair.var, x)
            got[form] = {"value": value, "derivative": derivative}
            error[form] = {"value": _relative(value, f, x),
                           "derivative": _relative(derivative, df, x)}
    return Comparison(pair, x, reference, got, error)


def compare_all(names: Sequence[str] = (), points: int = 201) -> list[Comparison]:
    return [compare(n, points) for n in (names or PAIRS)]


# -- output -------------------------------------------------------------------------------------

#: Relative errors below this are the rounding of the last digits (a few ulps): their size and
#: where on the grid the largest falls depend on the numpy build's exp and log, so the tables
#: show them as ``<1e-15`` (all the digits float64 holds) and the JSON keeps the numbers.
ROUNDING = 1e-15


def _err(e: float) -> str:
    if e is None:
        return "—"
    if not math.isfinite(e):
        return "inf"
    return f"<{ROUNDING:.0e}" if 0 < e < ROUNDING else f"{e:.1g}"


def _kept(e: float) -> str:
    """Correct significant digits left: ``−log10(relative error)``, at most 16."""
    if not math.isfinite(e):
        return "0 (not finite)"
    if e < ROUNDING:
        return "16"
    return f"{min(16.0, max(0.0, -math.log10(e))):.0f}"


def _at(e: float, x: float) -> str:
    """Where the largest error occurs; nowhere in particular when it is rounding."""
    return "—" if e < ROUNDING else f"{x:.3g}"


def summary_rows(comps: list[Comparison]) -> list[list[str]]:
    rows = []
    for c in comps:
        for form in ("naive", "stable"):
            ev, xv = c.worst(form, "value")
            ed, xd = c.worst(form, "derivative")
            rows.append([c.pair.name, form, _err(ev), _at(ev, xv),
                         _kept(ev), _err(ed), _at(ed, xd), _kept(ed),
                         c.non_finite(form, "value")])
    return rows


def render(comps: list[Comparison], fmt: str = "table") -> str:
    """A summary table (worst error over the range, digits kept) and, per pair, the values at
    its sample points; or JSON."""
    from ..render.grid import Grid, dump_json, render_grids

    if fmt == "json":
        return dump_json(to_json(comps))
    grids = [Grid("Naive vs stable: worst relative error against mpmath (50 digits)",
                  ["function", "form", "value err", "at", "digits", "f' err", "at", "digits",
                   "value non-finite on"],
                  summary_rows(comps), ["err: the largest relative error over the range, at the "
                                        "input shown; digits: the correct digits left there",
                                        "<1e-15: rounding of the last digits only (its size and "
                                        "place vary with the numpy build)"],
                  right={2, 3, 4, 5, 6, 7})]
    for c in comps:
        rows = []
        for s in c.pair.samples:
            k = int(np.argmin(np.abs(c.x - s)))
            row = [f"{c.x[k]:.3g}"]
            for what in ("value", "derivative"):
                row.append(f"{c.reference[what][k]:.6g}")
                row += [f"{c.got[f][what][k]:.6g} ({_err(c.error[f][what][k])})"
                        for f in ("naive", "stable")]
            rows.append(row)
        v = c.pair.var
        grids.append(Grid(f"{c.pair.title}: naive {c.pair.naive}, stable {c.pair.stable}",
                          [v, "f (mpmath)", "naive (rel. err)", "stable (rel. err)",
                           "f' (mpmath)", "naive f'", "stable f'"], rows, [],
                          right=set(range(7))))
    return render_grids(grids, fmt)


def to_json(comps: list[Comparison]) -> dict[str, Any]:
    from ..render.tables import json_value

    return {"reference": f"mpmath at {DIGITS} digits; derivative by mpmath.diff",
            "functions": [{
                "name": c.pair.name, "title": c.pair.title, "var": c.pair.var,
                "naive": c.pair.naive, "stable": c.pair.stable, "x": c.x.tolist(),
                "reference": {k: json_value(v) for k, v in c.reference.items()},
                "got": {f: {k: json_value(v) for k, v in d.items()} for f, d in c.got.items()},
                "relative_error": {f: {k: json_value(v) for k, v in d.items()}
                                   for f, d in c.error.items()}} for c in comps]}


def check_plot_target(path: str, overwrite: bool = False) -> None:
    """A plot is a new .png or .svg file in an existing folder, or one of ours with
    ``overwrite`` (the policy of :mod:`autodiff.outputfile`)."""
    from ..outputfile import FIGURE, check_output

    check_output(path, "--plot", FIGURE, overwrite)


def plot(comps: list[Comparison], path: str, overwrite: bool = False) -> str:
    """The relative error of value and derivative against the input, one row per pair;
    a non-finite result is drawn at the top (10), an exact one at the bottom (1e-17)."""
    check_plot_target(path, overwrite)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(comps), 2, figsize=(11, 3.6 * len(comps)), squeeze=False)
    for row, c in zip(axes, comps, strict=True):
        for ax, what in zip(row, ("value", "derivative"), strict=True):
            for form, style in (("naive", dict(color="#b91c1c", lw=1.6)),
                                ("stable", dict(color="#1d4ed8", lw=1.2, ls="--"))):
                e = np.nan_to_num(c.error[form][what], nan=10.0, posinf=10.0)
                ax.plot(c.x, np.clip(e, 1e-17, 10.0), label=f"{form}: {getattr(c.pair, form)}",
                        **style)
            ax.axhline(2.2e-16, color="grey", lw=0.6, ls=":")
            ax.set_yscale("log")
            ax.set_ylim(1e-17, 30)
            if c.pair.log_x:
                ax.set_xscale("log")
            ax.set_title(f"{c.pair.title}: {'value' if what == 'value' else 'derivative'}",
                         fontsize=11)
            ax.set_xlabel(c.pair.var, fontsize=10)
            ax.set_ylabel("relative error", fontsize=10)
            ax.tick_params(labelsize=9)
        # one legend per row, above its two panels, where it covers no curve
        legend = row[0].legend(fontsize=9, loc="lower left", bbox_to_anchor=(0.0, 1.12),
                               ncol=2, frameon=False, borderaxespad=0.0)
        legend.set_in_layout(False)  # the space is made by h_pad below
    fig.suptitle("Relative error against mpmath (non-finite drawn at 10; ε dotted)", fontsize=12)
    fig.tight_layout(h_pad=4.0, rect=(0, 0, 1, 0.97))
    from ..outputfile import write_figure

    write_figure(fig, path)
    return path
