"""Writing result files safely: whole or not at all, and only in a format we can write.

A file is written to a temporary name beside it and renamed over the target in one step
(``os.replace``), so an interrupted run never leaves half a model or half a plot behind, and
an older file of the same name stays intact until the new one is complete.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from ..errors import InputError

FIGURE_FORMATS = (".png", ".svg")


def extension(path: str, allowed: tuple[str, ...], option: str) -> str:
    """The lower-case extension of ``path``, which must be one of ``allowed``."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in allowed:
        raise InputError(f"{option} {path}: the file name must end in "
                         + " or ".join(allowed) + f" (got {ext or 'no extension'!r})")
    return ext


def check_writable(path: str, option: str) -> None:
    """Fail before training, not after, when ``path`` cannot be written."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"{option} {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise InputError(f"{option} {path}: is a directory")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{option} {path}: the folder {folder} is not writable")


def check_outputs(outputs: dict[str, str | None], inputs: tuple[str | None, ...] = ()) -> None:
    """Refuse, before any work, to write two outputs to one file or over an input file."""
    seen: dict[str, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        real = os.path.realpath(path)
        if real in seen:
            raise InputError(f"{seen[real]} and {option} name the same file {path}")
        seen[real] = option
        for source in inputs:
            if source is not None and os.path.exists(source) and os.path.exists(path) \
                    and os.path.samefile(source, path):
                raise InputError(f"{option} {path} is the input data file; it is never "
                                 "overwritten")


def check_replaceable(path: str, option: str, signature: str) -> None:
    """An existing JSON or CSV file is replaced only if it holds ``signature`` near its start
    (i.e. we wrote it): a user's own data file of the same name is never overwritten."""
    if not os.path.exists(path):
        return
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot check the existing file: {exc}") from None
    if signature not in head:
        raise InputError(f"{option} {path}: the file exists and was not written by autodiff; "
                         "it is not overwritten (choose another name or remove it)")


def write_atomic(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".autodiff-", suffix=os.path.splitext(path)[1], dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())          # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_figure(fig: Any, path: str, option: str = "--plot") -> None:
    """Save a matplotlib figure as PNG or SVG (by the extension), atomically, and close it."""
    import io

    import matplotlib.pyplot as plt

    ext = extension(path, FIGURE_FORMATS, option)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format=ext[1:], dpi=110, bbox_inches="tight",
                    metadata={"Software": None} if ext == ".png" else {"Date": None})
    finally:
        plt.close(fig)
    write_atomic(path, buf.getvalue())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
