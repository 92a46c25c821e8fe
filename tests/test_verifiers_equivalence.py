"""verify(): what must be judged equal, and what not, category by category (issue 2)."""

from __future__ import annotations

import dataclasses

import pytest

from verifiers import Verdict, verify


def _cases(table: dict[str, list[tuple]]):
    """Flatten {category: [(pred, gold[, kwargs]), ...]} into pytest params with readable ids."""
    params = []
    for category, rows in table.items():
        for i, row in enumerate(rows):
            pred, gold, kw = (*row, {}) if len(row) == 2 else row
            params.append(pytest.param(pred, gold, kw, id=f"{category}-{i}"))
    return params


# (prediction, gold[, verify kwargs])
EQUAL: dict[str, list[tuple]] = {
    "integers": [
        ("42", "42"),
        ("-3", "-3"),
        ("+5", "5"),
        ("\u22123", "-3"),  # unicode minus sign
        (" 17 ", "17"),
        ("$17$", "17"),
        ("\\(17\\)", "17"),
    ],
    "decimals": [
        ("0.5", "0.5"),
        ("0.50", "0.5"),
        (".5", "0.5"),
        ("2.0", "2"),
        ("2", "2.00"),
        ("-0.125", "-\\frac{1}{8}"),
        ("0.5", "\\frac{1}{2}"),
    ],
    "fractions": [
        ("\\frac{1}{2}", "1/2"),
        ("\\dfrac{1}{2}", "\\frac{1}{2}"),
        ("\\tfrac{1}{2}", "\\frac{1}{2}"),
        ("\\frac12", "\\frac{1}{2}"),
        ("\\frac{3}{4}", "0.75"),
        ("-\\frac{1}{2}", "\\frac{-1}{2}"),
        ("\\frac{-1}{2}", "-0.5"),
        ("\\frac{10}{5}", "2"),
    ],
    "unreduced": [
        ("2/4", "1/2"),
        ("\\frac{6}{8}", "\\frac{3}{4}"),
        ("\\frac{100}{200}", "0.5"),
    ],
    "mixed_numbers": [
        ("7\\frac{3}{4}", "\\frac{31}{4}"),
        ("\\frac{31}{4}", "7\\frac{3}{4}"),
        ("7\\frac{3}{4}", "7.75"),
        ("2\\frac{1}{2}", "2.5"),
    ],
    "thousands_separators": [
        ("1,234", "1234"),
        ("1234", "1,234"),
        ("1,234,567", "1234567"),
        ("1 234 567", "1234567"),
        ("1\\,234", "1234"),
        ("1\\,234\\,567", "1234567"),
        ("1{,}234", "1234"),
        ("12,345.5", "12345.5"),
    ],
    "scientific": [
        ("3e5", "300000"),
        ("3E5", "300000"),
        ("3\\times10^5", "300000"),
        ("3 \\times 10^{5}", "3e5"),
        ("3\\cdot 10^{5}", "300000"),
        ("1.5\\times 10^{-3}", "0.0015"),
        ("300000", "3\\times 10^{5}"),
    ],
    "percent": [
        ("25\\%", "25\\%"),
        ("25%", "25\\%"),
        ("25", "25\\%"),
        ("0.25", "25\\%"),
        ("\\frac{1}{4}", "25\\%"),
        ("25\\%", "0.25"),
        ("12.5%", "12.5\\%"),
    ],
    "currency_units": [
        ("\\$7.50", "7.5"),
        ("$7.50", "7.5"),
        ("7.50 dollars", "7.5"),
        ("12\\text{ dollars}", "12"),
        ("12", "12\\text{ dollars}"),
        ("5 cm", "5"),
        ("5", "5 cm"),
        ("5\\text{ cm}", "5"),
        ("5\\,\\mathrm{cm}", "5"),
        ("3元", "3"),
        ("3", "3元"),
        ("¥3", "3"),
    ],
    "scale_words": [
        ("3 million", "3000000"),
        ("3000000", "3 million"),
        ("2.5 billion", "2500000000"),
        ("4 thousand", "4000"),
    ],
    "pi_and_e": [
        ("2\\pi", "2\\pi"),
        ("2\\pi", "\\pi \\cdot 2"),
        ("\\frac{\\pi}{2}", "\\pi/2"),
        ("\\frac{1}{2}\\pi", "\\frac{\\pi}{2}"),
        ("2π", "2\\pi"),
        ("e^{2}", "e^2"),
        ("e \\cdot e", "e^2"),
        ("\\frac{\\pi^2}{6}", "\\frac{1}{6}\\pi^{2}"),
    ],
    "radicals": [
        ("\\sqrt{8}", "2\\sqrt{2}"),
        ("2\\sqrt{2}", "\\sqrt{8}"),
        ("\\sqrt{12}", "2\\sqrt{3}"),
        ("\\frac{1}{\\sqrt{2}}", "\\frac{\\sqrt{2}}{2}"),
        ("\\sqrt[3]{27}", "3"),
        ("\\sqrt{2}\\cdot\\sqrt{3}", "\\sqrt{6}"),
        ("\\sqrt2", "\\sqrt{2}"),
    ],
    "complex": [
        ("i(2-i)", "1+2i"),
        ("1+2i", "2i+1"),
        ("(1+i)^2", "2i"),
        ("\\frac{1}{i}", "-i"),
    ],
    "symbolic": [
        ("(x+1)^2", "x^2+2x+1"),
        ("x^2+2x+1", "(x+1)^2"),
        ("\\sin^2 x + \\cos^2 x", "1"),
        ("2(x+3)", "2x+6"),
        ("\\frac{x}{2}", "\\frac{1}{2}x"),
        ("x \\cdot y", "yx"),
        ("(a-b)(a+b)", "a^2-b^2"),
        ("\\frac{x^2-1}{2}", "\\frac{(x-1)(x+1)}{2}"),
    ],
    "equations": [
        ("x=3", "3"),
        ("3", "x=3"),
        ("x = 3", "x=3"),
        ("y=2x+1", "y = 1 + 2x"),
        ("y = 2x+1", "2x+1"),
        ("2x+1=y", "y=2x+1"),
    ],
    "intervals_and_inequalities": [
        ("x>2", "(2,\\infty)"),
        ("(2,\\infty)", "x>2"),
        ("-1 \\le x < 3", "[-1,3)"),
        ("[-1,3)", "-1 \\leq x < 3"),
        ("x \\geq 0", "[0,\\infty)"),
        ("(-\\infty,5]", "x \\le 5"),
        ("[-1, 3)", "[-1,3)"),
        ("\\left[ -1, 3 \\right)", "[-1,3)"),
        ("(-\\infty,-1)\\cup(1,\\infty)", "(1,\\infty)\\cup(-\\infty,-1)"),
        ("[\\frac{1}{2}, 2]", "[0.5, 2]"),
    ],
    "sets": [
        ("\\{1,2,3\\}", "\\{3,2,1\\}"),
        ("\\{3, 1, 2\\}", "\\{1,2,3\\}"),
        ("1,2,3", "3,2,1", {"answer_type": "set"}),
        ("\\{\\frac{1}{2}, 2\\}", "\\{2, 0.5\\}"),
    ],
    "tuples": [
        ("(1,2)", "(1, 2)"),
        ("(\\frac{1}{2}, 3)", "(0.5, 3)"),
        ("(1,2,3)", "(1,2,3)", {"answer_type": "tuple"}),
    ],
    "matrices": [
        ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}"),
        ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}"),
        ("\\begin{pmatrix}\\frac{1}{2}\\\\2\\end{pmatrix}", "\\begin{pmatrix}0.5\\\\2\\end{pmatrix}"),
    ],
    "plus_minus": [
        ("1\\pm\\sqrt{2}", "\\{1+\\sqrt{2}, 1-\\sqrt{2}\\}"),
        ("\\{1-\\sqrt{2}, 1+\\sqrt{2}\\}", "1\\pm\\sqrt{2}"),
        ("1+\\sqrt{2}, 1-\\sqrt{2}", "1\\pm\\sqrt{2}"),
        ("\\pm 3", "\\{3, -3\\}"),
    ],
    "choice": [
        ("(B)", "B"),
        ("B", "B"),
        ("\\text{B}", "B"),
        ("\\textbf{B}", "B"),
        ("B.", "B"),
        ("option B", "B"),
        ("Option (B)", "B"),
        ("选B", "B"),
        ("The answer is (B).", "B"),
        ("B", "(B)"),
        ("(B)", "B", {"answer_type": "choice"}),
        ("\\boxed{\\text{(C)}}", "C"),
    ],
    "text": [
        ("Tuesday", "\\text{Tuesday}"),
        ("\\text{Tuesday}", "Tuesday"),
        ("\\textbf{Tuesday}", "Tuesday"),
        ("Tuesday", "Tuesday", {"answer_type": "text"}),
    ],
    "number_words": [
        ("seven", "7"),
        ("7", "seven"),
        ("twenty-five", "25"),
        ("二十五", "25"),
        ("十二", "12"),
        ("一百零五", "105"),
    ],
    "full_width": [
        ("１２", "12"),
        ("12", "１２"),
        ("３.５", "3.5"),
        ("４２", "42"),
    ],
    "big_exact": [
        ("2^{100}", "1267650600228229401496703205376"),
        ("\\frac{1}{2^{99}}", "2^{-99}"),
        ("10^{-20}", "1e-20"),
    ],
    "precise_approximations": [  # 10+ significant digits, correctly rounded
        ("3.141592654", "\\pi"),
        ("0.3333333333", "\\frac13"),
        ("0.6666666667", "\\frac{2}{3}"),
        ("1.414213562", "\\sqrt{2}"),
    ],
    "function_equations": [
        ("y=\\sin x", "y=\\sin x"),
        ("|AB|=1", "1"),
    ],
    "type_hints": [
        ("0.5", "\\frac{1}{2}", {"answer_type": "number"}),
        ("(x+1)^2", "x^2+2x+1", {"answer_type": "expression"}),
        ("x>2", "(2,\\infty)", {"answer_type": "interval"}),
        ("\\begin{pmatrix}1\\\\2\\end{pmatrix}", "\\begin{pmatrix}1\\\\2\\end{pmatrix}", {"answer_type": "matrix"}),
        ("x=3", "x=3", {"answer_type": "equation"}),
    ],
    "whole_solutions": [
        ("小明一共有 3 + 4 = 7 个苹果。答：小明一共有7个苹果。", "7"),
        ("他买了 2 支笔，每支 6 元，所以一共花了 12 元。", "12"),
        ("因为 x + 2 = 5，所以 x = 3。答案是 3。", "3"),
        ("计算得 \\frac{2}{4} 化简，答案是 \\frac{1}{2}", "0.5"),
        ("We have 3 + 4 = 7 apples in total. So the answer is 7.", "7"),
        ("Expanding, we get $(x+1)^2$, so the answer is $\\boxed{x^2+2x+1}$.", "(x+1)^2"),
        ("Natalia sold 48 clips in April and 24 in May, 48 + 24 = 72.\n#### 72", "72"),
        ("The total is 1000 + 234 = 1,234 dollars.\n#### 1,234", "1234"),
        ("Each option fails except one. The answer is (B).", "B"),
        ("Solving gives $x>2$, i.e. the interval $\\boxed{(2,\\infty)}$.", "x>2"),
    ],
}

