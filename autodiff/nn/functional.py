"""The functional forms of the layers and losses (``torch.nn.functional``'s names).

Each function is a few tensor operations; their derivatives come from the registry's rules
(``sigmoid``, ``bce``, ``bce_logits``, …) and from :mod:`autodiff.autograd.ops`, so ``backward``
needs nothing written here. The modules of :mod:`autodiff.nn` call these.

Losses follow ``torch.nn``'s definitions and checks: ``reduction`` is ``"mean"`` (default),
``"sum"`` or ``"none"``; the output and the target must have the same shape. Where PyTorch
only warns (``mse_loss`` with shapes that broadcast, e.g. ``(N, 1)`` against ``(N,)``, which
silently gives an ``N × N`` loss), we raise :class:`~autodiff.errors.InputError` with PyTorch's
words; shapes are written as numpy tuples, ``(3, 1)``, where PyTorch writes ``torch.Size([3, 1])``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import primitives as P
from ..autograd import Tensor, ops
from ..autograd import binary_cross_entropy_with_logits as _bce_logits
from ..autograd.tensor import elementwise, side_effect, structural
from ..errors import InputError

REDUCTIONS = ("mean", "sum", "none")


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _shape(x: Any) -> tuple[int, ...]:
    return x.data.shape if isinstance(x, Tensor) else np.shape(x)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":  # loss.mean(), without its argument handling
        return structural(ops.mean, (loss, None, False))
    if reduction == "sum":
        return loss.sum()
    return loss


def check_reduction(reduction: str) -> str:
    """PyTorch's ``ValueError`` for anything but ``"mean"``, ``"sum"``, ``"none"``."""
    if reduction not in REDUCTIONS:
        raise InputError(f"{reduction} is not a valid value for reduction")
    return reduction


def _same_shape(input: Any, target: Any, message: str) -> None:
    si, st = _shape(input), _shape(target)
    if si != st:
        raise InputError(message.format(target=st, input=si))


def _in_unit_interval(x: Any) -> bool:
    """Whether every entry lies in ``[0, 1]`` (nan does not).

    Read as unsigned integers, the bit patterns of the floats ``+0.0 ≤ v ≤ 1.0`` are exactly
    those not above the pattern of ``1.0``: a negative number (sign bit), inf and nan are
    larger. So one reduction answers yes for a float array; a no is checked again with two
    (``-0.0``, whose pattern is large, lies in ``[0, 1]``)."""
    a = x.data if isinstance(x, Tensor) else np.asarray(x)
    if a.size == 0:
        return True
    bits = _BITS.get(a.dtype)
    if bits is not None and _MAX(a.view(bits[0]), None) <= bits[1]:
        return True
    return bool(_MIN(a, None) >= 0.0 and _MAX(a, None) <= 1.0)  # nan fails both


_MIN, _MAX = np.minimum.reduce, np.maximum.reduce
_BITS = {np.dtype(np.float64): (np.dtype(np.uint64), np.uint64(0x3FF0000000000000)),
         np.dtype(np.float32): (np.dtype(np.uint32), np.uint32(0x3F800000))}


def _check_probabilities(input: Any) -> None:
    if not _in_unit_interval(input):
        raise InputError("all elements of input should be between 0 and 1")


def _check_bce_target(target: Any, input: Any) -> None:
    """PyTorch's checks of a BCE target (the input named first when both are wrong)."""
    if not _in_unit_interval(target):
        _check_probabilities(input)
        raise InputError("all elements of target should be between 0 and 1")


def _check_bce_loss(loss: Any, input: Any) -> None:
    """A probability outside [0, 1] (or nan) makes its log, so the reduced loss, nan: one
    comparison of the result instead of two reductions of the input on every call."""
    if loss != loss:
        _check_probabilities(input)


