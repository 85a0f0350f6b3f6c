"""``ExpressionModel``: a model written as a formula, trained by reverse mode on its trace.

>>> m = ExpressionModel("sigmoid(w1*x1 + w2*x2 + b)", "w1,w2,b", init={"w1": 1, "w2": -1, "b": 0})
>>> m.features, m.params
(('x1', 'x2'), ('w1', 'w2', 'b'))
>>> m.formula()
'sigmoid(x1 - x2)'

The names of the formula that are parameters (``params``) are the model's weights
θ = (θ_1, …, θ_p); every other name is a feature ``x``. The model is an ``nn.Module`` with one
``nn.Parameter``, the vector ``theta`` (in the order of ``params``), so the project's
optimizers and schedules update it as they update ``nn.LogisticRegression``'s weight, in one
step; ``state_dict()`` and :attr:`values` name each entry as the formula does.

* ``model(x)`` runs the primal sweep of the formula's trace on a mini-batch (features as
  arrays, parameters as numbers) and returns ``μ`` (``n × 1``), remembering the sweep;
* ``model.loss_fn()(μ, y)`` finishes the sweep of the **loss trace** (:mod:`.losstrace`) from
  those values and returns the mean loss as a tensor recorded on the tape as one operation;
  ``loss.backward()`` hands each parameter ``θ̄_j / n`` from one reverse sweep of that trace;
* ``model.explain(x, y, wrt)`` is the lecture's primal, tangent and adjoint tables of the loss
  trace for one sample (an :class:`~autodiff.evaluation.Evaluation`; its graph is
  ``autodiff.Graph(model.explain(...))``).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..autograd import Tensor, is_grad_enabled
from ..autograd.ops import ArrayPrimitive
from ..autograd.tensor import structural
from ..errors import InputError
from ..evaluation import Evaluation, evaluate
from ..nn.module import Module, Parameter
from ..parse import parse
from ..trace import Trace
from .formula import substituted
from .losstrace import LossTrace, append_loss

FORMAT = "autodiff-expression-model"
MAX_FORMULA = 100_000  # characters of a saved formula
VERSION = 1


def names_of(text: str | Iterable[str] | None, option: str = "--params") -> tuple[str, ...]:
    """``"w1,w2,b"`` (or a list) as a tuple of names, each once."""
    if text is None:
        return ()
    items = [p.strip() for p in (text.split(",") if isinstance(text, str) else text)]
    items = [p for p in items if p]
    seen: set[str] = set()
    for p in items:
        if p in seen:
            raise InputError(f"{option}: {p} is named twice")
        seen.add(p)
    return tuple(items)


def default_loss(trace: Trace | str) -> str:
    """``bce`` when the formula's last step is ``sigmoid`` (a probability), else ``mse``."""
    trace = parse(trace) if isinstance(trace, str) else trace
    last = trace.steps[trace.output]
    return "bce" if last.op is not None and last.op.name == "sigmoid" else "mse"


class Prediction(Tensor):
    """The output ``μ`` of an :class:`ExpressionModel` on a batch, with the primal values of
    the sweep that computed it, numbered as the loss trace (so the loss continues the sweep
    instead of repeating it)."""

    __slots__ = ("primals", "model")


