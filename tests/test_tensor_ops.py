"""Every tensor operation: gradients against central differences, jvp against vjp
(⟨vjp(u), v⟩ = ⟨u, jvp(v)⟩), over random shapes with broadcasting, and in float32.

The elementwise operations are parametrized over the registry itself, so a new primitive is
tested on tensors the moment it is registered, as in ``test_primitives.py``."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autodiff import REGISTRY, Tensor, jvp, vjp
from autodiff import autograd as T
from autodiff.autograd import ops
from autodiff.testing import check_grads

PRIMS = list(REGISTRY.values())


def points(rng, shape, lo=-2.0, hi=2.0, kinks=()):
    x = rng.uniform(lo, hi, size=shape)
    for k in kinks:  # keep central differences off the kinks
        near = np.abs(x - k) < 0.05
        x = np.where(near, x + 0.1, x)
    return x


def check_all(f, *xs, rtol=1e-5, atol=1e-6, float32=True):
    """Central differences in both modes; jvp against vjp; float32 kept and close."""
    check_grads(f, *xs, rtol=rtol, atol=atol)
    rng = np.random.default_rng(1)
    vs = [rng.normal(size=np.shape(x)) for x in xs]
    out, tangent = jvp(f, xs, vs)
    u = rng.normal(size=out.shape)
    cot = vjp(f, *xs)[1](u)
    lhs = sum(float(np.sum(c.data * v)) for c, v in zip(cot, vs, strict=True))
    rhs = float(np.sum(u * tangent.data))
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-12)
    if float32:
        x32 = [Tensor(np.asarray(x, dtype=np.float32), requires_grad=True) for x in xs]
        y32 = f(*x32)
        assert y32.dtype == np.float32
        y32.backward(u.astype(np.float32))
        for x, c in zip(x32, cot, strict=True):
            assert x.grad.dtype == np.float32
            np.testing.assert_allclose(x.grad.data, c.data, rtol=2e-3, atol=2e-3)


seeds = st.integers(0, 2**32 - 1)
one_shape = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
two_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
@settings(max_examples=15)
@given(seed=seeds, shape=one_shape, shapes=two_shapes)
def test_elementwise_primitives_on_tensors(prim, seed, shape, shapes):
    rng = np.random.default_rng(seed)
    domain = prim.domain or ((-2.0, 2.0),) * prim.arity
    in_shapes = [shape] if prim.arity == 1 else list(shapes.input_shapes)
    xs = [points(rng, s, lo, hi, prim.kinks) for s, (lo, hi) in zip(in_shapes, domain,
                                                                     strict=True)]
    check_all(lambda *t: T.elementwise(prim, t), *xs)


def test_elementwise_primitives_also_apply_through_the_registry():
    x = Tensor([0.5, 1.0], requires_grad=True)
    y = REGISTRY["sin"](x)  # the registry's primitive called with a tensor records it
    assert isinstance(y, Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.cos([0.5, 1.0]))


axes = st.sampled_from([None, 0, -1, (0, 1)])


@settings(max_examples=25)
@given(seed=seeds, axis=axes, keepdims=st.booleans(), op=st.sampled_from(["sum", "mean", "max"]))
def test_reductions(seed, axis, keepdims, op):
    x = np.random.default_rng(seed).normal(size=(3, 4))
    check_all(lambda t: getattr(t, op)(axis=axis, keepdims=keepdims), x)


@settings(max_examples=25)
@given(seed=seeds, axis=axes, keepdims=st.booleans(), correction=st.sampled_from([0, 1]))
def test_var(seed, axis, keepdims, correction):
    x = np.random.default_rng(seed).normal(size=(3, 4))
    got = Tensor(x).var(axis=axis, keepdims=keepdims, correction=correction)
    np.testing.assert_allclose(got.data, np.var(x, axis=axis, keepdims=keepdims, ddof=correction))
    check_all(lambda t: t.var(axis=axis, keepdims=keepdims, correction=correction), x)


def test_max_shares_the_adjoint_between_ties():
    x = Tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.5, 0.5])


@pytest.mark.parametrize("sa, sb", [
    ((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
    ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 1)),
])
def test_matmul_with_vectors_and_broadcast_batches(sa, sb):
    rng = np.random.default_rng(0)
    check_all(lambda a, b: a @ b, rng.normal(size=sa), rng.normal(size=sb))


@settings(max_examples=20)
@given(seed=seeds, perm=st.permutations([0, 1, 2]))
def test_shape_operations(seed, perm):
    x = np.random.default_rng(seed).normal(size=(2, 3, 4))
    check_all(lambda t: t.transpose(perm) * 2, x)
    check_all(lambda t: t.reshape(4, -1).T, x)
    check_all(lambda t: t.flatten()[::3], x)


@pytest.mark.parametrize("index", [
    (0,), (slice(1, None), slice(None, None, 2)), (Ellipsis, 1), (None, 1),
    (np.array([0, 0, 1]),),  # a repeated index: adjoints add up
    (np.array([[True, False, True, False]] * 3),), ([2, 0], slice(1, 3)),
])
def test_indexing_and_slicing(index):
    x = np.random.default_rng(0).normal(size=(3, 4))
    idx = index if len(index) > 1 else index[0]
    check_all(lambda t: t[idx] * 1.5, x)


def test_a_repeated_index_adds_its_adjoints():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 0.0, 1.0])


@settings(max_examples=20)
@given(seed=seeds, axis=st.sampled_from([0, 1, -1]))
def test_concatenate_and_stack(seed, axis):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    check_all(lambda s, t: T.concatenate([s, t * t], axis=axis), a, b)
    check_all(lambda s, t: T.stack([s, t.exp()], axis=axis), a, b)


@settings(max_examples=20)
@given(seed=seeds, shapes=two_shapes)
def test_where_maximum_minimum_with_broadcasting(seed, shapes):
    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    b = np.where(np.abs(np.broadcast_to(b, shapes.result_shape) - a) < 0.05, b + 0.2, b) \
        if shapes.result_shape == np.shape(b) else b
    cond = rng.random(shapes.result_shape) < 0.5
    check_all(lambda s, t: T.where(cond, s.sin(), t * t), a, b)
    if np.all(np.abs(np.broadcast_to(a, shapes.result_shape) - b) > 0.01):
        check_all(lambda s, t: T.maximum(s, t) + T.minimum(s, 2 * t), a, b)


@settings(max_examples=20)
@given(seed=seeds)
def test_clip_and_pow_with_a_tensor_exponent(seed):
    rng = np.random.default_rng(seed)
    x = points(rng, (3, 4), kinks=(-0.5, 0.5))
    check_all(lambda t: t.clip(-0.5, 0.5) * t, x)
    base, expo = rng.uniform(0.5, 2.0, size=(3, 1)), rng.normal(size=(1, 4))
    check_all(lambda a, b: a ** b, base, expo)


def test_a_logistic_regression_loss_has_the_hand_written_gradient():
    rng = np.random.default_rng(3)
    X, y, w0 = rng.normal(size=(50, 4)), (rng.random((50, 1)) < 0.5) * 1.0, rng.normal(size=(4, 1))
    w = Tensor(w0, requires_grad=True)
    T.binary_cross_entropy_with_logits(Tensor(X) @ w, Tensor(y)).mean().backward()
    p = 1 / (1 + np.exp(-X @ w0))
    np.testing.assert_allclose(w.grad.data, X.T @ (p - y) / len(X), rtol=1e-12)
    check_all(lambda w: T.binary_cross_entropy((Tensor(X) @ w).sigmoid(), Tensor(y)).mean(), w0,
              float32=False)  # X is float64: the result is too


def test_the_internal_primitives_and_second_derivatives_through_them():
    # broadcast_to and scatter (getitem's adjoint) are primitives too: order 2 differentiates
    # each structural rule's own jvp/vjp
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 1))
    check_all(lambda t: ops.broadcast_to(t, (2, 3, 4)) * np.arange(24, dtype=t.dtype).reshape(
        2, 3, 4), x)
    check_all(lambda t: ops.scatter(t, (slice(1, 3),), (4, 1)).exp(), x[:2])
    check_grads(lambda t: (t[[0, 0, 2]] ** 3).sum(), x, order=2)
    check_grads(lambda t: (t @ t.T).max(axis=0).mean() + t.var(), x, order=2)


def test_clip_passes_the_adjoint_exactly_at_its_bounds():
    """As torch.clamp: the gradient is 1 where lo <= x <= hi, the bounds included, and 0
    outside (a mutation to a strict inequality changes the entries at the bounds)."""
    x = Tensor(np.array([-1.0, -0.5, 0.0, 0.5, 1.0]), requires_grad=True)
    x.clip(-0.5, 0.5).sum().backward()
    assert x.grad.data.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]
    y = Tensor(np.array([2.0, 3.0]), requires_grad=True)
    y.clip(lo=2.0).sum().backward()  # one bound only
    assert y.grad.data.tolist() == [1.0, 1.0]


def test_var_is_unbiased_by_default_as_pytorch():
    """torch.var's default correction is 1: Σ(x − μ)²/(N − 1); correction=0 divides by N."""
    x = Tensor(np.array([1.0, 2.0, 3.0, 4.0]))
    assert x.var().item() == pytest.approx(5.0 / 3.0)
    assert x.var(unbiased=True).item() == pytest.approx(5.0 / 3.0)
    assert x.var(correction=0).item() == pytest.approx(1.25)
    assert x.var(unbiased=False).item() == pytest.approx(1.25)
