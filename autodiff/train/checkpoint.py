"""Saving a trained model as JSON text (never pickle) and loading it back.

The file holds everything needed to predict on raw rows::

    {"format": "autodiff-model", "version": 1,
     "architecture": {"kind": "logistic", "in_features": 2, "hidden": [], "activation": "relu",
                      "loss": "bce"},
     "features": ["x1", "x2"], "target": "y", "task": "classification",
     "standardization": {"mean": [...], "scale": [...]},        # of the features (train rows)
     "target_standardization": null | {"mean": [m], "scale": [s]},   # regression only
     "state_dict": {"0.weight": [[...]], "0.bias": [...]},
     "training": {...}}                                           # the config and final metrics

Numbers are written with Python's shortest round-trip ``repr``, so the reloaded weights are
the trained ones bit for bit and predict exactly the same values. Loading validates the
structure and the shapes, and reads only numbers and names: a model file cannot run code.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..datasets import Standardizer
from ..errors import InputError
from .model import ModelSpec, predict
from .output import write_atomic

FORMAT, VERSION = "autodiff-model", 1


@dataclass
class SavedModel:
    """A model ready to predict on raw feature rows (standardized as in training)."""

    model: Any
    spec: ModelSpec
    features: tuple[str, ...]
    target: str
    scaler: Standardizer
    target_scaler: Standardizer | None
    training: dict[str, Any]

    @property
    def task(self) -> str:
        return self.spec.task

    def predict(self, X: np.ndarray) -> np.ndarray:
        """μ for each raw row: the probability of class 1, or the predicted target value."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.features):
            raise InputError(f"the model expects {len(self.features)} features "
                             f"({', '.join(self.features)}), got an array of shape {X.shape}")
        out = predict(self.model, self.spec, self.scaler.transform(X))
        if self.target_scaler is not None:
            out = self.target_scaler.inverse(out[:, None])[:, 0]
        return out


def save_model(path: str, model: Any, spec: ModelSpec, features: tuple[str, ...], target: str,
               scaler: Standardizer, target_scaler: Standardizer | None = None,
               training: dict[str, Any] | None = None) -> None:
    """Write the model to ``path`` as JSON, atomically (an older file stays intact until the
    new one is complete)."""
    state = {k: np.asarray(v).tolist() for k, v in model.state_dict().items()}
    if not all(math.isfinite(x) for v in model.state_dict().values()
               for x in np.asarray(v, dtype=float).ravel()):
        raise InputError(f"--save {path}: the weights are not finite; the model was not saved")
    doc = {"format": FORMAT, "version": VERSION, "architecture": spec.to_json(),
           "features": list(features), "target": target, "task": spec.task,
           "standardization": scaler.to_json(),
           "target_standardization": None if target_scaler is None else target_scaler.to_json(),
           "state_dict": state, "training": training or {}}
    write_atomic(path, json.dumps(doc, indent=1, allow_nan=False) + "\n")


MAX_FEATURES, MAX_WIDTH, MAX_LAYERS = 10_000, 4096, 16
MAX_PARAMETERS = 10_000_000       # weights a model file may ask for (80 MB of float64)


def _schema() -> Any:
    from ..modelfile import ANY, NULL, Int, Map, Num, Obj, OneOf, Optional, Seq, Str
    from .model import ACTIVATIONS, LOSSES, MODELS

    numbers = Seq(Num(), MAX_FEATURES, 1)
    scaler = Obj({"mean": numbers, "scale": Seq(Num(positive=True), MAX_FEATURES, 1)})
    nested = OneOf((Num(), Seq(Num(), MAX_WIDTH * MAX_FEATURES)))
    return Obj({
        "format": Str(), "version": Int(1, 1),
        "architecture": Obj({"kind": Str(choices=MODELS), "in_features": Int(1, MAX_FEATURES),
                             "hidden": Seq(Int(1, MAX_WIDTH), MAX_LAYERS),
                             "activation": Str(choices=ACTIVATIONS), "loss": Str(choices=LOSSES)}),
        "features": Seq(Str(), MAX_FEATURES, 1), "target": Str(),
        "standardization": scaler, "target_standardization": OneOf((NULL, scaler)),
        "state_dict": Map(OneOf((Num(), Seq(nested, MAX_WIDTH * MAX_FEATURES))), 4 * MAX_LAYERS),
        "training": Optional(Map(ANY, 1000))})


def load_model(path: str | os.PathLike) -> SavedModel:
    """Read a model written by :func:`save_model`; :class:`InputError` if it is not one.

    The whole file is checked against its schema (types, ranges, sizes: at most
    :data:`MAX_PARAMETERS` weights) before any array is made or any network built."""
    from ..modelfile import check, read_json

    name = os.fspath(path)
    doc = read_json(name, "model file")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(f"{name}: not a model file written by autodiff train --save "
                         f"(no \"format\": \"{FORMAT}\")")
    if doc.get("version") != VERSION:
        raise InputError(f"{name}: model format version {doc.get('version')!r} is not "
                         f"supported (this autodiff reads version {VERSION})")
    check(doc, _schema(), name)
    spec = ModelSpec.from_json(doc["architecture"])
    sizes = spec.sizes()
    n_weights = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    if n_weights > MAX_PARAMETERS:
        raise InputError(f"{name}: the architecture {spec.describe()} has {n_weights:,} "
                         f"weights (a model file may have at most {MAX_PARAMETERS:,})")
    features = tuple(doc["features"])
    scaler = Standardizer.from_json(doc["standardization"])
    ts = doc["target_standardization"]
    target_scaler = None if ts is None else Standardizer.from_json(ts)
    target = doc["target"]
    if len(features) != spec.in_features or scaler.mean.shape != (spec.in_features,) \
            or scaler.scale.shape != scaler.mean.shape:
        raise InputError(f"{name}: the model file's feature list, standardization and "
                         "architecture disagree on the number of features")
    if target_scaler is not None and (target_scaler.mean.shape != (1,)
                                      or target_scaler.scale.shape != (1,)):
        raise InputError(f"{name}: target_standardization must hold one mean and one scale")
    try:
        state = {k: np.asarray(v, dtype=np.float64) for k, v in doc["state_dict"].items()}
    except ValueError:
        raise InputError(f"{name}: a weight of state_dict is not a rectangular array") from None
    model = spec.build(seed=0)         # any seed: load_state_dict overwrites every weight
    try:
        model.load_state_dict(state)
    except InputError as exc:
        raise InputError(f"{name}: the weights do not fit the architecture: {exc}") from None
    return SavedModel(model, spec, features, target, scaler, target_scaler,
                      doc.get("training", {}))
