"""Expressions of generated code, shared and written out as the lines of one function.

A :class:`Node` is one numpy operation on other nodes, a name or a constant. Nodes are
hash-consed per :class:`Body`: building ``np.cos(v2)`` twice gives the same node, so a
subexpression that two lines need is computed once (common-subexpression elimination): it is
written inline where it is used once, and as a temporary ``tmp1 = …`` where it is used more
often. Each stored line ``v3 = …`` names its node, and later uses read that name.

Printing follows Python's precedence exactly (``a - (b - c)``, ``-(a * b)``), so the printed
code performs the same operations, in the same association, as the interpreter it replaces.
"""

from __future__ import annotations

import keyword
import math
from typing import Any

import numpy as np

SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 9
LONG = 60  # a subexpression longer than this gets a line of its own


def _names(node: Node, seen: set | None = None) -> set[str]:
    """The names a node reads."""
    out: set[str] = set()
    stack, seen = [node], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n.leaf, Name):
            out.add(str(n.leaf))
        stack.extend(n.args)
    return out


class Node:
    """``template.format(*args)``: an operation whose printed form binds with ``prec`` and
    whose argument ``k`` needs at least precedence ``slots[k]``; or a leaf (no template)."""

    __slots__ = ("template", "args", "prec", "slots", "leaf", "key")

    def __init__(self, template: str | None, args: tuple, prec: int, slots: tuple,
                 leaf: Any = None, key: Any = None) -> None:
        self.template, self.args, self.prec, self.slots = template, args, prec, slots
        self.leaf, self.key = leaf, key

    @property
    def is_const(self) -> bool:
        return self.template is None and not isinstance(self.leaf, Name)

    @property
    def value(self) -> Any:
        return self.leaf


class Name(str):
    """A leaf that is a Python name (a parameter, a bound constant)."""


