"""Neural-network building blocks with ``torch.nn``'s names.

``Module`` and ``Parameter`` (the containers) and ``init`` (initialization) live here; the
layers, activations, losses and normalizations are added beside them.
"""

from . import functional, init, manual, utils
from .activation import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from .container import Flatten, Identity, ModuleDict, ModuleList
from .dropout import Dropout
from .linear import Linear, Sequential
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
)
from .models import MLP, LinearRegression, LogisticRegression
from .module import Module, Parameter
from .normalization import BatchNorm1d, LayerNorm

__all__ = ["BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CrossEntropyLoss", "Dropout", "ELU",
           "GELU", "Flatten", "Hardtanh", "HuberLoss", "Identity", "L1Loss", "LayerNorm",
           "LeakyReLU", "Linear", "LinearRegression", "LogSoftmax", "LogisticRegression", "MLP",
           "MSELoss", "Module", "ModuleDict", "ModuleList", "NLLLoss", "Parameter", "ReLU",
           "Sequential", "SiLU", "Sigmoid", "Softmax", "Softplus", "Tanh", "functional", "init",
           "manual", "utils"]
