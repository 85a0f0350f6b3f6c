"""The lecture's short quiz, each question answered and the answer demonstrated by the engine.

``answers()`` computes every demonstration afresh (fixed seeds, no timings), so what
``autodiff quiz`` prints is what the engine does today; :func:`render` shows it as text,
Markdown or JSON. Each :class:`Answer` holds the question as the slide asks it, the worked
answer, a small table the engine computed, the facts it checked (each ``True`` when the
engine agrees with the answer), and the commands that show more.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..term import format_number

Row = list[str]


@dataclass
class Answer:
    """One quiz question with its worked answer and the engine's demonstration."""

    number: int
    question: str
    answer: str
    headers: Row
    rows: list[Row]
    checks: dict[str, bool] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"number": self.number, "question": self.question, "answer": self.answer,
                "table": {"headers": self.headers, "rows": self.rows},
                "checks": self.checks, "commands": self.commands}


def gradients() -> Answer:
    from ..autograd import Tensor
    from ..methods.manual import check
    from ..nn.manual import bce_gradient, mse_gradient
    from ..parse import parse
    lin = parse("((w1 + 2*w2 - 3)^2 + (w1 - w2 - 1)^2)/2")
    lin_hand = {"w1": "(w1 + 2*w2 - 3) + (w1 - w2 - 1)", "w2": "2*(w1 + 2*w2 - 3) - (w1 - w2 - 1)"}
    log = parse("-(log(sigmoid(w1 + 2*w2)) + log(1 - sigmoid(w1 - w2)))")
    log_hand = {"w1": "(sigmoid(w1 + 2*w2) - 1) + sigmoid(w1 - w2)",
                "w2": "2*(sigmoid(w1 + 2*w2) - 1) - sigmoid(w1 - w2)"}
    at = {"w1": 0.3, "w2": -0.2}
    rows, checks = [], {}
    for label, f, hand in (("MSE, N=2", lin, lin_hand), ("BCE, N=2", log, log_hand)):
        for c in check(f, at, hand, count=6, seed=0, symbolic=False):
            rows.append([label, f"∂L/∂{c.name} = {c.formula}", format_number(c.values["at"], 6),
                         "agrees at 6 points" if c.ok else "DISAGREES"])
            checks[f"{label}: ∂L/∂{c.name} by hand = reverse mode"] = c.ok
    rng = np.random.default_rng(0)
    X, w = rng.normal(size=(20, 3)), rng.normal(size=3)
    y_lin, y_log = rng.normal(size=20), (rng.random(20) < 0.5).astype(float)
    wt = Tensor(w, requires_grad=True)
    ((Tensor(X) @ wt - Tensor(y_lin)) ** 2).mean().backward()
    checks["matrix form (2/N)Xᵀ(Xw − y) = reverse mode (N=20, d=3)"] = bool(
        np.allclose(mse_gradient(X, y_lin, w), wt.grad.data, rtol=1e-12))
    wt = Tensor(w, requires_grad=True)
    z = Tensor(X) @ wt
    (z.softplus() - Tensor(y_log) * z).sum().backward()
    checks["matrix form Xᵀ(σ(Xw) − y) = reverse mode (N=20, d=3)"] = bool(
        np.allclose(bce_gradient(X, y_log, w), wt.grad.data, rtol=1e-12))
    return Answer(1, "Derive the gradient of the loss function for linear regression and "
                  "logistic regression.",
                  "Linear regression, μ_i = wᵀx_i, L(w) = (1/N) Σ (y_i − μ_i)²:\n"
                  "  ∇L(w) = −(2/N) Σ (y_i − μ_i) x_i = (2/N) Xᵀ(Xw − y).\n"
                  "Logistic regression, μ_i = σ(wᵀx_i), L(w) = −Σ [y_i log μ_i + "
                  "(1 − y_i) log(1 − μ_i)]:\n"
                  "  ∂L/∂μ_i = (μ_i − y_i)/(μ_i(1 − μ_i)) and ∂μ_i/∂w = μ_i(1 − μ_i) x_i, so\n"
                  "  ∇L(w) = Σ (μ_i − y_i) x_i = Xᵀ(σ(Xw) − y): the sigmoid's derivative cancels "
                  "the denominator.\nBoth are 'error × input', the lecture's δ_j z_i. Below, "
                  "the hand formulas for two examples x = (1, 2), (1, −1), with labels "
                  "y = (3, 1) (linear) and y = (1, 0) (logistic), are checked against reverse "
                  "mode by the manual-derivative checker.",
                  ["loss", "hand-derived", "value at w=(0.3, −0.2)", "reverse mode"], rows,
                  checks,
                  ['autodiff check --at w1=0.3,w2=-0.2 '
                   '--manual w1="(sigmoid(w1 + 2*w2) - 1) + sigmoid(w1 - w2)" '
                   '-- "-(log(sigmoid(w1 + 2*w2)) + log(1 - sigmoid(w1 - w2)))"'])


