"""`autodiff quiz`: the lecture's quiz, each answer demonstrated by the engine."""

from __future__ import annotations

import click

from autodiff.extras.quiz import QUESTIONS, answers, render


@click.command()
@click.argument("numbers", nargs=-1, type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]),
              default="table", show_default=True, help="Output format.")
def quiz(numbers: tuple[int, ...], fmt: str) -> None:
    """The lecture's short quiz with worked answers that the engine demonstrates.

    NUMBERS picks questions (1 to 8; all by default). Every table is computed now, and each
    fact the answer states is checked; the exit status is 1 if one does not hold.

        autodiff quiz 4            # momentum's effective learning rate η/(1 − μ)
    """
    items = answers(list(numbers))
    click.echo(render(items, fmt), nl=False)
    if not all(all(a.checks.values()) for a in items):
        raise SystemExit(1)


quiz.help = (quiz.help or "").replace("1 to 8", f"1 to {len(QUESTIONS)}")
