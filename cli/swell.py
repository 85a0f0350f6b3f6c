"""`autodiff swell`: the expression-swell study over n-fold compositions (the logistic map)."""

from __future__ import annotations

import click

from autodiff.methods.budget import Budget
from autodiff.methods.compare import FORMATS
from autodiff.methods.swell import LOGISTIC, study
from autodiff.outputfile import FIGURE
from autodiff.render import reports

from .method_options import budget_options, plot_options
from .options import EXPRESSION_COMMAND, check_output_files, format_option


@click.command(context_settings=EXPRESSION_COMMAND)
@click.argument("g", default=LOGISTIC, metavar="[G]")
@click.option("--n", "n_max", type=int, default=6, show_default=True,
              help="Study n = 1 … N compositions.")
@click.option("--no-simplify", is_flag=True, help="Skip sympy.simplify (the slowest part).")
@budget_options
@plot_options
@format_option(*FORMATS)
def swell(g: str, n_max: int, no_simplify: bool, seconds: float, max_nodes: int,
          plot: str | None, overwrite: bool, fmt: str) -> None:
    """Expression swell of f_n = G∘G∘…∘G (n times) for n = 1 … N.

    G is a function of one input; the default 4*x*(1-x) gives the logistic map
    l(n+1) = 4*l(n)*(1-l(n)). For each n: the size of f_n and of its symbolic derivative
    (raw, simplified, after CSE) next to the operations of the AD traces. All the sympy
    work shares one deadline (--budget); the n it leaves no time for are reported.

    \b
        autodiff swell --n 8 --plot swell.png
        autodiff swell "sin(x)*x" --n 5
    """
    check_output_files({"--plot": (plot, FIGURE)}, overwrite)
    result = study(g, n_max, Budget(seconds, max_nodes), simplify=not no_simplify)
    if plot:
        from autodiff.render.plots import swell_plot

        swell_plot(result, plot, overwrite)
    click.echo(reports.swell(result, fmt), nl=False)
    if plot:
        click.echo(f"plot written to {plot}", err=True)
