"""The model's trace with the loss appended, and its sweeps over a whole mini-batch at once.

For a model ``μ = f(x; θ)`` written as a formula, the **loss trace** is the formula's trace
(inputs: the features ``x`` and the parameters ``θ``), one more input, the target ``y``, and
the steps of the loss of one sample:

=============  ======================================  ============================
``mse``        ``ℓ = (y − μ)²``                        ``nn.MSELoss``
``bce``        ``ℓ = −[y log μ + (1 − y) log(1 − μ)]``  ``nn.BCELoss`` (logs clamped at −100)
``bce-logits`` ``ℓ = softplus(z) − y·z``, ``μ = σ(z)``  ``nn.BCEWithLogitsLoss``
=============  ======================================  ============================

The registry's primitives evaluate with numpy, so the same trace runs on a mini-batch: the
features and the target are arrays of ``n`` samples, the parameters scalars. The primal sweep
gives ``ℓ_1 … ℓ_n`` in one pass; one reverse sweep seeded with ``ℓ̄_k = 1`` gives each scalar
parameter's adjoint already summed over the batch (``unbroadcast``), so the gradient of the
mean loss ``L = (1/n) Σ_k ℓ_k`` is

    ∂L/∂θ_j = (1/n) Σ_k ∂ℓ_k/∂θ_j = θ̄_j / n .

No Python loop runs over the samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import primitives as P
from ..errors import InputError
from ..trace import Const, Step, Trace

LOSSES = ("mse", "bce", "bce-logits")


@dataclass(frozen=True)
class LossTrace:
    """The loss trace of a model trace, compiled for sweeps over a batch.

    Attributes:
        trace: the model's variables, the target input, then the loss steps.
        loss: ``mse``, ``bce`` or ``bce-logits``.
        place: ``place[i]`` is the variable of the loss trace that holds model variable ``i``.
        target: the index of the target input.
        prediction: the index of the model's output (``μ``, or the logit ``z``).
        first_loss_step: the index of the first step of the loss.
        params: the variables of the parameters θ.
        active: ``active[i]``: variable ``i`` depends on a parameter (see
            :func:`active_variables`).

    The sweeps read the trace as lists: ``slots[i]`` the arguments of step ``i`` (each
    constant gets a slot after the variables, so the arguments are read from one list),
    ``impls[i]`` its numpy implementation, and ``edges[i]`` the pairs ``(j, ∂v_i/∂v_j rule)``
    for its arguments ``j`` that are active, the only ones the reverse sweep visits.
    """

    trace: Trace
    loss: str
    place: tuple[int, ...]
    target: int
    prediction: int
    first_loss_step: int
    params: tuple[int, ...] = ()
    active: tuple[bool, ...] = ()
    constants: tuple[float, ...] = ()
    slots: tuple[tuple[int, ...], ...] = ()
    impls: tuple[Any, ...] = ()
    edges: tuple[tuple[tuple[int, Any], ...], ...] = ()

    @property
    def target_name(self) -> str:
        return self.trace.steps[self.target].input or ""

    def values(self, inputs: dict[int, Any]) -> list[Any]:
        """The primal sweep of the model's steps: ``inputs`` maps each input variable (its
        index) to its value, arrays over the batch or numbers. The target and the loss steps
        are left empty (see :meth:`primals`)."""
        values: list[Any] = [None] * len(self.trace) + list(self.constants)
        for i, v in inputs.items():
            values[i] = v
        slots, impls = self.slots, self.impls
        with np.errstate(all="ignore"):
            for i in range(self.target + 1, self.first_loss_step):
                values[i] = impls[i](*[values[a] for a in slots[i]])
        return values

    def primals(self, values: list[Any], y: Any) -> list[Any]:
        """Continue the sweep of :meth:`values` with the target ``y``: only the loss steps
        are computed (in place; the list is returned)."""
        values[self.target] = y
        steps, slots = self.trace.steps, self.slots
        with np.errstate(all="ignore"):
            for i in range(self.first_loss_step, len(steps)):
                values[i] = steps[i].op.impl(*[values[a] for a in slots[i]])
        return values

    def gradient(self, values: list[Any], y: np.ndarray) -> tuple[float, np.ndarray]:
        """The mean loss ``L`` over the batch and its gradient ``(∂L/∂θ_j)_j``: the loss
        steps' primals, one reverse sweep (:func:`batch_adjoints`), and the sum of each
        parameter's per-sample adjoints divided by ``n``."""
        values = self.primals(values, y)
        n = len(y)
        adjoints = batch_adjoints(self, values, n)
        per_sample = np.array([adjoints[j] for j in self.params])     # p × n
        return self.mean(values, n), per_sample.sum(axis=1) / n

    def adjoints(self, values: list[Any], n: int, seed: Any = None,
                 bind: Any = None) -> list[Any]:
        """:func:`batch_adjoints` of this trace (the compiled step calls it through here)."""
        return batch_adjoints(self, values, n, seed, bind)

    def mean(self, values: list[Any], n: int) -> float:
        """``L = (1/n) Σ_k ℓ_k`` from the values of a sweep over ``n`` samples."""
        last = values[len(self.trace) - 1]
        return float(np.sum(last) / n if np.shape(last) == (n,) else last)