DIFFERENT: dict[str, list[tuple]] = {
    "integers": [
        ("7", "8"),
        ("-3", "3"),
        ("42", "420"),
        ("0", "1"),
    ],
    "decimals_and_fractions": [
        ("\\frac{1}{2}", "\\frac{1}{3}"),
        ("1/2", "2"),
        ("0.33", "\\frac{1}{3}"),
        ("1.001", "1"),
        ("\\frac{2}{1}", "\\frac{1}{2}"),
        ("2.5", "25"),
        (".5", "5"),
        ("5", ".5"),
        ("0.05", "0.5"),
    ],
    "mixed_numbers": [
        ("7\\frac{3}{4}", "\\frac{21}{4}"),
        ("7\\frac{3}{4}", "7"),
    ],
    "separators": [
        ("1,234", "1235"),
        ("1 234", "1243"),
    ],
    "scientific": [
        ("3\\times10^5", "3\\times10^6"),
        ("3e5", "35"),
    ],
    "percent": [
        ("0.5", "50"),
        ("50", "0.5"),
        ("25\\%", "2.5"),
    ],
    "currency_units": [
        ("\\$7.50", "7.05"),
        ("3元", "4"),
    ],
    "scale_words": [
        ("3 million", "3000"),
        ("3 billion", "3000000"),
    ],
    "approximations": [
        ("3.14", "\\pi"),
        ("3.1416", "\\pi"),
        ("1.5708", "\\frac{\\pi}{2}"),
        ("2.718", "e"),
        ("1.414", "\\sqrt{2}"),
    ],
    "coarse_approximations": [  # fewer than 10 significant digits, or not correctly rounded
        ("0.33333334", "\\frac13"),
        ("3.14159266", "\\pi"),
        ("3.14159265", "\\pi"),
        ("0.6666666666", "\\frac{2}{3}"),
        ("1.41421356", "\\sqrt{2}"),
        ("3.141592653", "\\pi"),
    ],
    "function_names_in_equations": [
        ("\\sin x = \\frac12", "\\cos x = \\frac12"),
        ("\\tan x = 1", "\\cot x = 1"),
        ("y = \\ln x", "y = \\log_{2} x"),
    ],
    "letter_in_arithmetic": [
        ("A+1", "A"),
        ("2A", "A"),
        ("A^2", "A"),
        ("\\frac{A}{2}", "A"),
        ("The answer is $B \\times 3$.", "B"),
        ("\\boxed{C-1}", "C"),
    ],
    "nested_exponents": [
        ("2^{2^{2^{2^{-200}}}}", "2^{2^{2^{2^{-201}}}}"),
        ("2^{2^{2^{10^{-40}}}}", "16"),
        ("e^{e^{e^{10^{-45}}}}", "e^{e}"),
        ("\\sqrt{2}^{\\sqrt{2}^{1+10^{-50}}}", "\\sqrt{2}^{\\sqrt{2}}"),
    ],
    "tiny_symbolic_differences": [
        ("x+10^{-40}", "x"),
        ("y=x+10^{-40}", "y=x"),
        ("x(1+10^{-60})", "x"),
    ],
    "far_down": [
        ("1/2^{98}", "1/2^{99}"),
        ("\\frac{1}{2^{98}}", "\\frac{1}{2^{99}}"),
        ("10^{-20}", "10^{-21}"),
        ("10^{-20}", "0"),
        ("1+10^{-30}", "1"),
        ("2^{100}", "2^{100}+1"),
        ("1267650600228229401496703205377", "2^{100}"),
    ],
    "radicals": [
        ("2\\sqrt{3}", "3\\sqrt{2}"),
        ("\\sqrt{8}", "8"),
    ],
    "complex": [
        ("1-2i", "1+2i"),
        ("2i", "2"),
    ],
    "symbolic": [
        ("x+1", "x+2"),
        ("(x+1)^2", "x^2+1"),
        ("\\sin x", "\\cos x"),
        ("x^2", "x^3"),
        ("2x", "x^2"),
        ("x", "y"),
    ],
    "equations": [
        ("x=3", "x=4"),
        ("4", "x=3"),
        ("y=2x+1", "y=2x-1"),
    ],
    "intervals": [
        ("[0,1)", "(0,1]"),
        ("(2,\\infty)", "[2,\\infty)"),
        ("x>2", "x\\ge 2"),
        ("x<2", "(2,\\infty)"),
        ("[1,2]", "(1,2]"),
        ("[1,2]", "(1,2)", {"answer_type": "interval"}),
    ],
    "sets_vs_tuples": [
        ("(1,2)", "(2,1)"),
        ("(2,1)", "(1,2)", {"answer_type": "tuple"}),
        ("\\{1,2\\}", "\\{1,2,3\\}"),
        ("\\{1,2,3\\}", "\\{1,2\\}"),
        ("(1,2,3)", "(1,2)"),
    ],
    "matrices": [
        ("\\begin{pmatrix}1&3\\\\2&4\\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}"),
        ("\\begin{pmatrix}1&2\\\\3&5\\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}"),
    ],
    "plus_minus": [
        ("1+\\sqrt{2}", "1\\pm\\sqrt{2}"),
        ("1\\pm\\sqrt{3}", "1\\pm\\sqrt{2}"),
    ],
    "choice": [
        ("(C)", "B"),
        ("A", "B"),
        ("选C", "B"),
        ("The answer is (D).", "B"),
    ],
    "text": [
        ("Wednesday", "Tuesday"),
        ("\\text{Monday}", "\\text{Tuesday}"),
    ],
    "number_words": [
        ("seven", "8"),
        ("二十五", "20"),
        ("twenty-five", "52"),
    ],
    "full_width": [
        ("１２", "13"),
    ],
    "whole_solutions": [
        ("小明一共有 3 + 4 = 7 个苹果。答：小明一共有7个苹果。", "8"),
        ("First 2+2=4, then 4 \\times 2 = 8. The answer is 8.", "4"),
        ("所以一共花了 12 元。", "6"),
        ("We find \\boxed{5}.", "6"),
        ("There are 5 apples, so I cannot determine the answer.", "5"),
    ],
    "empty_prediction": [
        ("", "42"),
        ("   ", "42"),
        ("\\boxed{}", "42"),
    ],
}

