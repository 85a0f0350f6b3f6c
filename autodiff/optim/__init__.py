"""Optimizers with ``torch.optim``'s names, signatures, defaults and update rules.

``optimizer.zero_grad()``, ``loss.backward()``, ``optimizer.step()``; learning-rate schedules
are in :mod:`autodiff.optim.lr_scheduler`. docs/optim.md compares them with the lecture.
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
