"""Multi-class training end to end (issue 17): a target with K > 2 classes trains softmax
regression or an MLP with K logits and CrossEntropyLoss; accuracy and a confusion matrix."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

import autodiff
from autodiff import nn
from autodiff.datasets import load_iris
from autodiff.train import TrainConfig, run
from autodiff_cli.main import cli


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _three_blobs(path, n=60):
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    y = np.arange(n) % 3
    X = centres[y] + rng.normal(size=(n, 2)) * 0.5
    rows = ["a,b,kind"] + [f"{float(a)!r},{float(b)!r},{k}" for (a, b), k in zip(X, y, strict=True)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_shipped_iris_has_three_balanced_classes():
    table = load_iris()
    assert table.X.shape == (150, 4) and table.task == "classification"
    assert np.bincount(table.y.astype(int)).tolist() == [50, 50, 50]


def test_a_csv_with_three_classes_trains_softmax_regression(tmp_path):
    data = _three_blobs(tmp_path / "blobs.csv")
    r = invoke("train", "--data", data, "--target", "kind", "--epochs", 15, "--lr", 0.1,
               "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["model"]["loss"] == "cross-entropy" and out["model"]["classes"] == 3
    assert out["model"]["description"] == "softmax regression (3 classes)"
    assert out["metrics"]["test"]["accuracy"] == 1.0
    confusion = out["data"]["confusion_matrix"]
    matrix = np.array(confusion["matrix"])
    assert confusion["on"] == "test" and matrix.shape == (3, 3)
    assert matrix.sum() == out["data"]["n_test"] and (matrix == np.diag(np.diag(matrix))).all()


def test_an_mlp_on_iris_reports_accuracy_and_the_confusion_matrix():
    r = invoke("train", "--data", "iris", "--model", "mlp", "--hidden", 8, "--optimizer",
               "adam", "--lr", 0.05, "--epochs", 20)
    assert r.exit_code == 0, r.output
    assert "MLP 4-8-3 (relu, softmax) on iris" in r.output
    assert "confusion matrix (test rows; row = true class, column = predicted):" in r.output


def test_binary_losses_are_refused_for_three_classes():
    r = invoke("train", "--data", "iris", "--loss", "bce", "--epochs", 1)
    assert r.exit_code == 2 and "has 3 classes" in r.output and "cross-entropy" in r.output
    r = invoke("train", "--data", "iris", "--model", "linear", "--loss", "cross-entropy")
    assert r.exit_code == 2


def test_a_saved_multiclass_model_predicts_one_probability_per_class(tmp_path):
    model = tmp_path / "m.json"
    assert invoke("train", "--data", "iris", "--epochs", 10, "--lr", 0.1, "--save",
                  model).exit_code == 0
    rows = tmp_path / "rows.csv"
    rows.write_text("sepal_length,sepal_width,petal_length,petal_width,species\n"
                    "5.0,3.4,1.5,0.2,0\n6.7,3.0,5.2,2.3,2\n", encoding="utf-8")
    r = invoke("predict", model, "--data", rows, "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    p = np.array(out["predictions"])
    assert p.shape == (2, 3) and np.allclose(p.sum(1), 1.0)
    assert out["classes"] == [0, 2] and out["metrics"]["accuracy"] == 1.0


def test_training_is_reproducible_and_two_classes_keep_the_lecture_model():
    a = run(TrainConfig(data="iris", epochs=3)).history.final
    b = run(TrainConfig(data="iris", epochs=3)).history.final
    assert a == b
    assert run(TrainConfig(epochs=1)).spec.loss == "bce"  # the two Gaussians: binary


def test_cross_entropy_gradient_is_p_minus_y():
    z = autodiff.tensor([[2.0, -1.0, 0.5], [0.1, 0.2, 0.3]], requires_grad=True)
    y = autodiff.tensor([0, 2])
    nn.CrossEntropyLoss(reduction="sum")(z, y).backward()
    p = np.exp(z.data) / np.exp(z.data).sum(1, keepdims=True)
    onehot = np.eye(3)[[0, 2]]
    assert np.allclose(z.grad.data, p - onehot, rtol=1e-14, atol=1e-15)
