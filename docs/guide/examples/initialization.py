"""Parameter initialization: symmetry breaking, and the ranges nn.init draws from."""
import numpy as np

from autodiff import nn
from autodiff.autograd import Tensor

X = Tensor(np.random.default_rng(0).normal(size=(8, 3)))
y = Tensor(np.ones((8, 1)))
for how in ("constant 0.5", "uniform ±0.5"):
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    first = model[0]
    if how.startswith("constant"):
        for layer in (model[0], model[2]):
            nn.init.constant_(layer.weight, 0.5)
            nn.init.zeros_(layer.bias)
    else:
        nn.init.manual_seed(0)
        nn.init.uniform_(first.weight, -0.5, 0.5)
    nn.MSELoss()(model(X), y).backward()
    rows = np.round(first.weight.grad.data, 4)
    print(f"{how}: the 4 hidden units' weight gradients are",
          "identical" if np.allclose(rows, rows[0]) else "different")

nn.init.manual_seed(0)
w = Tensor(np.empty((256, 512)))
for init, bound in [(nn.init.xavier_uniform_, np.sqrt(6 / (256 + 512))),
                    (nn.init.kaiming_uniform_, np.sqrt(6 / 512))]:
    init(w)
    print(f"{init.__name__:18} range ±{bound:.4f}: min {w.data.min():.4f}, max {w.data.max():.4f},"
          f" std {w.data.std():.4f}")
