"""`autodiff optimizers`: the optimizer race on 2-D test functions, and the lr schedules."""

from __future__ import annotations

import json

import click

from autodiff.errors import InputError
from autodiff.outputfile import ANIMATION, FIGURE
from autodiff.train import OPTIMIZERS, schedule_curves
from autodiff.train.output import save_figure
from autodiff.train.race import FUNCTIONS, race
from autodiff.train.race_plot import save_gif, save_race, schedules_figure

from .options import check_output_files, format_option, overwrite_option


def learning_rates(values: tuple[str, ...]) -> dict[str, float]:
    """``--lr adam=0.1 --lr sgd=0.01`` (or ``adam=0.1,sgd=0.01``) → {optimizer: η}."""
    out: dict[str, float] = {}
    for text in values:
        for item in text.split(","):
            name, sep, value = item.partition("=")
            name = name.strip()
            if not sep or name not in OPTIMIZERS:
                raise InputError(f"--lr {item}: write OPTIMIZER=VALUE with OPTIMIZER one of "
                                 + ", ".join(OPTIMIZERS))
            try:
                out[name] = float(value)
            except ValueError:
                raise InputError(f"--lr {item}: {value!r} is not a number") from None
            if not out[name] > 0:
                raise InputError(f"--lr {item}: the learning rate must be positive")
    return out


@click.command()
@click.option("--function", "functions", type=click.Choice(list(FUNCTIONS)), multiple=True,
              help="Test function (repeatable; default: all of them).")
@click.option("--optimizer", "optimizers", type=click.Choice(OPTIMIZERS), multiple=True,
              help="Optimizer (repeatable; default: all six).")
@click.option("--lr", "lrs", multiple=True, metavar="OPT=VALUE,...",
              help="Learning rate of an optimizer, e.g. --lr momentum=0.01.")
@click.option("--steps", type=int, default=None,
              help="Steps per trajectory (default: 100 on bowl and saddle, 500 on rosenbrock).")
@click.option("--plot", default=None, metavar="FILE",
              help="Trajectories over contours and loss curves, .png or .svg.")
@click.option("--gif", default=None, metavar="FILE",
              help="Animated GIF of the race on the first --function.")
@click.option("--schedules", default=None, metavar="FILE",
              help="The learning-rate schedules over --schedule-steps steps, .png or .svg.")
@click.option("--schedule-steps", type=int, default=100, show_default=True)
@click.option("--full", is_flag=True, help="With --format json: every point of every path.")
@overwrite_option
@format_option("table", "json")
def optimizers(functions, optimizers, lrs, steps, plot, gif, schedules, schedule_steps, full,
               overwrite, fmt) -> None:
    """Race SGD, momentum, Adagrad, RMSprop, Adam and AdamW on 2-D test functions.

    Each optimizer starts at the same point; each has a learning rate that suits the function
    (SGD and momentum share theirs, so the difference momentum makes is visible).

    \b
        autodiff optimizers --plot race.png --gif race.gif --schedules schedules.png
    """
    check_output_files({"--plot": (plot, FIGURE), "--gif": (gif, ANIMATION),
                        "--schedules": (schedules, FIGURE)}, overwrite)
    if schedule_steps < 1:
        raise InputError(f"--schedule-steps must be at least 1, not {schedule_steps}")
    names = functions or tuple(FUNCTIONS)
    chosen = optimizers or OPTIMIZERS
    lr = learning_rates(lrs)
    results = {fn: race(fn, chosen, lr, steps) for fn in names}
    files = {}
    if plot:
        save_race(results, plot)
        files["plot"] = plot
    if gif:
        save_gif(names[0], results[names[0]], gif)
        files["gif"] = gif
    curves = schedule_curves(schedule_steps, 0.1)
    if schedules:
        save_figure(schedules_figure(curves, 0.1), schedules, "--schedules")
        files["schedules"] = schedules
    if fmt == "json":
        doc = {"command": "optimizers",
               "functions": {fn: {"formula": FUNCTIONS[fn].formula,
                                  "start": list(FUNCTIONS[fn].start),
                                  "minimum": list(FUNCTIONS[fn].minimum),
                                  "trajectories": [t.to_json(full) for t in paths]}
                             for fn, paths in results.items()},
               "schedules": {"lr": 0.1, "steps": schedule_steps, "curves": curves},
               "files": files}
        click.echo(json.dumps(doc, indent=2))
        return
    for fn, paths in results.items():
        f = FUNCTIONS[fn]
        click.echo(f"{fn}: f(x, y) = {f.formula}, start {f.start}, minimum {f.minimum}")
        click.echo(f"  {'optimizer':10}{'lr':>10}{'steps':>7}{'final f':>14}   final point")
        for t in sorted(paths, key=lambda t: (t.diverged_at is not None, t.loss[-1])):
            x, y = t.points[-1]
            final = "diverged" if t.diverged_at is not None else f"{t.loss[-1]:.4g}"
            click.echo(f"  {t.optimizer:10}{t.lr:>10g}{len(t.points) - 1:>7}{final:>14}"
                       f"   ({x:.4f}, {y:.4f})")
        click.echo("")
    if files:
        click.echo("wrote " + ", ".join(f"{k} {v}" for k, v in files.items()))
