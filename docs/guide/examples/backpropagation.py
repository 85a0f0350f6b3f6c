"""Backpropagation by hand (the lecture's δ rule) against loss.backward() on a 2-3-1 network."""
import numpy as np

from autodiff.autograd import Tensor

rng = np.random.default_rng(0)
x, target = rng.normal(size=2), 1.0
W1, W2 = rng.normal(size=(3, 2)), rng.normal(size=(1, 3))

# forward propagation: a_j = Σ_i w_ji z_i, z_j = h(a_j) with h = tanh; output a_k, L = ½(a_k − t)²
a1 = W1 @ x
z1 = np.tanh(a1)
a2 = W2 @ z1
# backward: δ at the output from the loss, then δ_j = h'(a_j) Σ_k w_kj δ_k; ∂L/∂w_ji = δ_j z_i
delta2 = a2 - target
delta1 = (1 - z1**2) * (W2.T @ delta2)
grad_W2, grad_W1 = np.outer(delta2, z1), np.outer(delta1, x)

w1, w2 = Tensor(W1, requires_grad=True), Tensor(W2, requires_grad=True)
loss = 0.5 * ((w2 @ (w1 @ Tensor(x)).tanh() - target) ** 2).sum()
loss.backward()
print("δ (hidden units)   =", np.round(delta1, 6).tolist())
print("∂L/∂W1 by the δ rule\n", np.round(grad_W1, 6))
print("∂L/∂W1 by loss.backward()\n", np.round(w1.grad.data, 6))
print("∂L/∂W2 agree:", np.allclose(grad_W2, w2.grad.data), " ∂L/∂W1 agree:",
      np.allclose(grad_W1, w1.grad.data))
