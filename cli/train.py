"""`autodiff train`: the lecture's training loop from the command line."""

from __future__ import annotations

import json
import sys

import click

from autodiff.errors import InputError
from autodiff.outputfile import FIGURE, HISTORY, MODEL_FILE
from autodiff.train import TrainConfig, run, save_model
from autodiff.train.model import ACTIVATIONS, LOSSES, MODELS
from autodiff.train.report import report_json, report_table

from .options import check_output_files, format_option
from .progress import Progress
from .training_options import (
    data_options,
    optimization_options,
    output_options,
    write_plot_and_history,
)


def hidden_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(h) for h in text.split(","))
    except ValueError:
        raise InputError(f"--hidden {text}: give layer sizes such as 16 or 32,16") from None
    if not sizes or min(sizes) < 1:
        raise InputError(f"--hidden {text}: layer sizes must be at least 1")
    return sizes


@click.command()
@click.option("--model", type=click.Choice(MODELS), default="logistic", show_default=True,
              help="linear (regression), logistic (classification) or mlp.")
@click.option("--loss", type=click.Choice(LOSSES), default=None,
              help="Default: mse for linear, bce for logistic and mlp, cross-entropy when "
                   "the target has more than two classes.")
@click.option("--hidden", default="16", show_default=True, metavar="H1,H2,...",
              help="Hidden layer sizes of the mlp.")
@click.option("--activation", type=click.Choice(ACTIVATIONS), default="relu",
              show_default=True, help="Hidden activation of the mlp.")
@optimization_options("weights")
@data_options("model", test_size=0.2)
@click.option("--standardize/--no-standardize", default=True, show_default=True,
              help="Standardize features (and a regression target) with train statistics.")
@click.option("--compile/--no-compile", "compiled", default=True, show_default=True,
              help="Run each step as generated numpy code (autodiff.compile_step): the same "
                   "numbers as the eager loop, faster.")
@output_options("The trained model as JSON, for autodiff predict.")
@format_option("table", "json")
def train(model, loss, hidden, activation, optimizer, lr, momentum, batch_size, epochs,
          schedule, gamma, step_size, warmup, seed, data, target, test_size, n_samples,
          n_features, standardize, compiled, plot, history_file, save, overwrite, fmt) -> None:
    """Train a linear, logistic or MLP model and report loss, metrics and weights.

    The defaults are the lecture's training loop (SGD with momentum 0.9, lr 0.01, batches of
    64, 20 epochs) on the course's two Gaussians. A run that diverges (a non-finite loss, or
    a loss that grows past 4× its start) stops with exit status 1; Ctrl-C stops between two
    steps and still writes --plot, --history and --save (exit status 130).

    \b
        autodiff train --model logistic --optimizer adam --lr 0.05 --plot loss.png
    """
    check_output_files({"--plot": (plot, FIGURE), "--history": (history_file, HISTORY),
                        "--save": (save, MODEL_FILE)}, overwrite, (data,))
    config = TrainConfig(model=model, loss=loss, hidden=hidden_sizes(hidden),
                         activation=activation, optimizer=optimizer, lr=lr, momentum=momentum,
                         batch_size=batch_size, epochs=epochs, schedule=schedule, gamma=gamma,
                         step_size=step_size, warmup=warmup, seed=seed, data=data,
                         target=target, test_size=test_size, n_samples=n_samples,
                         n_features=n_features, standardize=standardize, compile=compiled)
    bar = Progress(enabled=fmt == "table" and sys.stdout.isatty())
    with bar:
        result = run(config, callback=bar.update)
    history = result.history
    written = write_plot_and_history(history, plot, history_file)
    if save and history.status != "diverged":
        save_model(save, result.model, result.spec, tuple(result.data["features"]),
                   result.data["target"], result.scaler, result.target_scaler,
                   training={"config": history.config, "metrics": history.final})
        written["model"] = save
    if fmt == "json":
        click.echo(json.dumps(report_json(result, written), indent=2))
    else:
        click.echo(report_table(result, written))
    if history.status == "diverged":
        click.echo(f"error: training diverged: {history.message}"
                   + (" (the model was not saved)" if save else ""), err=True)
        sys.exit(1)
    if history.status == "interrupted":
        click.echo(f"interrupted: {history.message}", err=True)
        sys.exit(130)