def cross_entropy() -> Answer:
    from ..autograd import Tensor
    from ..nn import BCELoss
    p = np.array([1.0, 0.0])
    rows, checks = [], {}
    for mu in (0.9, 0.5, 0.1):
        q = np.array([mu, 1 - mu])
        h = float(-(p * np.log(q)).sum())
        bce = BCELoss()(Tensor([mu]), Tensor([1.0])).item()
        rows.append(["y = 1", format_number(mu, 6), format_number(h, 6), format_number(bce, 6)])
        checks[f"H(p, q) = BCELoss at μ = {mu}"] = math.isclose(h, bce, rel_tol=1e-12)
    p, q = np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.6, 0.3])
    entropy, kl = -(p * np.log(p)).sum(), (p * np.log(p / q)).sum()
    checks["H(p, q) = H(p) + KL(p ‖ q) ≥ H(p)"] = bool(
        math.isclose(-(p * np.log(q)).sum(), entropy + kl) and kl >= 0)
    return Answer(2, "What is cross entropy?",
                  "The cross entropy of a predicted distribution q against the true one p is\n"
                  "  H(p, q) = −Σ_k p_k log q_k = H(p) + KL(p ‖ q),\n"
                  "the expected code length when coding p with q; it is smallest, H(p), when "
                  "q = p. For one label y ∈ {0, 1} and the prediction μ = Pr[y = 1]: "
                  "p = (y, 1 − y), q = (μ, 1 − μ), and H is the binary cross entropy "
                  "−[y log μ + (1 − y) log(1 − μ)], the negative log likelihood of logistic "
                  "regression. Minimizing it over a data set is maximum likelihood.",
                  ["label", "μ", "−Σ p log q", "nn.BCELoss"], rows, checks,
                  ["autodiff trace --at y=1,mu=0.9 -- \"-(y*log(mu) + (1-y)*log(1-mu))\""])


def optimizer() -> Answer:
    from ..autograd import Tensor
    from ..optim import Adam, AdamW
    rows = []
    for cls in (Adam, AdamW):
        d = cls([Tensor([0.0], requires_grad=True)]).defaults
        rows.append([cls.__name__, format_number(d["lr"], 6), str(d["betas"]),
                     format_number(d["eps"], 6), format_number(d["weight_decay"], 6)])
    checks = {"Adam's defaults are torch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8":
              rows[0][1:4] == ["0.001", "(0.9, 0.999)", "1e-08"],
              "AdamW's default weight decay is 0.01": rows[1][4] == "0.01"}
    return Answer(3, "What is the most widely used optimizer? What are the typically used "
                  "parameters of the optimizer?",
                  "Adam, and AdamW (Adam with decoupled weight decay) for large models. "
                  "Typical parameters: learning rate 1e-3 (1e-4 … 3e-4 for large models), "
                  "β₁ = 0.9, β₂ = 0.999 (PyTorch's default; the lecture writes 0.99, and large "
                  "language models use 0.95), ε = 1e-8, AdamW weight decay 0.01 (0.1 for "
                  "LLMs), usually with a warm-up and a decaying learning-rate schedule. "
                  "The defaults below are autodiff.optim's, which are torch.optim's.",
                  ["optimizer", "lr", "betas", "eps", "weight_decay"], rows, checks,
                  ["autodiff optimizers"])


