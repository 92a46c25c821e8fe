"""Option letters read from a whole answer: one, several, or one written with its content."""

from __future__ import annotations

import pytest

from verifiers.choices import (
    LabelledOption,
    choice_letters,
    chosen_letters,
    hedged_letters,
    labelled_option,
    listed_option,
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
        ("B. 12", None),
    ],
)
def test_labelled_option_in_parentheses(text: str, option: LabelledOption | None) -> None:
    assert labelled_option(text, parenthesized=True) == option


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
    ("text", "hedged"),
    [
        ("答案是A或C", True),
        ("可能是 B，也可能是 C", True),
        ("The answer is B or D.", True),
        ("Either (B) or (C).", True),
        ("答案：A、C", False),  # several options chosen
        ("所以答案是 A", False),
        ("x or y", False),
        ("A 或 C 都不满足", False),  # ruled out together
        ("B or D is wrong", False),
    ],
)
def test_hedged_letters(text: str, hedged: bool) -> None:
    assert hedged_letters(text) is hedged


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
