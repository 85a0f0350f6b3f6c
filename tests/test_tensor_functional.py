"""The JAX-style transformations, check_grads, and tensor traces printed with the trace tables."""

import json

import numpy as np
import pytest

import autodiff
from autodiff import InputError, Tensor, grad, hessian, jacfwd, jacrev, jvp, value_and_grad, vjp
from autodiff import autograd as T
from autodiff.autograd import hvp, tensor_evaluation, tensor_trace
from autodiff.testing import check_grads


def rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def rosenbrock_hessian(x):
    h = np.zeros((len(x), len(x)))
    for i in range(len(x) - 1):
        h[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        h[i + 1, i + 1] += 200
        h[i, i + 1] = h[i + 1, i] = -400 * x[i]
    return h


X0 = np.array([0.5, -1.2, 1.5, 0.3])


def test_grad_and_value_and_grad():
    v, g = value_and_grad(rosenbrock)(X0)
    assert v.item() == pytest.approx(rosenbrock(Tensor(X0)).item())
    x = X0
    want = np.zeros(4)
    want[:-1] += -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    want[1:] += 200 * (x[1:] - x[:-1] ** 2)
    np.testing.assert_allclose(grad(rosenbrock)(X0).data, want, rtol=1e-12)
    assert not g.requires_grad  # results are off the tape


def test_grad_with_several_argnums_leaves_the_callers_tensors_alone():
    w = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor(0.5, requires_grad=True)
    gw, gb = grad(lambda w, b: ((w * 3).sum() + b) ** 2, argnums=(0, 1))(w, b)
    s = 2 * (9.0 + 0.5)
    np.testing.assert_allclose(gw.data, [3 * s, 3 * s])
    assert gb.item() == pytest.approx(s)
    assert w.grad is None and b.grad is None


def test_jacobians_forward_and_reverse_agree():
    def f(x):
        return T.concatenate([x.sin() * x[0], (x * x).sum().reshape(1)])

    jf, jr = jacfwd(f)(X0), jacrev(f)(X0)
    assert jf.shape == jr.shape == (5, 4)
    np.testing.assert_allclose(jf.data, jr.data, rtol=1e-12)
    want = np.diag(np.cos(X0) * X0[0])
    want[:, 0] += np.sin(X0)
    np.testing.assert_allclose(jf.data[:4], want, rtol=1e-12)
    np.testing.assert_allclose(jf.data[4], 2 * X0, rtol=1e-12)


def test_hessian_and_hessian_vector_product():
    h = hessian(rosenbrock)(X0)
    np.testing.assert_allclose(h.data, rosenbrock_hessian(X0), rtol=1e-12)
    v = np.array([1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(hvp(rosenbrock, X0, v).data, rosenbrock_hessian(X0) @ v,
                               rtol=1e-12)
    # reverse over reverse gives the same matrix
    np.testing.assert_allclose(jacrev(grad(rosenbrock))(X0).data, h.data, rtol=1e-12)


def test_jvp_and_vjp_are_transposes_of_each_other():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(4, 3))

    def f(x):
        return (x @ W).tanh() * x[:3]

    v, u = rng.normal(size=4), rng.normal(size=3)
    out, tangent = jvp(f, (X0,), (v,))
    out2, pullback = vjp(f, X0)
    (cot,) = pullback(u)
    np.testing.assert_array_equal(out.data, out2.data)
    assert float(cot.data @ v) == pytest.approx(float(u @ tangent.data), rel=1e-12)


def test_transformations_refuse_bad_input_clearly():
    with pytest.raises(InputError, match="scalar"):
        grad(lambda x: x * 2)(X0)
    with pytest.raises(InputError, match="tangent has shape"):
        jvp(rosenbrock, (X0,), (np.ones(3),))
    with pytest.raises(InputError, match="cotangent has shape"):
        vjp(lambda x: x * 2, X0)[1](np.ones(2))


def test_an_output_that_does_not_depend_on_the_input_has_zero_gradient():
    assert np.all(grad(lambda x: Tensor(3.0))(X0).data == 0)
    assert np.all(jacfwd(lambda x: Tensor(np.ones(2)))(X0).data == 0)


def test_check_grads_catches_a_wrong_rule():
    check_grads(rosenbrock, X0, order=2)
    from autodiff.primitives import Primitive
    wrong = Primitive("wrong_sin", np.sin, (lambda x, ans: -np.cos(x),), "wrong_sin({0})", "",
                      lambda sp, x: sp.sin(x))
    with pytest.raises(AssertionError, match="forward mode"):
        check_grads(lambda x: T.elementwise(wrong, (x,)), X0)
    with pytest.raises(AssertionError, match="reverse mode"):
        check_grads(lambda x: T.elementwise(wrong, (x,)), X0, modes=("rev",))


def lecture_loss():
    rng = np.random.default_rng(0)
    X = Tensor(rng.normal(size=(8, 3)))
    y = Tensor((rng.random((8, 1)) < 0.5) * 1.0)
    w = Tensor(rng.normal(size=(3, 1)), requires_grad=True)
    b = Tensor(np.zeros(1), requires_grad=True)
    loss = T.binary_cross_entropy((X @ w + b).sigmoid(), y).mean()
    return loss, {"X": X, "w": w, "b": b, "y": y}


def test_a_tensor_computation_is_a_trace_with_the_registrys_primitives():
    loss, names = lecture_loss()
    trace, values, _ = tensor_trace(loss, names)
    assert list(trace.inputs) == ["X", "w", "b", "y"]
    ops = [s.op.name for s in trace.steps if not s.is_input]
    assert ops == ["matmul", "add", "sigmoid", "bce", "mean"]
    assert trace.steps[5].op is autodiff.REGISTRY["add"]  # the same rules, not a copy
    assert [np.shape(v) for v in values] == [(8, 3), (3, 1), (1,), (8, 1), (8, 1), (8, 1),
                                              (8, 1), (8, 1), ()]


def test_a_tensor_trace_renders_as_the_trace_tables_with_shapes():
    loss, names = lecture_loss()
    ev = tensor_evaluation(loss, names)
    text = ev.render("table")
    assert "v5 = v1 @ v2" in text and "v9 = mean(v8)" in text
    assert "[8×1] mean" in text and "v̄8 = v̄9/8" in text
    loss.backward()
    np.testing.assert_allclose(ev.gradient["w"], names["w"].grad.data)
    assert ev.value == pytest.approx(loss.item())
    assert "\\operatorname{mean}" in ev.render("latex")
    assert "| $v_{9} = " in ev.render("markdown")
    assert not names["X"].requires_grad  # its adjoint is shown, its flag is left alone


def test_a_vector_tensor_trace_has_json():
    x = Tensor([0.5, 1.5], requires_grad=True)
    ev = tensor_evaluation((x * x).exp().sum(), {"x": x})
    data = json.loads(ev.render("json"))
    assert data["gradient"]["x"] == pytest.approx(list(2 * x.data * np.exp(x.data ** 2)))
