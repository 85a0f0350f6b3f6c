"""The one policy for every file a command writes (models, histories, plots, GIFs, SVGs, grades).

* A file of another kind is never replaced: a ``notes.json`` that is not an autodiff model
  stays as it is under ``--save notes.json``, a trace program named ``g.svg`` under ``-o g.svg``.
* A file of our own kind (a model over a model, a PNG over a PNG) is replaced only when the
  user says so (``--overwrite``).
* Everything is checked before any work starts (the suffix, the folder, that the folder can
  be written to, what an existing file holds), and a file is written whole or not at all: to a
  temporary name beside it, then renamed over the target in one step.

The kind of a file is told by its suffix and, for a file that exists, by a mark near its start
(:class:`Kind`): the PNG signature, ``<svg``, ``"format": "autodiff-model"``, a CSV header.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InputError

HEAD = 4096  # bytes of an existing file read to tell its kind


@dataclass(frozen=True)
class Kind:
    """A kind of file we write: its name, and the marks one of which its first bytes hold."""

    name: str
    marks: tuple[bytes, ...]
    at_start: bool = False  # the mark must begin the file (after blanks), not just occur

    def holds(self, head: bytes) -> bool:
        """Whether ``head``, the start of an existing file, is a file of this kind."""
        if self.at_start:
            return head.lstrip().startswith(self.marks)
        return any(m in head for m in self.marks)


PNG = Kind("a PNG picture", (b"\x89PNG\r\n\x1a\n",), at_start=True)
SVG = Kind("an SVG picture", (b"<svg",))
GIF = Kind("a GIF animation", (b"GIF87a", b"GIF89a"), at_start=True)
DOT = Kind("a DOT graph", (b"digraph", b"strict", b"graph", b"//", b"/*", b"#"), at_start=True)
MODEL = Kind("a model written by autodiff", (b'"format": "autodiff-model"',
                                             b'"format": "autodiff-expression-model"'))
HISTORY_JSON = Kind("a history written by autodiff", (b'"format": "autodiff-history"',))
HISTORY_CSV = Kind("a history written by autodiff", (b"epoch,lr,train_loss",), at_start=True)
GRADES_CSV = Kind("a grades table written by autodiff", (b"file,score,max_score",),
                  at_start=True)
RESULTS_JSON = Kind("autograder results written by autodiff", (b'"autodiff exercise',))

FIGURE = {".png": PNG, ".svg": SVG}
PICTURE = {".svg": SVG, ".png": PNG, ".dot": DOT, ".gv": DOT}
HISTORY = {".json": HISTORY_JSON, ".csv": HISTORY_CSV}
MODEL_FILE = {".json": MODEL}
ANIMATION = {".gif": GIF}
GRADES = {".csv": GRADES_CSV, ".json": RESULTS_JSON}


def kind_of(path: str, option: str, kinds: Mapping[str, Kind]) -> Kind:
    """The kind written to ``path``, by its suffix, which must be one of ``kinds``."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in kinds:
        named = f"the suffix {ext!r}" if ext else "a name without a suffix"
        raise InputError(f"{option} {path}: cannot tell the format from {named}; "
                         f"use {' or '.join(kinds)}")
    return kinds[ext]


def check_output(path: str, option: str, kinds: Mapping[str, Kind],
                 overwrite: bool = False) -> Kind:
    """Refuse, before any work, an output ``path`` that cannot or must not be written.

    Checks the suffix, that the folder exists and takes a new file, and that an existing
    ``path`` is a regular file of the kind written there; that one is replaced only with
    ``overwrite``. Returns the kind."""
    kind = kind_of(path, option, kinds)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(f"{option} {path}: is a folder, not a file")
    if not os.path.isdir(folder):
        raise InputError(f"{option} {path}: the folder {folder} does not exist")
    if os.path.lexists(path):
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                raise InputError(f"{option} {path}: exists and is not a regular file; "
                                 "it is not replaced")
            with open(path, "rb") as fh:
                head = fh.read(HEAD)
        except OSError as exc:
            raise InputError(f"{option} {path}: cannot check the existing file: "
                             f"{exc.strerror or exc}") from None
        if head.strip() and not kind.holds(head):
            raise InputError(f"{option} {path}: the file exists and is not {kind.name}; it is "
                             "not overwritten (choose another name, or remove it yourself)")
        if not overwrite:
            raise InputError(f"{option} {path}: the file exists; add --overwrite to replace "
                             "it, or choose another name")
    _probe(folder, f"{option} {path}")
    return kind


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


def _probe(folder: str, what: str) -> None:
    """Create and remove a file in ``folder``: the honest test that it can be written to."""
    import tempfile  # only when a file is written (autodiff trace starts without it)

    try:
        fd, tmp = tempfile.mkstemp(prefix=".autodiff-probe-", dir=folder)
    except OSError as exc:
        raise InputError(f"{what}: cannot write into the folder {folder}: "
                         f"{exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(tmp)


def write_atomic(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file beside it, then a
    rename. A failure (a full disk, a folder made read-only meanwhile) is an
    :class:`InputError` and leaves an older file of that name intact."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".autodiff-", suffix=os.path.splitext(path)[1],
                                   dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())          # mkstemp makes it 0600
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_figure(fig: Any, path: str, **savefig: Any) -> None:
    """Save a matplotlib figure as PNG or SVG (by the suffix) with :func:`write_atomic`, and
    close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.savefig(buf, format=os.path.splitext(path)[1].lower()[1:] or "png", **savefig)
    finally:
        plt.close(fig)
    write_atomic(path, buf.getvalue())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
