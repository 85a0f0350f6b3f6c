"""The numpy source of a primitive's ``impl``, for code that imports only numpy.

A ufunc (``np.exp``) is written as its name. A function of :mod:`autodiff.primitives`
(``_sigmoid``, ``_bce``) is copied into the generated module from the registry's own source,
with the module-level helpers and constants it uses, so the generated code runs the same numpy
operations as the engine without a second copy of any rule in the source tree.
"""

from __future__ import annotations

import ast
import builtins
import dis
import inspect
import keyword
import textwrap
import types
from typing import Any

import numpy as np

from .. import primitives as P


class Helpers:
    """The helper definitions a generated module needs, in the order they were first used.

    With ``bind=True`` (code that is executed in a namespace of ours, :func:`autodiff.compile`)
    a function is not copied but bound by name in that namespace: ``bound[name] = fn``."""

    def __init__(self, bind: bool = False) -> None:
        self.sources: dict[str, str] = {}
        self.modules: set[str] = set()  # standard modules the copied helpers use (math)
        self.bind = bind
        self.bound: dict[str, Any] = {}

    def callee(self, fn: Any, name: str | None = None) -> str:
        """The name to call ``fn`` by in generated code (its definition added if needed)."""
        if isinstance(fn, np.ufunc) or getattr(np, getattr(fn, "__name__", ""), None) is fn:
            return f"np.{fn.__name__}"  # a ufunc, or numpy's own function (np.round)
        if self.bind:
            return self._bind(fn, name)
        if not isinstance(fn, types.FunctionType):
            raise TypeError(f"cannot write {fn!r} as numpy source")
        name = fn.__name__
        if name == "<lambda>":
            name = "_" + _lambda_name(fn)
            if name not in self.sources:
                self._add(name, _lambda_source(fn, name), fn)
            return name
        if name not in self.sources:
            self._add(name, _function_source(fn), fn)
        return name

    def _bind(self, fn: Any, name: str | None) -> str:
        for k, v in self.bound.items():
            if v is fn:
                return k
        base = (name or getattr(fn, "__name__", "fn")).strip("_").replace("<lambda>", "fn")
        if not base.isidentifier() or keyword.iskeyword(base) or hasattr(builtins, base) \
                or base in ("np", "math"):
            base += "_"
        label, k = base, 1
        while label in self.bound:
            k += 1
            label = f"{base}{k}"
        self.bound[label] = fn
        return label

    def _add(self, name: str, source: str, fn: types.FunctionType) -> None:
        fn = inspect.unwrap(fn)  # a decorated helper (@np.errstate): the names its body reads
        module = inspect.getmodule(fn)
        read = {i.argval for i in dis.get_instructions(fn) if i.opname == "LOAD_GLOBAL"}
        for ref in sorted(read):
            if ref in self.sources or ref == name or not hasattr(module, ref):
                continue
            value = getattr(module, ref)
            if isinstance(value, types.ModuleType):
                if value.__name__ == "math":
                    self.modules.add("math")
                continue
            if isinstance(value, types.FunctionType):
                self.callee(value)
            elif isinstance(value, (float, int)):
                self.sources[ref] = f"{ref} = {value!r}\n"
            else:  # another module-level value: its assignment, as the module writes it
                self._assignment(module, ref)
        self.sources[name] = source

    def _assignment(self, module: types.ModuleType, ref: str) -> None:
        text = inspect.getsource(module)
        for node in ast.parse(text).body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == ref for t in node.targets):
                for n in ast.walk(node.value):
                    if isinstance(n, ast.Name) and n.id != ref and hasattr(module, n.id):
                        value = getattr(module, n.id)
                        if isinstance(value, types.ModuleType):
                            if value.__name__ == "math":
                                self.modules.add("math")
                        elif isinstance(value, types.FunctionType):
                            self.callee(value)
                        elif isinstance(value, (float, int)) and n.id not in self.sources:
                            self.sources[n.id] = f"{n.id} = {value!r}\n"
                self.sources[ref] = ast.get_source_segment(text, node) + "\n"
                return
        raise TypeError(f"cannot write {ref} as source")

    def module_text(self) -> str:
        return "\n\n".join(s.rstrip() + "\n" for s in self.sources.values())


def _function_source(fn: types.FunctionType) -> str:
    return textwrap.dedent(inspect.getsource(fn))


def _lambda_name(fn: types.FunctionType) -> str:
    for prim in P.REGISTRY.values():
        if prim.impl is fn:
            return prim.name
    return f"fn{abs(hash(fn.__code__)) % 10000}"


def _lambda_source(fn: types.FunctionType, name: str) -> str:
    """``def name(x): return <body>`` from the lambda in the registry's source whose compiled
    code is ``fn``'s (a table line holds several lambdas)."""
    lines, _ = inspect.findsource(fn)
    start = fn.__code__.co_firstlineno - 1
    text = "".join(lines[start:start + 3])
    for candidate in (text, lines[start]):
        try:
            tree = ast.parse(textwrap.dedent(candidate).strip().rstrip(","), mode="exec")
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Lambda) and _same_code(node, fn):
                args = ", ".join(a.arg for a in node.args.args)
                return f"def {name}({args}):\n    return {ast.unparse(node.body)}\n"
    raise TypeError(f"cannot find the source of {name}'s impl")


def _same_code(node: ast.Lambda, fn: types.FunctionType) -> bool:
    code = compile(ast.Expression(node), "<lambda>", "eval").co_consts
    inner = next((c for c in code if isinstance(c, types.CodeType)), None)
    mine = fn.__code__
    return inner is not None and (inner.co_names, inner.co_consts, inner.co_varnames) == \
        (mine.co_names, mine.co_consts, mine.co_varnames)