def literal(v: Any) -> str:
    """Python source that evaluates to the number ``v`` exactly (``repr`` round-trips)."""
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, int):
        return repr(v)
    if isinstance(v, (float, np.floating, np.integer)):
        if isinstance(v, np.integer):
            return repr(int(v))
        f = float(v)
        if math.isnan(f):
            return "np.nan"
        if math.isinf(f):
            return "np.inf" if f > 0 else "-np.inf"
        return repr(f)
    if isinstance(v, tuple):
        inner = ", ".join(literal(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, slice):
        return f"slice({literal(v.start)}, {literal(v.stop)}, {literal(v.step)})"
    if v is Ellipsis:
        return "..."
    raise TypeError(f"no literal for {type(v).__name__}")


def _literal_prec(v: Any) -> int:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0:
        return UNARY
    if isinstance(v, float) and math.isinf(v) and v < 0:
        return UNARY
    return ATOM


class Body:
    """The lines of one generated function: nodes built so far and the stores in order."""

    def __init__(self, reserved: set[str]) -> None:
        self._nodes: dict[Any, Node] = {}
        self.lines: list[tuple[str, Any, str]] = []  # (target, node or raw text, comment)
        self.reserved = set(reserved)
        self.constants: dict[int, tuple[str, Any]] = {}  # id(array) -> (name, array)
        self._version: dict[str, int] = {}
        self._counters: dict[str, int] = {}

    # -- building ---------------------------------------------------------------------------
    def name(self, text: str) -> Node:
        """The leaf reading ``text`` as it is now: a name stored again is a new leaf."""
        key = ("name", text, self._version.get(text, 0))
        return self._intern(key, lambda: Node(None, (), ATOM, (), Name(text)))

    def const(self, v: Any) -> Node:
        if isinstance(v, Node):
            return v
        try:
            literal(v)
        except TypeError:
            return self._bound(v)
        key = ("const", type(v).__name__, literal(v))
        return self._intern(key, lambda: Node(None, (), _literal_prec(v), (), v))

    def _bound(self, v: Any) -> Node:
        """A value with no literal (an array): a name bound in the function's namespace."""
        if id(v) not in self.constants:
            self.constants[id(v)] = (self.fresh("const"), v)
        return self.name(self.constants[id(v)][0])

    def op(self, template: str, args: tuple, prec: int = ATOM, slots: tuple | None = None) -> Node:
        nodes = tuple(a if isinstance(a, Node) else self.const(a) for a in args)
        slots = slots if slots is not None else (0,) * len(nodes)
        key = (template, tuple(id(n) for n in nodes))
        return self._intern(key, lambda: Node(template, nodes, prec, slots, key=key))

    def _intern(self, key: Any, make) -> Node:
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = make()
        return node

    def fresh(self, stem: str) -> str:
        """A new name ``stem1``, ``stem2``, … that no other name of the function has."""
        k = self._counters.get(stem, 1)
        while f"{stem}{k}" in self.reserved:
            k += 1
        self._counters[stem] = k + 1
        self.reserved.add(f"{stem}{k}")
        return f"{stem}{k}"

    # -- storing ----------------------------------------------------------------------------
    def store(self, target: str, node: Node, comment: str = "") -> None:
        """``target = node`` as a line of the function, with ``# comment``."""
        self.lines.append((target, node, comment))
        self._version[target] = self._version.get(target, -1) + 1

    def mutated(self, name: str) -> None:
        """``name`` was updated in place: later reads are a new leaf (no sharing across)."""
        self._version[name] = self._version.get(name, 0) + 1

    def comment(self, text: str) -> None:
        self.lines.append(("", None, text))

    def raw(self, text: str, comment: str = "") -> None:
        """A statement written as it is."""
        self.lines.append((None, text, comment))

    def raw_refs(self, template: str, nodes: list[Node], comment: str = "") -> None:
        """A statement with nodes in it (``return {0}, {1}``, ``update({0})``)."""
        self.lines.append((None, RawRefs(template, tuple(nodes)), comment))

    def return_unless_finite(self, node: Node, flag: str = "finite_only") -> None:
        """``if finite_only and not v - v == 0: return v``: where the function's flag is set,
        a value that is not finite (nan or ±inf) ends it before what follows."""
        self.raw_refs(f"if {flag} and not {{0}} - {{0}} == 0:", [node],
                      "not finite: nothing after this line (CompiledStep.finite_step)")
        self.raw_refs("    return {0}", [node])

    # -- writing ----------------------------------------------------------------------------
    def drop_dead(self) -> None:
        """Drop the stores whose name is never read afterwards (nothing else has effects)."""
        live: set[str] = set()
        kept = []
        for line in reversed(self.lines):
            target, node, _ = line
            if target:
                if target not in live:
                    continue
                live.discard(target)
            if isinstance(node, Node):
                live |= _names(node)
            elif isinstance(node, RawRefs):
                for n in node.nodes:
                    live |= _names(n)
            kept.append(line)
        self.lines = kept[::-1]

    def render(self, indent: str = "    ") -> list[str]:
        uses: dict[int, int] = {}
        seen: set[int] = set()

        def count(n: Node) -> None:
            uses[id(n)] = uses.get(id(n), 0) + 1
            if id(n) in seen:
                return
            seen.add(id(n))
            for a in n.args:
                count(a)

        for _target, node, _ in self.lines:
            if isinstance(node, Node):
                count(node)
            elif isinstance(node, RawRefs):
                for n in node.nodes:
                    count(n)
        out: list[str] = []
        named: dict[int, str] = {}
        holder: dict[str, list[int]] = {}

        def text(n: Node, need: int) -> str:
            s, prec = expr(n)
            return f"({s})" if prec < need else s

        def expr(n: Node) -> tuple[str, int]:
            if n.template is None:
                return (str(n.leaf) if isinstance(n.leaf, Name) else literal(n.leaf)), n.prec
            if id(n) in named:
                return named[id(n)], ATOM
            b = body(n)
            if uses.get(id(n), 0) >= 2 or len(b) > LONG:
                t = self.fresh("tmp")
                out.append(f"{indent}{t} = {b}")
                name_it(n, t)
                return t, ATOM
            return b, n.prec

        def body(n: Node) -> str:
            return n.template.format(*[text(a, s) for a, s in zip(n.args, n.slots, strict=True)])

        def name_it(n: Node, target: str) -> None:
            for k in holder.pop(target, []):
                named.pop(k, None)
            named[id(n)] = target
            holder.setdefault(target, []).append(id(n))

        for target, node, comment in self.lines:
            note = f"  # {comment}" if comment else ""
            if target == "" and node is None:
                out.append(f"{indent}# {comment}")
            elif target is None:
                rendered = node.render(lambda n: text(n, 0)) if isinstance(node, RawRefs) \
                    else node
                out.append(f"{indent}{rendered}{note}")
            else:
                if node.template is None or id(node) in named:
                    rhs = expr(node)[0]
                else:
                    rhs = body(node)
                out.append(f"{indent}{target} = {rhs}{note}")
                if node.template is not None and id(node) not in named:
                    name_it(node, target)
                elif node.template is not None:
                    for k in holder.pop(target, []):
                        if k != id(node):
                            named.pop(k, None)
                    holder.setdefault(target, []).append(id(node))
                else:
                    for k in holder.pop(target, []):
                        named.pop(k, None)
        return out


class RawRefs:
    """A statement with nodes in it: ``template`` with ``{0}``, ``{1}`` for the nodes."""

    def __init__(self, template: str, nodes: tuple[Node, ...]) -> None:
        self.template, self.nodes = template, nodes

    def render(self, show) -> str:
        return self.template.format(*[show(n) for n in self.nodes])


def python_name(name: str, taken: set[str]) -> str:
    """``name`` as a Python identifier that shadows nothing the generated code uses."""
    out = name if name.isidentifier() else "".join(c if c.isalnum() else "_" for c in name)
    if not out or out[0].isdigit():
        out = "v_" + out
    while keyword.iskeyword(out) or out in taken:
        out += "_"
    return out
