"""``autodiff.compile(fn)``: a function of tensors, traced once per input signature and replayed
as generated numpy code.

The first call with a new *signature* (each argument's shape and dtype, whether it requires
grad, and the value of each plain-number argument) runs ``fn`` once on recording tensors,
writes its tape as numpy source (:class:`~autodiff.codegen.tape_code.TapeWriter`) and caches
the compiled function; later calls with that signature run the generated code alone. The last,
smaller batch of an epoch is a new signature and is traced once more, as is a signature
whose compilation is no longer current (:meth:`_Compiled.current`: a module changed, a tensor
read as a constant holds another array, an evaluation-mode buffer changed its values).

``compile`` sees through :func:`autodiff.value_and_grad` and :func:`autodiff.grad`: the
function they transform is traced, and its reverse sweep is generated too (the registry's
partials and the structural vjps on code atoms), so ``compile(value_and_grad(loss))`` runs
forward and backward as straight-line numpy with the eager results, bit for bit.
"""

from __future__ import annotations

import ast
import builtins
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..autograd.functional import tape_of
from ..autograd.tape import enable_grad
from ..autograd.tensor import Tensor, _new
from ..errors import InputError
from ..nn.module import STRUCTURE, Module
from .atom import Code
from .expression import python_name
from .tape_code import TapeWriter
from .tracing import recording_effects, tracing


@dataclass
class _Compiled:
    run: Callable[..., Any]
    source: str
    arrays: list[int]  # positions of the arguments passed to the generated code
    version: int  # STRUCTURE[0] when traced
    constants: list[tuple[Tensor, Any]]  # tensors read as constants (a model's parameters)
    frozen: list[tuple[np.ndarray, np.ndarray]]  # buffers of modules in eval mode, and copies

    def current(self) -> bool:
        """No module changed since the trace (modes, parameters, buffers: the counter
        :data:`autodiff.nn.module.STRUCTURE`), every tensor read as a constant still holds
        the array the code reads (``p.data = new_array`` replaces it), and the buffers of the
        modules in evaluation mode that the function names hold their values (what is
        computed from them outside the tape, such as BatchNorm's ``sqrt(var + ε)``, is a
        constant of the code)."""
        return self.version == STRUCTURE[0] and \
            all(t.data is data for t, data in self.constants) and \
            all(np.array_equal(b, saved) for b, saved in self.frozen)


def signature_of(args: tuple) -> tuple:
    """What a compiled function is specialized on: per argument its kind, shape, dtype and
    requires_grad, or a plain number's value."""
    sig = []
    for a in args:
        if isinstance(a, Tensor):
            sig.append(("tensor", a.data.shape, a.data.dtype.str, a.requires_grad))
        elif isinstance(a, np.ndarray):
            sig.append(("array", a.shape, a.dtype.str))
        elif isinstance(a, (bool, int, float, np.number)):
            sig.append(("number", type(a).__name__, a))
        else:
            raise InputError(f"compile: an argument of type {type(a).__name__} cannot be "
                             "traced; pass tensors, numpy arrays or numbers")
    return tuple(sig)


