"""Training end to end: the lecture's loop as a library call, its record, saved models, and
the optimizer race.

* :func:`fit` runs the loop (model, loss, optimizer, schedule, batch size, epochs, seed) and
  returns a :class:`History` (per-epoch loss, η, metrics; renders as text, HTML, JSON, CSV,
  PNG/SVG);
* :func:`run` does what ``autodiff train`` does from a :class:`TrainConfig`: data, split,
  standardization, model, fit;
* :func:`save_model` / :func:`load_model`: a trained model as JSON (never pickle);
* :mod:`.race`: SGD, momentum, Adagrad, RMSprop, Adam, AdamW on 2-D test functions.
"""

from .checkpoint import SavedModel, load_model, save_model
from .experiment import Result, TrainConfig, run
from .history import History
from .loop import evaluate, fit
from .metrics import accuracy, r2_score
from .model import ModelSpec
from .recipe import OPTIMIZERS, SCHEDULES, make_optimizer, make_scheduler, schedule_curves

__all__ = [
    "OPTIMIZERS", "SCHEDULES", "History", "ModelSpec", "Result", "SavedModel", "TrainConfig",
    "accuracy", "evaluate", "fit", "load_model", "make_optimizer", "make_scheduler",
    "r2_score", "run", "save_model", "schedule_curves",
]
