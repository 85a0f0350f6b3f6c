"""Learning-rate schedules η_t, stepped once per epoch after ``optimizer.step()``.

PyTorch's stepping semantics: constructing a scheduler records ``group["initial_lr"]``
(``base_lrs``) and takes step 0 at once (``last_epoch = 0``, lr = η₀'s schedule value);
each ``scheduler.step()`` advances ``last_epoch`` by one and writes the new ``group["lr"]``;
``get_last_lr()`` returns the learning rates just set. The torch classes (``LambdaLR``,
``StepLR``, ``ExponentialLR``, ``LinearLR``, ``CosineAnnealingLR``, ``SequentialLR``) use
PyTorch's recursive ("chainable") forms, so they compose as in PyTorch; ``step(epoch)`` uses the
closed form. The lecture's table, with t = ``last_epoch``:

* Linear       η_t = (1 − t/K) η₀ + (t/K) η_K:  ``LinearLR(opt, 1.0, η_K/η₀, total_iters=K)``
* Power        η_t = η₀ (1 + t/s)^c:            ``PowerLR(opt, s, c)``
* Exponential  η_t = η₀ c^(t/s):                ``ExponentialDecayLR(opt, s, c)``

``ExponentialLR(opt, gamma)`` is the case s = 1 (η_t = η₀ γᵗ, as on the lecture's slide).
A warm-up is ``SequentialLR(opt, [LinearLR(opt, 0.1, total_iters=W), after], milestones=[W])``;
the Transformer schedule ("Attention Is All You Need") is :class:`TransformerLR`.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import InputError
from .optimizer import Optimizer


class LRScheduler:
    """Base class: subclasses give ``get_lr()`` (the chainable form, from ``group["lr"]``)."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                               "when resuming scheduler with last_epoch >= 0")
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step()`` set, one per parameter group."""
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance ``last_epoch`` by one (or set it to ``epoch``: closed form) and set the lrs."""
        self._step_count += 1
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = getattr(self, "_get_closed_form_lr", self.get_lr)()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (and functions), as in PyTorch."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)


class LambdaLR(LRScheduler):
    """η_t = η₀ · λ(t), one function λ or one per parameter group."""

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, list | tuple):
            if len(lr_lambda) != n:
                raise InputError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * f(self.last_epoch)
                for f, base in zip(self.lr_lambdas, self.base_lrs, strict=True)]


class StepLR(LRScheduler):
    """η_t = η₀ · γ^⌊t / step_size⌋: multiply by γ every ``step_size`` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size)
                for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """η_t = η₀ γᵗ: multiply by γ every epoch (the lecture's slide: ``gamma=0.9``)."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class LinearLR(LRScheduler):
    """η_t = η₀ (f₀ + (f₁ − f₀) min(t, K)/K): from ``start_factor`` f₀ to ``end_factor`` f₁.

    With f₀ = 1 and f₁ = η_K/η₀ this is the lecture's linear schedule; with f₀ < 1 and f₁ = 1
    it is a linear warm-up.
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise InputError("Starting multiplicative factor expected to be greater than 0 "
                             "and less or equal to 1.")
        if end_factor > 1.0 or end_factor < 0:
            raise InputError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        f0, f1, t = self.start_factor, self.end_factor, self.last_epoch
        if t == 0:
            return [lr * f0 for lr in self._lrs()]
        if self._is_initial or t > self.total_iters:
            return self._lrs()
        ratio = 1.0 + (f1 - f0) / (self.total_iters * f0 + (t - 1) * (f1 - f0))
        return [lr * ratio for lr in self._lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        f0, f1 = self.start_factor, self.end_factor
        frac = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (f0 + (f1 - f0) * frac) for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """η_t = η_min + (η₀ − η_min)(1 + cos(π t / T_max))/2 (SGDR without restarts).

    PyTorch's recursive form, which past ``T_max`` climbs back up (period 2·T_max).
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, lo = self.last_epoch, self.T_max, self.eta_min  # noqa: N806
        pairs = zip(self.base_lrs, self._lrs(), strict=True)
        if self._is_initial:
            return self._lrs()
        if self._step_count == 1 and t > 0:
            return [lo + (base - lo) * (1 + math.cos(t * math.pi / T)) / 2 for base, _ in pairs]
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2 for base, lr in pairs]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (lr - lo) + lo for _, lr in pairs]

    def _get_closed_form_lr(self) -> list[float]:
        c = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base - self.eta_min) * c for base in self.base_lrs]


