"""The values that cross between the grading process and the student's process: JSON, tagged.

The grading process sends the inputs it chose and receives what the student's code returned;
it never unpickles anything (an unpickled value can run code). A value is a JSON number,
string, boolean or null, or a tagged object: ``{"nd": [...], "shape": [...]}`` for a float
array, ``{"tuple": [...]}``, ``{"list": [...]}``, ``{"dict": [[key, value], ...]}``, and
``{"ref": k}`` for an object that stays in the student's process (a loader). Non-finite floats
travel as JSON's ``NaN``/``Infinity`` extension, which Python's ``json`` reads and writes.

Anything else the student's code returns is described, not sent (``{"other": "a set"}``), and
a message that is not valid is a :class:`WireError`: the grader reports it as a failed check.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

MAX_MESSAGE = 64 * 2**20   # bytes of one message
MAX_DEPTH = 32


class WireError(ValueError):
    """A message that is not a well-formed value."""


class Ref:
    """An object that lives in the student's process, known by its number."""

    __slots__ = ("id",)

    def __init__(self, id: int) -> None:
        self.id = id


def encode(value: Any, refs: dict[int, Any] | None = None, depth: int = 0) -> Any:
    """``value`` as tagged JSON; objects that cannot be sent are stored in ``refs``
    (when given) and sent as a reference, else described."""
    if depth > MAX_DEPTH:
        return {"other": "a value nested too deeply"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return {"nd": value.astype(np.float64).ravel().tolist(), "shape": list(value.shape),
                "int": value.dtype.kind in "biu"}
    if isinstance(value, Ref):
        return {"ref": value.id}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, refs, depth + 1) for v in value]}
    if isinstance(value, list):
        return {"list": [encode(v, refs, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k, refs, depth + 1), encode(v, refs, depth + 1)]
                         for k, v in value.items()]}
    if refs is not None:
        refs[len(refs) + 1] = value
        return {"ref": len(refs)}
    return {"other": f"a {type(value).__name__}"}


class Other:
    """A value the student's process could not send, by its description."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return self.what


def decode(obj: Any, depth: int = 0) -> Any:
    """The value of a tagged JSON object (see the module's docstring); :class:`WireError` if
    it is not one."""
    if depth > MAX_DEPTH:
        raise WireError("a value nested too deeply")
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return obj
    if isinstance(obj, dict) and len(obj) >= 1:
        if "nd" in obj:
            data, shape = obj.get("nd"), obj.get("shape")
            if not (isinstance(data, list) and isinstance(shape, list)
                    and all(isinstance(n, int) and n >= 0 for n in shape)
                    and math.prod(shape) == len(data)
                    and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                            for x in data)):
                raise WireError("a malformed array")
            arr = np.array(data, dtype=np.float64).reshape(shape)
            return arr.astype(np.int64) if obj.get("int") is True and np.isfinite(arr).all() \
                else arr
        for tag, kind in (("tuple", tuple), ("list", list)):
            if tag in obj:
                if not isinstance(obj[tag], list):
                    raise WireError(f"a malformed {tag}")
                return kind(decode(v, depth + 1) for v in obj[tag])
        if "dict" in obj:
            items = obj["dict"]
            if not isinstance(items, list) or not all(
                    isinstance(p, list) and len(p) == 2 for p in items):
                raise WireError("a malformed dict")
            out = {}
            for k, v in items:
                key = decode(k, depth + 1)
                if not isinstance(key, (str, int, float, bool, type(None), tuple)):
                    raise WireError("a dict key that is not a plain value")
                out[key] = decode(v, depth + 1)
            return out
        if "ref" in obj and isinstance(obj["ref"], int) and not isinstance(obj["ref"], bool):
            return Ref(obj["ref"])
        if "other" in obj and isinstance(obj["other"], str):
            return Other(obj["other"][:200])
    raise WireError(f"not a value: {str(obj)[:80]}")


def dumps(message: dict) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n"


def loads(line: bytes) -> dict:
    """One message (a JSON object on one line); :class:`WireError` if it is not one."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"an unreadable message ({type(exc).__name__})") from None
    if not isinstance(message, dict):
        raise WireError("a message that is not an object")
    return message
