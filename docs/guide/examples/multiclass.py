"""Softmax regression on iris: the gradient of cross-entropy is p − y, checked by the engine."""
import numpy as np

import autodiff
from autodiff import nn
from autodiff.datasets import load_iris

# One example with K = 3 classes: logits z = Wx + b, probabilities p = softmax(z).
z = autodiff.tensor([[1.0, -0.5, 2.0]], requires_grad=True)
y = autodiff.tensor([2])                       # the class index (an int64 tensor)
loss = nn.CrossEntropyLoss()(z, y)             # −log p_y = −z_y + log Σ_k e^{z_k}
loss.backward()

p = autodiff.softmax(z, dim=1)
onehot = np.eye(3)[[2]]
print("loss        ", round(float(loss), 6))
print("p           ", np.round(p.data, 6))
print("p − y       ", np.round(p.data - onehot, 6))
print("engine ∂L/∂z", np.round(z.grad.data, 6))
print("equal to 1e-15:", np.allclose(z.grad.data, p.data - onehot, rtol=0, atol=1e-15))

# K = 2 is the lecture's logistic regression: softmax([z, 0]) = [σ(z), 1 − σ(z)].
s = autodiff.tensor([[0.7, 0.0]])
print("softmax([0.7, 0])[0] =", round(float(autodiff.softmax(s, dim=1)[0, 0]), 12),
      "= σ(0.7) =", round(float(autodiff.tensor(0.7).sigmoid()), 12))

# Softmax regression on iris, full-batch gradient descent.
table = load_iris()
X = (table.X - table.X.mean(0)) / table.X.std(0)
X, Y = autodiff.tensor(X), autodiff.tensor(table.y.astype(np.int64))
autodiff.manual_seed(0)
model = nn.Linear(4, 3)                        # W is 3 × 4: one row of weights per class
optimizer = autodiff.optim.SGD(model.parameters(), lr=0.5)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(101):
    loss = loss_fn(model(X), Y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 25 == 0:
        accuracy = (model(X).argmax(dim=1) == Y).float().mean()
        print(f"epoch {epoch:3d}  loss {float(loss):.4f}  accuracy {float(accuracy):.3f}")
