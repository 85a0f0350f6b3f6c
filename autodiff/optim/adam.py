"""Adam and AdamW: RMSprop's second moment with momentum's first moment, bias-corrected.

``torch.optim.Adam``'s algorithm (η lr, β₁ β₂ betas, ε eps, λ weight decay, step t ≥ 1)::

    g ← ∇L(w)
    w ← w − η λ w                  AdamW (decoupled weight decay), before the Adam step
    g ← g + λ w                    Adam with weight_decay (L2 added to the gradient)
    s ← β₁ s + (1 − β₁) g          (assigned: the lecture's ``s += …`` is a slip)
    r ← β₂ r + (1 − β₂) g²
    ŝ ← s / (1 − β₁ᵗ);  r̂ ← r / (1 − β₂ᵗ)       (t advances every step)
    r̂_max ← max(r̂_max, r̂)  and use it for r̂    if amsgrad
    w ← w − η ŝ / (√r̂ + ε)

PyTorch computes the last line as ``w − (η/(1 − β₁ᵗ)) s / (√r/√(1 − β₂ᵗ) + ε)``, as here.
Defaults: β = (0.9, 0.999) (the lecture writes 0.99), ε = 1e-8; AdamW's λ = 1e-2.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .optimizer import Optimizer, ParamsT, check_nonnegative


class Adam(Optimizer):
    """``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False,
    *, maximize=False, decoupled_weight_decay=False)``: PyTorch's signature and defaults."""

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        check_nonnegative("learning rate", lr)
        check_nonnegative("epsilon value", eps)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise InputError(f"Invalid beta parameter at index {i}: {beta}")
        check_nonnegative("weight_decay value", weight_decay)
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad,
                                  "maximize": maximize,
                                  "decoupled_weight_decay": decoupled_weight_decay})

    def _update_group(self, group: dict) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        wd, amsgrad = group["weight_decay"], group["amsgrad"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if not state:
                state.update(step=0, exp_avg=np.zeros_like(p.data),
                             exp_avg_sq=np.zeros_like(p.data))
                if amsgrad:
                    state["max_exp_avg_sq"] = np.zeros_like(p.data)
            state["step"] += 1
            t = state["step"]
            g = -p.grad.data if group["maximize"] else p.grad.data
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    p.data *= 1 - lr * wd
                else:
                    g = g + wd * p.data
            s, r = state["exp_avg"], state["exp_avg_sq"]
            s *= beta1
            s += (1 - beta1) * g
            r *= beta2
            r += (1 - beta2) * g * g
            if amsgrad:
                r = np.maximum(state["max_exp_avg_sq"], r, out=state["max_exp_avg_sq"])
            step_size = lr / (1 - beta1 ** t)
            denom = np.sqrt(r) / (1 - beta2 ** t) ** 0.5 + eps
            p.data -= step_size * s / denom


class AdamW(Adam):
    """``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
    amsgrad=False, *, maximize=False)``: Adam with decoupled weight decay ``w ← w − η λ w``."""

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