class CompiledFunction:
    """``fn`` compiled per input signature; ``source`` is the generated code of the most
    recent signature, ``signatures`` the signatures compiled so far."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        transform = getattr(fn, "transform", None)
        if transform is not None:
            self.kind, self.inner, self.argnums, self.single = transform
        else:
            self.kind, self.inner, self.argnums, self.single = "call", fn, (), False
        self._cache: dict[tuple, _Compiled] = {}
        self.source: str | None = None
        self.__name__ = getattr(fn, "__name__", "compiled")
        self.__doc__ = getattr(fn, "__doc__", None)

    @property
    def signatures(self) -> list[tuple]:
        return list(self._cache)

    def __call__(self, *args: Any) -> Any:
        sig = signature_of(args)
        entry = self._cache.get(sig)
        if entry is None or not entry.current():
            entry = self._cache[sig] = self._trace(args)
        self.source = entry.source
        return entry.run(*[_array(args[k]) for k in entry.arrays])

    # -- tracing --------------------------------------------------------------------------------
    def _parameter_names(self, n: int) -> list[str]:
        try:
            names = [p.name for p in inspect.signature(self.inner).parameters.values()
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            names = []
        names = names[:n] + [f"x{k}" for k in range(len(names), n)]
        taken: set[str] = {"np", "math"}
        out = []
        for name in names:
            out.append(python_name(name, taken))
            taken.add(out[-1])
        return out

    def _trace(self, args: tuple) -> _Compiled:
        names = self._parameter_names(len(args))
        for k in self.argnums:
            if k >= len(args):
                raise InputError(f"argnums: argument {k} was asked for, but only {len(args)} given")
        xs: list[Any] = []
        inputs: list[tuple[Tensor, str, bool]] = []
        arrays: list[int] = []
        for k, a in enumerate(args):
            if isinstance(a, (Tensor, np.ndarray)) or k in self.argnums:
                t = Tensor(_array(a), requires_grad=True)
                grad = (k in self.argnums) if self.kind != "call" else \
                    (isinstance(a, Tensor) and a.requires_grad)
                inputs.append((t, names[k], grad))
                arrays.append(k)
                xs.append(t)
            else:
                xs.append(a)
        with tracing(), enable_grad(), recording_effects() as effects:
            out = self.inner(*xs)
        version = STRUCTURE[0]  # after the call: a model built inside it is part of the trace
        writer = TapeWriter(inputs)
        outputs = list(out) if isinstance(out, (tuple, list)) else [out]
        records = tape_of(outputs)
        writer.forward(records)
        buffers = writer.side_effects(effects)  # running statistics, checks of values
        body = writer.body
        if self.kind == "call":
            result = [writer.atom(o) if isinstance(o, Tensor) else o for o in outputs]
            returns = [r.node if isinstance(r, Code) else body.const(r) for r in result]
            template = ", ".join(f"{{{k}}}" for k in range(len(returns)))
            body.raw_refs(f"return ({template},)" if len(returns) == 1 else f"return ({template})",
                          returns)
            several = isinstance(out, (tuple, list))
            wrap = _outputs(several)
        else:
            if not isinstance(out, Tensor):
                out = Tensor(out)
            if out.data.size != 1:
                raise InputError(f"grad: the function must return a scalar, got shape "
                                 f"{out.data.shape}; use jacrev or vjp for a vector output")
            value = writer.atom(out)
            wanted = [inputs[arrays.index(k)][0] for k in self.argnums]
            if out._op is not None:
                seed = value.like(body.op("np.ones_like({0})", (value.node,)), value.shape)
                grads = writer.reverse(records, out, seed, wanted)
            else:
                grads = [None] * len(wanted)
            nodes = [value.node]
            for g, leaf in zip(grads, wanted, strict=True):
                nodes.append(g.node if g is not None else
                             body.op("np.zeros_like({0})", (writer.code[id(leaf)].node,)))
            inner = ", ".join(f"{{{k}}}" for k in range(1, len(nodes)))
            body.raw_refs(f"return {{0}}, ({inner},)", nodes)
            dtypes = [leaf.data.dtype for leaf in wanted]
            wrap = _value_and_grad(dtypes, self.single, self.kind == "grad")
        params = [name for _, name, _ in inputs]
        source = _function_source("compiled", params, f"{self.kind} of "
                                  f"{getattr(self.inner, '__name__', 'fn')}", body)
        for k in arrays:
            rows = np.shape(args[k])[:1]
            if rows and rows[0] > 1:
                writer.refuse_batch_constants(rows[0], buffers)
        namespace = writer.namespace()
        exec(builtins.compile(source, "<autodiff.compile>", "exec"), namespace)  # generated here
        generated = namespace["compiled"]

        def run(*arrays_: Any) -> Any:
            return wrap(generated(*arrays_))

        frozen = [(b, b.copy()) for m in _modules_of(self.inner) for mod in m.modules()
                  if not mod.training for b in mod._buffers.values()
                  if isinstance(b, np.ndarray)]
        return _Compiled(run, source, arrays, version, writer.constants, frozen)


def _modules_of(fn: Callable[..., Any]) -> list[Any]:
    """The modules ``fn`` names: itself, the object of a bound method, its closure's variables
    and the globals it reads."""
    candidates = [fn, getattr(fn, "__self__", None)]
    try:
        names = inspect.getclosurevars(fn)
        candidates += [*names.nonlocals.values(), *names.globals.values()]
    except TypeError:  # a builtin or a callable object
        pass
    found: list[Any] = []
    for c in candidates:
        if isinstance(c, Module) and all(c is not m for m in found):
            found.append(c)
    return found


def _array(a: Any) -> np.ndarray:
    data = np.asarray(a.data if isinstance(a, Tensor) else a)
    return data if data.dtype.kind == "f" else Tensor(data).data


def _outputs(several: bool) -> Callable[[tuple], Any]:
    def wrap(values: tuple) -> Any:
        out = tuple(_new(v) for v in values)
        return out if several else out[0]
    return wrap


def _value_and_grad(dtypes: list, single: bool, grad_only: bool) -> Callable[[tuple], Any]:
    def wrap(result: tuple) -> Any:
        value, grads = result
        gs = tuple(_new(np.asarray(g, dtype=d)) for g, d in zip(grads, dtypes, strict=True))
        g = gs[0] if single else gs
        return g if grad_only else (_new(value), g)
    return wrap


def _function_source(name: str, params: list[str], doc: str, body: Any) -> str:
    body.drop_dead()
    lines = [f"def {name}({', '.join(params)}):",
             f'    """Generated by autodiff.compile: {doc}."""']
    lines += body.render()
    return _drop_temporaries("\n".join(lines) + "\n", set(params))


def _drop_temporaries(source: str, params: set[str]) -> str:
    """``del`` each local array right after the statement that reads it last, so that the
    generated function holds no more arrays than the eager sweep does (which drops each
    adjoint once it has been passed on)."""
    tree = ast.parse(source)
    statements = tree.body[0].body
    last: dict[str, int] = {}
    for k, stmt in enumerate(statements):
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                last[node.id] = k
    stored = {n.id for stmt in statements for n in ast.walk(stmt)
              if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    after: dict[int, list[str]] = {}
    for name, k in last.items():
        if name in stored and name not in params and \
                not isinstance(statements[k], ast.Return):
            after.setdefault(statements[k].end_lineno, []).append(name)
    out = []
    for number, line in enumerate(source.splitlines(), 1):
        out.append(line)
        if number in after:
            out.append(f"    del {', '.join(sorted(after[number]))}")
    return "\n".join(out) + "\n"


def compile(fn: Callable[..., Any]) -> CompiledFunction:  # noqa: A001 (the name users expect)
    """``fn`` traced once per input signature and run as generated numpy code.

    >>> import numpy as np, autodiff
    >>> f = autodiff.compile(autodiff.value_and_grad(lambda w: (w * w).sum()))
    >>> value, g = f(np.array([1.0, 2.0]))
    >>> float(value.data), g.data.tolist()
    (5.0, [2.0, 4.0])
    """
    return CompiledFunction(fn)
