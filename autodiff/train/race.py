"""The optimizer race: SGD, momentum, Adagrad, RMSprop, Adam and AdamW on 2-D test functions.

Each optimizer starts at the same point ``w⁰ = (x⁰, y⁰)`` and takes ``steps`` steps on
``f(x, y)``, with the gradient from reverse mode on the library's ``Tensor`` and the update
from the library's ``autodiff.optim`` classes, so the trajectories are the ones training
would follow. Test functions:

* ``bowl``: the ill-conditioned quadratic ``f = ½(x² + κ y²)`` with κ = 20: the gradient
  points mostly across the valley, so plain SGD (η < 2/κ for stability) zig-zags across it
  and crawls along it; momentum builds up speed along the valley; the adaptive methods
  rescale each coordinate.
* ``rosenbrock``: ``f = (1 − x)² + 100 (y − x²)²``, minimum 0 at (1, 1) at the end of a
  curved, flat-bottomed valley.
* ``saddle``: ``f = x² − y² + y⁴/4`` (minima at (0, ±√2)) started next to the saddle point at
  the origin, where the gradient almost vanishes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from .recipe import OPTIMIZERS, make_optimizer


@dataclass(frozen=True)
class Surface:
    """A 2-D function to race on, written with Tensor operations (or numpy, same code)."""

    name: str
    formula: str
    start: tuple[float, float]
    minimum: tuple[float, float]
    box: tuple[float, float, float, float]     # x_min, x_max, y_min, y_max for the contours
    steps: int
    lr: dict[str, float]

    def __call__(self, x: Any, y: Any) -> Any:
        if self.name == "bowl":
            return 0.5 * (x * x + 20.0 * (y * y))
        if self.name == "rosenbrock":
            a = 1.0 - x
            b = y - x * x
            return a * a + 100.0 * (b * b)
        if self.name == "saddle":
            y2 = y * y
            return x * x - y2 + 0.25 * (y2 * y2)
        raise AssertionError(self.name)


FUNCTIONS: dict[str, Surface] = {f.name: f for f in (
    Surface("bowl", "½(x² + 20 y²)", (-9.0, 2.0), (0.0, 0.0), (-10, 10, -3, 3), 100,
                 {"sgd": 0.02, "momentum": 0.02, "adagrad": 1.0, "rmsprop": 0.1,
                  "adam": 0.3, "adamw": 0.3}),
    Surface("rosenbrock", "(1 − x)² + 100 (y − x²)²", (-1.5, 2.0), (1.0, 1.0),
                 (-2, 2, -1, 3), 500,
                 {"sgd": 0.001, "momentum": 0.001, "adagrad": 0.5, "rmsprop": 0.01,
                  "adam": 0.1, "adamw": 0.1}),
    Surface("saddle", "x² − y² + y⁴/4", (-2.0, 1e-3), (0.0, math.sqrt(2.0)),
                 (-2.5, 2.5, -2.5, 2.5), 100,
                 {"sgd": 0.05, "momentum": 0.02, "adagrad": 0.3, "rmsprop": 0.03,
                  "adam": 0.1, "adamw": 0.1}),
)}


@dataclass
class Trajectory:
    """Where one optimizer went: ``points[k]`` = w after k steps, ``loss[k]`` = f(points[k])."""

    optimizer: str
    lr: float
    points: list[tuple[float, float]] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    diverged_at: int | None = None

    def to_json(self, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"optimizer": self.optimizer, "lr": self.lr,
                               "steps": len(self.points) - 1,
                               "final_point": list(self.points[-1]),
                               "final_loss": _finite(self.loss[-1]),
                               "diverged_at": self.diverged_at}
        if full:
            out["points"] = [list(p) for p in self.points]
            out["loss"] = [_finite(v) for v in self.loss]
        return out


def run(function: str | Surface, optimizer: str, lr: float | None = None,
        steps: int | None = None, start: tuple[float, float] | None = None,
        momentum: float = 0.9) -> Trajectory:
    """Race one optimizer on one function; a non-finite value ends the trajectory there."""
    from ..autograd import Tensor

    f = FUNCTIONS[function] if isinstance(function, str) else function
    lr = f.lr[optimizer] if lr is None else lr
    steps = f.steps if steps is None else steps
    if steps < 1:
        raise InputError(f"--steps must be at least 1, not {steps}")
    x0, y0 = f.start if start is None else start
    x = Tensor(np.array([x0]), requires_grad=True)
    y = Tensor(np.array([y0]), requires_grad=True)
    opt = make_optimizer(optimizer, [x, y], lr, momentum=momentum)
    path = Trajectory(optimizer, lr)
    for k in range(steps + 1):
        loss = f(x, y).sum()
        value = float(loss.item())
        path.points.append((float(x.data[0]), float(y.data[0])))
        path.loss.append(value)
        if not (math.isfinite(value) and all(map(math.isfinite, path.points[-1]))):
            path.diverged_at = k
            break
        if k == steps:
            break
        loss.backward()
        opt.step()
        opt.zero_grad()
    return path


def race(function: str, optimizers: tuple[str, ...] = OPTIMIZERS,
         lr: dict[str, float] | None = None, steps: int | None = None) -> list[Trajectory]:
    """Every optimizer in ``optimizers`` on ``function``, with its own learning rate."""
    if function not in FUNCTIONS:
        raise InputError(f"unknown test function {function!r}; choose one of "
                         + ", ".join(FUNCTIONS))
    lr = lr or {}
    return [run(function, name, lr.get(name), steps) for name in optimizers]


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None
