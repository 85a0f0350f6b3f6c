"""`autodiff stability`: naive vs stable formulations against a high-precision reference."""

from __future__ import annotations

import click

from autodiff.extras import stability as st
from autodiff.outputfile import FIGURE

from .options import check_output_files, format_option, overwrite_option


@click.command()
@click.argument("names", nargs=-1, metavar=f"[{'|'.join(st.PAIRS)}]...")
@click.option("--points", type=click.IntRange(min=2, max=5001), default=201, show_default=True,
              help="Inputs per function, spread over its range.")
@click.option("--plot", "plot_file", metavar="FILE",
              help="Also draw the relative errors against the input (.png or .svg).")
@overwrite_option
@format_option("table", "markdown", "latex", "json")
def stability(names: tuple[str, ...], points: int, plot_file: str | None, overwrite: bool,
              fmt: str) -> None:
    """Compare a naive and a stable formulation of the same function, value and derivative,
    with mpmath at 50 digits: where each loses digits or stops being finite.

    Functions: log σ(z) as log(sigmoid(z)) vs logsigmoid(z); BCE on σ(z) vs BCE with logits;
    softmax without and with the max shift; σ'(z) as s·(1 − s) vs σ(z)·σ(−z); log(1 + x) vs
    log1p(x). Default: all of them. Example:

        autodiff stability logsigmoid log1p --plot stability.png
    """
    check_output_files({"--plot": (plot_file, FIGURE)}, overwrite)
    comps = st.compare_all(names, points)
    click.echo(st.render(comps, fmt), nl=False)
    if plot_file:
        st.plot(comps, plot_file, overwrite)
        click.echo(f"wrote {plot_file}", err=True)
