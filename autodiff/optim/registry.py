"""The registry of optimizers: one entry per name, everything the rest of the package needs.

An entry holds the class of :mod:`autodiff.optim` and the options that make it this optimizer
(``momentum`` is ``SGD`` with ``momentum=0.9``), its update rule in the lecture's notation
(text and LaTeX), the names of the buffers PyTorch keeps for it in ``optimizer.state[w]``, and
``inspect``: the state of one parameter entry read back in the lecture's names with the step
the formula gives (which ``autodiff optimizer-state`` compares with the step taken). Training
(``autodiff train --optimizer``), the optimizer race and its pictures, ``optimizer-state`` and
the docs all read :data:`OPTIMIZERS`; adding an optimizer is its class plus one entry here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

Inspect = Callable[[dict[str, Any], dict[str, float], int, float, float, float],
                   tuple[dict[str, float], float]]


@dataclass(frozen=True)
class OptimizerEntry:
    """One optimizer: ``cls(params, lr=η, **options)`` and how it is explained.

    ``inspect(opts, s, t, w, g, lr)`` takes the options, the state ``s`` of one parameter
    entry (PyTorch's buffer names → numbers), the step number ``t`` (from 1), the entry's
    value ``w`` before the step, its gradient ``g`` (with a coupled weight decay already
    added) and the learning rate; it returns the derived quantities by their printed names
    and the step ``Δw`` the formula gives."""

    name: str
    cls: type[Optimizer]
    label: str
    formula: tuple[str, str]
    state: tuple[str, ...]
    inspect: Inspect
    options: dict[str, Any] = field(default_factory=dict)
    colour: str = "tab:grey"
    trains: bool = True  # offered by `autodiff train` and the optimizer race

    def make(self, params: Any, lr: float, **overrides: Any) -> Optimizer:
        """The optimizer over ``params`` with learning rate ``lr``."""
        return self.cls(params, lr=lr, **{**self.options, **overrides})


def _eps(name: str, opts: dict[str, Any]) -> float:
    return opts.get("eps", 1e-10 if name == "adagrad" else 1e-8)


def _sgd(opts, s, t, w, g, lr):
    return {}, -lr * g


def _momentum(opts, s, t, w, g, lr, nesterov=False):
    out = {"b (momentum_buffer)": s["momentum_buffer"]}
    b = out["b (momentum_buffer)"]
    out["velocity −ηb"] = -lr * b  # the lecture's v while η is constant
    return out, -lr * ((g + opts["momentum"] * b) if nesterov else b)


def _nesterov(opts, s, t, w, g, lr):
    return _momentum(opts, s, t, w, g, lr, nesterov=True)


def _scaled(buffer: str, eps_of: str) -> Inspect:
    """Adagrad's and RMSprop's step: ``η/(√r + δ)`` times ``g``, with ``r`` in ``buffer``."""
    def inspect(opts, s, t, w, g, lr):
        out = {f"r ({buffer})": s[buffer]}
        out["η/(√r + δ)"] = lr / (math.sqrt(s[buffer]) + _eps(eps_of, opts))
        return out, -out["η/(√r + δ)"] * g
    return inspect


def _adam(opts, s, t, w, g, lr, decoupled=False):
    b1, b2 = opts["betas"]
    decay = lr * opts.get("weight_decay", 0.0) * w if decoupled else 0.0
    out = {"s = m (exp_avg)": s["exp_avg"], "r = v (exp_avg_sq)": s["exp_avg_sq"],
           "ŝ = m̂": s["exp_avg"] / (1 - b1 ** t), "r̂ = v̂": s["exp_avg_sq"] / (1 - b2 ** t)}
    if "max_exp_avg_sq" in s:  # amsgrad: r̂ from the largest r so far
        out["max r (max_exp_avg_sq)"] = s["max_exp_avg_sq"]
        out["r̂ = v̂"] = s["max_exp_avg_sq"] / (1 - b2 ** t)
    if decoupled:
        out["ηλw"] = decay
    return out, -decay - lr * out["ŝ = m̂"] / (math.sqrt(out["r̂ = v̂"]) + _eps("adam", opts))


def _adamw(opts, s, t, w, g, lr):
    return _adam(opts, s, t, w, g, lr, decoupled=True)


_ADAM = ("s ← β₁ s + (1 − β₁) g [exp_avg],  r ← β₂ r + (1 − β₂) g² [exp_avg_sq],  "
         "ŝ = s/(1 − β₁ᵗ),  r̂ = r/(1 − β₂ᵗ),  w ← w − η ŝ / (√r̂ + δ)",
         r"s \leftarrow \beta_1 s + (1-\beta_1) g,\quad r \leftarrow \beta_2 r + (1-\beta_2)"
         r" g^2,\quad \hat{s} = \frac{s}{1-\beta_1^t},\quad \hat{r} = \frac{r}{1-\beta_2^t},"
         r"\quad w \leftarrow w - \frac{\eta}{\sqrt{\hat{r}} + \delta}\, \hat{s}")

_ENTRIES = [
    OptimizerEntry("sgd", SGD, "SGD", ("w ← w − η g", r"w \leftarrow w - \eta\, g"), (), _sgd,
                   colour="tab:blue"),
    OptimizerEntry(
        "momentum", SGD, "momentum",
        ("b ← μ b + g [momentum_buffer; b = g at t = 1],  w ← w − η b   "
         "(the lecture's velocity v ← μ v − η g, w ← w + v is v = −η b while η is fixed)",
         r"b \leftarrow \mu b + g,\quad w \leftarrow w - \eta\, b"),
        ("momentum_buffer",), _momentum, {"momentum": 0.9}, "tab:orange"),
    OptimizerEntry(
        "nesterov", SGD, "Nesterov",
        ("b ← μ b + g [momentum_buffer],  w ← w − η (g + μ b)",
         r"b \leftarrow \mu b + g,\quad w \leftarrow w - \eta\,(g + \mu b)"),
        ("momentum_buffer",), _nesterov, {"momentum": 0.9, "nesterov": True}, trains=False),
    OptimizerEntry(
        "adagrad", Adagrad, "Adagrad",
        ("r ← r + g² [sum],  w ← w − η g / (√r + δ)",
         r"r \leftarrow r + g^2,\quad w \leftarrow w - \frac{\eta}{\sqrt{r} + \delta}\, g"),
        ("sum",), _scaled("sum", "adagrad"), colour="tab:green"),
    OptimizerEntry(
        "rmsprop", RMSprop, "RMSprop",
        ("r ← α r + (1 − α) g² [square_avg],  w ← w − η g / (√r + δ)",
         r"r \leftarrow \alpha r + (1-\alpha) g^2,\quad "
         r"w \leftarrow w - \frac{\eta}{\sqrt{r} + \delta}\, g"),
        ("square_avg",), _scaled("square_avg", "rmsprop"), colour="tab:red"),
    OptimizerEntry("adam", Adam, "Adam", _ADAM, ("exp_avg", "exp_avg_sq"), _adam,
                   colour="tab:purple"),
    OptimizerEntry(
        "adamw", AdamW, "AdamW",
        ("w ← w − η λ w (decoupled weight decay, first), then Adam: " + _ADAM[0],
         r"w \leftarrow w - \eta\lambda w,\ \text{then Adam: }" + _ADAM[1]),
        ("exp_avg", "exp_avg_sq"), _adamw, colour="tab:brown"),
]

#: every optimizer by name, in the order the CLI and the docs list them
OPTIMIZERS: dict[str, OptimizerEntry] = {e.name: e for e in _ENTRIES}
#: the ones `autodiff train --optimizer` and the optimizer race offer
TRAINABLE: tuple[str, ...] = tuple(e.name for e in _ENTRIES if e.trains)


def optimizer_entry(name: str, among: tuple[str, ...] | None = None) -> OptimizerEntry:
    """The entry called ``name``; an unknown name (or one not ``among``) is refused."""
    names = tuple(OPTIMIZERS) if among is None else among
    if name not in names:
        raise InputError(f"unknown optimizer {name!r}: choose from {', '.join(names)}")
    return OPTIMIZERS[name]


def inspect_step(name: str, opts: dict[str, Any], state: dict[str, Any], k: int, t: int,
                 w: float, g: float, lr: float) -> tuple[dict[str, float], float]:
    """The state of parameter entry ``k`` after step ``t`` in the lecture's names, the derived
    quantities, and the step the formula of optimizer ``name`` gives (a coupled weight decay
    ``g ← g + λw`` first, as every class but AdamW applies it)."""
    entry = optimizer_entry(name)
    s = {key: float(np.asarray(v)[k]) for key, v in state.items() if key != "step"}
    out: dict[str, float] = {}
    if opts.get("weight_decay") and name != "adamw":  # coupled: the decay joins the gradient
        g = out["g + λw"] = g + opts["weight_decay"] * w
    derived, step = entry.inspect(opts, s, t, w, g, lr)
    return {**out, **derived}, step
