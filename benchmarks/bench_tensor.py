"""Speed of the tensor engine, as ratios against baselines measured in this same process.

    python benchmarks/bench_tensor.py            # all four
    python benchmarks/bench_tensor.py grad step  # some: grad, step, overhead, chain

* ``grad``: the cheap-gradient principle. Value and gradient of the mean binary cross-entropy
  of logistic regression on a 200,000 × 100 float64 matrix, over the value alone (goal ≤ 3).
* ``step``: one mini-batch SGD-with-momentum step of logistic regression (30 features), over
  the same step written by hand in numpy, at batch 64 (goal ≤ 2) and 1024 (goal ≤ 1.25); with
  the tape and a hand-written update, and with ``autodiff.nn``/``autodiff.optim`` when present.
* ``overhead``: microseconds per recorded operation (forward, and backward) over the numpy
  operation alone.
* ``chain``: a chain of 1,000,000 scalar operations, forward and back-propagated.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import autodiff
from autodiff import Tensor
from autodiff.autograd import binary_cross_entropy, binary_cross_entropy_with_logits


def best(fn, repeat=5, number=1, clock=time.perf_counter):
    """The best time per call of ``fn`` over ``repeat`` rounds of ``number`` calls."""
    times = []
    for _ in range(repeat):
        t = clock()
        for _ in range(number):
            fn()
        times.append((clock() - t) / number)
    return min(times)


def interleaved(ours, base, rounds=15, number=200):
    """The best time per call of each, over rounds that alternate between the two, on the
    process's CPU clock: other processes on a busy machine then disturb both little and alike.
    (Single-threaded work only: the CPU clock adds up the time of all threads.)"""
    for _ in range(20):
        ours()
        base()
    o = b = float("inf")
    for _ in range(rounds):
        o = min(o, best(ours, 1, number, time.process_time))
        b = min(b, best(base, 1, number, time.process_time))
    return o, b


def bench_grad() -> None:
    rng = np.random.default_rng(0)
    X = Tensor(rng.normal(size=(200_000, 100)))
    y = Tensor((rng.random((200_000, 1)) < 0.5).astype(float))
    w0 = rng.normal(size=(100, 1)) * 0.1

    def loss(w):
        return binary_cross_entropy_with_logits(X @ w, y).mean()

    vg = autodiff.value_and_grad(loss)

    def value():
        with autodiff.no_grad():
            loss(Tensor(w0))

    ratios = []
    for _ in range(7):
        a = best(value, 1)
        b = best(lambda: vg(Tensor(w0)), 1)
        ratios.append(b / a)
    print(f"grad: value_and_grad / value = {np.median(ratios):.2f} (goal <= 3) on 200,000 x 100 "
          f"mean BCE; value {a * 1e3:.1f} ms, value and gradient {b * 1e3:.1f} ms")


def hand_step(X, y, D):
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=(D, 1)) * 0.1, np.zeros(1)
    vw, vb = np.zeros_like(w), np.zeros_like(b)

    def step():
        nonlocal w, b, vw, vb
        z = X @ w + b
        p = 1 / (1 + np.exp(-z))
        loss = -np.mean(y * np.log(np.clip(p, 1e-12, None))
                        + (1 - y) * np.log(np.clip(1 - p, 1e-12, None)))
        g = (p - y) / len(X)
        gw, gb = X.T @ g, g.sum(0)
        vw = 0.9 * vw + gw
        vb = 0.9 * vb + gb
        w = w - 0.01 * vw
        b = b - 0.01 * vb
        return loss
    return step


def _tape_step(X, y, D):
    """The lecture's step on the tape: Linear, Sigmoid, BCELoss; torch.optim.SGD's update."""
    rng = np.random.default_rng(1)
    w = Tensor(rng.normal(size=(D, 1)) * 0.1, requires_grad=True)
    b = Tensor(np.zeros(1), requires_grad=True)
    params = [w, b]
    velocity = [np.zeros_like(p.data) for p in params]
    Xt, yt = Tensor(X), Tensor(y)

    def step():
        loss = binary_cross_entropy((Xt @ w + b).sigmoid(), yt).mean()
        loss.backward()
        for p, v in zip(params, velocity, strict=True):
            v *= 0.9
            v += p.grad.data
            p.data -= 0.01 * v
            p.grad = None
        return loss
    return step


def _rules_step(X, y, D):
    """The same step without the tape: the registry's impls and rules called by hand, in
    numpy. What the tape costs on top of its own rules is ``tape - rules``."""
    from autodiff import primitives as P
    from autodiff.autograd import ops
    from autodiff.broadcast import unbroadcast
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=(D, 1)) * 0.1, np.zeros(1)
    vw, vb = np.zeros_like(w), np.zeros_like(b)

    def step():
        z0 = X @ w
        z = z0 + b
        p = P.sigmoid.impl(z)
        ell = P.bce.impl(p, y)
        loss = ops.mean.impl(ell, None, False)
        g = ops.mean.vjp(0, np.ones_like(loss), loss, ell, None, False)
        g = g * P.bce.partials[0](p, y, ell)
        g = g * P.sigmoid.partials[0](z, p)
        gb, gw = np.array(unbroadcast(g, b.shape)), ops.matmul.vjp(1, g, z0, X, w)
        for p_, v, g_ in ((w, vw, gw), (b, vb, gb)):
            v *= 0.9
            v += g_
            p_ -= 0.01 * v
    return step


def logreg_parts(D):
    """The lecture's logistic regression: Linear + Sigmoid, BCELoss, SGD with momentum 0.9."""
    from autodiff import nn
    from autodiff.optim import SGD
    model = nn.Sequential(nn.Linear(D, 1), nn.Sigmoid())
    return model, nn.BCELoss(), SGD(model.parameters(), lr=0.01, momentum=0.9)


