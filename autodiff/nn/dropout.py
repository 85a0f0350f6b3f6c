"""``Dropout``: in training each entry is zeroed with probability ``p`` and the others are
scaled by ``1/(1 − p)``; in evaluation (``model.eval()``) it is the identity. The masks come from
the one seeded generator (``autodiff.manual_seed``)."""

from __future__ import annotations

from typing import Any

from ..autograd import Tensor
from ..errors import InputError
from . import functional as F
from .module import Module


class Dropout(Module):
    """``torch.nn.Dropout(p=0.5)``: the gradient is the same mask, ``mask/(1 − p)``."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise InputError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p

    def forward(self, input: Any) -> Tensor:
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
