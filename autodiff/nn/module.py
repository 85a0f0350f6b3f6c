"""``Parameter`` and ``Module``: the containers of a model's trainable tensors, as in PyTorch.

A ``Parameter`` is a tensor that requires grad. Assigning one to an attribute of a ``Module``
registers it (``self.weight = Parameter(...)``), and assigning a ``Module`` registers a child
(``self.linear = Linear(3, 1)``); ``parameters()`` then yields every parameter of the model
tree, in registration order, parents before children — the list an optimizer is given::

    class LogisticRegression(Module):
        def __init__(self, num_features):
            super().__init__()
            self.linear = Linear(num_features, 1)
        def forward(self, x):
            return self.linear(x).sigmoid()

    model = LogisticRegression(3)
    optimizer = SGD(model.parameters(), lr=0.01, momentum=0.9)

The module tree is walked with an explicit stack, never by recursion. ``state_dict()`` holds
numpy copies (PyTorch returns tensors that share storage); ``load_state_dict`` copies values into
the existing arrays, so an optimizer's references stay valid.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

from ..autograd import Tensor
from ..errors import InputError


class Parameter(Tensor):
    """A tensor that is a model parameter: ``requires_grad=True`` unless told otherwise."""

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0)
        if isinstance(data, Tensor):
            data = data.data
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _check_name(kind: str, name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')


#: Bumped by every change of a module's attributes, children, parameters, buffers or mode:
#: a compiled training step (:mod:`autodiff.codegen.step`) re-checks its guards when it moved.
STRUCTURE = [0]


class Module:
    """Base class of every model and layer: subclasses define ``forward``.

    ``module(x)`` calls ``module.forward(x)``. ``training`` is True until ``eval()``.
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # --- registration -------------------------------------------------------------------
    def _stores(self) -> tuple[dict, dict, dict]:
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError("cannot assign parameters, modules or buffers before "
                                 "Module.__init__() call")
        return d["_parameters"], d["_buffers"], d["_modules"]

    def __setattr__(self, name: str, value: Any) -> None:
        STRUCTURE[0] += 1
        d = self.__dict__
        params, buffers, modules = (d.get("_parameters"), d.get("_buffers"), d.get("_modules"))
        if isinstance(value, Parameter) or isinstance(value, Module):
            params, buffers, modules = self._stores()
            for store in (d, params, buffers, modules):
                store.pop(name, None)
            (params if isinstance(value, Parameter) else modules)[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                "(Parameter or None expected)")
            params[name] = None
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module "
                                f"'{name}' (Module or None expected)")
            modules[name] = None
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor | np.ndarray):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(Tensor, numpy array or None expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            store = d.get(key)
            if store is not None and name in store:
                return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        STRUCTURE[0] += 1
        for key in ("_parameters", "_buffers", "_modules"):
            store = self.__dict__.get(key)
            if store is not None and name in store:
                del store[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def _register(self, store: str, kind: str, name: str, value: Any, allowed: Any,
                  what: str) -> None:
        stores = dict(zip(("_parameters", "_buffers", "_modules"), self._stores(), strict=True))
        STRUCTURE[0] += 1
        _check_name(kind, name)
        if hasattr(self, name) and name not in stores[store]:
            raise KeyError(f"attribute '{name}' already exists")
        if value is not None and not isinstance(value, allowed):
            raise TypeError(f"cannot assign '{type(value).__name__}' object to {kind} '{name}' "
                            f"({what} or None required)")
        stores[store][name] = value

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None) under ``name``, as ``self.name = param`` does."""
        self._register("_parameters", "parameter", name, param, Parameter, "Parameter")

    def register_buffer(self, name: str, tensor: Tensor | np.ndarray | None,
                        persistent: bool = True) -> None:
        """A state array that is not trained (e.g. BatchNorm's running mean): saved in
        ``state_dict()`` if ``persistent``, never returned by ``parameters()``."""
        self._register("_buffers", "buffer", name, tensor, (Tensor, np.ndarray),
                       "Tensor, numpy array")
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a child module under ``name``, as ``self.name = module`` does."""
        self._register("_modules", "module", name, module, Module, "Module")

    register_module = add_module

    # --- walking the tree (explicit stack, pre-order: parents before children) -----------
    def named_modules(self, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in seen:
                    continue
                seen.add(id(module))
            yield name, module
            children = [(f"{name}.{k}" if name else k, m)
                        for k, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, store: str, prefix: str, recurse: bool,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        owners = self.named_modules(prefix) if recurse else [(prefix, self)]
        for owner, module in owners:
            for k, v in module.__dict__[store].items():
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                seen.add(id(v))
                yield (f"{owner}.{k}" if owner else k), v

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """``("linear.weight", Parameter)`` pairs; a shared parameter appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter of this module and (if ``recurse``) its descendants, once each."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Any]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # --- modes and gradients -------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set ``training`` on this module and every descendant (BatchNorm reads it)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        STRUCTURE[0] += 1
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """``train(False)``: BatchNorm uses its running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (``optimizer.zero_grad()`` does the same)."""
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.data[...] = 0

    def to(self, *args: Any, dtype: Any = None, **kwargs: Any) -> Module:
        """``to('cpu')`` is the module itself (there is no other device); ``to(np.float32)``
        converts every parameter, gradient and floating-point buffer in place."""
        for a in args:
            if isinstance(a, str) and a == "cpu":
                continue
            try:
                dt = np.dtype(a)
            except TypeError:
                dt = None
            if dt is None or dt.kind != "f":
                raise InputError(f"to: autodiff runs on the CPU only, in numpy's float dtypes; "
                                 f"{a!r} is neither 'cpu' nor a float dtype")
            dtype = dt
        if dtype is None:
            return self
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            if p.grad is not None:
                p.grad.data = p.grad.data.astype(dtype)
        for m in self.modules():
            for k, b in m._buffers.items():
                if b is not None and np.asarray(getattr(b, "data", b)).dtype.kind == "f":
                    if isinstance(b, np.ndarray):
                        m._buffers[k] = b.astype(dtype)
                    else:
                        b.data = b.data.astype(dtype)
        return self

    def float(self) -> Module:
        return self.to(np.float32)

    def double(self) -> Module:
        return self.to(np.float64)

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every descendant, children before parents, then on ``self``."""
        stack, order = [self], []
        while stack:
            m = stack.pop()
            order.append(m)
            stack.extend(c for c in m._modules.values() if c is not None)
        for m in reversed(order):
            fn(m)
        return self

    # --- saving and loading --------------------------------------------------------------
    def state_dict(self, prefix: str = "") -> OrderedDict[str, np.ndarray]:
        """Parameters and persistent buffers by dotted name, as numpy copies."""
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for _, name, value in self._state_entries(prefix):
            out[name] = np.array(value.data if isinstance(value, Tensor) else value, copy=True)
        return out

    def _state_entries(self, prefix: str = "") -> Iterator[tuple[Module, str, Any]]:
        for owner, module in self.named_modules(prefix, remove_duplicate=False):
            head = f"{owner}." if owner else ""
            for k, v in module._parameters.items():
                if v is not None:
                    yield module, head + k, v
            for k, v in module._buffers.items():
                if v is not None and k not in module._non_persistent_buffers:
                    yield module, head + k, v

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy saved values into the parameters and buffers (in place, shapes must agree).

        With ``strict`` (default), missing or unexpected keys are an error, as in PyTorch.
        """
        entries = {name: value for _, name, value in self._state_entries()}
        missing = [k for k in entries if k not in state_dict]
        unexpected = [k for k in state_dict if k not in entries]
        errors = []
        for name, target in entries.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            value = np.asarray(value.data if isinstance(value, Tensor) else value)
            array = target.data if isinstance(target, Tensor) else target
            if value.shape != array.shape:
                errors.append(f"size mismatch for {name}: copying a param with shape "
                              f"{value.shape} from checkpoint, the shape in current model is "
                              f"{array.shape}.")
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise InputError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                             + "\n\t".join(errors))
        for name, target in entries.items():
            if name in state_dict:
                value = state_dict[name]
                array = target.data if isinstance(target, Tensor) else target
                array[...] = value.data if isinstance(value, Tensor) else value
        return IncompatibleKeys(missing, unexpected)

    # --- printing -----------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside ``Name(...)`` (e.g. ``in_features=3, out_features=1``)."""
        return ""

    def _repr_alone(self, children: list[str]) -> str:
        extra = self.extra_repr().split("\n") if self.extra_repr() else []
        lines = extra + children
        if len(extra) == 1 and not children:
            return f"{type(self).__name__}({extra[0]})"
        if lines:
            return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"
        return f"{type(self).__name__}()"

    def __repr__(self) -> str:
        # PyTorch's layout, built children first (post-order) instead of by recursion.
        stack, order = [self], []
        while stack:
            m = stack.pop()
            order.append(m)
            stack.extend(c for c in m._modules.values() if c is not None)
        text: dict[int, str] = {}
        for m in reversed(order):
            children = [f"({name}): " + (text[id(c)] if c is not None else "None")
                        .replace("\n", "\n  ") for name, c in m._modules.items()]
            text[id(m)] = m._repr_alone(children)
        return text[id(self)]

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))