class ExpressionModel(Module):
    """A model ``μ = f(x; θ)`` given as a formula, with named scalar parameters.

    Args:
        formula: the expression, e.g. ``"sigmoid(w1*x1 + w2*x2 + b)"`` (parsed, never
            evaluated as Python).
        params: the names of the parameters, ``"w1,w2,b"`` or a list; the other names of
            the formula are features.
        init: initial values by name; the others are drawn from U(−1/√d, 1/√d) with
            ``numpy.random.default_rng(seed)`` in the order of ``params`` (d: the number of
            features), as ``nn.Linear(d, 1)`` draws its weight and then its bias.
        loss: ``mse``, ``bce`` (the formula gives a probability) or ``bce-logits`` (a logit);
            default: ``bce`` for a formula that ends in ``sigmoid``, else ``mse``.
        target: the name of the target in the loss trace (default ``y``).
        seed: seeds the initial values.
    """

    def __init__(self, formula: str, params: str | Iterable[str], init: Mapping[str, float]
                 | None = None, *, loss: str | None = None, target: str = "y",
                 seed: int | tuple[int, ...] = 0) -> None:
        super().__init__()
        trace = parse(formula)
        names = list(trace.inputs)
        params = names_of(params)
        if not params:
            raise InputError(f"the formula {formula!r} has no parameters: name them with "
                             f"--params (its names: {', '.join(names) or 'none'})")
        missing = [p for p in params if p not in trace.inputs]
        if missing:
            raise InputError(f"--params: {', '.join(missing)} "
                             f"{'does' if len(missing) == 1 else 'do'} not occur in the formula "
                             f"{formula!r} (its names: {', '.join(names) or 'none'})")
        if target in trace.inputs:
            raise InputError(f"the formula uses {target!r}, the name of the target in the loss; "
                             "rename it")
        unknown = [k for k in (init or {}) if k not in params]
        if unknown:
            raise InputError(f"--init: {', '.join(unknown)} "
                             f"{'is' if len(unknown) == 1 else 'are'} not a parameter "
                             f"(the parameters: {', '.join(params)})")
        self.source = formula
        self.trace: Trace = trace
        self.params: tuple[str, ...] = params
        self.features: tuple[str, ...] = tuple(n for n in names if n not in params)
        loss = default_loss(trace) if loss is None else loss
        self.loss = loss
        self.loss_trace: LossTrace = append_loss(trace, loss, target, params)
        self._feature_slots = tuple(self.loss_trace.place[trace.inputs[f]]
                                    for f in self.features)
        bound = 1 / math.sqrt(max(len(self.features), 1))
        theta = np.random.default_rng(seed).uniform(-bound, bound, size=len(params))
        for j, name in enumerate(params):
            if name in (init or {}):
                theta[j] = float(init[name])
        self.theta = Parameter(theta)

    # -- values -------------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, float]:
        """The current value of each parameter, by name."""
        return dict(zip(self.params, self.theta.data.tolist(), strict=True))

    def state_dict(self, prefix: str = "") -> dict[str, np.ndarray]:
        """Each parameter by its name in the formula (0-d arrays)."""
        return {prefix + p: np.array(v) for p, v in zip(self.params, self.theta.data,
                                                          strict=True)}

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> Any:
        """Set the parameters from ``{name: value}``; with ``strict``, all and only them."""
        unknown = [k for k in state_dict if k not in self.params]
        missing = [p for p in self.params if p not in state_dict]
        if strict and (unknown or missing):
            raise InputError(f"load_state_dict: missing {missing or 'none'}, unexpected "
                             f"{unknown or 'none'} (the parameters: {', '.join(self.params)})")
        for j, p in enumerate(self.params):
            if p in state_dict:
                self.theta.data[j] = float(np.asarray(getattr(state_dict[p], "data",
                                                              state_dict[p])))
        return missing, unknown

    @property
    def task(self) -> str:
        return "regression" if self.loss == "mse" else "classification"

    @property
    def logits(self) -> bool:
        return self.loss == "bce-logits"

    def _columns(self, x: Any) -> list[np.ndarray]:
        """The feature columns of ``x`` (``n × d`` rows, or a mapping feature → column)."""
        if isinstance(x, Mapping):
            point = self._point(x)
            return [point[f] for f in self.features]
        X = np.asarray(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
        X = X.reshape(-1, len(self.features)) if X.ndim < 2 else X
        if X.shape[1] != len(self.features):
            raise InputError(f"the model has {len(self.features)} feature(s) "
                             f"({', '.join(self.features)}); got {X.shape[1]} column(s)")
        return list(X.T)

    def _point(self, x: Any) -> dict[str, Any]:
        if isinstance(x, Mapping):
            try:
                cols = {f: np.asarray(x[f], dtype=np.float64) for f in self.features if f in x}
            except (TypeError, ValueError) as exc:
                raise InputError(f"the features must be numbers: {exc}") from None
            absent = [f for f in self.features if f not in cols]
            if absent:
                raise InputError(f"no values for the feature(s) {', '.join(absent)}")
        else:
            X = np.asarray(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
            X = X.reshape(-1, len(self.features)) if X.ndim < 2 else X
            if X.shape[1] != len(self.features):
                raise InputError(f"the model has {len(self.features)} feature(s) "
                                 f"({', '.join(self.features)}); got {X.shape[1]} column(s)")
            cols = {f: X[:, j] for j, f in enumerate(self.features)}
        return {**cols, **dict(zip(self.params, self.theta.data, strict=True))}

    # -- the batch sweeps ---------------------------------------------------------------------
    def forward(self, x: Any) -> Prediction:
        """``μ`` for each row of ``x`` (``n × d`` in the order of :attr:`features`, or a
        mapping feature → column), as an ``n × 1`` tensor: one primal sweep."""
        columns = self._columns(x)
        if columns:
            n = len(columns[0])
        else:
            n = len(x[next(iter(x))]) if isinstance(x, Mapping) else len(np.asarray(
                x.data if isinstance(x, Tensor) else x))
        lt = self.loss_trace
        inputs = dict(zip(self._feature_slots, columns, strict=True))
        inputs.update(zip(lt.params, self.theta.data.tolist(), strict=True))
        primals = lt.values(inputs)
        mu = primals[lt.prediction]
        mu = mu.reshape(n, 1) if np.shape(mu) == (n,) else np.broadcast_to(mu, (n, 1)).copy()
        out = Prediction(mu)
        out.primals, out.model = primals, self
        return out

    def check_prediction(self, mu: Any) -> None:
        """With ``bce`` the formula must give probabilities (a compiled step checks it too)."""
        if self.loss == "bce" and not (np.min(mu) >= 0 and np.max(mu) <= 1):
            raise InputError("with --loss bce the formula must give a probability in [0, 1]: "
                             "wrap it in sigmoid(...), or use --loss bce-logits")

    def loss_fn(self) -> TraceLoss:
        """The loss as a function of ``(model(x), y)``, as ``nn.MSELoss()`` is."""
        return TraceLoss(self)

    def predict(self, x: Any) -> np.ndarray:
        """The prediction for each row: the value (``mse``) or the probability of class 1."""
        out = self.forward(x).data.reshape(-1)
        return 0.5 * (1.0 + np.tanh(0.5 * out)) if self.logits else out

    # -- showing it ---------------------------------------------------------------------------
    def formula(self, style: str = "text", digits: int | None = 6) -> str:
        """The formula with the current parameter values written in (``text`` or ``latex``)."""
        return substituted(self.trace, self.values, style, digits)

    def explain(self, x: Mapping[str, float] | Any, y: float, wrt: str | None = None
                ) -> Evaluation:
        """The loss trace of one sample at the current parameters: primal, tangent (for the
        parameter ``wrt``, default the first) and adjoint tables. Draw it with
        ``autodiff.Graph(...)``."""
        wrt = self.params[0] if wrt is None else wrt
        if wrt not in self.params:
            raise InputError(f"--explain-wrt {wrt}: not a parameter (the parameters: "
                             f"{', '.join(self.params)})")
        point = self._point(x)
        if self.features and np.size(point[self.features[0]]) != 1:
            raise InputError("explain takes one sample")
        at = {k: float(np.asarray(v).reshape(-1)[0]) for k, v in point.items()}
        at[self.loss_trace.target_name] = float(y)
        return evaluate(self.loss_trace.trace, at, wrt)

    def extra_repr(self) -> str:
        return f"{self.source!r}, params={','.join(self.params)}, loss={self.loss}"

    # -- saving -------------------------------------------------------------------------------
    def to_json(self, **extra: Any) -> dict[str, Any]:
        """The model as JSON: the formula, the parameter names and values (round-trip
        ``repr``), the loss; ``extra`` (columns, target, training record) is kept as given."""
        return {"format": FORMAT, "version": VERSION, "formula": self.source,
                "params": self.values, "loss": self.loss,
                "target_name": self.loss_trace.target_name, **extra}

    @classmethod
    def from_json(cls, doc: Any, name: str = "the model") -> ExpressionModel:
        """The model in ``doc``, checked field by field (:mod:`autodiff.modelfile`) first."""
        from ..modelfile import ANY, Map, Num, Obj, Optional, Str, check

        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise InputError(f"{name}: not an expression model (no \"format\": \"{FORMAT}\")")
        if doc.get("version") != VERSION:
            raise InputError(f"{name}: version {doc.get('version')!r} is not {VERSION}")
        check(doc, Obj({"formula": Str(MAX_FORMULA), "params": Map(Num(), 10_000),
                        "loss": Str(), "target_name": Optional(Str()),
                        "columns": Optional(Map(Str(), 10_000)), "target": Optional(Str()),
                        "task": Optional(Str()), "training": Optional(Map(ANY, 1000))}), name)
        values = dict(doc["params"])
        return cls(doc["formula"], list(values), values, loss=doc["loss"],
                   target=doc.get("target_name", "y"))

    def save(self, path: str | os.PathLike, **extra: Any) -> None:
        """Write :meth:`to_json` to ``path`` (whole or not at all)."""
        from ..train.output import write_atomic

        write_atomic(os.fspath(path), json.dumps(self.to_json(**extra), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> ExpressionModel:
        """Read a model written by :meth:`save` (JSON only: names and numbers, no code)."""
        from ..modelfile import read_json

        name = os.fspath(path)
        doc = read_json(name, "model file")
        model = cls.from_json(doc, name)
        model.saved = doc
        return model


class TraceLoss:
    """``L = (1/n) Σ_k ℓ_k`` of a batch from the model's loss trace, as a tensor on the tape.

    Called with the :class:`Prediction` of the model on the batch and the targets, it
    computes the loss steps from the sweep's values, and (when gradients are recorded) one
    reverse sweep of the loss trace; the result is recorded as a single operation whose
    parent is ``theta`` and whose vector–Jacobian product is ``L̄ · (θ̄_j / n)_j``.
    """

    def __init__(self, model: ExpressionModel) -> None:
        self.model = model

    def __call__(self, output: Any, target: Any) -> Tensor:
        m = self.model
        if not isinstance(output, Prediction) or output.model is not m:
            raise InputError("the loss of an expression model takes model(x), the output of "
                             "the same model")
        y = np.asarray(target.data if isinstance(target, Tensor) else target,
                       dtype=np.float64).reshape(-1)
        if len(y) != len(output.data):
            raise InputError(f"{len(output.data)} predictions but {len(y)} targets")
        m.check_prediction(output.data)
        lt = m.loss_trace
        if not is_grad_enabled():
            return Tensor(lt.mean(lt.primals(output.primals, y), len(y)))
        value, grad = lt.gradient(output.primals, y)

        def vjp(k: int, g: Any, ans: Any, *atoms: Any) -> Any:
            return g * grad                     # L̄ · ∂L/∂θ

        def jvp(k: int, t: Any, ans: Any, *atoms: Any) -> Any:
            return np.dot(grad, t)              # ∂L/∂θ · θ̇

        op = ArrayPrimitive("loss_trace", lambda *a: np.float64(value), jvp, vjp)
        return structural(op, (m.theta,))

