"""Hypothesis strategies: random expressions of the grammar, and points in their domain."""

from __future__ import annotations

from hypothesis import strategies as st

# Functions that are smooth on the whole real line, or made so by the wrapping below.
SAFE_UNARY = ["exp({})", "sin({})", "cos({})", "tanh({})", "sigmoid({})", "atan({})",
              "softplus({})", "logsigmoid({})", "log(1 + ({})^2)", "sqrt(1 + ({})^2)",
              "-({})", "({})^2", "({})^3", "sinh(({})/3)", "cosh(({})/3)", "log1p(({})^2)",
              "exp(-({})^2)", "({})/(1 + ({})^2)"]
BINARY = ["({}) + ({})", "({}) - ({})", "({})*({})", "({})/(2 + sin({}))",
          "pow(2 + ({})^2, tanh({}))"]
NAMES = ["x1", "x2", "x3"]


def _leaf() -> st.SearchStrategy[str]:
    number = st.sampled_from(["0.5", "2", "3", "1.5", "0.25", "1e-1"])
    return st.one_of(st.sampled_from(NAMES), number)


def expressions(depth: int = 4) -> st.SearchStrategy[str]:
    """A random expression over x1, x2, x3 (at least one of them), smooth everywhere."""
    return _expressions(depth).filter(lambda text: any(n in text for n in NAMES))


@st.composite
def _expressions(draw, depth: int = 4) -> str:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(_leaf())
    if draw(st.booleans()):
        f = draw(st.sampled_from(SAFE_UNARY))
        inner = draw(_expressions(depth - 1))
        return f.replace("{}", inner)
    f = draw(st.sampled_from(BINARY))
    a, b = draw(_expressions(depth - 1)), draw(_expressions(depth - 1))
    # the template's second {} (if any) repeats an operand: it must stay the same operand
    return f.replace("{}", a, 1).replace("{}", b, 1).replace("{}", b)


def points(names: list[str]) -> st.SearchStrategy[dict[str, float]]:
    coord = st.floats(-1.5, 1.5, allow_nan=False).map(lambda v: round(v, 3))
    return st.fixed_dictionaries({n: coord for n in names})
