"""The optimizers and learning-rate schedules of three papers, as published, built with
:mod:`autodiff.optim` and :mod:`autodiff.optim.lr_scheduler` (the lecture's quiz: "In Attention
Is All You Need what is the optimizer and the learning rate scheduler used? What are the
optimizers used in LLaMA and GPT-3?").

* **Transformer** (2017): Adam β = (0.9, 0.98), ε = 1e-9; per step
  η = d_model^−0.5 · min(n^−0.5, n · W^−1.5) with d_model = 512, W = 4000 warm-up steps.
* **LLaMA** (2023): AdamW β = (0.9, 0.95), ε = 1e-5, weight decay 0.1, gradient clipping 1.0;
  a linear warm-up of 2000 steps, then cosine to 10% of the peak (7B: peak 3e-4; 1T tokens at
  4M tokens a step = 250,000 steps).
* **GPT-3** (2020): Adam β = (0.9, 0.95), ε = 1e-8, weight decay 0.1, gradient clipping 1.0; a
  linear warm-up over 375M tokens, then cosine to 10% over 260B tokens, constant after (175B:
  peak 0.6e-4 at 3.2M tokens a step).

Sources: Vaswani et al. 2017 §5.3; Touvron et al. 2023 ("LLaMA") §2.2 and Table 2 (ε = 1e-5 is
stated in the Llama 2 paper, which keeps Llama 1's optimizer); Brown et al. 2020 ("Language
Models are Few-Shot Learners") Appendix B and Table 2.1. GPT-3's "weight decay of 0.1" is built
as AdamW's decoupled decay. Token counts become steps at the paper's batch size (GPT-3 175B:
375M / 3.2M ≈ 117 warm-up steps, 260B / 3.2M = 81,250 decay steps). Gradient clipping is not a
scheduler: clip ``g ← g · min(1, c/‖g‖)`` before ``optimizer.step()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..autograd import Tensor
from ..optim import Adam, AdamW
from ..optim.lr_scheduler import (
    CosineAnnealingLR,
    LinearLR,
    LRScheduler,
    SequentialLR,
    TransformerLR,
)

WARMUP_START = 1e-3  # LinearLR's start factor: the warm-up starts at 0.1% of the peak


@dataclass
class Recipe:
    """A published optimizer + schedule: ``build()`` makes them for a parameter."""

    name: str
    optimizer: str
    schedule: str
    peak: float
    steps: int
    samples: tuple[int, ...]

    def build(self, params: list[Tensor] | None = None) -> tuple[Any, LRScheduler]:
        params = params or [Tensor([0.0], requires_grad=True)]
        if self.name == "transformer":
            opt = Adam(params, lr=1.0, betas=(0.9, 0.98), eps=1e-9)
            return opt, TransformerLR(opt, d_model=512, warmup_steps=4000)
        if self.name == "llama":
            opt = AdamW(params, lr=self.peak, betas=(0.9, 0.95), eps=1e-5, weight_decay=0.1)
            warmup = 2000
        else:
            opt = AdamW(params, lr=self.peak, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
            warmup = 117
        decay = self.steps - warmup
        schedule = SequentialLR(opt, [
            LinearLR(opt, start_factor=WARMUP_START, total_iters=warmup),
            CosineAnnealingLR(opt, T_max=decay, eta_min=0.1 * self.peak)], milestones=[warmup])
        return opt, schedule

    def learning_rates(self) -> list[tuple[int, float]]:
        """``(step, η)`` at each of ``samples``: the schedule stepped once per optimizer step."""
        opt, schedule = self.build()
        out, step = [], 0
        for target in self.samples:
            while step < target:
                schedule.step()
                step += 1
            out.append((step, opt.param_groups[0]["lr"]))
        return out


RECIPES: dict[str, Recipe] = {r.name: r for r in [
    Recipe("transformer", "Adam(lr=1.0, betas=(0.9, 0.98), eps=1e-9)",
           "TransformerLR(opt, d_model=512, warmup_steps=4000)", 512 ** -0.5 * 4000 ** -0.5,
           100_000, (0, 999, 3999, 15999, 99999)),
    Recipe("llama", "AdamW(lr=3e-4, betas=(0.9, 0.95), eps=1e-5, weight_decay=0.1)",
           "SequentialLR([LinearLR(warm-up 2000), CosineAnnealingLR(T_max=248000, "
           "eta_min=3e-5)], milestones=[2000])", 3e-4, 250_000, (0, 1000, 2000, 126000, 250000)),
    Recipe("gpt3", "AdamW(lr=0.6e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)",
           "SequentialLR([LinearLR(warm-up 117), CosineAnnealingLR(T_max=81133, "
           "eta_min=0.6e-5)], milestones=[117])", 0.6e-4, 81_250, (0, 58, 117, 40683, 81250)),
]}
