"""Datasets: indexable collections of examples ``(x_i, y_i)``, as ``torch.utils.data``.

A :class:`Dataset` defines ``__len__`` and ``__getitem__(i)``; the lecture's ``SampleDataset``
subclasses it. :class:`TensorDataset` wraps arrays that share their first dimension;
:func:`random_split` partitions a dataset into non-overlapping :class:`Subset`\\ s (e.g. train
and test), with a seeded ``numpy.random.Generator`` for a reproducible split.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..errors import InputError


class Dataset:
    """An indexable collection of examples: subclasses define ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __len__(self) -> int:
        raise NotImplementedError("Subclasses of Dataset should implement __len__.")


class TensorDataset(Dataset):
    """Example i is ``(a[i] for a in arrays)``: rows of tensors (or arrays) of equal length.

    ``TensorDataset(X, y)[i]`` is ``(Tensor(X[i]), Tensor(y[i]))``. The rows are taken from the
    arrays' ``.data`` and never join a graph.
    """

    def __init__(self, *tensors: Tensor | np.ndarray) -> None:
        arrays = [t.data if isinstance(t, Tensor) else np.asarray(t) for t in tensors]
        if not arrays or any(a.ndim == 0 for a in arrays):
            raise InputError("TensorDataset needs at least one tensor with a first dimension")
        if any(len(a) != len(arrays[0]) for a in arrays):
            raise InputError("Size mismatch between tensors: first dimensions "
                             + ", ".join(str(len(a)) for a in arrays))
        self.tensors = tuple(arrays)

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(Tensor(a[index], dtype=a.dtype) for a in self.tensors)

    def __getitems__(self, indices: Sequence[int]) -> tuple[Tensor, ...]:
        """A whole batch at once, already collated: one fancy index per array."""
        index = np.asarray(indices, dtype=np.intp)
        return tuple(Tensor(a[index], dtype=a.dtype) for a in self.tensors)

    def __len__(self) -> int:
        return len(self.tensors[0])


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset, lengths: Sequence[int | float],
                 generator: np.random.Generator | int | None = None) -> list[Subset]:
    """Split ``dataset`` into random non-overlapping subsets of the given ``lengths``.

    ``lengths`` are counts summing to ``len(dataset)``, or fractions summing to 1 (each
    floor(n·f), the remainder handed out one by one from the first subset on), as in PyTorch.
    """
    n = len(dataset)
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise InputError(f"Fraction at index {i} is not between 0 and 1")
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"Length of split at index {i} is 0. "
                              "This might result in an empty dataset.", stacklevel=2)
    else:
        counts = [int(c) for c in lengths]
        if any(c != length or c < 0 for c, length in zip(counts, lengths, strict=True)):
            raise InputError(f"random_split lengths must be non-negative integers or fractions "
                             f"summing to 1, got {list(lengths)}")
    if sum(counts) != n:
        raise InputError("Sum of input lengths does not equal the length of the input dataset!")
    order = np.random.default_rng(generator).permutation(n).tolist()
    bounds = np.cumsum([0, *counts]).tolist()
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
