"""Symbolic differentiation: a trace as a sympy expression and back, and expression swell.

:func:`to_sympy` interprets the trace with each primitive's ``sympy(sp, *args)`` field, so
``v_i = op(v_j, …)`` becomes ``op(e_j, …)``; :func:`from_sympy` turns an expression back
into a trace (one step per sympy operation, shared subexpressions once). The derivative of
``f`` for an input ``x_k`` is ``sympy.diff(f, x_k)``: a closed formula.

Written out as a tree, that formula repeats every subexpression each time it is used: this
is **expression swell**. :func:`derivatives` measures it — the size of ``f``, of each raw
derivative, of the simplified one and after common-subexpression elimination (``sympy.cse``),
in operations (``sympy.count_ops``) and tree nodes — next to the length of the traces that
forward and reverse mode run for the same function, which never swell. All sympy work runs
under a :class:`~autodiff.methods.budget.Budget` (see :mod:`autodiff.methods.budget`).
sympy is imported only here and only when used.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from typing import Any

from .. import primitives as P
from ..errors import InputError
from ..forward import primal_sweep
from ..term import format_number
from ..trace import Arg, Const, Trace, TraceBuilder
from .budget import Budget, Staged, run
from .recorded import pruned

PRINT_NODES = 400  # formulas larger than this are measured, not printed


@cache
def _sp():
    """sympy, imported on first use, with the lazily imported parts the budgeted work uses
    warmed up once here, so that each child process does not import them again."""
    import sympy

    x = sympy.Symbol("x", real=True)
    e = sympy.diff(sympy.exp(x) * sympy.sin(x) / (1 + x**2), x)
    sympy.count_ops(e), sympy.cse(e), sympy.pretty(e), sympy.latex(e), sympy.simplify(e)
    return sympy


def symbols(trace: Trace) -> dict[str, Any]:
    """One real sympy symbol per input of ``trace``, by name."""
    sp = _sp()
    return {name: sp.Symbol(name, real=True) for name in trace.inputs}


def _number(sp: Any, v: float) -> Any:
    text = format_number(v, exact=True)
    if v == int(v) and abs(v) < 1e15:
        return sp.Integer(int(v))
    return sp.Rational(text) if len(text) <= 8 and "e" not in text else sp.Float(v)


def to_sympy(trace: Trace, syms: Mapping[str, Any] | None = None) -> list[Any]:
    """The outputs of ``trace`` as sympy expressions, one loop over the steps."""
    sp = _sp()
    syms = symbols(trace) if syms is None else syms
    values: list[Any] = [None] * len(trace)
    for i, s in enumerate(trace.steps):
        if s.op is None:
            values[i] = syms[s.input]
        else:
            values[i] = s.op.sympy(sp, *[values[a] if type(a) is int else _number(sp, a.value)
                                         for a in s.args])
    return [values[o] for o in trace.outputs]


def from_sympy(exprs: list[Any], names: list[str]) -> Trace:
    """A trace computing the sympy expressions ``exprs`` of the inputs ``names``.

    The expression tree is walked with an explicit stack (no recursion); a node met twice is
    one variable. A sympy function with no primitive raises :class:`InputError`."""
    sp = _sp()
    b = TraceBuilder()
    env: dict[Any, Arg] = {}
    for n in names:
        env[sp.Symbol(n, real=True)] = b.input(n)
        env[sp.Symbol(n)] = b.input(n)
    stack = [(e, False) for e in exprs]
    while stack:
        e, ready = stack.pop()
        if e in env:
            continue
        if e.is_Number or e.is_NumberSymbol:
            env[e] = Const(float(e))
        elif e.is_Symbol:
            raise InputError(f"{e} is not an input (the inputs: {', '.join(names)})")
        elif not ready:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args if a not in env)
        else:
            env[e] = _step(sp, b, e, [env[a] for a in e.args])
    outs = []
    for e in exprs:
        v = env[e]
        outs.append(v if type(v) is int else b.apply(P.add, (v, Const(0.0))))
    return pruned(b.build(outs, "", names, numbered=True))


@lru_cache(maxsize=1)
def _functions() -> dict[str, P.Primitive]:
    """sympy's function name → the primitive, derived from the registry's sympy field: every
    one-argument primitive whose sympy form is a function applied to its argument (``exp``
    gives ``exp(x)``; ``sigmoid``, a formula, is not one)."""
    sp = _sp()
    x = sp.Symbol("x", real=True)
    out: dict[str, P.Primitive] = {}
    for p in P.REGISTRY.values():
        if p.arity != 1:
            continue
        try:
            e = p.sympy(sp, x)
        except Exception:  # noqa: BLE001 (a primitive sympy cannot build: no entry)
            continue
        if isinstance(e, sp.Function) and e.args == (x,):
            out.setdefault(type(e).__name__, p)
    return out


def _op(b: TraceBuilder, op: P.Primitive, *args: Arg) -> Arg:
    if all(type(a) is Const for a in args):
        return Const(float(op.impl(*[a.value for a in args])))
    return b.apply(op, tuple(args))


def _step(sp: Any, b: TraceBuilder, e: Any, args: list[Arg]) -> Arg:
    """One sympy node as a step whose arguments (already converted) are ``args``."""
    def is_op(a: Arg, op: P.Primitive) -> bool:
        return type(a) is int and b.steps[a].op is op

    if e.is_Add:
        first = next((k for k, a in enumerate(args) if not is_op(a, P.neg)), 0)
        acc = args[first]
        for a in args[:first] + args[first + 1:]:
            acc = _op(b, P.sub, acc, b.steps[a].args[0]) if is_op(a, P.neg) else \
                _op(b, P.add, acc, a)
        return acc
    if e.is_Mul:
        coeff = [a.value for a in args if type(a) is Const]
        factors = [a for a in args if type(a) is int]
        acc: Arg | None = None
        for a in factors:
            if is_op(a, P.div) and b.steps[a].args[0] == Const(1.0) and acc is not None:
                acc = _op(b, P.div, acc, b.steps[a].args[1])
            else:
                acc = a if acc is None else _op(b, P.mul, acc, a)
        c = 1.0
        for v in coeff:
            c *= v
        if acc is None:
            return Const(c)
        return acc if c == 1 else _op(b, P.neg, acc) if c == -1 else _op(b, P.mul, Const(c), acc)
    if e.is_Pow:
        base, ex = args
        if type(ex) is Const and ex.value < 0:
            inv = _power(b, base, -ex.value)
            return _op(b, P.div, Const(1.0), inv)
        if e.base == sp.E:
            return _op(b, P.exp, ex)
        return _power(b, base, ex) if type(ex) is Const else _op(b, P.pow_, base, ex)
    name = type(e).__name__
    if name == "Max" and len(args) == 2 and Const(0.0) in args:
        return _op(b, P.relu, next(a for a in args if a != Const(0.0)))
    if name == "Heaviside":
        return _op(b, P.heaviside, args[0])
    functions = _functions()
    if name in functions and len(args) == 1:
        return _op(b, functions[name], args[0])
    raise InputError(f"sympy's {name} has no primitive in the registry")


def _power(b: TraceBuilder, base: Arg, p: Any) -> Arg:
    p = p.value if type(p) is Const else p
    if p == 1:
        return base
    if p == 0.5:
        return _op(b, P.sqrt, base)
    return _op(b, P.pow_, base, Const(float(p)))


def tree_nodes(expr: Any) -> int:
    """The number of nodes of ``expr`` written out as a tree (a shared subexpression counts
    each time it appears), computed over the distinct subexpressions without recursion."""
    size: dict[Any, int] = {}
    stack = [(expr, False)]
    while stack:
        e, ready = stack.pop()
        if e in size:
            continue
        if not e.args:
            size[e] = 1
        elif not ready:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args if a not in size)
        else:
            size[e] = 1 + sum(size[a] for a in e.args)
    return size[expr]


def _stats(sp: Any, expr: Any, budget: Budget, show: bool = True) -> dict[str, Any]:
    nodes = tree_nodes(expr)
    out: dict[str, Any] = {"nodes": nodes}
    if nodes > budget.max_nodes:
        out["ops"] = None
        out["note"] = f"size budget of {budget.max_nodes} nodes exceeded"
        return out
    out["ops"] = int(sp.count_ops(expr))
    if show and nodes <= PRINT_NODES:
        out["text"] = sp.sstr(expr)
        out["unicode"] = sp.pretty(expr, use_unicode=True, wrap_line=False)
        out["latex"] = sp.latex(expr)
    return out


def _value(expr: Any, names: list[str], point: Mapping[str, float]) -> float:
    try:
        t = from_sympy([expr], names)
        return float(primal_sweep(t, point)[t.output])
    except InputError:
        sp = _sp()
        return float(expr.evalf(subs={sp.Symbol(n, real=True): v for n, v in point.items()}))


def _work(trace: Trace, point: Mapping[str, float] | None, budget: Budget,
          stages: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    sp = _sp()
    syms = symbols(trace)
    names = list(trace.inputs)
    yield "start", "the conversion of the trace to sympy"
    (f,) = to_sympy(trace, syms)[:1]
    yield "f", _stats(sp, f, budget)
    raws = {}
    for n in names:
        yield "start", f"diff(f, {n})"
        raws[n] = sp.diff(f, syms[n])
        stats = _stats(sp, raws[n], budget, show="formulas" in stages)
        if point is not None:
            stats["value"] = _value(raws[n], names, point)
        yield "raw", (n, stats)
    if "cse" in stages:
        for n in names:
            if tree_nodes(raws[n]) > budget.max_nodes:
                continue
            yield "start", f"cse(diff(f, {n}))"
            reps, (reduced,) = sp.cse(raws[n])
            parts = [r for _, r in reps] + [reduced]
            yield "cse", (n, {"ops": int(sum(sp.count_ops(p) for p in parts)),
                              "nodes": sum(tree_nodes(p) for p in parts),
                              "subexpressions": len(reps)})
    if "simplify" in stages:
        for n in names:
            if tree_nodes(raws[n]) > budget.max_nodes:
                continue
            yield "start", f"simplify(diff(f, {n}))"
            yield "simplified", (n, _stats(sp, sp.simplify(raws[n]), budget))
    if "roundtrip" in stages:
        yield "start", "the conversion of f back to a trace"
        try:
            yield "roundtrip", from_sympy([f], names).to_program()
        except InputError as exc:
            yield "roundtrip", f"# {exc}\n"


def derivatives(trace: Trace, at: Mapping[str, float] | None = None,
                budget: Budget | None = None,
                stages: tuple[str, ...] = ("formulas", "cse", "simplify", "roundtrip")
                ) -> Staged:
    """Differentiate the (first) output of ``trace`` symbolically, under ``budget``.

    The result holds, stage by stage: ``f`` (its size), ``raw`` per input (size, formula,
    value at ``at``), ``cse`` and ``simplified`` per input, ``roundtrip`` (f as a trace
    program again). A stage that ran out of budget is named in ``exceeded``."""
    point = None if at is None else {k: float(v) for k, v in trace.bind(at).items()}
    _sp()  # imported once in this process, before the fork, not in every child
    return run(_work, (trace, point, budget or Budget(), stages), budget or Budget())


def _equivalence_work(f: Trace, name: str, supplied: Trace) -> Iterator[tuple[str, Any]]:
    sp = _sp()
    syms = symbols(f)
    yield "start", f"diff(f, {name})"
    want = sp.diff(to_sympy(f, syms)[0], syms[name])
    given = to_sympy(supplied, {n: syms.get(n, sp.Symbol(n, real=True))
                                for n in supplied.inputs})[0]
    yield "start", "simplify(supplied − symbolic)"
    d = sp.simplify(given - want)
    if d == 0:
        yield "equivalent", True
        return
    yield "start", "equals(supplied, symbolic)"
    yield "equivalent", d.equals(0)


def equivalent(f: Trace, name: str, supplied: Trace, budget: Budget | None = None) -> Staged:
    """Whether ``supplied`` equals ``∂f/∂name`` symbolically: stage ``equivalent`` is True,
    False, or None (sympy could not decide); absent when the budget ran out."""
    budget = budget or Budget()
    _sp()
    return run(_equivalence_work, (f, name, supplied), budget)
