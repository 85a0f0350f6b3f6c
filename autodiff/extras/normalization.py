"""Normalization as a trace: BatchNorm and LayerNorm of a tiny batch, one scalar at a time.

A batch ``a`` of 3 examples (rows ``n``) × 2 features (columns ``i``) is normalized by a
scalar evaluation trace written out in the lecture's notation:

* BatchNorm (per feature ``i``, over the batch): ``μ_i = (a_1i + a_2i + a_3i)/3``,
  ``σ²_i = Σ_n (a_ni − μ_i)²/3``, ``â_ni = (a_ni − μ_i)/√(σ²_i + δ)``,
  ``ã_ni = γ_i â_ni + β_i``;
* LayerNorm (per example ``n``, over its features): ``μ_n``, ``σ²_n`` over ``i``, and the
  same ``â``, ``ã`` with ``γ_i, β_i`` per feature (as PyTorch; the slide's ``γ_n, β_n`` and
  its ``σ²_n`` written with ``μ_i`` are slips, see docs/errata.md).

The trace ends in ``L = Σ c_ni ã_ni`` for fixed ``c`` (an upstream gradient), so its reverse
sweep is the layer's backward pass: ``μ`` and ``σ²`` are used by every example of their
feature, and their adjoints gather one contribution per use (the **fan-out** that makes the
backward pass of BatchNorm not trivial). The trace's values and gradients are checked
against the tensor engine's ``nn.BatchNorm1d`` / ``nn.LayerNorm``. In evaluation mode BatchNorm
normalizes with its running statistics (after one training step: ``0.9·(0, 1) + 0.1·(μ,
unbiased σ²)``), which are constants of the trace: no fan-out, and a trivial backward.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from ..evaluation import Evaluation, evaluate
from ..term import format_number

EPS = 1e-5
A = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])   # 3 examples × 2 features
GAMMA = np.array([1.5, 0.5])
BETA = np.array([0.1, -0.2])
C = np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.3]])   # L = Σ c_ni ã_ni
LAYERS = ("batchnorm", "layernorm")
MODES = ("train", "eval")


def program(layer: str = "batchnorm", mode: str = "train") -> str:
    """The trace program of ``layer`` in ``mode`` for the 3 × 2 batch (inputs ``a11 … a32``,
    ``gamma1, gamma2, beta1, beta2``; in BatchNorm's eval mode also ``rmean_i, rvar_i``)."""
    if layer not in LAYERS:
        raise InputError(f"unknown layer {layer!r}: choose from {', '.join(LAYERS)}")
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}: choose from {', '.join(MODES)}")
    rows, cols = A.shape
    lines = [f"# {'BatchNorm1d' if layer == 'batchnorm' else 'LayerNorm'} of a {rows}×{cols} "
             f"batch a_ni ({mode} mode), then L = Σ c_ni·ã_ni"]
    if layer == "batchnorm" and mode == "eval":
        lines.append("# normalized with the running statistics: constants, not batch values")
        for i in range(1, cols + 1):
            lines.append(f"s{i} = sqrt(rvar{i} + {EPS})")
        centred = {(n, i): f"a{n}{i} - rmean{i}" for n in range(1, rows + 1)
                   for i in range(1, cols + 1)}
        for (n, i), text in centred.items():
            lines.append(f"h{n}{i} = ({text})/s{i}")
    else:
        # groups: BatchNorm normalizes each feature over the batch, LayerNorm each example
        groups = ([(i, [(n, i) for n in range(1, rows + 1)]) for i in range(1, cols + 1)]
                  if layer == "batchnorm" else
                  [(n, [(n, i) for i in range(1, cols + 1)]) for n in range(1, rows + 1)])
        for g, members in groups:
            size = len(members)
            lines.append(f"mu{g} = ({' + '.join(f'a{n}{i}' for n, i in members)})/{size}")
            lines += [f"d{n}{i} = a{n}{i} - mu{g}" for n, i in members]
            lines.append(f"var{g} = ({' + '.join(f'd{n}{i}^2' for n, i in members)})/{size}")
            lines.append(f"s{g} = sqrt(var{g} + {EPS})")
            lines += [f"h{n}{i} = d{n}{i}/s{g}" for n, i in members]
    for n in range(1, rows + 1):
        for i in range(1, cols + 1):
            lines.append(f"y{n}{i} = gamma{i}*h{n}{i} + beta{i}")
    terms = [(C[n - 1, i - 1], f"y{n}{i}") for n in range(1, rows + 1)
             for i in range(1, cols + 1)]
    text = " + ".join(y if c == 1 else f"-{y}" if c == -1 else f"{format_number(c)}*{y}"
                      for c, y in terms)
    lines.append("L = " + text.replace("+ -", "- "))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class NormalizationTrace:
    """The trace evaluated at the batch, and what the tensor engine's layer computes."""

    layer: str
    mode: str
    source: str
    evaluation: Evaluation
    tensor: dict[str, np.ndarray]      # output, grad_a, grad_gamma, grad_beta from nn
    statistics: dict[str, np.ndarray]  # batch mean/var, running mean/var

    def _trace_values(self) -> dict[str, np.ndarray]:
        ev, t = self.evaluation, self.evaluation.trace
        rows, cols = A.shape
        out = np.array([[ev.primals[t.index[f"y{n}{i}"]] for i in range(1, cols + 1)]
                        for n in range(1, rows + 1)])
        g = ev.gradient
        return {"output": out,
                "grad_a": np.array([[g[f"a{n}{i}"] for i in range(1, cols + 1)]
                                    for n in range(1, rows + 1)]),
                "grad_gamma": np.array([g[f"gamma{i}"] for i in range(1, cols + 1)]),
                "grad_beta": np.array([g[f"beta{i}"] for i in range(1, cols + 1)])}

    def check(self) -> dict[str, float]:
        """The largest difference between the trace and the tensor layer, per quantity."""
        mine = self._trace_values()
        return {k: float(np.max(np.abs(mine[k] - self.tensor[k]))) for k in mine}

    def fan_out(self) -> list[tuple[str, int, list[float], float]]:
        """The statistics (``mu``, ``var``, ``s``) and the centred values ``d`` (used by the
        variance and by ``â``), with their uses, the contributions to their adjoint (in sweep
        order) and the adjoint."""
        from .accumulation import accumulate

        t = self.evaluation.trace
        acc = accumulate(t, self.evaluation.at)
        out = []
        for i, s in enumerate(t.steps):
            if s.var.startswith(("mu", "d", "var", "s")) and not s.is_input:
                values = [float(c.value) for c in acc.contributions if c.parent == i]
                out.append((s.var, len(values), values, float(acc.adjoints[i])))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"layer": self.layer, "mode": self.mode, "program": self.source,
                "trace": self.evaluation.to_json(), "check": self.check(),
                "fan_out": [{"var": v, "uses": k, "contributions": c, "adjoint": a}
                            for v, k, c, a in self.fan_out()],
                "statistics": {k: v.tolist() for k, v in self.statistics.items()}}

    def render(self, fmt: str = "table") -> str:
        from ..render.grid import Grid, dump_json, render_grids

        if fmt == "json":
            return dump_json(self.to_json())
        fan = [[v, str(k), " + ".join(f"{c:.6g}" for c in cs).replace("+ -", "- "),
                f"{a:.6g}"] for v, k, cs, a in self.fan_out()]
        check = [[k, f"{d:.1e}"] for k, d in self.check().items()]
        stats = [[k] + [f"{x:.6g}" for x in v] for k, v in self.statistics.items()]
        grids = [
            Grid("Fan-out: each use of a variable adds one contribution to its adjoint",
                 ["variable", "uses", "contributions (sweep order)", "adjoint"], fan,
                 right={1, 3}) if fan else None,
            Grid(f"Check against the tensor engine's nn.{self._module()} (largest |difference|)",
                 ["quantity", "trace − layer"], check, right={1}),
            Grid("Statistics per feature: the batch's (train) and the running ones (eval)",
                 ["statistic", "feature 1", "feature 2"], stats, right={1, 2})
            if self.layer == "batchnorm" else None,
        ]
        fence = {"table": ("", ""), "markdown": ("```text\n", "```\n"),
                 "latex": ("\\begin{verbatim}\n", "\\end{verbatim}\n")}[fmt]
        return (fence[0] + self.source + fence[1] + "\n" + self.evaluation.render(fmt) + "\n"
                + render_grids([g for g in grids if g is not None], fmt))

    def _module(self) -> str:
        return "BatchNorm1d" if self.layer == "batchnorm" else "LayerNorm"

    def __str__(self) -> str:
        return self.render("table")


