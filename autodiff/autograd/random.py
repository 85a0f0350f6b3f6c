"""The one seeded random generator: ``manual_seed``, ``rand``, ``randn``, ``randint``.

Parameter initialization (:mod:`autodiff.nn.init`), ``nn.Dropout`` masks and the order of a
shuffled ``DataLoader`` without its own generator all draw from :data:`default_generator`, a
``numpy.random.Generator`` seeded with 0 when autodiff is imported, so a script gives the same
numbers on every run; :func:`manual_seed` reseeds it in place (as ``torch.manual_seed``).
The numbers are numpy's, not PyTorch's: only their reproducibility matches.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError


def __getattr__(name: str) -> Any:
    """:data:`default_generator` is made on first use (``numpy.random`` is not imported with
    autodiff, which keeps ``autodiff trace`` quick to start)."""
    if name == "default_generator":
        globals()[name] = np.random.default_rng(0)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed :data:`default_generator` (every later draw without an explicit generator)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(f"manual_seed: the seed must be an integer, got {seed!r}")
    gen = generator()
    gen.bit_generator.state = np.random.default_rng(int(seed)).bit_generator.state
    return gen


def generator(gen: np.random.Generator | None = None) -> np.random.Generator:
    """``gen``, or the global generator when it is None."""
    if gen is not None:
        return gen
    return globals().get("default_generator") or __getattr__("default_generator")


def shape_of(size: tuple[Any, ...]) -> tuple[int, ...]:
    """PyTorch's size arguments: ``f(2, 3)`` or ``f((2, 3))``."""
    if len(size) == 1 and isinstance(size[0], tuple | list):
        size = tuple(size[0])
    for n in size:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise InputError(f"size: expected non-negative integers, got {size!r}")
    return tuple(int(n) for n in size)
