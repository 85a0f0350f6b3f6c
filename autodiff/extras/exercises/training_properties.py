"""Checks of ``adam_step``, ``dataloader`` and ``training_loop`` against the engine's own.

The student's Adam step is compared step by step with :class:`autodiff.optim.Adam` (PyTorch's
algorithm), the loader with :class:`autodiff.data.DataLoader` and with the properties every
epoch must have (each example exactly once, pairs kept together, a new order per shuffled epoch),
and the training loop with the lecture's loop run on the same model, batches and optimizer.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .properties import CheckFailed, as_array, check, expect_close, function

_ADAM_HINT = ("assign the moments, s = β₁s + (1 − β₁)g and r = β₂r + (1 − β₂)g² (the slide's "
              "`s += …` is a slip), advance t before the bias correction, and keep all three in "
              "state")


def _adam_run(m: ModuleType, steps: int, seed: int, **hyper: Any) -> None:
    from ...autograd import Tensor
    from ...optim import Adam
    rng = np.random.default_rng(seed)
    w0 = rng.normal(size=5)
    p = Tensor(w0.copy(), requires_grad=True)
    optimizer = Adam([p], **hyper)
    w, state, step = w0.copy(), {}, function(m, "adam_step")
    for t in range(1, steps + 1):
        g = rng.normal(size=5) * rng.uniform(0.1, 3)
        p.grad = Tensor(g.copy())
        optimizer.step()
        w = as_array(step(w, g.copy(), state, **hyper), "adam_step")
        if not isinstance(state, dict):
            raise CheckFailed("state must stay a dict")
        expect_close(w, p.data, "the weights", _ADAM_HINT, rtol=1e-9, atol=1e-12,
                     where=f" after step {t} (lr={hyper.get('lr', 1e-3)})")


@check("adam_step", "the first step equals autodiff.optim.Adam's (= torch.optim.Adam's)",
       "at t = 1 the bias corrections give ŝ = g and r̂ = g², so w moves by about lr·sign(g)")
def _adam_first(m: ModuleType) -> None:
    _adam_run(m, 1, seed=1)


@check("adam_step", "50 steps with the default hyperparameters follow autodiff.optim.Adam",
       _ADAM_HINT)
def _adam_defaults(m: ModuleType) -> None:
    _adam_run(m, 50, seed=2)


@check("adam_step", "30 steps with lr=0.1, betas=(0.8, 0.99), eps=1e-6 follow autodiff.optim.Adam",
       "use the lr, betas and eps you are given, not the defaults")
def _adam_hyper(m: ModuleType) -> None:
    _adam_run(m, 30, seed=3, lr=0.1, betas=(0.8, 0.99), eps=1e-6)


@check("adam_step", "two parameters with their own state dicts do not interfere",
       "keep s, r and t in the state dict you are given, not in global variables")
def _adam_two_states(m: ModuleType) -> None:
    from ...autograd import Tensor
    from ...optim import Adam
    rng = np.random.default_rng(4)
    ws = [rng.normal(size=3), rng.normal(size=2)]
    ps = [Tensor(w.copy(), requires_grad=True) for w in ws]
    optimizer, states = Adam(ps, lr=0.05), [{}, {}]
    for t in range(1, 11):
        gs = [rng.normal(size=w.shape) for w in ws]
        for p, g in zip(ps, gs, strict=True):
            p.grad = Tensor(g.copy())
        optimizer.step()
        for k in range(2):
            ws[k] = as_array(function(m, "adam_step")(ws[k], gs[k], states[k], lr=0.05), "adam")
            expect_close(ws[k], ps[k].data, f"parameter {k + 1}", where=f" after step {t}")


@check("adam_step", "2000 steps minimize (w − c)² to within 1e-3 of c",
       "Adam moves every weight against the sign of its gradient")
def _adam_minimizes(m: ModuleType) -> None:
    c, w, state = np.array([1.5, -2.0, 0.25]), np.zeros(3), {}
    step = function(m, "adam_step")
    for _ in range(2000):
        w = as_array(step(w, 2 * (w - c), state, lr=0.05), "adam_step")
    expect_close(w, c, "the minimizer found", atol=1e-3, rtol=0)


def _data(n: int, d: int = 2) -> tuple[np.ndarray, np.ndarray]:
    X = np.column_stack([np.arange(n, dtype=float)] + [np.full(n, k + 1.0) for k in range(d - 1)])
    return X, 10.0 * np.arange(n)


def _epoch(m: ModuleType, loader: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    try:
        batches = list(loader)
    except TypeError as exc:
        raise CheckFailed(f"iterating over a MiniBatchLoader failed: {exc}",
                          "__iter__ must yield (X_batch, y_batch) pairs (or return an "
                          "iterator)") from None
    out = []
    for b in batches:
        if not isinstance(b, tuple | list) or len(b) != 2:
            raise CheckFailed(f"a batch is {type(b).__name__}, not a pair (X_batch, y_batch)")
        out.append((as_array(b[0], "X_batch"), as_array(b[1], "y_batch")))
    return out


_SIZES = [(1, 1), (7, 3), (10, 5), (10, 10), (10, 32), (33, 8), (64, 64), (100, 7)]


@check("dataloader", "len(loader) is ⌈N/B⌉ for N, B in " + str(_SIZES),
       "an epoch of N examples in batches of B has ⌈N/B⌉ batches: -(-N // B)")
def _loader_len(m: ModuleType) -> None:
    for n, b in _SIZES:
        X, y = _data(n)
        got = len(function(m, "MiniBatchLoader")(X, y, b))
        if got != -(-n // b):
            raise CheckFailed(f"len(MiniBatchLoader(N={n}, batch_size={b})) is {got}, "
                              f"expected {-(-n // b)}")


@check("dataloader", "without shuffle the batches are autodiff.data.DataLoader's",
       "take the rows in order, B at a time; the last batch keeps the N mod B left over")
def _loader_order(m: ModuleType) -> None:
    from ...autograd import Tensor
    from ...data import DataLoader, TensorDataset
    for n, b in _SIZES:
        X, y = _data(n)
        want = list(DataLoader(TensorDataset(Tensor(X), Tensor(y)), batch_size=b))
        got = _epoch(m, function(m, "MiniBatchLoader")(X, y, b))
        if len(got) != len(want):
            raise CheckFailed(f"N={n}, B={b}: {len(got)} batches, expected {len(want)}")
        for k, ((gx, gy), (wx, wy)) in enumerate(zip(got, want, strict=True)):
            where = f" of batch {k + 1} (N={n}, B={b})"
            expect_close(gx, wx.data, "X_batch", where=where)
            expect_close(gy, wy.data, "y_batch", where=where)


@check("dataloader", "a shuffled epoch visits every example exactly once, x and y together",
       "shuffle the indices (rng.permutation(N)), then cut the permutation into batches")
def _loader_once(m: ModuleType) -> None:
    for n, b in _SIZES:
        X, y = _data(n)
        loader = function(m, "MiniBatchLoader")(X, y, b, shuffle=True, seed=n)
        for epoch in (1, 2):
            got = _epoch(m, loader)
            sizes = [len(gx) for gx, _ in got]
            if any(s != b for s in sizes[:-1]) or not 0 < sizes[-1] <= b:
                raise CheckFailed(f"N={n}, B={b}, epoch {epoch}: batch sizes {sizes}")
            ids = np.concatenate([gx[:, 0] for gx, _ in got])
            if sorted(ids.tolist()) != list(range(n)):
                raise CheckFailed(f"N={n}, B={b}, epoch {epoch}: the examples seen are "
                                  f"{sorted(ids.astype(int).tolist())[:12]}…, not each of "
                                  f"0…{n - 1} once")
            if not all(np.array_equal(gy, 10.0 * gx[:, 0]) for gx, gy in got):
                raise CheckFailed("a label ended up in another example's batch",
                                  "index X and y with the same indices")


@check("dataloader", "shuffled epochs use new orders, reproducible from the seed",
       "make the generator once in __init__ (np.random.default_rng(seed)) and draw a new "
       "permutation from it at each epoch")
def _loader_shuffle(m: ModuleType) -> None:
    X, y = _data(50)
    make = function(m, "MiniBatchLoader")

    def order(batches):
        return np.concatenate([gx[:, 0] for gx, _ in batches]).astype(int).tolist()

    a, b = make(X, y, 8, shuffle=True, seed=3), make(X, y, 8, shuffle=True, seed=3)
    first, second = order(_epoch(m, a)), order(_epoch(m, a))
    if first == list(range(50)):
        raise CheckFailed("shuffle=True gave the examples in their original order")
    if first == second:
        raise CheckFailed("two epochs of one loader gave the same order")
    if order(_epoch(m, b)) != first or order(_epoch(m, b)) != second:
        raise CheckFailed("two loaders with seed=3 gave different batches")
