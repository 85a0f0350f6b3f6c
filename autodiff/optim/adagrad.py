"""Adagrad: per-coordinate learning rates from the running sum of squared gradients.

``torch.optim.Adagrad``'s algorithm (η lr, lr_decay d, weight decay λ, ε eps, step t ≥ 1)::

    g ← ∇L(w) (+ λ w)
    η_t ← η / (1 + (t − 1) d)
    r ← r + g²                    (r starts at initial_accumulator_value)
    w ← w − η_t g / (√r + ε)

as the lecture's ``r += dw*dw; w = w - lr * dw / (r.sqrt() + delta)``, plus the decay of η.
"""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, ParamsT, check_nonnegative


class Adagrad(Optimizer):
    """``Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
    eps=1e-10, *, maximize=False)``: PyTorch's signature and defaults."""

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        check_nonnegative("learning rate", lr)
        check_nonnegative("lr_decay value", lr_decay)
        check_nonnegative("weight_decay value", weight_decay)
        check_nonnegative("initial_accumulator_value value", initial_accumulator_value)
        check_nonnegative("epsilon value", eps)
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "eps": eps,
                                  "weight_decay": weight_decay, "maximize": maximize,
                                  "initial_accumulator_value": initial_accumulator_value})

    def _init_group_state(self, group: dict) -> None:
        # As in PyTorch, Adagrad's state exists from the start: step 0 and sum = r₀.
        for p in group["params"]:
            self.state[p] = {"step": 0, "sum": np.full_like(
                p.data, group["initial_accumulator_value"], dtype=np.result_type(p.data, 1.0))}

    def _update_group(self, group: dict) -> None:
        lr, decay, eps, wd = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            state["step"] += 1
            g = -p.grad.data if group["maximize"] else p.grad.data
            if wd != 0:
                g = g + wd * p.data
            clr = lr / (1 + (state["step"] - 1) * decay)
            r = state["sum"]
            r += g * g
            p.data -= clr * g / (np.sqrt(r) + eps)
