"""The optimizer's update as generated code: its own ``_update_group`` run once on code atoms.

Where an optimizer's state holds arrays only (SGD's momentum buffer; nothing for plain SGD),
every step after the first performs the same numpy operations. ``_update_group`` is then run
once with code atoms in place of the parameters, their gradients, the state buffers and each
group's learning rate, and what it does is written down as in-place numpy statements
(``momentum_buffer0 *= 0.9``, ``p0 -= lr0 * momentum_buffer0``): the optimizer's own code, not a
second copy of its rule. The learning rate stays a parameter of the generated function, read
from the group at every call, so schedulers keep working.

An optimizer whose state holds anything but arrays (Adam's, RMSprop's and Adagrad's step
counters) is not traced: its ``step()`` runs at every call. Tracing leaves the optimizer as it
found it. :class:`TracedUpdate` knows what it assumed and checks it at every call.
"""

from __future__ import annotations

import ast
import builtins
import operator
from itertools import repeat
from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from .atom import Code
from .expression import Body
from .impls import Helpers


class TracedUpdate:
    """``update(lr0, …, p0, …, g0, …)``: the optimizer's step for parameters ``params`` with
    the gradients ``g``, and the checks that it still describes the optimizer."""

    def __init__(self, optimizer: Any, fn: Any, source: str, params: list[Tensor],
                 buffers: list[tuple[Tensor, str, np.ndarray]],
                 namespace: dict[str, Any]) -> None:
        self.optimizer, self.fn, self.source, self.params = optimizer, fn, source, params
        self.namespace = namespace
        self.buffers = buffers
        self.state = optimizer.state
        self.groups = [(g, tuple(g["params"]), tuple(k for k in g if k not in ("params", "lr")))
                       for g in optimizer.param_groups]
        self.options = [tuple(map(g.__getitem__, keys)) for g, _, keys in self.groups]
        self.getters = [_options_getter(keys) for _, _, keys in self.groups]
        self.all_params = [p for g in optimizer.param_groups for p in g["params"]]
        self.lrs = [g for g, _, _ in self.groups]

    def still_valid(self) -> bool:
        """The optimizer still has these groups, parameters, options (all but ``lr``) and
        state buffers, and no parameter has a gradient of its own to add."""
        opt = self.optimizer
        if opt.state is not self.state or len(opt.param_groups) != len(self.groups):
            return False
        for (g, params, keys), options, now, get in zip(self.groups, self.options,
                                                        opt.param_groups, self.getters,
                                                        strict=True):
            if now is not g or len(g) != len(keys) + 2 or get(g) != options:
                return False
            now_params = g["params"]
            if len(now_params) != len(params) or not all(map(operator.is_, now_params, params)):
                return False
        if any(map(operator.is_not, map(_GRAD, self.all_params), repeat(None))):
            return False  # a gradient from elsewhere: the optimizer's step would add it
        state = self.state
        for p, key, arr in self.buffers:
            s = state.get(p)
            if s is None or s.get(key) is not arr:
                return False
        return True

    def __call__(self, grads: tuple) -> None:
        self.fn(*[g["lr"] for g in self.lrs], *[p.data for p in self.params], *grads)


_GRAD = operator.attrgetter("grad")


def _options_getter(keys: tuple) -> Any:
    """``g -> tuple(g[k] for k in keys)``, by one C call where there are two keys or more."""
    if len(keys) >= 2:
        return operator.itemgetter(*keys)
    return lambda g: tuple(map(g.__getitem__, keys))


