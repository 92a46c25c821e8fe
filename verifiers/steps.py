"""The arithmetic a solution writes out (``6×8=48``, ``48 + 54 = 92``), each step checked exactly.

A model's final answer can be wrong while it agrees with itself; when it shows its work, the
steps say whether that work holds, and what it would have given had each step been right.

A chain is a run of numbers joined by ``+ - × * x ÷ /`` followed by one or more ``= expression``
(``7×8+2×6=56+12=68``); each ``=`` is one step, evaluated with exact fractions (``×``/``÷``
before ``+``/``-``, left to right) and compared with the side before it, where a bare number may
be rounded (``10/3 = 3.33`` holds). The work is also *redone*: a wrong result is replaced by the
value it should have had wherever a later step uses it (``7×8=54. 54+12=66`` is redone as 56 and
68), so a slip carried to the end gives the value the method gives. Nothing is evaluated as
code. The scan is one linear regular-expression pass over at most ``MAX_CHARS`` characters (every
repetition bounded), and at most ``MAX_STEPS`` steps are checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MAX_CHARS = 20_000
MAX_STEPS = 64
_NUMBER = r"\d{1,15}(?:\.\d{1,15})?"
_OPERATOR = r"[-+−×xX*÷/·]"
_EXPRESSION = rf"{_NUMBER}(?:[ \t]{{0,3}}{_OPERATOR}[ \t]{{0,3}}{_NUMBER}){{0,8}}"
_CHAIN = re.compile(
    rf"(?<![\w.]){_NUMBER}(?:[ \t]{{0,3}}{_OPERATOR}[ \t]{{0,3}}{_NUMBER}){{1,8}}"
    rf"(?:[ \t]{{0,3}}=[ \t]{{0,3}}{_EXPRESSION}){{1,6}}(?!\d|\.\d)"
)
_TOKEN = re.compile(rf"{_NUMBER}|{_OPERATOR}")
_BARE_NUMBER = re.compile(rf"\s*-?{_NUMBER}\s*")
_ANSWER_NUMBER = re.compile(rf"(?<![\d.]){_NUMBER}(?![\d.])")
_MAX_ANSWER_CHARS = 200
_TIMES, _DIVIDE, _MINUS = frozenset("×xX*·"), frozenset("÷/"), frozenset("-−")


@dataclass(frozen=True)
class StepCheck:
    """How many written steps were checked and how many are wrong; the last result as written and
    as it comes out when every step is redone with the corrected results carried forward."""

    checked: int
    failed: int
    last_written: Fraction | None = None
    redone: Fraction | None = None

    @property
    def holds(self) -> bool | None:
        """True when every checked step is right, False when one is wrong, None when none was found."""
        return None if not self.checked else not self.failed

    def worked(self, answer: str | None) -> str | None:
        """The answer this work supports: ``answer`` itself when every step holds (or none was
        written); the redone value when ``answer`` is the last written result of wrong work (a
        bare number, or one number in words: ``一共花了92元``, ``92 dollars``); None when the work
        is wrong and the answer is not where it led."""
        if answer is None or not self.failed:
            return answer
        numbers = _ANSWER_NUMBER.findall(answer[:_MAX_ANSWER_CHARS])
        if self.redone is None or len(numbers) != 1 or Fraction(numbers[0]) != self.last_written:
            return None
        return str(self.redone)  # 68, or 17/3: both read by the verifiers


def check_steps(text: str) -> StepCheck:
    """Check (and redo) the arithmetic steps written in ``text`` (its first ``MAX_CHARS`` characters)."""
    checked = failed = 0
    corrected: dict[Fraction, Fraction] = {}  # a wrong written result -> the value redone work gives
    last_written = redone = None
    for match in _CHAIN.finditer(text[:MAX_CHARS]):
        sides = match[0].split("=")
        values = [_evaluate(_TOKEN.findall(side)) for side in sides]
        first = _evaluate(_TOKEN.findall(sides[0]), corrected)
        written = [value for value in values if value is not None]
        if first is None or len(written) < len(values):
            continue  # a division by zero: not checked
        for before, side, value in zip(written, sides[1:], written[1:], strict=False):
            checked += 1
            failed += not _holds(before, side, value)
            if not _holds(first, side, value):
                corrected[value] = first
            if checked == MAX_STEPS:
                break
        last_written, redone = written[-1], first
        if checked == MAX_STEPS:
            break
    return StepCheck(checked, failed, last_written, redone)


def _holds(value: Fraction, side: str, result: Fraction) -> bool:
    """Whether ``side`` (whose value is ``result``) equals ``value``; a bare number may be rounded."""
    number = side.strip()
    if value == result:
        return True
    decimals = len(number.partition(".")[2]) if _BARE_NUMBER.fullmatch(number) else 0
    return decimals > 0 and abs(value - result) <= Fraction(1, 2 * 10**decimals)


def _evaluate(tokens: list[str], corrected: dict[Fraction, Fraction] | None = None) -> Fraction | None:
    """``a op b op c ...`` with × and ÷ first, each operand replaced by its ``corrected`` value if it
    has one; None for a division by zero."""
    fix = corrected or {}

    def operand(number: str) -> Fraction:
        value = Fraction(number)
        return fix.get(value, value)

    terms: list[Fraction] = [operand(tokens[0])]
    signs: list[int] = [1]
    for operator, number in zip(tokens[1::2], tokens[2::2], strict=True):
        value = operand(number)
        if operator in _TIMES:
            terms[-1] *= value
        elif operator in _DIVIDE:
            if value == 0:
                return None
            terms[-1] /= value
        else:
            terms.append(value)
            signs.append(-1 if operator in _MINUS else 1)
    return sum((sign * term for sign, term in zip(signs, terms, strict=True)), Fraction(0))
