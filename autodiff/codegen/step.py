"""``autodiff.compile_step(model, loss_fn, optimizer)``: one training step as generated code.

The eager step is ::

    loss = loss_fn(model(x), y); loss.backward(); optimizer.step(); optimizer.zero_grad()

The compiled step traces the forward pass and the loss once per *guard key*, writes the
forward lines, the side effects on buffers (BatchNorm's running statistics) and the reverse
sweep as one numpy function (:class:`~autodiff.codegen.tape_code.TapeWriter`). After the first
step, which runs the optimizer's own ``step``, the optimizer's update is traced too
(:mod:`autodiff.codegen.update`) and written after the reverse sweep, and the guards
(:mod:`autodiff.codegen.guard`) before the forward lines: one generated function
``step_update(inputs, targets, finite_only=False)`` per compilation, shown by
``step.source``. The learning rate is read from its group at every call, so schedulers keep
working.

Guards: the shapes and dtypes of the batch; which parameters the model has, their shapes,
dtypes and ``requires_grad``; every module's ``training`` flag; which buffer arrays the modules
hold and, in evaluation mode, their contents (a reloaded running variance is read into the
code as a constant); the optimizer's groups, options, parameters and state buffers. A failed
guard sends the call down the slow path, which re-checks all of it and re-traces what changed:
a compilation is never used stale. An optimizer whose update cannot be traced (Adam's step
counter) runs its own ``step`` after the generated forward and backward.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd.functional import tape_of
from ..autograd.tape import enable_grad
from ..autograd.tensor import Tensor, _new
from ..errors import InputError
from ..nn.module import STRUCTURE
from .compiled import _array, _function_source
from .expression import python_name
from .guard import write_guards
from .tape_code import TapeWriter
from .tracing import recording_effects, tracing
from .update import TracedUpdate, fuse, trace_update


class _Entry:
    __slots__ = ("fn", "params", "grad_params", "source", "frozen", "version", "batch", "checks",
                 "update", "update_tried", "names", "namespace", "fused", "fused_source")

    def __init__(self, fn, params, grad_params, source, frozen) -> None:
        self.fn, self.params, self.grad_params = fn, params, grad_params
        self.source, self.frozen = source, frozen
        self.version, self.batch = [-1], None  # version: STRUCTURE[0] when last checked
        self.update: TracedUpdate | None = None
        self.update_tried = False
        self.names: list[str] = []  # the generated step's parameters: x, y, then params
        self.namespace: dict[str, Any] = {}
        self.fused: Any = None  # guards, step and update as one function (update.fuse)
        self.fused_source: str | None = None
        self.checks = [(p, p.data.shape, p.data.dtype, p.requires_grad) for p in params]

    def still_valid(self, x: np.ndarray, y: np.ndarray) -> bool:
        """The slow path's check (the generated guards check the same and the optimizer):
        no module changed since the last check (:data:`autodiff.nn.module.STRUCTURE`), the
        batch's shapes and dtypes, each parameter's, its requires_grad, the frozen buffers."""
        if self.version[0] != STRUCTURE[0] or (x.shape, x.dtype, y.shape, y.dtype) != self.batch:
            return False
        for p, shape, dtype, rg in self.checks:
            d = p.data
            if p.requires_grad is not rg or d.shape != shape or d.dtype != dtype:
                return False
        return self.fresh()

    def fresh(self) -> bool:
        """Whether the buffers read into the code as constants still hold those values."""
        return all(np.array_equal(b, saved) for b, saved in self.frozen)


class CompiledStep:
    """``step(inputs, targets) -> loss``: forward, loss, backward, ``optimizer.step()`` and
    ``optimizer.zero_grad()``, with the eager loop's results bit for bit."""

    def __init__(self, model: Any, loss_fn: Callable[..., Any], optimizer: Any) -> None:
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self._cache: dict[tuple, _Entry] = {}
        self.source: str | None = None
        self.traces = 0
        self._last: _Entry | None = None
        self._fast: Any = None

    @property
    def signatures(self) -> list[tuple]:
        return list(self._cache)

    # -- guards ---------------------------------------------------------------------------------
    def _modules(self) -> list[Any]:
        mods = list(self.model.modules()) if hasattr(self.model, "modules") else []
        if hasattr(self.loss_fn, "modules"):
            mods += list(self.loss_fn.modules())
        return mods

    def _key(self, x: np.ndarray, y: np.ndarray) -> tuple:
        mods = self._modules()
        params = tuple((id(p), p.data.shape, p.data.dtype.str, p.requires_grad)
                       for p in self.model.parameters())
        buffers = tuple(id(b) for m in mods for b in m._buffers.values() if b is not None)
        return (x.shape, x.dtype.str, y.shape, y.dtype.str, params, buffers,
                tuple(m.training for m in mods))

    def _trace_expression(self, x: np.ndarray, y: np.ndarray) -> _Entry:
        if x.shape[1] != len(self.model.features) or y.size != len(x):
            raise InputError(f"the model has {len(self.model.features)} feature(s) and "
                             f"{len(x)} rows; got {x.shape[1]} column(s) and {y.size} targets")
        return _expression_entry(self.model, x, y)

    # -- the step -------------------------------------------------------------------------------
    def __call__(self, inputs: Any, targets: Any) -> float:
        return self._step(inputs, targets, False)

    def finite_step(self, inputs: Any, targets: Any) -> float:
        """A step that updates only where its loss is finite; the loss is returned either way.
        Where it is not, the parameters, their gradients and the optimizer's state are as they
        were (what the forward pass did to buffers, such as running statistics, is done):
        ``autodiff train`` then redoes the step eagerly, for the message."""
        return self._step(inputs, targets, True)

    def _step(self, inputs: Any, targets: Any, finite_only: bool) -> float:
        fast = self._fast  # the guarded step and update as one generated function
        if fast is not None:
            loss = fast(inputs, targets, finite_only)
            if loss is not None:
                return float(loss)
        self._fast = None  # a guard failed: re-check everything, re-trace what changed
        x, y = _array(inputs), _array(targets)
        entry = self._entry(x, y)
        update = entry.update
        if update is not None and not update.still_valid():
            entry.update, entry.update_tried, entry.fused = None, False, None
            update = None
        if update is not None:  # valid, but not on the fast path (e.g. integer inputs)
            out = entry.fn(x, y, *[p.data for p in entry.params], finite_only=finite_only)
            if type(out) is not tuple:  # finite_only, and the loss is not finite
                return float(out)
            update(out[1])  # the optimizer's own update, traced: lr read from its group
            loss = float(out[0])
        else:
            loss = self._backward(entry, x, y, finite_only)
            if finite_only and not math.isfinite(loss):
                return loss
            self.optimizer.step()
            self.optimizer.zero_grad()
            if not entry.update_tried:  # after a step of the optimizer's own: its state exists
                entry.update_tried = True
                entry.update = trace_update(self.optimizer, entry.grad_params)
                entry.fused = self._fuse(entry)
        self._fast = entry.fused
        self.source = entry.fused_source or entry.source
        return loss

    def _fuse(self, entry: _Entry) -> Any:
        """The entry's step, its guards and its traced update as one function, or None."""
        if entry.update is None or not entry.names:
            return None
        by_id = dict(zip(map(id, entry.params), entry.names[2:], strict=True))
        guards = write_guards(entry.version, entry.batch, entry.names, entry.checks,
                              entry.frozen, entry.update)
        fused = fuse(entry.source, entry.namespace, [by_id[id(p)] for p in entry.grad_params],
                     entry.update, guards)
        if fused is None:
            return None
        entry.fused_source = fused[0]
        return fused[1]

    def backward(self, inputs: Any, targets: Any) -> float:
        """The first half of a step: ``loss = loss_fn(model(x), y); loss.backward()`` (the
        parameters get their ``.grad``), without the update; returns the loss."""
        x, y = _array(inputs), _array(targets)
        return self._backward(self._entry(x, y), x, y)

    def _entry(self, x: np.ndarray, y: np.ndarray) -> _Entry:
        """The compilation for this batch and the model as it is now (traced if new)."""
        entry = self._last
        if entry is None or not entry.still_valid(x, y):
            key = self._key(x, y)
            entry = self._cache.get(key)
            if entry is None or not entry.fresh():
                entry = self._cache[key] = self._trace(x, y)
            entry.version[0], entry.batch = STRUCTURE[0], (x.shape, x.dtype, y.shape, y.dtype)
            self._last = entry
            self.source = entry.fused_source or entry.source
        return entry

    def _backward(self, entry: _Entry, x: np.ndarray, y: np.ndarray,
                  finite_only: bool = False) -> float:
        out = entry.fn(x, y, *[p.data for p in entry.params], finite_only=finite_only)
        if type(out) is not tuple:  # finite_only, and the loss is not finite: no gradient
            return float(out)
        loss, grads = out
        for p, g in zip(entry.grad_params, grads, strict=True):
            if p.grad is None:
                p.grad = _new(g)
            else:  # backward adds to a gradient that was not zeroed, as the eager loop does
                p.grad = _new((p.grad.data + g).astype(p.data.dtype, copy=False))
        return float(loss)

    def _trace(self, x: np.ndarray, y: np.ndarray) -> _Entry:
        self.traces += 1
        if hasattr(self.model, "loss_trace") and type(self.loss_fn).__name__ == "TraceLoss" \
                and getattr(self.loss_fn, "model", None) is self.model and x.ndim == 2:
            return self._trace_expression(x, y)
        mods = self._modules()
        saved = [(b, np.array(b, copy=True)) for m in mods for b in m._buffers.values()
                 if isinstance(b, np.ndarray)]
        params = list(self.model.parameters())
        grads = {id(p): p.requires_grad for p in params}
        xt, yt = Tensor(x, requires_grad=True), Tensor(y, requires_grad=True)
        try:
            for p in params:
                p.requires_grad = True
            with tracing(), enable_grad(), recording_effects() as effects:
                loss = self.loss_fn(self.model(xt), yt)
        finally:
            for p in params:
                p.requires_grad = grads[id(p)]
            for b, copy in saved:  # the trace is not a step: the buffers are as they were
                b[...] = copy
        if not isinstance(loss, Tensor) or loss.data.size != 1:
            raise InputError("compile_step: the loss must be a tensor with one entry")
        records = tape_of([loss])
        names = dict(_parameter_names(self.model))
        inputs = [(xt, "x", False), (yt, "y", False)]
        inputs += [(p, names.get(id(p), f"p{k}"), grads[id(p)]) for k, p in enumerate(params)]
        writer = TapeWriter(inputs)
        for name, buf in self.model.named_buffers():  # read by their names: b_1_running_mean
            if isinstance(buf, np.ndarray):
                label = python_name("b_" + name.replace(".", "_"), writer.body.reserved)
                writer.body.reserved.add(label)
                writer.body.constants[id(buf)] = (label, buf)
        writer.forward(records)
        body = writer.body
        value = writer.atom(loss)
        body.return_unless_finite(value.node)  # before the checks, the sweep and the update
        writer.side_effects(effects)
        wanted = [p for p in params if grads[id(p)]]
        if loss._op is not None:
            # backward()'s seed of a one-entry loss, the number 1 of its dtype
            seed = value.like(body.const(1.0), ()) if loss.data.dtype == np.float64 and \
                loss.data.ndim == 0 else value.like(body.op("np.ones_like({0})", (value.node,)),
                                                    value.shape)
            adjoints = writer.reverse(records, loss, seed, wanted)
        else:
            adjoints = [None] * len(wanted)
        grad_params = [p for p, g in zip(wanted, adjoints, strict=True) if g is not None]
        nodes = [value.node] + [g.node for g in adjoints if g is not None]
        inner = "".join(f"{{{k}}}, " for k in range(1, len(nodes)))
        body.raw_refs(f"return {{0}}, ({inner})", nodes)
        source = _function_source("step", [n for _, n, _ in inputs] + ["finite_only=False"],
                                  "forward, loss and backward of one training step", body)
        writer.refuse_batch_constants(len(x), [b for m in mods for b in m._buffers.values()])
        namespace = writer.namespace()
        exec(compile(source, "<autodiff.compile_step>", "exec"), namespace)  # generated here
        frozen = [(b, np.array(b, copy=True)) for m in mods if not m.training
                  for b in m._buffers.values() if isinstance(b, np.ndarray)]
        entry = _Entry(namespace["step"], params, grad_params, source, frozen)
        entry.names, entry.namespace = [n for _, n, _ in inputs], namespace
        return entry


