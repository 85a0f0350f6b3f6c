"""`autodiff normalization`: BatchNorm or LayerNorm of a 3×2 batch as a scalar trace."""

from __future__ import annotations

import click

from autodiff.extras.normalization import LAYERS, MODES, normalization_trace
from autodiff.outputfile import PICTURE
from autodiff.render import graph as drawing

from .options import check_output_files, format_option, overwrite_option


@click.command()
@click.argument("layer", type=click.Choice(LAYERS), default="batchnorm")
@click.option("--mode", type=click.Choice(MODES), default="train", show_default=True,
              help="train: batch statistics; eval: BatchNorm's running statistics.")
@click.option("--graph", "graph_file", metavar="FILE",
              help="Also draw the trace's graph (.dot/.gv, .svg or .png): the fan-out of the "
                   "mean and the variance.")
@overwrite_option
@format_option("table", "markdown", "latex", "json")
def normalization(layer: str, mode: str, graph_file: str | None, overwrite: bool,
                  fmt: str) -> None:
    """Write BatchNorm (default) or LayerNorm of a 3×2 batch as a scalar evaluation trace,
    ending in L = Σ c·ã: the program, its primal, tangent and adjoint tables, the fan-out of
    the mean and the variance, and a check against the tensor engine's nn layer. Example:

        autodiff normalization batchnorm --mode eval
    """
    check_output_files({"--graph": (graph_file, PICTURE)}, overwrite)
    result = normalization_trace(layer, mode)
    click.echo(result.render(fmt), nl=False)
    if graph_file:
        kind = drawing.Graph(result.evaluation).save(graph_file)
        click.echo(f"wrote {graph_file} ({kind.upper()})", err=True)
