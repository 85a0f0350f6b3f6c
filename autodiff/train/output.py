"""Writing the result files of training: whole or not at all, and only in a format we can write.

What may be written where is :mod:`autodiff.outputfile`'s one policy; this module adds the
checks that concern training (two outputs naming one file, an output naming the input data).
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import InputError
from ..outputfile import check_outputs, write_atomic, write_figure

__all__ = ["FIGURE_FORMATS", "check_outputs", "extension", "save_figure", "write_atomic"]

FIGURE_FORMATS = (".png", ".svg")


def extension(path: str, allowed: tuple[str, ...], option: str) -> str:
    """The lower-case extension of ``path``, which must be one of ``allowed``."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in allowed:
        raise InputError(f"{option} {path}: the file name must end in "
                         + " or ".join(allowed) + f" (got {ext or 'no extension'!r})")
    return ext


def save_figure(fig: Any, path: str, option: str = "--plot") -> None:
    """Save a matplotlib figure as PNG or SVG (by the extension), atomically, and close it."""
    ext = extension(path, FIGURE_FORMATS, option)
    write_figure(fig, path, dpi=110, bbox_inches="tight",
                 metadata={"Software": None} if ext == ".png" else {"Date": None})
