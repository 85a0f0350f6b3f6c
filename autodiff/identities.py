"""The identities of arithmetic, folded as a rule is applied to symbolic atoms.

A person writing a derivative by hand does not write ``a·1``, ``a + 0`` or ``0·a``. The atoms
that build expressions instead of computing (printable terms, :mod:`autodiff.term`; recorded
nodes, :mod:`autodiff.methods.recorded`) fold them with this one table, in the manner of
tinygrad's gradient pattern table: one row per identity, ``(primitive, pattern, rewrite)``,
where the pattern gives the number each argument must be (``None``: anything) and the rewrite
builds the result from the arguments. Rows of one primitive are tried in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import primitives as P

Row = tuple[P.Primitive, tuple[float | None, ...], Callable[..., Any]]

IDENTITIES: list[Row] = [
    (P.add, (None, 0), lambda a, b: a),         # a + 0 = a
    (P.add, (0, None), lambda a, b: b),         # 0 + b = b
    (P.sub, (None, 0), lambda a, b: a),         # a - 0 = a
    (P.sub, (0, None), lambda a, b: P.neg(b)),  # 0 - b = -b
    (P.mul, (0, None), lambda a, b: 0.0),       # 0·b = 0
    (P.mul, (None, 0), lambda a, b: 0.0),       # a·0 = 0
    (P.mul, (1, None), lambda a, b: b),         # 1·b = b
    (P.mul, (None, 1), lambda a, b: a),         # a·1 = a
    (P.mul, (-1, None), lambda a, b: P.neg(b)),  # -1·b = -b
    (P.mul, (None, -1), lambda a, b: P.neg(a)),  # a·(-1) = -a
    (P.div, (None, 1), lambda a, b: a),         # a/1 = a
    (P.pow_, (None, 1), lambda a, b: a),        # a^1 = a
]

NO_MATCH = object()


def _by_op(rows: Sequence[Row]) -> dict[P.Primitive, list[Row]]:
    table: dict[P.Primitive, list[Row]] = {}
    for row in rows:
        table.setdefault(row[0], []).append(row)
    return table


_TABLE = _by_op(IDENTITIES)


def fold(op: P.Primitive, args: Sequence[Any], values: Sequence[float | None]) -> Any:
    """The first identity of ``op`` that ``args`` match (``values``: the number each argument
    stands for, None for a symbolic one), applied; :data:`NO_MATCH` when none does."""
    for _, pattern, rewrite in _TABLE.get(op, ()):
        if all(p is None or v == p for p, v in zip(pattern, values, strict=True)):
            return rewrite(*args)
    return NO_MATCH
