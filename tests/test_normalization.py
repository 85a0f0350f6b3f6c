"""BatchNorm1d and LayerNorm against PyTorch (recorded by tests/fixtures/record_torch_nn.py):
forward values, gradients of ``Σ out ⊙ G`` with respect to input, γ and β, and the running
statistics, in float64 to 1e-10; plus the lecture's formulas and bad input."""

import json
from pathlib import Path

import numpy as np
import pytest

from autodiff import InputError, nn
from autodiff.autograd import Tensor

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "nn_torch.json").read_text())
RTOL, ATOL = 1e-10, 1e-12


def close(ours, theirs):
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=RTOL, atol=ATOL)


def _id(case):
    return ",".join(f"{k}={v}" for k, v in case["kwargs"].items())


@pytest.mark.parametrize("case", FIXTURE["batchnorm"], ids=_id)
def test_batchnorm1d_matches_torch(case):
    m = nn.BatchNorm1d(**case["kwargs"])
    if m.affine:
        m.weight.data[...] = case["weight"]
        m.bias.data[...] = case["bias"]
    for step in case["steps"]:
        m.train(step["mode"] == "train")
        m.zero_grad()
        x = Tensor(step["x"], requires_grad=True)
        out = m(x)
        (out * Tensor(step["G"])).sum().backward()
        close(out.data, step["out"])
        close(x.grad.data, step["grad_x"])
        if m.affine:
            close(m.weight.grad.data, step["grad_weight"])
            close(m.bias.grad.data, step["grad_bias"])
        if m.track_running_stats:
            close(m.running_mean, step["running_mean"])
            close(m.running_var, step["running_var"])
            assert int(m.num_batches_tracked) == step["num_batches_tracked"]
        else:
            assert m.running_mean is None and "running_mean" not in m.state_dict()


@pytest.mark.parametrize("case", FIXTURE["layernorm"], ids=_id)
def test_layernorm_matches_torch(case):
    m = nn.LayerNorm(**case["kwargs"])
    if "weight" in case:
        m.weight.data[...] = case["weight"]
    if "bias" in case:
        m.bias.data[...] = case["bias"]
    assert (m.weight is None) == ("weight" not in case)
    assert (m.bias is None) == ("bias" not in case)
    x = Tensor(case["x"], requires_grad=True)
    out = m(x)
    (out * Tensor(case["G"])).sum().backward()
    close(out.data, case["out"])
    close(x.grad.data, case["grad_x"])
    if "weight" in case:
        close(m.weight.grad.data, case["grad_weight"])
    if "bias" in case:
        close(m.bias.grad.data, case["grad_bias"])


def test_batchnorm_is_the_lectures_formula_per_feature():
    """μ_i, σ_i² over the batch (biased), â = (a − μ_i)/√(σ_i² + δ), ã = γ_i â + β_i."""
    rng = np.random.default_rng(1)
    a = rng.normal(size=(16, 3)) * [1.0, 5.0, 0.1] + [0.0, 3.0, -2.0]
    m = nn.BatchNorm1d(3, eps=1e-3)
    m.weight.data[...] = [2.0, 0.5, 1.0]
    m.bias.data[...] = [0.0, 1.0, -1.0]
    out = m(Tensor(a)).data
    mu, var = a.mean(axis=0), a.var(axis=0)
    np.testing.assert_allclose(out, (a - mu) / np.sqrt(var + 1e-3) * [2.0, 0.5, 1.0]
                               + [0.0, 1.0, -1.0], rtol=1e-12)
    # running statistics: momentum 0.1 towards the batch mean and the unbiased variance
    np.testing.assert_allclose(m.running_mean, 0.1 * mu, rtol=1e-12)
    np.testing.assert_allclose(m.running_var, 0.9 + 0.1 * a.var(axis=0, ddof=1), rtol=1e-12)
    m.eval()
    b = rng.normal(size=(4, 3))
    np.testing.assert_allclose(
        m(Tensor(b)).data,
        (b - m.running_mean) / np.sqrt(m.running_var + 1e-3) * [2.0, 0.5, 1.0] + [0.0, 1.0, -1.0],
        rtol=1e-12)


def test_layernorm_normalizes_each_example_with_per_feature_affine():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(5, 4)) * 3 + rng.normal(size=(5, 1)) * 10
    m = nn.LayerNorm(4)
    m.weight.data[...] = [1.0, 2.0, 3.0, 4.0]
    out = m(Tensor(a)).data
    mu_n, var_n = a.mean(axis=1, keepdims=True), a.var(axis=1, keepdims=True)
    np.testing.assert_allclose(out, (a - mu_n) / np.sqrt(var_n + 1e-5) * [1.0, 2.0, 3.0, 4.0],
                               rtol=1e-12)
    assert m.weight.shape == (4,) and m.bias.shape == (4,)  # per feature, not per example


def test_batchnorm_state_dict_has_running_statistics():
    m = nn.BatchNorm1d(2)
    m(Tensor([[1.0, 2.0], [3.0, 5.0]]))
    state = m.state_dict()
    assert list(state) == ["weight", "bias", "running_mean", "running_var",
                           "num_batches_tracked"]
    fresh = nn.BatchNorm1d(2)
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh.running_var, m.running_var)
    assert [name for name, _ in m.named_parameters()] == ["weight", "bias"]


@pytest.mark.parametrize("name", ["batchnorm one sample", "batchnorm 1d input"])
def test_batchnorm_bad_input_in_pytorchs_words(name):
    torch_message = FIXTURE["errors"][name]["message"]
    x = np.ones((1, 3)) if name == "batchnorm one sample" else np.ones(3)
    with pytest.raises(InputError) as err:
        nn.BatchNorm1d(3)(Tensor(x))
    assert str(err.value) == torch_message.replace("torch.Size([1, 3])", "(1, 3)")


def test_batchnorm_wrong_number_of_features():
    with pytest.raises(InputError, match=r"BatchNorm1d\(3\) expects input of shape \(N, 3\)"):
        nn.BatchNorm1d(3)(Tensor(np.ones((4, 2))))


def test_layernorm_bad_shape_in_pytorchs_words():
    with pytest.raises(InputError) as err:
        nn.LayerNorm((2, 3))(Tensor(np.ones((4, 3, 2))))
    assert str(err.value) == FIXTURE["errors"]["layernorm shape"]["message"]