def _expression_entry(model: Any, x: np.ndarray, y: np.ndarray) -> _Entry:
    """An expression model's step (:mod:`autodiff.codegen.expression_step`)."""
    from .expression_step import expression_source

    source, namespace = expression_source(model, x.shape[1], len(x))
    exec(compile(source, "<autodiff.compile_step>", "exec"), namespace)  # generated here
    generated = namespace["step"]
    theta = model.theta

    grads = [theta] if theta.requires_grad else []

    def fn(x: np.ndarray, y: np.ndarray, data: np.ndarray, finite_only: bool = False) -> Any:
        out = generated(x, y, data, finite_only)
        return out if grads or type(out) is not tuple else (out[0], ())

    return _Entry(fn, [theta], grads, source, [])


def _parameter_names(model: Any) -> list[tuple[int, str]]:
    taken = {"np", "math", "x", "y"}
    out = []
    for name, p in model.named_parameters():
        label = python_name("p_" + name.replace(".", "_"), taken)
        taken.add(label)
        out.append((id(p), label))
    return out


def compile_step(model: Any, loss_fn: Callable[..., Any], optimizer: Any) -> CompiledStep:
    """One training step (forward, loss, backward, ``optimizer.step()``, ``zero_grad()``) as
    generated numpy code: ``step(inputs, targets)`` returns the loss as a float.

    >>> import numpy as np
    >>> from autodiff import nn, optim, compile_step
    >>> model = nn.Sequential(nn.Linear(3, 1), nn.Sigmoid())
    >>> step = compile_step(model, nn.BCELoss(), optim.SGD(model.parameters(), lr=0.1))
    >>> loss = step(np.ones((4, 3)), np.ones((4, 1)))
    """
    return CompiledStep(model, loss_fn, optimizer)
