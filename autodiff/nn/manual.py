"""Hand-derived gradients of the lecture's two losses (the quiz: "derive the gradient of the loss
function for linear regression and logistic regression").

Notation as on the slides: ``X`` is the ``N × d`` matrix whose rows are the examples ``x_iᵀ``
(append a column of ones to ``X`` for a bias, "incorporated into the feature vector"), ``w ∈ ℝᵈ``
the parameters, ``μ_i`` the model's prediction for example ``i`` and ``y_i`` its label.

**Linear regression**, ``μ_i = wᵀx_i``, mean squared error (the slide's normalisation, a mean)::

    L(w) = (1/N) Σ_i (y_i − μ_i)²
    ∇L(w) = −(2/N) Σ_i (y_i − μ_i) x_i = (2/N) Xᵀ(Xw − y)

**Logistic regression**, ``μ_i = σ(wᵀx_i)``, binary cross entropy (the slide's ``L`` is a sum)::

    L(w) = −Σ_i [y_i log μ_i + (1 − y_i) log(1 − μ_i)]
    ∂L/∂μ_i = (μ_i − y_i) / (μ_i (1 − μ_i)),   ∂μ_i/∂w = σ'(wᵀx_i) x_i = μ_i (1 − μ_i) x_i
    ∇L(w) = Σ_i (μ_i − y_i) x_i = Xᵀ(σ(Xw) − y)

``torch.nn.BCELoss`` and :class:`autodiff.nn.BCELoss` take the *mean* by default, which divides
this gradient by ``N``; pass ``reduction="mean"`` for that. Likewise ``MSELoss`` is a mean, as on
the slide; ``reduction="sum"`` drops the ``1/N``.

In both models the error at the output, ``δ_i = ∂L/∂a_i`` with ``a_i = wᵀx_i`` the
pre-activation, is the residual ``μ_i − y_i`` (times ``2/N`` for the mean squared error): the
sigmoid's derivative cancels the denominator of the cross entropy's. That is the lecture's
``∂L_n/∂w_ji = δ_j z_i`` with ``z = x``.

>>> import numpy as np
>>> X = np.array([[1.0, 2.0], [1.0, -1.0]]); y = np.array([1.0, 0.0]); w = np.zeros(2)
>>> bce_gradient(X, y, w)
array([ 0. , -1.5])
>>> mse_gradient(X, y, w)
array([-1., -2.])
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from ..primitives import sigmoid

REDUCTIONS = ("mean", "sum")


def _residual(X: np.ndarray, y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    if mu.shape != np.shape(y):
        raise InputError(f"the predictions Xw have shape {mu.shape} but the labels y have shape "
                         f"{np.shape(y)}; give w as (d,) with y as (N,), or (d, 1) with (N, 1)")
    return mu - y


def _scale(reduction: str, n: int) -> float:
    if reduction not in REDUCTIONS:
        raise InputError(f"{reduction} is not a valid value for reduction")
    return 1.0 / n if reduction == "mean" else 1.0


def mse_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray, reduction: str = "mean"
                 ) -> np.ndarray:
    """``∇L(w) = (2/N) Xᵀ(Xw − y)`` for ``L(w) = (1/N) Σ_i (y_i − wᵀx_i)²`` (the slide's MSE).

    With ``reduction="sum"``, ``L = Σ_i (y_i − wᵀx_i)²`` and ``∇L = 2 Xᵀ(Xw − y)``.
    """
    X = np.asarray(X, dtype=np.float64)
    r = _residual(X, np.asarray(y, dtype=np.float64), X @ np.asarray(w, dtype=np.float64))
    return 2.0 * _scale(reduction, len(X)) * (X.T @ r)


def bce_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray, reduction: str = "sum"
                 ) -> np.ndarray:
    """``∇L(w) = Xᵀ(σ(Xw) − y)`` for the slide's ``L(w) = −Σ_i [y_i log μ_i + (1−y_i) log(1−μ_i)]``.

    ``reduction="sum"`` (the default) is the slide's ``L``; ``reduction="mean"`` is
    ``nn.BCELoss()``'s default and divides by ``N``.
    """
    X = np.asarray(X, dtype=np.float64)
    mu = sigmoid.impl(X @ np.asarray(w, dtype=np.float64))
    r = _residual(X, np.asarray(y, dtype=np.float64), np.asarray(mu))
    return _scale(reduction, len(X)) * (X.T @ r)
