"""`autodiff adjoints`: the reverse sweep one edge contribution at a time (accumulation)."""

from __future__ import annotations

import click

from autodiff.extras.accumulation import NUMBERINGS, accumulate
from autodiff.outputfile import PICTURE
from autodiff.render import renderers

from .options import (
    EXPRESSION_COMMAND,
    check_output_files,
    expression_options,
    format_option,
    overwrite_option,
    point_of,
    read_source,
)


@click.command(context_settings=EXPRESSION_COMMAND)
@expression_options()
@click.option("--numbering", type=click.Choice(NUMBERINGS), default="lecture",
              show_default=True,
              help="lecture: inputs v1, v2, …; survey (Baydin et al. 2018): inputs v₋₁, v₀, "
                   "then v₁, v₂, …")
@click.option("--graph", "graph_file", metavar="FILE",
              help="Also draw the graph with each edge labelled by its contribution "
                   "(.dot/.gv, .svg or .png).")
@overwrite_option
@format_option("table", "markdown", "latex", "json")
def adjoints(source: str, at: tuple[str, ...], numbering: str, graph_file: str | None,
             overwrite: bool, fmt: str) -> None:
    """Show how each adjoint of EXPR_OR_FILE is accumulated: one row per edge contribution
    v̄_j += v̄_i·∂v_i/∂v_j, in the order the reverse sweep adds them, with the running sum.

    A variable used twice gets two rows. Example:

        autodiff adjoints "log(x1) + x1*x2 - sin(x2)" --at x1=2,x2=5 --numbering survey
    """
    check_output_files({"--graph": (graph_file, PICTURE)}, overwrite)
    acc = accumulate(read_source(source), point_of(at), numbering)
    click.echo(acc.render(fmt), nl=False)
    if graph_file:
        kind = renderers.format_of(graph_file)
        dot = acc.to_dot()
        renderers.write(graph_file, dot.encode() if kind == "dot" else
                        renderers.render(dot, kind))
        click.echo(f"wrote {graph_file} ({kind.upper()})", err=True)
