"""Option letters read from a whole answer: one, several, or one written with its content."""

from __future__ import annotations

import pytest

from verifiers.choices import LabelledOption, choice_letters, labelled_option


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
