"""`autodiff symbolic`: sympy's derivative formulas and their expression-swell statistics."""

from __future__ import annotations

import click

from autodiff.errors import InputError
from autodiff.methods.budget import Budget
from autodiff.methods.compare import FORMATS
from autodiff.methods.recorded import operations, sweep_operations
from autodiff.methods.symbolic import derivatives
from autodiff.parse import parse
from autodiff.render import reports

from .method_options import budget_options
from .options import (
    EXPRESSION_COMMAND,
    expression_options,
    format_option,
    point_of,
    read_source,
)


@click.command(context_settings=EXPRESSION_COMMAND)
@expression_options()
@budget_options
@format_option(*FORMATS)
def symbolic(source: str, at: tuple[str, ...], seconds: float, max_nodes: int,
             fmt: str) -> None:
    """The symbolic derivative of EXPR_OR_FILE for each input, and how much it swells.

    Shows each derivative as a formula (Unicode; LaTeX with --format markdown/latex), the
    size of f, of each raw derivative, simplified, and after common-subexpression
    elimination (operations and tree nodes), next to the operations of forward and reverse
    mode for the same function, and f converted back from sympy to a trace. Every sympy call
    runs under --budget seconds and --max-nodes; exceeding them is reported, never a hang.
    """
    trace = parse(read_source(source))
    if len(trace.outputs) != 1:
        raise InputError(f"symbolic differentiation takes one output; this program has "
                         f"{len(trace.outputs)}")
    staged = derivatives(trace, point_of(at), Budget(seconds, max_nodes))
    primal = operations(trace)
    ad_ops = {"primal": primal,
              "forward": primal + sum(sweep_operations(trace, "forward", n)
                                      for n in trace.inputs),
              "reverse": primal + sweep_operations(trace, "reverse")}
    click.echo(reports.symbolic(trace, staged, ad_ops, fmt), nl=False)
