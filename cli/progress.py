"""A rich progress bar for `autodiff train`: only on a terminal, never in --format json."""

from __future__ import annotations

from typing import Any


class Progress:
    """Epoch, step, loss and learning rate while training; does nothing when not enabled."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(TextColumn("epoch {task.fields[epoch]}"), BarColumn(),
                            MofNCompleteColumn(), TextColumn("loss {task.fields[loss]:.4g}"),
                            TextColumn("lr {task.fields[lr]:.3g}"), TimeElapsedColumn(),
                            transient=True)
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def update(self, event: str, info: dict[str, Any]) -> None:
        if self._bar is None:
            return
        if event == "start":
            total = info["epochs"] * info["steps_per_epoch"]
            self._task = self._bar.add_task("train", total=total, epoch=1, loss=info["loss"],
                                            lr=info["lr"])
        elif event == "step":
            self._bar.update(self._task, advance=1, epoch=info["epoch"], loss=info["loss"],
                             lr=info["lr"])
        elif event == "epoch":
            self._bar.console.print(
                f"epoch {info['epoch']:>4}  train loss {info['train_loss']:.5g}"
                + (f"  test loss {info['test_loss']:.5g}" if "test_loss" in info else "")
                + f"  lr {info['lr']:.3g}", highlight=False)