def _tensor_layer(layer: str, mode: str) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The same batch through ``nn.BatchNorm1d(2)`` / ``nn.LayerNorm(2)``: outputs, gradients
    of ``L = Σ c ã``, and (BatchNorm) the statistics before and after one training step."""
    from .. import nn
    from ..autograd import Tensor

    module = nn.BatchNorm1d(2, eps=EPS) if layer == "batchnorm" else nn.LayerNorm(2, eps=EPS)
    module.weight.data[...] = GAMMA
    module.bias.data[...] = BETA
    stats: dict[str, np.ndarray] = {}
    if layer == "batchnorm":
        n = A.shape[0]
        stats["batch mean μ"] = A.mean(axis=0)
        stats["batch variance σ² (÷B, used in train)"] = A.var(axis=0)
        stats["unbiased variance (÷(B−1), for running_var)"] = A.var(axis=0) * n / (n - 1)
        if mode == "eval":
            module(Tensor(A))  # one training step updates the running statistics
            module.eval()
    a = Tensor(A.copy(), requires_grad=True)
    out = module(a)  # in train mode this is the training step
    if layer == "batchnorm":
        stats["running_mean after one step (eval uses it)"] = np.array(module.running_mean,
                                                                       dtype=float)
        stats["running_var after one step (eval uses it)"] = np.array(module.running_var,
                                                                      dtype=float)
    (Tensor(C) * out).sum().backward()
    result = {"output": out.data, "grad_a": a.grad.data, "grad_gamma": module.weight.grad.data,
              "grad_beta": module.bias.grad.data}
    return result, stats


def normalization_trace(layer: str = "batchnorm", mode: str = "train") -> NormalizationTrace:
    """BatchNorm or LayerNorm of the 3 × 2 batch as a scalar trace, evaluated (primal, tangent
    for ``a11``, adjoint of ``L``) and checked against the tensor engine's layer."""
    source = program(layer, mode)
    if layer == "layernorm" and mode == "eval":
        raise InputError("LayerNorm has no eval mode of its own: it normalizes each example "
                         "with that example's statistics in training and evaluation alike")
    tensor, stats = _tensor_layer(layer, mode)
    rows, cols = A.shape
    at = {f"a{n}{i}": A[n - 1, i - 1] for n in range(1, rows + 1) for i in range(1, cols + 1)}
    at |= {f"gamma{i}": GAMMA[i - 1] for i in range(1, cols + 1)}
    at |= {f"beta{i}": BETA[i - 1] for i in range(1, cols + 1)}
    if layer == "batchnorm" and mode == "eval":
        rm, rv = (stats[f"running_{k} after one step (eval uses it)"] for k in ("mean", "var"))
        at |= {f"rmean{i}": rm[i - 1] for i in range(1, cols + 1)}
        at |= {f"rvar{i}": rv[i - 1] for i in range(1, cols + 1)}
    return NormalizationTrace(layer, mode, source, evaluate(source, at=at), tensor, stats)
