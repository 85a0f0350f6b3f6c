"""``autodiff selfcheck``: verify the installed engine in a few seconds.

Four groups of checks, each against something the engine did not compute itself:

* **primitives**: every partial rule ``∂v_i/∂v_j`` of every registered primitive, at fixed
  points inside its ``domain`` (away from its ``kinks``), against the central difference
  ``(f(x + h) − f(x − h)) / 2h`` (``h = ∛ε·max(1, |x|)``, relative tolerance 1e-6) and, for
  analytic primitives, the complex step ``Im f(x + ih) / h`` (``h = 1e-20``, tolerance 1e-10);
* **modes**: forward against reverse mode, ``v̇_f = Σ_k ∂f/∂x_k ẋ_k`` with the seed of each
  input, for every primitive and for a few composite expressions (tolerance 1e-12);
* **examples**: the lecture's example ``f = x1·x2 + exp(x1·x2) − sin(x2)`` at
  ``(1.5, 0.5)`` and the survey's ``ln(x1) + x1·x2 − sin(x2)`` at ``(2, 5)``: value and
  gradient against the values written on the slides and in the survey's tables;
* **optimizers**: the first steps of SGD, Adagrad, RMSprop, Adam and AdamW on a small
  least-squares problem against PyTorch's trajectories (``selfcheck_reference.json``, from
  ``tests/fixtures/optim_torch.json``), to 1e-10; and the tensor engine's ``backward()`` on
  that loss against its closed-form gradient.

:func:`selfcheck` returns a :class:`SelfCheck` that renders itself (``table``, ``markdown``,
``latex``, ``json``); ``passed`` is False when any check fails.

>>> selfcheck().passed
True
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .evaluation import evaluate
from .primitives import REGISTRY, Primitive
from .term import format_number

EPS = float(np.finfo(np.float64).eps)
GROUPS = {
    "primitives": "partial rules vs central difference, complex step",
    "modes": "forward vs reverse mode",
    "examples": "the lecture's and the survey's values",
    "optimizers": "optimizer steps vs PyTorch",
}
TOL = {"central": 1e-6, "complex": 1e-10, "modes": 1e-12, "examples": 1e-12,
       "optimizers": 1e-10, "tensor": 1e-12}
REFERENCE = Path(__file__).with_name("selfcheck_reference.json")

# The lecture (slides "Forward-mode automatic differentiation", traces/lecture.trace) and
# Baydin et al., JMLR 18 (2018), Tables 2 and 3 (traces/baydin2018.trace).
EXAMPLES = [
    ("lecture", "x1 * x2 + exp(x1 * x2) - sin(x2)", {"x1": 1.5, "x2": 0.5},
     {"f": 2.387574478008472, "x1": 1.5585000083063374, "x2": 3.797917463028639}),
    ("survey", "log(x1) + x1 * x2 - sin(x2)", {"x1": 2.0, "x2": 5.0},
     {"f": 11.652071455223084, "x1": 5.5, "x2": 1.7163378145367738}),
]
COMPOSITES = [
    "x1 * x2 + exp(x1 * x2) - sin(x2)",
    "sigmoid(x1 * x2 - x3) * tanh(x2) + log1p(x3^2)",
    "bce_logits(x1 - 2 * x2, 0.3) + softplus(x3) * cos(x1)",
    "sqrt(1 + x1^2) / (2 + sin(x2 * x3)) - x3 * x3 * x3",
]
COMPOSITE_AT = {"x1": 0.7, "x2": -0.4, "x3": 1.3}


@dataclass
class Check:
    """One check: what was compared, the largest error found, the tolerance, and the verdict."""

    group: str
    name: str
    error: float
    tolerance: float
    detail: str = ""

    @property
    def passed(self) -> bool:
        return math.isfinite(self.error) and self.error <= self.tolerance


@dataclass
class SelfCheck:
    """The result of :func:`selfcheck`: every check, and how long they took."""

    checks: list[Check]
    seconds: float
    skipped: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def summary(self) -> list[dict[str, Any]]:
        """Per group: how many checks, how many failed, the worst error relative to its
        tolerance."""
        out = []
        for group, what in GROUPS.items():
            cs = [c for c in self.checks if c.group == group]
            worst = max(cs, key=lambda c: _ratio(c), default=None)
            out.append({"group": group, "what": what, "checks": len(cs),
                        "failed": sum(not c.passed for c in cs),
                        "worst": None if worst is None else worst.name,
                        "worst_error": None if worst is None else worst.error,
                        "tolerance": None if worst is None else worst.tolerance})
        return out

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "seconds": round(self.seconds, 3),
                "summary": [{**s, "worst_error": _json_float(s["worst_error"])}
                            for s in self.summary()],
                "skipped": self.skipped,
                "checks": [{"group": c.group, "name": c.name, "error": _json_float(c.error),
                            "tolerance": c.tolerance, "passed": c.passed, "detail": c.detail}
                           for c in self.checks]}

    def render(self, fmt: str = "table") -> str:
        from .render.grid import Grid, dump_json, render_grids

        if fmt == "json":
            return dump_json(self.to_json())
        rows = [[s["group"], s["what"], str(s["checks"]), str(s["failed"]),
                 format_number(s["worst_error"], 2), format_number(s["tolerance"], 2),
                 s["worst"] or "—",
                 "ok" if s["failed"] == 0 else "FAILED"] for s in self.summary()]
        n, bad = len(self.checks), len(self.failures)
        verdict = (f"all {n} checks passed" if not bad else f"{bad} of {n} checks FAILED")
        grids = [Grid("autodiff selfcheck", ["group", "what", "checks", "failed",
                                             "worst error", "tolerance", "worst case", "status"],
                      rows, [f"{verdict} ({self.seconds:.1f} s)"], right={2, 3, 4, 5})]
        if bad:
            grids.append(Grid("Failures", ["group", "check", "error", "tolerance", "detail"],
                              [[c.group, c.name, format_number(c.error, 2),
                                format_number(c.tolerance, 2), c.detail]
                               for c in self.failures], right={2, 3}))
        return render_grids(grids, fmt)

    def __str__(self) -> str:
        return self.render("table")


def _ratio(c: Check) -> float:
    return math.inf if not math.isfinite(c.error) else c.error / c.tolerance


def _json_float(v: float | None) -> float | str | None:
    return v if v is None or math.isfinite(v) else str(v)


def _rel(got: Any, want: Any) -> float:
    """``|got − want| / max(1, |want|)``, largest over the entries; nan when either is."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        err = np.abs(got - want) / np.maximum(1.0, np.abs(want))
    return float(np.max(err)) if np.all(np.isfinite(err)) else math.nan


