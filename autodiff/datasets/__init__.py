"""Data for the training loop: the course's synthetic sets, shipped real data, any CSV file.

Every loader returns a :class:`Table` (``X``, ``y``, names, task). :func:`train_test_split`
and :class:`Standardizer` prepare it; ``autodiff.data`` (Dataset, DataLoader) then batches it.

>>> from autodiff.datasets import two_gaussians, train_test_split, Standardizer
>>> train, test = train_test_split(two_gaussians(200, 2, seed=1), test_size=0.25, seed=1)
>>> scaler = Standardizer.fit(train.X)
>>> scaler.transform(train.X).mean(axis=0).round(12).tolist()
[0.0, 0.0]
"""

from .csvfile import read_csv, read_matrix
from .preprocessing import Standardizer, train_test_split
from .shipped import SHIPPED, load, load_breast_cancer, load_diabetes, load_iris
from .synthetic import noisy_linear, two_gaussians
from .table import Table, check_classification, n_classes

__all__ = [
    "SHIPPED", "Standardizer", "Table", "check_classification", "load", "load_breast_cancer",
    "load_diabetes", "load_iris", "n_classes", "noisy_linear", "read_csv", "read_matrix",
    "train_test_split", "two_gaussians",
]
