"""The course's synthetic data: two Gaussians to classify, a noisy linear function to regress.

Both are drawn from ``numpy.random.default_rng(seed)``: the same seed gives the same data,
bit for bit, and no global random state is read or changed.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .table import Table


def _check_size(n_samples: int, n_features: int) -> None:
    if n_samples < 4:
        raise InputError(f"--n-samples must be at least 4, not {n_samples}")
    if n_features < 1:
        raise InputError(f"--n-features must be at least 1, not {n_features}")


def two_gaussians(n_samples: int = 1000, n_features: int = 2, separation: float = 3.5,
                  seed: int = 0) -> Table:
    """Two classes, ``x | y=0 ~ N(−m, I)`` and ``x | y=1 ~ N(+m, I)`` in ℝ^d, half each.

    ``m = (separation/2)·(1,…,1)/√d``, so the means are ``separation`` apart whatever ``d``
    is and the best linear boundary ``wᵀx = 0`` (``w ∥ m``) is right with probability
    ``Φ(separation/2)`` (0.96 for the default 3.5): the ceiling for a test accuracy.
    """
    _check_size(n_samples, n_features)
    rng = np.random.default_rng(seed)
    y = np.zeros(n_samples)
    y[n_samples // 2:] = 1.0
    y = y[rng.permutation(n_samples)]
    m = np.full(n_features, separation / 2 / np.sqrt(n_features))
    X = rng.standard_normal((n_samples, n_features)) + np.where(y[:, None] == 1.0, m, -m)
    names = tuple(f"x{j}" for j in range(1, n_features + 1))
    return Table(X, y, names, "y", "classification",
                 source=f"two-gaussians(n={n_samples}, d={n_features}, seed={seed})",
                 meta={"separation": separation, "bayes_accuracy": _phi(separation / 2)})


def noisy_linear(n_samples: int = 1000, n_features: int = 2, noise: float = 0.5,
                 seed: int = 0) -> Table:
    """``y = wᵀx + b + ε`` with ``x ~ N(0, I)``, ``ε ~ N(0, noise²)``, ``w, b ~ N(0, 1)``.

    The true ``w`` and ``b`` are kept in ``meta`` so a student can compare them with the
    learned weights; the best possible R² is ``|w|² / (|w|² + noise²)``.
    """
    _check_size(n_samples, n_features)
    if noise < 0:
        raise InputError(f"noise must be ≥ 0, not {noise}")
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(n_features)
    b = float(rng.standard_normal())
    X = rng.standard_normal((n_samples, n_features))
    y = X @ w + b + noise * rng.standard_normal(n_samples)
    names = tuple(f"x{j}" for j in range(1, n_features + 1))
    return Table(X, y, names, "y", "regression",
                 source=f"noisy-linear(n={n_samples}, d={n_features}, seed={seed})",
                 meta={"true_weight": w.tolist(), "true_bias": b, "noise": noise})


def _phi(z: float) -> float:
    """The standard normal distribution function Φ(z)."""
    from math import erf, sqrt
    return 0.5 * (1.0 + erf(z / sqrt(2.0)))
