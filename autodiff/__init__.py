"""autodiff: a teaching engine for differentiation and for training neural networks.

Text becomes an evaluation trace (:func:`parse`), the trace is differentiated in forward and
reverse mode (:func:`forward_sweep`, :func:`reverse_sweep`) over one registry of primitives
(:data:`REGISTRY`), and :func:`evaluate` puts it together as the lecture's tables.
"""

from .autograd import Tensor, grad, hessian, hvp, jacfwd, jacrev, jvp, no_grad, value_and_grad, vjp
from .errors import InputError, ParseError
from .evaluation import Evaluation, evaluate
from .forward import ForwardSweep, forward_sweep, primal_sweep
from .parse import parse, parse_point
from .primitives import REGISTRY, Primitive
from .render.graph import Graph, to_dot, to_svg
from .reverse import ReverseSweep, reverse_sweep
from .trace import Const, Step, Trace

__version__ = "0.1.0"

__all__ = [
    "REGISTRY", "Const", "Evaluation", "ForwardSweep", "InputError", "ParseError", "Primitive",
    "ReverseSweep", "Step", "Trace", "evaluate", "forward_sweep", "parse", "parse_point",
    "primal_sweep", "reverse_sweep",
    "Graph", "to_dot", "to_svg",
    "Tensor", "grad", "hessian", "hvp", "jacfwd", "jacrev", "jvp", "no_grad", "value_and_grad",
    "vjp",
    "ExpressionModel", "fit",
]


def __getattr__(name: str):
    """``fit`` and ``ExpressionModel`` bring the training stack: imported on first use."""
    if name in ("fit", "ExpressionModel"):
        from . import expression

        return getattr(expression, name)
    raise AttributeError(f"module 'autodiff' has no attribute {name!r}")
