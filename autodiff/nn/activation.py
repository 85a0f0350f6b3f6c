"""Activation functions as modules: ``Sigmoid``, ``Tanh``, ``ReLU``, ``LeakyReLU``, ``ELU``,
``GELU``, ``SiLU``, ``Softplus``, ``Hardtanh``, ``Softmax``, ``LogSoftmax`` (``torch.nn``'s names).

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
from . import functional as F
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




# --- more activations, each the function of :mod:`autodiff.nn.functional` as a layer ---------
class LeakyReLU(Module):
    """``x`` for ``x > 0``, else ``negative_slope·x``."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, input: Any) -> Tensor:
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """``x`` for ``x > 0``, else ``α(eˣ − 1)``."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, input: Any) -> Tensor:
        return F.elu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """``x Φ(x)``, or its tanh approximation with ``approximate='tanh'``."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Any) -> Tensor:
        return F.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x σ(x)``."""

    def forward(self, input: Any) -> Tensor:
        return F.silu(input)


class Softplus(Module):
    """``log(1 + e^{βx})/β`` (``x`` beyond ``threshold``)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Any) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """``x`` clipped to ``[min_val, max_val]``."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        self.min_val, self.max_val = min_val, max_val

    def forward(self, input: Any) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"


class Softmax(Module):
    """``e^{x_i} / Σ_j e^{x_j}`` along ``dim``."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Any) -> Tensor:
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """``x_i − log Σ_j e^{x_j}`` along ``dim``."""

    def forward(self, input: Any) -> Tensor:
        return F.log_softmax(input, self.dim)


#: the one registry of activations by name: :class:`autodiff.nn.MLP`, ``autodiff train
#: --activation`` and the training recipes read it (a new activation: its module plus one entry)
ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "leaky_relu": LeakyReLU, "elu": ELU,
    "gelu": GELU, "silu": SiLU, "softplus": Softplus, "hardtanh": Hardtanh,
}
