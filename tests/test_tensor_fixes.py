"""Regression tests for the eight wrong answers of issue 17 (each against PyTorch's documented
behaviour, with inputs of our own)."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import autodiff as ad
from autodiff import InputError, Tensor, nn


# 1. pow's partials at 0: PyTorch's masked forms, also at second order --------------------------
@pytest.mark.parametrize("base, expo, want", [(0.0, 0.0, 0.0), (0.0, 3.0, 0.0), (0.0, 1.0, 1.0),
                                              (2.0, 0.0, 0.0)])
def test_pow_partial_in_the_base_is_zero_where_the_exponent_is(base, expo, want):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(ad.grad(lambda x: x ** expo)(base)) == want


@pytest.mark.parametrize("expo", [0.0, 0.25, 2.0])
def test_pow_partial_in_the_exponent_is_zero_at_a_zero_base(expo):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(ad.grad(lambda y: 0.0 ** y)(expo)) == 0.0


@pytest.mark.filterwarnings("error::RuntimeWarning")  # the double where: no inf·0 anywhere
def test_pow_second_derivatives_at_zero():
    assert float(ad.grad(ad.grad(lambda x: x ** 1.0))(0.0)) == 0.0
    assert float(ad.grad(ad.grad(lambda x: x ** 3.0))(0.0)) == 0.0
    assert float(ad.grad(ad.grad(lambda x: 3 * x ** 2.0))(0.0)) == 6.0
    # the recorded (tensor) partial is masked too: a Hessian through x**0 at 0
    h = ad.hessian(lambda x: (x ** 0.0).sum() + (x * x).sum())(Tensor([0.0, 1.0]))
    assert np.array_equal(h.data, 2 * np.eye(2))


def test_pow_partials_are_unchanged_away_from_zero():
    g = ad.grad(lambda x, y: x ** y, argnums=(0, 1))(Tensor(1.5), Tensor(2.5))
    assert np.isclose(float(g[0]), 2.5 * 1.5 ** 1.5)
    assert np.isclose(float(g[1]), np.log(1.5) * 1.5 ** 2.5)


# 2. a list of tensors is stacked (gradient kept) or refused, never a constant -----------------
def test_a_list_of_tensors_is_stacked_by_the_functions():
    x = Tensor(2.0, requires_grad=True)
    y = ad.mean([x, 3 * x, x * x])
    assert y.requires_grad
    y.backward()
    assert np.isclose(float(x.grad), (1 + 3 + 4) / 3)
    w = Tensor([1.0, -1.0], requires_grad=True)
    ad.sum([w, w * 2]).backward()
    assert np.array_equal(w.grad.data, [3.0, 3.0])


def test_tensor_refuses_a_list_that_would_drop_the_gradient():
    x = Tensor(1.0, requires_grad=True)
    for make in (Tensor, ad.tensor):
        with pytest.raises(InputError, match="stack"):
            make([x, x + 1])
    assert Tensor([Tensor(1.0), Tensor(2.0)]).data.tolist() == [1.0, 2.0]  # no grad: values


# 3. maximum/minimum: a tie splits 1/2-1/2 everywhere ------------------------------------------
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_ties_split_the_gradient_in_every_interface(name):
    a = Tensor([4.0, -1.0], requires_grad=True)
    b = Tensor([4.0, 2.0], requires_grad=True)
    getattr(ad, name)(a, b).sum().backward()
    other = [0.0, 1.0] if name == "maximum" else [1.0, 0.0]
    assert a.grad.data.tolist() == [0.5, other[0]]
    assert b.grad.data.tolist() == [0.5, other[1]]
    a2 = Tensor([4.0], requires_grad=True)
    getattr(a2, name)(Tensor([4.0])).backward(np.ones(1))
    assert a2.grad.data.tolist() == [0.5]
    g = ad.evaluate(f"{name}(x, y)", at={"x": 2.0, "y": 2.0}).gradient
    assert (g["x"], g["y"]) == (0.5, 0.5)


# 4. float32 kept --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_with_a_python_number_keeps_float32(name):
    x = Tensor(np.array([-2.0, 3.0], np.float32), requires_grad=True)
    y = getattr(ad, name)(x, 1)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


# 5. negative axes in transpose -------------------------------------------------------------------
def test_transpose_with_negative_axes_and_its_backward():
    data = np.arange(24.0).reshape(2, 3, 4)
    x = Tensor(data, requires_grad=True)
    y = x.transpose((-2, -1, 0))
    assert np.array_equal(y.data, data.transpose(1, 2, 0))
    cot = np.arange(24.0).reshape(y.shape)
    (y * cot).sum().backward()
    assert np.array_equal(x.grad.data, cot.transpose(2, 0, 1))
    with pytest.raises(InputError):
        x.transpose((0, 0, 1))


# 6. degenerate reductions ------------------------------------------------------------------------
def test_var_of_one_entry_is_nan_with_a_nan_gradient():
    x = Tensor([[5.0], [1.0]], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = x.var(dim=1)
        assert np.isnan(v.data).all()
        v.sum().backward()
    assert np.isnan(x.grad.data).all()
    assert x.var(dim=1, correction=0).data.tolist() == [0.0, 0.0]


def test_mean_over_an_empty_axis_is_nan_and_backward_works():
    e = Tensor(np.zeros((0, 2)), requires_grad=True)
    m = e.mean(dim=0)
    assert m.shape == (2,) and np.isnan(m.data).all()
    m.sum().backward()
    assert e.grad.shape == (0, 2)


def test_dims_are_checked_in_forward():
    s = Tensor(3.0, requires_grad=True)
    r = s.sum(-1)
    r.backward()
    assert float(r) == 3.0 and float(s.grad) == 1.0
    for bad in (lambda: Tensor([1.0, 2.0]).sum(1), lambda: Tensor([[1.0]]).mean(-3),
                lambda: Tensor(1.0).sum(1), lambda: Tensor([[1.0]]).sum((0, 0))):
        with pytest.raises(InputError):
            bad()


# 7. optim after import, size(), float(), numpy ufuncs --------------------------------------------
def test_subpackages_are_reachable_after_import_autodiff():
    code = ("import sys, autodiff\nassert 'autodiff.optim' not in sys.modules\n"
            "print(autodiff.optim.Adam.__name__, autodiff.nn.Linear.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["Adam", "Linear"]


def test_size_numel_dim_and_python_numbers():
    x = Tensor(np.zeros((4, 5)))
    assert x.size() == (4, 5) and x.size(0) == 4 and x.size(-1) == 5
    assert x.numel() == 20 and x.dim() == 2
    assert float(Tensor([[1.25]])) == 1.25 and int(Tensor([7.0])) == 7
    with pytest.raises(InputError):
        float(Tensor([1.0, 2.0]))


def test_numpy_ufuncs_on_tensors_are_recorded():
    x = Tensor([0.5, 2.0], requires_grad=True)
    y = np.sin(x) + np.multiply(np.array([1.0, 2.0]), x)
    assert isinstance(y, Tensor) and y.requires_grad
    y.sum().backward()
    assert np.allclose(x.grad.data, np.cos([0.5, 2.0]) + [1.0, 2.0])
    assert (np.array([1.0, 3.0]) > Tensor([2.0, 2.0])).data.tolist() == [False, True]
    with pytest.raises(InputError):
        np.fmax(x, 1.0)  # not a primitive: refused rather than losing the gradient


# 8. BCELoss silent at 0 and 1 --------------------------------------------------------------------
def test_bce_at_saturated_probabilities_is_silent_and_clamped():
    p = Tensor([1.0, 0.0, 0.25], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = nn.BCELoss(reduction="sum")(p, Tensor([0.0, 1.0, 0.0]))
        loss.backward()
    assert np.isclose(float(loss), 200.0 - np.log(0.75))
    assert np.all(np.isfinite(p.grad.data))


def test_docs_tensor_md_lists_every_top_level_tensor_function():
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "tensor.md").read_text("utf-8")
    missing = [n for n in ad.TENSOR_FUNCTIONS if f"`{n}`" not in page and f"`{n}(" not in page]
    assert not missing, f"docs/tensor.md does not list {missing}"
