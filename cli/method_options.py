"""Options shared by the commands that compare ways to differentiate: --manual, --h, --budget."""

from __future__ import annotations

from collections.abc import Callable

import click

from autodiff.methods.budget import Budget

from .options import overwrite_option


def manual_options(f: Callable) -> Callable:
    f = click.option("--manual-file", type=click.Path(dir_okay=False), default=None,
                     help="A file of hand-derived derivatives, one NAME = FORMULA a line.")(f)
    return click.option("--manual", multiple=True, metavar='NAME="FORMULA"',
                        help='A hand-derived derivative, e.g. x1="x2 + x2*exp(x1*x2)"; '
                             "repeat it once per input.")(f)


def step_option(f: Callable) -> Callable:
    return click.option("--h", "h", type=float, default=None, metavar="STEP",
                        help="The step of the finite differences and the complex step "
                             "(default: the best step per method and input).")(f)


def budget_options(f: Callable) -> Callable:
    f = click.option("--max-nodes", type=int, default=Budget.max_nodes, show_default=True,
                     help="Size budget: expressions with more tree nodes are not "
                          "simplified or printed.")(f)
    return click.option("--budget", "seconds", type=float, default=Budget.seconds,
                        show_default=True, metavar="SECONDS",
                        help="Time budget of all the command's symbolic (sympy) work: one "
                             "deadline; what it cuts is reported.")(f)


def plot_options(f: Callable) -> Callable:
    f = overwrite_option(f)
    return click.option("--plot", type=click.Path(dir_okay=False), default=None,
                        help="Also draw the study to this .png or .svg file.")(f)


def fail_if_wrong(ok: bool) -> None:
    """Exit with status 1 when a manual derivative is wrong (the report is already printed)."""
    if not ok:
        click.echo("error: a manual derivative is wrong (see the report above)", err=True)
        click.get_current_context().exit(1)
