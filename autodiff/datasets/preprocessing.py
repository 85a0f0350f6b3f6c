"""A seeded train/test split and standardization fitted on the training rows only.

Standardization maps each feature to ``(x − μ_j)/σ_j`` with ``μ_j, σ_j`` the mean and the
(population) standard deviation of column ``j`` over the **training** rows; the test rows and
any later data are mapped with the same ``μ, σ``, so nothing about them leaks into training.
A constant column has ``σ_j = 0`` and is only centred (``σ_j`` is taken as 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .table import Table, check_classification


def train_test_split(table: Table, test_size: float = 0.2, seed: int | tuple[int, ...] = 0
                     ) -> tuple[Table, Table | None]:
    """Shuffle the rows with ``default_rng(seed)`` and keep ``round(test_size·n)`` for testing.

    ``test_size = 0`` keeps every row for training (the test part is ``None``). For
    classification both classes must remain in the training part.
    """
    if not 0.0 <= test_size < 1.0:
        raise InputError(f"--test-size must be in [0, 1), not {test_size}")
    n = table.n_samples
    n_test = int(round(test_size * n))
    if n - n_test < 2:
        raise InputError(f"{table.source}: {n} rows leave fewer than 2 for training "
                         f"with --test-size {test_size}")
    order = np.random.default_rng(seed).permutation(n)
    train = table.subset(order[n_test:])
    if table.task == "classification":
        check_classification(train)
    return train, (table.subset(order[:n_test]) if n_test else None)


@dataclass(frozen=True)
class Standardizer:
    """``z = (x − mean)/scale`` per column, with ``mean``/``scale`` fitted on training rows."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray, names: list[str] | tuple[str, ...] | None = None) -> Standardizer:
        """The mean and standard deviation of each column of ``X`` (a column with none: 1).

        Values near the largest float (1e308) overflow when squared for the variance: that is
        an :class:`InputError` naming the column (from ``names``), not a training that later
        diverges for no visible reason."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X[:, None]
        with np.errstate(over="ignore", invalid="ignore"):
            scale = X.std(axis=0)
            mean = X.mean(axis=0)
        bad = ~(np.isfinite(scale) & np.isfinite(mean))
        if bad.any():
            k = int(np.argmax(bad))
            column = names[k] if names is not None and k < len(names) else f"column {k + 1}"
            peak = float(np.max(np.abs(X[:, k])))
            raise InputError(f"{column}: values up to {peak:.3g} overflow when standardized "
                             "(their squares exceed the largest float, 1.8e308); rescale the "
                             "column, e.g. divide it by a power of ten")
        return cls(mean, np.where(scale > 0, scale, 1.0))

    @classmethod
    def identity(cls, d: int) -> Standardizer:
        return cls(np.zeros(d), np.ones(d))

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=np.float64) - self.mean) / self.scale

    def inverse(self, Z: np.ndarray) -> np.ndarray:
        return np.asarray(Z, dtype=np.float64) * self.scale + self.mean

    def to_json(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_json(cls, obj: dict) -> Standardizer:
        return cls(np.asarray(obj["mean"], dtype=np.float64),
                   np.asarray(obj["scale"], dtype=np.float64))
