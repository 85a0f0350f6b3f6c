"""Checks of ``training_loop``: the student's loop against the lecture's, on the same pieces.

Two identical set-ups (model weights, seeded ``DataLoader``, loss, optimizer, scheduler) are
built: the student's ``train`` runs on one in the student's process, the lecture's loop
(below) on the other in the grading process. The
weights, the per-epoch losses and the final learning rate must agree. A mismatch is matched
against the usual mistakes (no ``zero_grad``, the scheduler stepped per batch) for the hint.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .properties import CheckFailed, as_array, check, expect_close, function


def setup(task: str, seed: int) -> dict[str, Any]:
    from ... import nn, optim
    from ...autograd import Tensor
    from ...data import DataLoader, TensorDataset
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 3))
    if task == "logistic":
        y = (X @ [1.5, -2.0, 0.5] + 0.3 * rng.normal(size=40) > 0).astype(float)
        model, loss_fn = nn.LogisticRegression(3), nn.BCELoss()
    else:
        y = X @ [1.0, 2.0, -1.0] + 0.1 * rng.normal(size=40)
        model, loss_fn = nn.LinearRegression(3), nn.MSELoss()
    model.linear.weight.data[...] = rng.normal(size=(1, 3)) * 0.1
    model.linear.bias.data[...] = 0.0
    loader = DataLoader(TensorDataset(Tensor(X), Tensor(y.reshape(-1, 1))), batch_size=8,
                        shuffle=True, generator=seed)
    if task == "logistic":
        optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    else:
        optimizer = optim.Adam(model.parameters(), lr=0.05)
    scheduler = optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
    return {"model": model, "loader": loader, "loss_fn": loss_fn, "optimizer": optimizer,
            "scheduler": scheduler}


def lecture_loop(model, loader, loss_fn, optimizer, scheduler, n_epochs, zero_grad=True):
    """The lecture's training loop (its last two slides), returning each epoch's mean loss."""
    history = []
    for _ in range(n_epochs):
        losses = []
        for input, target in loader:
            loss = loss_fn(model(input), target)
            loss.backward()
            optimizer.step()
            if zero_grad:
                optimizer.zero_grad()
            losses.append(loss.item())
        scheduler.step()
        history.append(float(np.mean(losses)))
    return history


def weights(model) -> np.ndarray:
    return np.concatenate([p.data.ravel() for p in model.parameters()])


def _compare(m: ModuleType, task: str, seed: int, epochs: int) -> None:
    function(m, "train")
    mine = m.run_training(task, seed, epochs)   # the student's train, in the student's process
    ref = setup(task, seed)
    want = lecture_loop(**ref, n_epochs=epochs)
    lr, lr_ref = mine["lr"], ref["optimizer"].param_groups[0]["lr"]
    if not np.isclose(lr, lr_ref, rtol=1e-12):
        raise CheckFailed(f"after {epochs} epochs the learning rate is {lr:.6g}, expected "
                          f"{lr_ref:.6g} = 0.9^{epochs} × the initial one",
                          "call scheduler.step() once per epoch, after the inner loop")
    w, w_ref = as_array(mine["weights"], "the weights"), weights(ref["model"])
    if w.shape != w_ref.shape or not np.allclose(w, w_ref, rtol=1e-9, atol=1e-12):
        stale = setup(task, seed)
        lecture_loop(**stale, n_epochs=epochs, zero_grad=False)
        hint = ("the gradients accumulate: call optimizer.zero_grad() after each step"
                if w.shape == w_ref.shape and np.allclose(w, weights(stale["model"]), rtol=1e-9)
                else "one backward() and one optimizer.step() per mini-batch, in the loader's "
                     "order")
        raise CheckFailed(f"after {epochs} epochs the weights are {np.round(w, 6).tolist()}, "
                          f"the lecture's loop gives {np.round(w_ref, 6).tolist()}", hint)
    losses = mine["losses"]
    if not isinstance(losses, list | tuple) or len(losses) != epochs:
        raise CheckFailed(f"train returned {type(losses).__name__} "
                          f"{str(losses)[:60]}, not a list of {epochs} losses",
                          "append the mean of the epoch's batch losses (loss.item()) per epoch")
    expect_close(as_array(losses, "train"), want, "the per-epoch mean losses",
                 "average loss.item() over the mini-batches of each epoch")


@check("training_loop", "logistic regression, BCELoss, SGD(momentum=0.9), ExponentialLR: "
       "same weights, losses and learning rate as the lecture's loop after 3 epochs",
       "per mini-batch: output = model(input), loss = loss_fn(output, target), "
       "loss.backward(), optimizer.step(), optimizer.zero_grad()")
def _loop_logistic(m: ModuleType) -> None:
    _compare(m, "logistic", seed=1, epochs=3)


@check("training_loop", "linear regression, MSELoss, Adam, ExponentialLR: same as the lecture's "
       "loop after 4 epochs", "the loop must not depend on the model, loss or optimizer")
def _loop_linear(m: ModuleType) -> None:
    _compare(m, "linear", seed=2, epochs=4)


@check("training_loop", "the training loss decreases over 10 epochs",
       "step against the gradient: loss.backward(), then optimizer.step()")
def _loop_decreases(m: ModuleType) -> None:
    function(m, "train")
    losses = as_array(m.run_training("logistic", 3, 10)["losses"], "train")
    if losses.shape != (10,) or not losses[-1] < losses[0]:
        raise CheckFailed(f"the epoch losses are {np.round(losses, 4).tolist()}")
