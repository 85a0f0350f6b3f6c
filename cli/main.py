"""The `autodiff` command group and the one place where bad input becomes exit status 2."""

from __future__ import annotations

import click

from autodiff import __version__
from autodiff.errors import InputError

from .trace import trace


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
