"""One training step of the lecture's logistic regression (``nn.Sequential(nn.Linear(30, 1),
nn.Sigmoid())``, ``nn.BCELoss()``, ``optim.SGD(lr=0.01, momentum=0.9)``: forward, backward,
step, zero_grad), against the same step by hand in numpy, in the same process.

    python benchmarks/bench_train_step.py [--rounds 31] [--steps 200] [--batch 64 1024]

The two alternate, ``--steps`` steps each per round, timed on this thread's CPU clock, so a
busy machine disturbs both alike; prints the median (and the best) of the per-round ratios.
Where PyTorch is importable (not a dependency: ``pip install torch`` in the venv), its eager
step (``float64``, one thread) joins the rotation for comparison.
The step is the one of ``../shared/acceptance/perf-train.py`` (goal ≤ 2× at batch 64, ≤ 1.25×
at 1024). To time another checkout of the package, run this file with that checkout first on
``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench_tensor import eager_step, hand_step, logreg_parts, loop_step

import autodiff

D = 30


def ours(X: np.ndarray, y: np.ndarray):
    return eager_step(*logreg_parts(D), X, y)


def hand(X: np.ndarray, y: np.ndarray):
    """The same step by hand in numpy (shared with bench_tensor.py)."""
    return hand_step(X, y, D)


def torch_step(X: np.ndarray, y: np.ndarray):
    """The same step in PyTorch eager mode, or None where torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(D, 1), torch.nn.Sigmoid()).double()
    loss_fn = torch.nn.BCELoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return loop_step(model, loss_fn, opt, torch.from_numpy(X), torch.from_numpy(y))


def per_step(step, n: int) -> float:
    t = time.thread_time()
    for _ in range(n):
        step()
    return (time.thread_time() - t) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch", type=int, nargs="+", default=[64, 1024])
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"autodiff from {autodiff.__file__}")
    for B in args.batch:
        X, y = rng.normal(size=(B, D)), (rng.random((B, 1)) < 0.5).astype(np.float64)
        steps = [ours(X, y), hand(X, y), torch_step(X, y)]
        steps = [s for s in steps if s is not None]
        for _ in range(50):  # warm up
            for s in steps:
                s()
        rounds = [[per_step(s, args.steps) for s in steps] for _ in range(args.rounds)]
        o, h, *t = (float(np.median([r[i] for r in rounds])) for i in range(len(steps)))
        ratios = [r[0] / r[1] for r in rounds]
        print(f"batch {B}: ours {o * 1e6:.1f} us, hand numpy {h * 1e6:.1f} us (CPU time, "
              f"medians of {args.rounds} rounds); ratio median {np.median(ratios):.2f}x, "
              f"best {min(ratios):.2f}x" + (f"; PyTorch eager {t[0] * 1e6:.1f} us "
                                           f"({t[0] / h:.1f}x hand numpy)" if t else ""))


if __name__ == "__main__":
    main()
