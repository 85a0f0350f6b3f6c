"""`autodiff fit` and `autodiff.fit`: models written as formulas, trained by reverse mode."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import autodiff
from autodiff import ExpressionModel, InputError, reverse_sweep
from autodiff.datasets import two_gaussians
from autodiff.expression import append_loss
from autodiff.forward import primal_sweep
from autodiff.train import ModelSpec, make_optimizer
from autodiff.train import fit as train_loop
from autodiff_cli.main import cli

LOGISTIC = "sigmoid(w1*x1 + w2*x2 + w3*x3 + b)"


def run(*args: str):
    return CliRunner().invoke(cli, ["fit", *args])


def regression_csv(tmp_path, rows=300, seed=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 2)) * [1.0, 2.0] + [0.5, -1.0]
    y = X @ np.array([-2.0, 0.25]) + 1.5 + 0.3 * rng.normal(size=rows)
    path = tmp_path / "reg.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header="a,b,t", comments="")
    return path, X, y


# -- the loss trace and its gradient over a batch --------------------------------------------
@pytest.mark.parametrize("formula, params", [
    (LOGISTIC, "w1,w2,w3,b"),
    ("w1*x1^2 + w1*w2*x2 + exp(-b*x3) + 2", "w1,w2,b"),   # shared and feature-only parts
    ("a", "a"),                                             # no feature at all
])
@pytest.mark.parametrize("loss", ["mse", "bce-logits"])
def test_batch_gradient_is_the_mean_of_per_sample_reverse_sweeps(formula, params, loss):
    model = ExpressionModel(formula, params, loss=loss, seed=1)
    rng = np.random.default_rng(2)
    n = 7
    x = {f: rng.normal(size=n) for f in model.features}
    y = rng.integers(0, 2, size=n).astype(float)
    out = model(x) if x else model(np.zeros((n, 0)))     # n rows of no feature
    value, grad = model.loss_trace.gradient(out.primals, y)
    # one reverse sweep per sample, with the engine's own reverse_sweep
    per_sample = []
    for k in range(n):
        at = {**{f: v[k] for f, v in x.items()}, **model.values,
              model.loss_trace.target_name: y[k]}
        sweep = reverse_sweep(model.loss_trace.trace, at)
        per_sample.append((float(sweep.value), [sweep.gradient[p] for p in model.params]))
    assert value == pytest.approx(np.mean([v for v, _ in per_sample]), rel=1e-12)
    np.testing.assert_allclose(grad, np.mean([g for _, g in per_sample], axis=0),
                               rtol=1e-10, atol=1e-13)
    # and the engine's reverse sweep on the whole batch at once agrees too (it sums each step)
    whole = reverse_sweep(model.loss_trace.trace,
                          {**x, **model.values, model.loss_trace.target_name: y})
    np.testing.assert_allclose(grad, [whole.gradient[p] / n for p in model.params],
                               rtol=1e-10, atol=1e-13)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=4, max_size=4), st.integers(1, 9))
def test_backward_sets_theta_grad_to_the_batch_gradient(values, n):
    model = ExpressionModel(LOGISTIC, "w1,w2,w3,b", dict(zip(("w1", "w2", "w3", "b"), values,
                                                            strict=True)), loss="bce")
    rng = np.random.default_rng(n)
    X, y = rng.normal(size=(n, 3)), rng.integers(0, 2, size=n).astype(float)
    loss = model.loss_fn()(model(autodiff.Tensor(X)), autodiff.Tensor(y.reshape(-1, 1)))
    loss.backward()
    p = 1 / (1 + np.exp(-(X @ np.array(values[:3]) + values[3])))
    want = np.append(X.T @ (p - y), np.sum(p - y)) / n     # ∂BCE/∂θ of a logistic model
    np.testing.assert_allclose(model.theta.grad.data, want, rtol=1e-9, atol=1e-12)


def test_loss_trace_appends_the_target_after_the_inputs_and_numbers_again():
    lt = append_loss(autodiff.parse("sigmoid(w*x + b)"), "bce", "y", ("w", "b"))
    t = lt.trace
    assert [s.input for s in t.steps if s.is_input] == ["b", "w", "x", "y"]
    assert [s.var for s in t.steps] == [f"v{k}" for k in range(1, len(t) + 1)]
    assert t.steps[-1].op.name == "bce" and t.source == "bce(sigmoid(w*x + b), y)"
    at = {"w": 0.5, "x": 2.0, "b": -0.25, "y": 1.0}
    mu = 1 / (1 + np.exp(-0.75))
    assert float(primal_sweep(t, at)[-1]) == pytest.approx(-np.log(mu), rel=1e-14)
    assert lt.active == tuple(s.input in ("w", "b") or not s.is_input for s in t.steps)


# -- how well: least squares and the nn path ---------------------------------------------------
def test_linear_formula_reaches_lstsq_with_full_batch_gradient_descent(tmp_path):
    path, X, y = regression_csv(tmp_path)
    result = autodiff.fit("w1*x1 + w2*x2 + b", "w1,w2,b", data=str(path), target="t",
                          features={"x1": "a", "x2": "b"}, loss="mse", optimizer="sgd",
                          lr=0.1, batch_size=None, epochs=1500)
    want = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    got = np.array([result.model.values[p] for p in ("w1", "w2", "b")])
    assert result.history.status == "completed"
    assert np.max(np.abs(got - want) / np.abs(want)) < 1e-8


@pytest.mark.parametrize("optimizer", ["momentum", "adam", "rmsprop"])
def test_logistic_formula_agrees_with_nn_logistic_regression_step_for_step(optimizer):
    table = two_gaussians(240, 3, seed=7)
    spec = ModelSpec("logistic", 3, (), "relu", "bce")
    net = spec.build(seed=11)
    start = np.concatenate([net.linear.weight.data.ravel(), net.linear.bias.data])
    drawn = ExpressionModel(LOGISTIC, "w1,w2,w3,b", loss="bce", seed=11).theta.data
    np.testing.assert_allclose(drawn, start, rtol=1e-15)   # nn.Linear's draws (bound ± 1 ulp)
    model = ExpressionModel(LOGISTIC, "w1,w2,w3,b", dict(zip(("w1", "w2", "w3", "b"), start,
                                                             strict=True)), loss="bce")
    steps = {"nn": [], "formula": []}

    def recorder(key, read):
        return lambda event, info: steps[key].append(read()) if event == "step" else None

    common = dict(task="classification", epochs=4, batch_size=16, seed=5)
    train_loop(net, spec.loss_fn(), make_optimizer(optimizer, net.parameters(), 0.05),
               table.X, table.y, callback=recorder("nn", lambda: np.concatenate(
                   [net.linear.weight.data.ravel(), net.linear.bias.data])), **common)
    train_loop(model, model.loss_fn(), make_optimizer(optimizer, model.parameters(), 0.05),
               table.X, table.y, callback=recorder("formula", lambda: model.theta.data.copy()),
               **common)
    a, b = np.array(steps["nn"]), np.array(steps["formula"])
    assert a.shape == b.shape == (4 * 15, 4)
    assert np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-3)) < 1e-10
    assert np.abs(a[-1] - start).max() > 0.1            # it did move


def test_cli_fit_and_train_give_the_same_logistic_regression():
    common = ["--seed", "3", "--epochs", "2", "--test-size", "0.2", "--optimizer", "adam",
              "--lr", "0.05", "--format", "json"]
    fit = json.loads(run(LOGISTIC.replace(" + w3*x3", ""), "--params", "w1,w2,b",
                         *common).output)
    train = json.loads(CliRunner().invoke(cli, ["train", "--model", "logistic",
                                                "--no-standardize", *common]).output)
    w = train["weights"]["linear.weight"][0] + train["weights"]["linear.bias"]
    np.testing.assert_allclose([fit["params"][p] for p in ("w1", "w2", "b")], w,
                               rtol=1e-10)
    assert fit["metrics"]["test"]["accuracy"] == train["metrics"]["test"]["accuracy"]


# -- what it shows ---------------------------------------------------------------------------
def test_formula_with_learned_values_in_text_and_latex():
    m = ExpressionModel("sigmoid(w1*x1 + w2*x2 + b)", "w1,w2,b",
                        {"w1": 1.5, "w2": -0.7, "b": 0.123456789})
    assert m.formula() == "sigmoid(1.5·x1 - 0.7·x2 + 0.123457)"
    assert m.formula("latex") == r"\sigma(1.5 \, x_{1} - 0.7 \, x_{2} + 0.123457)"
    assert m.formula(digits=None).endswith("+ 0.123456789)")


def test_explain_is_the_loss_trace_of_one_sample_with_its_three_tables():
    result = autodiff.fit("sigmoid(w1*x1 + w2*x2 + b)", "w1,w2,b", epochs=2, seed=1)
    ev = result.explain(5, "w2")
    x, y = result.sample(5)
    assert ev.at["x1"] == x["x1"] == result.table.X[5, 0] and ev.at["y"] == y
    assert ev.wrt == "w2"
    # tangent along w2 and the adjoint of w2 are both ∂ℓ₅/∂w2, equal to the batch gradient
    # of a batch of that one sample
    out = result.model({"x1": np.array([x["x1"]]), "x2": np.array([x["x2"]])})
    _, grad = result.model.loss_trace.gradient(out.primals, np.array([y]))
    assert float(ev.forward.derivative) == pytest.approx(grad[1], rel=1e-12)
    assert float(ev.gradient["w2"]) == pytest.approx(grad[1], rel=1e-12)
    text = ev.render("table")
    assert "Primal trace" in text and "Tangent trace" in text and "Adjoint trace" in text
    assert "bce(v11, v6)" in text
    with pytest.raises(InputError, match="rows 0 to 999"):
        result.explain(1000)
    with pytest.raises(InputError, match="not a parameter"):
        result.explain(0, "x1")


def test_cli_explain_prints_tables_and_writes_the_graph(tmp_path):
    graph = tmp_path / "g.dot"
    r = run("sigmoid(w1*x1 + w2*x2 + b)", "--params", "w1,w2,b", "--epochs", "1",
            "--explain", "3", "--explain-wrt", "b", "--explain-graph", str(graph))
    assert r.exit_code == 0, r.output
    assert "sample 3: the loss trace" in r.output and "∂/∂b" in r.output
    assert "μ = sigmoid(" in r.output and r"LaTeX: \sigma(" in r.output
    dot = graph.read_text()
    assert "v12" in dot and "->" in dot
    r = run("sigmoid(w1*x1 + w2*x2 + b)", "--params", "w1,w2,b", "--epochs", "1",
            "--explain", "3", "--format", "json")
    doc = json.loads(r.output)
    assert doc["explain"]["sample"] == 3 and doc["explain"]["wrt"] == "w1"
    assert [row["var"] for row in doc["explain"]["trace"]][-1] == "v12"
    assert list(doc)[-1] == "params" and set(doc["params"]) == {"w1", "w2", "b"}
    assert doc["model"]["text"].startswith("sigmoid(") and doc["loss"] == "bce"


def test_save_reload_predict(tmp_path):
    path, X, _ = regression_csv(tmp_path)
    saved = tmp_path / "model.json"
    r = run("w1*x1 + w2*x2 + b", "--params", "w1,w2,b", "--data", str(path), "--target", "t",
            "--features", "x1=a,x2=b", "--epochs", "3", "--save", str(saved), "--format", "json")
    assert r.exit_code == 0, r.output
    learned = json.loads(r.output)["params"]
    model = ExpressionModel.load(saved)
    assert model.values == learned                       # round-trip repr: exact
    assert model.saved["columns"] == {"x1": "a", "x2": "b"}
    want = X @ np.array([learned["w1"], learned["w2"]]) + learned["b"]
    np.testing.assert_allclose(model.predict(X), want, rtol=1e-13)
    np.testing.assert_allclose(model.predict({"x1": X[:, 0], "x2": X[:, 1]}), want, rtol=1e-13)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "autodiff-expression-model", "version": 1,
                               "formula": "w*x", "params": {"w": "oops"}, "loss": "mse"}))
    with pytest.raises(InputError, match="malformed"):
        ExpressionModel.load(bad)
    # `autodiff predict` reads the model's columns and applies the formula to the CSV rows
    p = CliRunner().invoke(cli, ["predict", str(saved), "--data", str(path), "--format", "json"])
    assert p.exit_code == 0, p.output
    np.testing.assert_allclose(json.loads(p.output)["predictions"], want, rtol=1e-13)
    p = CliRunner().invoke(cli, ["predict", str(bad), "--data", str(path)])
    assert p.exit_code == 2 and "params.w: expected a number" in p.output


def test_state_dict_names_each_parameter_and_loads_back():
    m = ExpressionModel("w*x + b", "w,b", {"w": 2.0, "b": -1.0})
    assert {k: float(v) for k, v in m.state_dict().items()} == {"w": 2.0, "b": -1.0}
    m.load_state_dict({"w": 0.5, "b": 0.25})
    assert m.values == {"w": 0.5, "b": 0.25}
    with pytest.raises(InputError, match="missing"):
        m.load_state_dict({"w": 1.0})


# -- bad input: one message, exit status 2 -----------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["w1*x1 + b", "--params", "w9"], "w9 does not occur in the formula"),
    (["w1*x1 + w3*x3 + b", "--params", "w1,w3,b"], "feature x3 has no column"),
    (["x1 + x2", "--params", ""], "has no parameters"),
    (["w1*x1 + b", "--params", "w1,b", "--features", "z=x2"], "z is not a feature"),
    (["w1*x1 + b", "--params", "w1,b", "--init", "q=1"], "q is not a parameter"),
    (["w1*x1 + b", "--params", "w1,w1,b"], "w1 is named twice"),
    (["w1*x1 + b", "--params", "w1,b", "--loss", "bce"], "probability in [0, 1]"),
    (["w1*x1 + b", "--params", "w1,b", "--explain-wrt", "b"], "need --explain N"),
    (["w1*x1 +", "--params", "w1"], "line 1"),
])
def test_bad_input_is_one_message_and_exit_2(args, message):
    r = run(*args, "--epochs", "1")
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


def test_bad_csv_columns_exit_2(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x1,name,y\n1.0,abc,2.0\n2.0,def,3.0\n3.0,ghi,4.5\n")
    r = run("w*x1 + b", "--params", "w,b", "--data", str(path), "--target", "y")
    assert r.exit_code == 2 and "'abc' is not a number" in r.output
    path.write_text("x1,y\n1.0,2.0\n2.0,3.0\n3.0,4.5\n")
    r = run("w*x1 + b", "--params", "w,b", "--data", str(path), "--target", "y",
            "--features", "x1=col_a")
    assert r.exit_code == 2 and "no column 'col_a'" in r.output
    r = run("w*y + b", "--params", "w,b", "--data", str(path), "--target", "y")
    assert r.exit_code == 2 and "target column" in r.output
    r = run("w*x1 + b", "--params", "w,b", "--data", str(path), "--target", "y",
            "--save", str(path.with_suffix(".json")), "--history", str(path.with_suffix(".json")))
    assert r.exit_code == 2 and "name the same file" in r.output
    assert not path.with_suffix(".json").exists()
