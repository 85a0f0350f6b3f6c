"""`autodiff hessian`: the Hessian by forward-over-reverse, and the kind of stationary point."""

from __future__ import annotations

import click

from autodiff.methods.compare import FORMATS
from autodiff.methods.jacobian import hessian as hessian_of
from autodiff.parse import parse
from autodiff.render import reports

from .options import (
    EXPRESSION_COMMAND,
    expression_options,
    format_option,
    point_of,
    read_source,
)


@click.command(context_settings=EXPRESSION_COMMAND)
@expression_options()
@format_option(*FORMATS)
def hessian(source: str, at: tuple[str, ...], fmt: str) -> None:
    """The Hessian of the scalar function EXPR_OR_FILE at --at, and what it says.

    The reverse sweep is recorded as a trace computing ∇f, and that trace is differentiated
    in forward mode (forward-over-reverse). At a stationary point (∇f = 0) the eigenvalues
    classify it: all positive → minimum, all negative → maximum, mixed → saddle point.

        autodiff hessian "x^2 - y^2" --at x=0,y=0
    """
    result = hessian_of(parse(read_source(source)), point_of(at) or {})
    click.echo(reports.hessian(result, fmt), nl=False)
