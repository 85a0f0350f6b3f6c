"""The Tensor's contract: PyTorch's attributes, gradient accumulation, no_grad, dtypes, errors."""

import numpy as np
import pytest

import autodiff
from autodiff import InputError, Tensor, no_grad
from autodiff.autograd import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    concatenate,
    where,
)
from autodiff.testing import check_grads


def test_attributes_follow_pytorch():
    t = Tensor([[1, 2, 3], [4, 5, 6]], requires_grad=True)
    assert isinstance(t.data, np.ndarray) and t.dtype == np.float64
    assert (t.shape, t.ndim, t.numel(), t.requires_grad, t.grad) == ((2, 3), 2, 6, True, None)
    assert t.size() == (2, 3) and t.size(-1) == 3 and t.dim() == 2  # PyTorch: size() is a method
    assert t.T.shape == (3, 2)
    assert t.numpy() is t.data
    assert Tensor(2.5).item() == 2.5
    d = t.detach()
    assert d.data is t.data and not d.requires_grad
    assert "requires_grad=True" in repr(t)


def test_integers_become_float64_unless_a_dtype_is_given():
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor([1, 2], dtype=np.int64).dtype == np.int64
    assert Tensor(np.ones(2, dtype=np.float32)).dtype == np.float32


def test_float32_is_preserved_by_python_scalars_and_in_gradients():
    x = Tensor(np.linspace(-1, 1, 5, dtype=np.float32), requires_grad=True)
    y = ((2.5 * x + 1.0) ** 2 / 3.0).sigmoid().log1p().mean()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32
    x64 = Tensor(x.data.astype(np.float64), requires_grad=True)
    ((2.5 * x64 + 1.0) ** 2 / 3.0).sigmoid().log1p().mean().backward()
    np.testing.assert_allclose(x.grad.data, x64.grad.data, rtol=1e-5)


def test_gradients_accumulate_until_zeroed():
    # the quiz: without zero_grad, a second backward adds to .grad
    w = Tensor([1.0, -2.0], requires_grad=True)
    x = Tensor([3.0, 4.0])
    (w * x).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [3.0, 4.0])
    (w * x).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [6.0, 8.0])
    w.grad = None  # what optimizer.zero_grad() does
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [2.0, -4.0])


def test_backward_with_an_explicit_gradient_for_a_non_scalar():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad.data, [2.0, 0.0, -6.0])


def test_gradients_of_broadcast_operands_are_reduced_to_their_shape():
    X = Tensor(np.arange(6.0).reshape(3, 2))
    b = Tensor(np.zeros((1, 2)), requires_grad=True)
    c = Tensor(1.0, requires_grad=True)
    (X + b + c).sum().backward()
    assert b.grad.shape == (1, 2) and c.grad.shape == ()
    np.testing.assert_array_equal(b.grad.data, [[3.0, 3.0]])
    assert c.grad.item() == 6.0


def test_no_grad_records_nothing():
    w = Tensor([1.0], requires_grad=True)
    with no_grad():
        y = w * 2
    assert not y.requires_grad and y.is_leaf
    assert (w * 2).requires_grad

    @no_grad()
    def f(v):
        return v * 3

    assert not f(w).requires_grad


def test_comparisons_give_tensors_without_gradient():
    x = Tensor([1.0, -1.0], requires_grad=True)
    m = x > 0
    assert m.dtype == bool and not m.requires_grad
    np.testing.assert_array_equal(m.data, [True, False])


def test_numpy_arrays_on_the_left_defer_to_the_tensor():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x
    assert isinstance(y, Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])


def test_a_long_chain_back_propagates_without_recursion():
    x = Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0001 + 1e-4
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 20_000, rel=1e-9)


def test_a_shared_subexpression_gets_the_sum_of_its_adjoints():
    x = Tensor(1.5, requires_grad=True)
    v = x * x
    y = v.exp() + v.sin() + v
    y.backward()
    want = 2 * 1.5 * (np.exp(2.25) + np.cos(2.25) + 1)
    assert x.grad.item() == pytest.approx(want, rel=1e-12)


def test_the_losses_are_fused_and_stable():
    z = Tensor([-800.0, -2.0, 0.0, 3.0, 800.0], requires_grad=True)
    y = Tensor([0.0, 1.0, 1.0, 0.0, 1.0])
    loss = binary_cross_entropy_with_logits(z, y)
    assert np.all(np.isfinite(loss.data))
    loss.sum().backward()
    sig = 1 / (1 + np.exp(-np.clip(z.data, -500, 500)))
    np.testing.assert_allclose(z.grad.data, sig - y.data, atol=1e-15)
    p = Tensor([0.0, 0.3, 1.0])
    # PyTorch clamps each log at -100
    np.testing.assert_allclose(binary_cross_entropy(p, Tensor([1.0, 1.0, 0.0])).data,
                               [100.0, -np.log(0.3), 100.0])


