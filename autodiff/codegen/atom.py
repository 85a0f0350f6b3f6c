"""The code atom: a value of generated code, to which the registry's rules are applied.

``exp(Code("v3"))`` does not compute: it returns the atom of ``np.exp(v3)``. Registered with
:func:`autodiff.primitives.register_atom`, the atom makes every partial rule of the registry
(written with primitives and Python operators) write the numpy expression that computes it,
as :class:`~autodiff.term.Term` makes it print. Each primitive is written as the engine
evaluates it: the operators ``+ - * /``, unary ``-`` and ``**`` (``pow``) as Python operators
(numpy's ufuncs on arrays and numpy scalars), every other primitive as its ``impl``.

Folding is exact only: ``a·1`` and ``1·a`` are ``a``, ``a·(−1)`` is ``−a``, ``a/1`` is ``a``,
``−(−a)`` is ``a``, ``a + (−b)`` is ``a − b`` (the same IEEE operation), and an operation on
constants is computed once, by its ``impl``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import primitives as P
from ..autograd import ops
from .expression import ATOM, POWER, PRODUCT, SUM, UNARY, Body, Name, Node
from .impls import Helpers

_INFIX = {P.add: ("{0} + {1}", SUM, (SUM, PRODUCT)), P.sub: ("{0} - {1}", SUM, (SUM, PRODUCT)),
          P.mul: ("{0} * {1}", PRODUCT, (PRODUCT, UNARY)),
          P.div: ("{0} / {1}", PRODUCT, (PRODUCT, UNARY))}


class Code(P.Operand):
    """A value of the generated code: its expression node in ``body``, with the shape and
    dtype it has (``None`` where the code is written for any shape)."""

    __slots__ = ("node", "body", "helpers", "shape", "dtype")

    def __init__(self, node: Node, body: Body, helpers: Helpers, shape: Any = None,
                 dtype: Any = None) -> None:
        self.node, self.body, self.helpers = node, body, helpers
        self.shape, self.dtype = shape, dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def like(self, node: Node, shape: Any = None, dtype: Any = None) -> Code:
        return Code(node, self.body, self.helpers, shape, self.dtype if dtype is None else dtype)

    # -- what the structural rules of autodiff.autograd.ops use of an array -----------------
    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def T(self) -> Code:  # noqa: N802 (numpy's name)
        return self.like(self.body.op("{0}.T", (self.node,), ATOM, (ATOM,)), self.shape[::-1])

    def __matmul__(self, other: Any) -> Code:
        return _matmul(self, other)

    def __rmatmul__(self, other: Any) -> Code:
        return _matmul(other, self)

    def sum(self, axis: Any = None) -> Code:
        shape = np.zeros(self.shape, dtype=bool).sum(axis).shape
        node = self.body.op("{0}.sum({1})", (self.node, self.body.const(axis)), ATOM, (ATOM, 0))
        return self.like(node, shape)

    def reshape(self, shape: Any) -> Code:
        new = np.zeros(self.shape, dtype=bool).reshape(shape).shape
        node = self.body.op("{0}.reshape({1})", (self.node, self.body.const(tuple(shape))),
                            ATOM, (ATOM, 0))
        return self.like(node, new)

    def _refuse(self, other: Any) -> Any:
        raise TypeError("a comparison of values is not written as generated code")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore[assignment]
    __hash__ = object.__hash__
    __array_ufunc__ = None  # ndarray ⊕ Code defers to Code's reflected operators

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a code atom has no value to make an array of")

    # -- in-place updates (an optimizer's ``b *= mu``): a statement, then a new value -------
    def _inplace(self, symbol: str, other: Any) -> Code:
        if not isinstance(self.node.leaf, Name):
            raise TypeError("an in-place update of an expression is not written as code")
        body = self.body
        other_node = other.node if isinstance(other, Code) else body.const(other)
        body.raw_refs(f"{{0}} {symbol}= {{1}}", [self.node, other_node])
        body.mutated(str(self.node.leaf))
        return self.like(body.name(str(self.node.leaf)), self.shape)

    def __iadd__(self, other: Any) -> Code:
        return self._inplace("+", other)

    def __isub__(self, other: Any) -> Code:
        return self._inplace("-", other)

    def __imul__(self, other: Any) -> Code:
        return self._inplace("*", other)

    def __itruediv__(self, other: Any) -> Code:
        return self._inplace("/", other)

    def __repr__(self) -> str:
        return f"Code({self.node.template or self.node.leaf!r})"


def _const(x: Any) -> tuple[bool, Any]:
    if isinstance(x, Code):
        return (x.node.is_const, x.node.value)
    return True, x


def _is(x: Any, value: float) -> bool:
    known, v = _const(x)
    return known and isinstance(v, (int, float)) and not isinstance(v, bool) and v == value


def _shape(args: tuple) -> Any:
    shapes = [a.shape if isinstance(a, Code) else np.shape(a) for a in args]
    if any(s is None for s in shapes):
        return None
    return np.broadcast_shapes(*shapes)


def apply(prim: P.Primitive, args: tuple) -> Any:
    """``prim(*args)`` on code atoms: the atom of its numpy expression."""
    registered = P.REGISTRY.get(prim.name)
    if registered is not None and registered is not prim and registered.impl is prim.impl:
        prim = registered  # a copy of a registry entry (a deep-copied model's trace)
    atom = next(a for a in args if isinstance(a, Code))
    consts = [_const(a) for a in args]
    if all(k for k, _ in consts):
        with np.errstate(all="ignore"):
            value = prim.impl(*[v for _, v in consts])
        return atom.like(atom.body.const(_plain(value)), np.shape(value))
    if prim is P.mul or prim is P.div:
        a, b = args
        if _is(b, 1):
            return a
        if prim is P.mul and _is(a, 1):
            return b
        if prim is P.mul and _is(b, -1):
            return P.neg(a)
        if prim is P.mul and _is(a, -1):
            return P.neg(b)
    if prim is P.add and isinstance(args[1], Code) and args[1].node.template == "-{0}":
        return P.sub(args[0], args[1].like(args[1].node.args[0], args[1].shape))  # a + (−b) = a − b
    if prim is P.neg and isinstance(args[0], Code) and args[0].node.template == "-{0}":
        return atom.like(args[0].node.args[0], args[0].shape)
    body = atom.body
    nodes = tuple(a.node if isinstance(a, Code) else body.const(a) for a in args)
    if prim in _INFIX:
        template, prec, slots = _INFIX[prim]
        node = body.op(template, nodes, prec, slots)
    elif prim is P.neg:
        node = body.op("-{0}", nodes, UNARY, (UNARY,))
    elif prim is P.pow_:  # the registry's one spelling of a power, the operator
        node = body.op("{0} ** {1}", nodes, POWER, (POWER + 1, UNARY))
    else:
        callee = atom.helpers.callee(prim.impl, prim.name)
        template = callee + "(" + ", ".join(f"{{{k}}}" for k in range(len(nodes))) + ")"
        node = body.op(template, nodes, ATOM)
    return atom.like(node, _shape(args))


def _matmul(a: Any, b: Any) -> Code:
    atom = a if isinstance(a, Code) else b
    na, nb = (atom.body.const(x) if not isinstance(x, Code) else x.node for x in (a, b))
    shape = np.matmul(np.zeros(np.shape(a)), np.zeros(np.shape(b))).shape
    return atom.like(atom.body.op("{0} @ {1}", (na, nb), PRODUCT, (PRODUCT, UNARY)), shape)


def apply_structural(op: Any, args: tuple) -> Code:
    """``op(*args)`` for a structural primitive of :mod:`autodiff.autograd.ops`: a call of its
    ``impl``, static parameters written as literals; its shape from the impl on zeros."""
    atom = next(a for a in args if isinstance(a, Code))
    body = atom.body
    nodes = tuple(a.node if isinstance(a, Code) else body.const(a) for a in args)
    dummies = [np.zeros(a.shape, dtype=a.dtype or np.float64) if isinstance(a, Code) else a
               for a in args]
    value = op.impl(*dummies)
    callee = atom.helpers.callee(op.impl, op.name)
    node = body.op(callee + "(" + ", ".join(f"{{{k}}}" for k in range(len(nodes))) + ")", nodes)
    return atom.like(node, np.shape(value), getattr(value, "dtype", None))


def _plain(v: Any) -> Any:
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v[()]
    if isinstance(v, np.floating):
        return float(v)
    return v


P.register_atom(Code, apply)
ops.register_atom(Code, apply_structural)


class _Test:
    """A code atom inside the test of :func:`autodiff.primitives.zero_where`: its comparisons
    and ``&`` write numpy comparisons (a :class:`Code` refuses them, so that no rule branches
    on a value while code is written)."""

    __slots__ = ("code",)

    def __init__(self, code: Code) -> None:
        self.code = code

    def _op(self, symbol: str, other: Any) -> _Test:
        other = other.code if isinstance(other, _Test) else other
        body = self.code.body
        nodes = (self.code.node, other.node if isinstance(other, Code) else body.const(other))
        return _Test(self.code.like(body.op(f"({{0}} {symbol} {{1}})", nodes, ATOM), None))

    def __eq__(self, other: Any) -> _Test:  # type: ignore[override]
        return self._op("==", other)

    def __ge__(self, other: Any) -> _Test:
        return self._op(">=", other)

    def __and__(self, other: Any) -> _Test:
        return self._op("&", other)

    def __rand__(self, other: Any) -> Any:  # a test on a constant, then one on code
        return self if other is True else False

    __hash__ = object.__hash__


def _masked(test: Any, rule: Any, atoms: tuple) -> Code:
    """``zero_where`` written as code: the rule, then 0 wherever the test holds. The interpreter
    applies ``np.where(mask, 0, value)`` only when some entry is masked; the code applies it
    always, which gives the same numbers (and the value's dtype) everywhere."""
    value = rule(*atoms)
    mask = test(*(_Test(a) if isinstance(a, Code) else a for a in atoms))
    atom = next(a for a in atoms if isinstance(a, Code))
    if not isinstance(value, Code):
        value = atom.like(atom.body.const(_plain(value)), np.shape(value))
    if not isinstance(mask, _Test) and not mask:
        return value  # the test fails on constants: nothing is masked
    mask_node = mask.code.node if isinstance(mask, _Test) else atom.body.const(True)
    node = atom.body.op("np.where({0}, 0.0, {1})[()]", (mask_node, value.node), ATOM)
    return value.like(node, value.shape)


P.register_masked(Code, _masked)
