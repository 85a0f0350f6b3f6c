"""Optimizer internals: what each optimizer keeps between steps, step by step.

On a tiny problem with two parameters ``w = (w₁, w₂)`` the optimizer classes of
:mod:`autodiff.optim` (PyTorch's algorithms, checked against PyTorch's trajectories) take a few
steps, with the gradient from ``loss.backward()``. After every step :func:`inspect` records,
per parameter, the learning rate the schedule gave, the gradient ``g``, the buffers of
``optimizer.state[w]`` under PyTorch's names (``momentum_buffer``, ``sum``, ``square_avg``,
``exp_avg``, ``exp_avg_sq``, …), the bias-corrected moments ``ŝ = s/(1 − β₁ᵗ)`` and
``r̂ = r/(1 − β₂ᵗ)`` (Adam), the decoupled weight decay ``ηλw`` (AdamW), and the step
``Δw`` the optimizer actually took. The step is also recomputed from the printed formula and
the recorded state (``formula_error``), which shows that the formula above the table is the
one the class runs.

Problems: ``quadratic`` ``L(w) = ½(w₁² + 10·w₂²)`` from ``(1, 1)``, whose two directions
differ tenfold in curvature; ``logistic`` the mean binary cross-entropy with logits of
``z = w₁x + w₂`` on five points (``x = −2, −1, 0.5, 1, 2``, ``y = 0, 1, 0, 1, 1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError

PROBLEMS = {
    "quadratic": "L(w) = ½(w₁² + 10·w₂²), from w = (1, 1)",
    "logistic": "L(w) = mean BCE-with-logits(w₁x + w₂, y), x = (−2, −1, 0.5, 1, 2), "
                "y = (0, 1, 0, 1, 1), from w = (0, 0)",
}
# name -> the options of the tiny problems' runs (the classes and formulas: autodiff.optim.registry)
PRESETS: dict[str, dict[str, Any]] = {
    "sgd": {"lr": 0.1},
    "momentum": {"lr": 0.1, "momentum": 0.9},
    "nesterov": {"lr": 0.1, "momentum": 0.9, "nesterov": True},
    "adagrad": {"lr": 0.5},
    "rmsprop": {"lr": 0.05, "alpha": 0.9},
    "adam": {"lr": 0.1, "betas": (0.9, 0.999)},
    "adamw": {"lr": 0.1, "betas": (0.9, 0.999), "weight_decay": 0.1},
}
OPTIMIZERS: tuple[str, ...] = tuple(PRESETS)
SCHEDULES = ("none", "step", "exponential", "cosine")


def _entry(name: str) -> Any:
    from ..optim.registry import optimizer_entry

    return optimizer_entry(name)


@dataclass(frozen=True)
class Row:
    """One parameter entry after one step: its values and the optimizer's state for it."""

    t: int
    lr: float
    param: str
    w: float                 # before the step
    grad: float
    state: dict[str, float]  # PyTorch's buffers after the step, and the derived quantities
    step: float              # Δw taken by the optimizer
    formula_step: float      # Δw recomputed from the formula and the state


@dataclass(frozen=True)
class Inspection:
    """Every step of one optimizer on one problem."""

    optimizer: str
    options: dict[str, Any]
    problem: str
    schedule: str
    rows: list[Row]

    @property
    def formula(self) -> tuple[str, str]:
        """The update in the lecture's notation, as text and LaTeX (with the coupled weight
        decay ``g ← g + λw`` in front when there is one)."""
        text, latex = _entry(self.optimizer).formula
        if self.options.get("amsgrad"):
            text += "   (amsgrad: r̂ from the largest r so far [max_exp_avg_sq])"
            latex += (r"\quad(\text{amsgrad: } \hat{r} = "
                      r"\frac{\max_{\tau \le t} r^\tau}{1-\beta_2^t})")
        if self.options.get("weight_decay") and self.optimizer != "adamw":
            return "g ← g + λ w,  " + text, r"g \leftarrow g + \lambda w,\quad " + latex
        return text, latex

    @property
    def formula_error(self) -> float:
        """The largest ``|Δw − Δw(formula)|`` over all steps (0 up to rounding)."""
        return max(abs(r.step - r.formula_step) for r in self.rows)

    def columns(self) -> list[str]:
        return list(dict.fromkeys(k for r in self.rows for k in r.state))

    def to_json(self) -> dict[str, Any]:
        return {"optimizer": self.optimizer, "class": _entry(self.optimizer).cls.__name__,
                "options": {k: list(v) if isinstance(v, tuple) else v
                            for k, v in self.options.items()},
                "problem": self.problem, "loss": PROBLEMS[self.problem],
                "schedule": self.schedule,
                "formula": {"text": self.formula[0], "latex": self.formula[1]},
                "formula_error": self.formula_error,
                "steps": [{"t": r.t, "lr": r.lr, "param": r.param, "w": r.w, "grad": r.grad,
                           "state": r.state, "step": r.step, "w_next": r.w + r.step}
                          for r in self.rows]}


