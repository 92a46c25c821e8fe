"""extract_answer(): the final answer out of a model's whole solution (issue 2).

Formatting of the extracted string may differ between implementations (``$``, spaces, a trailing
period), so most cases check that ``verify(extracted, expected)`` holds rather than a literal.
"""

from __future__ import annotations

import pytest

from verifiers import extract_answer
from verifiers.extract import answers_in_a_row, extract_choice, sets_the_task
from verifiers.restated import ruled_out

# (text, what the extracted answer must equal, verify kwargs)
EXTRACTS = [
    # \boxed{} / \fbox{}, nested braces, the last one wins
    pytest.param("So the probability is \\boxed{\\frac{1}{2}}.", "\\frac{1}{2}", {}, id="boxed-nested-frac"),
    pytest.param("Thus $\\boxed{\\frac{\\sqrt{2}}{2}}$", "\\frac{\\sqrt{2}}{2}", {}, id="boxed-double-nesting"),
    pytest.param("\\boxed{ 7 }", "7", {}, id="boxed-spaces"),
    pytest.param("First guess \\boxed{3}, but after checking, \\boxed{5}.", "5", {}, id="boxed-last-wins"),
    pytest.param("The area is \\fbox{12} square units.", "12", {}, id="fbox"),
    pytest.param(
        "$\\boxed{\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}}$",
        "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
        {},
        id="boxed-matrix",
    ),
    pytest.param("The roots form the set \\boxed{\\{1, 2\\}}.", "\\{1,2\\}", {}, id="boxed-set"),
    pytest.param("so $x \\in \\boxed{[-1, 3)}$", "[-1,3)", {}, id="boxed-interval"),
    # GSM8K
    pytest.param("She earns 1000 + 234 = 1234 dollars.\n#### 1,234", "1234", {}, id="gsm8k-separators"),
    pytest.param("48/2 = 24 clips in May.\n#### 72", "72", {}, id="gsm8k"),
    # English phrases
    pytest.param("Adding everything up, the answer is 42.", "42", {}, id="the-answer-is"),
    pytest.param("The answer is $\\frac{3}{4}$.", "\\frac{3}{4}", {}, id="the-answer-is-latex"),
    pytest.param("Some working: 3 + 4 = 7\nAnswer: 7", "7", {}, id="answer-colon"),
    pytest.param(
        "We compute 6/8 = 3/4.\nFinal Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.",
        "\\frac{3}{4}",
        {},
        id="minerva-final-answer",
    ),
    pytest.param("Therefore, the final answer is: 2\\sqrt{2}", "\\sqrt{8}", {}, id="final-answer-is-colon"),
    # Chinese
    pytest.param("先算 3×4=12，所以答案是12。", "12", {}, id="zh-daanshi"),
    pytest.param("答案是：\\frac{1}{2}", "0.5", {}, id="zh-daanshi-colon-latex"),
    pytest.param("小明原来有2个苹果，又买了3个。答：小明有5个苹果。", "5", {}, id="zh-da"),
    pytest.param("每支笔 6 元，买 5 支，所以一共要付 30 元。", "30", {}, id="zh-suoyi-yuan"),
    pytest.param("所以，x=4。", "4", {}, id="zh-suoyi-equation"),
    # option letters
    pytest.param("Checking each option, the answer is (B).", "B", {"answer_type": "choice"}, id="choice-the-answer-is"),
    pytest.param("A 和 C 都不对，选B。", "B", {"answer_type": "choice"}, id="choice-zh-xuan"),
    pytest.param("综上所述，答案是 C", "C", {"answer_type": "choice"}, id="choice-zh-daanshi"),
    pytest.param("Answer: (D)", "D", {"answer_type": "choice"}, id="choice-answer-colon"),
    pytest.param(
        "The answer is C, since 3 + 4 = 7 while option B gives only 6.",
        "C",
        {"answer_type": "choice"},
        id="choice-reason-names-another",
    ),
    # a reason after the stated answer is no part of it
    pytest.param("The answer is 12, since 3 + 4 = 7 while 2 + 4 = 6.", "12", {}, id="reason-after-the-answer"),
    # values of different names listed at the end are the answer together
    pytest.param("So the solution is $x = 3$, $y = -2$.", "(3,-2)", {}, id="listed-assignments"),
    # last number as a fallback
    pytest.param("We add 10 and 7 to get 17", "17", {}, id="fallback-last-number"),
    pytest.param("3 apples plus 4 apples makes 7 apples", "7", {}, id="fallback-last-number-prose"),
    pytest.param("x = 2.5", "2.5", {}, id="fallback-decimal"),
    # revisions: the last committed answer counts
    pytest.param(
        "So the total is \\boxed{5}. Wait, that is wrong: I forgot one apple. The answer is \\boxed{6}.",
        "6",
        {},
        id="revision-boxed",
    ),
    pytest.param(
        "The answer is 5. Wait, I made an arithmetic error. Recomputing, the answer is 6.",
        "6",
        {},
        id="revision-phrase",
    ),
    pytest.param("答案是 5。不对，重新计算一下，答案是 6。", "6", {}, id="revision-zh"),
]


