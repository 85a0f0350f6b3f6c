"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay.

``torch.optim.SGD``'s algorithm (learning rate η, momentum μ, dampening τ, weight decay λ)::

    g ← ∇L(w)              (−∇L(w) if maximize)
    g ← g + λ w                                   if λ ≠ 0
    b ← g  (first step),  b ← μ b + (1 − τ) g     if μ ≠ 0
    g ← g + μ b  (nesterov)   or   g ← b
    w ← w − η g

The lecture writes momentum as ``v ← μ v − η g; w ← w + v``. The two agree while η is
constant (``v = −η b``) and part as soon as a scheduler changes η: PyTorch's buffer ``b`` holds
gradients, so a new η rescales the whole accumulated velocity at once (docs/optim.md).
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .optimizer import Optimizer, ParamsT, check_nonnegative


class SGD(Optimizer):
    """``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
    maximize=False)``: PyTorch's signature and defaults.

    >>> from autodiff import Tensor
    >>> w = Tensor([1.0, 2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        check_nonnegative("learning rate", lr)
        check_nonnegative("momentum value", momentum)
        check_nonnegative("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise InputError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov,
                                  "maximize": maximize})

    def _update_group(self, group: dict) -> None:
        lr, mu, tau = group["lr"], group["momentum"], group["dampening"]
        wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
        for p in group["params"]:
            if p.grad is None:
                continue
            g = -p.grad.data if maximize else p.grad.data
            if wd != 0:
                g = g + wd * p.data
            if mu != 0:
                state = self.state[p]
                b = state.get("momentum_buffer")
                if b is None:
                    b = state["momentum_buffer"] = np.array(g, copy=True)
                else:
                    b *= mu
                    b += g if tau == 0 else (1 - tau) * g
                g = g + mu * b if nesterov else b
            p.data -= lr * g
