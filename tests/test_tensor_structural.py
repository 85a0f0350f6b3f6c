"""The structural operations of issue 17 (``autodiff/autograd/ops.py`` entries and the functions
composed of them): gradients against central differences in both modes and to second order,
jvp against vjp, float32 kept, over random shapes and dims (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import autodiff as ad
from autodiff.nn import functional as F
from tests.test_tensor_ops import check_all

seeds = st.integers(0, 2**32 - 1)
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def _x(seed, shape, lo=-2.0, hi=2.0):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape)


@settings(max_examples=15, deadline=None)
@given(seed=seeds, shape=shapes, data=st.data())
def test_reductions_along_a_dim(seed, shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keep = data.draw(st.booleans())
    x = _x(seed, shape)
    for f in (lambda t: t.prod(dim=dim, keepdim=keep), lambda t: t.cumsum(dim=dim),
              lambda t: t.logsumexp(dim=dim, keepdim=keep), lambda t: t.softmax(dim) * t,
              lambda t: t.log_softmax(dim), lambda t: t.amin(dim, keep),
              lambda t: t.std(dim=dim, keepdim=keep) if shape[dim] > 1 else t.sum(dim),
              lambda t: t.max(dim=dim, keepdim=keep)[0], lambda t: t.sort(dim)[0]):
        check_all(f, x)


@settings(max_examples=10, deadline=None)
@given(seed=seeds, shape=shapes)
def test_products_with_zeros_have_the_product_of_the_others(seed, shape):
    x = _x(seed, shape)
    x.flat[0] = 0.0
    check_all(lambda t: t.prod(), x)
    g = ad.grad(lambda t: t.prod())(x).data.ravel()
    assert np.isclose(g[0], np.prod(x.ravel()[1:]), rtol=1e-14) and np.all(g[1:] == 0.0)


@settings(max_examples=15, deadline=None)
@given(seed=seeds, shape=st.lists(st.integers(1, 3), min_size=2, max_size=3).map(tuple))
def test_shapes_and_copies(seed, shape):
    x = _x(seed, shape)
    nd = len(shape)
    check_all(lambda t: t.flip(0, -1), x)
    check_all(lambda t: ad.roll(t, (1, -1), (0, nd - 1)), x)
    check_all(lambda t: t.repeat(*([2] * nd)), x)
    check_all(lambda t: ad.tile(t, (2, 1)), x)
    check_all(lambda t: ad.pad(t, (1, 0, 2, 1), value=3.0), x)
    check_all(lambda t: t.permute(*reversed(range(nd))).flatten(), x)
    check_all(lambda t: ad.tril(t, 0) + ad.triu(t, 1) * 2, x)
    check_all(lambda t: ad.cat(ad.split(t, 1, dim=0)[::-1], dim=0), x)
    check_all(lambda t: t.unsqueeze(1).expand(shape[0], 3, *shape[1:]), x)


@settings(max_examples=10, deadline=None)
@given(seed=seeds, n=st.integers(1, 4), m=st.integers(1, 4), k=st.integers(1, 4))
def test_einsum_tensordot_outer_dot(seed, n, m, k):
    a, b, v = _x(seed, (n, m)), _x(seed + 1, (m, k)), _x(seed + 2, (m,))
    check_all(lambda x, y: ad.einsum("ij,jk->ki", x, y), a, b)
    check_all(lambda x, y: ad.einsum("ij,jk->i", x, y), a, b)  # k summed in only one operand
    check_all(lambda x, y: ad.tensordot(x, y, dims=1), a, b)
    check_all(lambda x, y: ad.outer(x, y), v, v[::-1].copy())
    check_all(lambda x, y: ad.dot(x, y), v, v * 2)


@settings(max_examples=10, deadline=None)
@given(seed=seeds)
def test_gather_and_batch_matmul(seed):
    rng = np.random.default_rng(seed)
    x = _x(seed, (3, 4))
    index = rng.integers(0, 3, size=(2, 4))
    check_all(lambda t: t.gather(0, index), x)
    a, b = _x(seed, (2, 1, 3, 2)), _x(seed + 1, (3, 2, 4))
    check_all(lambda s, t: ad.matmul(s, t), a, b)


@settings(max_examples=10, deadline=None)
@given(seed=seeds)
def test_activations_and_losses(seed):
    x = _x(seed, (4, 3))
    x[np.abs(x) < 0.05] += 0.1  # off the kinks of leaky_relu/elu/hardtanh
    for f in (lambda t: F.leaky_relu(t, 0.2), lambda t: F.elu(t, 0.7),
              lambda t: F.softplus(t, beta=2.0, threshold=3.0),
              lambda t: F.hardtanh(t, -1.5, 1.5), lambda t: F.gelu(t, approximate="tanh")):
        check_all(f, x)
    y = np.random.default_rng(seed).integers(0, 3, size=4)
    check_all(lambda t: F.cross_entropy(t, y, label_smoothing=0.2, weight=[1.0, 2.0, 0.5]), x)
    check_all(lambda t: F.huber_loss(t, ad.full_like(t, 0.3), delta=0.5), x)


def test_second_derivatives_through_the_new_structural_ops():
    x = _x(7, (3, 4))
    for f in (lambda t: t.logsumexp(dim=1).sum(), lambda t: (t.softmax(0) * t).sum(),
              lambda t: t.log_softmax(1).sum(), lambda t: (t.cumsum(1) ** 2).sum(),
              lambda t: t.prod(dim=0).sum(), lambda t: ad.einsum("ij,ij->", t, t.flip(0))):
        ad.testing.check_grads(f, x, order=2)
