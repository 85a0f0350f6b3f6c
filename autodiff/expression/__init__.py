"""Models written as formulas: ``autodiff fit "sigmoid(w1*x1 + w2*x2 + b)"``.

* :class:`ExpressionModel`: the formula's trace, its parameters (``nn.Parameter``s named as
  in the formula), the loss trace, batch sweeps, the formula with learned values, ``explain``,
  save/load as JSON;
* :func:`fit`: data → model → the training loop of ``autodiff train`` → :class:`FitResult`;
* :mod:`.losstrace`: the model's trace with the loss appended, evaluated on a whole batch.
"""

from .formula import substituted
from .losstrace import LOSSES, LossTrace, append_loss
from .model import ExpressionModel, Prediction, TraceLoss
from .run import FitResult, fit

__all__ = ["LOSSES", "ExpressionModel", "FitResult", "LossTrace", "Prediction", "TraceLoss",
           "append_loss", "fit", "substituted"]
