"""The primitive registry: every elementary operation of a trace, with its derivative next to it.

A trace is a sequence ``v_i = op(v_j, v_k, ...)`` over the primitives registered here. Each
:class:`Primitive` knows

* how to evaluate itself with numpy (``impl``), so scalars and arrays alike;
* its **local partial derivatives** ``∂v_i/∂v_j``, one rule per argument, written with
  primitives and Python operators only, never raw numpy. A rule receives the arguments and
  the result ``ans`` (so ``exp`` can say its derivative is ``ans``) as *atoms*: floats, numpy
  arrays, sympy expressions or printable :class:`~autodiff.term.Term` objects. The same rule
  therefore computes tangents and adjoints, prints ``v̇4 = v̇2·cos(v2)`` and builds the sympy
  derivative: no derivative rule is written in two places;
* how to print itself: a Unicode and a LaTeX template with the precedence of each slot;
* its sympy counterpart, looked up lazily so that importing the engine does not import sympy.

Adding a primitive is adding one entry to the table at the bottom of this module.

Powers have one spelling, the operator ``x ** y``: ``pow``'s ``impl`` is ``x ** y`` and the rules
write ``x ** y`` (or ``pow_(x, y)``, the same operation). numpy's ``np.power`` ufunc and ``**`` on
numpy scalars are two routines that differ in the last bit in a few percent of cases, and ``**``
on arrays takes exact fast paths (``x ** 2`` is ``np.square``). Generated code
(:mod:`autodiff.codegen`) writes ``**`` too, so it computes what the rules compute, bit for bit.

Conventions at kinks (as PyTorch): ``relu'(0) = 0``, ``abs'(0) = 0``, ``heaviside(0) = 0``;
``maximum(x, y)`` and ``minimum(x, y)`` at a tie ``x = y`` give each argument the partial
``1/2`` (``torch.maximum``); ``floor``, ``ceil``, ``round`` have the partial 0 everywhere.
Where a partial's formula is ``0·∞`` but PyTorch defines it as 0 (``∂(x^y)/∂x`` at ``y = 0``,
``∂(x^y)/∂y`` at ``x = 0``, ``y ≥ 0``), the rule says so with :func:`zero_where`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Precedence of printed forms: a slot wraps its argument in parentheses when the argument binds
# more loosely than the slot requires.
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 9

_PLAIN = (float, int, np.ndarray, np.generic)
_HANDLERS: dict[type, Callable[[Primitive, tuple], Any]] = {}


def register_atom(cls: type, handler: Callable[[Primitive, tuple], Any]) -> None:
    """Make ``primitive(*args)`` call ``handler(primitive, args)`` when an arg is a ``cls``.

    This is how a rule written once serves every interpreter: printable terms, sympy
    expressions and tensors each register the way a primitive applies to them.
    """
    _HANDLERS[cls] = handler


def _handler_for(kind: type) -> Callable | None:
    for base in kind.__mro__:
        if base in _HANDLERS:
            return _HANDLERS[base]
    return None


_WHERE: dict[type, Callable[[Any, Any, float], Any]] = {}


def register_where(cls: type, where: Callable[[Any, Any, float], Any]) -> None:
    """How :func:`zero_where` sets the entries of a ``cls`` value where ``mask`` holds to a
    number (0 or 1): ``where(mask, value, number)``, recorded."""
    _WHERE[cls] = where


def _where_for(kind: type) -> Callable[[Any, Any, float], Any] | None:
    for base in kind.__mro__:
        if base in _WHERE:
            return _WHERE[base]
    return None


_MASKED: dict[type, Callable[[Callable[..., Any], Callable[..., Any], tuple], Any]] = {}


def register_masked(cls: type, masked: Callable[[Callable[..., Any], Callable[..., Any], tuple],
                                                 Any]) -> None:
    """How :func:`zero_where` is written on atoms of ``cls`` that have no values to test (the
    code atoms of generated code): ``masked(test, rule, atoms)``, the mask applied everywhere."""
    _MASKED[cls] = masked


def zero_where(test: Callable[..., Any], rule: Callable[..., Any]) -> Callable[..., Any]:
    """The partial ``rule``, but 0 where ``test`` holds on the arguments' values.

    For a formula that is ``0·∞`` (nan) at a point where its limit, and PyTorch's value, is 0.
    On numbers and arrays the mask is applied (numpy's warnings at that point silenced); on
    tensors through the registered ``where``, twice (the "double where"): the arguments are set
    to 1 at the masked points before the formula is recorded, so that neither its values nor the
    derivatives of the recorded partial (second order) meet ``0·∞``, and the result is set to 0
    there. Printable terms and sympy get the formula as it is (the mask is a statement about
    points, not a term)."""
    def safe(*atoms: Any) -> Any:
        if all(isinstance(a, _PLAIN) for a in atoms):
            with np.errstate(divide="ignore", invalid="ignore"):
                value = rule(*atoms)
                mask = test(*atoms)
            if np.any(mask):
                value = np.where(mask, np.zeros_like(value), value)
                return value[()] if value.ndim == 0 else value
            return value
        for a in atoms:
            where = _where_for(type(a))
            if where is not None:
                values = [getattr(b, "data", b) for b in atoms]
                with np.errstate(divide="ignore", invalid="ignore"):
                    mask = test(*values)
                if not np.any(mask):
                    return rule(*atoms)
                safe_atoms = [where(mask, b, 1) if _where_for(type(b)) is not None else
                              np.where(mask, 1, b) for b in atoms]
                return where(mask, rule(*safe_atoms), 0)
            masked = next((m for k, m in _MASKED.items() if isinstance(a, k)), None)
            if masked is not None:
                return masked(test, rule, atoms)
        return rule(*atoms)
    safe.__doc__ = rule.__doc__
    return safe


@dataclass(frozen=True, eq=False)
class Primitive:
    """An elementary operation ``ans = op(*args)`` and everything the interpreters need of it.

    Args:
        name: the name used in programs and in JSON (``"mul"``, ``"exp"``).
        impl: the numpy implementation.
        partials: one rule per argument, ``rule(*args, ans) = ∂ans/∂arg``.
        text, latex: templates with ``{0}``, ``{1}`` for the arguments.
        prec: how tightly the printed result binds (``SUM`` … ``ATOM``).
        slots, latex_slots: the precedence each argument needs in the text/LaTeX form.
        sympy: ``sympy(sp, *args)`` builds the sympy expression (``sp`` is the module).
        domain: per argument, an interval where the primitive is smooth (for tests and docs).
        kinks: points where it is not differentiable; the convention used there is documented.
        kink_of: where the kinks are not values of each argument, the quantity they are values
            of, ``kink_of(*args)`` (``x - y`` for ``maximum``); ``None``: each argument.
    """

    name: str
    impl: Callable[..., Any]
    partials: tuple[Callable[..., Any], ...]
    text: str
    latex: str
    sympy: Callable[..., Any]
    prec: int = ATOM
    slots: tuple[int, ...] = ()
    latex_slots: tuple[int, ...] = ()
    domain: tuple[tuple[float, float], ...] = ()
    kinks: tuple[float, ...] = ()
    symbol: str = ""
    doc: str = field(default="", repr=False)
    kink_of: Callable[..., Any] | None = field(default=None, repr=False)

    @property
    def arity(self) -> int:
        return len(self.partials)

    def __call__(self, *args: Any) -> Any:
        for a in args:
            if not isinstance(a, _PLAIN):
                handler = _handler_for(type(a))
                if handler is not None:
                    return handler(self, args)
        return self.impl(*args)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


REGISTRY: dict[str, Primitive] = {}
ALIASES: dict[str, str] = {"ln": "log"}


def _register(p: Primitive) -> Primitive:
    REGISTRY[p.name] = p
    return p


def infix(name, symbol, prec, impl, partials, sympy, *, text, latex, right=False, slots=None,
          **kw) -> Primitive:
    """A binary operator printed between its arguments, e.g. ``v1·v2`` (``symbol`` is ASCII).

    Its slots parenthesize an operand of equal precedence on the right (left-associative),
    or on the left with ``right=True``; ``slots`` overrides that (products print ``a·b·c``)."""
    slots = slots or ((prec + 1, prec) if right else (prec, prec + 1))
    kw.setdefault("latex_slots", slots)
    return _register(Primitive(name, impl, partials, text, latex, sympy, prec, slots, symbol=symbol, **kw))


def function(name, impl, partials, sympy, *, latex=None, **kw) -> Primitive:
    """A function printed as a call, e.g. ``exp(v3)``."""
    args = ", ".join(f"{{{i}}}" for i in range(len(partials)))
    text = f"{name}({args})"
    latex = latex or r"\operatorname{{" + name + "}}(" + args + ")"
    n = len(partials)
    kw.setdefault("latex_slots", (0,) * n)
    return _register(Primitive(name, impl, partials, text, latex, sympy, ATOM, (0,) * n, **kw))


def _complex(x) -> bool:
    """``np.iscomplexobj(x)``, with a quick answer for the usual real arrays and floats."""
    kind = type(x)
    if kind is np.ndarray or kind is np.float64:
        return x.dtype.kind == "c"
    return kind is not float and np.iscomplexobj(x)


@np.errstate(over="ignore")  # as a decorator it costs less per call than a with-block
def _sigmoid(x):
    """``σ(x) = 1/(1 + e^{−x})``, PyTorch's formula. In floating point it needs no second
    branch: for x < −709, ``e^{−x}`` overflows to inf and ``1/inf`` is 0, which is σ(x) rounded
    (to a subnormal at most); only numpy's overflow warning is silenced."""
    e = np.exp(np.negative(x))
    if type(e) is np.ndarray:  # one buffer for the whole computation
        e += 1
        return np.divide(1.0, e, out=e)
    return 1 / (1 + e)


def _softplus(x):
    return np.log(1 + np.exp(x)) if np.iscomplexobj(x) else np.logaddexp(0, x)


def _logsigmoid(x):
    return -np.log(1 + np.exp(-x)) if np.iscomplexobj(x) else -np.logaddexp(0, -x)


def _sympy_floor(sp):
    """sympy's ``floor`` with the derivative 0 (sympy leaves ``d floor/dx`` unevaluated)."""
    global _SP_FLOOR
    if _SP_FLOOR is None:
        _SP_FLOOR = type("floor", (sp.floor,), {"fdiff": lambda self, argindex=1: sp.S.Zero})
    return _SP_FLOOR


_SP_FLOOR = None
_ERF = np.frompyfunc(math.erf, 1, 1)


def _erf(x):
    """``erf(x) = (2/√π) ∫₀ˣ e^{−t²} dt`` entry by entry (``math.erf``; numpy has none)."""
    if isinstance(x, float):
        return math.erf(x)
    if _complex(x):  # the Maclaurin series (for the complex step of the self-check)
        z = np.asarray(x, dtype=complex)
        term, total = z, z
        for n in range(1, 100):
            term = term * -(z * z) / n
            total = total + term / (2 * n + 1)
        return TWO_OVER_SQRT_PI * total
    arr = np.asarray(x)
    dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
    out = np.asarray(_ERF(arr), dtype=dtype)
    return out if isinstance(x, np.ndarray) and out.ndim else out[()]


SQRT_2PI_INV = 1 / math.sqrt(2 * math.pi)
TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
GELU_K = math.sqrt(2 / math.pi)  # the tanh approximation: tanh(√(2/π)(x + 0.044715 x³))
LN2, LN10 = math.log(2), math.log(10)


def _gelu(x):
    """``x Φ(x) = x (1 + erf(x/√2))/2`` (PyTorch's ``gelu``, ``approximate='none'``)."""
    return x * (1 + _erf(x * (1 / math.sqrt(2)))) / 2


def _gelu_tanh(x):
    """``x (1 + tanh(√(2/π)(x + 0.044715 x³)))/2`` (``gelu(approximate='tanh')``)."""
    return 0.5 * x * (1 + np.tanh(GELU_K * (x + 0.044715 * x * x * x)))


def _silu(x):
    """``x σ(x)`` (also called swish)."""
    return x * _sigmoid(x)


BCE_EPS = float(np.float32(1e-12))  # PyTorch's floor for p(1 - p) in BCE's backward


@np.errstate(divide="ignore", invalid="ignore")  # log(0) = -inf is clamped at -100 (silent,
# as PyTorch); p outside [0, 1] gives nan, which BCELoss then refuses with its message
def _bce(p, y):
    """Binary cross-entropy of a probability, PyTorch's formula entry by entry:
    ``(y − 1)·max(log(1 − p), −100) − y·max(log p, −100)``, each log clamped at −100.

    Its partial in ``p``, ``(p − y)/max(p(1 − p), ε)``, keeps PyTorch's floor ``ε`` so that a
    saturated sigmoid (``p`` exactly 0 or 1) gives a finite gradient, as in PyTorch."""
    if _complex(p) or _complex(y):
        return -(y * np.log(p) + (1 - y) * np.log(1 - p))
    log_q = np.maximum(np.log1p(np.negative(p)), -100.0)
    return (y - 1) * log_q - y * np.maximum(np.log(p), -100.0)


def _bce_logits(z, y):
    """Binary cross-entropy of a logit, ``softplus(z) - y·z``: stable for any ``z``."""
    return (np.log(1 + np.exp(z)) if np.iscomplexobj(z) else np.logaddexp(0, z)) - y * z


def _power(x, y):
    """``x ** y``: numpy's operator, which takes fast exact paths on arrays (``x ** 2`` is
    ``np.square(x)``, ``x ** 1`` a copy), where the ``np.power`` ufunc computes a general pow."""
    return x ** y


def _relu(x):
    return np.maximum(x, 0.0)


def _heaviside(x):
    """``H(x)`` with ``H(0) = 0``, entry for entry ``np.heaviside(x, 0.0)`` (nan stays nan), on a
    float array as ``x > 0`` (``np.heaviside`` is some 40× slower)."""
    if type(x) is not np.ndarray or x.dtype.kind != "f":
        return np.heaviside(x, 0.0)
    h = np.greater(x, 0.0).astype(x.dtype)
    nan = np.isnan(x)
    if nan.any():
        h[nan] = x[nan]
    return h


POSITIVE = ((0.05, 5.0),)
# -- the table of derivatives -------------------------------------------------------------------
add      = infix("add", "+", SUM,     np.add,      (lambda x, y, ans: 1,     lambda x, y, ans: 1),           lambda sp, x, y: x + y, text="{0} + {1}", latex="{0} + {1}")
sub      = infix("sub", "-", SUM,     np.subtract, (lambda x, y, ans: 1,     lambda x, y, ans: -1),          lambda sp, x, y: x - y, text="{0} - {1}", latex="{0} - {1}")
mul      = infix("mul", "*", PRODUCT, np.multiply, (lambda x, y, ans: y,     lambda x, y, ans: x),           lambda sp, x, y: x * y, text="{0}·{1}",   latex=r"{0} \, {1}", slots=(PRODUCT, PRODUCT))
div      = infix("div", "/", PRODUCT, np.divide,   (lambda x, y, ans: 1 / y, lambda x, y, ans: -x / y**2),   lambda sp, x, y: x / y, text="{0}/{1}",   latex=r"\frac{{{0}}}{{{1}}}", latex_slots=(0, 0), domain=((-3, 3), (0.2, 3)))
pow_     = infix("pow", "^", POWER,   _power,      (zero_where(lambda x, y, ans: y == 0, lambda x, y, ans: y * x ** (y - 1)), zero_where(lambda x, y, ans: (x == 0) & (y >= 0), lambda x, y, ans: log(x) * ans)), lambda sp, x, y: x**y, text="{0}^{1}", latex="{0}^{{{1}}}", right=True, latex_slots=(POWER + 1, 0), domain=((0.2, 3), (-3, 3)))
neg      = _register(Primitive("neg", np.negative, (lambda x, ans: -1,), "-{0}", "-{0}", lambda sp, x: -x, UNARY, (PRODUCT,), (PRODUCT,), symbol="-"))
exp      = function("exp",      np.exp,      (lambda x, ans: ans,),                  lambda sp, x: sp.exp(x),  latex=r"\exp({0})", domain=((-5, 5),))
log      = function("log",      np.log,      (lambda x, ans: 1 / x,),                lambda sp, x: sp.log(x),  latex=r"\log({0})", domain=POSITIVE)
log1p    = function("log1p",    np.log1p,    (lambda x, ans: 1 / (1 + x),),          lambda sp, x: sp.log(1 + x), latex=r"\log(1 + {0})", domain=((-0.9, 5),))
expm1    = function("expm1",    np.expm1,    (lambda x, ans: ans + 1,),              lambda sp, x: sp.exp(x) - 1, latex=r"(e^{{{0}}} - 1)", domain=((-5, 5),))
sqrt     = function("sqrt",     np.sqrt,     (lambda x, ans: 1 / (2 * ans),),        lambda sp, x: sp.sqrt(x), latex=r"\sqrt{{{0}}}", domain=POSITIVE)
abs_     = function("abs",      np.abs,      (lambda x, ans: sign(x),),              lambda sp, x: sp.Abs(x),  latex=r"\lvert {0} \rvert", kinks=(0.0,))
sin      = function("sin",      np.sin,      (lambda x, ans: cos(x),),               lambda sp, x: sp.sin(x),  latex=r"\sin({0})")
cos      = function("cos",      np.cos,      (lambda x, ans: -sin(x),),              lambda sp, x: sp.cos(x),  latex=r"\cos({0})")
tan      = function("tan",      np.tan,      (lambda x, ans: 1 + pow_(ans, 2),),           lambda sp, x: sp.tan(x),  latex=r"\tan({0})", domain=((-1.2, 1.2),))
asin     = function("asin",     np.arcsin,   (lambda x, ans: 1 / sqrt(1 - pow_(x, 2)),),   lambda sp, x: sp.asin(x), latex=r"\arcsin({0})", domain=((-0.9, 0.9),))
acos     = function("acos",     np.arccos,   (lambda x, ans: -1 / sqrt(1 - pow_(x, 2)),),  lambda sp, x: sp.acos(x), latex=r"\arccos({0})", domain=((-0.9, 0.9),))
atan     = function("atan",     np.arctan,   (lambda x, ans: 1 / (1 + pow_(x, 2)),),       lambda sp, x: sp.atan(x), latex=r"\arctan({0})")
sinh     = function("sinh",     np.sinh,     (lambda x, ans: cosh(x),),              lambda sp, x: sp.sinh(x), latex=r"\sinh({0})")
cosh     = function("cosh",     np.cosh,     (lambda x, ans: sinh(x),),              lambda sp, x: sp.cosh(x), latex=r"\cosh({0})")
tanh     = function("tanh",     np.tanh,     (lambda x, ans: 1 - pow_(ans, 2),),           lambda sp, x: sp.tanh(x), latex=r"\tanh({0})")
sigmoid  = function("sigmoid",  _sigmoid,    (lambda x, ans: ans * (1 - ans),),      lambda sp, x: 1 / (1 + sp.exp(-x)), latex=r"\sigma({0})", domain=((-6, 6),))
softplus = function("softplus", _softplus, (lambda x, ans: sigmoid(x),), lambda sp, x: sp.log(1 + sp.exp(x)), latex=r"\operatorname{{softplus}}({0})")
logsigmoid = function("logsigmoid", _logsigmoid, (lambda x, ans: sigmoid(-x),), lambda sp, x: -sp.log(1 + sp.exp(-x)), latex=r"\log\sigma({0})")
relu     = function("relu",     _relu, (lambda x, ans: heaviside(x),), lambda sp, x: sp.Max(x, 0), latex=r"\operatorname{{relu}}({0})", kinks=(0.0,))
heaviside = function("heaviside", _heaviside, (lambda x, ans: 0,), lambda sp, x: sp.Heaviside(x, 0), latex=r"H({0})", kinks=(0.0,))
maximum  = function("maximum",  np.maximum,  (lambda x, y, ans: (1 + sign(x - y)) / 2, lambda x, y, ans: (1 - sign(x - y)) / 2), lambda sp, x, y: sp.Max(x, y), latex=r"\max({0}, {1})", kinks=(0.0,), kink_of=lambda x, y: x - y)
minimum  = function("minimum",  np.minimum,  (lambda x, y, ans: (1 - sign(x - y)) / 2, lambda x, y, ans: (1 + sign(x - y)) / 2), lambda sp, x, y: sp.Min(x, y), latex=r"\min({0}, {1})", kinks=(0.0,), kink_of=lambda x, y: x - y)
sign     = function("sign",     np.sign,     (lambda x, ans: 0,),                    lambda sp, x: sp.sign(x), latex=r"\operatorname{{sign}}({0})", kinks=(0.0,))
bce      = function("bce",      _bce,        (lambda p, y, ans: (p - y) / maximum(p * (1 - p), BCE_EPS), lambda p, y, ans: log(1 - p) - log(p)), lambda sp, p, y: -(y * sp.log(p) + (1 - y) * sp.log(1 - p)), latex=r"\operatorname{{BCE}}({0}, {1})", domain=((0.05, 0.95), (0.0, 1.0)))
bce_logits = function("bce_logits", _bce_logits, (lambda z, y, ans: sigmoid(z) - y, lambda z, y, ans: -z), lambda sp, z, y: sp.log(1 + sp.exp(z)) - y * z, latex=r"\operatorname{{BCE}}_{{\mathrm{{logits}}}}({0}, {1})")
exp2     = function("exp2",     np.exp2,     (lambda x, ans: ans * LN2,),            lambda sp, x: 2**x,       latex=r"2^{{{0}}}")
log2     = function("log2",     np.log2,     (lambda x, ans: 1 / (x * LN2),),        lambda sp, x: sp.log(x, 2), latex=r"\log_2({0})", domain=POSITIVE)
log10    = function("log10",    np.log10,    (lambda x, ans: 1 / (x * LN10),),       lambda sp, x: sp.log(x, 10), latex=r"\log_{{10}}({0})", domain=POSITIVE)
rsqrt    = function("rsqrt",    lambda x: 1 / np.sqrt(x), (lambda x, ans: -0.5 * ans**3,), lambda sp, x: 1 / sp.sqrt(x), latex=r"\frac{{1}}{{\sqrt{{{0}}}}}", domain=POSITIVE)
square   = function("square",   np.square,   (lambda x, ans: 2 * x,),                lambda sp, x: x**2,       latex=r"{0}^2")
reciprocal = function("reciprocal", np.reciprocal, (lambda x, ans: -(ans * ans),),   lambda sp, x: 1 / x,      latex=r"\frac{{1}}{{{0}}}", domain=((0.2, 3),))
asinh    = function("asinh",    np.arcsinh,  (lambda x, ans: 1 / sqrt(x**2 + 1),),   lambda sp, x: sp.asinh(x), latex=r"\operatorname{{arsinh}}({0})")
acosh    = function("acosh",    np.arccosh,  (lambda x, ans: 1 / sqrt(x**2 - 1),),   lambda sp, x: sp.acosh(x), latex=r"\operatorname{{arcosh}}({0})", domain=((1.1, 5),))
atanh    = function("atanh",    np.arctanh,  (lambda x, ans: 1 / (1 - x**2),),       lambda sp, x: sp.atanh(x), latex=r"\operatorname{{artanh}}({0})", domain=((-0.9, 0.9),))
erf      = function("erf",      _erf,        (lambda x, ans: TWO_OVER_SQRT_PI * exp(-(x * x)),), lambda sp, x: sp.erf(x), latex=r"\operatorname{{erf}}({0})")
floor    = function("floor",    np.floor,    (lambda x, ans: 0,),                    lambda sp, x: _sympy_floor(sp)(x), latex=r"\lfloor {0} \rfloor", domain=((0.1, 0.9),), kinks=(0.0, 1.0))
ceil     = function("ceil",     np.ceil,     (lambda x, ans: 0,),                    lambda sp, x: -_sympy_floor(sp)(-x), latex=r"\lceil {0} \rceil", domain=((0.1, 0.9),), kinks=(0.0, 1.0))
round_   = function("round",    np.round,    (lambda x, ans: 0,),                    lambda sp, x: _sympy_floor(sp)(x + sp.Rational(1, 2)), latex=r"\operatorname{{round}}({0})", domain=((0.6, 1.4),), kinks=(0.5, 1.5))
mod      = function("mod",      np.mod,      (lambda x, y, ans: 1, lambda x, y, ans: -floor(x / y)), lambda sp, x, y: x - y * _sympy_floor(sp)(x / y), latex=r"{0} \bmod {1}", domain=((0.1, 0.9), (1.0, 2.0)), kinks=(0.0, 1.0), kink_of=lambda x, y: x / y)
gelu     = function("gelu",     _gelu,       (lambda x, ans: (1 + erf(x * (1 / math.sqrt(2)))) / 2 + x * SQRT_2PI_INV * exp(-(x * x) / 2),), lambda sp, x: x * (1 + sp.erf(x / sp.sqrt(2))) / 2, latex=r"\operatorname{{GELU}}({0})")
gelu_tanh = function("gelu_tanh", _gelu_tanh, (lambda x, ans: (1 + tanh(GELU_K * (x + 0.044715 * x**3))) / 2 + x / 2 * (1 - tanh(GELU_K * (x + 0.044715 * x**3))**2) * GELU_K * (1 + 3 * 0.044715 * x**2),), lambda sp, x: x * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + sp.Float(0.044715) * x**3))) / 2, latex=r"\operatorname{{GELU}}_{{\tanh}}({0})")
silu     = function("silu",     _silu,       (lambda x, ans: sigmoid(x) * (1 + x * (1 - sigmoid(x))),), lambda sp, x: x / (1 + sp.exp(-x)), latex=r"\operatorname{{SiLU}}({0})")
# -----------------------------------------------------------------------------------------------

#: The infix and prefix operators of the expression language, by symbol.
OPERATORS = {"+": add, "-": sub, "*": mul, "/": div, "**": pow_, "^": pow_}


class Operand:
    """Python's arithmetic operators, routed through the registry.

    Atoms that rules are applied to (printable terms, recorded trace nodes) inherit from this,
    so ``y * x ** (y - 1)`` in a rule builds a term or records steps as it computes a number.
    """

    __slots__ = ()

    def __add__(self, o): return add(self, o)
    def __radd__(self, o): return add(o, self)
    def __sub__(self, o): return sub(self, o)
    def __rsub__(self, o): return sub(o, self)
    def __mul__(self, o): return mul(self, o)
    def __rmul__(self, o): return mul(o, self)
    def __truediv__(self, o): return div(self, o)
    def __rtruediv__(self, o): return div(o, self)
    def __pow__(self, o): return pow_(self, o)
    def __rpow__(self, o): return pow_(o, self)
    def __neg__(self): return neg(self)


def lookup(name: str) -> Primitive | None:
    """The primitive called ``name`` (or one of its aliases, such as ``ln``), if any."""
    return REGISTRY.get(ALIASES.get(name, name))
