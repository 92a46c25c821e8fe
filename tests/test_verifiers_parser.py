"""The parser on its own: text -> typed tree (verifiers.nodes), no comparison involved."""

from __future__ import annotations

from fractions import Fraction

import pytest

from verifiers.nodes import (
    INF,
    Add,
    Based,
    ClockTime,
    Const,
    Div,
    Fact,
    Func,
    Intersection,
    Limit,
    ListOf,
    Matrix,
    Mul,
    NamedSet,
    Neg,
    Num,
    Pct,
    PlusMinus,
    Pow,
    Ratio,
    Rel,
    Seq,
    SetOf,
    Sum,
    Sym,
    Union,
    Word,
    contains,
    from_json,
    to_json,
)
from verifiers.parser import ParseError, parse


def n(value, decimals=None) -> Num:
    return Num(Fraction(value), decimals)


X, Y = Sym("x"), Sym("y")

TREES = [
    ("42", n(42)),
    ("0.50", n("0.5", 2)),
    ("-3", Neg(n(3))),
    ("x+1", Add((X, n(1)))),
    ("x-y", Add((X, Neg(Y)))),
    ("2x", Mul((n(2), X))),
    ("xy", Mul((X, Y))),
    ("\\frac{1}{2}", Div(n(1), n(2))),
    ("\\frac12", Div(n(1), n(2))),
    ("x^2", Pow(X, n(2))),
    ("\\sqrt{2}", Pow(n(2), n(Fraction(1, 2)))),
    ("\\sin x", Func("sin", (X,))),
    ("sin(x)", Func("sin", (X,))),
    ("\\sin(x)^2", Pow(Func("sin", (X,)), n(2))),  # a power after the brackets is the function's
    ("\\sin^2 x", Pow(Func("sin", (X,)), n(2))),
    ("\\sin x^2", Func("sin", (Pow(X, n(2)),))),  # without brackets the argument takes it
    ("\\ln(x)!", Fact(Func("ln", (X,)))),
    ("\\arcsin x", Func("arcsin", (X,))),
    ("asin(x)", Func("arcsin", (X,))),  # one canonical name per function
    ("ln(x)", Func("ln", (X,))),  # plain ln is the function, not l*n
    ("\\ln x", Func("ln", (X,))),
    ("lg(100)", Func("log10", (n(100),))),
    ("\\log_{2} 8", Div(Func("ln", (n(8),)), Func("ln", (n(2),)))),
    ("f(x)", Func("f", (X,))),
    ("|x|", Func("abs", (X,))),
    ("\\pi", Const("pi")),
    ("\\infty", INF),
    ("5!", Fact(n(5))),
    ("1 \\pm \\sqrt{2}", PlusMinus(n(1), Pow(n(2), n(Fraction(1, 2))))),
    ("(1,2)", Seq("(", ")", (n(1), n(2)))),
    ("[0,1)", Seq("[", ")", (n(0), n(1)))),
    ("\\lbrace 1,2\\rbrace", SetOf((n(1), n(2)))),  # the parser reads cleaned text: \{ is \lbrace
    ("1, 2", ListOf((n(1), n(2)))),
    ("x=3", Rel(("=",), (X, n(3)))),
    ("-1 \\le x < 3", Rel(("<=", "<"), (Neg(n(1)), X, n(3)))),
    ("(1,2)\\cup(3,4)", Union((Seq("(", ")", (n(1), n(2))), Seq("(", ")", (n(3), n(4)))))),
    ("[1,3]\\cap[2,4]", Intersection((Seq("[", "]", (n(1), n(3))), Seq("[", "]", (n(2), n(4)))))),
    ("10:4", Ratio((n(10), n(4)))),
    ("52_8", Based("52", 8)),
    ("4210_{5}", Based("4210", 5)),
    ("a_1", Sym("a_1")),
    ("\\emptyset", NamedSet("empty")),
    ("\\varnothing", NamedSet("empty")),
    ("\\mathbbR", NamedSet("reals")),
    ("3e5", Mul((n(3), Pow(n(10), n(5))))),
    ("25%", Pct(n(25))),
]


