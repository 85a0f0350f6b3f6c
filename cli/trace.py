"""`autodiff trace`: an expression or trace program as the lecture's evaluation-trace tables."""

from __future__ import annotations

import click

from autodiff.evaluation import FORMATS, MODES, evaluate

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
@click.option("--mode", type=click.Choice(MODES), default="both", show_default=True,
              help="Forward (tangents), reverse (adjoints) or both.")
@format_option(*FORMATS)
def trace(source: str, at: tuple[str, ...], wrt: str | None, mode: str, fmt: str) -> None:
    """Show the evaluation trace of EXPR_OR_FILE with its primal, tangent and adjoint tables.

    EXPR_OR_FILE is an expression such as "x1*x2+exp(x1*x2)-sin(x2)", a file holding a trace
    program (one assignment a line, as on the slides: v3 = v1*v2), or - for stdin.
    Without --at it prints the equations; with --at, their values, f and its gradient.
    """
    ev = evaluate(read_source(source), point_of(at), wrt_of(wrt), mode)
    click.echo(ev.render(fmt), nl=False)
    for warning in ev.warnings:
        click.echo(f"warning: {warning}", err=True)
