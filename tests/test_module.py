"""nn.Module and nn.Parameter: registration, traversal, modes, state_dict, as in PyTorch."""

import numpy as np
import pytest

from autodiff import InputError, optim
from autodiff.autograd import Tensor
from autodiff.nn import Module, Parameter


class Affine(Module):
    def __init__(self, n_in, n_out, seed=0):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.weight = Parameter(rng.normal(size=(n_out, n_in)))
        self.bias = Parameter(np.zeros(n_out))

    def forward(self, x):
        return x @ self.weight.T + self.bias

    def extra_repr(self):
        return f"in_features={self.weight.shape[1]}, out_features={self.weight.shape[0]}"


class Scale(Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("count", np.zeros(1))
        self.register_buffer("cache", np.zeros(2), persistent=False)

    def forward(self, x):
        return 2 * x


class Net(Module):
    def __init__(self):
        super().__init__()
        self.first = Affine(3, 4)
        self.scale = Scale()
        self.second = Affine(4, 1, seed=1)
        self.step_size = 0.5  # a plain attribute

    def forward(self, x):
        return self.second(self.scale(self.first(x)))


def test_parameter_is_a_tensor_that_requires_grad():
    p = Parameter(np.ones(3))
    assert isinstance(p, Tensor) and p.requires_grad and p.data.dtype == np.float64
    assert not Parameter(np.ones(3), requires_grad=False).requires_grad
    assert Parameter(Tensor([1.0, 2.0])).data.tolist() == [1.0, 2.0]
    assert repr(p).startswith("Parameter containing:\n")


def test_assignment_registers_parameters_and_children_in_order():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "first.weight", "first.bias", "second.weight", "second.bias"]
    assert [p.shape for p in net.parameters()] == [(4, 3), (4,), (1, 4), (1,)]
    assert [n for n, _ in net.named_children()] == ["first", "scale", "second"]
    assert [n for n, _ in net.named_modules()] == ["", "first", "scale", "second"]
    assert net.step_size == 0.5 and "step_size" not in net._parameters
    assert [n for n, _ in net.named_parameters(recurse=False)] == []
    assert [n for n, _ in net.named_buffers()] == ["scale.count", "scale.cache"]


def test_a_shared_parameter_or_module_is_listed_once():
    net = Net()
    net.second = net.first  # the same module twice
    assert len(list(net.parameters())) == 2
    assert [n for n, _ in net.named_modules()] == ["", "first", "scale"]


def test_call_runs_forward_and_backward_reaches_parameters():
    net = Net()
    out = net(Tensor(np.ones((5, 3))))
    assert out.shape == (5, 1)
    out.sum().backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_a_model_trains_with_an_optimizer_over_its_parameters():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    model = Affine(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    for _ in range(300):
        loss = ((model(Tensor(X)) - Tensor(y)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(model.weight.data, [[1.0, -2.0, 0.5]], atol=1e-6)
    np.testing.assert_allclose(model.bias.data, [0.3], atol=1e-6)


def test_forward_is_required():
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required'):
        Module()(1)


def test_train_and_eval_reach_every_module():
    net = Net()
    assert net.eval() is net
    assert [m.training for m in net.modules()] == [False] * 4
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_state_dict_names_copies_and_round_trip():
    net = Net()
    sd = net.state_dict()
    assert list(sd) == ["first.weight", "first.bias", "scale.count", "second.weight",
                        "second.bias"]
    sd["first.bias"][...] = 7.0
    assert np.all(net.first.bias.data == 0)  # a copy, not the live array
    weight = net.first.weight
    keys = net.load_state_dict(sd)
    assert keys.missing_keys == [] and keys.unexpected_keys == []
    assert net.first.weight is weight and np.all(net.first.bias.data == 7.0)  # in place


def test_load_state_dict_errors_as_torch_words_them():
    net = Net()
    sd = net.state_dict()
    del sd["first.bias"]
    sd["extra"] = np.zeros(1)
    with pytest.raises(InputError) as info:
        net.load_state_dict(sd)
    assert str(info.value) == ('Error(s) in loading state_dict for Net:\n\tMissing key(s) in '
                               'state_dict: "first.bias". \n\tUnexpected key(s) in state_dict: '
                               '"extra". ')
    keys = net.load_state_dict(sd, strict=False)
    assert keys.missing_keys == ["first.bias"] and keys.unexpected_keys == ["extra"]
    sd = net.state_dict()
    sd["second.weight"] = np.zeros((2, 4))
    with pytest.raises(InputError, match=r"size mismatch for second.weight: copying a param "
                                         r"with shape \(2, 4\) from checkpoint, the shape in "
                                         r"current model is \(1, 4\)\."):
        net.load_state_dict(sd)


def test_registration_errors():
    class Early(Module):
        def __init__(self):
            self.w = Parameter(np.ones(1))

    with pytest.raises(AttributeError, match=r"before Module.__init__\(\) call"):
        Early()
    net = Net()
    with pytest.raises(TypeError, match="cannot assign 'ndarray' as parameter 'weight'"):
        net.first.weight = np.ones((4, 3))
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'first'"):
        net.first = 3
    with pytest.raises(KeyError, match='parameter name can.*contain'):
        net.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="attribute 'step_size' already exists"):
        net.register_buffer("step_size", np.zeros(1))
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        _ = net.nope


def test_none_and_deletion_unregister():
    net = Net()
    net.first.bias = None
    assert [n for n, _ in net.first.named_parameters()] == ["weight"]
    del net.scale
    assert [n for n, _ in net.named_children()] == ["first", "second"]


def test_apply_visits_children_before_parents():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Affine", "Scale", "Affine", "Net"]


def test_repr_as_torch_prints_it():
    assert repr(Net()) == ("Net(\n  (first): Affine(in_features=3, out_features=4)\n"
                           "  (scale): Scale()\n"
                           "  (second): Affine(in_features=4, out_features=1)\n)")


def test_a_deep_chain_of_modules_is_walked_without_recursion():
    root = node = Module()
    for _ in range(5000):
        child = Module()
        child.w = Parameter(np.zeros(1))
        node.next = child
        node = child
    assert len(list(root.parameters())) == 5000
    assert len(root.state_dict()) == 5000


def test_repr_of_a_chain_deeper_than_the_recursion_limit():
    root = node = Module()
    for _ in range(1200):
        node.next = Module()
        node = node.next
    text = repr(root)
    lines = text.splitlines()
    assert lines[1200] == "  " * 1200 + "(next): Module()" and len(lines) == 2401
