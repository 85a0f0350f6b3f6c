"""The PyTorch API around the tensor (issue 17): creation, random numbers under manual_seed,
in place, a second backward, the functional API's options, nn containers and utilities."""

import numpy as np
import pytest

import autodiff as ad
from autodiff import InputError, Tensor, nn
from autodiff.data import DataLoader, TensorDataset


def test_creation_functions_follow_pytorch():
    assert ad.zeros(2, 3).shape == (2, 3) and ad.ones((4,)).data.tolist() == [1.0] * 4
    assert ad.full((2,), -1.5).data.tolist() == [-1.5, -1.5]
    assert ad.arange(3).dtype == np.int64 and ad.arange(0, 1, 0.25).data.tolist() == [
        0.0, 0.25, 0.5, 0.75]
    assert ad.linspace(-1, 1, 3).data.tolist() == [-1.0, 0.0, 1.0]
    assert np.array_equal(ad.eye(2, 3).data, np.eye(2, 3))
    x = ad.tensor(np.ones((2, 2), np.float32), requires_grad=True)
    assert x.dtype == np.float32 and ad.zeros_like(x).dtype == np.float32
    assert ad.tensor([1, 2]).dtype == np.int64 and ad.tensor([True]).dtype == bool
    assert ad.ones(2, dtype=np.float32, requires_grad=True).requires_grad
    with pytest.raises(InputError):
        ad.zeros(-1)


def test_manual_seed_makes_every_random_draw_reproducible():
    def draws(seed):
        ad.manual_seed(seed)
        w = nn.Linear(3, 2).weight.data.copy()
        mask = nn.Dropout(0.5)(ad.ones(50)).data.copy()
        order = [int(b[0].data[0, 0]) for b in
                 DataLoader(TensorDataset(Tensor(np.arange(10.0)[:, None]),
                                          Tensor(np.zeros(10))), 1, shuffle=True)]
        return w, mask, order, ad.randn(5).data, ad.randint(0, 4, (6,)).data
    a, b, c = draws(11), draws(11), draws(12)
    for u, v, w in zip(a, b, c, strict=True):
        assert np.array_equal(u, v) and not np.array_equal(u, w)
    assert a[4].dtype == np.int64 and set(a[4]) <= {0, 1, 2, 3}


def test_dropout_scales_in_training_and_is_the_identity_in_eval():
    d = nn.Dropout(0.2)
    x = Tensor(np.ones(1000), requires_grad=True)
    y = d(x)
    kept = y.data != 0
    assert np.allclose(y.data[kept], 1 / 0.8) and 0.1 < 1 - kept.mean() < 0.3
    y.sum().backward()
    assert np.array_equal(x.grad.data, y.data)
    assert d.eval()(x) is x
    assert (nn.Dropout(1.0)(x).data == 0).all()
    with pytest.raises(InputError):
        nn.Dropout(1.5)


def test_in_place_updates():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(InputError, match="in-place"):
        w *= 2
    with ad.no_grad():
        same = w
        w -= Tensor([0.5, 0.5])
        w /= 2
    assert w is same and w.data.tolist() == [0.25, 0.75] and w.requires_grad
    h = w * 3
    h += 1  # a recorded result: rebound to the new result, the gradient stays right
    h.sum().backward()
    assert w.grad.data.tolist() == [3.0, 3.0]
    c = Tensor([1, 2])
    c += 1
    assert c.data.tolist() == [2.0, 3.0]


def test_a_second_backward_needs_retain_graph():
    x = Tensor([1.0, -1.0], requires_grad=True)
    y = (x ** 3).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.data.tolist() == [6.0, 6.0]
    with pytest.raises(InputError, match="second time"):
        y.backward()
    z = (x * 2).sum()  # another output of the same leaves is fine
    z.backward()
    assert x.grad.data.tolist() == [8.0, 8.0]


def test_grad_options():
    f = lambda x, y, scale=1.0: ((scale * x * y) ** 2).sum()  # noqa: E731
    gx, gy = ad.grad(f, argnums=(0, 1))(Tensor([1.0]), Tensor([2.0]), scale=0.5)
    assert (gx.data.tolist(), gy.data.tolist()) == ([2.0], [1.0])
    g, aux = ad.grad(lambda x: (x.sum() ** 2, {"n": x.numel()}), has_aux=True)(Tensor([1.0, 2.0]))
    assert g.data.tolist() == [6.0, 6.0] and aux == {"n": 2}
    (v, aux), g = ad.value_and_grad(lambda x: (x.exp().sum(), x.max()), has_aux=True)(
        Tensor([0.0]))
    assert float(v) == 1.0 and float(aux) == 0.0 and g.data.tolist() == [1.0]
    d = ad.elementwise_grad(lambda x: x.tanh())(Tensor([0.0, 1.0]))
    assert np.allclose(d.data, 1 - np.tanh([0.0, 1.0]) ** 2)
    with pytest.raises(InputError, match="pair"):
        ad.grad(lambda x: x.sum(), has_aux=True)(Tensor([1.0]))


def test_containers_and_module_methods():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])
            self.out = nn.ModuleDict({"y": nn.Linear(4, 1), "skip": nn.Identity()})
            self.flat = nn.Flatten()

        def forward(self, x):
            x = self.flat(x)
            for b in self.blocks:
                x = nn.functional.gelu(b(x))
            return self.out["y"](self.out["skip"](x))

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names[:2] == ["blocks.0.weight", "blocks.0.bias"] and "out.y.bias" in names
    assert [n for n, _ in net.named_modules()][:4] == ["", "blocks", "blocks.0", "blocks.1"]
    assert net(Tensor(np.ones((3, 2, 2)))).shape == (3, 1)
    assert len(net.blocks) == 2 and list(net.out) == ["y", "skip"] and "y" in net.out
    net.to(np.float32)
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert net(Tensor(np.ones((3, 4), np.float32))).dtype == np.float32
    assert net.to("cpu") is net
    with pytest.raises(InputError):
        net.to("cuda")


def test_clip_grad_norm_and_value_follow_pytorchs_formulas():
    a = nn.Parameter(Tensor([3.0, 4.0]))
    b = nn.Parameter(Tensor([[12.0]]))
    a.grad, b.grad = Tensor([3.0, 4.0]), Tensor([[12.0]])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=2.6)
    assert float(total) == 13.0
    coef = 2.6 / (13.0 + 1e-6)  # torch: max_norm / (‖g‖ + 1e-6), at most 1
    assert np.allclose(a.grad.data, [3 * coef, 4 * coef], rtol=1e-15)
    assert float(nn.utils.clip_grad_norm_([a], 100.0, norm_type=float("inf"))) == 4 * coef
    nn.utils.clip_grad_value_([a, b], 0.5)
    assert a.grad.data.max() <= 0.5 and b.grad.data.tolist() == [[0.5]]
