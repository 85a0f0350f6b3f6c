"""RMSprop: divide the gradient by a running root mean square of recent gradients.

``torch.optim.RMSprop``'s algorithm (η lr, α alpha, ε eps, λ weight decay, μ momentum)::

    g ← ∇L(w) (+ λ w)
    r ← α r + (1 − α) g²                        (assigned: the lecture's ``r += …`` is a slip)
    ḡ ← α ḡ + (1 − α) g;  d ← √(r − ḡ²) + ε      if centered
    d ← √r + ε                                   otherwise
    b ← μ b + g / d;  w ← w − η b                if μ > 0
    w ← w − η g / d                              otherwise

PyTorch's default α is 0.99 (the lecture suggests 0.9); ε is added after the square root.
"""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, ParamsT, check_nonnegative


class RMSprop(Optimizer):
    """``RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
    centered=False, *, maximize=False)``: PyTorch's signature and defaults."""

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False) -> None:
        check_nonnegative("learning rate", lr)
        check_nonnegative("epsilon value", eps)
        check_nonnegative("momentum value", momentum)
        check_nonnegative("weight_decay value", weight_decay)
        check_nonnegative("alpha value", alpha)
        super().__init__(params, {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                                  "centered": centered, "weight_decay": weight_decay,
                                  "maximize": maximize})

    def _update_group(self, group: dict) -> None:
        lr, alpha, eps, mu = group["lr"], group["alpha"], group["eps"], group["momentum"]
        wd, centered = group["weight_decay"], group["centered"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if not state:
                state.update(step=0, square_avg=np.zeros_like(p.data))
                if mu > 0:
                    state["momentum_buffer"] = np.zeros_like(p.data)
                if centered:
                    state["grad_avg"] = np.zeros_like(p.data)
            state["step"] += 1
            g = -p.grad.data if group["maximize"] else p.grad.data
            if wd != 0:
                g = g + wd * p.data
            r = state["square_avg"]
            r *= alpha
            r += (1 - alpha) * g * g
            if centered:
                g_avg = state["grad_avg"]
                g_avg *= alpha
                g_avg += (1 - alpha) * g
                d = np.sqrt(r - g_avg * g_avg) + eps
            else:
                d = np.sqrt(r) + eps
            if mu > 0:
                b = state["momentum_buffer"]
                b *= mu
                b += g / d
                p.data -= lr * b
            else:
                p.data -= lr * g / d
