"""`autodiff diff`: every way to differentiate, side by side, measured against reverse mode."""

from __future__ import annotations

import click

from autodiff.methods.budget import Budget
from autodiff.methods.compare import FORMATS, compare
from autodiff.methods.manual import read_manual

from .method_options import budget_options, fail_if_wrong, manual_options, step_option
from .options import (
    EXPRESSION_COMMAND,
    expression_options,
    format_option,
    point_of,
    read_source,
)


@click.command(context_settings=EXPRESSION_COMMAND)
@expression_options()
@manual_options
@step_option
@budget_options
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random points where manual derivatives are checked.")
@format_option(*FORMATS)
def diff(source: str, at: tuple[str, ...], manual: tuple[str, ...], manual_file: str | None,
         h: float | None, seconds: float, max_nodes: int, seed: int, fmt: str) -> None:
    """Differentiate EXPR_OR_FILE at --at by every method and compare them with reverse mode.

    Methods: manual (with --manual), forward, backward and central differences, the complex
    step, symbolic (sympy), forward and reverse mode. For each input: the derivative, its
    absolute and relative error against reverse mode, and the cost (evaluations or sweeps,
    elementary operations, time). A wrong manual derivative exits with status 1.

    \b
        autodiff diff "x1*x2+exp(x1*x2)-sin(x2)" --at x1=1.5,x2=0.5 --manual x1="x2+x2*exp(x1*x2)"
    """
    budget = Budget(seconds, max_nodes)
    supplied = read_manual(manual, manual_file)
    result = compare(read_source(source), point_of(at) or {}, manual=supplied, h=h,
                     budget=budget, seed=seed)
    click.echo(result.render(fmt), nl=False)
    fail_if_wrong(result.ok)
