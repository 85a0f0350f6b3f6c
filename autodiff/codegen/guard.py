"""The guards of a compiled training step, written as the first lines of its generated code.

A compiled step (:mod:`autodiff.codegen.step`) holds only while what it was traced from holds:
the module tree (:data:`autodiff.nn.module.STRUCTURE`), the batch's shapes and dtypes, each
parameter's shape, dtype and ``requires_grad``, the buffers read into the code as constants
(evaluation mode), and the optimizer's groups, options, parameters and state buffers, with no
gradient left on any parameter. Checked in a Python loop these cost more than a small batch's
arithmetic; written out as straight-line comparisons against constants of the generated
function's namespace they cost about a microsecond. Each failed check returns ``None``: the
caller then takes the slow path, which re-checks everything, re-traces where something changed
and writes new code. The learning rate is no guard: it is read from its group at every call.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..nn.module import STRUCTURE


class GuardWriter:
    """Lines ``if <changed>: return None`` and the constants they compare with."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {"STRUCTURE": STRUCTURE, "Tensor": Tensor,
                                          "ndarray": np.ndarray,
                                          "array_equal": np.array_equal}
        self._ids: dict[int, str] = {}

    def const(self, value: Any, hint: str) -> str:
        """The name the generated code reads ``value`` by (one name per object): ``hint``,
        numbered when taken (``GROUP0``, ``GROUP1``)."""
        name = self._ids.get(id(value))
        if name is None:
            name, k = hint, 1
            while name in self.namespace:
                name, k = f"{hint}{k}", k + 1
            self._ids[id(value)] = name
            self.namespace[name] = value
        return name

    def fail_if(self, *conditions: str) -> None:
        self.lines += [f"if {' or '.join(conditions)}:", "    return None"]

    def assign(self, name: str, value: str) -> None:
        self.lines.append(f"{name} = {value}")

    def array(self, name: str, source: str, shape: tuple, dtype: np.dtype) -> None:
        """``name = source``, then: is it still an array of that shape and dtype?"""
        self.assign(name, source)
        self.fail_if(f"type({name}) is not ndarray", f"{name}.shape != {shape!r}",
                     f"{name}.dtype != {self.const(dtype, dtype.name.upper())}")


def write_guards(version: list[int], batch: tuple, names: list[str], checks: list[tuple],
                 frozen: list[tuple[np.ndarray, np.ndarray]], update: Any) -> GuardWriter:
    """The guards of one compiled step: ``version`` is the entry's copy of ``STRUCTURE``;
    ``batch`` the shapes and dtypes of ``x`` and ``y``; ``names`` the generated step's
    parameters (``x``, ``y``, then one per model parameter); ``checks`` per model parameter
    ``(parameter, shape, dtype, requires_grad)``; ``frozen`` the buffers read as constants
    with their traced values; ``update`` the traced optimizer update (whose learning rates
    are bound to ``u_lr0``, ``u_lr1``, …)."""
    g = GuardWriter()
    g.lines.append("# guards: a changed module, batch, parameter or optimizer returns None "
                   "(the caller re-traces)")
    g.fail_if(f"STRUCTURE[0] != {g.const(version, 'TRACED_STRUCTURE')}[0]")
    (xs, xd, ys, yd) = batch
    for name, source, shape, dtype in (("x", "inputs", xs, xd), ("y", "targets", ys, yd)):
        g.array(name, f"{source}.data if type({source}) is Tensor else {source}", shape, dtype)
    for name, (p, shape, dtype, requires_grad) in zip(names[2:], checks, strict=True):
        p_name = g.const(p, name.upper())
        g.fail_if(f"{p_name}.requires_grad is not {requires_grad}")
        g.array(name, f"{p_name}.data", shape, dtype)
    for buffer, saved in frozen:
        now, traced = g.const(buffer, "BUFFER"), g.const(saved, "TRACED_BUFFER")
        g.fail_if(f"not array_equal({now}, {traced})")
    _optimizer_guards(g, update)
    return g


def _optimizer_guards(g: GuardWriter, update: Any) -> None:
    """What :meth:`autodiff.codegen.update.TracedUpdate.still_valid` checks, written out."""
    opt = g.const(update.optimizer, "OPTIMIZER")
    g.fail_if(f"{opt}.state is not {g.const(update.state, 'STATE')}",
              f"len({opt}.param_groups) != {len(update.groups)}")
    empty = g.const({}, "NO_STATE")
    for k, ((group, params, keys), options) in enumerate(zip(update.groups, update.options,
                                                             strict=True)):
        name = g.const(group, f"GROUP{k}")
        g.fail_if(f"{opt}.param_groups[{k}] is not {name}", f"len({name}) != {len(keys) + 2}")
        if keys:
            getter = g.const(operator.itemgetter(*keys), f"OPTIONS{k}")
            wanted = options if len(keys) > 1 else options[0]
            g.fail_if(f"{getter}({name}) != {g.const(wanted, f'TRACED_OPTIONS{k}')}")
        g.assign(f"params{k}", f'{name}["params"]')
        g.fail_if(f"len(params{k}) != {len(params)}")
        for j, p in enumerate(params):
            p_name = g.const(p, f"PARAM{k}_{j}")
            g.fail_if(f"params{k}[{j}] is not {p_name}", f"{p_name}.grad is not None")
        g.assign(f"u_lr{k}", f'{name}["lr"]')
    state = g.const(update.state, "STATE")
    for p, key, arr in update.buffers:
        g.fail_if(f"{state}.get({g.const(p, 'PARAM')}, {empty}).get({key!r}) is not "
                  f"{g.const(arr, key.upper())}")
