"""`autodiff check`: hand-derived derivatives checked against reverse mode and sympy."""

from __future__ import annotations

import click

from autodiff.errors import InputError
from autodiff.methods.budget import Budget
from autodiff.methods.compare import FORMATS
from autodiff.methods.manual import check as check_manual
from autodiff.methods.manual import read_manual
from autodiff.parse import parse
from autodiff.render import reports

from .method_options import budget_options, fail_if_wrong, manual_options
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
@click.option("--points", type=click.IntRange(1, 1000), default=6, show_default=True,
              help="How many points to compare at (--at and random ones near it).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the points.")
@budget_options
@format_option(*FORMATS)
def check(source: str, at: tuple[str, ...], manual: tuple[str, ...], manual_file: str | None,
          points: int, seed: int, seconds: float, max_nodes: int, fmt: str) -> None:
    """Check hand-derived derivatives of EXPR_OR_FILE against reverse mode.

    Each --manual NAME="FORMULA" is compared with reverse mode at --at and at random points
    near it, and with sympy's derivative symbolically. A wrong one is reported with the
    point, the expected and the supplied value, and the exit status is 1.

    \b
        autodiff check "x1*x2+exp(x1*x2)-sin(x2)" --at x1=1.5,x2=0.5 --manual x1="x2*(1+exp(x1*x2))"
    """
    supplied = read_manual(manual, manual_file)
    if not supplied:
        raise InputError("no derivative to check: give --manual NAME=FORMULA or --manual-file")
    trace = parse(read_source(source))
    checks = check_manual(trace, point_of(at) or {}, supplied, count=points, seed=seed,
                          budget=Budget(seconds, max_nodes))
    click.echo(reports.manual(checks, fmt), nl=False)
    fail_if_wrong(all(c.ok for c in checks))