def momentum() -> Answer:
    from ..autograd import Tensor
    from ..optim import SGD
    lr, mu = 0.1, 0.9
    w = Tensor([0.0], requires_grad=True)
    opt = SGD([w], lr=lr, momentum=mu)
    rows, prev = [], 0.0
    for t in range(1, 61):
        w.grad = Tensor([1.0])  # a constant gradient g = 1: L(w) = w
        opt.step()
        step = prev - float(w.data[0])
        prev = float(w.data[0])
        if t in (1, 2, 5, 10, 20, 40, 60):
            rows.append([str(t), format_number(step, 6),
                         format_number(lr * (1 - mu ** t) / (1 - mu), 6)])
    limit = lr / (1 - mu)
    checks = {"the step tends to η/(1 − μ) = 1.0": math.isclose(step, limit, rel_tol=2e-3),
              "each step is η(1 − μᵗ)/(1 − μ)": all(
                  math.isclose(float(r[1]), float(r[2]), rel_tol=1e-5) for r in rows)}
    return Answer(4, "For SGD with momentum show that it increases the effective learning rate "
                  "from η to η/(1 − μ).",
                  "With v ← μv + g and w ← w − ηv (PyTorch's form), a gradient that stays g "
                  "gives v_t = (1 + μ + … + μ^(t−1)) g = g (1 − μᵗ)/(1 − μ) → g/(1 − μ), so "
                  "the step tends to η g/(1 − μ): plain SGD with learning rate η/(1 − μ). "
                  "With μ = 0.9 that is 10 η. Where the gradient keeps changing sign, the "
                  "terms cancel instead and momentum damps the oscillation. Below: "
                  "autodiff.optim.SGD(lr=0.1, momentum=0.9) with a constant gradient 1.",
                  ["step t", "|Δw| (engine)", "η(1 − μᵗ)/(1 − μ)"], rows, checks,
                  ["autodiff optimizers"])


def published() -> Answer:
    from .published import RECIPES
    rows = []
    for r in RECIPES.values():
        for step, lr in r.learning_rates():
            rows.append([r.name, str(step), f"{lr:.4g}"])
    tr = dict(RECIPES["transformer"].learning_rates())
    llama = dict(RECIPES["llama"].learning_rates())
    gpt3 = dict(RECIPES["gpt3"].learning_rates())
    checks = {"Transformer peak at step 4000 = 512^−0.5 · 4000^−0.5 ≈ 6.99e-4":
              math.isclose(tr[3999], 512 ** -0.5 * 4000 ** -0.5, rel_tol=1e-12),
              "LLaMA: peak 3e-4 after 2000 warm-up steps, ends at 10% (3e-5)":
              math.isclose(llama[2000], 3e-4, rel_tol=1e-9)
              and math.isclose(llama[250000], 3e-5, rel_tol=1e-9),
              "GPT-3: ends at 10% of 0.6e-4": math.isclose(gpt3[81250], 6e-6, rel_tol=1e-9)}
    return Answer(5, "In Attention Is All You Need what is the optimizer and the learning rate "
                  "scheduler used? What are the optimizers used in LLaMA and GPT-3?",
                  "Attention Is All You Need: Adam with β = (0.9, 0.98), ε = 1e-9 and "
                  "lr = d_model^−0.5 · min(step^−0.5, step · warmup^−1.5), d_model = 512, "
                  "warmup = 4000: a linear warm-up, then decay as 1/√step.\n"
                  "LLaMA: AdamW, β = (0.9, 0.95), ε = 1e-5, weight decay 0.1, gradient "
                  "clipping 1.0, 2000 warm-up steps, then a cosine schedule down to 10% of the "
                  "peak (3e-4 for 7B).\n"
                  "GPT-3: Adam, β = (0.9, 0.95), ε = 1e-8, weight decay 0.1, gradient clipping "
                  "1.0, a linear warm-up over 375M tokens, then cosine decay to 10% over 260B "
                  "tokens (peak 0.6e-4 for 175B).\n"
                  "Each is built with this project's schedulers (autodiff.extras.published) and "
                  "stepped once per optimizer step; 'steps' counts scheduler.step() calls "
                  "(the Transformer paper's step_num is steps + 1):",
                  ["recipe", "steps", "learning rate"], rows, checks, [])