def trace_update(optimizer: Any, params: list[Tensor]) -> TracedUpdate | None:
    """The update of ``params`` (the parameters that get a gradient) as generated code, or
    None where the optimizer's state holds more than arrays or its update does more than
    arithmetic on them."""
    if not hasattr(optimizer, "_update_group") or not hasattr(optimizer, "param_groups"):
        return None
    state = optimizer.state
    wanted = {id(p) for p in params}
    for p in [p for g in optimizer.param_groups for p in g["params"]]:
        if id(p) not in wanted and p.grad is not None:
            return None
    for p in params:
        if any(not isinstance(v, np.ndarray) for v in state.get(p, {}).values()):
            return None
    body = Body({"np", "math"})
    helpers = Helpers(bind=True)
    names = [f"p{k}" for k in range(len(params))] + [f"g{k}" for k in range(len(params))]
    lrs = [f"lr{k}" for k in range(len(optimizer.param_groups))]
    body.reserved |= set(names) | set(lrs)
    saved_state = {p: (s, dict(s)) for p, s in state.items()}
    saved = [(p, p.data, p.grad) for p in params]
    saved_lr = [g["lr"] for g in optimizer.param_groups]
    buffers: list[tuple[Tensor, str, np.ndarray]] = []
    try:
        for k, p in enumerate(params):
            p.data = Code(body.name(f"p{k}"), body, helpers, p.data.shape, p.data.dtype)
            grad = Tensor.__new__(Tensor)
            grad.data = Code(body.name(f"g{k}"), body, helpers, p.data.shape, p.data.dtype)
            p.grad = grad
            for key, arr in state.get(p, {}).items():
                label = f"{key}{k}"
                body.reserved.add(label)
                body.constants[id(arr)] = (label, arr)
                buffers.append((p, key, arr))
                state[p][key] = Code(body.name(label), body, helpers, arr.shape, arr.dtype)
        for k, g in enumerate(optimizer.param_groups):
            g["lr"] = Code(body.name(f"lr{k}"), body, helpers, (), np.dtype(np.float64))
        for g in optimizer.param_groups:
            optimizer._update_group(g)
    except (TypeError, ValueError, AttributeError):
        return None
    finally:
        for p, data, grad in saved:
            p.data, p.grad = data, grad
        for g, lr in zip(optimizer.param_groups, saved_lr, strict=True):
            g["lr"] = lr
        state.clear()
        for p, (s, contents) in saved_state.items():  # the same dicts, as they were
            s.clear()
            s.update(contents)
            state[p] = s
    if any(s for s in state.values() for v in s.values() if isinstance(v, Code)):
        return None
    body.drop_dead()
    lines = [f"def update({', '.join(lrs + names)}):",
             '    """Generated by autodiff.compile_step: the optimizer\'s own update, traced."""']
    buffer_names = sorted(name for name, _ in body.constants.values())
    if buffer_names:  # the state buffers, updated in place (b *= 0.9 rebinds the name)
        lines.append(f"    global {', '.join(buffer_names)}")
    lines += body.render()
    if len(lines) == 2:
        lines.append("    pass")
    source = "\n".join(lines) + "\n"
    one = {f"{kind}{k}" for k, p in enumerate(params) if _one_entry(p.data) for kind in "pg"}
    one |= {name for name, value in body.constants.values() if _one_entry(value)}
    if one:
        source = on_entries(source, one, set(lrs))
    namespace: dict[str, Any] = {"np": np, **helpers.bound}
    namespace.update({name: value for name, value in body.constants.values()})
    exec(builtins.compile(source, "<autodiff.compile_step update>", "exec"), namespace)
    return TracedUpdate(optimizer, namespace["update"], source, list(params), buffers,
                        namespace)


def _one_entry(a: Any) -> bool:
    return isinstance(a, np.ndarray) and a.shape == (1,) and a.dtype == np.float64


