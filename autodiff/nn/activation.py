"""Activation functions as modules: ``Sigmoid``, ``Tanh``, ``ReLU`` (``torch.nn``'s names).

Each is a layer without parameters that applies the registry's primitive elementwise, so its
derivative is the registry's rule: ``σ'(z) = σ(z)(1 − σ(z))``, ``tanh'(z) = 1 − tanh²(z)``,
``relu'(z) = H(z)`` with ``relu'(0) = 0`` (PyTorch's convention).

>>> from autodiff import Tensor
>>> Sigmoid()(Tensor([0.0, 2.0])).data.round(4)
array([0.5   , 0.8808])
"""

from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from .module import Module


class Sigmoid(Module):
    """``σ(z) = 1/(1 + e^{−z})`` elementwise, computed stably for large ``|z|``."""

    def forward(self, input: Any) -> Tensor:
        return (input if isinstance(input, Tensor) else Tensor(input)).sigmoid()


class Tanh(Module):
    """``tanh(z)`` elementwise."""

    def forward(self, input: Any) -> Tensor:
        return (input if isinstance(input, Tensor) else Tensor(input)).tanh()


class ReLU(Module):
    """``max(z, 0)`` elementwise."""

    def forward(self, input: Any) -> Tensor:
        return (input if isinstance(input, Tensor) else Tensor(input)).relu()


#: the one registry of activations by name: :class:`autodiff.nn.MLP`, ``autodiff train
#: --activation`` and the training recipes read it (a new activation: its module plus one entry)
ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