def forward_cost() -> Answer:
    from ..methods.jacobian import jacobian
    from ..parse import parse
    rows, checks = [], {}
    for n in (2, 4, 8, 16, 32):
        expr = " + ".join(f"x{i}*sin(x{i + 1})" for i in range(1, n)) + f" + exp(x{n})"
        jac = jacobian(parse(expr), {f"x{i}": 0.1 * i for i in range(1, n + 1)})
        fwd, rev = jac.forward, jac.reverse
        rows.append([str(n), str(fwd.sweeps), str(fwd.operations), str(rev.sweeps),
                     str(rev.operations)])
        checks[f"n = {n}: forward mode needs n sweeps, reverse mode 1"] = (
            fwd.sweeps == n and rev.sweeps == 1 and bool(np.allclose(fwd.matrix, rev.matrix)))
    return Answer(6, "What is the disadvantage of forward-mode automatic differentiation?",
                  "One forward sweep gives the derivative along one direction: the column "
                  "∂f/∂x_j of the Jacobian. A gradient of a function of n inputs takes n "
                  "sweeps, each as costly as evaluating f; reverse mode gets the whole gradient "
                  "of one output in one backward sweep (at the price of storing the trace). "
                  "Training has one loss and millions of parameters, so reverse mode. Below: "
                  "f = Σ x_i sin(x_{i+1}) + exp(x_n), counted by the engine's jacobian.",
                  ["n inputs", "forward sweeps", "forward ops", "reverse sweeps", "reverse ops"],
                  rows, checks, ['autodiff jacobian "x1*sin(x2) + x2*sin(x3) + exp(x3)" '
                                 '--at x1=0.1,x2=0.2,x3=0.3'])


def normalization() -> Answer:
    from ..autograd import Tensor
    from ..nn import BatchNorm1d, LayerNorm
    a = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0], [0.0, 1.0, 0.0, 1.0]])
    bn, ln = BatchNorm1d(4)(Tensor(a)).data, LayerNorm(4)(Tensor(a)).data
    rows = [["input a", *(" ".join(f"{v:5.2f}" for v in r) for r in a)],
            ["BatchNorm1d(4)", *(" ".join(f"{v:5.2f}" for v in r) for r in bn)],
            ["LayerNorm(4)", *(" ".join(f"{v:5.2f}" for v in r) for r in ln)]]
    checks = {"BatchNorm1d: every feature (column) has mean 0 and variance ≈ 1 over the batch":
              bool(np.allclose(bn.mean(0), 0) and np.allclose(bn.var(0), 1, atol=1e-3)),
              "LayerNorm: every example (row) has mean 0 and variance ≈ 1 over its features":
              bool(np.allclose(ln.mean(1), 0) and np.allclose(ln.var(1), 1, atol=1e-3))}
    return Answer(7, "What is the difference between batch and layer normalization?",
                  "Both compute â = (a − mean)/√(var + δ), then γ â + β; they differ in the "
                  "axis. Batch normalization takes the mean and variance of each feature i "
                  "over the B examples of the mini-batch (down a column), so it depends on the "
                  "batch and keeps running statistics for evaluation. Layer normalization takes "
                  "them over the M features of each example n (along a row): the same "
                  "computation in training and evaluation, for any batch size. In both, γ and "
                  "β are per feature (the slide's γ_n, β_n is a slip; see docs/errata.md). "
                  "Below: a (3 examples × 4 features); each cell lists a row.",
                  ["", "example 1", "example 2", "example 3"], rows, checks, [])


