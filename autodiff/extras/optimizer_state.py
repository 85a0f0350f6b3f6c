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

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError

PROBLEMS = {
    "quadratic": "L(w) = ½(w₁² + 10·w₂²), from w = (1, 1)",
    "logistic": "L(w) = mean BCE-with-logits(w₁x + w₂, y), x = (−2, −1, 0.5, 1, 2), "
                "y = (0, 1, 0, 1, 1), from w = (0, 0)",
}
# name -> (class, default options)
OPTIMIZERS: dict[str, tuple[str, dict[str, Any]]] = {
    "sgd": ("SGD", {"lr": 0.1}),
    "momentum": ("SGD", {"lr": 0.1, "momentum": 0.9}),
    "nesterov": ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {"lr": 0.5}),
    "rmsprop": ("RMSprop", {"lr": 0.05, "alpha": 0.9}),
    "adam": ("Adam", {"lr": 0.1, "betas": (0.9, 0.999)}),
    "adamw": ("AdamW", {"lr": 0.1, "betas": (0.9, 0.999), "weight_decay": 0.1}),
}
SCHEDULES = ("none", "step", "exponential", "cosine")

# The update each class runs, in the lecture's notation (g = ∇L(w); buffers in brackets).
FORMULAS = {
    "sgd": ("w ← w − η g", r"w \leftarrow w - \eta\, g"),
    "momentum": ("b ← μ b + g [momentum_buffer; b = g at t = 1],  w ← w − η b   "
                 "(the lecture's velocity v ← μ v − η g, w ← w + v is v = −η b while η is fixed)",
                 r"b \leftarrow \mu b + g,\quad w \leftarrow w - \eta\, b"),
    "nesterov": ("b ← μ b + g [momentum_buffer],  w ← w − η (g + μ b)",
                 r"b \leftarrow \mu b + g,\quad w \leftarrow w - \eta\,(g + \mu b)"),
    "adagrad": ("r ← r + g² [sum],  w ← w − η g / (√r + δ)",
                r"r \leftarrow r + g^2,\quad w \leftarrow w - \frac{\eta}{\sqrt{r} + \delta}\, g"),
    "rmsprop": ("r ← α r + (1 − α) g² [square_avg],  w ← w − η g / (√r + δ)",
                r"r \leftarrow \alpha r + (1-\alpha) g^2,\quad "
                r"w \leftarrow w - \frac{\eta}{\sqrt{r} + \delta}\, g"),
    "adam": ("s ← β₁ s + (1 − β₁) g [exp_avg],  r ← β₂ r + (1 − β₂) g² [exp_avg_sq],  "
             "ŝ = s/(1 − β₁ᵗ),  r̂ = r/(1 − β₂ᵗ),  w ← w − η ŝ / (√r̂ + δ)",
             r"s \leftarrow \beta_1 s + (1-\beta_1) g,\quad r \leftarrow \beta_2 r + (1-\beta_2)"
             r" g^2,\quad \hat{s} = \frac{s}{1-\beta_1^t},\quad \hat{r} = \frac{r}{1-\beta_2^t},"
             r"\quad w \leftarrow w - \frac{\eta}{\sqrt{\hat{r}} + \delta}\, \hat{s}"),
}
FORMULAS["adamw"] = ("w ← w − η λ w (decoupled weight decay, first), then Adam: "
                     + FORMULAS["adam"][0],
                     r"w \leftarrow w - \eta\lambda w,\ \text{then Adam: }" + FORMULAS["adam"][1])


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
        text, latex = FORMULAS[self.optimizer]
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
        return {"optimizer": self.optimizer, "class": OPTIMIZERS[self.optimizer][0],
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


def _derived(name: str, opts: dict[str, Any], state: dict[str, Any], k: int, t: int,
             w: float, g: float, lr: float) -> tuple[dict[str, float], float]:
    """The state entries of parameter ``k`` (named as the lecture names them, with PyTorch's
    name), the derived quantities, and the step the formula gives."""
    s = {key: float(np.asarray(v)[k]) for key, v in state.items() if key != "step"}
    out: dict[str, float] = {}
    eps = opts.get("eps", 1e-10 if name == "adagrad" else 1e-8)
    if opts.get("weight_decay") and name != "adamw":  # coupled: the decay joins the gradient
        g = out["g + λw"] = g + opts["weight_decay"] * w
    if name in ("momentum", "nesterov"):
        b = out["b (momentum_buffer)"] = s["momentum_buffer"]
        out["velocity −ηb"] = -lr * b  # the lecture's v while η is constant
        return out, -lr * ((g + opts["momentum"] * b) if name == "nesterov" else b)
    if name == "sgd":
        return out, -lr * g
    if name == "adagrad":
        r = out["r (sum)"] = s["sum"]
        out["η/(√r + δ)"] = lr / (math.sqrt(r) + eps)
        return out, -out["η/(√r + δ)"] * g
    if name == "rmsprop":
        r = out["r (square_avg)"] = s["square_avg"]
        out["η/(√r + δ)"] = lr / (math.sqrt(r) + eps)
        return out, -out["η/(√r + δ)"] * g
    b1, b2 = opts["betas"]
    decay = lr * opts.get("weight_decay", 0.0) * w if name == "adamw" else 0.0
    out["s = m (exp_avg)"] = s["exp_avg"]
    out["r = v (exp_avg_sq)"] = s["exp_avg_sq"]
    out["ŝ = m̂"] = s["exp_avg"] / (1 - b1 ** t)
    out["r̂ = v̂"] = s["exp_avg_sq"] / (1 - b2 ** t)
    if "max_exp_avg_sq" in s:  # amsgrad: r̂ from the largest r so far
        out["max r (max_exp_avg_sq)"] = s["max_exp_avg_sq"]
        out["r̂ = v̂"] = s["max_exp_avg_sq"] / (1 - b2 ** t)
    if name == "adamw":
        out["ηλw"] = decay
    return out, -decay - lr * out["ŝ = m̂"] / (math.sqrt(out["r̂ = v̂"]) + eps)


def inspect(optimizer: str = "adam", problem: str = "quadratic", steps: int = 5,
            schedule: str = "none", **options: Any) -> Inspection:
    """Run ``steps`` steps of ``optimizer`` (a key of :data:`OPTIMIZERS`) on ``problem``,
    recording the state after each; ``options`` override the preset hyperparameters."""
    from .. import optim
    from ..nn import Parameter

    if optimizer not in OPTIMIZERS:
        raise InputError(f"unknown optimizer {optimizer!r}: choose from {', '.join(OPTIMIZERS)}")
    if problem not in PROBLEMS:
        raise InputError(f"unknown problem {problem!r}: choose from {', '.join(PROBLEMS)}")
    if schedule not in SCHEDULES:
        raise InputError(f"unknown schedule {schedule!r}: choose from {', '.join(SCHEDULES)}")
    if not 1 <= steps <= 1000:
        raise InputError(f"--steps {steps}: give between 1 and 1000 steps")
    cls, preset = OPTIMIZERS[optimizer]
    opts = {**preset, **{k: v for k, v in options.items() if v is not None}}
    w0, loss_of = _problem(problem)
    w = Parameter(w0.copy())
    opt = getattr(optim, cls)([w], **opts)
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
            state, formula = _derived(optimizer, opts, opt.state[w], k, t, float(before[k]),
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
        title = f"{OPTIMIZERS[i.optimizer][0]}({options}) on the {i.problem} problem" + (
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
