"""Batch, stochastic and mini-batch gradient descent: one loop, three batch sizes."""
import numpy as np

from autodiff import nn, optim
from autodiff.autograd import Tensor
from autodiff.data import DataLoader, TensorDataset

rng = np.random.default_rng(0)
X = rng.normal(size=(200, 2))
y = (X @ [2.0, -1.0] + 0.5 * rng.normal(size=200) > 0).astype(float).reshape(-1, 1)
data = TensorDataset(Tensor(X), Tensor(y))

print(f"{'variant':22} {'batch size':>10} {'steps/epoch':>11} {'loss after 5 epochs':>20}")
for variant, batch_size in [("batch GD", len(data)), ("stochastic GD", 1), ("mini-batch SGD", 32)]:
    nn.init.manual_seed(0)
    model, loss_fn = nn.LogisticRegression(2), nn.BCELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(data, batch_size=batch_size, shuffle=True, generator=0)
    for _ in range(5):  # epochs
        for input, target in loader:
            loss = loss_fn(model(input), target)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    full = loss_fn(model(Tensor(X)), Tensor(y)).item()
    print(f"{variant:22} {batch_size:>10} {len(loader):>11} {full:>20.6f}")

loader = DataLoader(TensorDataset(Tensor(np.arange(10.0))), batch_size=4, shuffle=True, generator=1)
for epoch in range(2):
    print(f"epoch {epoch}: batches", [batch[0].data.astype(int).tolist() for batch in loader])
