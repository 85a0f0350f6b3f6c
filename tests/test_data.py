"""Datasets and the DataLoader: batches, shuffling, drop_last, collation, random_split."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff import InputError, nn, optim
from autodiff.autograd import Tensor, binary_cross_entropy
from autodiff.data import DataLoader, Dataset, Subset, TensorDataset, random_split
from autodiff.nn import Parameter
from autodiff.optim.lr_scheduler import ExponentialLR


class SampleDataset(Dataset):
    """The lecture's dataset: rows of X and (N, 1) labels."""

    def __init__(self, X, y):
        self.X, self.y = X.astype(np.float64), y.astype(np.float64).reshape(-1, 1)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


def data(n=10, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=n)


def test_the_lectures_loop_gets_input_and_target_batches():
    X, y = data(10)
    loader = DataLoader(SampleDataset(X, y), batch_size=4, shuffle=True, generator=1)
    shapes = [(tuple(inp.shape), tuple(target.shape))
              for _batch, (inp, target) in enumerate(loader)]
    assert shapes == [((4, 3), (4, 1)), ((4, 3), (4, 1)), ((2, 3), (2, 1))]
    inp, target = next(iter(loader))
    assert isinstance(inp, Tensor) and inp.dtype == np.float64 and len(loader) == 3


@given(n=st.integers(1, 40), batch_size=st.integers(1, 50), shuffle=st.booleans(),
       drop_last=st.booleans(), seed=st.integers(0, 2**16))
def test_an_epoch_visits_every_example_once(n, batch_size, shuffle, drop_last, seed):
    ds = TensorDataset(np.arange(n))
    loader = DataLoader(ds, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last,
                        generator=seed)
    batches = [b[0].data.tolist() for b in loader]
    assert len(batches) == len(loader)
    assert all(len(b) == batch_size for b in batches[:-1])
    assert all(0 < len(b) <= batch_size for b in batches)
    if drop_last:
        assert all(len(b) == batch_size for b in batches)
    seen = [i for b in batches for i in b]
    full = n - n % batch_size if drop_last else n
    assert len(seen) == full and len(set(seen)) == full
    if not shuffle:
        assert seen == list(range(full))


def test_shuffle_is_reproducible_with_a_seed_and_differs_between_epochs():
    ds = TensorDataset(np.arange(20))

    def epochs(loader):
        return [np.concatenate([b[0].data for b in loader]).tolist() for _ in range(2)]

    first = epochs(DataLoader(ds, batch_size=5, shuffle=True, generator=np.random.default_rng(7)))
    again = epochs(DataLoader(ds, batch_size=5, shuffle=True, generator=7))
    assert first == again
    assert first[0] != first[1] and sorted(first[0]) == list(range(20))


def test_batch_stochastic_and_minibatch_descent_are_batch_sizes_n_1_and_b():
    """The lecture's three loops, written by hand, against one DataLoader loop."""
    X, y = data(12, 2, seed=3)
    ds = TensorDataset(X, y)

    def grad(w, xb, yb):  # gradient of the mean squared error of a linear model
        return 2 * xb.T @ (xb @ w - yb) / len(yb)

    def loop(batch_size, epochs=3, lr=0.05):
        w = Parameter(np.zeros(2))
        opt = optim.SGD([w], lr=lr)
        steps = 0
        for _ in range(epochs):
            for xb, yb in DataLoader(ds, batch_size=batch_size):
                w.grad = Tensor(grad(w.data, xb.data, yb.data))
                opt.step()
                steps += 1
        return w.data, steps

    def by_hand(batches, epochs=3, lr=0.05):
        w = np.zeros(2)
        for _ in range(epochs):
            for idx in batches:
                w = w - lr * grad(w, X[idx], y[idx])
        return w

    n = len(y)
    for batch_size, batches in [(n, [np.arange(n)]),                     # batch GD
                                (1, [[i] for i in range(n)]),             # stochastic GD
                                (5, [np.arange(0, 5), np.arange(5, 10), np.arange(10, 12)])]:
        w, steps = loop(batch_size)
        assert steps == 3 * len(batches)
        np.testing.assert_allclose(w, by_hand(batches), rtol=1e-13, atol=1e-15)


