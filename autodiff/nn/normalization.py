"""``BatchNorm1d`` and ``LayerNorm``: the lecture's two normalizations, with PyTorch's options.

Both are written with tensor operations (mean, subtract, square, square root, divide), so
their backward pass is the registry's rules applied by the reverse sweep, not a hand-written
formula; ``tests/test_normalization.py`` checks forward and backward against PyTorch.

* **Batch normalization** normalizes each feature over the mini-batch (axis 0 of ``(N, C)``,
  axes 0 and 2 of ``(N, C, L)``).
* **Layer normalization** normalizes each example over its trailing ``normalized_shape``
  axes. The slide's variance ``σ_n² = (1/M) Σ_i (a_ni − μ_i)²`` should read ``μ_n``, and its
  ``γ_n, β_n`` are per feature (``γ_i, β_i``), as here and in ``torch.nn.LayerNorm``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.tensor import side_effect
from ..errors import InputError
from . import functional as F
from .module import Module, Parameter


class BatchNorm1d(Module):
    """``torch.nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True,
    track_running_stats=True)``.

    Training: normalize with the batch mean and (biased) variance, and update
    ``running_mean``/``running_var`` with ``momentum`` using the *unbiased* batch variance
    (``momentum=None``: cumulative average over ``num_batches_tracked`` batches). Evaluation
    (``eval()``): normalize with the running statistics; without ``track_running_stats``
    the batch statistics are used in both modes. ``affine`` adds ``γ`` (``weight``, ones) and
    ``β`` (``bias``, zeros), one per feature.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if not isinstance(num_features, int | np.integer) or num_features <= 0:
            raise InputError(f"BatchNorm1d: num_features must be a positive integer, "
                             f"got {num_features!r}")
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = np.float64 if dtype is None else dtype
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean[...] = 0
            self.running_var[...] = 1
            self.num_batches_tracked[...] = 0

    def forward(self, input: Any) -> Tensor:
        shape = input.data.shape if isinstance(input, Tensor) else np.shape(input)
        if len(shape) not in (2, 3):
            raise InputError(f"expected 2D or 3D input (got {len(shape)}D input)")
        if shape[1] != self.num_features:
            raise InputError(f"BatchNorm1d({self.num_features}) expects input of shape "
                             f"(N, {self.num_features}) or (N, {self.num_features}, L), "
                             f"got {shape}")
        use_batch = self.training or not self.track_running_stats
        if self.training and self.track_running_stats:
            side_effect(F.count_batch, self.num_batches_tracked)
        return F.batch_norm(input, self.running_mean if self.track_running_stats else None,
                            self.running_var if self.track_running_stats else None,
                            self.weight, self.bias, use_batch, self.momentum, self.eps,
                            self.num_batches_tracked if self.track_running_stats else 0)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class LayerNorm(Module):
    """``torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)``.

    Each example is normalized over its last ``len(normalized_shape)`` axes; ``weight``
    (``γ``, ones) and ``bias`` (``β``, zeros) have shape ``normalized_shape``: one per feature.
    """

    def __init__(self, normalized_shape: int | tuple[int, ...] | list[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, int | np.integer):
            normalized_shape = (int(normalized_shape),)
        self.normalized_shape = tuple(int(n) for n in normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = np.float64 if dtype is None else dtype
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Any) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
