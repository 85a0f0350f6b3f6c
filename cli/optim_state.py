"""`autodiff optimizer-state`: each optimizer's state, step by step, on a tiny problem."""

from __future__ import annotations

import click

from autodiff.extras import optimizer_state as oi

from .options import format_option


@click.command("optimizer-state")
@click.argument("optimizers", nargs=-1, metavar=f"[{'|'.join(oi.OPTIMIZERS)}]...")
@click.option("--problem", type=click.Choice(list(oi.PROBLEMS)), default="quadratic",
              show_default=True, help="quadratic: ½(w₁² + 10·w₂²); logistic: a 2-parameter "
                                      "logistic regression on five points.")
@click.option("--steps", type=click.IntRange(1, 1000), default=5, show_default=True)
@click.option("--schedule", type=click.Choice(oi.SCHEDULES), default="none", show_default=True,
              help="Learning-rate schedule, stepped after every step: StepLR(2, 0.5), "
                   "ExponentialLR(0.8) or CosineAnnealingLR(steps).")
@click.option("--lr", type=float, help="Learning rate (default: each optimizer's preset).")
@click.option("--weight-decay", type=float, help="Weight decay λ (AdamW: decoupled).")
@format_option("table", "markdown", "latex", "json")
def optimizer_state(optimizers: tuple[str, ...], problem: str, steps: int, schedule: str,
                    lr: float | None, weight_decay: float | None, fmt: str) -> None:
    """Show what each optimizer keeps between steps: per step and parameter the learning rate,
    the gradient, PyTorch's state buffers (momentum_buffer, sum, square_avg, exp_avg,
    exp_avg_sq), Adam's bias-corrected ŝ and r̂, AdamW's decoupled decay ηλw, and the step
    taken, under the update formula. Default: every optimizer. Example:

        autodiff optimizer-state adam adamw --steps 3 --schedule step
    """
    names = optimizers or tuple(oi.OPTIMIZERS)
    runs = [oi.inspect(n, problem, steps, schedule, lr=lr, weight_decay=weight_decay)
            for n in names]
    click.echo(oi.render(runs, fmt), nl=False)
