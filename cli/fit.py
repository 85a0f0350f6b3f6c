"""`autodiff fit`: train a model written as a formula, and show its trace for one sample."""

from __future__ import annotations

import json
import re
import sys

import click

from autodiff.errors import InputError
from autodiff.expression import LOSSES
from autodiff.expression import fit as fit_expression
from autodiff.expression.report import report_json, report_table
from autodiff.outputfile import FIGURE, HISTORY, MODEL_FILE, PICTURE
from autodiff.parse import parse_point

from .options import EXPRESSION_COMMAND, check_output_files, format_option
from .progress import Progress
from .training_options import (
    data_options,
    optimization_options,
    output_options,
    write_plot_and_history,
)


def features_of(text: str | None) -> dict[str, str]:
    """``x1=col_a,x2=col_b``: formula name → CSV column (read as text, never evaluated)."""
    out: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in (text or "").split(","))):
        name, eq, column = (s.strip() for s in item.partition("="))
        if not eq or not name or not column:
            raise InputError(f"--features: cannot read {item!r}; write NAME=COLUMN, for "
                             "example x1=col_a,x2=col_b")
        if not re.fullmatch(r"[^\W\d]\w*", name):
            raise InputError(f"--features: {name!r} is not a name of the formula")
        if name in out:
            raise InputError(f"--features: {name} is mapped twice")
        out[name] = column
    return out


@click.command(context_settings=EXPRESSION_COMMAND)
@click.argument("formula", metavar="MODEL_EXPR")
@click.option("--params", required=True, metavar="P1,P2,...",
              help="The parameters to learn; the other names of the formula are features.")
@click.option("--init", default=None, metavar="P=VALUE,...",
              help="Initial values (default: U(-1/√d, 1/√d) from --seed, as nn.Linear).")
@click.option("--features", "features", default=None, metavar="NAME=COLUMN,...",
              help="Read the feature NAME from COLUMN (default: the column named NAME).")
@click.option("--loss", type=click.Choice(LOSSES), default=None,
              help="Default: bce when the formula ends in sigmoid, else mse.")
@optimization_options("values")
@data_options("loss", test_size=0.0)
@click.option("--explain", type=int, default=None, metavar="N",
              help="After training, the loss trace of sample N (row N of the data, from 0): "
                   "primal, tangent and adjoint tables.")
@click.option("--explain-wrt", default=None, metavar="PARAM",
              help="The parameter of the tangent table (default: the first).")
@click.option("--explain-graph", default=None, metavar="FILE",
              help="The graph of the explained sample's loss trace, .svg, .png or .dot.")
@click.option("--compile/--no-compile", "compiled", default=True, show_default=True,
              help="Run each step as generated numpy code (autodiff.compile_step): the same "
                   "numbers as the eager sweeps.")
@output_options("The trained model as JSON, for autodiff predict.")
@format_option("table", "json")
def fit(formula, params, init, features, loss, optimizer, lr, momentum, batch_size, epochs,
        schedule, gamma, step_size, warmup, seed, data, target, test_size, n_samples,
        n_features, explain, explain_wrt, explain_graph, compiled, plot, history_file, save,
        overwrite, fmt) -> None:
    """Train MODEL_EXPR, a formula such as "sigmoid(w1*x1 + w2*x2 + b)", by reverse mode.

    The formula's trace with the loss appended is evaluated on whole mini-batches and one
    reverse sweep gives the gradient of the batch loss; the optimizers, schedules and
    batches are those of autodiff train. The features are used as they are (no
    standardization) and every row trains unless --test-size says otherwise.

    \b
        autodiff fit "sigmoid(w1*x1 + w2*x2 + b)" --params w1,w2,b --explain 0
        autodiff fit "w1*x1 + w2*x2 + b" --params w1,w2,b --data d.csv --target y \\
            --loss mse --optimizer sgd --lr 0.5 --batch-size full --epochs 3000
    """
    check_output_files({"--plot": (plot, FIGURE), "--history": (history_file, HISTORY),
                        "--save": (save, MODEL_FILE), "--explain-graph": (explain_graph, PICTURE)},
                       overwrite, (data,))
    if (explain_wrt or explain_graph) and explain is None:
        raise InputError("--explain-wrt and --explain-graph need --explain N")
    bar = Progress(enabled=fmt == "table" and sys.stdout.isatty())
    with bar:
        result = fit_expression(
            formula, params, data=data, target=target, features=features_of(features),
            loss=loss, init=parse_point(init) if init else None, optimizer=optimizer, lr=lr,
            momentum=momentum, batch_size=batch_size, epochs=epochs, schedule=schedule,
            gamma=gamma, step_size=step_size, warmup=warmup, seed=seed, test_size=test_size,
            n_samples=n_samples, n_features=n_features, callback=bar.update,
            compile=compiled)
    history = result.history
    shown = None
    if explain is not None:
        shown = (explain, result.explain(explain, explain_wrt))
    written = write_plot_and_history(history, plot, history_file)
    if save and history.status != "diverged":
        result.save(save)
        written["model"] = save
    if explain_graph and shown is not None:
        from autodiff.render.graph import Graph

        Graph(shown[1]).save(explain_graph)  # checked above, before training
        written["explain_graph"] = explain_graph
    if fmt == "json":
        click.echo(json.dumps(report_json(result, written, shown), indent=2))
    else:
        click.echo(report_table(result, written, shown))
    if history.status == "diverged":
        click.echo(f"error: training diverged: {history.message}"
                   + (" (the model was not saved)" if save else ""), err=True)
        sys.exit(1)
    if history.status == "interrupted":
        click.echo(f"interrupted: {history.message}", err=True)
        sys.exit(130)
