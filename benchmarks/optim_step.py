"""Optimizer steps against the same update written by hand in numpy, in one process.

    python benchmarks/optim_step.py

Prints microseconds per step and the ratio ours / hand numpy for the lecture's logistic
regression parameters (a (1, D) weight and a (1,) bias) and for a larger (256, 256) layer.
"""

from __future__ import annotations

import time

import numpy as np

from autodiff.autograd import Tensor
from autodiff.nn import Parameter
from autodiff.optim import SGD, Adam


def per_step(step, repeats: int = 2000) -> float:
    for _ in range(50):
        step()
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(repeats):
            step()
        best = min(best, (time.perf_counter() - t) / repeats * 1e6)
    return best


def ours(cls, shapes, **kwargs):
    rng = np.random.default_rng(0)
    params = [Parameter(rng.normal(size=s)) for s in shapes]
    for p in params:
        p.grad = Tensor(rng.normal(size=p.shape))
    return cls(params, **kwargs).step


def hand_sgd(shapes, lr=0.01, mu=0.9):
    rng = np.random.default_rng(0)
    ws = [rng.normal(size=s) for s in shapes]
    gs = [rng.normal(size=s) for s in shapes]
    vs = [np.zeros(s) for s in shapes]

    def step():
        for w, g, v in zip(ws, gs, vs, strict=True):
            v *= mu
            v += g
            w -= lr * v
    return step


def hand_adam(shapes, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    rng = np.random.default_rng(0)
    ws = [rng.normal(size=s) for s in shapes]
    gs = [rng.normal(size=s) for s in shapes]
    ms, rs = [np.zeros(s) for s in shapes], [np.zeros(s) for s in shapes]
    t = 0

    def step():
        nonlocal t
        t += 1
        for w, g, m, r in zip(ws, gs, ms, rs, strict=True):
            m *= b1
            m += (1 - b1) * g
            r *= b2
            r += (1 - b2) * g * g
            w -= lr / (1 - b1 ** t) * m / (np.sqrt(r) / (1 - b2 ** t) ** 0.5 + eps)
    return step


def main() -> None:
    for label, shapes in [("logistic (1,30)+(1,)", [(1, 30), (1,)]),
                          ("layer (256,256)+(256,)", [(256, 256), (256,)])]:
        for name, a, b in [
            ("SGD momentum", ours(SGD, shapes, lr=0.01, momentum=0.9), hand_sgd(shapes)),
            ("Adam", ours(Adam, shapes), hand_adam(shapes)),
        ]:
            o, h = per_step(a), per_step(b)
            print(f"{label:24s} {name:13s} ours {o:7.2f} us  hand numpy {h:7.2f} us  "
                  f"ratio {o / h:.2f}")


if __name__ == "__main__":
    main()
