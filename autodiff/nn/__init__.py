"""Neural-network building blocks with ``torch.nn``'s names.

``Module`` and ``Parameter`` (the containers) and ``init`` (initialization) live here; the
layers, activations, losses and normalizations are added beside them.
"""

from . import functional, init, manual
from .activation import ReLU, Sigmoid, Tanh
from .linear import Linear, Sequential
from .loss import BCELoss, BCEWithLogitsLoss, MSELoss
from .models import MLP, LinearRegression, LogisticRegression
from .module import Module, Parameter
from .normalization import BatchNorm1d, LayerNorm

__all__ = ["BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "LayerNorm", "Linear",
           "LinearRegression", "LogisticRegression", "MLP", "MSELoss", "Module", "Parameter",
           "ReLU", "Sequential", "Sigmoid", "Tanh", "functional", "init", "manual"]
