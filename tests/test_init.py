"""nn.init: PyTorch's gains and fans (fixture), bounds and spreads of the draws, in place."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from autodiff import InputError
from autodiff.nn import Parameter, init

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "init_torch.json").read_text())


@pytest.mark.parametrize(("name", "param", "gain"), FIXTURE["gains"])
def test_gain_is_torchs(name, param, gain):
    assert init.calculate_gain(name, param) == pytest.approx(gain, rel=1e-15)


@pytest.mark.parametrize(("shape", "fans"), FIXTURE["fans"])
def test_fans_are_torchs(shape, fans):
    assert list(init.calculate_fan_in_and_fan_out(np.empty(shape))) == fans


def test_functions_fill_in_place_and_return_their_argument():
    p = Parameter(np.zeros((3, 4)))
    data = p.data
    assert init.constant_(p, 2.5) is p and p.data is data and np.all(p.data == 2.5)
    assert np.all(init.ones_(p).data == 1) and np.all(init.zeros_(p).data == 0)
    a = np.empty((2, 2))
    assert init.uniform_(a, -1, 1) is a and np.all(np.abs(a) <= 1)


@pytest.mark.parametrize(("fill", "bound", "std"), [
    (lambda w, g: init.uniform_(w, -0.3, 0.3, generator=g), 0.3, 0.3 / math.sqrt(3)),
    (lambda w, g: init.normal_(w, 0.0, 0.05, generator=g), None, 0.05),
    (lambda w, g: init.xavier_uniform_(w, generator=g), math.sqrt(6 / 500), math.sqrt(2 / 500)),
    (lambda w, g: init.xavier_normal_(w, gain=2.0, generator=g), None, 2 * math.sqrt(2 / 500)),
    (lambda w, g: init.kaiming_uniform_(w, generator=g), math.sqrt(6 / 200), math.sqrt(2 / 200)),
    (lambda w, g: init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=g),
     None, math.sqrt(2 / 300)),
    (lambda w, g: init.kaiming_uniform_(w, a=math.sqrt(5), generator=g),  # nn.Linear's weight
     1 / math.sqrt(200), 1 / math.sqrt(600)),
])
def test_draws_have_the_documented_bound_and_spread(fill, bound, std):
    w = np.empty((300, 200))  # fan_in 200, fan_out 300
    fill(w, np.random.default_rng(0))
    assert abs(w.mean()) < 0.05 * std
    assert w.std() == pytest.approx(std, rel=0.01)
    if bound is not None:
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound


def test_seeding_makes_draws_reproducible():
    a, b = np.empty((3, 3)), np.empty((3, 3))
    init.normal_(a, generator=np.random.default_rng(5))
    init.normal_(b, generator=np.random.default_rng(5))
    assert np.array_equal(a, b)
    init.manual_seed(11)
    init.kaiming_uniform_(a)
    init.manual_seed(11)
    init.kaiming_uniform_(b)
    assert np.array_equal(a, b)


def test_bad_arguments_are_refused():
    with pytest.raises(InputError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(np.empty(5))
    with pytest.raises(InputError, match="Mode fan_up not supported"):
        init.kaiming_normal_(np.empty((2, 2)), mode="fan_up")
    with pytest.raises(InputError, match="Unsupported nonlinearity softmax"):
        init.calculate_gain("softmax")
    with pytest.raises(InputError, match="negative_slope"):
        init.calculate_gain("leaky_relu", "steep")
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(np.empty((0, 3)))