# --- layers ---------------------------------------------------------------------------------
def linear(input: Any, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y = x Wᵀ + b`` with ``W`` of shape ``(out_features, in_features)``, as ``F.linear``."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    si, sw = x.data.shape, weight.data.shape
    if not si or si[-1] != sw[-1]:
        rows = int(np.prod(si[:-1])) if len(si) > 1 else 1
        raise InputError(f"mat1 and mat2 shapes cannot be multiplied "
                         f"({rows}x{si[-1] if si else 0} and {sw[-1]}x{sw[0]})")
    if len(sw) == 2:  # one recorded step, ``linear``, with its own vjp
        return structural(ops.linear, (x, weight) if bias is None else (x, weight, bias))
    out = x @ weight.T
    return out if bias is None else out + bias


def sigmoid(input: Any) -> Tensor:
    """``σ(z) = 1/(1 + e^{−z})`` elementwise (the slide's ``1/(1 − e^{−z})`` is a typo)."""
    return _tensor(input).sigmoid()


def tanh(input: Any) -> Tensor:
    """``tanh(z)`` elementwise."""
    return _tensor(input).tanh()


def relu(input: Any) -> Tensor:
    """``max(z, 0)`` elementwise; ``relu'(0) = 0`` as in PyTorch."""
    return _tensor(input).relu()


# --- losses ---------------------------------------------------------------------------------
def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """``ℓ_i = (x_i − y_i)²``, reduced: the slide's ``L = (1/N) Σ_i (y_i − μ_i)²`` by default."""
    check_reduction(reduction)
    _same_shape(input, target, "Using a target size ({target}) that is different to the input "
                "size ({input}). This will likely lead to incorrect results due to "
                "broadcasting. Please ensure they have the same size.")
    d = _tensor(input) - target
    return _reduce(d * d, reduction)


def binary_cross_entropy(input: Any, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:
    """``ℓ_i = −w_i [y_i log p_i + (1 − y_i) log(1 − p_i)]``, each log clamped at −100.

    The clamp is PyTorch's: a probability of exactly 0 or 1 gives a loss of at most 100 per
    entry instead of ``inf``. Probabilities and labels must lie in ``[0, 1]``.
    """
    check_reduction(reduction)
    _same_shape(input, target, "Using a target size ({target}) that is different to the input "
                "size ({input}) is deprecated. Please ensure they have the same size.")
    # the value checks are side effects: a compiled step (autodiff.compile_step) runs them too
    side_effect(_check_bce_target, target, input)
    if reduction == "none":
        side_effect(_check_probabilities, input)
    loss = elementwise(P.bce, (_tensor(input), target))  # the registry's bce
    if weight is not None:
        loss = loss * weight
    out = _reduce(loss, reduction)
    if reduction != "none":
        side_effect(_check_bce_loss, out, input)
    return out


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,
                                     reduction: str = "mean", pos_weight: Any = None) -> Tensor:
    """BCE of ``p = σ(z)`` computed from the logit ``z``, stable for any ``|z|``::

        ℓ_i = −w_i [c y_i log σ(z_i) + (1 − y_i) log(1 − σ(z_i))]
            = w_i [(1 − y_i) z_i + (1 + (c − 1) y_i) softplus(−z_i)]

    with ``c`` = ``pos_weight`` (per class, broadcast over the last axis). Its gradient is
    ``∂ℓ/∂z = σ(z) − y`` without ``pos_weight``: no ``exp`` overflows, no ``log(0)``.
    """
    check_reduction(reduction)
    _same_shape(input, target, "Target size ({target}) must be the same as input size ({input})")
    z = _tensor(input)
    loss = _bce_logits(z, target)
    if pos_weight is not None:  # −(c − 1)·y·log σ(z), added to softplus(z) − y·z
        loss = loss - ((_tensor(pos_weight) - 1.0) * target) * z.logsigmoid()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# --- normalizations -------------------------------------------------------------------------
def batch_norm(input: Any, running_mean: np.ndarray | None, running_var: np.ndarray | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float | None = 0.1, eps: float = 1e-5,
               num_batches_tracked: int = 0) -> Tensor:
    """Batch normalization over the batch axis (and the length axis of ``(N, C, L)`` input).

    For feature ``i`` of a mini-batch of ``B`` examples (the lecture's notation)::

        μ_i = (1/B) Σ_n a_ni,   σ_i² = (1/B) Σ_n (a_ni − μ_i)²
        â_ni = (a_ni − μ_i) / √(σ_i² + ε),   ã_ni = γ_i â_ni + β_i

    In training the batch statistics normalize, and the running statistics (numpy arrays,
    updated in place) move towards them: ``r ← (1 − m) r + m s`` with ``s`` the batch mean and
    the *unbiased* batch variance ``B/(B − 1) σ_i²``, as PyTorch keeps it; ``momentum=None``
    takes the cumulative average ``m = 1/num_batches_tracked``. Otherwise (evaluation) the
    running statistics normalize.
    """
    x = _tensor(input)
    axes = (0,) if x.ndim == 2 else (0, 2)
    shape = (-1,) if x.ndim == 2 else (-1, 1)
    if training:
        n = x.data.size // x.data.shape[1]
        if n <= 1:
            raise InputError("Expected more than 1 value per channel when training, "
                             f"got input size {x.data.shape}")
        mean = x.mean(axes, keepdims=True)
        d = x - mean
        var = (d * d).mean(axes, keepdims=True)
        out = d / (var + eps).sqrt()
        if running_mean is not None:
            side_effect(update_running_stats, running_mean, running_var, mean, var, momentum,
                        num_batches_tracked, n)
    else:
        out = (x - running_mean.reshape(shape)) / np.sqrt(running_var.reshape(shape) + eps)
    if weight is not None:
        out = out * (weight if x.ndim == 2 else weight.reshape(shape))
    if bias is not None:
        out = out + (bias if x.ndim == 2 else bias.reshape(shape))
    return out


def update_running_stats(running_mean: np.ndarray, running_var: np.ndarray, mean: np.ndarray,
                         var: np.ndarray, momentum: float | None, num_batches_tracked: Any,
                         n: int) -> None:
    """``r ← (1 − m) r + m s`` in place, for the batch mean and the unbiased batch variance
    ``n/(n − 1) σ²``; ``m = 1/num_batches_tracked`` when ``momentum`` is None."""
    m = 1.0 / num_batches_tracked if momentum is None else momentum
    running_mean *= 1 - m
    running_mean += m * mean.reshape(-1)
    running_var *= 1 - m
    running_var += (m * n / (n - 1)) * var.reshape(-1)


def count_batch(num_batches_tracked: np.ndarray) -> None:
    """``num_batches_tracked += 1`` in place."""
    num_batches_tracked += 1


def layer_norm(input: Any, normalized_shape: tuple[int, ...], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Layer normalization over the trailing ``normalized_shape`` axes of each example.

    For example ``n`` with ``M`` features (the lecture's notation, corrected)::

        μ_n = (1/M) Σ_i a_ni,   σ_n² = (1/M) Σ_i (a_ni − μ_n)²
        â_ni = (a_ni − μ_n) / √(σ_n² + ε),   ã_ni = γ_i â_ni + β_i

    The slide writes ``(a_ni − μ_i)`` in ``σ_n²`` and ``γ_n, β_n``: the variance uses the
    example's own mean ``μ_n``, and ``γ, β`` have one entry per feature (shape
    ``normalized_shape``), shared by all examples, as in ``torch.nn.LayerNorm``.
    """
    x = _tensor(input)
    k = len(normalized_shape)
    if x.data.shape[x.ndim - k:] != tuple(normalized_shape) or x.ndim < k:
        ns = ", ".join(map(str, normalized_shape))
        raise InputError(f"Given normalized_shape=[{ns}], expected input with shape [*, {ns}], "
                         f"but got input of size[{', '.join(map(str, x.data.shape))}]")
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axes, keepdims=True)
    d = x - mean
    var = (d * d).mean(axes, keepdims=True)
    out = d / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


__all__ = ["batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "check_reduction", "layer_norm", "linear", "mse_loss", "relu", "sigmoid", "tanh"]


# --- more activations (PyTorch's names, signatures and defaults) ----------------------------
def _where(cond: Any, a: Any, b: Any) -> Tensor:
    return structural(ops.where, (np.asarray(cond, dtype=bool), a, b))


def leaky_relu(input: Any, negative_slope: float = 0.01) -> Tensor:
    """``x`` where ``x > 0``, else ``negative_slope·x`` (the slope at 0 too, as PyTorch)."""
    x = _tensor(input)
    return _where(x.data > 0, x, x * negative_slope)


def elu(input: Any, alpha: float = 1.0) -> Tensor:
    """``x`` where ``x > 0``, else ``α(eˣ − 1)``; the branch not taken gets no gradient
    (``min(x, 0)`` inside ``expm1`` keeps it finite for large ``x``)."""
    x = _tensor(input)
    return _where(x.data > 0, x, alpha * x.clip(None, 0.0).expm1())


def gelu(input: Any, approximate: str = "none") -> Tensor:
    """``x Φ(x)`` (``approximate='none'``, the registry's ``gelu``) or its tanh approximation
    ``x (1 + tanh(√(2/π)(x + 0.044715 x³)))/2`` (``'tanh'``, the registry's ``gelu_tanh``)."""
    if approximate not in ("none", "tanh"):
        raise InputError(f"approximate argument must be either none or tanh, not "
                         f"{approximate!r}")
    return elementwise(P.gelu if approximate == "none" else P.gelu_tanh, (_tensor(input),))


def silu(input: Any) -> Tensor:
    """``x σ(x)`` (the registry's ``silu``)."""
    return elementwise(P.silu, (_tensor(input),))


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + e^{βx})/β``, and ``x`` itself where ``βx > threshold`` (PyTorch's switch to
    the identity, where the two agree to float64's precision)."""
    x = _tensor(input)
    smooth = x.softplus() if beta == 1 else (x * beta).softplus() / beta
    return _where(x.data * beta > threshold, x, smooth)


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``x`` clipped to ``[min_val, max_val]``; the gradient passes strictly inside (PyTorch:
    0 at the two corners)."""
    x = _tensor(input)
    inside = (x.data > min_val) & (x.data < max_val)
    return _where(inside, x, np.clip(x.data, min_val, max_val))


def relu6(input: Any) -> Tensor:
    """``hardtanh(x, 0, 6)``."""
    return hardtanh(input, 0.0, 6.0)


def softmax(input: Any, dim: int | None = None) -> Tensor:
    """``e^{x_i} / Σ_j e^{x_j}`` along ``dim``."""
    return _tensor(input).softmax(-1 if dim is None else dim)


def log_softmax(input: Any, dim: int | None = None) -> Tensor:
    """``x_i − log Σ_j e^{x_j}`` along ``dim``, stable for large logits."""
    return _tensor(input).log_softmax(-1 if dim is None else dim)


def dropout(input: Any, p: float = 0.5, training: bool = True) -> Tensor:
    """Each entry zeroed with probability ``p``, the others scaled by ``1/(1 − p)`` (so the
    expectation is unchanged), the mask drawn from the seeded generator; the identity when not
    ``training``."""
    if not 0.0 <= p <= 1.0:
        raise InputError(f"dropout probability has to be between 0 and 1, but got {p}")
    x = _tensor(input)
    if not training or p == 0.0:
        return x
    from ..autograd import random

    keep = random.default_generator.random(x.data.shape) >= p
    scale = np.zeros((), x.data.dtype) if p == 1.0 else x.data.dtype.type(1 / (1 - p))
    return x * (keep * scale).astype(x.data.dtype, copy=False)


def pad(input: Any, pad: Any, mode: str = "constant", value: float = 0.0) -> Tensor:
    """``F.pad``: constant padding, ``(left, right, top, bottom, …)`` from the last dim."""
    from .. import autograd

    return autograd.pad(input, pad, mode, value)


# --- more losses ----------------------------------------------------------------------------
def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """``ℓ_i = |x_i − y_i|`` (its gradient at 0 is 0, as PyTorch's)."""
    check_reduction(reduction)
    _same_shape(input, target, "Using a target size ({target}) that is different to the input "
                "size ({input}). This will likely lead to incorrect results due to "
                "broadcasting. Please ensure they have the same size.")
    return _reduce((_tensor(input) - target).abs(), reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """``ℓ_i = d²/2`` where ``|d| < δ``, else ``δ(|d| − δ/2)``, with ``d = x_i − y_i``:
    quadratic near 0, linear (gradient ``±δ``) beyond."""
    check_reduction(reduction)
    _same_shape(input, target, "Using a target size ({target}) that is different to the input "
                "size ({input}). This will likely lead to incorrect results due to "
                "broadcasting. Please ensure they have the same size.")
    d = _tensor(input) - target
    a = d.abs()
    return _reduce(_where(a.data < delta, 0.5 * d * d, delta * (a - 0.5 * delta)), reduction)


def _classes_last(input: Tensor) -> Tensor:
    """``(N, C, d₁, …)`` as ``(N·d₁⋯, C)`` (``(C,)`` as ``(1, C)``): one row per prediction."""
    if input.ndim == 1:
        return input.reshape(1, -1)
    if input.ndim == 2:
        return input
    order = (0, *range(2, input.ndim), 1)
    return input.permute(order).reshape(-1, input.shape[1])


def _class_indices(target: Any, n_rows: int, n_classes: int, ignore_index: int) -> np.ndarray:
    y = np.asarray(target.data if isinstance(target, Tensor) else target)
    if y.dtype.kind == "f":
        if y.size and not np.all(y == np.round(y)):
            raise InputError("expected class indices (integers) as the target, or "
                             "probabilities of the input's shape")
        y = y.astype(np.int64)
    y = y.reshape(-1)
    if y.size != n_rows:
        raise InputError(f"Expected input batch_size ({n_rows}) to match target batch_size "
                         f"({y.size}).")
    bad = (y != ignore_index) & ((y < 0) | (y >= n_classes))
    if bad.any():
        raise InputError(f"Target {int(y[bad][0])} is out of bounds: the input has "
                         f"{n_classes} classes")
    return y


def _weights(weight: Any, n_classes: int, dtype: Any) -> np.ndarray:
    if weight is None:
        return np.ones(n_classes, dtype=dtype)
    w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=dtype)
    if w.shape != (n_classes,):
        raise InputError(f"weight tensor should be defined either for all {n_classes} classes "
                         f"or no classes but got weight tensor of shape: {w.shape}")
    return w


def _unrows(loss: Tensor, input: Tensor) -> Tensor:
    """Per-row losses back in the input's shape without the class dim."""
    if input.ndim == 1:
        return loss.reshape(())
    return loss.reshape((input.shape[0],) + input.shape[2:])


def nll_loss(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """``ℓ_i = −w_{y_i} x_{i, y_i}`` for log-probabilities ``x`` and class indices ``y``;
    ``'mean'`` divides by ``Σ_i w_{y_i}`` (the rows not ignored), as PyTorch."""
    check_reduction(reduction)
    x = _tensor(input)
    rows = _classes_last(x)
    n, c = rows.shape
    y = _class_indices(target, n, c, ignore_index)
    kept = y != ignore_index
    w = _weights(weight, c, rows.dtype)[np.where(kept, y, 0)] * kept
    picked = rows.gather(1, np.where(kept, y, 0)[:, None]).reshape(-1)
    loss = -(picked * w)
    if reduction == "none":
        return _unrows(loss, x)
    total = loss.sum()
    return total if reduction == "sum" else total / w.sum()


def cross_entropy(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """``log_softmax`` and the negative log-likelihood in one: the multi-class sequel of the
    lecture's BCE. For logits ``z`` (classes on dim 1) and

    * class indices ``y``: ``ℓ_i = −w_{y_i} log softmax(z_i)_{y_i}``, whose gradient is
      ``∂ℓ_i/∂z_i = w_{y_i}(softmax(z_i) − onehot(y_i))`` (``p − y``);
    * probabilities ``Y`` (the input's shape): ``ℓ_i = −Σ_c w_c Y_{ic} log softmax(z_i)_c``.

    ``label_smoothing = ε`` mixes the target with the uniform distribution, ``(1 − ε) y + ε/C``;
    ``weight``, ``ignore_index`` and the reductions follow ``torch.nn.CrossEntropyLoss``
    (``'mean'`` over class indices divides by the summed weights of the rows not ignored)."""
    check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise InputError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    x = _tensor(input)
    if x.ndim == 0:
        raise InputError("cross_entropy: the input needs a class dim")
    logp = x.log_softmax(0 if x.ndim == 1 else 1)
    rows = _classes_last(logp)
    n, c = rows.shape
    w = _weights(weight, c, rows.dtype)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.shape == x.shape and t.dtype.kind == "f":  # probabilities
        probs = _classes_last(_tensor(t)).data
        if label_smoothing > 0:
            probs = probs * (1 - label_smoothing) + label_smoothing / c
        loss = -(rows * (probs * w)).sum(1)
        if reduction == "none":
            return _unrows(loss, x)
        return loss.sum() if reduction == "sum" else loss.sum() / n
    nll = nll_loss(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    y = _class_indices(target, n, c, ignore_index)
    kept = y != ignore_index
    smooth = -(rows * w).sum(1) * kept
    if reduction == "none":
        smooth = _unrows(smooth, x)
    elif reduction == "sum":
        smooth = smooth.sum()
    else:
        smooth = smooth.sum() / (w[np.where(kept, y, 0)] * kept).sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / c)
