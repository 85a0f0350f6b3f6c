"""The lecture's training loop, line for line, with only the imports changed."""
import numpy as np

from autodiff import nn
from autodiff.autograd import Tensor, tensor_evaluation
from autodiff.data import DataLoader, Dataset
from autodiff.optim import SGD
from autodiff.optim.lr_scheduler import ExponentialLR


class SampleDataset(Dataset):
    def __init__(self, X, y):
        self.X, self.y = X, y

    def __len__(self):
        return len(self.X)

    def __getitem__(self, i):
        return self.X[i], self.y[i]


rng = np.random.default_rng(0)                  # two Gaussian classes in d = 2 dimensions
d, n = 2, 400
y_train = (rng.random(n) < 0.5).astype(float).reshape(-1, 1)
X_train = rng.normal(size=(n, d)) + np.where(y_train == 1, 1.0, -1.0)
nn.init.manual_seed(0)
n_epochs = 10

# Load the dataset.
train_dataset = SampleDataset(X_train, y_train)
# Preparing your data for training with DataLoaders.
batch_size = 64
train_dataloader = DataLoader(train_dataset, batch_size=batch_size, shuffle=True, generator=0)
# Define the model class.
model = nn.LogisticRegression(num_features=d)
# Loss fucntion.
loss_fn = nn.BCELoss()
# Optimizer.
optimizer = SGD(model.parameters(), lr=0.01, momentum=0.9)
# Learning rate scheduler.
scheduler = ExponentialLR(optimizer, gamma=0.9)

# Run for a few epochs.
for epoch in range(n_epochs):
    # Iterate through the DataLoader to access mini-batches.
    for batch, (input, target) in enumerate(train_dataloader):  # noqa: B007 (as on the slide)
        # Prediction.
        output = model(input)
        # Compute loss.
        loss = loss_fn(output, target)
        # Compute gradient.
        loss.backward()
        # Gradient descent.
        optimizer.step()
        # Prevent gradient accumulation
        optimizer.zero_grad()
    # Adjust learning rate
    scheduler.step()
    print(f"epoch {epoch}: last batch loss {loss.item():.4f}, "
          f"next lr {scheduler.get_last_lr()[0]:.6f}")

accuracy = ((model(Tensor(X_train)).data > 0.5) == (y_train == 1)).mean()
print(f"training accuracy {accuracy:.3f}; w = {np.round(model.linear.weight.data, 4).tolist()},"
      f" b = {np.round(model.linear.bias.data, 4).tolist()}")

# The slide's BCE of the trained model on four examples is an evaluation trace like any other:
X4, y4, q4 = Tensor(X_train[:4]), Tensor(y_train[:4]), Tensor(1 - y_train[:4])  # q = 1 − y
w, b = model.linear.weight, model.linear.bias
mu = (X4 @ w.transpose() + b).sigmoid()
loss = -(y4 * mu.log() + q4 * (1 - mu).log()).mean()
print(tensor_evaluation(loss, {"X": X4, "w": w, "b": b, "y": y4, "q": q4}).render("table"))