@pytest.mark.parametrize("make, words", [
    (lambda: Tensor(np.ones((3, 4))) @ Tensor(np.ones((5, 2))), ["matmul", "(3, 4)", "(5, 2)"]),
    (lambda: Tensor(np.ones(3)) + Tensor(np.ones(4)), ["add", "(3,)", "(4,)"]),
    (lambda: Tensor(["a", "b"]), ["not real numbers", "<U1"]),
    (lambda: Tensor([1 + 2j]), ["not real numbers", "complex"]),
    (lambda: Tensor([[1.0], [1.0, 2.0]]), ["Tensor"]),
    (lambda: Tensor(np.ones(6)).reshape(4, 2), ["reshape", "(6,)"]),
    (lambda: Tensor([1, 2], dtype=np.int64, requires_grad=True), ["floating"]),
    (lambda: concatenate([]), ["concatenate"]),
])
def test_bad_input_names_the_operation_and_the_shapes(make, words):
    with pytest.raises(InputError) as err:
        make()
    for w in words:
        assert w in str(err.value)


def test_backward_on_a_non_scalar_needs_a_gradient():
    y = Tensor(np.ones((2, 3)), requires_grad=True) * 2
    with pytest.raises(InputError, match=r"backward: .*shape \(2, 3\)"):
        y.backward()
    with pytest.raises(InputError, match=r"gradient has shape \(3,\)"):
        y.backward(np.ones(3))
    with pytest.raises(InputError, match="does not require grad"):
        Tensor(1.0).backward()


def test_where_takes_no_gradient_through_its_condition():
    x = Tensor([-1.0, 2.0], requires_grad=True)
    where(x > 0, x * x, -x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [-1.0, 4.0])


def test_exported_from_the_package():
    for name in ("Tensor", "no_grad", "grad", "value_and_grad", "jvp", "vjp", "jacfwd",
                 "jacrev", "hessian"):
        assert hasattr(autodiff, name)


# --- a full reduction's adjoint is one number until an array is needed ----------------------
_ROW = np.array([[0.5, -1.0, 2.0]])
_W = np.arange(12.0).reshape(3, 4) / 10
CONSUMERS = {
    "leaf": lambda x: x,
    "unary": lambda x: x.exp(),
    "times-scalar-tensor": lambda x: x * Tensor(1.5),
    "plus-row": lambda x: x + Tensor(_ROW),
    "row-plus": lambda x: Tensor(_ROW) - x,
    "plus-one": lambda x: x + 1.0,
    "matmul": lambda x: x @ Tensor(_W),
    "reshape": lambda x: x.reshape(-1),
    "slice": lambda x: x[1:],
    "transpose": lambda x: x.T,
    "concatenate": lambda x: concatenate([x, 2 * x]),
    "where": lambda x: where(x.data > 0, x, -x),
    "clip": lambda x: x.clip(-0.5, 0.5),
    "max-axis": lambda x: x.max(axis=0),
    "two-paths": lambda x: x.sum() + (2 * x).mean(),
}


@pytest.mark.parametrize("reduce", ["sum", "mean"])
@pytest.mark.parametrize("consumer", sorted(CONSUMERS))
def test_full_reductions_send_their_adjoint_to_every_kind_of_operation(reduce, consumer):
    x0 = np.random.default_rng(5).normal(size=(2, 3))

    def f(x):
        return getattr(CONSUMERS[consumer](x), reduce)()

    check_grads(f, x0, order=2)  # reverse mode seeded with a random number
    x = Tensor(x0, requires_grad=True)
    f(x).backward()  # seeded with 1
    np.testing.assert_allclose(x.grad.data, autodiff.grad(f)(x0).data, rtol=1e-12)
    assert x.grad.shape == x0.shape and x.grad.data.flags.writeable


def test_the_edges_of_an_operation_are_fixed_when_it_runs():
    x, w = Tensor(3.0), Tensor(2.0, requires_grad=True)
    y = w * x
    x.requires_grad_(True)  # too late for y: as in PyTorch, y has no edge to x
    (y + w * x).backward()  # but the second product has one
    assert w.grad.item() == 6.0 and x.grad.item() == 2.0
