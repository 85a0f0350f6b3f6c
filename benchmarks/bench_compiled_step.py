"""The compiled training step (``autodiff.compile_step``) and the eager one, against the same step
written by hand in numpy, in one process: logistic regression (30 features, BCELoss, SGD momentum
0.9) and an MLP 30-64-64-1 (tanh, MSELoss, SGD momentum 0.9), at batch 64 and 1024.

    python benchmarks/bench_compiled_step.py [--rounds 21] [--batch 64 1024]

The contenders alternate, round after round (rotating who goes first), each timed on this
thread's CPU clock with BLAS on one thread; printed: the median time per step and the median of
the per-round ratios to hand numpy, and how long compiling (the first call) takes. Goals (issue
16): compiled ≤ 1.1× hand numpy, compiling < 50 ms, eager ≤ 2× at batch 64 and ≤ 1.6× at 1024.

For logistic regression a second hand-written step joins: the same maths as ``nn.BCELoss`` and
``nn.Sigmoid`` (PyTorch's formulas: ``log1p(−p)`` and each log clamped at −100, the gradient
``(p − y)/max(p(1 − p), ε)`` times ``σ' = p(1 − p)``, the target checked in [0, 1]), where the
first hand step uses ``log`` of clipped values and the folded gradient ``p − y``. The compiled
step is measured against both: the gap to the first is the price of PyTorch's formulas.

Where PyTorch or JAX is importable (neither is a dependency: install them in another venv and
run this file there with the repository on ``PYTHONPATH``), PyTorch's eager step (float64, one
thread) and JAX's ``jit`` of the same step (float64, ``value_and_grad``, SGD momentum as a
tree map) join the race. JAX runs its computation on threads of its own, so with JAX in the
race every contender is timed on the wall clock instead (``--wall`` forces that).
"""

from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                      "intra_op_parallelism_threads=1")  # JAX on one thread, as the others

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from bench_tensor import eager_step, hand_step, logreg_parts, loop_step  # noqa: E402

import autodiff  # noqa: E402
from autodiff import nn  # noqa: E402
from autodiff.optim import SGD  # noqa: E402

D, H = 30, 64


def logreg():
    return logreg_parts(D)


def mlp():
    model = nn.MLP(D, hidden=(H, H), out_features=1, activation="tanh")
    return model, nn.MSELoss(), SGD(model.parameters(), lr=0.01, momentum=0.9)


def eager(make, X, y):
    return eager_step(*make(), X, y)


def compiled(make, X, y):
    model, loss_fn, opt = make()
    step = autodiff.compile_step(model, loss_fn, opt)
    Xt, yt = autodiff.Tensor(X), autodiff.Tensor(y)
    t = time.perf_counter()
    step(Xt, yt)
    compiled.first_ms = (time.perf_counter() - t) * 1e3
    return lambda: step(Xt, yt)


def hand_mlp(X, y):
    """x W1ᵀ + b1 → tanh → W2, b2 → tanh → W3, b3; MSE; SGD momentum 0.9 (torch's form)."""
    rng = np.random.default_rng(1)
    params = [rng.normal(size=s) * 0.1 for s in ((H, D), (H,), (H, H), (H,), (1, H), (1,))]
    vel = [np.zeros_like(p) for p in params]
    n = len(X)

    def step():
        W1, b1, W2, b2, W3, b3 = params
        h1 = np.tanh(X @ W1.T + b1)
        h2 = np.tanh(h1 @ W2.T + b2)
        d = h2 @ W3.T + b3 - y
        loss = np.mean(d * d)
        g = d * (2.0 / n)
        gW3, gb3 = g.T @ h2, g.sum(0)
        g = (g @ W3) * (1 - h2 * h2)
        gW2, gb2 = g.T @ h1, g.sum(0)
        g = (g @ W2) * (1 - h1 * h1)
        gW1, gb1 = g.T @ X, g.sum(0)
        for p, v, gp in zip(params, vel, (gW1, gb1, gW2, gb2, gW3, gb3), strict=True):
            v *= 0.9
            v += gp
            p -= 0.01 * v
        return loss
    return step


def hand_exact(X, y):
    """The logistic-regression step by hand with the library's (PyTorch's) formulas."""
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=(1, D)) * 0.1, np.zeros(1)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    n = len(X)

    def step():  # updates w, b, vw, vb in place
        if not (y.min() >= 0 and y.max() <= 1):
            raise ValueError("all elements of target should be between 0 and 1")
        p = 1 / (1 + np.exp(-(X @ w.T + b)))
        loss = np.mean((y - 1) * np.maximum(np.log1p(-p), -100)
                       - y * np.maximum(np.log(p), -100))
        s = p * (1 - p)
        g = (1 / n) * ((p - y) / np.maximum(s, 1e-12)) * s
        vw[...] = 0.9 * vw + g.T @ X
        vb[...] = 0.9 * vb + g.sum(0)
        w[...] = w - 0.01 * vw
        b[...] = b - 0.01 * vb
        return loss
    return step


