"""autodiff.compile: a loss and its gradient traced once per input signature, run as numpy."""
import numpy as np

import autodiff


def loss(w, X, y):
    p = (X @ w).sigmoid()
    return ((p - y) ** 2).mean() + 0.01 * (w * w).sum()


rng = np.random.default_rng(0)
w, X, y = rng.normal(size=(3, 1)), rng.normal(size=(8, 3)), rng.random((8, 1))
value_and_grad = autodiff.compile(autodiff.value_and_grad(loss))
value, grad = value_and_grad(w, X, y)
eager_value, eager_grad = autodiff.value_and_grad(loss)(w, X, y)
print("compiled == eager:", value.item() == eager_value.item(),
      np.array_equal(grad.data, eager_grad.data))
print(value_and_grad.source)


def branchy(w, X, y):
    s = loss(w, X, y)
    if s > 1:                            # a branch on a value: refused while compiling
        return s * 2
    return s


try:
    autodiff.compile(autodiff.value_and_grad(branchy))(w, X, y)
except autodiff.InputError as exc:
    print("error:", str(exc).replace(str(__file__), "compiled_function.py"))
