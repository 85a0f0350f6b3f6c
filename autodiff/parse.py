"""Reading expressions and trace programs: a tokenizer and a precedence-climbing parser.

The text is untrusted: it is tokenized and parsed here, never handed to ``eval``. The grammar
(documented in ``docs/grammar.md``)::

    program    = statement { (newline | ";") statement }
    statement  = name "=" expr | "return" expr { "," expr } | expr     (bare expr: last line only)
    expr       = term { ("+" | "-") term }
    term       = unary { ("*" | "/" | "·" | "×") unary }
    unary      = { "-" | "+" } power
    power      = primary [ ("**" | "^") unary ]                         (right-associative)
    primary    = number | name | name "(" expr { "," expr } ")" | "(" expr ")"

``#`` starts a comment. A text with one statement and no ``=`` is an expression; its inputs
are numbered in natural order of their names (``x1, x2, …, x10``). In a program the inputs are
the names that are never assigned, in order of first use, and ``v1 = x1`` names the input
variable of ``x1``. The last assignment is the output unless a ``return`` names the outputs.

The parser loops over operators of equal precedence and recurses only into parentheses and
exponents, which are capped at :data:`MAX_NESTING` levels with a clear message, so a program of
100,000 lines or a sum of 100,000 terms parses without deep recursion.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from typing import NamedTuple

import numpy as np

from . import primitives as P
from .errors import InputError, ParseError
from .trace import Arg, Const, Trace, TraceBuilder, cycle_collection_paused

MAX_NESTING = 200
CONSTANTS = {"pi": np.pi}
KEYWORDS = {"return"}

_TOKEN = re.compile(r"""[ \t\r\f\v]*(?:
    (?P<comment>\#[^\n]*) | (?P<nl>[\n;]) |
    (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?) |
    (?P<name>[^\W\d]\w*) |
    (?P<op>\*\*|[-+*/^·×(),=]) |
    (?P<bad>.) | (?P<ws>$) )
""", re.VERBOSE | re.DOTALL)
_OPERAND_START = {"num", "name", "("}
_SYNONYMS = {"·": "*", "×": "*"}


class Token(NamedTuple):
    kind: str  # num, name, op symbols ("+", "(", …), "nl", "end"
    text: str
    line: int
    col: int


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens; an unknown character is a :class:`ParseError`."""
    tokens: list[Token] = []
    append, new = tokens.append, tuple.__new__
    line, line_start = 1, 0
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup
        if kind == "ws" or kind == "comment":
            continue
        text = m.group(kind)
        col = m.start(kind) - line_start + 1
        if kind == "op":
            append(new(Token, (_SYNONYMS.get(text, text), text, line, col)))
        elif kind == "name":
            if not text.isidentifier():
                raise _odd_name(text, source, line, col)
            append(new(Token, ("name", text, line, col)))
        elif kind == "num":
            nxt = source[m.end():m.end() + 1]
            if nxt and (nxt.isalpha() or nxt in "_("):
                raise ParseError(f"implicit multiplication: write {text}*{nxt}…", source, line,
                                 col + len(text), "put * between a number and what it multiplies")
            append(new(Token, ("num", text, line, col)))
        elif kind == "nl":
            append(new(Token, ("nl", text, line, col)))
            if text == "\n":
                line, line_start = line + 1, m.end()
        else:
            hint = "strings are not part of the language" if text in "'\"" else ""
            raise ParseError(f"unexpected character {text!r}", source, line, col, hint)
    append(Token("end", "", line, len(source) - line_start + 1))
    return tokens


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _odd_name(text: str, source: str, line: int, col: int) -> ParseError:
    """The error for a name with a character no identifier may hold, such as ``x1²``.

    Superscripts are refused rather than read as powers: ``x²`` would otherwise be a variable
    named ``x²`` and ``x1²`` a crash, and a power is written ``x1^2``."""
    k = next(i for i in range(len(text)) if not text[:i + 1].isidentifier())
    if text[k] in "⁰¹²³⁴⁵⁶⁷⁸⁹":
        head = text[:k].rstrip("⁰¹²³⁴⁵⁶⁷⁸⁹")
        digits = text[k:]
        power = digits[:len(digits) - len(digits.lstrip("⁰¹²³⁴⁵⁶⁷⁸⁹"))]
        return ParseError(f"superscript {text[k]!r} is not read as a power", source, line,
                          col + k, f"write {head}^{power.translate(_SUPERSCRIPTS)}")
    return ParseError(f"unexpected character {text[k]!r} in the name {text[:k + 1]!r}",
                      source, line, col + k)


def parse(source: str) -> Trace:
    """Parse an expression or a trace program into a :class:`~autodiff.trace.Trace`.

    >>> t = parse("x1*x2 + exp(x1*x2) - sin(x2)")
    >>> len(t), [s.var for s in t][:3]
    (7, ['v1', 'v2', 'v3'])
    """
    if source.startswith("\ufeff"):  # a byte-order mark, as editors on Windows write
        source = source[1:]
    with cycle_collection_paused(), _nesting_headroom():
        return _Parser(source).parse()


@contextmanager
def _nesting_headroom() -> Iterator[None]:
    """Room on the Python stack for :data:`MAX_NESTING` levels of calls and parentheses.

    The parser recurses only on nesting, but each level of ``sin(…)`` takes five Python frames,
    so the cap of 200 levels needs about 1,000 frames above wherever ``parse`` is called from."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, 8 * MAX_NESTING + 2000))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def parse_point(text: str) -> dict[str, float]:
    """Read a point such as ``x1=1.5,x2=0.5`` (never evaluated: each value is a float)."""
    point: dict[str, float] = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        name, eq, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not name or not value:
            raise InputError(f"cannot read {item!r} in {text!r}: write name=value, "
                             "for example x1=1.5,x2=0.5")
        if not re.fullmatch(r"[^\W\d]\w*", name):
            raise InputError(f"{name!r} in {text!r} is not a variable name")
        if name in point:
            raise InputError(f"{name} is given twice in {text!r}")
        try:
            point[name] = float(value)
        except ValueError:
            raise InputError(f"the value of {name} is not a number: {value!r}") from None
    if not point:
        raise InputError(f"no values in {text!r}: write name=value, for example x1=1.5")
    return point


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.pos = 0
        self.depth = 0
        self.builder = TraceBuilder()
        self.env: dict[str, Arg] = {}  # program names → variable or constant
        self.assigned_at: dict[str, int] = {}  # name → line of its assignment (pre-scan)
        self.first_use: dict[str, Token] = {}
        self.declared: set[str] = set()  # inputs named by a line such as v1 = x1

    # -- token helpers ---------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def error(self, msg: str, tok: Token | None = None, hint: str = "") -> ParseError:
        tok = tok or self.tok
        return ParseError(msg, self.source, tok.line, tok.col, hint)

    def expect(self, kind: str, what: str) -> Token:
        if self.tok.kind != kind:
            raise self.error(f"expected {what}, found {_describe(self.tok)}")
        return self.advance()

    # -- statements ------------------------------------------------------------------------
    def statements(self) -> list[tuple[int, int]]:
        """(start, end) token ranges of the non-empty statements."""
        out, start = [], 0
        for i, t in enumerate(self.tokens):
            if t.kind in ("nl", "end"):
                if i > start:
                    out.append((start, i))
                start = i + 1
        return out

    def parse(self) -> Trace:
        stmts = self.statements()
        if not stmts:
            raise self.error("empty expression: nothing to differentiate",
                             hint='for example "x1*x2 + exp(x1*x2) - sin(x2)"')
        is_program = len(stmts) > 1 or any(
            self.tokens[s + 1].kind == "=" or self.tokens[s].text == "return"
            for s, _ in stmts if self.tokens[s].kind == "name")
        if not is_program:
            self.pos = stmts[0][0]
            out = self.expr()
            self.end_of_statement()
            if type(out) is not int:
                raise self.error("the expression has no variables: it is the constant "
                                 f"{out}", self.tokens[0])
            inputs = sorted(self.builder._inputs, key=_natural)
            return self.builder.build([out], self.source, inputs, numbered=True)
        return self.program(stmts)

    def program(self, stmts: list[tuple[int, int]]) -> Trace:
        for s, e in stmts:
            t = self.tokens[s]
            if t.kind == "name" and self.tokens[s + 1].kind == "=":
                rhs = self.tokens[s + 2]
                if e == s + 3 and rhs.kind == "name" and rhs.text not in self.assigned_at:
                    self.declared.add(rhs.text)  # v1 = x1 declares x1 an input
                self.assigned_at.setdefault(t.text, t.line)
        outputs: list[int] = []
        last: Arg | None = None
        for n, (s, _) in enumerate(stmts):
            self.pos = s
            t = self.tok
            if outputs:
                raise self.error("nothing may follow the return line", t)
            if t.kind == "name" and t.text == "return":
                self.advance()
                outputs = [self.output(self.expr())]
                while self.tok.kind == ",":
                    self.advance()
                    outputs.append(self.output(self.expr()))
            elif t.kind == "name" and self.tokens[s + 1].kind == "=":
                last = self.assignment()
            elif n == len(stmts) - 1:
                last = self.expr()
            else:
                raise self.error("expected an assignment such as v3 = v1*v2", t,
                                 "only the last line may be a bare expression")
            self.end_of_statement()
        if not outputs:
            outputs = [self.output(last)]
        taken = set(self.env) | set(self.first_use)
        temp = (f"t{k}" for k in count(1) if f"t{k}" not in taken)
        return self.builder.build(outputs, self.source, None, numbered=False, temp=temp)

    def output(self, value: Arg | None) -> int:
        if type(value) is not int:
            raise self.error(f"the output is the constant {value}: nothing to differentiate",
                             self.tokens[max(self.pos - 1, 0)])
        return value

    def assignment(self) -> Arg:
        name_tok = self.advance()
        name = name_tok.text
        self.advance()  # "="
        if P.lookup(name) or name in CONSTANTS or name in KEYWORDS:
            raise self.error(f"cannot assign to {name}: it is a reserved name", name_tok)
        if name in self.env:
            raise self.error(f"{name} is already assigned (a trace assigns each variable "
                             "once)", name_tok)
        if name in self.first_use:
            use = self.first_use[name]
            raise self.error(f"cannot assign to {name}: it is an input, used on line "
                             f"{use.line} before this assignment", name_tok,
                             "assign it before its first use, or use another name")
        before = len(self.builder.steps)
        rhs_start = self.tok
        value = self.expr()
        if type(value) is int:
            step = self.builder.steps[value]
            single_name = self.tokens[self.pos - 1] is rhs_start and rhs_start.kind == "name"
            if step.is_input:  # v1 = x1, v1 = (x1), v1 = +x1 name the input variable
                if step.var == step.input:
                    self.builder.rename(value, name)
            elif value >= before:
                self.builder.rename(value, name)
            elif not single_name:  # the line repeats an earlier step: keep it, as written
                value = self.builder.apply(step.op, step.args, name_tok.line, name=name)
        self.env[name] = value
        return value

    def end_of_statement(self) -> None:
        if self.tok.kind not in ("nl", "end"):
            t = self.tok
            if t.kind in _OPERAND_START:
                prev = self.tokens[self.pos - 1]
                raise self.error(f"missing operator between {_describe(prev)} and "
                                 f"{_describe(t)}", t,
                                 f"write {prev.text}*{t.text} for a product")
            if t.kind == ")":
                raise self.error("unmatched ')'", t)
            raise self.error(f"unexpected {_describe(t)}", t)

    # -- expressions -----------------------------------------------------------------------
    def expr(self) -> Arg:
        left = self.term()
        while self.tok.kind in ("+", "-"):
            op = P.OPERATORS[self.advance().kind]
            left = self.apply(op, (left, self.term()))
        return left

    def term(self) -> Arg:
        left = self.unary()
        while self.tok.kind in ("*", "/"):
            op = P.OPERATORS[self.advance().kind]
            left = self.apply(op, (left, self.unary()))
        return left

    def unary(self) -> Arg:
        signs = 0
        while self.tok.kind in ("-", "+"):
            signs += self.advance().kind == "-"
        value = self.primary()
        if self.tok.kind in ("**", "^"):
            self.advance()
            self.nest()
            value = self.apply(P.pow_, (value, self.unary()))
            self.depth -= 1
        for _ in range(signs):
            value = self.apply(P.neg, (value,))
        return value

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"too deeply nested (more than {MAX_NESTING} levels of "
                             "parentheses or exponents)")

    def primary(self) -> Arg:
        t = self.tok
        if t.kind == "num":
            self.advance()
            return Const(np.float64(float(t.text)))
        if t.kind == "(":
            self.advance()
            self.nest()
            value = self.expr()
            if self.tok.kind != ")":
                raise self.error("unbalanced parentheses: this '(' is never closed", t)
            self.advance()
            self.depth -= 1
            return value
        if t.kind == "name":
            self.advance()
            if self.tok.kind == "(":
                return self.call(t)
            return self.name(t)
        if t.kind == "end" or t.kind == "nl":
            raise self.error("unexpected end of input: an operand is missing", t)
        if t.kind == ")":
            raise self.error("unmatched ')'" if self.depth == 0 else "empty parentheses", t)
        raise self.error(f"expected a number, a name or '(', found {_describe(t)}", t)

    def call(self, t: Token) -> Arg:
        op = P.lookup(t.text)
        if op is None:
            known = sorted(set(P.REGISTRY) | set(P.ALIASES))
            close = difflib.get_close_matches(t.text, known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"known functions: {', '.join(known)}"
            raise self.error(f"unknown function {t.text}", t, hint)
        self.advance()  # "("
        self.nest()
        args: list[Arg] = []
        if self.tok.kind != ")":
            args.append(self.expr())
            while self.tok.kind == ",":
                self.advance()
                args.append(self.expr())
        if self.tok.kind != ")":
            if self.tok.kind in ("end", "nl"):
                raise self.error("unbalanced parentheses: this '(' is never closed",
                                 self.tokens[self.tokens.index(t) + 1])
            raise self.error(f"expected ',' or ')' in the call of {t.text}, found "
                             f"{_describe(self.tok)}")
        self.advance()
        self.depth -= 1
        if len(args) != op.arity:
            n = op.arity
            raise self.error(f"{t.text} takes {n} argument{'s' * (n != 1)}, got {len(args)}", t)
        return self.apply(op, tuple(args))

    def name(self, t: Token) -> Arg:
        if P.lookup(t.text):
            raise self.error(f"{t.text} is a function: call it as {t.text}(…)", t)
        if t.text in KEYWORDS:
            raise self.error(f"{t.text} may only begin a line", t)
        if t.text in CONSTANTS:
            return Const(np.float64(CONSTANTS[t.text]))
        if t.text in self.env:
            return self.env[t.text]
        if t.text in self.assigned_at and t.text not in self.declared:
            raise self.error(f"{t.text} is used before it is assigned (on line "
                             f"{self.assigned_at[t.text]})", t)
        self.first_use.setdefault(t.text, t)
        return self.builder.input(t.text, t.line)

    def apply(self, op: P.Primitive, args: tuple[Arg, ...]) -> Arg:
        for a in args:
            if type(a) is not Const:
                return self.builder.apply(op, args, self.tokens[self.pos - 1].line)
        with np.errstate(all="ignore"):  # constants fold: 2^3 is 8
            return Const(np.float64(op.impl(*(a.value for a in args))))


def _natural(name: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def _describe(t: Token) -> str:
    if t.kind == "end":
        return "the end of the input"
    if t.kind == "nl":
        return "the end of the line"
    if t.kind == "num":
        return f"the number {t.text}"
    if t.kind == "name":
        return f"the name {t.text!r}"
    return f"{t.text!r}"
