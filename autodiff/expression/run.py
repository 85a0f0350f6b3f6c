"""``autodiff.fit``: train a model written as a formula on a data set, end to end.

>>> result = fit("w1*x1 + w2*x2 + b", "w1,w2,b", data="noisy-linear", optimizer="sgd",
...              lr=0.5, batch_size=None, epochs=200)
>>> result.history.status, result.model.formula()
('completed', '0.106417·x1 - 0.146133·x2 + 0.616062')

The data is read as ``autodiff train`` reads it (the course's synthetic sets, the shipped sets,
or a CSV file with ``target``); each feature of the formula is the column of the same name
unless ``features`` maps it to another (``{"x1": "mean radius"}``). The features are used as
they are (no standardization: the formula is written in the data's own units), and by default
every row trains (``test_size=0``). The loop is ``autodiff.train.fit`` with the model's
:class:`~autodiff.expression.model.TraceLoss`, the optimizer, schedule and ``DataLoader`` of
``autodiff train``: the same options give the same batches, in the same order, and the
random streams are those of ``autodiff train`` (``default_rng((seed, k))`` for the split, the
initial values and the batch order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..datasets import Table, train_test_split
from ..errors import InputError
from ..evaluation import Evaluation
from ..parse import parse
from ..train.experiment import INIT, ORDER, SPLIT, TrainConfig, load_table
from ..train.history import History
from ..train.loop import Callback
from ..train.loop import fit as train_loop
from ..train.recipe import make_optimizer, make_scheduler
from .losstrace import LOSSES
from .model import ExpressionModel, default_loss


@dataclass
class FitResult:
    """A trained expression model, its history, and the data it was trained on."""

    model: ExpressionModel
    history: History
    table: Table
    columns: dict[str, str]
    data: dict[str, Any] = field(default_factory=dict)

    def sample(self, n: int) -> tuple[dict[str, float], float]:
        """Row ``n`` (from 0, in the order of the data) as features and target."""
        if not 0 <= n < self.table.n_samples:
            raise InputError(f"--explain {n}: the data has rows 0 to {self.table.n_samples - 1}")
        x = {f: float(self.table.X[n, self.table.feature_names.index(c)])
             for f, c in self.columns.items()}
        return x, float(self.table.y[n])

    def explain(self, n: int, wrt: str | None = None) -> Evaluation:
        """The loss trace of sample ``n`` at the learned parameters, with its tables."""
        x, y = self.sample(n)
        return self.model.explain(x, y, wrt)

    def save(self, path: str) -> None:
        """The trained model as JSON; :meth:`ExpressionModel.load` reads it back."""
        self.model.save(path, columns=self.columns, target=self.table.target_name,
                        task=self.model.task,
                        training={"config": self.history.config, "metrics": self.history.final})


@dataclass
class SavedExpression:
    """An expression model saved by ``autodiff fit --save``, ready to predict on CSV rows:
    the same interface as :class:`autodiff.train.checkpoint.SavedModel`."""

    model: ExpressionModel
    columns: dict[str, str]
    target: str

    @property
    def features(self) -> tuple[str, ...]:
        """The CSV columns the model reads, one per feature of the formula."""
        return tuple(self.columns.values())

    @property
    def task(self) -> str:
        return self.model.task

    def predict(self, X: np.ndarray) -> np.ndarray:
        """μ for each row of ``X``, whose columns are :attr:`features` in order."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.columns):
            raise InputError(f"the model expects {len(self.columns)} features "
                             f"({', '.join(self.features)}), got an array of shape {X.shape}")
        return self.model.predict({f: X[:, j] for j, f in enumerate(self.columns)})

    @classmethod
    def load(cls, path: str) -> SavedExpression:
        model = ExpressionModel.load(path)
        doc = model.saved
        columns = doc.get("columns") or {f: f for f in model.features}
        if list(columns) != list(model.features):
            raise InputError(f"{path}: the model file is incomplete or malformed: columns names "
                             f"{', '.join(columns) or 'nothing'}, not the formula's features "
                             f"({', '.join(model.features) or 'none'})")
        return cls(model, dict(columns), doc.get("target", "y"))


