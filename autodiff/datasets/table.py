"""A data set as the training loop sees it: a feature matrix, a target, and their names.

``Table`` is what every loader returns: the course's synthetic data (:mod:`.synthetic`), the
data shipped with the package and any CSV file (:mod:`.csvfile`). Rows are examples
``x_i ∈ ℝ^d``, ``y_i`` their target (a class 0, 1, …, K − 1 or a real number).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ..term import format_number

TASKS = ("classification", "regression")


@dataclass(frozen=True)
class Table:
    """``X`` (n × d, float64), ``y`` (n,), the column names, and where the data came from."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str
    task: str
    source: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, not {self.task!r}")
        if self.X.ndim != 2 or self.y.ndim != 1 or len(self.X) != len(self.y):
            raise ValueError(f"X must be n × d and y of length n: got {self.X.shape}, "
                             f"{self.y.shape}")
        if len(self.feature_names) != self.X.shape[1]:
            raise ValueError("one feature name per column of X")

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    def subset(self, rows: np.ndarray) -> Table:
        """The same table restricted to ``rows`` (indices), in that order."""
        return Table(self.X[rows], self.y[rows], self.feature_names, self.target_name,
                     self.task, self.source, dict(self.meta))

    def with_X(self, X: np.ndarray) -> Table:
        return Table(X, self.y, self.feature_names, self.target_name, self.task, self.source,
                     dict(self.meta))

    def summary(self) -> dict:
        """Size, names and, for classification, the count of each class."""
        out = {"source": self.source, "task": self.task, "n_samples": self.n_samples,
               "n_features": self.n_features, "features": list(self.feature_names),
               "target": self.target_name}
        if self.task == "classification":
            out["class_counts"] = {str(int(c)): int((self.y == c).sum())
                                   for c in range(max(n_classes(self.y), 2))}
        return out


def n_classes(y: np.ndarray) -> int:
    """K, the number of classes of a target holding 0, 1, …, K − 1 (the largest label + 1)."""
    return int(np.max(y)) + 1 if len(y) else 0


MAX_CLASSES = 100


def check_classification(table: Table) -> None:
    """A classification target holds the classes 0, 1, …, K − 1 (K ≥ 2: 0 and 1 for the
    lecture's binary case), each of them at least once.

    Raises :class:`InputError` for another value, for a class with no example, or for a
    single class (logistic regression cannot learn a boundary from one class: its loss is
    minimised by w → ∞).
    """
    values = np.unique(table.y)
    bad = [v for v in values if v != np.round(v) or v < 0 or v >= MAX_CLASSES]
    if bad:
        raise InputError(
            f"{table.source}: target column {table.target_name!r} must hold the classes 0 and 1 "
            f"(or 0, 1, …, K − 1 for K classes) for classification; found {format_number(bad[0])}"
            + (f" (and {len(bad) - 1} other value(s))" if len(bad) > 1 else ""))
    missing = sorted(set(range(n_classes(table.y))) - {int(v) for v in values})
    if missing and len(values) >= 2:
        raise InputError(
            f"{table.source}: target column {table.target_name!r} must hold the classes 0 and 1 "
            f"(or 0, 1, …, K − 1 for K classes); it holds "
            f"{', '.join(format_number(v) for v in values)}, no example of class {missing[0]}")
    if len(values) < 2:
        raise InputError(
            f"{table.source}: target column {table.target_name!r} holds a single class "
            f"({format_number(values[0]) if len(values) else 'none'}); a classifier needs examples "
            "of both 0 and 1")


