"""One epoch of logistic regression on 100,000 × 30 at batch 64: `autodiff train`'s library call
against the same epoch written by hand in numpy, in the same process.

    python benchmarks/bench_train_epoch.py [--rows 100000] [--features 30] [--batch 64]

"ours" is :func:`autodiff.train.fit` — what `autodiff train` runs, compiled (its default) and
with ``compile=False`` (``--no-compile``) — with the model, loss and
optimizer it builds (``nn.LogisticRegression``, ``nn.BCELoss``, ``optim.SGD`` with momentum
0.9), the seeded ``DataLoader``, the per-step loss check, and its evaluation passes (at the
start and the end, on all rows). "hand" is the same epoch in numpy: shuffle, forward, BCE,
gradient, momentum update. "bare lecture loop" is the lecture's four-line loop on the same
library pieces, to show what fit itself adds. Prints the medians of five rounds and the ratios.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from autodiff.train import ModelSpec, fit, make_optimizer


def ours(X: np.ndarray, y: np.ndarray, batch: int, compiled: bool = True) -> float:
    spec = ModelSpec("logistic", X.shape[1], (), "relu", "bce")
    model = spec.build(seed=0)
    optimizer = make_optimizer("momentum", model.parameters(), lr=0.01)
    start = time.perf_counter()
    history = fit(model, spec.loss_fn(), optimizer, X, y, task="classification", epochs=1,
                  batch_size=batch, seed=0, compile=compiled)
    elapsed = time.perf_counter() - start
    assert history.status == "completed", history.message
    return elapsed


def lecture_loop(X: np.ndarray, y: np.ndarray, batch: int) -> float:
    """The lecture's loop on the same library pieces, without fit's checks and records."""
    from autodiff.autograd import Tensor
    from autodiff.data import DataLoader, TensorDataset

    spec = ModelSpec("logistic", X.shape[1], (), "relu", "bce")
    model, loss_fn = spec.build(seed=0), spec.loss_fn()
    optimizer = make_optimizer("momentum", model.parameters(), lr=0.01)
    loader = DataLoader(TensorDataset(Tensor(X), Tensor(y.reshape(-1, 1))), batch_size=batch,
                        shuffle=True, generator=0)
    start = time.perf_counter()
    for xb, yb in loader:
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return time.perf_counter() - start


def hand(X: np.ndarray, y: np.ndarray, batch: int) -> float:
    rng = np.random.default_rng(0)
    d = X.shape[1]
    bound = 1 / np.sqrt(d)
    w, b = rng.uniform(-bound, bound, (d, 1)), rng.uniform(-bound, bound, 1)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    Y = y.reshape(-1, 1)
    start = time.perf_counter()
    order = rng.permutation(len(X))
    for i in range(0, len(X), batch):
        idx = order[i:i + batch]
        xb, yb = X[idx], Y[idx]
        p = 1 / (1 + np.exp(-(xb @ w + b)))
        loss = -np.mean(yb * np.log(np.clip(p, 1e-12, None))
                        + (1 - yb) * np.log(np.clip(1 - p, 1e-12, None)))
        if not np.isfinite(loss):
            raise FloatingPointError("non-finite loss")
        g = (p - yb) / len(xb)
        vw = 0.9 * vw + xb.T @ g
        vb = 0.9 * vb + g.sum(0)
        w -= 0.01 * vw
        b -= 0.01 * vb
    return time.perf_counter() - start


def epoch_setup(description: str) -> tuple[argparse.Namespace, np.ndarray, np.ndarray]:
    """The options (--rows, --features, --batch, --rounds) and a seeded classification set."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.rows, args.features))
    y = (X @ rng.standard_normal(args.features) + rng.standard_normal(args.rows) > 0)
    return args, X, y.astype(np.float64)


def main() -> None:
    args, X, y = epoch_setup(__doc__.splitlines()[0])
    times = [(ours(X, y, args.batch), ours(X, y, args.batch, compiled=False),
              lecture_loop(X, y, args.batch), hand(X, y, args.batch))
             for _ in range(args.rounds)]
    o, eager, loop, h = (float(np.median([t[i] for t in times])) for i in range(4))
    steps = -(-args.rows // args.batch)
    print(f"one epoch, {args.rows} x {args.features}, batch {args.batch} ({steps} steps):")
    for label, t in (("autodiff train's fit", o), ("fit --no-compile", eager),
                     ("bare lecture loop", loop)):
        print(f"  {label:22s} {t:.3f} s  {t / steps * 1e6:5.0f} us/step  {t / h:.2f}x hand")
    print(f"  {'hand-written numpy':22s} {h:.3f} s  {h / steps * 1e6:5.0f} us/step")
    print(f"ratio fit / hand numpy: {o / h:.2f}x (fit / bare loop: {o / loop:.2f}x)")

if __name__ == "__main__":
    main()
