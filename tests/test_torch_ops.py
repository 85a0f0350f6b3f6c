"""The tensor operations, activations and losses of issue 17 against PyTorch 2.13, replayed from
``fixtures/ops_torch.json`` (recorded once by ``fixtures/record_torch_ops.py``; no torch here):
values and gradients to 1e-10 in float64 and to PyTorch's float32 tolerances (rtol 1.3e-6,
atol 1e-5) in float32, and the dtypes of value and gradients equal to PyTorch's."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import autodiff

HERE = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(HERE))
from ops_cases import CASES  # noqa: E402

RECORDED = json.loads((HERE / "ops_torch.json").read_text(encoding="utf-8"))["cases"]
TOLERANCE = {"float64": (1e-10, 1e-12), "float32": (1.3e-6, 1e-5)}


def cotangent(shape):
    n = int(np.prod(shape)) if shape else 1
    return (((np.arange(n) * 5) % 11 - 4.5) / 4).reshape(shape)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, fn", [(name, fn) for name, _, fn in CASES],
                         ids=[name for name, _, _ in CASES])
def test_value_gradients_and_dtypes_match_pytorch(name, fn, dtype):
    case = RECORDED[name]
    want = case[dtype]
    xs = [autodiff.tensor(x, dtype=dtype, requires_grad=True) for x in case["inputs"]]
    out = fn(autodiff, *xs)
    if isinstance(out, tuple):
        out = out[0]
    rtol, atol = TOLERANCE[dtype]
    assert out.dtype == np.dtype(want["dtype"])
    np.testing.assert_allclose(out.data, want["value"], rtol=rtol, atol=atol)
    (out * autodiff.tensor(cotangent(out.shape), dtype=out.dtype)).sum().backward()
    for x, g, gd in zip(xs, want["grads"], want["grad_dtypes"], strict=True):
        if g is None:
            assert x.grad is None or not x.grad.data.any()
            continue
        assert x.grad is not None and x.grad.dtype == np.dtype(gd)
        np.testing.assert_allclose(x.grad.data, g, rtol=rtol, atol=atol)


def test_every_case_was_recorded():
    assert sorted(RECORDED) == sorted(name for name, _, _ in CASES)
