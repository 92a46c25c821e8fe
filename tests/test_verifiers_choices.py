"""Option letters read from a whole answer: one, several, or one written with its content."""

from __future__ import annotations

import pytest

from verifiers import verify
from verifiers.choices import (
    LabelledOption,
    choice_letters,
    chosen_letters,
    labelled_option,
    letters_stated_correct,
    listed_option,
    options_offered_instead,
)


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        ("B", "B"),
        ("(B)", "B"),
        ("选B", "B"),
        ("A、C", "AC"),
        ("A, C, D", "ACD"),
        ("(A)(C)", "AC"),
        ("B and D", "BD"),
        ("\\text{A, C}", "AC"),
        ("选项 A、B", "AB"),
        ("ACD", "ACD"),
        ("CAD", None),  # run together out of order: an angle or a segment, not options
        ("AAB", None),
        ("a, c", None),  # variables
        ("A+C", None),
        ("AB = 5", None),
        ("K", None),
    ],
)
def test_choice_letters(text: str, letters: str | None) -> None:
    assert choice_letters(text) == (frozenset(letters) if letters else None)


@pytest.mark.parametrize(
    ("text", "option"),
    [
        ("(C) 12", LabelledOption("C", "12")),
        ("C. $\\frac{1}{2}$", LabelledOption("C", "\\frac{1}{2}")),
        ("\\text{(B) } 7", LabelledOption("B", "7")),
        ("(C)", None),
        ("C.12", None),
        ("(a) 12", None),  # a part label, not an option
        ("(A) 3 (B) 4 (C) 5", None),  # the options listed
        ("A. 3  B. 4", None),
    ],
)
def test_labelled_option(text: str, option: LabelledOption | None) -> None:
    assert labelled_option(text) == option


@pytest.mark.parametrize(
    ("text", "option"),
    [
        ("\\textbf{(B) } 12", LabelledOption("B", "12")),
        ("(C) $\\frac12$", LabelledOption("C", "\\frac12")),
        ("C: x^2+y^2=1", None),  # a curve's name, not an option
        ("B. 12", LabelledOption("B", "12")),
    ],
)
def test_labelled_option_without_a_colon(text: str, option: LabelledOption | None) -> None:
    assert labelled_option(text, colon=False) == option


@pytest.mark.parametrize(
    ("text", "letter", "content"),
    [
        ("A．70  B．80  C．90  D．100\n故选C．", "C", "90"),
        ("选项：A. 100  B. 140  C. 160  D. 120", "D", "120"),
        ("(A) $12$ (B) $15$ (C) $18$ (D) $20$", "B", "$15$"),
        ("A、3\nB、4\nC、5\nD、6", "A", "3"),
        ("A．70  B．80", "A", None),  # two options: no list
        ("所以选C", "C", None),
    ],
)
def test_listed_option(text: str, letter: str, content: str | None) -> None:
    assert listed_option(text, letter) == content


@pytest.mark.parametrize(
    ("prediction", "key", "expected"),
    [
        ("答案是A或C", "A", False),
        ("可能是 B，也可能是 C", "C", False),
        ("The answer is B or D.", "D", False),
        ("Either (B) or (C).", "B", False),
        ("答案：A、C", "AC", True),  # several options chosen
        ("所以答案是 A", "A", True),
        ("A 或 C 都不满足，所以选 B。", "B", True),  # ruled out together
        ("The answer is A. B or D is wrong.", "A", True),
    ],
)
def test_options_hedged_against_the_key(prediction: str, key: str, expected: bool) -> None:
    assert verify(prediction, key).correct is expected


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        ("本题选 A、C。", "AC"),
        ("不选A、C，本题选 B、D", "BD"),
        ("若选 A、C 都不对，所以选 B。", None),  # an option named after the list
        ("故选C", None),  # one option: read elsewhere
    ],
)
def test_chosen_letters(text: str, letters: str | None) -> None:
    assert chosen_letters(text) == (frozenset(letters) if letters else None)


@pytest.mark.parametrize(
    ("text", "chosen", "hedged"),
    [
        ("故选A或B。", "A", True),
        ("The answer is B, or possibly C.", "B", True),
        ("\\boxed{\\text{A or B}}", "B", True),
        ("A、B或C", "C", True),
        ("故选A（或B）", "A", True),
        ("正确答案是A（也可能是B）", "A", True),
        ("Either A or B must hold, so the answer is C.", "C", False),  # a later option answers it
        ("The answer is C. Options A or B fail.", "C", False),  # the chosen option is not offered
        ("The answer is C. I or you may check it.", "C", False),  # I: a pronoun
        ("所以选A，B也对", "A", True),  # another option said to be right as well
        ("所以选 A（B 也对）", "A", True),
        ("The answer is B. Option D is also plausible.", "B", True),
        ("A is true. B is also true. So the answer is D.", "D", False),  # said before the choice
    ],
)
def test_options_offered_instead(text: str, chosen: str, hedged: bool) -> None:
    assert options_offered_instead(text, frozenset(chosen)) is hedged


@pytest.mark.parametrize(
    ("prediction", "key", "expected"),
    [
        ("故选A或B。", "A", False),
        ("The answer is A or B.", "A", False),
        ("选A或选B", "B", False),
        ("A, B, C, or D", "D", False),
        ("ABCD都对。", "ABCD", True),
        ("ABCD都对。", "C", False),
        ("A和C都对应的是... 答案是B", "B", True),  # 对应: no verdict
        ("A and C", "AC", True),
        # the options listed (an echo of the question) are no choice; a chosen option beats one named
        ("The answer is B.\n\nA. 3\nB. 4\nC. 5\nD. 6", "D", False),
        ("The answer is B.\n\nA. 3\nB. 4\nC. 5\nD. 6", "B", True),
        ("答案：B\nA. 3 B. 4 C. 5 D. 6", "A", False),
        ("The options are:\nA. 3\nB. 4\nC. 5\nD. 6", "D", False),
        ("(A) 3 (B) 4 (C) 5 (D) 6", "A", False),
        ("A. 3\nB. 4\nC. 5\nD. 6\nAnswer:", "D", False),
        ("Answer: B\n\nExplanation: option D is wrong because D gives 6.", "D", False),
        ("Answer: B\n\nExplanation: option D is wrong because D gives 6.", "B", True),
        ("Q: Which is prime?\nA. 4\nB. 6\nC. 7\nD. 9\nC", "C", True),
        ("Q: Which is prime?\nA. 4\nB. 6\nC. 7\nD. 9\n\nThe answer is C.", "C", True),
        ("The answer is (C) 12.", "C", True),
    ],
)
def test_option_hedges_and_verdicts(prediction: str, key: str, expected: bool) -> None:
    assert verify(prediction, key).correct is expected


def test_letters_stated_correct_run_together() -> None:
    assert letters_stated_correct("ABCD都对。") == frozenset("ABCD")
    assert letters_stated_correct("选项A、B、D正确") == frozenset("ABD")
