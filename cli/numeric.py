"""`autodiff numeric`: finite differences and the complex step, and the step-size study."""

from __future__ import annotations

import click

from autodiff.methods import numeric as num
from autodiff.methods.compare import FORMATS
from autodiff.outputfile import FIGURE
from autodiff.parse import parse
from autodiff.render import reports
from autodiff.reverse import reverse_sweep

from .method_options import plot_options, step_option
from .options import (
    EXPRESSION_COMMAND,
    check_output_files,
    expression_options,
    format_option,
    point_of,
    read_source,
)


@click.command(context_settings=EXPRESSION_COMMAND)
@expression_options()
@click.option("--method", "methods", multiple=True, type=click.Choice(num.METHODS),
              help="The methods to run (repeatable; default: all).")
@step_option
@click.option("--study", is_flag=True,
              help="The step-size study: the error of each method for h = 1e-1 … 1e-16.")
@plot_options
@format_option(*FORMATS)
def numeric(source: str, at: tuple[str, ...], methods: tuple[str, ...], h: float | None,
            study: bool, plot: str | None, overwrite: bool, fmt: str) -> None:
    """Numerical derivatives of EXPR_OR_FILE at --at, against reverse mode.

    Forward and backward differences (error O(h), n+1 evaluations), central differences
    (O(h²), 2n evaluations) and the complex step (n complex evaluations, no round-off).
    --study shows the error over h = 1e-1 … 1e-16; --plot draws it (log-log).

    \b
        autodiff numeric "x1*x2+exp(x1*x2)-sin(x2)" --at x1=1.5,x2=0.5 --study --plot steps.png
    """
    check_output_files({"--plot": (plot, FIGURE)}, overwrite)
    trace = parse(read_source(source))
    point = {k: float(v) for k, v in trace.bind(point_of(at) or {}).items()}
    num.check_step(h)
    methods = methods or num.METHODS
    if study or plot:
        result = num.step_study(trace, point, methods=methods)
        if plot:
            from autodiff.render.plots import step_study_plot

            step_study_plot(result, plot, overwrite)
        click.echo(reports.step_study(result, point, fmt), nl=False)
        if plot:
            click.echo(f"plot written to {plot}", err=True)
        return
    reference = {k: float(v) for k, v in reverse_sweep(trace, point).gradient.items()}
    results = [num.gradient(trace, point, m, h) for m in methods]
    click.echo(reports.numerical(results, reference, point, fmt), nl=False)
