"""Parameter initialization, with ``torch.nn.init``'s names, fan computations and gains.

Every function fills its argument in place (a :class:`~autodiff.Tensor`'s ``.data`` or a numpy
array) and returns it. Random draws come from ``generator`` (a ``numpy.random.Generator``) or,
when it is None, from ``default_generator``, the one global generator of
:mod:`autodiff.autograd.random` (also Dropout's and a shuffled DataLoader's), seeded with 0 when
autodiff is imported, so a script initializes the same weights on every run;
:func:`manual_seed` (= ``autodiff.manual_seed``) reseeds it. (PyTorch's numbers differ: its
generator is not numpy's.)

The lecture's two recipes are ``uniform_(w, -ε, ε)`` and ``normal_(w, 0, ε)``. The scaled ones:

* ``xavier_uniform_``: U(−a, a), a = gain·√(6/(fan_in + fan_out));
  ``xavier_normal_``: N(0, σ²), σ = gain·√(2/(fan_in + fan_out));
* ``kaiming_uniform_``: U(−b, b), b = gain·√(3/fan); ``kaiming_normal_``: σ = gain/√fan,
  with fan = fan_in (default) or fan_out and gain = ``calculate_gain(nonlinearity, a)``.

For a weight of shape (out, in, k₁, …): fan_in = in·k₁⋯, fan_out = out·k₁⋯.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, TypeVar

import numpy as np

from ..autograd import Tensor
from ..autograd.random import default_generator, manual_seed  # noqa: F401 (torch's names here)
from ..errors import InputError

T = TypeVar("T", Tensor, np.ndarray)



def _array(tensor: Tensor | np.ndarray) -> np.ndarray:
    return tensor.data if isinstance(tensor, Tensor) else tensor


def _fill(tensor: T, values: Any) -> T:
    _array(tensor)[...] = values
    return tensor


def _rng(generator: np.random.Generator | None) -> np.random.Generator:
    return default_generator if generator is None else generator


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain: 1 (linear, conv, sigmoid), 5/3 (tanh), √2 (relu),
    √(2/(1 + slope²)) (leaky_relu, slope 0.01 by default), 3/4 (selu)."""
    linear = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d"]
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, int | float) and not isinstance(param, bool):
            slope = param
        else:
            raise InputError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise InputError(f"Unsupported nonlinearity {nonlinearity}")


def calculate_fan_in_and_fan_out(tensor: Tensor | np.ndarray) -> tuple[int, int]:
    """(fan_in, fan_out) = (shape[1]·receptive field, shape[0]·receptive field)."""
    shape = _array(tensor).shape
    if len(shape) < 2:
        raise InputError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out  # PyTorch's (private) name


def _fan(tensor: Tensor | np.ndarray, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise InputError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: T, a: float = 0.0, b: float = 1.0,
             generator: np.random.Generator | None = None) -> T:
    """Fill with draws from U(a, b)."""
    return _fill(tensor, _rng(generator).uniform(a, b, size=_array(tensor).shape))


def normal_(tensor: T, mean: float = 0.0, std: float = 1.0,
            generator: np.random.Generator | None = None) -> T:
    """Fill with draws from N(mean, std²)."""
    return _fill(tensor, _rng(generator).normal(mean, std, size=_array(tensor).shape))


def constant_(tensor: T, val: float) -> T:
    """Fill with ``val``."""
    return _fill(tensor, val)


def ones_(tensor: T) -> T:
    """Fill with 1."""
    return _fill(tensor, 1.0)


def zeros_(tensor: T) -> T:
    """Fill with 0."""
    return _fill(tensor, 0.0)


def xavier_uniform_(tensor: T, gain: float = 1.0,
                    generator: np.random.Generator | None = None) -> T:
    """Glorot & Bengio (2010): U(−a, a) with a = gain·√(6/(fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: T, gain: float = 1.0,
                   generator: np.random.Generator | None = None) -> T:
    """Glorot & Bengio (2010): N(0, σ²) with σ = gain·√(2/(fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor | np.ndarray, a: float, mode: str, nonlinearity: str) -> float:
    return calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))


def kaiming_uniform_(tensor: T, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu",
                     generator: np.random.Generator | None = None) -> T:
    """He et al. (2015): U(−b, b) with b = √3·gain/√fan (``a`` is leaky_relu's slope)."""
    if 0 in _array(tensor).shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: T, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu",
                    generator: np.random.Generator | None = None) -> T:
    """He et al. (2015): N(0, σ²) with σ = gain/√fan."""
    if 0 in _array(tensor).shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)
