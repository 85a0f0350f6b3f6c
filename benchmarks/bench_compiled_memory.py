"""Peak memory of one training step, eager against compiled (``autodiff.compile_step``), as
tracemalloc sees numpy's allocations: an MLP 30-64-64-1 (tanh, MSELoss) and a BatchNorm1d
network, Adam, batch 1024. Goal (issue 16): the compiled step's peak within 1.2x the eager one.

    python benchmarks/bench_compiled_memory.py
"""

from __future__ import annotations

import copy
import tracemalloc

import numpy as np

import autodiff
from autodiff import nn
from autodiff.optim import Adam


def peak(step) -> float:
    """The peak of numpy's allocations during one call of ``step``, in MB (after two calls)."""
    step()
    step()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    step()
    out = (tracemalloc.get_traced_memory()[1] - base) / 1e6
    tracemalloc.stop()
    return out


def measure(make, batch: int) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(batch, 30))
    Xt, yt = autodiff.Tensor(X), autodiff.Tensor(np.tanh(X[:, :1]))
    model, loss_fn = make()
    twin = copy.deepcopy(model)
    opt, opt2 = Adam(model.parameters(), lr=1e-3), Adam(twin.parameters(), lr=1e-3)
    compiled = autodiff.compile_step(twin, loss_fn, opt2)

    def eager():
        loss = loss_fn(model(Xt), yt)
        loss.backward()
        opt.step()
        opt.zero_grad()

    return peak(eager), peak(lambda: compiled(Xt, yt))


def main() -> None:
    models = {
        "mlp": lambda: (nn.MLP(30, hidden=(64, 64), out_features=1, activation="tanh"),
                        nn.MSELoss()),
        "batchnorm": lambda: (nn.Sequential(nn.Linear(30, 64), nn.BatchNorm1d(64), nn.ReLU(),
                                            nn.Linear(64, 1)), nn.MSELoss()),
    }
    for name, make in models.items():
        e, c = measure(make, 1024)
        print(f"{name} batch 1024: eager peak {e:.2f} MB, compiled {c:.2f} MB ({c / e:.2f}x)")


if __name__ == "__main__":
    main()