_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def on_entries(source: str, one: set[str], scalars: set[str]) -> str:
    """The update's arithmetic on one-entry float64 arrays, rewritten on their entry.

    numpy's in-place arithmetic on a one-entry array costs several times the same arithmetic
    on its entry (``b *= 0.9`` against ``b[0] *= 0.9``: numpy checks the overlap of a one-entry
    output with its input; the bias of a layer with one output has one entry). IEEE arithmetic
    rounds a float64 scalar as it rounds an array's entry, so a statement made of the names
    ``one`` (one-entry arrays), ``scalars`` (learning rates) and numbers, with ``+ − × /`` and
    negation only, computes the same numbers on ``[0]``, bit for bit. A temporary computed so
    is a scalar and counts as one in later statements; any other statement is left as it is."""
    tree = ast.parse(source)
    fn = tree.body[0]
    scalars = set(scalars)

    def plain(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, ast.Name):
            return node.id in one or node.id in scalars
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, _ARITHMETIC) and plain(node.left) and plain(node.right)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, ast.USub) and plain(node.operand)
        return False

    class Entry(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id not in one:
                return node
            return ast.Subscript(ast.Name(node.id, ast.Load()), ast.Constant(0), node.ctx)

    for k, stmt in enumerate(fn.body):
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) \
                and stmt.target.id in one and isinstance(stmt.op, _ARITHMETIC) \
                and plain(stmt.value):
            fn.body[k] = Entry().visit(stmt)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id not in one \
                and plain(stmt.value):
            stmt.value = Entry().visit(stmt.value)
            scalars.add(stmt.targets[0].id)
        elif isinstance(stmt, ast.Assign):
            scalars.difference_update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def fuse(step_source: str, step_namespace: dict[str, Any], params: list[str],
         update: TracedUpdate, guards: Any) -> tuple[str, Any] | None:
    """One function ``step_update(inputs, targets, finite_only=False)`` for the guards, the step
    and its update: the lines of ``guards`` (a :class:`~autodiff.codegen.guard.GuardWriter`,
    which bind the step's arguments and learning rates and return None where one fails), then
    ``step_source``'s body (which ends in ``return loss, (grads…)``), then the update's
    statements with its names prefixed ``u_`` (``u_p0`` is bound to the step's parameter
    ``params[0]``, ``u_g0`` to the gradient ``grads[0]``, the first gradient the step returns),
    returning the loss. The same statements on the same arrays in the same order as the calls
    they replace. None where a name would clash."""
    step_tree = ast.parse(step_source)
    update_tree = ast.parse(update.source)
    step_fn, update_fn = step_tree.body[0], update_tree.body[0]
    ret = step_fn.body[-1]
    if not (isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple)
            and len(ret.value.elts) == 2 and isinstance(ret.value.elts[1], ast.Tuple)):
        return None
    loss, grads = ret.value.elts[0], [ast.unparse(g) for g in ret.value.elts[1].elts]
    if len(grads) != len(params):
        return None
    taken = {n.id for n in ast.walk(step_fn) if isinstance(n, ast.Name)} | set(step_namespace)
    taken |= {a.arg for a in step_fn.args.args}
    if any(name.startswith("u_") for name in taken):
        return None
    update_args = [a.arg for a in update_fn.args.args]
    renamed = set(update_args) | {name for name, _ in update.namespace.items()
                                  if isinstance(_, np.ndarray)}
    renamed |= {n.id for n in ast.walk(update_fn)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for node in ast.walk(update_fn):
        if isinstance(node, ast.Name) and node.id in renamed:
            node.id = "u_" + node.id
        elif isinstance(node, ast.Global):
            node.names = ["u_" + n for n in node.names]
    glue = [f"u_p{k} = {name}" for k, name in enumerate(params)]
    glue += [f"u_g{k} = {name}" for k, name in enumerate(grads)]
    body = [s for s in update_fn.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    globals_ = [s for s in body if isinstance(s, ast.Global)]
    statements = [s for s in body if not isinstance(s, ast.Global) and not isinstance(s, ast.Pass)]
    step_lines = step_source.rstrip("\n").splitlines()
    start = next(k for k, line in enumerate(step_lines) if line.startswith("def "))
    end = ret.lineno - 1
    if taken & ({"inputs", "targets"} | set(guards.namespace)) or \
            any(name.startswith("params") for name in taken):
        return None  # the guards' names (OPTIMIZER, params0, …) would clash
    lines = ["def step_update(inputs, targets, finite_only=False):"]
    lines.append('    """Generated by autodiff.compile_step: forward, loss, backward and the '
                 'optimizer\'s own update (traced) of one training step."""')
    lines += ["    " + ast.unparse(g) for g in globals_]
    lines += ["    " + line for line in guards.lines]
    lines += step_lines[start + 2:end]  # the step's own lines, with their comments
    lines += ["    " + line for line in glue]
    lines += ["    " + line for s in statements for line in ast.unparse(s).splitlines()]
    lines.append(f"    return {ast.unparse(loss)}")
    source = "\n".join(lines) + "\n"
    namespace = dict(step_namespace)
    if any(namespace.setdefault(k, v) is not v for k, v in guards.namespace.items()):
        return None
    namespace.update({"u_" + k: v for k, v in update.namespace.items()
                      if isinstance(v, np.ndarray)})
    for k, v in update.namespace.items():
        if isinstance(v, np.ndarray) or k == "update" or k.startswith("__"):
            continue
        if namespace.setdefault(k, v) is not v:
            return None
    exec(builtins.compile(source, "<autodiff.compile_step>", "exec"), namespace)  # generated
    return source, namespace["step_update"]
