"""Options shared by `autodiff train` and `autodiff fit`: optimization, data, output files."""

from __future__ import annotations

from collections.abc import Callable

import click

from autodiff.train import OPTIMIZERS, SCHEDULES

from .options import overwrite_option


class BatchSize(click.ParamType):
    """A positive integer, or ``full`` for the whole training set (batch gradient descent)."""

    name = "N|full"

    def convert(self, value, param, ctx):
        if value is None or isinstance(value, int):
            return value
        if str(value).lower() == "full":
            return None
        try:
            n = int(value)
        except ValueError:
            self.fail(f"{value!r} is neither a positive integer nor 'full'", param, ctx)
        if n < 1:
            self.fail(f"{n} is not a positive integer", param, ctx)
        return n


def _stack(*decorators: Callable) -> Callable:
    def apply(f: Callable) -> Callable:
        for d in reversed(decorators):
            f = d(f)
        return f
    return apply


def optimization_options(initial: str) -> Callable:
    """--optimizer, --lr, --momentum, --batch-size, --epochs, the schedule and --seed;
    ``initial`` names what the seed initializes (weights, values)."""
    return _stack(
        click.option("--optimizer", type=click.Choice(OPTIMIZERS), default="momentum",
                     show_default=True, help="momentum is SGD with --momentum."),
        click.option("--lr", type=float, default=0.01, show_default=True,
                     help="Learning rate η₀."),
        click.option("--momentum", type=float, default=0.9, show_default=True,
                     help="μ for --optimizer momentum."),
        click.option("--batch-size", type=BatchSize(), default="64", show_default=True,
                     help="Examples per step; 'full' for batch gradient descent, 1 for SGD."),
        click.option("--epochs", type=int, default=20, show_default=True),
        click.option("--schedule", type=click.Choice(SCHEDULES), default="none",
                     show_default=True, help="Learning-rate schedule, stepped once per epoch."),
        click.option("--gamma", type=float, default=None,
                     help="Factor of the exponential (0.9) and step (0.1) schedules."),
        click.option("--step-size", type=int, default=None,
                     help="Epochs between steps of 'step'."),
        click.option("--warmup", type=int, default=None, help="Warm-up epochs of 'warmup'."),
        click.option("--seed", type=int, default=0, show_default=True,
                     help=f"Seeds the data, the split, the initial {initial} and the batch "
                          "order."),
    )


def data_options(default_for: str, test_size: float) -> Callable:
    """--data, --target, --test-size and the size of the synthetic data."""
    return _stack(
        click.option("--data", default=None, metavar="NAME|FILE",
                     help="two-gaussians, noisy-linear, breast-cancer, diabetes, or a CSV file "
                          f"(default: the synthetic set for the {default_for}'s task)."),
        click.option("--target", default=None, metavar="COLUMN",
                     help="The CSV column to predict."),
        click.option("--test-size", type=float, default=test_size, show_default=True,
                     help="Fraction of rows held out for testing."),
        click.option("--n-samples", type=int, default=1000, show_default=True,
                     help="Rows of synthetic data."),
        click.option("--n-features", type=int, default=2, show_default=True,
                     help="Features of synthetic data."),
    )


def output_options(save_help: str) -> Callable:
    """--plot, --history, --save and --overwrite."""
    return _stack(
        click.option("--plot", default=None, metavar="FILE",
                     help="Loss curves, .png or .svg."),
        click.option("--history", "history_file", default=None, metavar="FILE",
                     help="Per-epoch history, .json (with every step's loss) or .csv."),
        click.option("--save", default=None, metavar="FILE", help=save_help),
        overwrite_option,
    )


def write_plot_and_history(history, plot: str | None, history_file: str | None) -> dict:
    """Write --plot and --history; return what was written, by kind."""
    written = {}
    if plot:
        history.plot(plot)
        written["plot"] = plot
    if history_file:
        history.save(history_file)
        written["history"] = history_file
    return written
