"""Reading a model file (untrusted JSON) against a schema with size limits, before anything is
built from it.

A model file may come from anyone: it is read as JSON (names and numbers, never code), bounded
in bytes and in nesting, and every field is checked for its type, its range and its length.
Only then are arrays allocated or networks built, so a tampered file gets one message naming
the field (``architecture.hidden[0]: 1000000 is more than 4096``) and never a traceback, a
``nan`` prediction or an attempt to allocate terabytes.

A schema is a nested value of the checkers below: :class:`Obj` (fields, each required unless
wrapped in :class:`Optional`), :class:`Seq`, :class:`Num`, :class:`Int`, :class:`Str`,
:class:`Null` alternatives with :class:`OneOf`, and :data:`ANY` (a JSON value of bounded size).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError

MAX_BYTES = 64 * 2**20        # a model file larger than this is refused before it is read
MAX_NAME = 200                # characters of a feature, target or parameter name


class SchemaError(InputError):
    """A field of the file does not have the type, range or size the schema asks for."""


def _where(path: str) -> str:
    return path or "the file"


@dataclass(frozen=True)
class Num:
    """A finite number (``bool`` is not one) within ``[lo, hi]``; ``positive`` excludes 0."""

    lo: float = -math.inf
    hi: float = math.inf
    positive: bool = False

    def check(self, v: Any, path: str) -> None:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise SchemaError(f"{_where(path)}: expected a number, found {_kind(v)}")
        if not math.isfinite(v):
            raise SchemaError(f"{_where(path)}: {v} is not a finite number")
        if self.positive and v <= 0:
            raise SchemaError(f"{_where(path)}: {v!r} must be positive")
        if not self.lo <= v <= self.hi:
            raise SchemaError(f"{_where(path)}: {v!r} is outside [{self.lo:g}, {self.hi:g}]")


@dataclass(frozen=True)
class Int:
    """A whole number within ``[lo, hi]``."""

    lo: int
    hi: int

    def check(self, v: Any, path: str) -> None:
        if isinstance(v, bool) or not isinstance(v, int):
            raise SchemaError(f"{_where(path)}: expected a whole number, found {_kind(v)}")
        if v < self.lo:
            raise SchemaError(f"{_where(path)}: {v} is less than {self.lo}")
        if v > self.hi:
            raise SchemaError(f"{_where(path)}: {v} is more than {self.hi}")


@dataclass(frozen=True)
class Str:
    """A string of at most ``max_len`` characters, one of ``choices`` if given."""

    max_len: int = MAX_NAME
    choices: tuple[str, ...] = ()

    def check(self, v: Any, path: str) -> None:
        if not isinstance(v, str):
            raise SchemaError(f"{_where(path)}: expected a string, found {_kind(v)}")
        if len(v) > self.max_len:
            raise SchemaError(f"{_where(path)}: a string of {len(v)} characters (at most "
                              f"{self.max_len})")
        if self.choices and v not in self.choices:
            raise SchemaError(f"{_where(path)}: {_cut(v)!r} is not one of "
                              f"{', '.join(self.choices)}")


@dataclass(frozen=True)
class Seq:
    """A list of ``item`` with between ``min_len`` and ``max_len`` entries."""

    item: Any
    max_len: int
    min_len: int = 0

    def check(self, v: Any, path: str) -> None:
        if not isinstance(v, list):
            raise SchemaError(f"{_where(path)}: expected a list, found {_kind(v)}")
        if not self.min_len <= len(v) <= self.max_len:
            raise SchemaError(f"{_where(path)}: a list of {len(v)} entries (expected "
                              f"{self.min_len} to {self.max_len})")
        for i, x in enumerate(v):
            self.item.check(x, f"{path}[{i}]")


@dataclass(frozen=True)
class Map:
    """An object whose keys are names and whose values all follow ``value``."""

    value: Any
    max_len: int

    def check(self, v: Any, path: str) -> None:
        if not isinstance(v, dict):
            raise SchemaError(f"{_where(path)}: expected an object, found {_kind(v)}")
        if len(v) > self.max_len:
            raise SchemaError(f"{_where(path)}: {len(v)} entries (at most {self.max_len})")
        for k, x in v.items():
            Str().check(k, f"{path} key")
            self.value.check(x, f"{path}.{k}")


@dataclass(frozen=True)
class Optional:
    """A field that may be missing."""

    schema: Any


@dataclass(frozen=True)
class Obj:
    """An object with the given fields (others are allowed and ignored)."""

    fields: dict[str, Any] = field(default_factory=dict)

    def check(self, v: Any, path: str) -> None:
        if not isinstance(v, dict):
            raise SchemaError(f"{_where(path)}: expected an object, found {_kind(v)}")
        for name, schema in self.fields.items():
            sub = f"{path}.{name}" if path else name
            if isinstance(schema, Optional):
                if name in v:
                    schema.schema.check(v[name], sub)
            elif name not in v:
                raise SchemaError(f"{sub}: missing")
            else:
                schema.check(v[name], sub)


@dataclass(frozen=True)
class OneOf:
    """The first of ``options`` that the value satisfies (the message is the last one's)."""

    options: tuple[Any, ...]

    def check(self, v: Any, path: str) -> None:
        for option in self.options[:-1]:
            try:
                option.check(v, path)
                return
            except SchemaError:
                pass
        self.options[-1].check(v, path)


class _Null:
    def check(self, v: Any, path: str) -> None:
        if v is not None:
            raise SchemaError(f"{_where(path)}: expected null, found {_kind(v)}")


class _Any:
    """Any JSON value (its size is bounded by :data:`MAX_BYTES` and the reader's nesting)."""

    def check(self, v: Any, path: str) -> None:
        return None


NULL, ANY = _Null(), _Any()


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return f"the boolean {str(v).lower()}"
    if isinstance(v, (int, float)):
        return f"the number {v!r}"
    if isinstance(v, str):
        return f"the string {_cut(v)!r}"
    return {list: "a list", dict: "an object"}.get(type(v), type(v).__name__)


def _cut(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def read_json(path: str | os.PathLike, what: str) -> Any:
    """The JSON value in ``path`` (at most :data:`MAX_BYTES`); :class:`InputError` naming
    ``what`` (``"model file"``) when the file is missing, too large, not JSON or nested too
    deeply."""
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        if os.path.isdir(name):
            raise InputError(f"{name}: is a folder, not a {what}")
        if size > MAX_BYTES:
            raise InputError(f"{name}: {size / 2**20:.0f} MB is too large for a {what} "
                             f"(at most {MAX_BYTES // 2**20} MB)")
        with open(name, encoding="utf-8-sig") as fh:
            return json.load(fh, parse_constant=_no_constant)
    except FileNotFoundError:
        raise InputError(f"{name}: no such {what}") from None
    except RecursionError:
        raise InputError(f"{name}: not a {what} (its JSON is nested too deeply)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise InputError(f"{name}: not a {what} (cannot read it as JSON: {reason})") from None


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def check(doc: Any, schema: Any, name: str) -> None:
    """Check ``doc`` against ``schema``; the :class:`SchemaError` names the file and field."""
    try:
        schema.check(doc, "")
    except SchemaError as exc:
        raise SchemaError(f"{name}: the model file is incomplete or malformed: {exc}") from None
