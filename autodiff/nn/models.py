"""The lecture's models: ``LinearRegression``, ``LogisticRegression`` and a small ``MLP``.

=================== ============================== ===========================
model               prediction ``μ``               loss (slide)
=================== ============================== ===========================
LinearRegression    ``μ = wᵀx + b``                 MSE, ``nn.MSELoss()``
LogisticRegression  ``μ = σ(wᵀx + b)``              BCE, ``nn.BCELoss()``
MLP                 ``Linear → h → … → Linear``    either, by the task
=================== ============================== ===========================

The slides fold the bias into ``w`` ("incorporated into the feature vector"); these models keep
it as ``linear.bias``, as the lecture's PyTorch code does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..autograd import Tensor
from ..errors import InputError
from .activation import ACTIVATIONS
from .linear import Linear, Sequential
from .module import Module


class LinearRegression(Module):
    """``μ = wᵀx + b``: a single linear unit (``self.linear = nn.Linear(num_features, 1)``)."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.linear = Linear(num_features, 1)

    def forward(self, x: Any) -> Tensor:
        return self.linear(x)


class LogisticRegression(Module):
    """``μ = Pr[y=1 | x] = σ(wᵀx + b)``, as the lecture's training-loop code defines it."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.linear = Linear(num_features, 1)

    def forward(self, x: Any) -> Tensor:
        return self.linear(x).sigmoid()


def _activation(activation: str | type[Module] | Module) -> type[Module] | Module:
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation.lower()]
        except KeyError:
            raise InputError(f"MLP: unknown activation {activation!r}; choose one of "
                             f"{', '.join(ACTIVATIONS)}") from None
    return activation


class MLP(Module):
    """A multi-layer perceptron: ``Linear(in, h₁) → act → … → Linear(h_k, out)``.

    The output is the last layer's pre-activation (a logit for ``BCEWithLogitsLoss``, a
    prediction for ``MSELoss``); ``output_activation`` (e.g. ``"sigmoid"`` for ``BCELoss``)
    adds one more activation at the end.

    Args:
        in_features: the input dimension ``d``.
        hidden: the widths of the hidden layers, e.g. ``(16, 16)``; ``()`` is a linear model.
        out_features: the output dimension.
        activation: ``"relu"`` (default), ``"tanh"``, ``"sigmoid"`` or a module class.
        output_activation: as ``activation``, or None.

    >>> MLP(2, hidden=(8,), out_features=1)
    MLP(
      (layers): Sequential(
        (0): Linear(in_features=2, out_features=8, bias=True)
        (1): ReLU()
        (2): Linear(in_features=8, out_features=1, bias=True)
      )
    )
    """

    def __init__(self, in_features: int, hidden: Sequence[int] = (16,), out_features: int = 1,
                 activation: str | type[Module] = "relu",
                 output_activation: str | type[Module] | None = None) -> None:
        super().__init__()
        act = _activation(activation)
        widths = [in_features, *hidden, out_features]
        layers: list[Module] = []
        for k, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            layers.append(Linear(n_in, n_out))
            if k < len(widths) - 2:
                layers.append(act() if isinstance(act, type) else act)
        if output_activation is not None:
            out = _activation(output_activation)
            layers.append(out() if isinstance(out, type) else out)
        self.layers = Sequential(*layers)

    def forward(self, x: Any) -> Tensor:
        return self.layers(x)
