"""One training run from a description: data → split → standardize → model → fit → History.

This is the library call behind ``autodiff train``::

    >>> from autodiff.train import TrainConfig, run
    >>> result = run(TrainConfig(model="logistic", optimizer="momentum", lr=0.05, epochs=5))
    >>> result.history.status
    'completed'

Everything random is drawn from generators seeded with ``config.seed``: the synthetic data
with ``seed`` itself (the same data as ``two_gaussians(seed=seed)``), the split, the initial
weights and the mini-batch order with the independent streams ``default_rng((seed, 1))``,
``(seed, 2)``, ``(seed, 3)``. So the same config gives the same run, bit for bit, and no
global random state is read.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..datasets import (
    SHIPPED,
    Standardizer,
    Table,
    check_classification,
    load,
    n_classes,
    noisy_linear,
    read_csv,
    train_test_split,
    two_gaussians,
)
from ..errors import InputError
from .history import History
from .loop import Callback, fit
from .model import LOSSES, MODELS, ModelSpec
from .recipe import make_optimizer, make_scheduler

SYNTHETIC = ("two-gaussians", "noisy-linear")
SPLIT, INIT, ORDER = 1, 2, 3          # one random stream per purpose: default_rng((seed, k))


@dataclass
class TrainConfig:
    """Every choice of a run; the defaults are the lecture's training loop (SGD with momentum
    0.9, lr 0.01, batches of 64) on the course's two Gaussians."""

    model: str = "logistic"
    loss: str | None = None                 # None: mse for linear, bce (cross-entropy for
                                            # more than two classes) otherwise
    hidden: tuple[int, ...] = (16,)
    activation: str = "relu"
    optimizer: str = "momentum"
    lr: float = 0.01
    momentum: float = 0.9
    batch_size: int | None = 64             # None: the full batch
    epochs: int = 20
    schedule: str = "none"
    gamma: float | None = None
    step_size: int | None = None
    warmup: int | None = None
    seed: int = 0
    data: str | None = None                 # None: synthetic data for the model's task
    target: str | None = None
    test_size: float = 0.2
    n_samples: int = 1000
    n_features: int = 2
    standardize: bool = True
    divergence: float = 4.0
    compile: bool = True                    # each step as generated code (the same numbers)

    def resolved_loss(self) -> str:
        return self.loss or ("mse" if self.model == "linear" else "bce")


@dataclass
class Result:
    """A finished (or stopped) run: the history, the trained model and how to feed it."""

    history: History
    model: Any
    spec: ModelSpec
    scaler: Standardizer
    target_scaler: Standardizer | None
    data: dict[str, Any] = field(default_factory=dict)


def task_of(config: TrainConfig) -> str:
    """``regression`` for the MSE loss, ``classification`` for the cross-entropies."""
    loss = config.resolved_loss()
    if config.model not in MODELS:
        raise InputError(f"unknown model {config.model!r}; choose one of " + ", ".join(MODELS))
    if loss not in LOSSES:
        raise InputError(f"unknown loss {loss!r}; choose one of " + ", ".join(LOSSES))
    if config.model == "linear" and loss != "mse":
        raise InputError(f"--model linear predicts real numbers: use --loss mse, not {loss}")
    if config.model == "logistic" and loss == "mse":
        raise InputError("--model logistic predicts a probability: use --loss bce or bce-logits")
    if config.model == "linear" and loss == "cross-entropy":
        raise InputError("--model linear predicts real numbers: use --loss mse")
    return "regression" if loss == "mse" else "classification"


