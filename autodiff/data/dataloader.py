"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches, collated into Tensors.

The lecture's three gradient-descent variants are one loop with three batch sizes::

    DataLoader(ds, batch_size=len(ds))             # batch gradient descent (N)
    DataLoader(ds, batch_size=1, shuffle=True)     # stochastic gradient descent (1)
    DataLoader(ds, batch_size=64, shuffle=True)    # mini-batch SGD (B)

One pass over the loader is an epoch: ⌈N/B⌉ batches (⌊N/B⌋ with ``drop_last``). With
``shuffle`` every epoch draws a new permutation from ``generator`` (a seeded
``numpy.random.Generator``, or an int seed), so a run is reproducible and epochs differ.
Without a generator the permutations come from the global generator
(:mod:`autodiff.autograd.random`, reseeded by ``autodiff.manual_seed``), as PyTorch draws from
its global state. ``num_workers`` is not supported: batches are made in the calling process.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..autograd import Tensor, random
from ..errors import InputError
from .dataset import Dataset, TensorDataset


def _tensor(array: np.ndarray) -> Tensor:
    return Tensor(array, dtype=array.dtype)  # keep int64 and bool (Tensor makes ints float)


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of examples into one batch, field by field.

    Arrays and Tensors of one shape → a Tensor with a new first axis; Python floats → a float64
    Tensor, ints → int64, bools → bool; tuples and lists → a list of collated fields (PyTorch
    returns lists for tuples too); dicts → a dict; strings → the list.
    """
    first = batch[0]
    if isinstance(first, Tensor):
        return _tensor(np.stack([b.data for b in batch]))
    if isinstance(first, np.ndarray | np.generic):
        return _tensor(np.stack(batch))
    if isinstance(first, bool):
        return _tensor(np.array(batch, dtype=bool))
    if isinstance(first, numbers.Integral):
        return _tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, numbers.Real):
        return _tensor(np.array(batch, dtype=np.float64))
    if isinstance(first, str | bytes):
        return list(batch)
    if isinstance(first, Mapping):
        return {key: default_collate([b[key] for b in batch]) for key in first}
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # namedtuple
        return type(first)(*(default_collate(f) for f in zip(*batch, strict=True)))
    if isinstance(first, Sequence):
        if any(len(b) != len(first) for b in batch):
            raise InputError("each element in list of batch should be of equal size")
        return [default_collate(list(f)) for f in zip(*batch, strict=True)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(first).__name__}")


class DataLoader:
    """``DataLoader(dataset, batch_size=1, shuffle=False, sampler=None, collate_fn=None,
    drop_last=False, generator=None)``: PyTorch's names and defaults.

    ``sampler`` is any iterable of indices (exclusive with ``shuffle``).
    """

    def __init__(self, dataset: Dataset, batch_size: int = 1, shuffle: bool = False,
                 sampler: Iterable[int] | None = None,
                 collate_fn: Callable[[list[Any]], Any] | None = None, drop_last: bool = False,
                 generator: np.random.Generator | int | None = None) -> None:
        if (not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool)
                or batch_size <= 0):
            raise InputError("batch_size should be a positive integer value, "
                             f"but got batch_size={batch_size}")
        if sampler is not None and shuffle:
            raise InputError("sampler option is mutually exclusive with shuffle")
        self.dataset, self.batch_size, self.shuffle = dataset, int(batch_size), shuffle
        self.sampler, self.drop_last = sampler, drop_last
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        self.generator = (generator if isinstance(generator, np.random.Generator)
                          else None if generator is None else np.random.default_rng(generator))

    def _indices(self) -> np.ndarray | list[Any]:
        """The order of this epoch: an array of positions, or the sampler's indices."""
        if self.sampler is not None:
            return list(self.sampler)
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        return random.generator(self.generator).permutation(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._indices()
        stop = len(order) - len(order) % self.batch_size if self.drop_last else len(order)
        fast = isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate
        if not fast and isinstance(order, np.ndarray):
            order = order.tolist()  # a dataset of our own gets Python ints
        for start in range(0, stop, self.batch_size):
            indices = order[start:start + self.batch_size]
            if fast:  # a slice of the positions: one fancy index per array, no list of ints
                yield list(self.dataset.__getitems__(indices))
            else:
                yield self.collate_fn([self.dataset[i] for i in indices])

    def __len__(self) -> int:
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
