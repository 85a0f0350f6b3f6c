"""The parser: the grammar, sharing, programs, and an error with a caret for every bad input."""

import pytest
from hypothesis import given

import autodiff
from autodiff import InputError, ParseError, parse, parse_point
from autodiff.parse import MAX_NESTING

from .strategies import expressions


def vars_of(trace):
    return [(s.var, s.op.name if s.op else s.input) for s in trace]


def test_lecture_expression_shares_x1_x2():
    t = parse("x1*x2+exp(x1*x2)-sin(x2)")
    assert len(t) == 7
    assert vars_of(t) == [("v1", "x1"), ("v2", "x2"), ("v3", "mul"), ("v4", "exp"),
                          ("v5", "add"), ("v6", "sin"), ("v7", "sub")]
    assert t.steps[3].args == (2,)  # exp takes the shared v3


@pytest.mark.parametrize("text, ops", [
    ("-x^2", ["pow", "neg"]),             # -(x^2)
    ("x**-2", ["pow"]),                   # exponent with a unary minus
    ("2^x^2", ["pow", "pow"]),            # right-associative: 2^(x^2)
    ("x - y - z", ["sub", "sub"]),        # left-associative
    ("x/y/z", ["div", "div"]),
    ("x·y×z", ["mul", "mul"]),            # the tables' middle dot reads back
    ("ln(x)", ["log"]),
    ("pow(x, 3)", ["pow"]),
])
def test_operators(text, ops):
    assert [s.op.name for s in parse(text) if s.op] == ops


def test_precedence_and_associativity_by_value():
    from autodiff import evaluate
    assert evaluate("2^x^2", at={"x": 2.0}).value == 16.0
    assert evaluate("x - 1 - 1", at={"x": 0.0}).value == -2.0
    assert evaluate("-x^2", at={"x": 3.0}).value == -9.0
    assert evaluate("8/x/2", at={"x": 2.0}).value == 2.0


def test_numbers_and_constants_fold():
    t = parse("x*1.5e-3 + 2^3 + pi - .5")
    assert [s.op.name for s in t if s.op] == ["mul", "add", "add", "sub"]
    assert float(t.steps[2].args[1].value) == 8.0


def test_inputs_in_natural_order():
    t = parse("x10 + x2 + x1")
    assert list(t.inputs) == ["x1", "x2", "x10"]


def test_program_keeps_names_and_order():
    t = parse("v1 = x1\nv2 = x2\nv3 = v1*v2  # product\nv4 = sin(v2); v5 = exp(v3)\n"
              "v6 = v3 - v4\nv7 = v5 + v6\n")
    assert [s.var for s in t] == [f"v{i}" for i in range(1, 8)]
    assert list(t.inputs) == ["x1", "x2"]
    assert t.steps[t.output].var == "v7"


def test_program_compound_lines_get_temporaries():
    t = parse("y = a*b + c\nz = y*y")
    assert [s.var for s in t] == ["a", "b", "c", "t1", "y", "z"]


def test_program_return_marks_outputs():
    t = parse("u = x*y\nw = sin(u)\nreturn u, w")
    assert [t.steps[o].var for o in t.outputs] == ["u", "w"]


def test_program_repeated_line_is_kept_as_written():
    t = parse("a = x*y\nb = x*y\nc = a + b")
    assert [s.var for s in t] == ["x", "y", "a", "b", "c"]


def caret_of(err):
    lines = str(err).splitlines()
    return lines[-1].index("^") - 2, lines[0]


@pytest.mark.parametrize("text, message, column", [
    ("", "empty", 1),
    ("   ", "empty", 4),
    ("x1*", "end of input", 4),
    ("sinn(x1)", "unknown function sinn", 1),
    ("2x", "implicit multiplication", 2),
    ("(x1+x2", "never closed", 1),
    ("x1+x2)", "unmatched ')'", 6),
    ("x1 $ x2", "unexpected character '$'", 4),
    ("x1 x2", "missing operator", 4),
    ("exp(x1, x2)", "exp takes 1 argument, got 2", 1),
    ("exp()", "exp takes 1 argument, got 0", 1),
    ("exp + 1", "exp is a function", 1),
    ("'x1'", "unexpected character", 1),
    ("x1.real", "unexpected character '.'", 3),
    ("2*3", "no variables", 1),
])
def test_parse_errors_say_what_and_where(text, message, column):
    with pytest.raises(ParseError) as info:
        parse(text)
    err = info.value
    assert message in str(err)
    assert err.column == column
    assert caret_of(err)[0] == column - 1


def test_unknown_function_suggests_the_nearest():
    with pytest.raises(ParseError, match="did you mean sin"):
        parse("sinn(x)")


@pytest.mark.parametrize("program, message, line", [
    ("a = b*2\nb = x", "b is used before it is assigned", 1),
    ("v1 = x\na = x*2\nx = 3", "cannot assign to x: it is an input", 3),
    ("a = x*2\nx = 3", "x is used before it is assigned", 1),
    ("a = x\na = 2*x", "a is already assigned", 2),
    ("exp = x", "reserved", 1),
    ("a = x\nb = y\na + b\nc = a", "expected an assignment", 3),
    ("a = x\nreturn a\nb = a", "nothing may follow the return", 3),
])
def test_program_errors(program, message, line):
    with pytest.raises(ParseError, match=message) as info:
        parse(program)
    assert info.value.line == line


def test_nesting_is_capped_with_a_message():
    parse("(" * MAX_NESTING + "x" + ")" * MAX_NESTING)
    with pytest.raises(ParseError, match="too deeply nested"):
        parse("(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1))


def test_long_sums_do_not_recurse():
    t = parse(" + ".join(f"x{i}" for i in range(20000)))
    assert len(t) == 20000 + 19999


@given(expressions())
def test_printing_a_trace_as_a_program_reads_back(text):
    t = parse(text)
    again = parse(t.to_program())
    assert [(s.var, s.op, s.args, s.input) for s in again] == \
           [(s.var, s.op, s.args, s.input) for s in t]
    assert again.outputs == t.outputs


@pytest.mark.parametrize("text, point", [
    ("x1=1.5,x2=0.5", {"x1": 1.5, "x2": 0.5}),
    (" x = -2e-3 ", {"x": -0.002}),
])
def test_points(text, point):
    assert parse_point(text) == point


@pytest.mark.parametrize("text", ["x1", "x1=abc", "=1", "x1=1,x1=2", "1x=2", ""])
def test_bad_points(text):
    with pytest.raises(InputError):
        parse_point(text)


def test_large_and_small_numbers_print_so_they_read_back():
    """Integers below a million print as integers, larger ones in scientific notation (not
    272947000000000), tiny ones too; every form reads back as the same float."""
    from autodiff.term import format_number

    assert format_number(999999.0) == "999999"
    assert format_number(1e6) == "1e+06"
    assert format_number(2.72947e14) == "2.72947e+14"
    assert format_number(-123456789.0) == "-1.23456789e+08"
    assert format_number(1e-5) == "1e-05" and format_number(0.0001) == "0.0001"
    for v in (999999.0, 1e6, 2.72947e14, -123456789.0, 1e-5, 0.1, 2**53 + 2.0):
        assert float(format_number(v)) == v
    t = parse("1000000*x + 3*x")
    assert "1e+06" in str(autodiff.evaluate(t, at={"x": 1.0}))
