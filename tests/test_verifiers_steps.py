"""Written arithmetic steps checked exactly: what counts as a step, rounding, and bounded work on
hostile text."""

from __future__ import annotations

import pytest

from verifiers.steps import MAX_STEPS, StepCheck, check_steps


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8×8=64 and 6×7=42, so 64+42=106. The answer is 106.", StepCheck(3, 0)),
        ("8×6=48 and 9×6=54, so 48+54=92.", StepCheck(3, 1)),
        ("3 + 4 × 2 = 11", StepCheck(1, 0)),  # × before +
        ("3 + 4 × 2 = 14", StepCheck(1, 1)),
        ("10 - 3 - 2 = 5", StepCheck(1, 0)),  # left to right
        ("12 ÷ 4 = 3, 7 * 3 = 21, 9 / 2 = 4.5", StepCheck(3, 0)),
        ("10/3 = 3.33", StepCheck(1, 0)),  # rounded to the decimals it shows
        ("10/3 = 3.3", StepCheck(1, 0)),
        ("10/3 = 3.4", StepCheck(1, 1)),
        ("小明买了 3 支笔，每支 5 元，3×5=15（元）。", StepCheck(1, 0)),
        ("1/0 = 5", StepCheck(0, 0)),  # undefined: not checked
        ("2x = 6, so x = 3", StepCheck(0, 0)),  # algebra is not arithmetic
        ("The answer is 7.", StepCheck(0, 0)),
        ("12.5 × 2 = 25.0", StepCheck(1, 0)),
    ],
)
def test_steps(text, expected):
    assert check_steps(text) == expected


def test_holds_is_none_without_steps():
    assert check_steps("no work shown").holds is None
    assert check_steps("2+2=4").holds is True
    assert check_steps("2+2=5").holds is False


def test_hostile_text_is_checked_in_bounded_work():
    assert check_steps("1+" * 50_000 + "1=50001").checked == 0  # beyond the characters scanned
    assert check_steps("1+1=2 " * 10_000).checked == MAX_STEPS
    assert check_steps("9" * 100_000 + "+1=1").checked == 0
    assert check_steps("1.1 + " * 20_000) == StepCheck(0, 0)
