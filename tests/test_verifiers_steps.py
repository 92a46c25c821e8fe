"""Written arithmetic steps checked exactly: what counts as a step, chains, rounding, the work redone
with corrected results carried forward, the answer the work supports, and bounded work on hostile
text."""

from __future__ import annotations

from fractions import Fraction

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
        ("7×8+2×6=56+12=68. The answer is 68.", StepCheck(2, 0)),  # a chain: each = is a step
        ("7×8+2×6=56+12=78.", StepCheck(2, 1)),
        ("7×8+2×6=54+12=66（元）", StepCheck(2, 1)),  # the wrong side, then a right sum of it
        ("2+3=5=6", StepCheck(2, 1)),
    ],
)
def test_steps(text, expected):
    steps = check_steps(text)
    assert (steps.checked, steps.failed) == (expected.checked, expected.failed)


@pytest.mark.parametrize(
    ("text", "written", "redone"),
    [
        ("8×6=48 and 9×6=54, so 48+54=92.", 92, 102),  # the last step's slip
        ("7×8=54. 2×6=12. 54+12=66.", 66, 68),  # an early slip carried: 54 is redone as 56
        ("7×8=54. 2×6=12. 56+12=68.", 68, 68),  # the slip was not used
        ("7×8+2×6=54+12=66", 66, 68),
        ("7×8=56 and 2×6=12, so 56+12=68.", 68, 68),
        ("3×4=13, 13×2=26, 26+1=27", 27, 25),  # carried through two steps
        ("10/3 = 3.33", Fraction(333, 100), Fraction(10, 3)),
    ],
)
def test_the_work_is_redone_with_each_wrong_result_corrected_where_it_is_used(text, written, redone):
    steps = check_steps(text)
    assert (steps.last_written, steps.redone) == (written, redone)


def test_the_answer_the_work_supports():
    slipped = check_steps("8×6=48 and 9×6=54, so 48+54=92. The answer is 92.")
    assert slipped.worked("92") == "102"  # the answer the slip led to -> what the method gives
    assert slipped.worked(" 92 ") == "102"
    assert slipped.worked("100") is None  # wrong work that did not lead to this answer supports nothing
    assert slipped.worked("x+1") is None
    assert slipped.worked(None) is None
    sound = check_steps("8×6=48 and 9×6=54, so 48+54=102.")
    assert sound.worked("102") == "102" and sound.worked("anything") == "anything"  # sound: the answer stands
    assert check_steps("The total is 78.").worked("78") == "78"  # no work written: nothing to redo
    assert check_steps("9÷2=4, so 4×3=12").worked("12") == "27/2"  # a fraction, as the verifiers read it


def test_an_answer_in_words_with_one_number_is_redone_too():
    slipped = check_steps("8×6=48，9×6=54，48+54=92。答：一共花了92元。")
    assert slipped.worked("一共花了92元") == "102"
    assert slipped.worked("92 dollars") == "102"
    assert slipped.worked("92 dollars for 2 books") is None  # two numbers: which one is the answer is unknown
    assert slipped.worked("一共花了100元") is None
    assert slipped.worked("9.2") is None


def test_holds_is_none_without_steps():
    assert check_steps("no work shown").holds is None
    assert check_steps("2+2=4").holds is True
    assert check_steps("2+2=5").holds is False


def test_hostile_text_is_checked_in_bounded_work():
    assert check_steps("1+" * 50_000 + "1=50001").checked == 0  # beyond the characters scanned
    assert check_steps("1+1=2 " * 10_000).checked == MAX_STEPS
    assert check_steps("9" * 100_000 + "+1=1").checked == 0
    assert check_steps("1.1 + " * 20_000) == StepCheck(0, 0)
    assert check_steps("1+1=" * 30_000 + "2").checked <= MAX_STEPS
    assert check_steps("3×4=13, 13×2=26, " * 5_000).checked == MAX_STEPS
