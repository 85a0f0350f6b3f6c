"""The three models of ``autodiff train`` and their losses, described by a small ``ModelSpec``.

============  ==========================================  ======================
``linear``    μ = wᵀx + b       ``nn.LinearRegression(d)``  ``MSELoss``
``logistic``  μ = σ(wᵀx + b)    ``nn.LogisticRegression(d)``  ``BCELoss``
``mlp``       ``nn.MLP(d, hidden, 1, activation[, "sigmoid"])``  any of the three
============  ==========================================  ======================

With ``bce-logits`` the model ends without the sigmoid (``logistic`` becomes
``nn.MLP(d, (), 1)``, the logit wᵀx + b) and ``BCEWithLogitsLoss`` applies it inside the loss
(log σ(z) computed stably); the prediction is then σ(z).

With K > 2 classes (``cross-entropy``, chosen by itself when the target has more than two
classes) the network outputs K logits ``z = Wx + b``: ``logistic`` is then softmax regression,
``nn.MLP(d, (), K)``, and ``mlp`` ``nn.MLP(d, hidden, K, activation)``; ``CrossEntropyLoss``
applies the softmax inside the loss and the prediction is ``softmax(z)``, one probability per
class.

The spec is what a saved model records (:mod:`.checkpoint`), so the same network can be
rebuilt and its weights loaded with ``load_state_dict``. Initial weights are ``Linear``'s
own (PyTorch's recipe) drawn from ``numpy.random.default_rng(seed)``, never from the global
generator of ``nn.init``, which is left as it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..datasets.table import MAX_CLASSES
from ..errors import InputError
from ..nn.activation import ACTIVATIONS as ACTIVATION_MODULES

MODELS = ("linear", "logistic", "mlp")
LOSSES = ("mse", "bce", "bce-logits", "cross-entropy")
ACTIVATIONS = tuple(ACTIVATION_MODULES)  # the registry of autodiff.nn.activation


@dataclass(frozen=True)
class ModelSpec:
    """What network to build: ``kind`` (:data:`MODELS`), input size, hidden sizes (MLP),
    hidden activation, the loss it is trained with (:data:`LOSSES`) and the number of classes
    (``cross-entropy``: one output per class)."""

    kind: str
    in_features: int
    hidden: tuple[int, ...] = (16,)
    activation: str = "relu"
    loss: str = "bce"
    classes: int = 2

    def __post_init__(self) -> None:
        if self.kind not in MODELS:
            raise InputError(f"unknown model {self.kind!r}; choose one of " + ", ".join(MODELS))
        if self.loss not in LOSSES:
            raise InputError(f"unknown loss {self.loss!r}; choose one of " + ", ".join(LOSSES))
        if self.activation not in ACTIVATIONS:
            raise InputError(f"unknown activation {self.activation!r}; choose one of "
                             + ", ".join(ACTIVATIONS))
        if self.kind == "mlp" and (not self.hidden or min(self.hidden) < 1):
            raise InputError("--hidden must list one or more layer sizes ≥ 1, e.g. 16 or 32,16")
        if self.in_features < 1:
            raise InputError("the data has no feature columns")
        if self.kind == "linear" and self.loss == "cross-entropy":
            raise InputError("--model linear predicts real numbers: cross-entropy needs "
                             "--model logistic (softmax regression) or mlp")
        if not 2 <= self.classes <= MAX_CLASSES:
            raise InputError(f"a classifier needs 2 to {MAX_CLASSES} classes, not {self.classes}")

    @property
    def logits(self) -> bool:
        """True when the network outputs logits z (``bce-logits``, ``cross-entropy``)."""
        return self.loss in ("bce-logits", "cross-entropy")

    @property
    def multiclass(self) -> bool:
        """True for K logits and ``CrossEntropyLoss`` (softmax regression, an MLP)."""
        return self.loss == "cross-entropy"

    @property
    def task(self) -> str:
        return "regression" if self.loss == "mse" else "classification"

    def sizes(self) -> list[int]:
        """Layer widths from input to output: [d, 1] or [d, h₁, …, 1] ([…, K] for K classes)."""
        return [self.in_features, *(self.hidden if self.kind == "mlp" else ()),
                self.classes if self.multiclass else 1]

    def build(self, seed: int | tuple[int, ...] = 0) -> Any:
        """The network (``nn.LinearRegression``, ``nn.LogisticRegression`` or ``nn.MLP``), every
        ``Linear`` reset with ``reset_parameters(generator=default_rng(seed))``."""
        from .. import nn

        state = nn.init.default_generator.bit_generator.state
        if self.kind == "linear":
            model = nn.LinearRegression(self.in_features)
        elif self.multiclass:   # K logits: softmax regression, or an MLP
            hidden = self.hidden if self.kind == "mlp" else ()
            model = nn.MLP(self.in_features, hidden, self.classes, self.activation, None)
        elif self.kind == "logistic" and not self.logits:
            model = nn.LogisticRegression(self.in_features)
        else:   # an MLP; with no hidden layer, a logistic regression that outputs logits
            hidden = self.hidden if self.kind == "mlp" else ()
            out = "sigmoid" if self.task == "classification" and not self.logits else None
            model = nn.MLP(self.in_features, hidden, 1, self.activation, out)
        nn.init.default_generator.bit_generator.state = state   # leave the global one alone
        rng = np.random.default_rng(seed)
        for layer in model.modules():
            if isinstance(layer, nn.Linear):
                layer.reset_parameters(generator=rng)
        return model

    def loss_fn(self) -> Any:
        """``MSELoss()``, ``BCELoss()`` or ``BCEWithLogitsLoss()`` (mean over the batch)."""
        from .. import nn

        return {"mse": nn.MSELoss, "bce": nn.BCELoss, "bce-logits": nn.BCEWithLogitsLoss,
                "cross-entropy": nn.CrossEntropyLoss}[self.loss]()

    def describe(self) -> str:
        if self.kind == "linear":
            return "linear regression"
        if self.kind == "logistic":
            return (f"softmax regression ({self.classes} classes)" if self.multiclass
                    else "logistic regression")
        if self.multiclass:
            return f"MLP {'-'.join(map(str, self.sizes()))} ({self.activation}, softmax)"
        return f"MLP {'-'.join(map(str, self.sizes()))} ({self.activation})"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "hidden": list(self.hidden)}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> ModelSpec:
        try:
            return cls(str(obj["kind"]), int(obj["in_features"]),
                       tuple(int(h) for h in obj.get("hidden", ())),
                       str(obj.get("activation", "relu")), str(obj["loss"]),
                       int(obj.get("classes", 2)))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"the model's architecture is incomplete or malformed: {exc}") \
                from None


def predict(model: Any, spec: ModelSpec, X: np.ndarray) -> np.ndarray:
    """The model's μ for each row of (already standardized) ``X``: a probability for
    classification (σ(z) for a logit model), a value for regression; shape (n,). With K
    classes: ``softmax(z)``, shape (n, K), one probability per class."""
    from ..autograd import Tensor, no_grad

    with no_grad():
        out = model(Tensor(np.asarray(X, dtype=np.float64)))
        if spec.multiclass:
            return np.asarray(out.softmax(1).data)
        out = np.asarray(out.data).reshape(-1)
    if spec.logits:
        out = 0.5 * (1.0 + np.tanh(0.5 * out))       # σ(z), without overflow
    return out
