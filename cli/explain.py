"""`autodiff explain`: where a nan or inf starts in the trace and how it spreads."""

from __future__ import annotations

import click

from autodiff.errors import InputError
from autodiff.extras.explain import explain as run_explain

from .options import (
    EXPRESSION_COMMAND,
    expression_options,
    format_option,
    point_of,
    read_source,
    wrt_of,
)


@click.command(context_settings=EXPRESSION_COMMAND)
@expression_options(wrt=True)
@format_option("table", "markdown", "latex", "json")
def explain(source: str, at: tuple[str, ...], wrt: str | None, fmt: str) -> None:
    """Explain the non-finite values, tangents and adjoints of EXPR_OR_FILE at --at: the
    variable where each first becomes nan or ±inf, why (log(0), 0·inf, overflow…), and the
    path along which it spreads to f and to the gradient. Example:

        autodiff explain "log(x1*x2) + x1" --at x1=2,x2=0
    """
    point = point_of(at)
    if point is None:
        raise InputError("explain needs a point: give one with --at, e.g. --at x1=2,x2=0")
    click.echo(run_explain(read_source(source), point, wrt_of(wrt)).render(fmt), nl=False)
