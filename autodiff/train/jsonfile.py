"""JSON documents of runs and models: standard JSON out, one clear message on the way in."""

from __future__ import annotations

import json
import math
import os
from typing import Any

from ..errors import InputError


def finite(obj: Any) -> Any:
    """``obj`` with nan/±inf replaced by None (nested dicts, lists, tuples), so the document
    is standard JSON."""
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [finite(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def read_json(path: str | os.PathLike, missing: str = "no such file",
              unreadable: str = "cannot read it as JSON: {error}") -> Any:
    """The document in ``path``: parsed, never evaluated. A missing or unreadable file is an
    :class:`InputError` ``"<path>: <missing>"`` or ``"<path>: <unreadable>"`` (``{error}``:
    what the reader said)."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise InputError(f"{name}: {missing}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{name}: {unreadable.format(error=exc)}") from None