def test_default_collate_by_kind():
    class Mixed(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return {"x": np.full(2, float(i)), "label": i, "weight": 0.5 * i, "name": f"r{i}"}

    batch = next(iter(DataLoader(Mixed(), batch_size=3)))
    assert batch["x"].shape == (3, 2) and batch["label"].dtype == np.int64
    assert batch["weight"].dtype == np.float64 and batch["name"] == ["r0", "r1", "r2"]


def test_tensor_dataset_rows_and_errors():
    X, y = data(5)
    ds = TensorDataset(Tensor(X), y)
    x0, y0 = ds[0]
    assert isinstance(x0, Tensor) and np.array_equal(x0.data, X[0]) and y0.data == y[0]
    assert len(ds) == 5
    with pytest.raises(InputError, match="Size mismatch between tensors"):
        TensorDataset(X, y[:4])


def test_custom_collate_fn_and_sampler():
    ds = TensorDataset(np.arange(6))
    loader = DataLoader(ds, batch_size=2, sampler=[5, 4, 3, 2, 1, 0],
                        collate_fn=lambda rows: [int(r[0].data) for r in rows])
    assert list(loader) == [[5, 4], [3, 2], [1, 0]] and len(loader) == 3


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, None, True])
def test_bad_batch_size_is_refused(batch_size):
    with pytest.raises(InputError, match="batch_size should be a positive integer value"):
        DataLoader(TensorDataset(np.arange(3)), batch_size=batch_size)


def test_sampler_and_shuffle_are_exclusive():
    with pytest.raises(InputError, match="mutually exclusive"):
        DataLoader(TensorDataset(np.arange(3)), sampler=[0, 1, 2], shuffle=True)


def test_random_split_by_counts_and_fractions():
    ds = TensorDataset(np.arange(10))
    train, test = random_split(ds, [7, 3], generator=0)
    assert isinstance(train, Subset) and (len(train), len(test)) == (7, 3)
    assert sorted(train.indices + test.indices) == list(range(10))
    parts = random_split(ds, [0.5, 0.3, 0.2], generator=0)
    assert [len(p) for p in parts] == [5, 3, 2]
    assert [len(p) for p in random_split(TensorDataset(np.arange(11)), [0.5, 0.5])] == [6, 5]
    again = random_split(ds, [7, 3], generator=0)
    assert again[0].indices == train.indices
    assert int(train[0][0].data) == train.indices[0]


@pytest.mark.parametrize(("lengths", "message"), [
    ([6, 3], "Sum of input lengths does not equal"),
    ([1.5, -0.5], "Fraction at index 0 is not between 0 and 1"),
    ([2.5, 7.5], "non-negative integers or fractions"),
])
def test_random_split_refuses_bad_lengths(lengths, message):
    with pytest.raises(InputError, match=message):
        random_split(TensorDataset(np.arange(10)), lengths)


def test_a_dataset_must_define_its_items():
    with pytest.raises(NotImplementedError):
        Dataset()[0]


def test_the_lectures_training_loop_trains_a_logistic_regression():
    """The slide's loop on two Gaussians, with a model made of this package's pieces."""

    class LogisticRegression(nn.Module):
        def __init__(self, num_features):
            super().__init__()
            self.weight = nn.Parameter(np.zeros((num_features, 1)))
            self.bias = nn.Parameter(np.zeros(1))
            nn.init.xavier_uniform_(self.weight, generator=np.random.default_rng(0))

        def forward(self, x):
            return (x @ self.weight + self.bias).sigmoid()

    rng = np.random.default_rng(7)

    def sample(n, d=3):
        X = np.concatenate([rng.normal(1, 1, (n // 2, d)), rng.normal(-1, 1, (n - n // 2, d))])
        y = np.concatenate([np.ones(n // 2), np.zeros(n - n // 2)])
        return X, y

    X_train, y_train = sample(700)
    X_test, y_test = sample(300)
    train_dataloader = DataLoader(SampleDataset(X_train, y_train), batch_size=64, shuffle=True,
                                  generator=0)
    model = LogisticRegression(num_features=3)
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scheduler = ExponentialLR(optimizer, gamma=0.9)
    for _epoch in range(10):
        for _batch, (input, target) in enumerate(train_dataloader):
            output = model(input)
            loss = binary_cross_entropy(output, target).mean()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        scheduler.step()
    p = model(Tensor(X_test)).data.ravel()
    assert np.mean((p >= 0.5) == (y_test == 1)) > 0.9
    assert scheduler.get_last_lr()[0] == pytest.approx(0.01 * 0.9 ** 10)
