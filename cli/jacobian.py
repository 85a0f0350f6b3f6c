"""`autodiff jacobian`: the Jacobian by forward mode (n sweeps) and reverse mode (m sweeps)."""

from __future__ import annotations

import click

from autodiff.methods.compare import FORMATS
from autodiff.methods.jacobian import jacobian as jacobian_of
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
def jacobian(source: str, at: tuple[str, ...], fmt: str) -> None:
    """The Jacobian of EXPR_OR_FILE (a program may end with `return f1, f2`) at --at.

    Computed twice: by forward mode, one tangent sweep per input (a column each), and by
    reverse mode, one adjoint sweep per output (a row each), with the number of sweeps and
    elementary operations of each.
    """
    result = jacobian_of(parse(read_source(source)), point_of(at) or {})
    click.echo(reports.jacobian(result, fmt), nl=False)
