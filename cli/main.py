"""The `autodiff` command group and the one place where bad input becomes exit status 2."""

from __future__ import annotations

import click

from autodiff import __version__
from autodiff.errors import InputError

from .adjoints import adjoints
from .check import check
from .diff import diff
from .exercise import exercise
from .explain import explain
from .fit import fit
from .graph import graph
from .hessian import hessian
from .jacobian import jacobian
from .normalization import normalization
from .numeric import numeric
from .optim_state import optimizer_state
from .optimizers import optimizers
from .predict import predict
from .quiz import quiz
from .selfcheck import selfcheck
from .stability import stability
from .swell import swell
from .symbolic import symbolic
from .trace import trace
from .train import train


class BadInput(click.ClickException):
    """Bad user input: one message on stderr, exit status 2, no traceback."""

    exit_code = 2


class Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise BadInput(str(exc)) from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autodiff")
def cli() -> None:
    """autodiff: evaluation traces, forward and reverse mode, and the training of small networks.

    Start with the lecture's example:

        autodiff trace "x1*x2+exp(x1*x2)-sin(x2)" --at x1=1.5,x2=0.5
    """


cli.add_command(trace)
cli.add_command(graph)
cli.add_command(diff)
cli.add_command(numeric)
cli.add_command(symbolic)
cli.add_command(swell)
cli.add_command(check)
cli.add_command(jacobian)
cli.add_command(hessian)
cli.add_command(train)
cli.add_command(predict)
cli.add_command(optimizers)
cli.add_command(selfcheck)
cli.add_command(exercise)
cli.add_command(quiz)
cli.add_command(adjoints)
cli.add_command(explain)
cli.add_command(stability)
cli.add_command(optimizer_state)
cli.add_command(normalization)
cli.add_command(fit)
