"""The comparer on its own: tree vs tree, and the method of the comparison that decided."""

from __future__ import annotations

from fractions import Fraction

import pytest

from verifiers.compare import Comparer, Outcome
from verifiers.limits import Deadline
from verifiers.nodes import (
    INF,
    NEG_INF,
    Add,
    Based,
    ClockTime,
    Div,
    Func,
    ListOf,
    Mul,
    NamedSet,
    Neg,
    Num,
    PlusMinus,
    Pow,
    Ratio,
    Rel,
    Seq,
    SetOf,
    Sym,
    Union,
)
from verifiers.parser import parse


def n(value, decimals=None) -> Num:
    return Num(Fraction(value), decimals)


X = Sym("x")


def compare(p, g, p_pct=False, g_pct=False) -> Outcome:
    return Comparer(Deadline(10.0)).answers(p, g, p_pct, g_pct)


@pytest.mark.parametrize(
    "p, g, method",
    [
        (n(7), n(7), "exact"),
        (Div(n(1), n(2)), n("0.5", 1), "numeric"),
        (Pow(n(8), n(Fraction(1, 2))), Mul((n(2), Pow(n(2), n(Fraction(1, 2))))), "numeric"),
        (Pow(Add((X, n(1))), n(2)), Add((Pow(X, n(2)), Mul((n(2), X)), n(1))), "symbolic"),
        (SetOf((n(1), n(2))), SetOf((n(2), Div(n(2), n(2)))), "set"),  # members compared numerically
        (Seq("(", ")", (n(1), Div(n(4), n(2)))), Seq("(", ")", (n(1), n(2))), "tuple"),
        (Rel((">",), (X, n(2))), Seq("(", ")", (n(2), INF)), "interval"),
        (
            Rel(("=",), (Sym("y"), Add((Mul((n(2), X)), n(1))))),
            Rel(("=",), (Add((n(1), Mul((n(2), X)))), Sym("y"))),
            "equation",
        ),
        (Ratio((n(10), n(4))), Ratio((n(5), n(2))), "ratio"),
        (ClockTime(900, True), ClockTime(180, False), "time"),
        (PlusMinus(None, n(3)), SetOf((n(3), Neg(n(3)))), "set"),
    ],
)
def test_equal_trees_and_the_deciding_method(p, g, method):
    outcome = compare(p, g)
    assert outcome.correct, outcome
    assert outcome.method == method, outcome
    assert method in outcome.reason


@pytest.mark.parametrize(
    "p, g",
    [
        (n(7), n(8)),
        (SetOf((n(1), n(2))), SetOf((n(1), n(2), n(3)))),
        (Seq("(", ")", (n(1), n(2))), Seq("(", ")", (n(2), n(1)))),
        (Seq("(", ")", (n(1), n(2))), SetOf((n(1), n(2)))),
        (Ratio((n(2), n(3))), Ratio((n(3), n(2)))),
        (ClockTime(60, False), ClockTime(720, False)),  # 1:00 vs 12:00
        (ClockTime(180, True), ClockTime(900, True)),  # 3 AM vs 3 PM
        (Rel((">",), (X, n(2))), Rel((">=",), (X, n(2)))),
    ],
)
def test_different_trees(p, g):
    assert not compare(p, g).correct


def test_a_known_function_does_not_name_the_answer():
    sin_eq = Rel(("=",), (Func("sin", (X,)), Div(n(1), n(2))))
    cos_eq = Rel(("=",), (Func("cos", (X,)), Div(n(1), n(2))))
    assert not compare(sin_eq, cos_eq).correct
    named = Rel(("=",), (Func("g", (X,)), Add((Mul((n(2), X)), n(1)))))
    assert compare(named, Add((Mul((n(2), X)), n(1)))).correct


def test_an_equation_of_combined_names_gives_its_value_only_against_a_constant_key():
    a, b = Sym("a"), Sym("b")
    sum_of_names = Rel(("=",), (Add((a, b)), n(7)))
    assert compare(sum_of_names, n(7)).correct
    assert not compare(sum_of_names, n(8)).correct
    roots = Rel(("=", "="), (Neg(Div(b, a)), Div(n(7), n(2)), n("3.5", 1)))
    assert compare(roots, Div(n(7), n(2))).correct
    assert not compare(n(7), sum_of_names).correct  # an equation key stays an equation
    assert not compare(Rel(("=",), (Mul((n(3), X)), n(12))), n(12)).correct  # a number: solve it
    assert not compare(Rel(("=",), (Neg(X), n(3))), n(3)).correct  # one name: solve it
    assert not compare(Rel(("=",), (Add((a, b)), Mul((n(2), X)))), Mul((n(2), X))).correct  # key not constant


def test_labelled_parts_compare_in_order():
    comparer = Comparer(Deadline(10.0))
    parts = ListOf((n(12), n(10)))
    assert comparer.parts(parts, ListOf((n(12), Div(n(20), n(2))))).correct
    assert comparer.parts(parts, ListOf((n(12), n(10)))).method == "parts"
    assert not comparer.parts(parts, ListOf((n(10), n(12)))).correct
    assert not comparer.parts(parts, ListOf((n(12), n(10), n(1)))).correct
    assert compare(parts, ListOf((n(10), n(12)))).correct  # unlabelled lists stay unordered


