"""autodiff.datasets: synthetic and shipped data, the CSV reader's refusals, split, scaling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff.datasets import (
    SHIPPED,
    Standardizer,
    load,
    noisy_linear,
    read_csv,
    train_test_split,
    two_gaussians,
)
from autodiff.errors import InputError


def write(tmp_path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_two_gaussians_is_seeded_balanced_and_separated():
    a, b = two_gaussians(400, 3, seed=7), two_gaussians(400, 3, seed=7)
    assert a.X.tobytes() == b.X.tobytes() and a.y.tobytes() == b.y.tobytes()
    assert two_gaussians(400, 3, seed=8).X.tobytes() != a.X.tobytes()
    assert a.X.shape == (400, 3) and a.summary()["class_counts"] == {"0": 200, "1": 200}
    # the class means sit at ±(separation/2)·(1,…,1)/√d
    gap = a.X[a.y == 1].mean(0) - a.X[a.y == 0].mean(0)
    assert np.linalg.norm(gap) == pytest.approx(a.meta["separation"], rel=0.15)


def test_noisy_linear_keeps_its_true_weights():
    t = noisy_linear(2000, 4, noise=0.1, seed=1)
    w, b = np.array(t.meta["true_weight"]), t.meta["true_bias"]
    residual = t.y - (t.X @ w + b)
    assert residual.std() == pytest.approx(0.1, rel=0.1)
    assert t.task == "regression"


@pytest.mark.parametrize("name", list(SHIPPED))
def test_shipped_data_loads_with_its_licence(name):
    t = load(name)
    s = SHIPPED[name]
    assert t.task == s.task and t.target_name == s.target and s.licence in t.meta["licence"]
    assert np.isfinite(t.X).all() and t.n_samples >= 150
    if t.task == "classification":  # the classes 0, 1, …, K − 1, each present
        assert set(np.unique(t.y)) == set(map(float, range(int(t.y.max()) + 1))) and t.y.max() >= 1


def test_shipped_readme_names_sources_and_licences():
    from importlib import resources

    text = (resources.files("autodiff.datasets") / "data" / "README.md").read_text("utf-8")
    for needle in ("CC BY 4.0", "BSD 3-Clause", "breast_cancer.csv", "diabetes.csv", "iris.csv",
                   "sha256"):
        assert needle in text


def test_read_csv_reads_features_and_target(tmp_path):
    t = read_csv(write(tmp_path, "a, b ,y\n1,2,0\n3,4.5,1\n\n-1e-3,0,1\n"), "y")
    assert t.feature_names == ("a", "b") and t.task == "classification"
    np.testing.assert_array_equal(t.X, [[1, 2], [3, 4.5], [-1e-3, 0]])
    np.testing.assert_array_equal(t.y, [0, 1, 1])
    assert read_csv(write(tmp_path, "a,y\n1,2.5\n2,3\n"), "y").task == "regression"


@pytest.mark.parametrize("text, target, message", [
    ("", "y", "empty"),
    ("a,y\n", "y", "no data rows"),
    ("a,b,y\n1,2,0\n3,x,1\n", "y", "line 3, column 'b': 'x' is not a number"),
    ("a,y\n1,0\nnan,1\n", "y", "line 3, column 'a': the value is NaN"),
    ("a,y\n1,0\n,1\n", "y", "line 3, column 'a': the value is missing"),
    ("a,y\n1,0\ninf,1\n", "y", "not finite"),
    ("a,y\n1,0\n2,1,3\n", "y", "line 3: expected 2 fields"),
    ("a,b,y\n1,2,0\n", "nope", "no column named 'nope'; the columns are 'a', 'b', 'y'"),
    ("a,a,y\n1,2,0\n", "y", "appears twice"),
    ("y\n1\n0\n", "y", "only column"),
])
def test_read_csv_refuses_bad_files_saying_where(tmp_path, text, target, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        read_csv(write(tmp_path, text), target)


def test_read_csv_refuses_a_single_class_and_non_binary_targets(tmp_path):
    with pytest.raises(InputError, match="single class"):
        read_csv(write(tmp_path, "a,y\n1,1\n2,1\n"), "y", "classification")
    with pytest.raises(InputError, match="must hold the classes 0 and 1"):
        read_csv(write(tmp_path, "a,y\n1,0\n2,2\n"), "y", "classification")


def test_read_csv_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_csv(tmp_path / "absent.csv", "y")
    with pytest.raises(InputError, match="directory"):
        read_csv(tmp_path, "y")


def test_read_csv_never_evaluates_fields(tmp_path):
    path = write(tmp_path, "a,y\n__import__('os').getcwd(),0\n1,1\n")
    with pytest.raises(InputError, match="is not a number"):
        read_csv(path, "y")


def test_split_is_seeded_and_disjoint():
    t = two_gaussians(100, 2, seed=0)
    train, test = train_test_split(t, 0.25, seed=5)
    again, _ = train_test_split(t, 0.25, seed=5)
    assert train.n_samples == 75 and test.n_samples == 25
    assert train.X.tobytes() == again.X.tobytes()
    rows = {tuple(r) for r in train.X} | {tuple(r) for r in test.X}
    assert len(rows) == 100
    whole, none = train_test_split(t, 0.0, seed=5)
    assert none is None and whole.n_samples == 100
    with pytest.raises(InputError, match="test-size"):
        train_test_split(t, 1.0)


@settings(max_examples=30, deadline=None)
@given(st.integers(5, 40), st.integers(1, 4), st.integers(0, 10**6))
def test_standardizer_fits_on_train_only(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(3.0, 2.0, size=(n, d))
    X[:, 0] = 1.0                                   # a constant column is only centred
    s = Standardizer.fit(X)
    Z = s.transform(X)
    np.testing.assert_allclose(Z.mean(0), 0.0, atol=1e-9)
    assert s.scale[0] == 1.0
    np.testing.assert_allclose(s.inverse(Z), X, rtol=1e-12, atol=1e-12)
    other = rng.normal(size=(3, d))
    np.testing.assert_allclose(s.transform(other), (other - X.mean(0)) / s.scale)
    assert Standardizer.from_json(s.to_json()).transform(other).tobytes() \
        == s.transform(other).tobytes()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64),
                         min_size=3, max_size=3), min_size=1, max_size=12))
def test_read_csv_round_trips_any_finite_numbers(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_text("a,b,t\n" + "".join(",".join(repr(v) for v in r) + "\n" for r in rows))
    table = read_csv(path, "t", "regression")
    np.testing.assert_array_equal(table.X, np.array(rows)[:, :2])
    np.testing.assert_array_equal(table.y, np.array(rows)[:, 2])
