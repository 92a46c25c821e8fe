"""The arithmetic a solution writes out (``6×8=48``, ``48 + 54 = 92``), each step checked exactly.

A model's final answer can be wrong while it agrees with itself; when it shows its work, the
steps say whether that work holds. A step is a run of numbers joined by ``+ - × * x ÷ /`` followed
by ``=`` and a number; it is evaluated with exact fractions (``×``/``÷`` before ``+``/``-``, left
to right) and compared with its result, which may be rounded (``10/3 = 3.33`` holds). Nothing is
evaluated as code. The scan is one linear regular-expression pass over at most ``MAX_CHARS``
characters (every repetition bounded), and at most ``MAX_STEPS`` steps are checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MAX_CHARS = 20_000
MAX_STEPS = 64
_NUMBER = r"\d{1,15}(?:\.\d{1,15})?"
_OPERATOR = r"[-+−×xX*÷/·]"
_STEP = re.compile(
    rf"(?<![\w.])(?P<left>{_NUMBER}(?:[ \t]{{0,3}}{_OPERATOR}[ \t]{{0,3}}{_NUMBER}){{1,8}})"
    rf"[ \t]{{0,3}}=[ \t]{{0,3}}(?P<right>{_NUMBER})(?!\d|\.\d)"
)
_TOKEN = re.compile(rf"{_NUMBER}|{_OPERATOR}")
_TIMES, _DIVIDE, _MINUS = frozenset("×xX*·"), frozenset("÷/"), frozenset("-−")


@dataclass(frozen=True)
class StepCheck:
    """How many written steps were checked and how many of them are wrong."""

    checked: int
    failed: int

    @property
    def holds(self) -> bool | None:
        """True when every checked step is right, False when one is wrong, None when none was found."""
        return None if not self.checked else not self.failed


def check_steps(text: str) -> StepCheck:
    """Check the arithmetic steps written in ``text`` (its first ``MAX_CHARS`` characters)."""
    checked = failed = 0
    for match in _STEP.finditer(text[:MAX_CHARS]):
        value = _evaluate(_TOKEN.findall(match["left"]))
        if value is None:
            continue
        checked += 1
        failed += not _matches(value, match["right"])
        if checked == MAX_STEPS:
            break
    return StepCheck(checked, failed)


def _evaluate(tokens: list[str]) -> Fraction | None:
    """``a op b op c ...`` with × and ÷ first; None for a division by zero."""
    terms: list[Fraction] = [Fraction(tokens[0])]
    signs: list[int] = [1]
    for operator, number in zip(tokens[1::2], tokens[2::2], strict=True):
        operand = Fraction(number)
        if operator in _TIMES:
            terms[-1] *= operand
        elif operator in _DIVIDE:
            if operand == 0:
                return None
            terms[-1] /= operand
        else:
            terms.append(operand)
            signs.append(-1 if operator in _MINUS else 1)
    return sum((sign * term for sign, term in zip(signs, terms, strict=True)), Fraction(0))


def _matches(value: Fraction, written: str) -> bool:
    """Whether ``written`` is ``value``, exactly or rounded to the decimals it shows."""
    result = Fraction(written)
    if value == result:
        return True
    decimals = len(written.partition(".")[2])
    return decimals > 0 and abs(value - result) <= Fraction(1, 2 * 10**decimals)
