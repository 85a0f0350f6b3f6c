"""MSELoss, BCELoss, BCEWithLogitsLoss: values and input gradients against PyTorch (recorded by
tests/fixtures/record_torch_nn.py), the clamp and the stable logits, reductions, and bad input
with PyTorch's messages."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import InputError, nn
from autodiff.autograd import Tensor
from autodiff.nn import functional as F

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "nn_torch.json").read_text())
CLAMP_GRAD = "at the clamp"


def _id(case):
    return f"{case['loss']}({case['kwargs']})-{case['G'] if np.ndim(case['G']) == 0 else 'G'}"


def _run(case):
    kwargs = dict(case["kwargs"])
    loss_fn = getattr(nn, case["loss"])(**kwargs)
    x = Tensor(case["input"], requires_grad=True)
    value = loss_fn(x, Tensor(case["target"]))
    (value * Tensor(case["G"])).sum().backward()
    return value.data, x.grad.data


def _is_clamp_case(case):
    return case["loss"] == "BCELoss" and case["input"][0] == 0.0


@pytest.mark.parametrize("case", FIXTURE["losses"], ids=_id)
def test_loss_value_matches_torch(case):
    value, _ = _run(case)
    np.testing.assert_allclose(value, case["value"], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", [c for c in FIXTURE["losses"] if not _is_clamp_case(c)],
                         ids=_id)
def test_loss_gradient_matches_torch(case):
    _, grad = _run(case)
    np.testing.assert_allclose(grad, case["grad_input"], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("case", [c for c in FIXTURE["losses"] if _is_clamp_case(c)], ids=_id)
def test_bce_gradient_at_the_clamp_matches_torch(case):
    _, grad = _run(case)
    np.testing.assert_allclose(grad, case["grad_input"], rtol=1e-10, atol=1e-14)


def test_bce_clamps_each_log_at_minus_100():
    p = Tensor([0.0, 1.0, 0.0, 1.0])
    y = Tensor([1.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(nn.BCELoss(reduction="none")(p, y).data, [100, 100, 0, 0])


def test_bce_is_the_slides_sum_and_torchs_mean():
    rng = np.random.default_rng(0)
    p, y = rng.uniform(0.01, 0.99, size=(9, 1)), (rng.random((9, 1)) < 0.5) * 1.0
    slide = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert nn.BCELoss(reduction="sum")(Tensor(p), Tensor(y)).item() == pytest.approx(slide,
                                                                                      rel=1e-13)
    assert nn.BCELoss()(Tensor(p), Tensor(y)).item() == pytest.approx(slide / 9, rel=1e-13)


def test_mse_is_the_slides_mean():
    rng = np.random.default_rng(1)
    mu, y = rng.normal(size=(7, 1)), rng.normal(size=(7, 1))
    assert nn.MSELoss()(Tensor(mu), Tensor(y)).item() == pytest.approx(np.mean((y - mu) ** 2),
                                                                       rel=1e-13)


@settings(deadline=None)
@given(st.floats(-12, 12), st.floats(0, 1))
def test_bce_with_logits_equals_bce_of_sigmoid(z, y):
    """Where 1 − σ(z) keeps its digits, the two losses and their gradients agree."""
    zt = Tensor([z], requires_grad=True)
    a = nn.BCEWithLogitsLoss()(zt, Tensor([y]))
    a.backward()
    pt = Tensor([1 / (1 + np.exp(-z))], requires_grad=True)
    b = nn.BCELoss()(pt, Tensor([y]))
    b.backward()
    p = pt.data[0]
    assert a.item() == pytest.approx(b.item(), rel=1e-8, abs=1e-9)
    assert zt.grad.data[0] == pytest.approx(pt.grad.data[0] * p * (1 - p), rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("z", [-1e4, -800.0, -50.0, 50.0, 800.0, 1e4])
def test_bce_with_logits_is_finite_for_large_logits(z):
    zt = Tensor([z, z], requires_grad=True)
    y = Tensor([0.0, 1.0])
    loss = nn.BCEWithLogitsLoss(reduction="none", pos_weight=Tensor([3.0]))(zt, y)
    loss.sum().backward()
    assert np.all(np.isfinite(loss.data)) and np.all(np.isfinite(zt.grad.data))
    # the loss of a confidently wrong logit is |z| (times pos_weight for a positive)
    wrong = 0 if z > 0 else 1
    assert loss.data[wrong] == pytest.approx(abs(z) * (3.0 if wrong == 1 else 1.0))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("loss", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_reductions(loss, reduction):
    p, y = np.array([[0.2], [0.9], [0.6]]), np.array([[0.0], [1.0], [1.0]])
    none = getattr(nn, loss)(reduction="none")(Tensor(p), Tensor(y)).data
    got = getattr(nn, loss)(reduction=reduction)(Tensor(p), Tensor(y)).data
    want = {"mean": none.mean(), "sum": none.sum(), "none": none}[reduction]
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert none.shape == (3, 1)


def _torch_words(name):
    """PyTorch's message with its ``torch.Size([3, 1])`` written as numpy's ``(3, 1)``."""
    def shape(m):
        dims = [d.strip() for d in m.group(1).split(",") if d.strip()]
        return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
    return re.sub(r"torch\.Size\(\[(.*?)\]\)", shape, FIXTURE["errors"][name]["message"])


BAD = [
    ("bce target above 1", "BCELoss", [[0.2], [0.7]], [[2.0], [0.0]]),
    ("bce target below 0", "BCELoss", [[0.2], [0.7]], [[-1.0], [0.0]]),
    ("bce input above 1", "BCELoss", [[1.5], [0.7]], [[1.0], [0.0]]),
    ("bce input nan", "BCELoss", [[float("nan")], [0.7]], [[1.0], [0.0]]),
    ("bce shape", "BCELoss", [[0.2], [0.7], [0.9]], [1.0, 0.0, 1.0]),
    ("bce with logits shape", "BCEWithLogitsLoss", [[0.2], [0.7], [0.9]], [1.0, 0.0, 1.0]),
    ("mse shape", "MSELoss", [[0.2], [0.7], [0.9]], [1.0, 0.0, 1.0]),
]


@pytest.mark.parametrize("name, loss, output, target", BAD, ids=[b[0] for b in BAD])
def test_bad_input_in_pytorchs_words(name, loss, output, target):
    with pytest.raises(InputError) as err:
        getattr(nn, loss)()(Tensor(output), Tensor(target))
    assert str(err.value) == _torch_words(name)


def test_mse_shape_mismatch_is_an_error_not_a_broadcast():
    """PyTorch only warns, then broadcasts (N, 1) against (N,) to an N × N loss; we refuse."""
    assert FIXTURE["errors"]["mse shape"]["warns"] == "UserWarning"
    with pytest.raises(InputError, match="different to the input size"):
        F.mse_loss(Tensor(np.zeros((4, 1))), np.zeros(4))


@pytest.mark.parametrize("loss", ["MSELoss", "BCELoss", "BCEWithLogitsLoss"])
def test_unknown_reduction(loss):
    with pytest.raises(InputError) as err:
        getattr(nn, loss)(reduction="avg")
    assert str(err.value) == FIXTURE["errors"]["reduction"]["message"]


def test_losses_accept_numpy_targets_and_give_scalar_tensors():
    out = nn.Sigmoid()(Tensor([[0.5], [-1.0]], requires_grad=True))
    loss = nn.BCELoss()(out, np.array([[1.0], [0.0]]))
    assert loss.shape == () and loss.requires_grad


_EDGES = [0.0, -0.0, 1.0, float(np.nextafter(1.0, 2.0)), float(np.nextafter(0.0, -1.0)),
          5e-324, 0.5, np.inf, -np.inf, np.nan]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_EDGES) | st.floats(-3, 3), min_size=1, max_size=8),
       st.sampled_from([np.float64, np.float32]))
def test_bce_refuses_exactly_the_targets_outside_the_unit_interval(values, dtype):
    target = np.array(values, dtype=dtype)
    inside = bool(np.all((target >= 0) & (target <= 1)))  # nan is outside
    p = Tensor(np.full(len(values), 0.5, dtype=dtype), requires_grad=True)
    if inside:
        F.binary_cross_entropy(p, Tensor(target))
    else:
        with pytest.raises(InputError, match="target should be between 0 and 1"):
            F.binary_cross_entropy(p, Tensor(target))
