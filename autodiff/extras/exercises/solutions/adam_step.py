"""Reference solution of adam_step (hidden from students)."""

import numpy as np


def adam_step(w, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    if not state:
        state.update(t=0, s=np.zeros_like(w), r=np.zeros_like(w))
    state["t"] += 1
    t = state["t"]
    state["s"] = beta1 * state["s"] + (1 - beta1) * grad
    state["r"] = beta2 * state["r"] + (1 - beta2) * grad * grad
    s_hat = state["s"] / (1 - beta1**t)
    r_hat = state["r"] / (1 - beta2**t)
    return w - lr * s_hat / (np.sqrt(r_hat) + eps)
