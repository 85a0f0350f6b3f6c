"""`autodiff graph`: the evaluation trace drawn as its computation graph (DOT, SVG, PNG)."""

from __future__ import annotations

import click

from autodiff.evaluation import evaluate
from autodiff.outputfile import PICTURE
from autodiff.render import graph as drawing
from autodiff.render import renderers

from .options import (
    EXPRESSION_COMMAND,
    check_output_files,
    expression_options,
    overwrite_option,
    point_of,
    read_source,
    wrt_of,
)


def _mode(show: str | None) -> str:
    """Run only the sweeps whose values are asked for (both by default)."""
    kinds = {k.strip() for k in (show or "").split(",")}
    if show is None or {"tangent", "adjoint"} <= kinds:
        return "both"
    return "reverse" if "adjoint" in kinds else "forward"


@click.command(context_settings=EXPRESSION_COMMAND)
@expression_options(wrt=True)
@click.option("--show", metavar="primal,tangent,adjoint",
              help="The values to put on the nodes (default: all, when --at is given).")
@click.option("--reverse", is_flag=True,
              help="Draw the reverse sweep: edges backwards, labelled with ∂v_i/∂v_j.")
@click.option("-o", "--output", metavar="FILE",
              help="Write FILE: .dot/.gv (DOT text), .svg, or .png. Default: DOT on stdout.")
@click.option("--renderer", type=click.Choice(renderers.RENDERERS), default=None,
              help="Who draws SVG/PNG: the system Graphviz (dot), the bundled WebAssembly "
                   "Graphviz (wasm), or auto (dot if on PATH, else wasm; the default, or "
                   "$AUTODIFF_RENDERER).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=drawing.MAX_NODES,
              show_default=True, help="Largest trace drawn as a picture.")
@overwrite_option
def graph(source: str, at: tuple[str, ...], wrt: str | None, show: str | None, reverse: bool,
          output: str | None, renderer: str | None, max_nodes: int, overwrite: bool) -> None:
    """Draw the computation graph of EXPR_OR_FILE: one node per trace variable, left to right.

    Inputs are blue, the output is double-framed; with --at each node shows the values of
    the sweeps (primal v, tangent v̇, adjoint v̄). Examples:

    \b
        autodiff graph "x1*x2+exp(x1*x2)-sin(x2)" --at x1=1.5,x2=0.5 -o trace.svg

    \b
        autodiff graph traces/lecture.trace --at x1=1.5,x2=0.5 --reverse -o reverse.svg
    """
    check_output_files({"-o": (output, PICTURE)}, overwrite)
    point = point_of(at)
    ev = evaluate(read_source(source), point, wrt_of(wrt), _mode(show))
    picture = drawing.Graph(ev if point is not None else ev.trace, show, reverse)
    if output is None:
        click.echo(picture.dot, nl=False)
        return
    fmt = picture.save(output, renderer, max_nodes)
    click.echo(f"wrote {output} ({fmt.upper()}, {len(ev.trace)} variables)", err=True)
