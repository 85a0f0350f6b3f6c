"""Reading any CSV file as a :class:`Table`: parsed with the ``csv`` module, never evaluated.

The first row names the columns; every other row is an example. All columns must be numbers
(``float()`` of the field, so ``1``, ``-2.5``, ``3e-4``): a field that is not a number, an empty
field, ``nan`` or ``inf`` is refused with its line and column, so that nothing the loop trains
on is silently missing.
"""

from __future__ import annotations

import csv
import math
import os

import numpy as np

from ..errors import InputError
from .table import Table, check_classification


def read_csv(path: str | os.PathLike, target: str, task: str | None = None) -> Table:
    """Read ``path``; ``target`` names the column to predict, the other columns are features.

    ``task`` is ``"classification"`` (the target must hold 0 and 1, both), ``"regression"``,
    or ``None`` to infer it (classification when the target holds only 0 and 1).
    Raises :class:`InputError` saying what and where for a missing file, an empty file, a
    missing target column, a ragged row, a field that is not a finite number, or a single class.
    """
    name = os.fspath(path)
    header, values = read_matrix(name, required=(target,))
    if len(header) < 2:
        raise InputError(f"{name}: the target {target!r} is the only column; there are no features")
    t = header.index(target)
    features = tuple(h for h in header if h != target)
    X = np.delete(values, t, axis=1)
    y = values[:, t].copy()
    if task is None:
        task = "classification" if set(np.unique(y)) <= {0.0, 1.0} else "regression"
    table = Table(X, y, features, target, task, source=name)
    if task == "classification":
        check_classification(table)
    return table


def read_matrix(path: str | os.PathLike, required: tuple[str, ...] = ()
                ) -> tuple[list[str], np.ndarray]:
    """The header and the numbers of a CSV file whose columns are all numeric.

    ``required`` names columns that must be in the header.
    """
    name = os.fspath(path)
    rows = _rows(name)
    if not rows:
        raise InputError(f"{name}: the file is empty (expected a header row naming the columns)")
    header = [h.strip() for h in rows[0][1]]
    _check_header(name, header)
    for column in required:
        if column not in header:
            raise InputError(f"{name}: no column named {column!r}; the columns are "
                             + ", ".join(repr(h) for h in header))
    body = rows[1:]
    if not body:
        raise InputError(f"{name}: the file has a header but no data rows")
    values = np.empty((len(body), len(header)), dtype=np.float64)
    for i, (line, fields) in enumerate(body):
        if len(fields) != len(header):
            raise InputError(f"{name}, line {line}: expected {len(header)} fields (one per column "
                             f"of the header), found {len(fields)}")
        for j, (column, text) in enumerate(zip(header, fields, strict=True)):
            values[i, j] = _number(name, line, column, text)
    return header, values


def _rows(name: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of the file, each with the line number where it starts."""
    try:
        with open(name, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            out = []
            start = 1
            for fields in reader:
                if any(f.strip() for f in fields):
                    out.append((start, fields))
                start = reader.line_num + 1
            return out
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a CSV file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{name}: cannot read it as CSV text: {exc}") from None


def _check_header(name: str, header: list[str]) -> None:
    for j, h in enumerate(header, start=1):
        if not h:
            raise InputError(f"{name}, line 1: column {j} has no name in the header row")
    seen: set[str] = set()
    for h in header:
        if h in seen:
            raise InputError(f"{name}, line 1: the column name {h!r} appears twice")
        seen.add(h)


def _number(name: str, line: int, column: str, text: str) -> float:
    where = f"{name}, line {line}, column {column!r}"
    s = text.strip()
    if not s:
        raise InputError(f"{where}: the value is missing (empty field)")
    try:
        v = float(s)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a number") from None
    if math.isnan(v):
        raise InputError(f"{where}: the value is NaN (missing); remove or fill the row")
    if math.isinf(v):
        raise InputError(f"{where}: the value {text.strip()!r} is not finite")
    return v