UNPARSEABLE_GOLDS = ["\\frac{", "@@@", "}}}{{{", "\\begin{pmatrix} 1 &", "\\sqrt{"]
SOME_PREDICTIONS = ["1", "0", "42", "\\frac{1}{2}", "x", "B", "\\text{Tuesday}", "", "\\infty"]


@pytest.mark.parametrize("pred, gold, kw", _cases(EQUAL))
def test_equal(judge, pred, gold, kw):
    judge.equal(pred, gold, **kw)


@pytest.mark.parametrize("pred, gold, kw", _cases(DIFFERENT))
def test_different(judge, pred, gold, kw):
    judge.different(pred, gold, **kw)


@pytest.mark.parametrize("gold", UNPARSEABLE_GOLDS)
@pytest.mark.parametrize("pred", SOME_PREDICTIONS)
def test_unparseable_gold_never_makes_a_prediction_correct(judge, pred, gold):
    judge.different(pred, gold)


# --------------------------------------------------------------------------------------------
# The Verdict itself
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "pred, gold",
    [("7", "7"), ("8", "7"), ("\\frac{1}{2}", "0.5"), ("(x+1)^2", "x^2+2x+1"), ("So the answer is \\boxed{B}", "B")],
)
def test_verdict_fields(pred, gold):
    v = verify(pred, gold)
    assert isinstance(v, Verdict)
    assert type(v.correct) is bool
    assert isinstance(v.method, str) and v.method.strip()
    assert v.extracted is None or isinstance(v.extracted, str)
    assert isinstance(v.normalized, tuple) and len(v.normalized) == 2
    assert all(isinstance(s, str) for s in v.normalized)
    assert isinstance(v.reason, str)
    assert v.status == "ok"
    assert isinstance(v.elapsed_ms, float) and v.elapsed_ms >= 0.0


def test_verdict_is_frozen():
    v = verify("7", "7")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.correct = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.status = "error"  # type: ignore[misc]
    assert v.correct is True


def test_extracted_comes_from_the_whole_solution():
    v = verify("Adding them, 3 + 4 = 7. The answer is \\boxed{7}.", "7")
    assert v.correct
    assert v.extracted is not None and "7" in v.extracted and "3" not in v.extracted


def test_method_names_the_comparison():
    """Cheapest sound method first: equal integers are settled without sympy; letters are a choice."""
    assert verify("42", "42").method in {"exact", "numeric"}
    assert verify("(B)", "B").method == "choice"


def test_verify_is_deterministic():
    pairs = [("(x+1)^2", "x^2+2x+1"), ("3.14", "\\pi"), ("x>2", "(2,\\infty)"), ("选B", "B")]
    first = [verify(p, g) for p, g in pairs]
    second = [verify(p, g) for p, g in pairs]
    assert first == second  # elapsed_ms is excluded from equality
