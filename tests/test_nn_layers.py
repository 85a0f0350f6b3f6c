"""Linear, Sequential, the activations, the lecture's models and the hand-derived gradients
(autodiff.nn.manual) checked against reverse-mode AD."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import InputError, nn
from autodiff.autograd import Tensor
from autodiff.nn import manual

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "nn_torch.json").read_text())


# --- Linear ---------------------------------------------------------------------------------
def test_linear_computes_x_w_transpose_plus_b_and_its_gradients():
    rng = np.random.default_rng(0)
    layer = nn.Linear(4, 3)
    x = Tensor(rng.normal(size=(5, 4)), requires_grad=True)
    G = rng.normal(size=(5, 3))
    out = layer(x)
    W, b = layer.weight.data, layer.bias.data
    np.testing.assert_allclose(out.data, x.data @ W.T + b, rtol=1e-14)
    (out * Tensor(G)).sum().backward()
    np.testing.assert_allclose(layer.weight.grad.data, G.T @ x.data, rtol=1e-13)
    np.testing.assert_allclose(layer.bias.grad.data, G.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(x.grad.data, G @ W, rtol=1e-13)


def test_linear_has_pytorchs_parameter_layout():
    layer = nn.Linear(3, 2)
    assert [(n, p.shape) for n, p in layer.named_parameters()] == [("weight", (2, 3)),
                                                                   ("bias", (2,))]
    assert all(p.requires_grad for p in layer.parameters())
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=True)"
    no_bias = nn.Linear(3, 2, bias=False)
    assert no_bias.bias is None and [n for n, _ in no_bias.named_parameters()] == ["weight"]
    np.testing.assert_allclose(no_bias(Tensor(np.eye(3))).data, no_bias.weight.data.T)


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in():
    """kaiming_uniform_(a=√5) is U(−1/√in, 1/√in); the bias has the same bound."""
    fan_in = 200
    layer = nn.Linear(fan_in, 300)
    bound = 1 / math.sqrt(fan_in)
    w, b = layer.weight.data, layer.bias.data
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > 0.99 * bound  # fills the interval
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.02)  # uniform's variance
    assert abs(w.mean()) < 0.01 * bound
    layer2 = nn.Linear(fan_in, 300)
    assert not np.array_equal(layer2.weight.data, w)  # symmetry breaking: fresh draws


def test_linear_init_is_reproducible_with_a_generator():
    a = nn.Linear(3, 2, generator=np.random.default_rng(5))
    b = nn.Linear(3, 2, generator=np.random.default_rng(5))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    np.testing.assert_array_equal(a.bias.data, b.bias.data)


def test_linear_shape_mismatch_in_pytorchs_words():
    with pytest.raises(InputError) as err:
        nn.Linear(2, 3)(Tensor(np.ones((4, 3))))
    assert str(err.value) == FIXTURE["errors"]["linear shape"]["message"]


def test_linear_applies_to_the_last_axis():
    layer = nn.Linear(3, 2)
    x = np.random.default_rng(1).normal(size=(2, 4, 3))
    np.testing.assert_allclose(layer(Tensor(x)).data,
                               x @ layer.weight.data.T + layer.bias.data, rtol=1e-14)


# --- Sequential and activations -------------------------------------------------------------
def test_sequential_applies_in_order_and_names_children_by_position():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight",
                                                        "2.bias"]
    assert len(model) == 4 and isinstance(model[1], nn.Tanh) and isinstance(model[-1], nn.Sigmoid)
    x = np.random.default_rng(2).normal(size=(6, 3))
    h = np.tanh(x @ model[0].weight.data.T + model[0].bias.data)
    want = 1 / (1 + np.exp(-(h @ model[2].weight.data.T + model[2].bias.data)))
    np.testing.assert_allclose(model(Tensor(x)).data, want, rtol=1e-13)
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is model[0]
    model.append(nn.ReLU())
    assert len(model) == 5 and list(model)[-1].__class__ is nn.ReLU


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="is not a Module subclass"):
        nn.Sequential(nn.Linear(2, 2), lambda x: x)


@pytest.mark.parametrize("act, f, df", [
    (nn.Sigmoid, lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    (nn.Tanh, np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    (nn.ReLU, lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
])
def test_activations_and_their_derivatives(act, f, df):
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    zt = Tensor(z, requires_grad=True)
    out = act()(zt)
    out.sum().backward()
    np.testing.assert_allclose(out.data, f(z), rtol=1e-14)
    np.testing.assert_allclose(zt.grad.data, df(z), rtol=1e-12)  # relu'(0) = 0, as PyTorch


def test_sigmoid_is_stable_for_large_inputs():
    out = nn.Sigmoid()(Tensor([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out.data, [0.0, 1.0])


# --- the lecture's models -------------------------------------------------------------------
def test_linear_and_logistic_regression():
    x = np.random.default_rng(3).normal(size=(5, 3))
    lin, log = nn.LinearRegression(3), nn.LogisticRegression(num_features=3)
    assert [n for n, _ in lin.named_parameters()] == ["linear.weight", "linear.bias"]
    assert [n for n, _ in log.named_parameters()] == ["linear.weight", "linear.bias"]
    z = x @ log.linear.weight.data.T + log.linear.bias.data
    np.testing.assert_allclose(log(Tensor(x)).data, 1 / (1 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_allclose(lin(Tensor(x)).data,
                               x @ lin.linear.weight.data.T + lin.linear.bias.data, rtol=1e-14)


def test_mlp_layers():
    mlp = nn.MLP(4, hidden=(8, 6), out_features=2, activation="tanh")
    kinds = [type(m).__name__ for m in mlp.layers]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert [m.out_features for m in mlp.layers if isinstance(m, nn.Linear)] == [8, 6, 2]
    assert mlp(Tensor(np.ones((3, 4)))).shape == (3, 2)
    head = nn.MLP(2, hidden=(), out_features=1, output_activation=nn.Sigmoid)
    assert [type(m).__name__ for m in head.layers] == ["Linear", "Sigmoid"]
    assert [type(m).__name__ for m in nn.MLP(2).layers] == ["Linear", "ReLU", "Linear"]


def test_mlp_unknown_activation():
    with pytest.raises(InputError, match="unknown activation 'swish'"):
        nn.MLP(2, activation="swish")


def test_mlp_trains_on_xor():
    """A task a linear model cannot do: two hidden tanh units suffice."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    nn.init.manual_seed(3)
    from autodiff.optim import Adam
    model = nn.MLP(2, hidden=(8,), out_features=1, activation="tanh")
    opt, loss_fn = Adam(model.parameters(), lr=0.05), nn.BCEWithLogitsLoss()
    for _ in range(400):
        loss = loss_fn(model(Tensor(X)), Tensor(y))
        loss.backward()
        opt.step()
        opt.zero_grad()
    assert loss.item() < 0.05
    assert np.array_equal(model(Tensor(X)).data > 0, y > 0.5)


