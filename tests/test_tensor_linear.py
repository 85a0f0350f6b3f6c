"""The fused ``linear`` array primitive (``x Wᵀ + b``, what ``nn.Linear`` records), the
registry's ``maximum`` (BCE's gradient floor), PyTorch's sigmoid and BCE formulas, and BCE's
[0, 1] checks."""

import warnings

import numpy as np
import pytest

from autodiff import REGISTRY, InputError, Tensor, nn
from autodiff.autograd import ops, tensor_evaluation
from autodiff.nn import functional as F
from autodiff.testing import check_grads


# --- linear -----------------------------------------------------------------------------------
@pytest.mark.parametrize("x_shape", [(5, 4), (4,), (2, 3, 4)], ids=["batch", "one", "3-d"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
def test_linear_derivatives_match_central_differences(x_shape, bias):
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=x_shape), rng.normal(size=(3, 4)), rng.normal(size=3)
    if bias:
        check_grads(lambda x, W, b: F.linear(x, W, b), x, W, b, order=2)
    else:
        check_grads(lambda x, W: F.linear(x, W), x, W, order=2)


def test_linear_is_one_record_with_the_numbers_of_matmul_then_add():
    rng = np.random.default_rng(2)
    X, W, b, G = (rng.normal(size=s) for s in ((8, 5), (2, 5), (2,), (8, 2)))
    fused = [Tensor(W, requires_grad=True), Tensor(b, requires_grad=True)]
    apart = [Tensor(W, requires_grad=True), Tensor(b, requires_grad=True)]
    out = F.linear(Tensor(X), *fused)
    ref = Tensor(X) @ apart[0].T + apart[1]
    assert out._op is ops.linear and out._args[1] is fused[0]
    np.testing.assert_array_equal(out.data, ref.data)
    (out * G).sum().backward()
    (ref * G).sum().backward()
    for f, a in zip(fused, apart, strict=True):
        np.testing.assert_allclose(f.grad.data, a.grad.data, rtol=1e-14, atol=0)
    np.testing.assert_allclose(fused[0].grad.data, G.T @ X, rtol=1e-14)  # W̄ = Ḡᵀ X
    np.testing.assert_array_equal(fused[1].grad.data, G.sum(axis=0))    # b̄ = Σ_rows Ḡ


def test_a_linear_layer_prints_as_one_step_of_the_trace():
    layer = nn.Linear(3, 1)
    X = Tensor(np.random.default_rng(3).normal(size=(4, 3)))
    y = Tensor(np.array([[1.0], [0.0], [1.0], [0.0]]))
    loss = nn.BCELoss()(layer(X).sigmoid(), y)
    text = tensor_evaluation(loss, {"X": X, "W": layer.weight, "b": layer.bias,
                                    "y": y}).render("table")
    assert "v5 = v1 @ v2ᵀ + v3" in text and "v6 = sigmoid(v5)" in text
    assert "maximum(v6·(1 - v6), " in text  # BCE's gradient floor, as the registry's rule


# --- maximum: PyTorch's floor in BCE's partial ------------------------------------------------
def test_maximum_splits_a_tie_and_says_where_its_kink_is():
    m = REGISTRY["maximum"]
    x = np.float64(2.0)
    assert [rule(x, x, m.impl(x, x)) for rule in m.partials] == [0.5, 0.5]  # torch.maximum
    assert [rule(3.0, 2.0, 3.0) for rule in m.partials] == [1.0, 0.0]
    assert [rule(1.0, 2.0, 2.0) for rule in m.partials] == [0.0, 1.0]
    assert m.kinks == (0.0,) and m.kink_of(3.0, 2.0) == 1.0


def test_bce_gradient_keeps_pytorchs_floor_when_the_sigmoid_saturates():
    z = Tensor(np.array([[-800.0], [-40.0], [40.0], [800.0], [0.5]]), requires_grad=True)
    y = np.array([[0.0], [1.0], [0.0], [1.0], [1.0]])
    F.binary_cross_entropy(z.sigmoid(), y, reduction="sum").backward()
    p = REGISTRY["sigmoid"].impl(z.data)
    floor = np.maximum(p * (1 - p), np.float32(1e-12))  # PyTorch's max(p(1 - p), ε)
    np.testing.assert_array_equal(z.grad.data, (p - y) / floor * (p * (1 - p)))


# --- PyTorch's formulas ----------------------------------------------------------------------
def test_sigmoid_is_pytorchs_formula_bit_for_bit_and_never_warns():
    z = np.concatenate([np.linspace(-60, 60, 4001), [0.0, -0.0, 709.0, -709.0, 720.0, -720.0,
                                                     800.0, -800.0, np.inf, -np.inf, np.nan]])
    with np.errstate(over="ignore"):
        want = 1 / (1 + np.exp(-z))  # torch: (1 + exp(−x)).reciprocal()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert REGISTRY["sigmoid"].impl(z).tobytes() == want.tobytes()
    assert REGISTRY["sigmoid"].impl(-800.0) == 0.0 and REGISTRY["sigmoid"].impl(800.0) == 1.0
    sigmoid = REGISTRY["sigmoid"].impl
    assert sigmoid(np.float32(3.0)).dtype == np.float32
    assert isinstance(sigmoid(0.25), float) and sigmoid(0.25) == 1 / (1 + np.exp(-0.25))
    assert sigmoid(np.array([1, 2])).dtype == np.float64
    assert abs(sigmoid(0.5 + 1e-20j).imag - 1e-20 * sigmoid(0.5) * (1 - sigmoid(0.5))) < 1e-35


def test_bce_is_pytorchs_formula_bit_for_bit():
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.random(500), [0.0, 1.0, 1e-300, 1 - 1e-16, 0.5]])
    y = np.concatenate([rng.random(250), rng.integers(0, 2, 250), [0.0, 1.0, 1.0, 0.0, 0.3]])
    with np.errstate(divide="ignore"):
        want = (y - 1) * np.maximum(np.log1p(-p), -100) - y * np.maximum(np.log(p), -100)
        got = REGISTRY["bce"].impl(p, y)
        assert got.tobytes() == want.tobytes()
        assert REGISTRY["bce"].impl(float(p[3]), float(y[3])) == want[3]


# --- BCELoss's checks -------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("p, y, wrong", [
    ([[1.5], [0.7]], [[2.0], [0.0]], "input"),  # both wrong: PyTorch names the input
    ([[-0.5], [0.7]], [[1.0], [0.0]], "input"),
    ([[np.nan], [0.7]], [[1.0], [0.0]], "input"),
    ([[0.5], [0.7]], [[1.0], [-0.1]], "target"),
], ids=["both", "input-below", "input-nan", "target"])
def test_bce_names_what_is_outside_the_unit_interval(reduction, p, y, wrong):
    weight = Tensor([[0.0], [1.0]])  # a zero weight does not hide a wrong entry
    with np.errstate(all="ignore"), pytest.raises(
            InputError, match=f"^all elements of {wrong} should be between 0 and 1$"):
        nn.BCELoss(weight=weight, reduction=reduction)(Tensor(p), Tensor(y))


def test_a_nan_weight_gives_a_nan_loss_not_an_error():
    loss = nn.BCELoss(weight=Tensor([[np.nan], [1.0]]))(Tensor([[0.5], [0.7]]),
                                                        Tensor([[1.0], [0.0]]))
    assert np.isnan(loss.item())