def torch_step(name, X, y):
    """PyTorch's eager step of the same model, or None where torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    tnn = torch.nn
    if name == "logreg":
        model, loss_fn = tnn.Sequential(tnn.Linear(D, 1), tnn.Sigmoid()), tnn.BCELoss()
    else:
        model = tnn.Sequential(tnn.Linear(D, H), tnn.Tanh(), tnn.Linear(H, H), tnn.Tanh(),
                               tnn.Linear(H, 1))
        loss_fn = tnn.MSELoss()
    model = model.double()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(np.ascontiguousarray(y))
    return loop_step(model, loss_fn, opt, Xt, yt)


def jax_step(name, X, y):
    """JAX's ``jit`` of the same step (float64), or None where jax is not installed."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(1)
    shapes = [(1, D), (1,)] if name == "logreg" else [(H, D), (H,), (H, H), (H,), (1, H), (1,)]
    params = [jnp.asarray(rng.normal(size=s) * 0.1) for s in shapes]

    def loss(params, X, y):
        if name == "logreg":
            p = jax.nn.sigmoid(X @ params[0].T + params[1])
            return jnp.mean((y - 1) * jnp.maximum(jnp.log1p(-p), -100)
                            - y * jnp.maximum(jnp.log(p), -100))
        h = X
        for k in range(0, 4, 2):
            h = jnp.tanh(h @ params[k].T + params[k + 1])
        d = h @ params[4].T + params[5] - y
        return jnp.mean(d * d)

    @jax.jit
    def update(params, velocity, X, y):
        value, grads = jax.value_and_grad(loss)(params, X, y)
        velocity = [0.9 * v + g for v, g in zip(velocity, grads, strict=True)]
        return [p - 0.01 * v for p, v in zip(params, velocity, strict=True)], velocity, value

    state = [params, [jnp.zeros_like(p) for p in params]]
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def step():
        state[0], state[1], value = update(state[0], state[1], Xj, yj)
        value.block_until_ready()
    return step


def race(steps, n, rounds, clock=time.thread_time):
    for s in steps:
        for _ in range(max(5, n // 5)):
            s()
    times = [[] for _ in steps]
    for r in range(rounds):
        order = list(range(len(steps)))
        order = order[r % len(order):] + order[:r % len(order)]
        for i in order:
            t = clock()
            for _ in range(n):
                steps[i]()
            times[i].append((clock() - t) / n * 1e6)
    med = [float(np.median(t)) for t in times]
    ratio = [float(np.median([a / b for a, b in zip(times[i], times[1], strict=True)]))
             for i in range(len(steps))]
    return med, ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--batch", type=int, nargs="+", default=[64, 1024])
    parser.add_argument("--wall", action="store_true", help="time on the wall clock")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    for name, make, handf in (("logreg", logreg, lambda X, y: hand_step(X, y, D)),
                              ("mlp", mlp, hand_mlp)):
        for B in args.batch:
            X = rng.normal(size=(B, D))
            y = (rng.random((B, 1)) < 0.5).astype(np.float64) if name == "logreg" else \
                np.tanh(X[:, :1] - X[:, 1:2])
            c = compiled(make, X, y)
            first = compiled.first_ms
            n = {("logreg", 64): 100, ("mlp", 64): 40}.get((name, B), 10)
            contenders = [c, handf(X, y), eager(make, X, y)]
            names = ["compiled", "hand numpy", "eager"]
            if name == "logreg":
                contenders.append(hand_exact(X, y))
                names.append("hand numpy with PyTorch's formulas")
            for label, other in (("PyTorch eager", torch_step(name, X, y)),
                                 ("JAX jit", jax_step(name, X, y))):
                if other is not None:
                    contenders.append(other)
                    names.append(label)
            wall = args.wall or "JAX jit" in names
            med, ratio = race(contenders, n, args.rounds,
                              time.perf_counter if wall else time.thread_time)
            parts = [f"{label} {m:.0f} us ({r:.2f}x)"
                     for label, m, r in zip(names, med, ratio, strict=True)
                     if label != "hand numpy"]
            clock = "wall" if wall else "CPU"
            line = f"{name} batch {B} ({clock} clock): hand numpy {med[1]:.0f} us, "
            line += ", ".join(parts)
            if name == "logreg":
                line += f"; compiled / hand with PyTorch's formulas = {ratio[0] / ratio[3]:.2f}x"
            print(line + f"; compiling (first call) {first:.1f} ms")

if __name__ == "__main__":
    main()
