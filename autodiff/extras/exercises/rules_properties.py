"""Checks of ``tangent_adjoint`` and ``bce_gradient``: rules against the registry and the engine.

A student's tangent rule must agree with ``Σ_j v̇_j ∂v/∂v_j`` built from the registry's partials
(:data:`autodiff.primitives.REGISTRY`) and with central differences
``(f(x + hẋ) − f(x − hẋ)) / 2h``; the adjoint rule with the registry and with the dot-product
test ``⟨v̇, v̄⟩ = Σ_j ⟨ẋ_j, x̄_j⟩`` (the adjoint is the transpose of the tangent map). The BCE
gradient must equal the engine's reverse mode on ``BCELoss(reduction="sum")``.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from ...primitives import REGISTRY
from .properties import CheckFailed, as_array, check, expect_close, function

H = 1e-6
DIV, SIGMOID = REGISTRY["div"], REGISTRY["sigmoid"]


def _div_points(seed: int, n: int = 64) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, n)
    y = rng.choice([-1, 1], n) * rng.uniform(0.3, 3, n)
    return x, y, rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)


def _registry_div(x, y):
    ans = DIV(x, y)
    return DIV.partials[0](x, y, ans), DIV.partials[1](x, y, ans)


def _registry_sigmoid(x):
    return SIGMOID.partials[0](x, SIGMOID(x))


@check("tangent_adjoint", "div_tangent agrees with the registry's partials of x/y",
       "v̇ = ẋ·∂v/∂x + ẏ·∂v/∂y with ∂(x/y)/∂x = 1/y and ∂(x/y)/∂y = −x/y²")
def _div_tangent_registry(m: ModuleType) -> None:
    x, y, xd, yd, _ = _div_points(1)
    px, py = _registry_div(x, y)
    got = function(m, "div_tangent")(x, y, xd, yd)
    expect_close(got, xd * px + yd * py, "div_tangent(x, y, ẋ, ẏ) on 64 random points")
    for i in range(4):  # plain floats as well as arrays
        got = function(m, "div_tangent")(float(x[i]), float(y[i]), float(xd[i]), float(yd[i]))
        expect_close(got, xd[i] * px[i] + yd[i] * py[i], "div_tangent on floats",
                     where=f" at x={x[i]:.4g}, y={y[i]:.4g}")


@check("tangent_adjoint", "div_tangent agrees with central differences",
       "the tangent is the directional derivative of x/y along (ẋ, ẏ)")
def _div_tangent_numeric(m: ModuleType) -> None:
    x, y, xd, yd, _ = _div_points(2)
    numeric = (DIV(x + H * xd, y + H * yd) - DIV(x - H * xd, y - H * yd)) / (2 * H)
    got = function(m, "div_tangent")(x, y, xd, yd)
    expect_close(got, numeric, "div_tangent against central differences", rtol=1e-5, atol=1e-6)


def _pair(value, what: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise CheckFailed(f"{what} must return a pair (x̄, ȳ), got {type(value).__name__}",
                          "return v_bar * ∂v/∂x, v_bar * ∂v/∂y")
    return as_array(value[0], what), as_array(value[1], what)


@check("tangent_adjoint", "div_adjoint agrees with the registry: (v̄·∂v/∂x, v̄·∂v/∂y)",
       "each parent receives v̄ times its own partial: x̄ = v̄/y, ȳ = −v̄·x/y²")
def _div_adjoint_registry(m: ModuleType) -> None:
    x, y, _, _, vb = _div_points(3)
    px, py = _registry_div(x, y)
    xb, yb = _pair(function(m, "div_adjoint")(x, y, vb), "div_adjoint(x, y, v̄)")
    expect_close(xb, vb * px, "x̄ of div_adjoint")
    expect_close(yb, vb * py, "ȳ of div_adjoint")


@check("tangent_adjoint", "div_adjoint is the transpose of div_tangent: ⟨v̇, v̄⟩ = ⟨ẋ, x̄⟩ + ⟨ẏ, ȳ⟩",
       "the tangent and the adjoint must use the same partials ∂v/∂x, ∂v/∂y")
def _div_dot_product(m: ModuleType) -> None:
    x, y, xd, yd, vb = _div_points(4)
    vd = as_array(function(m, "div_tangent")(x, y, xd, yd), "div_tangent")
    xb, yb = _pair(function(m, "div_adjoint")(x, y, vb), "div_adjoint(x, y, v̄)")
    expect_close(np.sum(xd * xb + yd * yb), np.sum(vd * vb), "⟨ẋ, x̄⟩ + ⟨ẏ, ȳ⟩ against ⟨v̇, v̄⟩")


def _sigmoid_points(seed: int, n: int = 64) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    return rng.uniform(-6, 6, n), rng.normal(size=n), rng.normal(size=n)


@check("tangent_adjoint", "sigmoid_tangent agrees with the registry and central differences",
       "σ'(x) = σ(x)(1 − σ(x)) with σ(x) = 1/(1 + e^(−x)) (plus, not the slide's minus)")
def _sigmoid_tangent(m: ModuleType) -> None:
    x, xd, _ = _sigmoid_points(5)
    got = function(m, "sigmoid_tangent")(x, xd)
    expect_close(got, xd * _registry_sigmoid(x), "sigmoid_tangent(x, ẋ) on 64 random points")
    numeric = (SIGMOID(x + H * xd) - SIGMOID(x - H * xd)) / (2 * H)
    expect_close(got, numeric, "sigmoid_tangent against central differences", rtol=1e-5,
                 atol=1e-7)


@check("tangent_adjoint", "sigmoid_adjoint agrees with the registry and is sigmoid_tangent's "
       "transpose", "x̄ = v̄·σ(x)(1 − σ(x))")
def _sigmoid_adjoint(m: ModuleType) -> None:
    x, xd, vb = _sigmoid_points(6)
    xb = function(m, "sigmoid_adjoint")(x, vb)
    expect_close(xb, vb * _registry_sigmoid(x), "sigmoid_adjoint(x, v̄) on 64 random points")
    vd = as_array(function(m, "sigmoid_tangent")(x, xd), "sigmoid_tangent")
    expect_close(np.sum(xd * as_array(xb, "sigmoid_adjoint")), np.sum(vd * vb),
                 "⟨ẋ, x̄⟩ against ⟨v̇, v̄⟩")


@check("tangent_adjoint", "the sigmoid rules stay finite for large |x| (x = ±40, ±800)",
       "e^800 overflows: write σ'(x) with σ(x), computing σ from e^(−|x|) (as the registry "
       "does), not as e^x/(1 + e^x)²")
def _sigmoid_stable(m: ModuleType) -> None:
    x = np.array([-800.0, -40.0, 40.0, 800.0])
    with np.errstate(all="ignore"):
        for name in ("sigmoid_tangent", "sigmoid_adjoint"):
            got = as_array(function(m, name)(x, np.ones(4)), name)
            if got.shape != x.shape or not np.isfinite(got).all():
                raise CheckFailed(f"{name}(x, 1) at x = {x.tolist()} gave {got.tolist()}")
            expect_close(got, _registry_sigmoid(x), name, atol=1e-12, where=" at large |x|")


def _problem(seed: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(1, 30)), int(rng.integers(1, 6))
    X = rng.normal(size=(n, d))
    return X, (rng.random(n) < 0.5).astype(float), scale * rng.normal(size=d)


def _engine_gradient(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """∇L(w) by the engine's reverse mode on ``BCELoss(reduction="sum")(σ(Xw), y)``."""
    from ...autograd import Tensor
    from ...nn import BCELoss
    wt = Tensor(w, requires_grad=True)
    BCELoss(reduction="sum")((Tensor(X) @ wt).sigmoid(), Tensor(y)).backward()
    return wt.grad.data


