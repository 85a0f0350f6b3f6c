"""Primitives made for printing a structural step of a tensor trace, and its indicators.

A structural op's local partial is a linear map, not a number per entry. Its entry in
:mod:`autodiff.autograd.ops` says how that map prints (``printed``, next to its ``vjp``): with
the printable atoms here, ``∂(A @ B)/∂A`` prints as ``B`` ("multiply by B on the right"), a
reduction's as ``1`` ("broadcast back"), ``max`` and ``clip`` as an indicator ``[x = ans]`` of
where the adjoint passes, ``where`` as ``[c]`` and ``[not c]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..primitives import ATOM, Primitive


def printer(name: str, text: str, impl: Callable[..., Any] | None,
            partials: tuple[Callable[..., Any], ...]) -> Primitive:
    """A primitive that prints as ``text`` (LaTeX derived from it) with these partials."""
    n = len(partials)
    latex = text.replace(" @ ", r" \, ").replace("ᵀ", "^{{T}}").replace("[not ", r"[\neg ")
    if latex.startswith(name + "("):
        latex = r"\operatorname{{" + name.replace("_", r"\_") + "}}" + latex[len(name):]
    return Primitive(name, impl, partials, text, latex, lambda sp, *a: None, ATOM, (0,) * n,
                     (0,) * n)


# print-only indicators: where an adjoint passes through max, clip or where
hit = printer("hit", "[{0} = {1}]", lambda x, m: (x == m).astype(float), (lambda x, m, a: 0,) * 2)
mask = printer("mask", "[{0}]", lambda c: np.asarray(c, float), (lambda c, a: 0,))
unmask = printer("unmask", "[not {0}]", lambda c: 1.0 - np.asarray(c, float), (lambda c, a: 0,))
