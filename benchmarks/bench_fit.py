"""One epoch of logistic regression on 100,000 × 30 at batch 64, written as a formula
(`autodiff fit`), against the ``nn`` path (`autodiff train`) and hand-written numpy, in one
process.

    python benchmarks/bench_fit.py [--rows 100000] [--features 30] [--batch 64] [--rounds 5]

"expression" is the formula ``sigmoid(w1*x1 + … + w30*x30 + b)`` as an
:class:`autodiff.ExpressionModel`: per mini-batch one primal sweep of its trace (61 steps on
arrays of 64), the BCE step, and one reverse sweep of the loss trace, trained by
:func:`autodiff.train.fit` (the loop of both CLI commands). "nn" is the same loop with
``nn.LogisticRegression`` and ``nn.BCELoss``; "hand" is the epoch in numpy. Same data, same
initial weights (both models draw them as ``nn.Linear`` does from the same seed), same
batches, SGD with momentum 0.9. Prints the medians of the rounds and the ratios.
"""

from __future__ import annotations

import time

import numpy as np
from bench_train_epoch import epoch_setup, hand  # shared: options, data, the hand epoch

from autodiff.expression import ExpressionModel
from autodiff.train import ModelSpec, fit, make_optimizer


def formula(d: int) -> str:
    return "sigmoid(" + " + ".join(f"w{j}*x{j}" for j in range(1, d + 1)) + " + b)"


def expression(X: np.ndarray, y: np.ndarray, batch: int) -> tuple[float, np.ndarray]:
    d = X.shape[1]
    params = [f"w{j}" for j in range(1, d + 1)] + ["b"]
    model = ExpressionModel(formula(d), params, loss="bce", seed=0)
    optimizer = make_optimizer("momentum", model.parameters(), lr=0.01)
    start = time.perf_counter()
    history = fit(model, model.loss_fn(), optimizer, X, y, task="classification", epochs=1,
                  batch_size=batch, seed=0)
    elapsed = time.perf_counter() - start
    assert history.status == "completed", history.message
    return elapsed, np.array(list(model.values.values()))


def nn_path(X: np.ndarray, y: np.ndarray, batch: int) -> tuple[float, np.ndarray]:
    spec = ModelSpec("logistic", X.shape[1], (), "relu", "bce")
    model = spec.build(seed=0)
    optimizer = make_optimizer("momentum", model.parameters(), lr=0.01)
    start = time.perf_counter()
    history = fit(model, spec.loss_fn(), optimizer, X, y, task="classification", epochs=1,
                  batch_size=batch, seed=0)
    elapsed = time.perf_counter() - start
    assert history.status == "completed", history.message
    w = np.concatenate([model.linear.weight.data.ravel(), model.linear.bias.data])
    return elapsed, w


def main() -> None:
    args, X, y = epoch_setup(__doc__.splitlines()[0])
    rounds = []
    for _ in range(args.rounds):
        (e, we), (n, wn) = expression(X, y, args.batch), nn_path(X, y, args.batch)
        rounds.append((e, n, hand(X, y, args.batch)))
    e, n, h = (float(np.median([r[i] for r in rounds])) for i in range(3))
    steps = -(-args.rows // args.batch)
    print(f"one epoch, {args.rows} x {args.features}, batch {args.batch} ({steps} steps):")
    print(f"  expression model (fit)  {e:.3f} s  {e / steps * 1e6:5.0f} us/step")
    print(f"  nn LogisticRegression   {n:.3f} s  {n / steps * 1e6:5.0f} us/step")
    print(f"  hand-written numpy      {h:.3f} s  {h / steps * 1e6:5.0f} us/step")
    print(f"  the two models' weights after the epoch differ by at most "
          f"{np.max(np.abs(we - wn)):.1e}")
    print(f"ratio expression / nn: {e / n:.2f}x   expression / hand numpy: {e / h:.2f}x   "
          f"nn / hand numpy: {n / h:.2f}x")


if __name__ == "__main__":
    main()
