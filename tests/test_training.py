"""End to end: the lecture's training loop with only its imports changed, logistic regression
trained to the maximum-likelihood solution of Newton's method, linear regression to
``numpy.linalg.lstsq``, and batch, stochastic and mini-batch gradient descent as batch sizes
N, 1 and B of one loop."""

import numpy as np
import pytest

import autodiff
from autodiff import nn
from autodiff.data import DataLoader, Dataset, TensorDataset
from autodiff.optim import SGD
from autodiff.optim.lr_scheduler import ExponentialLR


def sample_data(N=1000, d=3, train_size=0.7, seed=0):
    """The course's two Gaussians: N(+1, I) with label 1, N(−1, I) with label 0, split 70/30."""
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.multivariate_normal(np.ones(d), np.eye(d), N // 2),
                        rng.multivariate_normal(-np.ones(d), np.eye(d), N - N // 2)])
    y = np.concatenate([np.ones(N // 2), np.zeros(N - N // 2)])
    idx = rng.permutation(N)
    n_train = int(N * train_size)
    return X[idx[:n_train]], y[idx[:n_train]], X[idx[n_train:]], y[idx[n_train:]]


class SampleDataset(Dataset):
    """The course's dataset class, with ``torch.from_numpy`` replaced by ``autodiff.Tensor``."""

    def __init__(self, X, y):
        self.N, self.d = X.shape
        self.X = autodiff.Tensor(X.astype(np.float64))
        self.y = autodiff.Tensor(y.astype(np.float64)).reshape(self.N, 1)

    def __len__(self):
        return self.N

    def __getitem__(self, idx):
        return self.X[idx, :], self.y[idx, :]


class LogisticRegression(nn.Module):
    """The course's model class, as written for PyTorch."""

    def __init__(self, num_features):
        super().__init__()
        self.linear = nn.Linear(in_features=num_features, out_features=1, bias=True)

    def forward(self, x):
        return nn.functional.sigmoid(self.linear(x))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_lectures_training_loop_verbatim(seed):
    X_train, y_train, X_test, y_test = sample_data(seed=seed)
    d = 3
    n_epochs = 10
    nn.init.manual_seed(seed)
    # --- the slides' "Training loop", verbatim -------------------------------------------
    # Load the dataset.
    train_dataset = SampleDataset(X_train, y_train)

    # Preparing your data for training with DataLoaders.
    batch_size = 64
    train_dataloader = DataLoader(train_dataset, batch_size=batch_size, shuffle=True)

    # Define the model class.
    model = LogisticRegression(num_features=d)

    # Loss fucntion.
    loss_fn = nn.BCELoss()

    # Optimizer.
    optimizer = SGD(model.parameters(), lr=0.01, momentum=0.9)

    # Learning rate scheduler.
    scheduler = ExponentialLR(optimizer, gamma=0.9)

    # Run for a few epochs.
    for epoch in range(n_epochs):  # noqa: B007 (verbatim)
        # Iterate through the DataLoader to access mini-batches.
        for batch, (input, target) in enumerate(train_dataloader):  # noqa: B007
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
    # --- end of the slide ------------------------------------------------------------------
    assert batch == 10  # ⌈700/64⌉ mini-batches per epoch
    assert scheduler.get_last_lr() == pytest.approx([0.01 * 0.9**10])
    model.eval()
    with autodiff.no_grad():
        p = model(autodiff.Tensor(X_test)).numpy().ravel()
    accuracy = np.mean((p >= 0.5) == (y_test == 1))
    assert accuracy > 0.9


def newton_logistic_regression(A, y, iterations=50):
    """Maximum likelihood by Newton's method: w ← w − H⁻¹∇L, ∇L = Aᵀ(μ − y),
    H = Aᵀ diag(μ(1 − μ)) A, from w = 0 (an independent solver: numpy only)."""
    w = np.zeros(A.shape[1])
    for _ in range(iterations):
        mu = 1 / (1 + np.exp(-(A @ w)))
        step = np.linalg.solve((A * (mu * (1 - mu))[:, None]).T @ A, A.T @ (mu - y))
        w = w - step
        if np.max(np.abs(step)) <= 1e-15 * np.max(np.abs(w)):
            break
    return w


def train(model, loss_fn, X, y, batch_size, epochs, lr, momentum=0.0, gamma=None, seed=0):
    """The lecture's loop; ``batch_size`` N, 1 or B gives batch, stochastic or mini-batch GD."""
    loader = DataLoader(TensorDataset(autodiff.Tensor(X), autodiff.Tensor(y.reshape(-1, 1))),
                        batch_size=batch_size, shuffle=True, generator=seed)
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    scheduler = ExponentialLR(optimizer, gamma=gamma) if gamma else None
    for _ in range(epochs):
        for input, target in loader:
            loss = loss_fn(model(input), target)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        if scheduler:
            scheduler.step()
    return np.concatenate([model.linear.weight.data.ravel(), model.linear.bias.data])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_logistic_regression_converges_to_the_maximum_likelihood_solution(seed):
    X, y, _, _ = sample_data(N=1000, seed=seed, train_size=1.0)
    w_newton = newton_logistic_regression(np.hstack([X, np.ones((len(X), 1))]), y)
    nn.init.manual_seed(seed)
    w = train(nn.LogisticRegression(3), nn.BCELoss(), X, y, batch_size=len(X), epochs=1500,
              lr=1.5)
    np.testing.assert_allclose(w, w_newton, rtol=1e-6)


def test_linear_regression_converges_to_least_squares():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 4)) * [1.0, 2.0, 0.5, 1.0] + 1.0
    y = X @ [1.0, -2.0, 3.0, 0.5] + 0.7 + 0.3 * rng.normal(size=200)
    w_lstsq = np.linalg.lstsq(np.hstack([X, np.ones((200, 1))]), y, rcond=None)[0]
    nn.init.manual_seed(3)
    w = train(nn.LinearRegression(4), nn.MSELoss(), X, y, batch_size=200, epochs=800,
              lr=0.05, momentum=0.9)
    np.testing.assert_allclose(w, w_lstsq, rtol=1e-6)


@pytest.mark.parametrize("batch_size, epochs, lr, gamma, tol", [
    (100, 400, 0.1, None, 1e-8),   # batch gradient descent: the exact minimizer
    (10, 60, 0.05, 0.9, 1e-3),     # mini-batch SGD: a decaying rate settles near it
    (1, 30, 0.02, 0.8, 1e-2),      # stochastic gradient descent: noisier
])
def test_batch_stochastic_and_mini_batch_gradient_descent(batch_size, epochs, lr, gamma, tol):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(100, 2))
    y = X @ [2.0, -1.0] + 0.5 + 0.1 * rng.normal(size=100)
    w_lstsq = np.linalg.lstsq(np.hstack([X, np.ones((100, 1))]), y, rcond=None)[0]
    nn.init.manual_seed(4)
    w = train(nn.LinearRegression(2), nn.MSELoss(), X, y, batch_size, epochs, lr, gamma=gamma)
    assert np.max(np.abs(w - w_lstsq)) / np.max(np.abs(w_lstsq)) < tol


def test_an_mlp_with_normalization_trains_and_evaluates_with_running_statistics():
    X, y, X_test, y_test = sample_data(N=600, d=2, seed=5)
    nn.init.manual_seed(5)
    model = nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 8),
                          nn.LayerNorm(8), nn.Tanh(), nn.Linear(8, 1))
    loader = DataLoader(TensorDataset(autodiff.Tensor(X), autodiff.Tensor(y.reshape(-1, 1))),
                        batch_size=32, shuffle=True, generator=5)
    optimizer, loss_fn = SGD(model.parameters(), lr=0.05, momentum=0.9), nn.BCEWithLogitsLoss()
    for _ in range(5):
        for input, target in loader:
            loss = loss_fn(model(input), target)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    bn = model[1]
    assert int(bn.num_batches_tracked) == 5 * 14
    model.eval()
    with autodiff.no_grad():
        one = model(autodiff.Tensor(X_test[:1])).numpy()  # a batch of one works in eval mode
        z = model(autodiff.Tensor(X_test)).numpy().ravel()
    assert one[0, 0] == pytest.approx(z[0], rel=1e-12)
    assert np.mean((z > 0) == (y_test == 1)) > 0.85