def _problem(name: str) -> tuple[np.ndarray, Any]:
    from ..autograd import Tensor

    if name == "quadratic":
        scale = Tensor(np.array([1.0, 10.0]))
        return np.array([1.0, 1.0]), lambda w: 0.5 * (scale * w * w).sum()
    x = np.array([-2.0, -1.0, 0.5, 1.0, 2.0])
    X = Tensor(np.stack([x, np.ones_like(x)], axis=1))
    y = Tensor(np.array([0.0, 1.0, 0.0, 1.0, 1.0]))

    def loss(w):
        z = X @ w
        return (z.softplus() - y * z).mean()

    return np.zeros(2), loss


def _scheduler(name: str, optimizer: Any, steps: int) -> Any:
    from ..optim import lr_scheduler as S

    if name == "none":
        return None
    if name == "step":
        return S.StepLR(optimizer, step_size=2, gamma=0.5)
    if name == "exponential":
        return S.ExponentialLR(optimizer, gamma=0.8)
    return S.CosineAnnealingLR(optimizer, T_max=steps)


def inspect(optimizer: str = "adam", problem: str = "quadratic", steps: int = 5,
            schedule: str = "none", **options: Any) -> Inspection:
    """Run ``steps`` steps of ``optimizer`` (a key of :data:`OPTIMIZERS`) on ``problem``,
    recording the state after each; ``options`` override the preset hyperparameters."""
    from ..nn import Parameter
    from ..optim.registry import inspect_step

    if optimizer not in OPTIMIZERS:
        raise InputError(f"unknown optimizer {optimizer!r}: choose from {', '.join(OPTIMIZERS)}")
    if problem not in PROBLEMS:
        raise InputError(f"unknown problem {problem!r}: choose from {', '.join(PROBLEMS)}")
    if schedule not in SCHEDULES:
        raise InputError(f"unknown schedule {schedule!r}: choose from {', '.join(SCHEDULES)}")
    if not 1 <= steps <= 1000:
        raise InputError(f"--steps {steps}: give between 1 and 1000 steps")
    entry = _entry(optimizer)
    opts = {**PRESETS[optimizer], **{k: v for k, v in options.items() if v is not None}}
    w0, loss_of = _problem(problem)
    w = Parameter(w0.copy())
    opt = entry.cls([w], **opts)
    sched = _scheduler(schedule, opt, steps)
    rows = []
    for t in range(1, steps + 1):
        lr = float(opt.param_groups[0]["lr"])
        before = w.data.copy()
        opt.zero_grad()
        loss_of(w).backward()
        grad = w.grad.data.copy()
        opt.step()
        for k in range(len(before)):
            state, formula = inspect_step(optimizer, opts, opt.state[w], k, t, float(before[k]),
                                      float(grad[k]), lr)
            rows.append(Row(t, lr, f"w{k + 1}", float(before[k]), float(grad[k]), state,
                            float(w.data[k] - before[k]), formula))
        if sched is not None:
            sched.step()
    return Inspection(optimizer, opts, problem, schedule, rows)


def render(ins: list[Inspection], fmt: str = "table") -> str:
    """Per optimizer: the update formula, then one row per step and parameter."""
    from ..render.grid import Grid, dump_json, render_grids

    if fmt == "json":
        return dump_json({"runs": [i.to_json() for i in ins]})
    parts = []
    for i in ins:
        cols = i.columns()
        rows = [[str(r.t), f"{r.lr:.4g}", r.param, f"{r.w:.6g}", f"{r.grad:.6g}"]
                + [f"{r.state[c]:.6g}" if c in r.state else "" for c in cols]
                + [f"{r.step:.6g}", f"{r.w + r.step:.6g}"] for r in i.rows]
        options = ", ".join(f"{k}={v}" for k, v in i.options.items())
        title = f"{_entry(i.optimizer).cls.__name__}({options}) on the {i.problem} problem" + (
            f", schedule {i.schedule}" if i.schedule != "none" else "")
        grid = Grid(title, ["t", "η", "param", "w", "g"] + cols + ["Δw", "w next"], rows,
                    [f"loss: {PROBLEMS[i.problem]}",
                     f"Δw recomputed from the formula and the state: largest difference "
                     f"{i.formula_error:.1g}"], right=set(range(3, 7 + len(cols))) | {1})
        if fmt == "latex":
            parts.append(f"$$ {i.formula[1]} $$\n\n{grid.latex()}")
        else:
            head = f"update: {i.formula[0]}" if fmt == "table" else f"Update: {i.formula[0]}"
            parts.append(f"{head}\n\n" + render_grids([grid], fmt).rstrip("\n"))
    return "\n\n".join(parts) + "\n"
