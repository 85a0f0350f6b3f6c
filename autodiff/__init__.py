"""autodiff: a teaching engine for differentiation and for training neural networks.

Text becomes an evaluation trace (:func:`parse`), the trace is differentiated in forward and
reverse mode (:func:`forward_sweep`, :func:`reverse_sweep`) over one registry of primitives
(:data:`REGISTRY`), and :func:`evaluate` puts it together as the lecture's tables.
"""

from . import autograd as _autograd
from .autograd import (
    Tensor,
    elementwise_grad,
    enable_grad,
    grad,
    hessian,
    hvp,
    is_grad_enabled,
    jacfwd,
    jacrev,
    jvp,
    manual_seed,
    no_grad,
    value_and_grad,
    vjp,
)
from .errors import InputError, ParseError
from .evaluation import Evaluation, evaluate
from .forward import ForwardSweep, forward_sweep, primal_sweep
from .parse import parse, parse_point
from .primitives import REGISTRY, Primitive
from .render.graph import Graph, to_dot, to_svg
from .reverse import ReverseSweep, reverse_sweep
from .trace import Const, Step, Trace

__version__ = "0.1.0"

#: PyTorch's top-level tensor functions (``autodiff.cat``, ``autodiff.zeros``, ``autodiff.exp``…),
#: from :mod:`autodiff.autograd`; docs/tensor.md lists them with their numpy names
TENSOR_FUNCTIONS = (
    "tensor", "zeros", "ones", "zeros_like", "ones_like", "full", "full_like", "arange",
    "linspace", "eye", "rand", "randn", "randint", "randperm",
    "sum", "mean", "max", "min", "prod", "var", "std", "argmax", "argmin", "cumsum",
    "logsumexp", "amax", "amin", "reshape", "flatten", "squeeze", "unsqueeze", "permute",
    "transpose", "t", "flip", "gather", "sort", "clone", "numel", "clamp", "clip", "softmax",
    "log_softmax", "cat", "concatenate", "stack", "where", "einsum", "tensordot", "outer",
    "dot", "matmul", "roll", "tril", "triu", "pad", "tile", "repeat", "split", "chunk",
    "maximum", "minimum", "pow", "remainder", "mod", "abs", "round", "negative", "arcsin",
    "arccos", "arctan", "arcsinh", "arccosh", "arctanh",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
    *(name for name, prim in REGISTRY.items() if prim.arity == 1),
)
globals().update({name: getattr(_autograd, name) for name in TENSOR_FUNCTIONS})

#: subpackages that ``import autodiff`` does not load (the training stack): loaded on first use
_LAZY = ("nn", "optim", "data", "datasets", "train", "expression", "methods", "extras",
         "render")

__all__ = [
    "REGISTRY", "Const", "Evaluation", "ForwardSweep", "InputError", "ParseError", "Primitive",
    "ReverseSweep", "Step", "Trace", "evaluate", "forward_sweep", "parse", "parse_point",
    "primal_sweep", "reverse_sweep",
    "Graph", "to_dot", "to_svg",
    "Tensor", "elementwise_grad", "enable_grad", "grad", "hessian", "hvp", "is_grad_enabled",
    "jacfwd", "jacrev", "jvp", "manual_seed", "no_grad", "value_and_grad", "vjp",
    "ExpressionModel", "fit", "explore", "compile", "compile_step", *TENSOR_FUNCTIONS,
]


def explore(source, at=None, wrt=None, theme: str = "light", large_font: bool = False):
    """The explorer that steps through the sweeps of an :class:`Evaluation` (or of an expression
    or trace program at the point ``at``): it shows itself in a notebook and ``.save(path)``
    writes it as one HTML page (see :mod:`autodiff.render.explorer`)."""
    from .render.explorer import explore as _explore

    return _explore(source, at, wrt, theme, large_font)


def __getattr__(name: str):
    """``fit`` and ``ExpressionModel`` bring the training stack, and ``autodiff.optim``,
    ``autodiff.nn``… are subpackages: imported on first use (``import autodiff`` stays light)."""
    if name in ("compile", "compile_step"):
        from . import codegen

        return getattr(codegen, name)
    if name in ("fit", "ExpressionModel"):
        from . import expression

        return getattr(expression, name)
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'autodiff' has no attribute {name!r}")
