"""The `autodiff` command group and the one place where bad input becomes exit status 2."""

from __future__ import annotations

import importlib

import click

from autodiff import __version__
from autodiff.errors import InputError, readable

#: Each command and the module that defines it, imported only when the command runs (so that
#: ``autodiff trace`` loads neither sympy, matplotlib nor the training stack).
COMMANDS = {
    "trace": "trace", "graph": "graph", "diff": "diff", "numeric": "numeric",
    "symbolic": "symbolic", "swell": "swell", "check": "check", "jacobian": "jacobian",
    "hessian": "hessian", "train": "train", "predict": "predict", "optimizers": "optimizers",
    "selfcheck": "selfcheck", "exercise": "exercise", "quiz": "quiz", "adjoints": "adjoints",
    "explain": "explain", "stability": "stability", "optimizer-state": "optim_state",
    "normalization": "normalization", "fit": "fit", "explore": "explore",
    "codegen": "codegen",
}


class BadInput(click.ClickException):
    """Bad user input: one message on stderr, exit status 2, no traceback."""

    exit_code = 2


class Group(click.Group):
    """The command group: commands load lazily (:data:`COMMANDS`); bad input exits with 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(f".{COMMANDS[name]}", __package__)
        return getattr(module, name.replace("-", "_"))

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and command.context_settings.get("ignore_unknown_options"):
            from .options import leading_minus_first

            rest = leading_minus_first(command, rest)
        return name, command, rest

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise BadInput(readable(str(exc))) from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autodiff")
def cli() -> None:
    """autodiff: evaluation traces, forward and reverse mode, and the training of small networks.

    An expression that starts with a minus works as the first argument
    (autodiff trace "-tanh(x1)"); -- before it says the same explicitly.

    Start with the lecture's example:

        autodiff trace "x1*x2+exp(x1*x2)-sin(x2)" --at x1=1.5,x2=0.5
    """