def test_tiny_differences_are_not_rounding_noise():
    tiny = Pow(n(10), Neg(n(40)))
    assert not compare(Add((X, tiny)), X).correct
    deep = Pow(n(2), Pow(n(2), Pow(n(2), Pow(n(2), Neg(n(200))))))
    deeper = Pow(n(2), Pow(n(2), Pow(n(2), Pow(n(2), Neg(n(201))))))
    assert not compare(deep, deeper).correct
    assert compare(deep, deep).correct


@pytest.mark.parametrize(
    "decimal, exact, expected",
    [
        ("3.141592654", parse("\\pi"), True),  # 10 significant digits, correctly rounded
        ("3.141592653", parse("\\pi"), False),  # truncated, not rounded
        ("3.14159266", parse("\\pi"), False),  # 9 digits
        ("0.33333334", Div(n(1), n(3)), False),
        ("0.3333333333", Div(n(1), n(3)), True),
    ],
)
def test_approximations_need_ten_correctly_rounded_digits(decimal, exact, expected):
    literal = n(decimal, len(decimal.split(".")[1]))
    assert compare(literal, exact).correct is expected
    assert compare(exact, literal).correct is expected


@pytest.mark.parametrize(
    "decimal, exact, expected",
    [
        ("1.4142135623730951", parse("\\sqrt{2}"), True),  # how a double prints √2: one unit over
        ("0.6666666666666666", Div(n(2), n(3)), True),  # truncated, as a double prints 2/3
        ("0.6666666666666664", Div(n(2), n(3)), False),  # three units off
        ("0.66666666666666", Div(n(2), n(3)), False),  # 14 digits: correctly rounded or nothing
    ],
)
def test_a_doubles_printed_digits_may_be_one_unit_off(decimal, exact, expected):
    literal = n(decimal, len(decimal.split(".")[1]))
    assert compare(literal, exact).correct is expected
    assert compare(exact, literal).correct is expected


def test_values_given_to_names_are_compared_name_by_name():
    a, b = Sym("a"), Sym("b")
    given = ListOf((Rel(("=",), (a, n(5))), Rel(("=",), (b, n(3)))))
    swapped = ListOf((Rel(("=",), (a, n(3))), Rel(("=",), (b, n(5)))))
    reordered = ListOf((Rel(("=",), (b, n(3))), Rel(("=",), (a, n(5)))))
    assert compare(given, swapped) == Outcome(False, "assignments", "not equal by assignments comparison")
    assert compare(given, reordered).correct
    assert compare(Rel(("=",), (Seq("(", ")", (a, b)), Seq("(", ")", (n(5), n(3))))), given).correct


def test_scientific_notation_whose_exponent_passes_its_decimals():
    # 1.5 \\times 10^4: its last digit stands for thousands (no float place value, no crash)
    assert compare(parse("1.5 \\times 10^4"), n(15000)).correct
    assert not compare(parse("1.5 \\times 10^4"), n(1500)).correct
    assert compare(parse("1.234567890 \\times 10^{12}"), n(1234567890400)).correct
    assert not compare(parse("1.234567890 \\times 10^{12}"), n(1234567890600)).correct


def test_percent_flags():
    assert compare(parse("x = 45"), n("0.45", 2), True, False).correct  # the value is scaled, not the equation
    assert not compare(parse("x = 45"), n("4.5", 1), True, False).correct
    assert compare(n(25), n(25), False, True).correct
    assert compare(n("0.25", 2), n(25), False, True).correct
    assert not compare(n("2.5", 1), n(25), False, True).correct


def test_base_n_keys_read_a_plain_numeral_in_their_base():
    assert compare(n(52), Based("52", 8)).correct
    assert not compare(n(42), Based("52", 8)).correct
    assert compare(Based("101", 2), n(5)).correct


def test_named_sets():
    assert compare(NamedSet("empty"), SetOf(())).correct
    assert compare(NamedSet("reals"), Seq("(", ")", (NEG_INF, INF))).correct
    assert not compare(NamedSet("naturals"), NamedSet("integers")).correct


def test_inequalities_joined_by_or_and_and():
    outside = ListOf((Rel(("<",), (X, Neg(n(1)))), Rel((">",), (X, n(1)))))
    union = Union((Seq("(", ")", (NEG_INF, Neg(n(1)))), Seq("(", ")", (n(1), INF))))
    assert compare(outside, union).correct
    between = ListOf((Rel((">",), (X, n(1))), Rel(("<",), (X, n(3)))))
    assert compare(between, Seq("(", ")", (n(1), n(3)))).correct
    assert not compare(between, union).correct


IDENTITY_2 = parse(r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}")


@pytest.mark.parametrize(
    ("name", "matrix", "equal"),
    [
        ("I", IDENTITY_2, True),
        ("I_2", IDENTITY_2, True),
        ("I_3", IDENTITY_2, False),  # the size it names is another
        ("I", parse(r"\begin{pmatrix} 1 & 1 \\ 0 & 1 \end{pmatrix}"), False),  # not the identity
        ("J", IDENTITY_2, False),
    ],
)
def test_the_identity_named_against_an_identity_matrix(name: str, matrix, equal: bool) -> None:
    same = Comparer(Deadline(5.0)).same
    assert same(Sym(name), matrix).correct is equal
    assert same(matrix, Sym(name)).correct is equal
