"""Options shared by the commands: the source, --at, --wrt, --format, and the policy for the
files a command writes (--overwrite)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping

import click

from autodiff.errors import InputError
from autodiff.outputfile import Kind, check_output, check_outputs
from autodiff.parse import parse_point


def read_source(arg: str) -> str:
    """EXPR_OR_FILE: ``-`` reads stdin, an existing file is read, the name of a shipped example
    (``lecture``, ``baydin2018``) is that example, a missing file is "no such file", and
    anything else is the expression itself.

    An argument is taken for a file (and refused when missing) when it looks like one: it
    has a suffix such as ``.trace`` (``name.ext`` is never an expression), or a ``/`` that is
    no division (see :func:`_looks_like_a_path`). A byte-order mark at the start of a file
    is skipped."""
    from autodiff.examples import example, names

    if arg == "-":
        return sys.stdin.read()
    if os.path.isfile(arg):
        try:
            with open(arg, encoding="utf-8-sig") as fh:
                return fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise InputError(f"cannot read {arg}: {reason}") from None
    if os.path.isdir(arg):
        raise InputError(f"{arg}: is a folder, not a trace file")
    text = example(arg)
    if text is not None:
        return text
    if "\n" not in arg and _looks_like_a_path(arg):
        raise InputError(f"{_cut(arg)}: no such file (the example traces: "
                         f"{', '.join(names())})")
    return arg


def _looks_like_a_path(arg: str) -> bool:
    """A suffix (``lecture.trac``), a leading ``/``, ``./``, ``../`` or ``~``, a ``\\``, or a
    ``/`` after an existing folder (``traces/lecture``), or a ``/`` in text that is no
    expression; ``x1/x2`` stays a division."""
    if re.search(r"[^\W\d]\w*\.[^\W\d]\w*\s*$", arg) or "\\" in arg \
            or arg.startswith(("/", "./", "../", "~")):
        return True
    if "/" not in arg:
        return False
    if os.path.isdir(os.path.dirname(arg)):
        return True
    from autodiff.parse import parse

    try:
        parse(arg)
    except InputError:
        return True
    return False


def _cut(text: str, n: int = 120) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


#: For commands whose argument is an expression: ``autodiff trace "-x^2"`` is the expression
#: ``-x^2``, not an unknown option ``-x``.
EXPRESSION_COMMAND = {"ignore_unknown_options": True}


def source_argument(f: Callable) -> Callable:
    return click.argument("source", metavar="EXPR_OR_FILE")(f)


def point_of(values: tuple[str, ...]) -> dict[str, float] | None:
    """Merge repeated ``--at`` options (``--at x1=1.5,x2=0.5`` or ``--at x1=1.5 --at x2=0.5``)."""
    if not values:
        return None
    point: dict[str, float] = {}
    for text in values:
        for name, value in parse_point(text).items():
            if name in point:
                raise InputError(f"--at: {name} is given twice")
            point[name] = value
    return point


def at_option(f: Callable) -> Callable:
    return click.option("--at", "at", multiple=True, metavar="NAME=VALUE,...",
                        help="The point, e.g. x1=1.5,x2=0.5 (repeatable).")(f)


def wrt_of(text: str | None) -> str | dict[str, float] | None:
    """``--wrt x1`` (an input) or ``--wrt x1=1,x2=2`` (a direction vector)."""
    if text is None or "=" not in text:
        return text
    return parse_point(text)


def wrt_option(f: Callable) -> Callable:
    return click.option("--wrt", metavar="NAME|NAME=DIR,...",
                        help="The input the tangents are taken for (default: the first), "
                             "or a direction such as x1=1,x2=1.")(f)


def expression_options(wrt: bool = False) -> Callable[[Callable], Callable]:
    """The options of a command on an expression: ``EXPR_OR_FILE``, ``--at`` and, with
    ``wrt``, ``--wrt`` (in that order in ``--help``)."""
    def decorate(f: Callable) -> Callable:
        if wrt:
            f = wrt_option(f)
        return source_argument(at_option(f))
    return decorate


def format_option(*choices: str, default: str = "table") -> Callable:
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


def overwrite_option(f: Callable) -> Callable:
    """``--overwrite``: let the command replace files of the kind it writes (a model by a
    model, a PNG by a PNG); a file of another kind is never replaced."""
    return click.option("--overwrite", is_flag=True,
                        help="Replace existing output files of the kind written (never a "
                             "file of another kind).")(f)


def check_output_files(outputs: Mapping[str, tuple[str | None, Mapping[str, Kind]]],
                       overwrite: bool = False, inputs: tuple[str | None, ...] = ()) -> None:
    """The output-file policy (:mod:`autodiff.outputfile`) for every file a command writes,
    applied before any work starts: ``outputs`` maps an option (``--save``) to its path (or
    None) and the kinds by suffix (``outputfile.MODEL_FILE``). Two options naming one file,
    or an output naming an input file, are refused too."""
    check_outputs({option: path for option, (path, _) in outputs.items()}, inputs)
    for option, (path, kinds) in outputs.items():
        if path is not None:
            check_output(path, option, kinds, overwrite)


def leading_minus_first(command: click.Command, args: list[str]) -> list[str]:
    """``args`` with an expression that starts with a minus (``-tanh(x1)``) moved behind
    ``--``, so that click reads it as the argument and not as the options ``-t -a -n -h``.

    An argument counts as such an expression when it starts with one ``-``, is not an
    option of ``command`` (nor the value of one) and is not ``-`` (stdin). Writing
    ``autodiff trace -- "-tanh(x1)"`` does the same by hand. For commands that take an
    expression (``context_settings=EXPRESSION_COMMAND``); the group applies it."""
    names: dict[str, bool] = {}  # option name → takes a value
    for p in command.params:
        if isinstance(p, click.Option):
            for name in (*p.opts, *p.secondary_opts):
                names[name] = not p.is_flag and not p.count
    names.update({"-h": False, "--help": False})
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        if arg.startswith("--"):
            skip = names.get(arg, False)
            continue
        if arg.startswith("-") and len(arg) > 1:
            if arg in names:
                skip = names[arg]
                continue
            if arg[:2] in names and names[arg[:2]]:  # -ofile.svg: a short option's value
                continue
            return args[:i] + args[i + 1:] + ["--", arg]
    return args