@pytest.mark.parametrize("text, tree", TREES, ids=[t for t, _ in TREES])
def test_text_to_tree(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text, tree",
    [
        ("7\\frac{3}{4}", Add((n(7), Div(n(3), n(4))))),
        ("-2\\frac{1}{4}", Neg(Add((n(2), Div(n(1), n(4)))))),
        ("7 3/4", Add((n(7), Div(n(3), n(4))))),
        ("5(1/3)", Add((n(5), Div(n(1), n(3))))),  # Ape210K's mixed numbers
    ],
)
def test_mixed_numbers_are_sums(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    "text, product",
    [
        ("7\\frac{4}{3}", True),  # improper: a product
        ("7 \\cdot 3/4", True),
        ("2(x+1)", True),
        ("5(4/3)", True),
    ],
)
def test_what_is_not_a_mixed_number_stays_a_product(text, product):
    assert contains(parse(text), Mul) is product


def test_a_trailing_percent_binds_to_its_number():
    assert parse("5/4-100%") == Add((Div(n(5), n(4)), Neg(Pct(n(100)))))


@pytest.mark.parametrize(
    "text, minutes, exact",
    [("3:00", 180, False), ("15:30", 930, True), ("03:00", 180, True), ("0:05", 5, True), ("12:00", 720, False)],
)
def test_clock_times(text, minutes, exact):
    assert parse(text) == ClockTime(minutes, exact)


def test_ratios_that_are_no_time_stay_ratios():
    assert parse("3:2") == Ratio((n(3), n(2)))
    assert parse("1:2:3") == Ratio((n(1), n(2), n(3)))
    assert parse("25:70") == Ratio((n(25), n(70)))  # 25 hours: not a time


def test_limits_and_sums():
    assert parse("\\lim_{x\\to\\infty}(1+1/x)^x") == Limit(Pow(Add((n(1), Div(n(1), X))), X), "x", INF)
    assert parse("\\sum_{k=0}^{\\infty} 2^{-k}") == Sum(Pow(n(2), Neg(Sym("k"))), "k", n(0), INF)


def test_matrices():
    assert parse("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}") == Matrix(((n(1), n(2)), (n(3), n(4))))


def test_prose_is_words():
    assert contains(parse("Tuesday"), Word)


@pytest.mark.parametrize(
    ("text", "points"),
    [("\\angle ABC", "ABC"), ("\\triangle ABC", "ABC"), ("\\overline{ABC}", "ABC"), ("\\angle ABCD", "ABCD")],
)
def test_a_figure_named_by_its_points_is_letters(text, points):
    assert parse(text) == Mul(tuple(Sym(point) for point in points))


@pytest.mark.parametrize("text", ["ABC", "\\angle ABCDE", "LQSX"])
def test_capitals_elsewhere_stay_a_word(text):
    assert contains(parse(text), Word)


@pytest.mark.parametrize("text", ["\\frac{1}{", "(1,2", "@", "\\unknowncommand", "x^", "[1,3]\\cup[2,4]\\cap[0,1]"])
def test_malformed_input_raises_parse_error(text):
    with pytest.raises(ParseError):
        parse(text)


def test_depth_and_size_are_bounded():
    with pytest.raises(ParseError, match="nested too deeply"):
        parse("(" * 5000 + "1" + ")" * 5000)
    with pytest.raises(ParseError, match="too large"):
        parse("+".join(["x"] * 20_000))


def test_trees_are_frozen_and_hashable():
    tree = parse("x^2+1")
    assert hash(tree) == hash(parse("x^2+1"))
    with pytest.raises(AttributeError):
        tree.terms = ()  # type: ignore[misc]


@pytest.mark.parametrize("text", [t for t, _ in TREES] + ["\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "3:00"])
def test_json_round_trip(text):
    tree = parse(text)
    assert from_json(to_json(tree)) == tree


def test_unknown_node_class_in_json_is_refused():
    with pytest.raises(ValueError, match="unknown node class"):
        from_json({"k": "Exec", "f": []})
