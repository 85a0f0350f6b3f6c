"""`autodiff explore`: one self-contained HTML page that steps through the sweeps."""

from __future__ import annotations

import sys

import click

from autodiff.evaluation import evaluate
from autodiff.render import explorer

from .options import (
    EXPRESSION_COMMAND,
    check_output_files,
    expression_options,
    overwrite_option,
    point_of,
    read_source,
    wrt_of,
)


@click.command(context_settings=EXPRESSION_COMMAND)
@expression_options(wrt=True)
@click.option("-o", "--output", metavar="FILE.html",
              help="Write the page to FILE.html (default: the HTML on stdout).")
@overwrite_option
@click.option("--theme", type=click.Choice(explorer.THEMES), default="light", show_default=True,
              help="Colours: light, or dark for a dark lecture hall.")
@click.option("--large-font", is_flag=True, help="Start in large-font mode, for projection.")
def explore(source: str, at: tuple[str, ...], wrt: str | None, output: str | None,
            overwrite: bool, theme: str, large_font: bool) -> None:
    """Write a page that steps through the sweeps of EXPR_OR_FILE at the point --at.

    Step 0 shows the inputs; each next step computes one variable of the forward sweep (its
    primal and tangent, with the numbers substituted in its rule), then one adjoint of the
    reverse sweep, then f and its gradient. Keys: ← → (step), Home/End, space (play), L (large
    font), D (dark). The page opens at step K as FILE.html#step=K. It needs no network and
    reads, and prints, as the tables and the graph without JavaScript.

        autodiff explore traces/lecture.trace --at x1=1.5,x2=0.5 -o lecture.html
    """
    check_output_files({"-o": (output, explorer.PAGE_FILE)}, overwrite)
    point = point_of(at)
    if point is None:
        raise click.UsageError("give the point with --at, e.g. --at x1=1.5,x2=0.5")
    ev = evaluate(read_source(source), point, wrt_of(wrt))
    page = explorer.Explorer(ev, theme, large_font)
    if output is None:
        sys.stdout.write(page.html())
    else:
        page.save(output, overwrite)
        click.echo(f"wrote {output} ({len(ev.trace)} variables, {len(page.steps)} steps; open "
                   f"{output}#step=K at step K)", err=True)
    for warning in ev.warnings:
        click.echo(f"warning: {warning}", err=True)