# -- primitives ---------------------------------------------------------------------------------

def sample_points(prim: Primitive, per_axis: int = 4) -> list[tuple[float, ...]]:
    """Fixed points inside the primitive's domain (default ``[-3, 3]``), at least 0.05 from a
    kink: ``per_axis`` values per argument, every combination. A primitive whose kinks are
    values of ``kink_of(*args)`` (``x − y`` for ``maximum``) loses the points near them."""
    domain = prim.domain or ((-3.0, 3.0),) * prim.arity
    kink_of = getattr(prim, "kink_of", None)
    axes = []
    for lo, hi in domain:
        width = hi - lo
        xs = [lo + width * (k + 0.37) / per_axis for k in range(per_axis)]
        if kink_of is None:
            xs = [x + 0.1 if any(abs(x - k) < 0.05 for k in prim.kinks) else x for x in xs]
        axes.append(xs)
    points: list[tuple[float, ...]] = [()]
    for xs in axes:
        points = [p + (x,) for p in points for x in xs]
    if kink_of is not None:
        points = [p for p in points if all(abs(kink_of(*p) - k) >= 0.05 for k in prim.kinks)]
    return points


def _shifted(xs: tuple[float, ...], k: int, dx: Any) -> list[Any]:
    return [x + dx if m == k else x for m, x in enumerate(xs)]


def check_primitive(prim: Primitive) -> list[Check]:
    """Each partial rule of ``prim`` against the central difference and the complex step."""
    checks = []
    analytic = not prim.kinks
    for k, rule in enumerate(prim.partials):
        worst_cd = worst_cs = 0.0
        where_cd = where_cs = ""
        with np.errstate(all="ignore"):
            for xs in sample_points(prim):
                args = [np.float64(x) for x in xs]
                exact = float(rule(*args, prim.impl(*args)))
                h = EPS ** (1 / 3) * max(1.0, abs(xs[k]))
                cd = (float(prim.impl(*_shifted(xs, k, h))) -
                      float(prim.impl(*_shifted(xs, k, -h)))) / (2 * h)
                e = _rel(exact, cd)
                if not e <= worst_cd:
                    worst_cd, where_cd = e, f"at {_point(xs)}: rule {exact:.12g}, central {cd:.12g}"
                if analytic:
                    cs = float(np.imag(prim.impl(*_shifted(xs, k, 1e-20j)))) / 1e-20
                    e = _rel(exact, cs)
                    if not e <= worst_cs:
                        worst_cs, where_cs = e, (f"at {_point(xs)}: rule {exact:.12g}, "
                                                 f"complex step {cs:.12g}")
        arg = f"∂{prim.name}/∂arg{k + 1}" if prim.arity > 1 else f"{prim.name}'"
        checks.append(Check("primitives", f"{arg} vs central difference", worst_cd,
                            TOL["central"], where_cd))
        if analytic:
            checks.append(Check("primitives", f"{arg} vs complex step", worst_cs,
                                TOL["complex"], where_cs))
    return checks


def _point(xs: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{x:.4g}" for x in xs) + ")"


# -- modes --------------------------------------------------------------------------------------

