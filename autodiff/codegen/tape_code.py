"""A recorded tape written out as numpy code: the forward lines and the reverse sweep.

The forward lines are the tape's records in tape order, each a call of its primitive's
``impl`` (``v3 = linear(x, w, b)``). The reverse sweep is :func:`autodiff.autograd.tape.reverse`
run on code atoms: the same walk (newest record first), the same partial rules and structural
``vjp`` maps, the same scatter ``v̄_j += v̄_i ∂v_i/∂v_j`` in the same order, the same fitting of
contributions to their argument's shape (``_fit``). So the generated sweep performs the eager
sweep's numpy operations in the eager sweep's order, and its gradients are the eager ones,
bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import primitives as P
from ..autograd import ops
from ..autograd.tape import _fit
from ..autograd.tensor import Tensor
from ..term import Term
from .atom import Code
from .expression import Body
from .impls import Helpers
from .tracing import NotCompilable


def _brief(p: Any) -> str:
    """A static parameter as a comment shows it: on one line, short."""
    text = " ".join(repr(p).split())
    return text if len(text) <= 40 else text[:37] + "..."


class TapeWriter:
    """Writes the forward and reverse sweeps of a tape into one function body.

    Args:
        inputs: ``(tensor, parameter name, requires grad eagerly)`` for every input tensor.
    """

    def __init__(self, inputs: list[tuple[Tensor, str, bool]]) -> None:
        self.helpers = Helpers(bind=True)
        self.body = Body({"np", "math"} | {name for _, name, _ in inputs})
        self.code: dict[int, Code] = {}
        self.names: dict[int, str] = {}
        self.grad: dict[int, bool] = {}  # would it require grad in the eager run
        self.keep: list[Any] = []  # the traced tensors, alive while ids are keys
        self.constants: list[tuple[Tensor, Any]] = []  # tensors read as constants, and arrays
        for t, name, rg in inputs:
            self._bind(t, name)
            self.grad[id(t)] = rg

    def _bind(self, t: Tensor, name: str) -> None:
        self.keep.append(t)
        self.names[id(t)] = name
        self.code[id(t)] = Code(self.body.name(name), self.body, self.helpers, t.data.shape,
                                t.data.dtype)

    def atom(self, a: Any) -> Any:
        """The code of an argument: a traced tensor's name, a constant tensor's array, or the
        argument itself (numbers and static parameters)."""
        if isinstance(a, Tensor):
            if id(a) in self.code:
                return self.code[id(a)]
            if all(t is not a for t, _ in self.constants):
                self.constants.append((a, a.data))
            return Code(self.body.const(a.data), self.body, self.helpers, a.data.shape,
                        a.data.dtype)
        return a

    # -- the forward lines --------------------------------------------------------------------
    def forward(self, records: list[Tensor]) -> None:
        for t in records:
            op = t._op
            known = P.REGISTRY.get(getattr(op, "name", "")) is op or \
                ops.ARRAY_REGISTRY.get(getattr(op, "name", "")) is op
            if not known:
                raise NotCompilable(f"compile: the computation records {op!r}, which is not a "
                                 "primitive of the registry or of autodiff.autograd.ops, so it "
                                 "cannot be written as code; run it uncompiled")
        for k, t in enumerate(records, 1):
            name = self.body.fresh("v") if f"v{k}" in self.body.reserved else f"v{k}"
            self.body.reserved.add(name)
            args = tuple(self.atom(a) for a in t._args)
            value = t._op(*args)
            if not isinstance(value, Code):
                value = Code(self.body.const(value), self.body, self.helpers)
            self.body.store(name, value.node, f"{name} = {self.equation(t)}")
            self._bind(t, name)
            self.grad[id(t)] = any(self.grad.get(id(t._args[j]), False) for j in t._parents)

    def side_effects(self, effects: list[tuple[Any, tuple]]) -> list[np.ndarray]:
        """The calls the traced function asked for by ``side_effect`` (running statistics,
        checks of values), written after the forward lines in the order they were asked for.
        Returns the arrays they are given as they are (buffers updated in place)."""
        body, arrays = self.body, []
        for fn, args in effects:
            atoms = [self.atom(a) for a in args]
            arrays += [a for a in atoms if isinstance(a, np.ndarray)]
            nodes = [a.node if isinstance(a, Code) else body.const(a) for a in atoms]
            callee = self.helpers.callee(fn)
            fields = ", ".join(f"{{{k}}}" for k in range(len(nodes)))
            body.raw_refs(f"{callee}({fields})", nodes,
                          "as in the forward pass: a running statistic, or a check of values")
        return arrays

    def equation(self, t: Tensor) -> str:
        """``v3 = σ(v2)`` as the tables print it; a structural record by its template."""
        args = tuple(self._shown(a) for a in t._args)
        op = t._op
        if isinstance(op, P.Primitive):
            try:
                return Term(op, args).text() if any(isinstance(a, Term) for a in args) else op.name
            except (TypeError, ValueError):
                return op.name
        n = len(args) - op.nparams
        shown = [str(a) if isinstance(a, Term) else "c" for a in args[:n]]
        params = "".join(f", {_brief(p)}" for p in args[n:])
        try:
            return op.text.format(*shown, p=params)
        except (IndexError, KeyError):
            return f"{op.name}({', '.join(shown)}{params})"

    def _shown(self, a: Any) -> Any:
        """An argument as the equation shows it: a name, or a number as it is."""
        if isinstance(a, Tensor) and id(a) in self.names:
            return Term.var(self.names[id(a)])
        data = a.data if isinstance(a, Tensor) else a
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return data
        bound = self.body.constants.get(id(data))
        return Term.var(bound[0] if bound else "c") if hasattr(data, "shape") else data

    # -- the reverse sweep --------------------------------------------------------------------
    def reverse(self, records: list[Tensor], output: Tensor, seed: Code,
                wanted: list[Tensor]) -> list[Code | None]:
        """Adjoints of ``wanted`` (leaves) for ``output`` seeded with ``seed``: ``None`` where
        the output does not depend on a leaf."""
        adj: dict[int, Code] = {}
        body = self.body
        out_name = self._bar(output)
        body.comment(f"reverse sweep: {out_name} = 1, then each record adds v̄_i ∂v_i/∂v_j to "
                     "its parents, newest first")
        body.store(out_name, seed.node, f"{self._mark(output)} = 1")
        adj[id(output)] = self._named(out_name, seed)
        for t in reversed(records):
            g = adj.get(id(t))
            if g is None:
                continue
            op = t._op
            structural = isinstance(op, ops.ArrayPrimitive)
            ans = self.code[id(t)]
            atoms = tuple(self.atom(a) for a in t._args)
            if structural and g.shape != t.data.shape:
                g = ops.broadcast_to(g, t.data.shape)  # a reduction's adjoint, one number
            for k in t._parents:
                a = t._args[k]
                if not self.grad.get(id(a), False):
                    continue
                if structural:
                    c = op.vjp(k, g, ans, *atoms)
                else:
                    p = op.partials[k](*atoms, ans)
                    if type(p) is int and (p == 1 or p == -1):
                        c = g if p == 1 else -g
                    else:
                        c = g * p
                    if c.shape != a.data.shape or c.shape != t.data.shape:
                        c = _fit(c, a.data.shape, t.data.shape)
                name = self._bar(a)
                term = self._contribution(t, k, a)
                if id(a) not in adj:
                    body.store(name, c.node, f"{self._mark(a)} = {term}")
                else:
                    body.store(name, (adj[id(a)] + c).node, f"{self._mark(a)} += {term}")
                adj[id(a)] = self._named(name, c)
        out = []
        for leaf in wanted:
            g = adj.get(id(leaf))
            if g is not None:
                g = _fit(g, leaf.data.shape, leaf.data.shape)
            out.append(g)
        return out

    def _contribution(self, t: Tensor, k: int, a: Tensor) -> str:
        """``v̄_i ∂v_i/∂v_j`` as the tables print it: the registry's rule on printable terms
        for an elementwise record, ``v̄_i·∂v_i/∂v_j`` for a structural one."""
        generic = f"{self._mark(t)}·∂{self.names[id(t)]}/∂{self.names[id(a)]}"
        if not isinstance(t._op, P.Primitive):
            return generic
        args = tuple(Term.var(self.names[id(x)]) if isinstance(x, Tensor) and id(x) in self.names
                     else x if isinstance(x, (int, float)) else Term.var("c") for x in t._args)
        ans = Term.var(self.names[id(t)])
        try:
            return str(Term.var(self.names[id(t)], "adjoint") * t._op.partials[k](*args, ans))
        except (TypeError, ValueError):
            return generic

    def _named(self, name: str, like: Code) -> Code:
        return Code(self.body.name(name), self.body, self.helpers, like.shape, like.dtype)

    def _bar(self, t: Tensor) -> str:
        return f"{self.names[id(t)]}_bar"

    def _mark(self, t: Tensor) -> str:
        name = self.names[id(t)]
        return name[:1] + "\u0304" + name[1:]

    def refuse_batch_constants(self, rows: int, live: list[Any]) -> None:
        """Refuse a constant array with a batch axis (``rows`` entries) that is no buffer of
        ``live`` (nor a view of one): a value computed from the batch outside the tape (the
        class indices of a cross-entropy) would be frozen into the code."""
        ids = {id(b) for b in live}
        for name, value in self.body.constants.values():
            if not isinstance(value, np.ndarray) or rows not in value.shape:
                continue
            if id(value) in ids or (value.base is not None and id(value.base) in ids):
                continue
            raise NotCompilable(
                f"compile: {name}, an array of shape {value.shape} computed from the batch "
                "outside the tape (such as class indices taken from the targets), would be "
                "frozen into the generated code; run this step uncompiled")

    def namespace(self) -> dict[str, Any]:
        """What the generated function reads besides its parameters: numpy, the impls it
        calls and the constant arrays it uses."""
        import numpy as np

        ns: dict[str, Any] = {"np": np, **self.helpers.bound}
        ns.update({name: value for name, value in self.body.constants.values()})
        return ns
