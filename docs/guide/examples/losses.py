"""MSE and BCE as the slides define them, and their gradients by reverse mode and by hand."""
import numpy as np

from autodiff import nn
from autodiff.autograd import Tensor
from autodiff.nn.manual import bce_gradient

mu, y = Tensor([[0.8], [0.3], [0.6]]), Tensor([[1.0], [0.0], [1.0]])
print("MSELoss():                (1/N) Σ (y − μ)² =", round(nn.MSELoss()(mu, y).item(), 6))
print("BCELoss():                the mean of −[y log μ + (1 − y) log(1 − μ)] =",
      round(nn.BCELoss()(mu, y).item(), 6))
print("BCELoss(reduction='sum'): the slide's sum =",
      round(nn.BCELoss(reduction="sum")(mu, y).item(), 6))

# the gradient of logistic regression's loss: reverse mode against the hand-derived Xᵀ(σ(Xw) − y)
rng = np.random.default_rng(0)
X, labels, w0 = rng.normal(size=(5, 3)), np.array([1.0, 0, 1, 1, 0]), rng.normal(size=3)
w = Tensor(w0, requires_grad=True)
nn.BCELoss(reduction="sum")((Tensor(X) @ w).sigmoid(), Tensor(labels)).backward()
print("reverse mode  ∇L(w) =", np.round(w.grad.data, 6).tolist())
print("by hand  Xᵀ(σ(Xw) − y) =", np.round(bce_gradient(X, labels, w0), 6).tolist())
