"""Generated code: the fifth interpreter of the registry.

The registry's partial rules (:mod:`autodiff.primitives`) and the structural maps of
:mod:`autodiff.autograd.ops` are applied to *code atoms* (:class:`~autodiff.codegen.atom.Code`)
that write numpy calls instead of computing them. What the sweeps would compute becomes
straight-line numpy source, one line per trace variable (``v3 = v1 * v2``), with the
equation the tables print as its comment:

* :mod:`~autodiff.codegen.expression`: the expressions being written, shared (common
  subexpressions become one temporary) and folded (``1·a`` is ``a``);
* :mod:`~autodiff.codegen.impls`: the numpy source of each primitive's ``impl``;
* :mod:`~autodiff.codegen.atom`: the atom, registered with
  :func:`autodiff.primitives.register_atom`;
* :mod:`~autodiff.codegen.trace_module`: ``f``, ``f_jvp`` and ``f_grad`` of a trace
  (``autodiff codegen``).
"""

from .compiled import compile
from .step import compile_step
from .trace_module import generate

__all__ = ["compile", "compile_step", "generate"]
