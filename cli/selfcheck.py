"""`autodiff selfcheck`: verify the installed engine in a few seconds; exit 1 on any failure."""

from __future__ import annotations

import click

from autodiff.selfcheck import selfcheck as run_selfcheck

from .options import format_option


@click.command()
@format_option("table", "markdown", "latex", "json")
def selfcheck(fmt: str) -> None:
    """Verify this install: every primitive's partial rules against central differences and
    the complex step, forward against reverse mode, the lecture's example values, and the
    optimizers' first steps against PyTorch's recorded values.

    Prints a summary table (and every failure); exits with status 1 if any check fails.
    """
    result = run_selfcheck()
    click.echo(result.render(fmt), nl=False)
    if not result.passed:
        click.echo(f"selfcheck: {len(result.failures)} check(s) failed", err=True)
        raise SystemExit(1)
