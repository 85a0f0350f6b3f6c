"""The lecture's training loop with one added line: the step runs as generated numpy code."""
import copy

import numpy as np

import autodiff
from autodiff import nn
from autodiff.data import DataLoader, TensorDataset
from autodiff.optim import SGD
from autodiff.optim.lr_scheduler import ExponentialLR

rng = np.random.default_rng(0)                  # two Gaussian classes in d = 2 dimensions
d, n = 2, 400
y_train = (rng.random(n) < 0.5).astype(float).reshape(-1, 1)
X_train = rng.normal(size=(n, d)) + np.where(y_train == 1, 1.0, -1.0)
nn.init.manual_seed(0)
n_epochs = 10

train_dataloader = DataLoader(TensorDataset(autodiff.Tensor(X_train), autodiff.Tensor(y_train)),
                              batch_size=64, shuffle=True, generator=0)
model = nn.LogisticRegression(num_features=d)
eager_model = copy.deepcopy(model)              # the same loop, uncompiled, to compare with
loss_fn = nn.BCELoss()
optimizer = SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = ExponentialLR(optimizer, gamma=0.9)

step = autodiff.compile_step(model, loss_fn, optimizer)      # the one added line

for epoch in range(n_epochs):
    for batch, (input, target) in enumerate(train_dataloader):  # noqa: B007 (as on the slide)
        loss = step(input, target)       # prediction, loss, gradient, update, zero_grad
    scheduler.step()
    print(f"epoch {epoch}: last batch loss {loss:.4f}, next lr {scheduler.get_last_lr()[0]:.6f}")

# The eager loop from the same start, batches and schedule gives the same weights, bit for bit.
train_dataloader = DataLoader(TensorDataset(autodiff.Tensor(X_train), autodiff.Tensor(y_train)),
                              batch_size=64, shuffle=True, generator=0)
optimizer = SGD(eager_model.parameters(), lr=0.01, momentum=0.9)
scheduler = ExponentialLR(optimizer, gamma=0.9)
for _epoch in range(n_epochs):
    for input, target in train_dataloader:
        loss = loss_fn(eager_model(input), target)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    scheduler.step()
same = all(np.array_equal(a, b) for a, b in zip(model.state_dict().values(),
                                                  eager_model.state_dict().values(), strict=True))
print("compiled weights == eager weights:", same)
print(f"signatures compiled: {len(step.signatures)} (the full batches and the last, smaller one)")
print()
print(step.source)
