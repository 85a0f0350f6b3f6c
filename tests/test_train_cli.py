"""`autodiff train` and `autodiff predict` through the CLI: training improves the loss, runs are
reproducible, pictures and files are valid, saved models predict the same, bad data exits 2."""

from __future__ import annotations

import csv
import json
import os
import signal

import numpy as np
import pytest
from click.testing import CliRunner

from autodiff.train import TrainConfig, load_model, run
from autodiff_cli.main import cli

SMALL = ["--n-samples", "200", "--epochs", "4", "--batch-size", "16"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def train_json(*args):
    r = invoke("train", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def improved(doc) -> bool:
    return doc["metrics"]["train"]["loss"] < doc["history"][0]["train_loss"]


@pytest.mark.parametrize("model, extra", [
    ("linear", []), ("logistic", []), ("mlp", ["--hidden", "8"]),
    ("mlp", ["--loss", "bce-logits", "--activation", "tanh"]),
    ("mlp", ["--loss", "mse", "--hidden", "4,4"]),
])
def test_each_model_trains_and_improves(model, extra):
    doc = train_json("--model", model, *extra, *SMALL, "--lr", "0.05")
    assert doc["status"] == "completed" and improved(doc), doc["history"]
    metric = "r2" if doc["task"] == "regression" else "accuracy"
    assert doc["metric"] == metric and set(doc["metrics"]) == {"train", "test"}
    assert len(doc["history"]) == 5 and doc["config"]["steps_per_epoch"] == 10
    assert doc["weights"]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw"])
def test_each_optimizer_improves_the_loss(optimizer):
    doc = train_json("--optimizer", optimizer, *SMALL, "--lr", "0.05")
    assert improved(doc), doc["history"]
    assert doc["config"]["optimizer"] == optimizer


def test_same_seed_same_run_bit_for_bit_and_another_seed_differs():
    a = train_json("--seed", "11", *SMALL)
    b = train_json("--seed", "11", *SMALL)
    c = train_json("--seed", "12", *SMALL)
    for doc in (a, b, c):
        doc.pop("seconds")
    assert a == b
    assert a["weights"] != c["weights"]


def test_library_history_keeps_every_step_and_the_schedule():
    result = run(TrainConfig(n_samples=120, epochs=3, batch_size=None, schedule="exponential",
                             lr=0.1, gamma=0.5))
    h = result.history
    assert h.config["steps_per_epoch"] == 1 and len(h.step_loss) == 3
    assert [r["lr"] for r in h.epochs[1:]] == pytest.approx([0.1, 0.05, 0.025])
    assert "train_loss" in h.to_csv().splitlines()[0]
    assert "<table>" in h._repr_html_() and str(h).startswith("       epoch")


def test_plots_history_and_model_files(tmp_path):
    png, svg = tmp_path / "loss.png", tmp_path / "loss.svg"
    hist_json, hist_csv, model = tmp_path / "h.json", tmp_path / "h.csv", tmp_path / "m.json"
    doc = train_json(*SMALL, "--plot", png, "--history", hist_json, "--save", model)
    train_json(*SMALL, "--plot", svg, "--history", hist_csv)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image
    with Image.open(png) as image:
        image.verify()
        assert image.size[0] > 800 and image.size[1] > 300
    import xml.etree.ElementTree as ET
    assert ET.parse(svg).getroot().tag.endswith("svg")
    saved_history = json.loads(hist_json.read_text())
    assert len(saved_history["step_loss"]) == 4 * 10
    assert saved_history["epochs"] == doc["history"]
    rows = list(csv.DictReader(hist_csv.open()))
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2, 3, 4]
    assert json.loads(model.read_text())["format"] == "autodiff-model"
    assert doc["files"] == {"plot": str(png), "history": str(hist_json), "model": str(model)}


@pytest.mark.parametrize("model, data, target", [
    ("logistic", "breast-cancer", "benign"), ("linear", "diabetes", "progression"),
    ("mlp", "breast-cancer", "benign"),
])
def test_saved_model_reloads_and_predicts_the_same(tmp_path, model, data, target):
    path = tmp_path / "model.json"
    result = run(TrainConfig(model=model, data=data, epochs=2, seed=4, hidden=(5,)))
    from autodiff.train import save_model
    save_model(str(path), result.model, result.spec, tuple(result.data["features"]), target,
               result.scaler, result.target_scaler)
    from autodiff.datasets import load
    table = load(data)
    rows = tmp_path / "rows.csv"
    with rows.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([*table.feature_names, target])
        for x, y in zip(table.X[:25], table.y[:25], strict=True):
            w.writerow([repr(float(v)) for v in x] + [repr(float(y))])
    saved = load_model(path)
    direct = saved.predict(table.X[:25])
    from autodiff.train.model import predict
    expected = predict(result.model, result.spec, result.scaler.transform(table.X[:25]))
    if result.target_scaler is not None:
        expected = result.target_scaler.inverse(expected[:, None])[:, 0]
    assert direct.tobytes() == expected.tobytes()
    r = invoke("predict", path, "--data", rows, "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    # the same weights on the same numbers; BLAS may round a different memory layout of the
    # rows differently in the last bit, so this comparison is to 1e-12
    np.testing.assert_allclose(out["predictions"], direct, rtol=1e-12, atol=1e-12)
    assert ("accuracy" if model != "linear" else "r2") in out["metrics"]


def test_train_save_then_predict_through_the_cli(tmp_path):
    data = tmp_path / "d.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["u", "v", "label"])
        w.writerows([[repr(float(a)), repr(float(b)), c] for (a, b), c in zip(X, y, strict=True)])
    model = tmp_path / "m.json"
    doc = train_json("--data", data, "--target", "label", "--epochs", "30", "--lr", "0.1",
                     "--save", model)
    assert doc["data"]["features"] == ["u", "v"] and doc["data"]["n_test"] == 16
    r = invoke("predict", model, "--data", data)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()                        # a table for people, 6 digits
    assert lines[0].split() == ["row", "p(label=1)", "class"] and len(lines) == 1 + 80 + 2
    assert lines[-1].startswith("accuracy ") and float(lines[-1].split()[-1]) > 0.85
    r = invoke("predict", model, "--data", data, "--format", "csv")  # every digit
    assert r.output.splitlines()[0] == "row,p(label=1),class"


@pytest.mark.parametrize("text, target, message", [
    ("a,b,y\n1,2,0\n3,x,1\n", "y", "line 3, column 'b': 'x' is not a number"),
    ("a,b,y\n1,2,0\n3,4,1\n", "nope", "no column named 'nope'"),
    ("a,y\n1,0\nnan,1\n", "y", "NaN"),
    ("a,y\n1,1\n2,1\n3,1\n", "y", "single class"),
    ("", "y", "empty"),
    ("a,y\n1,0\n2,3\n", "y", "must hold the classes 0 and 1"),
])
def test_bad_data_exits_2_with_a_clear_message(tmp_path, text, target, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    r = invoke("train", "--model", "logistic", "--data", path, "--target", target)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("args, message", [
    (["--data", "no-such-data"], "no such file, and not a data set name"),
    (["--data", "missing.csv", "--target", "y"], "no such file"),
    (["--data", "x.csv"], "no such file"),                # named before --target is asked
    (["--data", "two-gaussians", "--target", "y"], "--target names a column of a CSV"),
    (["--batch-size", "0"], "not a positive integer"),
    (["--epochs", "0"], "at least 1"),
    (["--lr", "-1"], "positive"),
    (["--model", "linear", "--loss", "bce"], "use --loss mse"),
    (["--plot", "loss.jpg"], ".png or .svg"),
    (["--save", "/no/such/folder/m.json"], "does not exist"),
    (["--hidden", "a,b", "--model", "mlp"], "layer sizes"),
    (["--test-size", "1.5"], "test-size"),
])
def test_bad_options_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = invoke("train", *args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


def test_divergence_stops_naming_the_step_and_the_learning_rate(tmp_path):
    model = tmp_path / "m.json"
    r = invoke("train", "--model", "linear", "--lr", "1e6", "--epochs", "5", "--n-samples",
               "100", "--save", model, "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["status"] == "diverged" and "learning rate" in doc["message"]
    assert "epoch 1, step" in doc["message"] or "grew from" in doc["message"]
    assert "learning rate" in r.stderr and not model.exists()


def test_ctrl_c_stops_between_steps_and_keeps_the_model(tmp_path):
    seen = []

    def callback(event, info):
        if event == "step":
            seen.append(info["step"])
            if len(seen) == 3:
                os.kill(os.getpid(), signal.SIGINT)

    def previous(signum, frame):  # whatever handler was there (pytest's, or SIG_IGN under nohup)
        raise AssertionError("the training's own handler should have taken Ctrl-C")

    outer = signal.signal(signal.SIGINT, previous)
    try:
        result = run(TrainConfig(n_samples=200, epochs=5, batch_size=16), callback=callback)
        assert signal.getsignal(signal.SIGINT) is previous   # the previous handler is restored
    finally:
        signal.signal(signal.SIGINT, outer)
    h = result.history
    assert h.status == "interrupted" and "Ctrl-C" in h.message
    assert len(h.step_loss) == 3 and h.epochs[-1]["epoch"] == 1
    assert np.isfinite(h.final["train"]["loss"])


def test_json_output_is_pure_json_and_progress_stays_off_without_a_terminal():
    r = invoke("train", *SMALL, "--format", "json")
    json.loads(r.stdout)
    r = invoke("train", *SMALL)
    assert r.exit_code == 0 and "\x1b[" not in r.output
    assert "status: completed" in r.output and "learned weights" in r.output


@pytest.mark.parametrize("content, message", [
    (None, "no such model file"),
    ("not json", "cannot read it as JSON"),
    ('{"format": "something-else"}', "not a model file"),
    ('{"format": "autodiff-model", "version": 99}', "version 99"),
    ('{"format": "autodiff-model", "version": 1, "architecture": {"kind": "linear"}}',
     "incomplete or malformed"),
])
def test_predict_refuses_what_is_not_a_model(tmp_path, content, message):
    model = tmp_path / "m.json"
    if content is not None:
        model.write_text(content)
    data = tmp_path / "d.csv"
    data.write_text("x1,x2\n1,2\n")
    r = invoke("predict", model, "--data", data)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_predict_needs_the_model_features(tmp_path):
    model = tmp_path / "m.json"
    train_json(*SMALL, "--save", model)
    data = tmp_path / "d.csv"
    data.write_text("x1,other\n1,2\n")
    r = invoke("predict", model, "--data", data)
    assert r.exit_code == 2 and "no column named 'x2'" in r.output


def test_regression_on_shipped_data_reports_r2(tmp_path):
    doc = train_json("--model", "linear", "--data", "diabetes", "--epochs", "30",
                     "--optimizer", "adam", "--lr", "0.05")
    assert doc["metric"] == "r2" and doc["data"]["target"] == "progression"
    assert 0.3 < doc["metrics"]["test"]["r2"] < 0.7          # the linear model's known range
    assert doc["data"]["n_train"] + doc["data"]["n_test"] == 442


def test_ctrl_c_in_the_cli_keeps_plot_history_and_model(tmp_path, monkeypatch):
    import autodiff_cli.train as command

    real = command.run

    def run_then_interrupt(config, callback=None):
        def interrupting(event, info):
            if event == "step" and info["epoch"] == 2 and info["step"] == 1:
                os.kill(os.getpid(), signal.SIGINT)
            callback(event, info)
        return real(config, callback=interrupting)

    monkeypatch.setattr(command, "run", run_then_interrupt)
    model, plot = tmp_path / "m.json", tmp_path / "p.png"
    r = invoke("train", *SMALL, "--save", model, "--plot", plot, "--format", "json")
    assert r.exit_code == 130
    doc = json.loads(r.stdout)
    assert doc["status"] == "interrupted" and doc["history"][-1]["epoch"] == 2
    assert "interrupted" in r.stderr
    assert load_model(model).predict(np.zeros((1, 2))).shape == (1,)
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_two_processes_give_the_same_run_and_leave_global_random_state_alone():
    import subprocess
    import sys

    import autodiff.nn as nn

    before = nn.init.default_generator.bit_generator.state
    run(TrainConfig(n_samples=60, epochs=1))
    assert nn.init.default_generator.bit_generator.state == before
    args = [sys.executable, "-m", "autodiff_cli", "train", "--model", "mlp", "--hidden", "6",
            "--optimizer", "adam", "--schedule", "cosine", "--seed", "5", *SMALL,
            "--format", "json"]
    docs = [json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
            for _ in range(2)]
    for doc in docs:
        doc.pop("seconds")
    assert docs[0] == docs[1]


def test_a_users_own_files_are_never_overwritten(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n")
    notes = tmp_path / "notes.json"
    notes.write_text('{"mine": true}')
    for args, message in (
        (["--data", data, "--target", "y", "--history", data], "input data file"),
        (["--save", notes], "is not a model written by autodiff"),
        (["--history", notes], "is not a history written by autodiff"),
        (["--history", tmp_path / "h.json", "--save", tmp_path / "h.json"], "the same file"),
    ):
        r = invoke("train", *SMALL, *args)
        assert r.exit_code == 2 and message in r.output, r.output
    assert data.read_text().startswith("a,y\n1,0") and notes.read_text() == '{"mine": true}'
    model, history = tmp_path / "m.json", tmp_path / "h.json"
    train_json(*SMALL, "--save", model, "--history", history)
    r = invoke("train", *SMALL, "--save", model)         # our own: only with --overwrite
    assert r.exit_code == 2 and "add --overwrite" in r.output, r.output
    train_json(*SMALL, "--save", model, "--history", history, "--overwrite")