def check_modes(source: str, at: dict[str, float], name: str) -> Check:
    """Forward mode, one sweep per input, against the reverse-mode gradient."""
    worst, detail = 0.0, ""
    for x in at:
        ev = evaluate(source, at=at, wrt=x)
        e = _rel(ev.forward.derivative, ev.gradient[x])
        if not e <= worst:
            worst, detail = e, (f"∂f/∂{x}: forward {float(ev.forward.derivative):.15g}, "
                                f"reverse {float(ev.gradient[x]):.15g}")
    return Check("modes", name, worst, TOL["modes"], detail)


def _mode_checks() -> list[Check]:
    checks = []
    for prim in REGISTRY.values():
        names = [f"x{k + 1}" for k in range(prim.arity)]
        xs = sample_points(prim, per_axis=3)[-1]
        checks.append(check_modes(f"{prim.name}({', '.join(names)})",
                                  dict(zip(names, xs, strict=True)), prim.name))
    for source in COMPOSITES:
        used = {n: v for n, v in COMPOSITE_AT.items() if n in source}
        checks.append(check_modes(source, used, source))
    return checks


# -- examples -----------------------------------------------------------------------------------

def _example_checks() -> list[Check]:
    checks = []
    for name, source, at, want in EXAMPLES:
        ev = evaluate(source, at=at)
        got = {"f": ev.value, **ev.gradient}
        errors = {k: _rel(got[k], v) for k, v in want.items()}
        worst = max(errors, key=lambda k: errors[k] if math.isfinite(errors[k]) else math.inf)
        checks.append(Check("examples", f"{name} example at {_point(tuple(at.values()))}",
                            errors[worst], TOL["examples"],
                            f"{source}, {worst}: got {float(got[worst]):.16g}, "
                            f"expected {want[worst]!r}"))
    return checks


# -- optimizers ---------------------------------------------------------------------------------

def _optimizer_checks(reference: dict[str, Any]) -> list[Check]:
    from . import optim
    from .autograd import Tensor
    from .nn import Parameter

    P = {k: np.array(v, dtype=np.float64) for k, v in reference["problem"].items()}
    X, Y = P["X"], P["Y"]

    def gradient(W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """∂L/∂W = Xᵀ G + 0.1 cos W, ∂L/∂b = Σ_n G, with G = 2(XW + b − Y)/(N·K)."""
        G = 2 * (X @ W + b - Y) / Y.size
        return X.T @ G + 0.1 * np.cos(W), G.sum(axis=0)

    checks = []
    for case in reference["cases"]:
        kwargs = {k: tuple(v) if k == "betas" else v for k, v in case["kwargs"].items()}
        W, b = Parameter(P["W"].copy()), Parameter(P["b"].copy())
        opt = getattr(optim, case["optimizer"])([W, b], **kwargs)
        worst, detail = 0.0, ""
        for t, (w_torch, b_torch) in enumerate(case["trajectory"], start=1):
            opt.zero_grad()
            gW, gb = gradient(W.data, b.data)
            W.grad, b.grad = Tensor(gW), Tensor(gb)
            opt.step()
            e = max(_abs(W.data.ravel(), w_torch), _abs(b.data, b_torch))
            if not e <= worst:
                worst, detail = e, f"largest difference after step {t}"
        options = ", ".join(f"{k}={v}" for k, v in case["kwargs"].items())
        steps = len(case["trajectory"])
        checks.append(Check("optimizers", f"{case['optimizer']}({options}), {steps} steps",
                            worst, TOL["optimizers"], detail))
    W, b = Parameter(P["W"].copy()), Parameter(P["b"].copy())
    loss = ((Tensor(X) @ W + b - Tensor(Y)) ** 2).mean() + 0.1 * W.sin().sum()
    loss.backward()
    gW, gb = gradient(P["W"], P["b"])
    checks.append(Check("optimizers", "Tensor.backward() of the loss vs its closed form",
                        max(_rel(W.grad.data, gW), _rel(b.grad.data, gb)), TOL["tensor"],
                        "L = mean((XW + b − Y)²) + 0.1·Σ sin W"))
    return checks


def _abs(got: Any, want: Any) -> float:
    d = np.abs(np.asarray(got, dtype=np.float64) - np.asarray(want, dtype=np.float64))
    return float(np.max(d)) if np.all(np.isfinite(d)) else math.nan


def _guarded(group: str, name: str, run: Callable[[], list[Check]]) -> list[Check]:
    """Run one group; an exception is a failed check that names it, not a crash."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - a self-check reports every failure
        return [Check(group, name, math.nan, 0.0, f"raised {type(exc).__name__}: {exc}")]


def selfcheck() -> SelfCheck:
    """Run every check (see the module docstring) and return the results."""
    start = time.perf_counter()
    checks: list[Check] = []
    for prim in REGISTRY.values():
        checks += _guarded("primitives", prim.name, lambda p=prim: check_primitive(p))
    checks += _guarded("modes", "forward vs reverse", _mode_checks)
    checks += _guarded("examples", "example values", _example_checks)
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    checks += _guarded("optimizers", "optimizer steps", lambda: _optimizer_checks(reference))
    return SelfCheck(checks, time.perf_counter() - start)
