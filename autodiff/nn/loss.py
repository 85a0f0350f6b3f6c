"""The lecture's loss functions as modules: ``MSELoss``, ``BCELoss``, ``BCEWithLogitsLoss``.

``loss_fn(output, target)`` returns a tensor; ``loss.backward()`` differentiates it. Each
takes PyTorch's ``reduction`` (``"mean"`` default, ``"sum"``, ``"none"``) and checks, as PyTorch
does, that output and target have the same shape (and, for ``BCELoss``, that both lie in
``[0, 1]``). The formulas are in :mod:`autodiff.nn.functional`.

The slide's losses in these terms: MSE ``(1/N) Σ_i (y_i − μ_i)²`` is ``MSELoss()``; the
slide's BCE ``−Σ_i [y_i log μ_i + (1 − y_i) log(1 − μ_i)]`` is a *sum*,
``BCELoss(reduction="sum")``; ``BCELoss()`` is its mean.
"""

from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = F.check_reduction(reduction)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


def _weight(x: Any) -> Tensor | None:
    return x if x is None or isinstance(x, Tensor) else Tensor(x)


class MSELoss(_Loss):
    """Mean squared error ``ℓ_i = (x_i − y_i)²``: ``torch.nn.MSELoss(reduction="mean")``."""

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class BCELoss(_Loss):
    """Binary cross entropy of probabilities, ``ℓ_i = −w_i [y_i log p_i + (1 − y_i) log(1 − p_i)]``
    with each log clamped at −100: ``torch.nn.BCELoss(weight=None, reduction="mean")``.

    ``weight`` (optional) rescales each entry and broadcasts against the output.
    """

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = _weight(weight)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid and binary cross entropy in one stable step, from logits ``z``:
    ``torch.nn.BCEWithLogitsLoss(weight=None, reduction="mean", pos_weight=None)``.

    ``pos_weight`` (one entry per class, broadcast over the last axis) weighs the positive
    term: ``ℓ_i = −w_i [c y_i log σ(z_i) + (1 − y_i) log(1 − σ(z_i))]``.
    """

    def __init__(self, weight: Any = None, reduction: str = "mean",
                 pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.weight = _weight(weight)
        self.pos_weight = _weight(pos_weight)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class L1Loss(_Loss):
    """Mean absolute error ``ℓ_i = |x_i − y_i|``: ``torch.nn.L1Loss(reduction="mean")``."""

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """``ℓ_i = d²/2`` for ``|d| < δ``, else ``δ(|d| − δ/2)``:
    ``torch.nn.HuberLoss(reduction="mean", delta=1.0)``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        if delta <= 0:
            raise ValueError(f"huber_loss does not support non-positive values for delta, "
                             f"got {delta}")
        self.delta = delta

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities and class indices,
    ``ℓ_i = −w_{y_i} x_{i, y_i}``: ``torch.nn.NLLLoss(weight=None, ignore_index=-100,
    reduction="mean")``."""

    def __init__(self, weight: Any = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index = _weight(weight), ignore_index

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax and negative log-likelihood in one, from logits (the multi-class BCE):
    ``torch.nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction="mean",
    label_smoothing=0.0)``; the target holds class indices or probabilities."""

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index = _weight(weight), ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)