@pytest.mark.parametrize("text, expected, kw", EXTRACTS)
def test_extracts(judge, text, expected, kw):
    judge.extracts(text, expected, **kw)


def test_boxed_nested_frac_is_whole():
    got = extract_answer("The answer is \\boxed{\\frac{1}{2}}")
    assert got is not None
    assert got.replace(" ", "").strip("$") == "\\frac{1}{2}"


def test_last_boxed_is_taken_not_the_first():
    got = extract_answer("I first got \\boxed{3}. Checking the arithmetic again, the result is \\boxed{5}")
    assert got is not None and got.strip("$ ") == "5"


def test_gsm8k_keeps_the_number_not_the_prose():
    got = extract_answer("Natalia sold 48+24 = 72 clips.\n#### 72")
    assert got is not None and got.replace(",", "").strip() == "72"


def test_choice_letter_only():
    got = extract_answer("The answer is (B).")
    assert got is not None
    assert got.strip(" ().$") in {"B", "\\text{B}", "\\text{(B)}"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("There are 5 apples, so I cannot determine the answer.", id="cannot-determine"),
        pytest.param("", id="empty"),
        pytest.param("   \n\t ", id="whitespace"),
        pytest.param("<think>\nSo maybe the answer is 40. But wait, let me che", id="cut-off-in-thinking"),
        pytest.param("<think>\nSo the answer is \\boxed{40}. Hmm, but should I", id="cut-off-after-a-box"),
        pytest.param("<think>a</think>\nThe answer is 40.\n<think>hmm, but", id="second-thinking-cut-off"),
        pytest.param("The answer is 18.\n\nIf it were 20% off, the answer would be 16.", id="conditional-alternative"),
    ],
)
def test_no_answer(text):
    assert extract_answer(text) is None


def test_no_answer_means_not_correct(judge):
    judge.different("There are 5 apples, so I cannot determine the answer.", "5")


def test_cut_off_thinking_chooses_no_option():
    assert extract_choice("<think>\n(A) 21, (B) 27, (C) 29. So probably (C), but") is None
    assert extract_choice("<think>\nSo C.\n</think>\nThe answer is (C).") == "C"


def test_returns_str_or_none():
    for text in ["\\boxed{1}", "plain prose", "#### 3", "答案是 C", ""]:
        got = extract_answer(text)
        assert got is None or isinstance(got, str)


@pytest.mark.parametrize(
    ("sentence", "task"),
    [
        ("How many are left?", True),
        ("还剩多少个？", True),
        ("Find the remainder when 17 is divided by 5", True),
        ("We need to find how many apples remain if Tom eats 5.", True),
        ("The problem asks for the area of a square with side 5.", True),
        ("Compute 3 + 4 = 7.", False),  # worked out
        ("Find 12 - 5, which gives 7.", False),
        ("How many apples are left: 7.", False),
        ("What remains is 7.", False),
    ],
)
def test_sets_the_task(sentence: str, task: bool) -> None:
    assert sets_the_task(sentence) is task


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("Answer: 1\nAnswer: 2\nAnswer: 3", ["1", "2"]),
        ("答案：A\n答案：B\n答案：C", ["A", "B"]),
        ("The answer is 5. Answer: 5", ["5"]),
        ("So the total is 10. Actually I mis-added; the answer is 12.", []),
        ("The answer is 12.\n\nAnswer: 12 apples", ["12"]),  # the same value: verify finds no hedge
        ("The answer is not 12. The answer is 13.", []),
        ("所以x=3。所以y=4。", []),  # 所以 states steps, not answers
        ("\\boxed{1}\n\n\\boxed{2}\n\n\\boxed{3}", ["1", "2"]),
        ("\\boxed{3}\n\nAnswer: 4", ["3"]),
        ("The answer is $\\boxed{3}$.", []),  # a marker with its box: one statement
        ("Answer: 3\nAnswer: 4\nSo the total is 4 + 1 = 5.", []),  # a value after the last statement
    ],
)
def test_answers_in_a_row(text: str, earlier: list[str]) -> None:
    assert answers_in_a_row(text) == earlier


@pytest.mark.parametrize(
    ("prediction", "answer", "out"),
    [
        ("The answer is not 7.", "7", True),
        ("答案不是7。", "7", True),
        ("\\boxed{\\neq 7}", "\\neq 7", True),
        ("\\boxed{\\text{not } 7}", "\\text{not } 7", True),
        ("It is not 4. The answer is 3.", "3", False),
        ("The answer is 7, not 7.5.", "7", False),  # the 7 of 7.5 is no occurrence of 7
        ("The answer is 12, not 13.", "12", False),
    ],
)
def test_ruled_out(prediction: str, answer: str, out: bool) -> None:
    assert ruled_out(prediction, answer) is out
