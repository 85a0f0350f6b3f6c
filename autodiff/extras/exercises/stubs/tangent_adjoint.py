"""Exercise tangent_adjoint: a primitive's tangent and adjoint rule.

Forward mode carries a tangent v̇ with every primal v; reverse mode carries an adjoint v̄
(lecture, "Forward-mode" and "Reverse-mode automatic differentiation"):

    tangent:  v̇_i = Σ_{j ∈ parents(i)}  v̇_j · ∂v_i/∂v_j
    adjoint:  v̄_j = Σ_{i ∈ children(j)} v̄_i · ∂v_i/∂v_j   (each child contributes v̄_i·∂v_i/∂v_j)

Write both rules for two primitives, division v = x / y and the sigmoid v = σ(x) = 1/(1+e^(−x)).
Every argument may be a float or a numpy array (elementwise, all of one shape).

Check your file with:   autodiff exercise check tangent_adjoint THIS_FILE
"""

import numpy as np  # noqa: F401  (you may need it)


def div_tangent(x, y, x_dot, y_dot):
    """v = x / y. Return v̇ = x_dot·∂v/∂x + y_dot·∂v/∂y."""
    raise NotImplementedError("div_tangent: return x_dot·∂v/∂x + y_dot·∂v/∂y for v = x/y")


def div_adjoint(x, y, v_bar):
    """v = x / y. Return the pair (x̄, ȳ) = (v_bar·∂v/∂x, v_bar·∂v/∂y)."""
    raise NotImplementedError("div_adjoint: return (v_bar·∂v/∂x, v_bar·∂v/∂y) for v = x/y")


def sigmoid_tangent(x, x_dot):
    """v = σ(x). Return v̇ = x_dot·σ'(x)."""
    raise NotImplementedError("sigmoid_tangent: return x_dot·σ'(x); σ'(x) can be written "
                              "with σ(x) itself")


def sigmoid_adjoint(x, v_bar):
    """v = σ(x). Return x̄ = v_bar·σ'(x)."""
    raise NotImplementedError("sigmoid_adjoint: return v_bar·σ'(x)")
