"""Powers too large to evaluate are compared by their canonical form (verifiers/towers.py)."""

from fractions import Fraction

import pytest

from verifiers import verify
from verifiers.limits import Deadline
from verifiers.parser import parse
from verifiers.towers import Huge, canonical, same_huge_value


def _canonical(text: str):
    return canonical(parse(text), Deadline(5.0))


@pytest.mark.parametrize(
    ("prediction", "gold", "expected"),
    [
        (r"2^{3^{1024}}", r"2^{3^{4^{5}}}", True),  # the exponent evaluated
        (r"3^{3^{3^3}}", r"3^{3^{27}}", True),
        (r"4^{3^{1024}}", r"2^{2\cdot 3^{1024}}", True),  # a perfect-power base reduced
        (r"2\cdot 2^{3^{1024}}", r"2^{3^{1024}+1}", True),  # the base's factor moved into the exponent
        (r"2^{10^9}+2^{10^9}", r"2^{10^9+1}", True),
        (r"2^{10^9}/2", r"2^{10^9-1}", True),
        (r"2^{3^{1024}} - 2^{3^{1024}}", "0", True),
        (r"10^{10000000000}", r"10^{10^{10}}", True),
        (r"2^{3^{4^{5}}}+1", r"2^{3^{4^{5}}}", False),  # differs by its constant
        (r"2^{3^{1025}}", r"2^{3^{4^{5}}}", False),  # b^x = b^y only when x = y
        (r"2^{2^{100}+10^{-40}}", r"2^{2^{100}}", False),  # a difference deep in the exponent
        (r"2^{2^{2^{2^{2}}}}", r"2^{2^{2^{2^{2}}}}+1", False),
        (r"-2^{10^9}", r"2^{10^9}", False),  # a power is positive
        (r"\boxed{9^{9^{9^{9}}}}", "5", False),  # far larger than the number it is compared with
        (r"2^{2^{2^{2^{2^{2}}}}}", "4", False),
        (r"2^{10^9}", "0", False),
    ],
)
def test_verify_decides_powers_too_large_to_evaluate(prediction: str, gold: str, expected: bool) -> None:
    verdict = verify(prediction, gold, timeout=5.0)
    assert (verdict.correct, verdict.status, verdict.method) == (expected, "ok", "power")


def test_canonical_form_reduces_the_base_and_moves_its_factors() -> None:
    assert _canonical(r"8^{10^9}") == Huge(2, Fraction(3 * 10**9))
    assert _canonical(r"12 \cdot 2^{10^9} + 5") == Huge(2, Fraction(10**9 + 2), Fraction(3), Fraction(5))
    assert _canonical(r"2^{3^{4^{5}}}") == Huge(2, Fraction(3**1024))
    assert _canonical("2^{10} + 1") == Fraction(1025)  # small values stay exact


@pytest.mark.parametrize(
    ("prediction", "gold"),
    [
        (r"2^{10^9}", r"3^{10^9}"),  # different bases: not decided by form
        (r"2^{10^9} + 2^{10^9+1}", r"3 \cdot 2^{10^9}"),  # two powers in one sum
        (r"2^{10^9} \cdot 2^{10^9}", r"2^{2\cdot 10^9}"),  # a product of two powers
        (r"\pi^{10^9}", r"\pi^{10^9}+1"),  # not an integer base
    ],
)
def test_shapes_outside_the_form_are_left_undecided(prediction: str, gold: str) -> None:
    assert same_huge_value(parse(prediction), parse(gold), Deadline(5.0)) is None
    assert verify(prediction, gold, timeout=5.0).correct is False  # too large: never paid