def loop_step(model, loss_fn, opt, Xt, yt):
    """The slides' loop body on one batch of tensors (ours or PyTorch's): forward, loss,
    backward, step, zero_grad."""
    def step():
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        opt.step()
        opt.zero_grad()
    return step


def eager_step(model, loss_fn, opt, X, y):
    """:func:`loop_step` of our library on the arrays ``X``, ``y``."""
    return loop_step(model, loss_fn, opt, Tensor(X), Tensor(y))


def _nn_step(X, y, D):
    return eager_step(*logreg_parts(D), X, y)


def bench_step() -> None:
    D = 30
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, D)), (rng.random((64, 1)) < 0.5).astype(float)
    interleaved(_tape_step(X, y, D), hand_step(X, y, D), 10)  # warm up: the first rounds of
    # a fresh process run slower (allocator, caches, clock speed) and would skew one ratio
    for B, goal in ((64, 2.0), (1024, 1.25)):
        X = rng.normal(size=(B, D))
        y = (rng.random((B, 1)) < 0.5).astype(float)
        makers = [("rules without tape", _rules_step), ("tape + hand update", _tape_step)]
        try:
            _nn_step(X, y, D)()
            makers.append(("nn.Linear/BCELoss + optim.SGD", _nn_step))
        except Exception as exc:  # noqa: BLE001 (the nn helper's layers may not exist yet)
            print(f"step: autodiff.nn / autodiff.optim not usable yet ({type(exc).__name__})")
        hand = hand_step(X, y, D)
        for label, make in makers:
            ours = make(X, y, D)
            o, h = interleaved(ours, hand)
            print(f"step: batch {B}, {label}: {o * 1e6:.0f} us vs hand numpy {h * 1e6:.0f} us "
                  f"= {o / h:.2f}x (goal <= {goal})")


def _times(x, n):
    for _ in range(n):
        x * x


def bench_overhead() -> None:
    n = 100_000
    for shape in ((), (64, 1)):
        a = np.full(shape, 0.5)
        x = Tensor(a, requires_grad=True)
        numpy_op, forward = interleaved(lambda a=a: _times(a, n), lambda x=x: _times(x, n), 5, 1)
        t = time.perf_counter()
        y = x
        for _ in range(n):
            y = y * 1.0000001
        fwd = (time.perf_counter() - t) / n
        t = time.perf_counter()
        y.backward(np.ones(shape))
        bwd = (time.perf_counter() - t) / n
        x.grad = None
        print(f"overhead, shape {shape}: numpy mul {numpy_op / n * 1e6:.2f} us, recorded Tensor "
              f"mul {forward / n * 1e6:.2f} us (+{(forward - numpy_op) / n * 1e6:.2f} us); in a "
              f"chain of {n:,} (tape kept alive) {fwd * 1e6:.2f} us forward, {bwd * 1e6:.2f} us "
              "backward per op")


def bench_chain(n: int = 500_000) -> None:
    t = time.perf_counter()
    x = Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.000001 + 1e-7
    t1 = time.perf_counter()
    y.backward()
    t2 = time.perf_counter()
    err = abs(x.grad.item() - 1.000001 ** n) / 1.000001 ** n
    print(f"chain: {2 * n:,} scalar ops, forward {t1 - t:.1f} s, backward {t2 - t1:.1f} s "
          f"({(t2 - t) / (2 * n) * 1e6:.2f} us/op), relative error {err:.1e}, no recursion")


BENCHES = {"grad": bench_grad, "step": bench_step, "overhead": bench_overhead,
           "chain": bench_chain}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHES):
        BENCHES[name]()
