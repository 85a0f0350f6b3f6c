"""The optimizer base class: parameter groups, per-parameter state, ``zero_grad`` and ``step``.

Follows ``torch.optim.Optimizer``: an optimizer holds ``param_groups`` (a list of dicts, each
with its ``"params"`` and its hyperparameters, missing ones filled from ``defaults``) and
``state`` (a dict from each parameter to its buffers, e.g. ``momentum_buffer``). A learning-rate
scheduler changes ``group["lr"]`` between steps; ``step()`` reads it afresh every time.

Update rules run in place on the numpy arrays ``p.data`` with the gradients ``p.grad.data``;
they build no graph, as under ``torch.no_grad()``. A parameter whose ``grad`` is ``None`` is
skipped (its state does not advance), as in PyTorch.

Differences from PyTorch: ``state_dict()`` returns copies (numpy arrays, ``step`` as an int),
not references to the live buffers; the device options (``foreach``, ``fused``,
``capturable``, ``differentiable``) do not exist; a bad hyperparameter raises
:class:`~autodiff.errors.InputError` (a ``ValueError``, as in PyTorch) with PyTorch's wording.
"""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autograd import Tensor, enable_grad
from ..errors import InputError

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]


def check_nonnegative(name: str, value: float) -> None:
    """Raise PyTorch's ``Invalid <name>: <value>`` unless ``0 <= value`` (so also for nan)."""
    if not 0.0 <= value:
        raise InputError(f"Invalid {name}: {value}")


class Optimizer:
    """Base class: subclasses define ``__init__`` (validate, build ``defaults``) and ``step``.

    Args:
        params: an iterable of parameters, of ``(name, parameter)`` pairs (from
            ``named_parameters()``), or of dicts defining parameter groups.
        defaults: the default hyperparameters of every group.
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}")
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if len(groups) == 0:
            raise InputError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group ``{"params": [...], "lr": ...}``; missing options come from ``defaults``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(params):
            raise InputError("all optimizer params should be with/without names. "
                             "Some param names are missing")
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
        group = {**param_group, "params": params}
        if names:
            group["param_names"] = names
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error", stacklevel=3)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise InputError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)
        self._init_group_state(group)

    def _init_group_state(self, group: dict[str, Any]) -> None:
        """State created when a group is added (only Adagrad needs any); lazy otherwise."""

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: ``p.grad = None`` (default) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        p.grad.data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient.

        ``closure`` (optional) re-evaluates the model and calls ``backward()``; it runs with
        gradient recording on, and its loss is returned.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update_group(group)
        return loss

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: buffers}, "param_groups": [options with "params": indices]}``.

        Parameters are numbered in group order, as in PyTorch; buffers are copies.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        params = {id(p): p for g in self.param_groups for p in g["params"]}
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items()
                 if id(p) in params}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and buffers saved by :meth:`state_dict` (groups matched in order)."""
        saved = copy.deepcopy(state_dict["param_groups"])
        if len(saved) != len(self.param_groups):
            raise InputError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"])
               for g, s in zip(self.param_groups, saved, strict=True)):
            raise InputError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = {i: p for g, s in zip(self.param_groups, saved, strict=True)
                  for i, p in zip(s["params"], g["params"], strict=True)}
        self.state = defaultdict(dict)
        for i, buffers in state_dict["state"].items():
            p = id_map[i]
            self.state[p] = {k: np.array(v, dtype=p.data.dtype) if isinstance(v, np.ndarray)
                             else copy.deepcopy(v) for k, v in buffers.items()}
        for group, new in zip(self.param_groups, saved, strict=True):
            new["params"] = group["params"]
            if "param_names" in group and "param_names" not in new:
                new["param_names"] = group["param_names"]
            group.clear()
            group.update(new)

    def __repr__(self) -> str:
        out = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    out += f"    {key}: {group[key]}\n"
        return out + ")"