def _bce(X, y, w):
    z = X @ w
    return float(np.sum(np.logaddexp(0, z) - y * z))


@check("bce_gradient", "bce_gradient returns an array of shape (d,)",
       "∇L(w) has one entry per weight: Xᵀ(…) of shape (d,)")
def _bce_shape(m: ModuleType) -> None:
    X, y, w = _problem(10)
    got = as_array(function(m, "bce_gradient")(X, y, w), "bce_gradient(X, y, w)")
    if got.shape != w.shape:
        raise CheckFailed(f"bce_gradient(X, y, w) has shape {got.shape}, w has {w.shape}")


@check("bce_gradient", "bce_gradient equals the engine's reverse mode on 20 random problems",
       "∂L/∂μ_i = (μ_i − y_i)/(μ_i(1 − μ_i)) and ∂μ_i/∂w = μ_i(1 − μ_i)x_i")
def _bce_engine(m: ModuleType) -> None:
    for seed in range(20):
        X, y, w = _problem(100 + seed)
        want = _engine_gradient(X, y, w)
        got = as_array(function(m, "bce_gradient")(X, y, w), "bce_gradient(X, y, w)")
        if got.shape == want.shape and np.allclose(got * len(X), want, rtol=1e-6) and len(X) > 1:
            raise CheckFailed(f"bce_gradient is the engine's gradient divided by N = {len(X)}",
                              "the slide's L is a sum over the examples, not a mean")
        if got.shape == want.shape and np.allclose(got, -want, rtol=1e-6) and want.any():
            raise CheckFailed("bce_gradient has the wrong sign",
                              "L is the *negative* log likelihood: ∇L = Σ (μ_i − y_i) x_i")
        expect_close(got, want, "bce_gradient(X, y, w)", where=f" (N={len(X)}, d={X.shape[1]})")


@check("bce_gradient", "bce_gradient agrees with central differences of L(w)",
       "differentiate the slide's L(w) = −Σ [y log μ + (1 − y) log(1 − μ)]")
def _bce_numeric(m: ModuleType) -> None:
    X, y, w = _problem(7)
    numeric = np.array([(_bce(X, y, w + H * e) - _bce(X, y, w - H * e)) / (2 * H)
                        for e in np.eye(len(w))])
    got = function(m, "bce_gradient")(X, y, w)
    expect_close(got, numeric, "bce_gradient against central differences", rtol=1e-5,
                 atol=1e-6)


@check("bce_gradient", "bce_gradient stays finite when the sigmoid saturates (|wᵀx| up to 100)",
       "simplify first: (μ − y)/(μ(1 − μ)) · μ(1 − μ) = μ − y has no division by 0")
def _bce_saturated(m: ModuleType) -> None:
    X, y, w = _problem(11, scale=60.0)
    with np.errstate(all="ignore"):
        got = as_array(function(m, "bce_gradient")(X, y, w), "bce_gradient(X, y, w)")
    if got.shape != w.shape or not np.isfinite(got).all():
        raise CheckFailed(f"bce_gradient gave {got.tolist()} at large weights")
    from ...nn.manual import bce_gradient as hand_derived  # the engine's reverse mode saturates
    expect_close(got, hand_derived(X, y, w), "bce_gradient at large weights")
