"""The training loop of the lecture, as one library call that returns a :class:`History`.

For each epoch, for each mini-batch ``(x, y)`` of the shuffled training rows::

    output = model(x); loss = loss_fn(output, y)       # L(w) on the batch
    loss.backward()                                     # ∇L(w) by reverse mode
    optimizer.step(); optimizer.zero_grad()             # w ← update(w, ∇L(w))
    scheduler.step()                                    # once per epoch: η_t

What the lecture's loop leaves out, this one does:

* **a non-finite loss** (``nan``/``inf``) stops the run *before* the update that would spread
  it, and the message names the epoch and step and the usual cause, a learning rate that is
  too high; so does a loss that grows to more than ``divergence`` times its value at the
  initial weights (an epoch's mean), the mark of steps that overshoot;
* **Ctrl-C** (SIGINT) stops between two steps, never in the middle of an update, and the
  history so far is returned with status ``interrupted`` (a second Ctrl-C stops at once);
* **reproducibility**: the mini-batch order comes from ``numpy.random.default_rng(seed)``
  handed to the ``DataLoader``, never from a global random state, so the same seed and the
  same initial weights give the same run, bit for bit.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .history import History
from .metrics import metric_name, score

Callback = Callable[[str, dict[str, Any]], None]


def fit(model: Any, loss_fn: Any, optimizer: Any, X: np.ndarray, y: np.ndarray, *,
        task: str, epochs: int, batch_size: int | None = 64, scheduler: Any = None,
        seed: int | tuple[int, ...] = 0, X_test: np.ndarray | None = None,
        y_test: np.ndarray | None = None,
        logits: bool = False, divergence: float = 4.0, config: dict[str, Any] | None = None,
        callback: Callback | None = None, compile: bool = False) -> History:  # noqa: A002
    """Train ``model`` on ``(X, y)`` for ``epochs`` epochs of mini-batches of ``batch_size``
    rows (``None``: the full batch, i.e. gradient descent); return the :class:`History`.

    ``task`` is ``classification`` (metric: accuracy; ``logits=True`` when the model outputs
    logits, as for ``BCEWithLogitsLoss``) or ``regression`` (metric: R²).
    ``callback(event, info)`` is called with ``"start"``, ``"step"`` and ``"epoch"``.
    ``compile=True`` runs each step as generated code (:func:`autodiff.compile_step`): the
    same numbers, bit for bit; a step whose loss is not finite is redone eagerly, before any
    update, for the message; a model that cannot be compiled (one that computes outside the
    primitives) trains eagerly.
    """
    from ..autograd import Tensor
    from ..data import DataLoader, TensorDataset

    X = np.asarray(X, dtype=np.float64)
    Y = _targets(y, loss_fn)
    n = len(X)
    size = n if batch_size is None else min(int(batch_size), n)
    loader = DataLoader(TensorDataset(Tensor(X), Tensor(Y)), batch_size=size, shuffle=True,
                        generator=np.random.default_rng(seed))
    per_epoch = math.ceil(n / size)
    name = metric_name(task)
    history = History(task, config={**(config or {}), "steps_per_epoch": per_epoch})
    test = None if X_test is None or len(X_test) == 0 else (X_test, y_test)

    def record(epoch: int, train_loss: float, lr: float) -> dict[str, Any]:
        row: dict[str, Any] = {"epoch": epoch, "lr": lr, "train_loss": train_loss}
        if test is not None:
            row["test_loss"], row[f"test_{name}"] = evaluate(model, loss_fn, *test, task, logits)
        history.epochs.append(row)
        return row

    start = time.perf_counter()
    initial_loss, _ = evaluate(model, loss_fn, X, Y, task, logits)
    record(0, initial_loss, _lr(optimizer))
    emit = callback or (lambda event, info: None)
    emit("start", {"epochs": epochs, "steps_per_epoch": per_epoch, "loss": initial_loss,
                   "lr": _lr(optimizer)})
    stop = _StopFlag()
    stepper = None
    if compile:
        from ..codegen import compile_step
        from ..codegen.tracing import NotCompilable
        stepper = compile_step(model, loss_fn, optimizer)
    buffers = [b for m in model.modules() for b in m._buffers.values()
               if isinstance(b, np.ndarray)] if hasattr(model, "modules") else []
    with stop.on_sigint(), np.errstate(all="ignore"):
        for epoch in range(1, epochs + 1):
            lr = _lr(optimizer)
            total, count = 0.0, 0
            for step, (xb, yb) in enumerate(loader, start=1):
                value = None
                if stepper is not None:
                    kept = [b.copy() for b in buffers]
                    try:  # forward, backward, update and zero_grad, where the loss is finite
                        value = stepper.finite_step(xb, yb)
                    except NotCompilable:  # a model outside the primitives: the eager loop
                        stepper, value = None, math.nan
                    if not math.isfinite(value):  # nothing updated: redo it eagerly, for
                        for b, k in zip(buffers, kept, strict=True):  # the same message
                            b[...] = k
                        value = None
                if value is not None:
                    history.step_loss.append(value)
                else:
                    output = model(xb)
                    if np.isfinite(output.data).all():
                        loss = loss_fn(output, yb)
                        value = float(loss.item())
                    else:       # a non-finite weight: BCELoss would refuse such an input
                        loss = output
                        value = float(np.sum(output.data))
                    history.step_loss.append(value)
                    if not math.isfinite(value):
                        history.status = "diverged"
                        history.message = (
                            f"the loss became {value} at epoch {epoch}, step {step} "
                            f"(step {len(history.step_loss)} overall){_where(loss, model, xb)};"
                            f" the learning rate ({lr:g}) is probably too high: try a smaller "
                            "--lr")
                        break
                    loss.backward()
                    optimizer.step()
                    optimizer.zero_grad()
                total += value * len(yb)
                count += len(yb)
                emit("step", {"epoch": epoch, "step": step, "loss": value, "lr": lr})
                if stop.requested:
                    break
            if history.status == "diverged":
                break
            if scheduler is not None and not stop.requested:
                scheduler.step()
            mean = total / count if count else float("nan")
            if not _finite_weights(model):
                history.status = "diverged"
                history.message = (
                    f"the weights became non-finite in epoch {epoch}; the learning rate "
                    f"({lr:g}) is probably too high: try a smaller --lr")
                break
            row = record(epoch, mean, lr)
            emit("epoch", row)
            if stop.requested:
                history.status = "interrupted"
                history.message = f"stopped by Ctrl-C in epoch {epoch}, after step {step}"
                break
            if mean > divergence * initial_loss and initial_loss > 0:
                history.status = "diverged"
                history.message = (
                    f"the loss grew from {initial_loss:.4g} at the start to {mean:.4g} in epoch "
                    f"{epoch} (more than {divergence:g}×): the steps overshoot; the learning "
                    f"rate ({lr:g}) is probably too high: try a smaller --lr")
                break
    history.final = {"train": _scores(model, loss_fn, X, Y, task, logits)}
    if test is not None:
        history.final["test"] = _scores(model, loss_fn, *test, task, logits)
    history.weights = weights_of(model)
    history.seconds = time.perf_counter() - start
    return history


def _targets(y: np.ndarray, loss_fn: Any) -> np.ndarray:
    """A column (N, 1) for the one-output losses, class indices (N,) for cross-entropy."""
    from ..nn import CrossEntropyLoss

    if isinstance(loss_fn, CrossEntropyLoss):
        return np.asarray(y, dtype=np.float64).reshape(-1)
    return np.asarray(y, dtype=np.float64).reshape(-1, 1)


def evaluate(model: Any, loss_fn: Any, X: np.ndarray, y: np.ndarray, task: str,
             logits: bool = False) -> tuple[float, float]:
    """(loss, accuracy or R²) of ``model`` on all of ``X, y``, without recording a graph."""
    from ..autograd import Tensor

    Y = _targets(y, loss_fn)
    with _no_grad(), np.errstate(all="ignore"):
        output = model(Tensor(np.asarray(X, dtype=np.float64)))
        if not np.isfinite(output.data).all():
            return float("nan"), float("nan")
        loss = float(loss_fn(output, Tensor(Y)).item())
    return loss, score(task, np.asarray(output.data), Y, logits=logits)


def _where(loss: Any, model: Any, x: Any) -> str:
    """Where the non-finite value starts in the model's trace, told in the trace's terms
    (:func:`autodiff.nonfinite.chain`, as :func:`autodiff.extras.explain.explain_loss` tells it):
    ``v3 = exp(v2) with v2 = 800 → v3 = inf → …``."""
    from ..autograd import tensor_evaluation
    from ..nonfinite import chain as chain_of
    from ..nonfinite import find_events

    names = {**dict(model.named_parameters()), "x": x}
    with np.errstate(all="ignore"):
        ev = tensor_evaluation(loss, names)
        walk = find_events(ev)
    chain = chain_of(ev.trace, walk.events, walk.first)
    return f"; in the model's trace: {chain}" if chain else ""


def _finite_weights(model: Any) -> bool:
    return all(np.isfinite(p.data).all() for p in model.parameters())


def weights_of(model: Any) -> dict[str, Any]:
    """The learned parameters by name, as nested lists."""
    return {k: np.asarray(getattr(v, "data", v)).tolist() for k, v in model.state_dict().items()}


def _scores(model: Any, loss_fn: Any, X: np.ndarray, y: np.ndarray, task: str,
            logits: bool) -> dict[str, float]:
    loss, value = evaluate(model, loss_fn, X, y, task, logits)
    return {"loss": loss, metric_name(task): value}


def _lr(optimizer: Any) -> float:
    return float(optimizer.param_groups[0]["lr"])


def _no_grad() -> Any:
    from ..autograd import no_grad

    return no_grad()


class _StopFlag:
    """Turns the first SIGINT into a request to stop between steps."""

    def __init__(self) -> None:
        self.requested = False

    def on_sigint(self) -> Any:
        import contextlib

        flag = self

        @contextlib.contextmanager
        def handler():
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = signal.getsignal(signal.SIGINT)

            def request(signum: int, frame: Any) -> None:
                flag.requested = True
                signal.signal(signal.SIGINT, previous)   # a second Ctrl-C stops at once

            signal.signal(signal.SIGINT, request)
            try:
                yield
            finally:
                signal.signal(signal.SIGINT, previous)

        return handler()