def load_table(config: TrainConfig, task: str) -> Table:
    """The data the config names: a CSV file, a shipped set, or synthetic data."""
    name = config.data
    if name is not None and (os.path.exists(name) or name.lower().endswith(".csv")):
        if not os.path.exists(name):
            raise InputError(f"--data {name}: no such file (the data set names: "
                             + ", ".join((*SYNTHETIC, *SHIPPED)) + ")")
        if config.target is None:
            raise InputError(f"--data {name}: say which column to predict with --target COLUMN")
        table = read_csv(name, config.target, task)
    else:
        if config.target is not None:
            raise InputError("--target names a column of a CSV file given with --data FILE")
        if name is None:
            name = "two-gaussians" if task == "classification" else "noisy-linear"
        if name == "two-gaussians":
            table = two_gaussians(config.n_samples, config.n_features, seed=config.seed)
        elif name == "noisy-linear":
            table = noisy_linear(config.n_samples, config.n_features, seed=config.seed)
        elif name in SHIPPED:
            table = load(name)
        else:
            raise InputError(f"--data {name}: no such file, and not a data set name ("
                             + ", ".join((*SYNTHETIC, *SHIPPED)) + ")")
    if table.task != task:
        if task == "classification":
            check_classification(table)
        table = Table(table.X, table.y, table.feature_names, table.target_name, task,
                      table.source, dict(table.meta))
    return table


def run(config: TrainConfig, callback: Callback | None = None) -> Result:
    """Train as ``config`` says; returns the :class:`Result` (see ``History.status``)."""
    if config.epochs < 1:
        raise InputError(f"--epochs must be at least 1, not {config.epochs}")
    if config.batch_size is not None and config.batch_size < 1:
        raise InputError(f"--batch-size must be a positive integer or 'full', not "
                         f"{config.batch_size}")
    task = task_of(config)
    table = load_table(config, task)
    train, test = train_test_split(table, config.test_size, seed=(config.seed, SPLIT))
    scaler = (Standardizer.fit(train.X, train.feature_names) if config.standardize
              else Standardizer.identity(train.n_features))
    target_scaler = (Standardizer.fit(train.y, [train.target_name])
                     if task == "regression" and config.standardize else None)

    def targets(t: Table) -> np.ndarray:
        return t.y if target_scaler is None else target_scaler.transform(t.y[:, None])[:, 0]

    loss_name = config.resolved_loss()
    classes = max(n_classes(table.y), 2) if task == "classification" else 2
    if classes > 2 and config.loss is None:
        loss_name = "cross-entropy"     # K classes: softmax regression or an MLP with K logits
    elif classes > 2 and loss_name != "cross-entropy":
        raise InputError(f"{table.source}: the target {table.target_name!r} has {classes} "
                         f"classes; --loss {loss_name} is for two: use --loss cross-entropy "
                         "(the default for more than two classes)")
    hidden = tuple(config.hidden) if config.model == "mlp" else ()
    spec = ModelSpec(config.model, train.n_features, hidden, config.activation, loss_name,
                     classes)
    model = spec.build(seed=(config.seed, INIT))
    optimizer = make_optimizer(config.optimizer, model.parameters(), config.lr, config.momentum)
    scheduler = make_scheduler(config.schedule, optimizer, config.epochs, config.gamma,
                               config.step_size, config.warmup)
    data = {**train.summary(), "source": table.source, "n_train": train.n_samples,
            "n_test": 0 if test is None else test.n_samples, "standardized": config.standardize}
    data.pop("n_samples")
    summary = {**asdict(config), "loss": loss_name, "hidden": list(config.hidden),
               "data": table.source}
    summary.pop("compile")  # how the steps run, not what they compute
    history = fit(model, spec.loss_fn(), optimizer, scaler.transform(train.X), targets(train),
                  task=task, epochs=config.epochs, batch_size=config.batch_size,
                  scheduler=scheduler, seed=(config.seed, ORDER),
                  X_test=None if test is None else scaler.transform(test.X),
                  y_test=None if test is None else targets(test), logits=spec.logits,
                  divergence=config.divergence, config=summary, callback=callback,
                  compile=config.compile)
    if spec.multiclass:
        data["confusion_matrix"] = _confusion(model, spec, scaler, train if test is None
                                              else test, "train" if test is None else "test")
    return Result(history, model, spec, scaler, target_scaler, data)


def _confusion(model: Any, spec: ModelSpec, scaler: Standardizer, part: Table,
               name: str) -> dict[str, Any]:
    """The confusion matrix of the trained model on ``part`` (rows: true class)."""
    from .metrics import confusion_matrix
    from .model import predict

    probabilities = predict(model, spec, scaler.transform(part.X))
    return {"on": name, "classes": list(range(spec.classes)),
            "matrix": confusion_matrix(probabilities, part.y, spec.classes)}