def zero_grad() -> Answer:
    from ..autograd import Tensor
    from ..optim import SGD
    x = np.array([1.0, 2.0, 3.0, 4.0])
    w = Tensor([0.5], requires_grad=True)
    opt = SGD([w], lr=0.1)
    rows = []

    def loss(xs):
        return ((Tensor(xs) * w - 1.0) ** 2).mean()

    loss(x).backward()
    g1 = float(w.grad.data[0])
    rows.append(["loss.backward()", format_number(g1, 6)])
    loss(x).backward()
    g2 = float(w.grad.data[0])
    rows.append(["loss.backward() again", format_number(g2, 6)])
    opt.zero_grad()
    rows.append(["optimizer.zero_grad()", str(w.grad)])
    for half in (x[:2], x[2:]):
        (loss(half) / 2).backward()
    g3 = float(w.grad.data[0])
    rows.append(["two half-batches, loss/2 each", format_number(g3, 6)])
    checks = {"a second backward() adds: the gradient doubles": math.isclose(g2, 2 * g1),
              "zero_grad() clears it": rows[2][1] == "None",
              "accumulating two half-batches gives the full batch's gradient":
              math.isclose(g3, g1, rel_tol=1e-12)}
    return Answer(8, "Why do we do optimizer.zero_grad()?",
                  "backward() adds ∂L/∂w to w.grad; it does not overwrite it. That is on "
                  "purpose: a parameter used twice collects both contributions, and gradients "
                  "of several micro-batches can be accumulated before one step (a large batch "
                  "that does not fit in memory). But in the ordinary loop each step must use "
                  "the current mini-batch's gradient only, so the gradients are cleared after "
                  "(or before) every step. Below: w = 0.5, L = mean((w x − 1)²), x = (1, 2, 3, "
                  "4).", ["action", "w.grad"], rows, checks, [])


QUESTIONS: list[Callable[[], Answer]] = [gradients, cross_entropy, optimizer, momentum,
                                         published, forward_cost, normalization, zero_grad]


def answers(numbers: list[int] | None = None) -> list[Answer]:
    """The answers to the questions ``numbers`` (1-based; all by default)."""
    from ..errors import InputError
    picked = numbers or list(range(1, len(QUESTIONS) + 1))
    for n in picked:
        if not 1 <= n <= len(QUESTIONS):
            raise InputError(f"there is no question {n}; the quiz has questions "
                             f"1 to {len(QUESTIONS)}")
    return [QUESTIONS[n - 1]() for n in picked]


def render(items: list[Answer], fmt: str = "table") -> str:
    """``table`` (terminal text), ``markdown`` or ``json``."""
    if fmt == "json":
        return json.dumps({"questions": [a.to_json() for a in items],
                           "ok": all(all(a.checks.values()) for a in items)},
                          indent=2, ensure_ascii=False)
    md = fmt == "markdown"
    out = []
    for a in items:
        out.append(f"### {a.number}. {a.question}" if md else f"Q{a.number}. {a.question}")
        out += ["", a.answer, ""]
        out += _table(a.headers, a.rows, md) + [""]
        out += [f"- {'✓' if ok else '✗'} {fact}" for fact, ok in a.checks.items()]
        if a.commands and md:
            out += [""] + [f"Try `{c}`" for c in a.commands]
        elif a.commands:
            out += ["", "Try:"] + [f"    {c}" for c in a.commands]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _table(headers: Row, rows: list[Row], md: bool) -> list[str]:
    if md:
        from ..render.grid import markdown_cell

        return (["| " + " | ".join(map(markdown_cell, headers)) + " |",
                 "|" + "---|" * len(headers)]
                + ["| " + " | ".join(map(markdown_cell, r)) + " |" for r in rows])
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]
    line = "  ".join("─" * w for w in widths)

    def fmt(r: Row) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()

    return [fmt(headers), line] + [fmt(r) for r in rows]
