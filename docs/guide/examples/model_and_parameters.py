"""The lecture's two single-layer models and their parameters."""
import numpy as np

from autodiff import nn
from autodiff.autograd import Tensor

nn.init.manual_seed(0)  # the initial weights are drawn from this seeded generator
linear = nn.LinearRegression(num_features=2)      # μ = wᵀx + b
logistic = nn.LogisticRegression(num_features=2)  # μ = σ(wᵀx + b)
print(logistic)
for name, p in logistic.named_parameters():
    print(f"{name:14} shape {p.shape}  {np.round(p.data, 4).tolist()}")

X = Tensor([[0.5, -1.0], [2.0, 1.0], [-1.0, 0.0]])
print("linear prediction   μ = wᵀx + b   :", np.round(linear(X).data.ravel(), 4).tolist())
print("logistic prediction μ = σ(wᵀx + b):", np.round(logistic(X).data.ravel(), 4).tolist())
