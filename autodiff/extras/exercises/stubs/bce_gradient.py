"""Exercise bce_gradient: the gradient of logistic regression's binary cross entropy.

The lecture's model and loss ("Logistic Regression", "Binary cross entropy loss"):

    μ_i = σ(wᵀx_i),   σ(z) = 1/(1 + e^(−z))
    L(w) = −Σ_{i=1}^{N} [ y_i log μ_i + (1 − y_i) log(1 − μ_i) ]      (a sum, as on the slide)

Derive ∇L(w) by hand (chain rule: ∂L/∂μ_i, then ∂μ_i/∂w) and write it with numpy.
X is the N × d matrix whose rows are the x_iᵀ, y the N labels in {0, 1}, w the d weights.

Check your file with:   autodiff exercise check bce_gradient THIS_FILE
"""

import numpy as np  # noqa: F401


def bce_gradient(X, y, w):
    """Return ∇L(w), an array of shape (d,)."""
    raise NotImplementedError("bce_gradient: derive ∂L/∂w; the σ'(z) = σ(z)(1 − σ(z)) of the "
                              "sigmoid cancels most of ∂L/∂μ_i")
