"""`autodiff predict`: a model saved by `autodiff train --save` applied to a CSV file."""

from __future__ import annotations

import csv
import io
import json
import os

import click
import numpy as np

from autodiff.datasets import read_matrix
from autodiff.expression.run import SavedExpression
from autodiff.train import accuracy, load_model, r2_score
from autodiff.train.metrics import predicted_class

from .options import format_option


@click.command()
@click.argument("model_file", metavar="MODEL")
@click.option("--data", required=True, metavar="FILE",
              help="CSV file with the model's feature columns (by name; others are ignored).")
@format_option("table", "json", "csv")
def predict(model_file: str, data: str, fmt: str) -> None:
    """Predict every row of --data with MODEL (a JSON file from autodiff train or fit --save).

    --data may also name a shipped data set (breast-cancer, diabetes, iris). The features are
    standardized with the training statistics saved in MODEL. For a
    classifier the output is the probability of class 1 and the class (threshold ½), with K
    classes the probability of each class and the most probable one; for a regression, the
    predicted value. When the file also has the target column, the accuracy
    or R² is reported. --format table rounds to six digits; csv has every digit.
    """
    saved = _load(model_file)
    header, values = _read_data(data, saved.features)
    X = values[:, [header.index(f) for f in saved.features]]
    mu = saved.predict(X)
    classification = saved.task == "classification"
    multiclass = mu.ndim == 2  # K classes: one probability per class, the class is the argmax
    out: dict = {"command": "predict", "task": saved.task, "target": saved.target,
                 "n_rows": len(mu), "predictions": mu.tolist()}
    if classification:
        out["classes"] = predicted_class(mu).astype(int).tolist()
    if saved.target in header:
        y = values[:, header.index(saved.target)]
        out["metrics"] = ({"accuracy": accuracy(mu, y)} if classification
                          else {"r2": r2_score(mu, y)})
    if fmt == "json":
        click.echo(json.dumps(out, indent=2))
        return
    if multiclass:
        names = [f"p({saved.target}={k})" for k in range(mu.shape[1])]
    else:
        names = [f"p({saved.target}=1)" if classification else f"predicted_{saved.target}"]
    classes = out.get("classes")
    header_row = ["row", *names, *(["class"] if classification else [])]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header_row)
        for i, value in enumerate(mu, start=1):
            writer.writerow([i, *(repr(float(v)) for v in np.atleast_1d(value)),
                             *([classes[i - 1]] if classification else [])])
        click.echo(buf.getvalue(), nl=False)
        return
    width = max(max(len(n) for n in names), 12)
    lines = ["{:>6}".format("row") + "".join(f"  {n:>{width}}" for n in names)
             + ("  class" if classification else "")]
    for i, value in enumerate(mu, start=1):
        lines.append(f"{i:>6}" + "".join(f"  {float(v):>{width}.6g}" for v in np.atleast_1d(value))
                     + (f"  {classes[i - 1]:>5}" if classification else ""))
    if "metrics" in out:
        lines += ["", ", ".join(f"{k} {v:.6g}" for k, v in out["metrics"].items())]
    click.echo("\n".join(lines))


def _load(path: str):
    """A model saved by ``autodiff fit --save`` (by its format), or else by ``train --save``."""
    from autodiff.expression.model import FORMAT
    from autodiff.modelfile import read_json

    doc = read_json(path, "model file")
    if isinstance(doc, dict) and doc.get("format") == FORMAT:
        return SavedExpression.load(path)
    return load_model(path)


def _read_data(data: str, features: tuple[str, ...]):
    """The CSV file ``data``, or the shipped data set of that name (as ``train`` reads it)."""
    from importlib import resources

    from autodiff.datasets import SHIPPED

    if not os.path.exists(data) and data in SHIPPED:
        folder = resources.files("autodiff.datasets") / "data"
        with resources.as_file(folder / SHIPPED[data].file) as path:
            return read_matrix(path, required=features)
    return read_matrix(data, required=features)