def active_variables(trace: Trace, sources: tuple[int, ...]) -> tuple[bool, ...]:
    """``active[i]``: variable ``i`` depends on one of ``sources`` (the parameters), so its
    adjoint is needed for theirs. Features, the target and what is computed from them alone
    are inactive: a sweep skips their adjoints."""
    active = [False] * len(trace)
    for j in sources:
        active[j] = True
    for i, s in enumerate(trace.steps):
        if not active[i] and s.op is not None:
            active[i] = any(type(a) is int and active[a] for a in s.args)
    return tuple(active)


def batch_adjoints(lt: LossTrace, values: list[Any], n: int, seed: Any = None,
                   bind: Any = None) -> list[Any]:
    """The per-sample adjoints ``v̄_i^(k) = ∂ℓ_k/∂v_i`` of the loss trace evaluated on a batch
    of ``n`` samples (``values`` from :meth:`LossTrace.primals`), for the variables that
    depend on a parameter.

    The reverse sweep of the lecture, ``v̄_j = Σ_{i ∈ children(j)} v̄_i ∂v_i/∂v_j``, seeded with
    ``ℓ̄_k = 1`` for every sample and computed by scatter with the registry's partials. Each
    adjoint stays an array over the batch: a scalar parameter's adjoint is reduced once at
    the end (``Σ_k``), not at every step as :func:`autodiff.reverse_sweep` does, and variables
    that no parameter reaches get no adjoint at all; the two agree (``tests/test_fit.py``).

    The same sweep writes the compiled step (:mod:`autodiff.codegen.expression_step`): there
    ``values`` and ``seed`` are code atoms, and ``bind(j, v̄_j)`` names each new adjoint in the
    generated code and returns the name, which the sweep then uses.
    """
    slots, edges = lt.slots, lt.edges
    out = len(lt.trace) - 1
    adjoints: list[Any] = [None] * len(lt.trace)
    adjoints[out] = np.ones(n) if seed is None else seed
    with np.errstate(all="ignore"):
        for i in range(out, lt.target, -1):
            v_bar = adjoints[i]
            if v_bar is None:
                continue
            args = [values[a] for a in slots[i]]
            for a, rule in edges[i]:
                p = rule(*args, values[i])
                if type(p) is int and p in (1, -1):
                    c = v_bar if p == 1 else -v_bar
                else:
                    c = v_bar * p
                old = adjoints[a]
                c = c if old is None else old + c
                adjoints[a] = c if bind is None else bind(a, c)
    for j in lt.params:    # a parameter the output does not depend on
        if adjoints[j] is None:
            adjoints[j] = np.zeros(n)
    return adjoints


def append_loss(model: Trace, loss: str, target: str, params: tuple[str, ...] = ()
                ) -> LossTrace:
    """The loss trace of ``model``: its steps, the input ``target`` after its inputs, and the
    steps of ``loss``. The variables are numbered again ``v1, v2, …`` (inputs first);
    ``params`` names the inputs that are parameters."""
    if loss not in LOSSES:
        raise InputError(f"unknown loss {loss!r}; choose one of " + ", ".join(LOSSES))
    if len(model.outputs) != 1:
        raise InputError("the model must be one formula with one output, not a program "
                         f"with {len(model.outputs)} outputs")
    at = max(model.inputs.values(), default=-1) + 1   # the target goes after the inputs
    place = tuple(i if i < at else i + 1 for i in range(len(model)))
    steps = [_moved(s, place) for s in model.steps]
    steps.insert(at, Step("", None, (), target))
    mu, y = place[model.output], at
    if loss == "mse":            # ℓ = (y − μ)², the slide's squared error
        steps.append(Step("", P.sub, (y, mu)))
        steps.append(Step("", P.pow_, (len(steps) - 1, Const(2.0))))
    elif loss == "bce":
        steps.append(Step("", P.bce, (mu, y)))
    else:
        steps.append(Step("", P.bce_logits, (mu, y)))
    numbered = [s._replace(var=f"v{k + 1}") for k, s in enumerate(steps)]
    first = len(model) + 1
    src = model.source.strip()
    source = {"mse": f"({target} - ({src}))^2", "bce": f"bce({src}, {target})",
              "bce-logits": f"bce_logits({src}, {target})"}[loss]
    trace = Trace(numbered, (len(numbered) - 1,), source)
    theta = tuple(place[model.inputs[p]] for p in params)
    constants: list[float] = []
    slots = []
    for s in numbered:
        row = []
        for a in s.args:
            if type(a) is not int:
                constants.append(a.value)
                a = len(numbered) + len(constants) - 1
            row.append(a)
        slots.append(tuple(row))
    active = active_variables(trace, theta)
    edges = tuple(() if s.op is None else tuple(
        (a, rule) for a, rule in zip(s.args, s.op.partials, strict=True)
        if type(a) is int and active[a]) for s in numbered)
    return LossTrace(trace, loss, place, at, mu, first, theta, active, tuple(constants),
                     tuple(slots), tuple(None if s.op is None else s.op.impl for s in numbered),
                     edges)


def _moved(s: Step, place: tuple[int, ...]) -> Step:
    return s._replace(args=tuple(place[a] if type(a) is int else a for a in s.args))

