"""From names to objects: the optimizers and learning-rate schedules ``autodiff train`` offers.

Every object is the library's PyTorch-style class, built with PyTorch's defaults except for
what the name says:

============ ================================================================
``sgd``      ``SGD(params, lr)``: w ← w − η ∇L(w)
``momentum`` ``SGD(params, lr, momentum=μ)`` (μ = 0.9, the lecture's value)
``adagrad``  ``Adagrad(params, lr)``
``rmsprop``  ``RMSprop(params, lr)`` (α = 0.99, PyTorch's default)
``adam``     ``Adam(params, lr)`` (β = (0.9, 0.999))
``adamw``    ``AdamW(params, lr)`` (weight decay λ = 0.01)
============ ================================================================

Schedules are stepped once per epoch (``T`` epochs in all, ``t`` the epoch):

=============== ==============================================================================
``none``        η_t = η₀
``exponential`` ``ExponentialLR(γ)``: η_t = η₀ γᵗ (γ = ``--gamma``, default 0.9, the lecture's)
``step``        ``StepLR(step_size, γ)``: η_t = η₀ γ^⌊t/step_size⌋ (step_size default ⌈T/3⌉)
``linear``      ``LinearLR(1, 0.1, T)``: from η₀ down to η₀/10 in T epochs
``cosine``      ``CosineAnnealingLR(T)``: η_t = η₀ (1 + cos(π t/T))/2
``power``       ``PowerLR(s=1, c=−0.5)``: η_t = η₀ (1 + t)^−½ (the lecture's power schedule)
``warmup``      ``SequentialLR([LinearLR(0.1, 1, W), CosineAnnealingLR(T − W)], [W])``:
                a linear warm-up over W = ``--warmup`` epochs (default ⌈T/10⌉), then cosine
=============== ==============================================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ..errors import InputError
from ..optim.registry import OPTIMIZERS as OPTIMIZER_ENTRIES
from ..optim.registry import TRAINABLE

OPTIMIZERS = TRAINABLE  # the optimizers training offers, from autodiff.optim.registry
SCHEDULES = ("none", "exponential", "step", "linear", "cosine", "power", "warmup")


def make_optimizer(name: str, params: Iterable[Any], lr: float, momentum: float = 0.9) -> Any:
    """The optimizer called ``name`` (one of :data:`OPTIMIZERS`) over ``params``."""
    if not (lr > 0 and math.isfinite(lr)):
        raise InputError(f"--lr must be a positive number, not {lr}")
    params = list(params)
    if name not in OPTIMIZERS:
        raise InputError(f"unknown optimizer {name!r}; choose one of " + ", ".join(OPTIMIZERS))
    entry = OPTIMIZER_ENTRIES[name]
    if "momentum" not in entry.options:
        return entry.make(params, lr)
    if not 0 < momentum < 1:
        raise InputError(f"--momentum must be in (0, 1), not {momentum}")
    return entry.make(params, lr, momentum=momentum)


def make_scheduler(name: str, optimizer: Any, epochs: int, gamma: float | None = None,
                   step_size: int | None = None, warmup: int | None = None) -> Any:
    """The schedule called ``name`` (one of :data:`SCHEDULES`) for a run of ``epochs``, or
    ``None`` for ``none``."""
    from ..optim import lr_scheduler as sch

    if name == "none":
        return None
    if gamma is not None and not 0 < gamma <= 1:
        raise InputError(f"--gamma must be in (0, 1], not {gamma}")
    if name == "exponential":
        return sch.ExponentialLR(optimizer, gamma=0.9 if gamma is None else gamma)
    if name == "step":
        size = step_size if step_size is not None else max(1, math.ceil(epochs / 3))
        if size < 1:
            raise InputError(f"--step-size must be at least 1, not {size}")
        return sch.StepLR(optimizer, step_size=size, gamma=0.1 if gamma is None else gamma)
    if name == "linear":
        return sch.LinearLR(optimizer, start_factor=1.0, end_factor=0.1,
                            total_iters=max(1, epochs))
    if name == "cosine":
        return sch.CosineAnnealingLR(optimizer, T_max=max(1, epochs))
    if name == "power":
        return sch.PowerLR(optimizer, s=1.0, c=-0.5)
    if name == "warmup":
        w = warmup if warmup is not None else max(1, math.ceil(epochs / 10))
        if not 1 <= w:
            raise InputError(f"--warmup must be at least 1 epoch, not {w}")
        up = sch.LinearLR(optimizer, start_factor=0.1, end_factor=1.0, total_iters=w)
        down = sch.CosineAnnealingLR(optimizer, T_max=max(1, epochs - w))
        return sch.SequentialLR(optimizer, [up, down], milestones=[w])
    raise InputError(f"unknown schedule {name!r}; choose one of " + ", ".join(SCHEDULES))


def schedule_curves(steps: int, lr: float = 0.1, **options: Any) -> dict[str, list[float]]:
    """η_t for t = 0 … steps−1 of every schedule in :data:`SCHEDULES`, with ``steps`` as the
    run's length, read off the schedulers themselves (``get_last_lr()`` after each step)."""
    from ..autograd import Tensor

    curves = {}
    for name in SCHEDULES:
        w = Tensor([0.0], requires_grad=True)
        optimizer = make_optimizer("sgd", [w], lr)
        scheduler = make_scheduler(name, optimizer, steps, **options)
        values = []
        for _ in range(steps):
            values.append(float(optimizer.param_groups[0]["lr"]))
            if scheduler is not None:
                scheduler.step()
        curves[name] = values
    return curves
