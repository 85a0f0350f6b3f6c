"""``Linear`` (a fully connected layer) and ``Sequential`` (layers applied in order).

``Linear(in_features, out_features)`` computes the pre-activations of the lecture's
forward propagation for a mini-batch at once: ``a_j = Σ_i w_ji z_i + b_j``, i.e.
``A = Z Wᵀ + b`` with ``W`` of shape ``(out_features, in_features)`` as in PyTorch.
Its initialization is PyTorch's: ``W ~ kaiming_uniform_(a=√5)``, which is U(−1/√in, 1/√in),
and ``b ~ U(−1/√in, 1/√in)``. Draws come from ``autodiff.nn.init``'s generator (or the
``generator`` given), so the numbers differ from PyTorch's but not their distribution.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..errors import InputError
from . import init
from .functional import linear
from .module import Module, Parameter


class Linear(Module):
    """``y = x Wᵀ + b``: ``torch.nn.Linear(in_features, out_features, bias=True)``.

    >>> layer = Linear(3, 1)
    >>> [tuple(p.shape) for p in layer.parameters()]
    [(1, 3), (1,)]
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None, *,
                 generator: np.random.Generator | None = None) -> None:
        super().__init__()
        for name, n in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 0:
                raise InputError(f"Linear: {name} must be a non-negative integer, got {n!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        dtype = np.float64 if dtype is None else dtype
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        """PyTorch's default: ``kaiming_uniform_(W, a=√5)``; ``b ~ U(−1/√in, 1/√in)``."""
        if self.in_features == 0 or self.out_features == 0:
            init.zeros_(self.weight)
        else:
            init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, input: Any) -> Tensor:
        params = self._parameters  # a plain attribute: skips Module.__getattr__ on the hot path
        return linear(input, params["weight"], params.get("bias"))

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(3, 1), Sigmoid())``.

    The children are named ``"0"``, ``"1"``, … (or by the keys of an ``OrderedDict``), so a
    state dict reads ``"0.weight"``, as in PyTorch.
    """

    def __init__(self, *args: Module) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for k, module in enumerate(args):
                self.add_module(str(k), module)

    def add_module(self, name: str, module: Module | None) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        super().add_module(name, module)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end."""
        self.add_module(str(len(self._modules)), module)
        return self

    def forward(self, input: Any) -> Any:
        for layer in self._modules.values():
            input = layer(input)
        return input

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._modules.values()))

    def __getitem__(self, index: int | slice) -> Module:
        layers = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(layers[index]))
        try:
            return layers[index][1]
        except (IndexError, TypeError):
            raise IndexError(f"index {index} is out of range") from None