def feature_columns(model: ExpressionModel, table: Table,
                    features: Mapping[str, str] | None = None) -> dict[str, str]:
    """The column of each feature of the formula: its own name unless ``features`` maps it."""
    features = dict(features or {})
    stray = [f for f in features if f not in model.features]
    if stray:
        raise InputError(f"--features: {', '.join(stray)} "
                         f"{'is' if len(stray) == 1 else 'are'} not a feature of the formula "
                         f"(its features: {', '.join(model.features) or 'none'})")
    columns = {f: features.get(f, f) for f in model.features}
    listed = ", ".join(table.feature_names)
    for f, c in columns.items():
        if c == table.target_name:
            raise InputError(f"the feature {f} is the target column {c!r}: a model cannot "
                             "be given what it predicts")
        if c not in table.feature_names:
            how = "" if c != f else f"; map it with --features {f}=COLUMN"
            if table.source.startswith(("two-gaussians", "noisy-linear")):
                how += " or ask for more synthetic features with --n-features"
            raise InputError(f"the feature {f} has no column {c!r} in {table.source} "
                             f"(the columns: {listed}){how}")
    return columns


def fit(formula: str, params: str | list[str], *, data: str | None = None,
        target: str | None = None, features: Mapping[str, str] | None = None,
        loss: str | None = None, init: Mapping[str, float] | None = None,
        optimizer: str = "momentum", lr: float = 0.01, momentum: float = 0.9,
        batch_size: int | None = 64, epochs: int = 20, schedule: str = "none",
        gamma: float | None = None, step_size: int | None = None, warmup: int | None = None,
        seed: int = 0, test_size: float = 0.0, n_samples: int = 1000, n_features: int = 2,
        divergence: float = 4.0, callback: Callback | None = None,
        compile: bool = True) -> FitResult:  # noqa: A002
    """Train the formula ``formula`` with parameters ``params`` and return a :class:`FitResult`.

    ``loss`` is ``mse``, ``bce`` or ``bce-logits`` (default: ``bce`` for a formula that ends
    in ``sigmoid``, else ``mse``); the other options are those of ``autodiff train``;
    ``compile=False`` runs the eager steps (the same numbers, bit for bit).
    """
    trace = parse(formula)
    loss = loss or default_loss(trace)
    if loss not in LOSSES:
        raise InputError(f"unknown loss {loss!r}; choose one of " + ", ".join(LOSSES))
    if epochs < 1:
        raise InputError(f"--epochs must be at least 1, not {epochs}")
    if batch_size is not None and batch_size < 1:
        raise InputError(f"--batch-size must be a positive integer or 'full', not {batch_size}")
    task = "regression" if loss == "mse" else "classification"
    table = load_table(TrainConfig(data=data, target=target, n_samples=n_samples,
                                   n_features=n_features, seed=seed), task)
    names = set(trace.inputs)
    label = next(c for c in (table.target_name, "y", "target", "y_true", "y_target")
                 if c.isidentifier() and c not in names)
    model = ExpressionModel(formula, params, init, loss=loss, seed=(seed, INIT), target=label)
    columns = feature_columns(model, table, features)
    train, test = train_test_split(table, test_size, seed=(seed, SPLIT))
    index = [table.feature_names.index(c) for c in columns.values()]
    opt = make_optimizer(optimizer, model.parameters(), lr, momentum)
    sched = make_scheduler(schedule, opt, epochs, gamma, step_size, warmup)
    config = {"formula": formula, "params": list(model.params), "loss": loss,
              "optimizer": optimizer, "lr": lr, "momentum": momentum, "batch_size": batch_size,
              "epochs": epochs, "schedule": schedule, "gamma": gamma, "step_size": step_size,
              "warmup": warmup, "seed": seed, "data": table.source, "target": table.target_name,
              "test_size": test_size, "init": model.values}
    history = train_loop(model, model.loss_fn(), opt, train.X[:, index], train.y, task=task,
                         epochs=epochs, batch_size=batch_size, scheduler=sched, seed=(seed, ORDER),
                         X_test=None if test is None else test.X[:, index],
                         y_test=None if test is None else test.y, logits=model.logits,
                         divergence=divergence, config=config, callback=callback,
                         compile=compile)
    summary = {"source": table.source, "task": task, "features": columns,
               "target": table.target_name, "n_train": train.n_samples,
               "n_test": 0 if test is None else test.n_samples}
    return FitResult(model, history, table, columns, summary)