# --- the hand-derived gradients against AD --------------------------------------------------
def _ad_gradient(loss_of_w, w0):
    w = Tensor(w0, requires_grad=True)
    loss_of_w(w).backward()
    return w.grad.data


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 30), st.integers(1, 5))
def test_manual_gradients_equal_reverse_mode(seed, n, d):
    rng = np.random.default_rng(seed)
    X, w = rng.normal(size=(n, d)), rng.normal(size=d)
    y_reg, y_cls = rng.normal(size=n), (rng.random(n) < 0.5) * 1.0
    Xt = Tensor(X)
    mse = nn.MSELoss()
    np.testing.assert_allclose(manual.mse_gradient(X, y_reg, w),
                               _ad_gradient(lambda w: mse(Xt @ w, Tensor(y_reg)), w),
                               rtol=1e-10, atol=1e-12)
    for reduction in ("sum", "mean"):
        bce = nn.BCELoss(reduction=reduction)
        np.testing.assert_allclose(
            manual.bce_gradient(X, y_cls, w, reduction),
            _ad_gradient(lambda w, bce=bce: bce((Xt @ w).sigmoid(), Tensor(y_cls)), w),
            rtol=1e-9, atol=1e-12)


def test_manual_gradients_match_the_models_with_the_bias_as_a_feature():
    """The slides fold the bias into w: [w; b] with a column of ones appended to X."""
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(20, 3)), (rng.random((20, 1)) < 0.5) * 1.0
    model = nn.LogisticRegression(3)
    nn.BCELoss(reduction="sum")(model(Tensor(X)), Tensor(y)).backward()
    w = np.concatenate([model.linear.weight.data.ravel(), model.linear.bias.data])
    g = manual.bce_gradient(np.hstack([X, np.ones((20, 1))]), y.ravel(), w)
    np.testing.assert_allclose(g[:3], model.linear.weight.grad.data.ravel(), rtol=1e-10)
    np.testing.assert_allclose(g[3], model.linear.bias.grad.data[0], rtol=1e-10)
    reg = nn.LinearRegression(3)
    t = rng.normal(size=(20, 1))
    nn.MSELoss()(reg(Tensor(X)), Tensor(t)).backward()
    w = np.concatenate([reg.linear.weight.data.ravel(), reg.linear.bias.data])
    g = manual.mse_gradient(np.hstack([X, np.ones((20, 1))]), t.ravel(), w)
    np.testing.assert_allclose(g[:3], reg.linear.weight.grad.data.ravel(), rtol=1e-10)
    np.testing.assert_allclose(g[3], reg.linear.bias.grad.data[0], rtol=1e-10)


def test_manual_gradient_shape_mismatch_and_reduction():
    X = np.ones((4, 2))
    with pytest.raises(InputError, match=r"shape \(4,\) but the labels y have shape \(4, 1\)"):
        manual.bce_gradient(X, np.ones((4, 1)), np.zeros(2))
    with pytest.raises(InputError, match="avg is not a valid value for reduction"):
        manual.mse_gradient(X, np.ones(4), np.zeros(2), reduction="avg")