class SequentialLR(LRScheduler):
    """Run ``schedulers[i]`` from ``milestones[i-1]`` on, e.g. a warm-up then a decay.

    At each milestone the next scheduler restarts from its own step 0 (closed form), as in
    PyTorch.
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        if len(schedulers) < 1:
            raise InputError("SequentialLR expects at least one scheduler, but got no scheduler.")
        for i, s in enumerate(schedulers):
            if s.optimizer is not optimizer:
                raise InputError("SequentialLR expects all schedulers to belong to the same "
                                 f"optimizer, but got scheduler {type(s).__name__} at index {i} "
                                 "with a different optimizer.")
        if len(milestones) != len(schedulers) - 1:
            raise InputError("Sequential Schedulers expects number of schedulers provided to be "
                             "one more than the number of milestone points, but got number of "
                             f"schedulers {len(schedulers)} and the number of milestones to be "
                             f"equal to {len(milestones)}")
        self.optimizer = optimizer
        self._schedulers, self._milestones = list(schedulers), list(milestones)
        self.last_epoch = last_epoch + 1
        self.base_lrs = [g["initial_lr"] for g in optimizer.param_groups]
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for s in self._schedulers:  # undo the step each took when it was constructed
            s.last_epoch -= 1
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:  # type: ignore[override]
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        for s, saved in zip(self._schedulers, state.pop("_schedulers"), strict=True):
            s.load_state_dict(saved)
        self.__dict__.update(state)


class _ClosedFormLR(LRScheduler):
    """η_t = η₀ · factor(t), the same at every step (not chainable)."""

    def factor(self, t: int) -> float:
        raise NotImplementedError

    def get_lr(self) -> list[float]:
        return [base * self.factor(self.last_epoch) for base in self.base_lrs]

    _get_closed_form_lr = get_lr


class PowerLR(_ClosedFormLR):
    """The lecture's power schedule η_t = η₀ (1 + t/s)^c (c < 0 decays, e.g. c = −0.5)."""

    def __init__(self, optimizer: Optimizer, s: float, c: float, last_epoch: int = -1) -> None:
        if not s > 0:
            raise InputError(f"PowerLR needs s > 0, got s={s}")
        self.s, self.c = s, c
        super().__init__(optimizer, last_epoch)

    def factor(self, t: int) -> float:
        return (1 + t / self.s) ** self.c


class ExponentialDecayLR(_ClosedFormLR):
    """The lecture's exponential schedule η_t = η₀ c^(t/s): a factor c every s epochs."""

    def __init__(self, optimizer: Optimizer, s: float, c: float, last_epoch: int = -1) -> None:
        if not s > 0:
            raise InputError(f"ExponentialDecayLR needs s > 0, got s={s}")
        self.s, self.c = s, c
        super().__init__(optimizer, last_epoch)

    def factor(self, t: int) -> float:
        return self.c ** (t / self.s)


class TransformerLR(_ClosedFormLR):
    """"Attention Is All You Need": η = η₀ · d_model^−0.5 · min(n^−0.5, n · warmup^−1.5).

    n = t + 1 is the paper's step number (the optimizer's first step uses n = 1): linear
    warm-up for ``warmup_steps`` steps, then decay as n^−0.5. Give the optimizer ``lr=1.0``
    for the paper's values (it used Adam with betas (0.9, 0.98), eps 1e-9, warmup 4000);
    step this scheduler after every batch, not every epoch.
    """

    def __init__(self, optimizer: Optimizer, d_model: int, warmup_steps: int = 4000,
                 last_epoch: int = -1) -> None:
        if not (d_model > 0 and warmup_steps > 0):
            raise InputError(f"TransformerLR needs d_model > 0 and warmup_steps > 0, got "
                             f"d_model={d_model}, warmup_steps={warmup_steps}")
        self.d_model, self.warmup_steps = d_model, warmup_steps
        super().__init__(optimizer, last_epoch)

    def factor(self, t: int) -> float:
        n = t + 1
        return self.d_model ** -0.5 * min(n ** -0.5, n * self.warmup_steps ** -1.5)
