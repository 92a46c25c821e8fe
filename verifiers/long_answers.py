"""Readings of answers too long for the parser, in linear time: hostile but well-formed input.

The parser refuses answers over ``MAX_ANSWER_CHARS`` (its recursion and tree size are bounded).
Two shapes of such answers still have an obvious value and are read here with one scan each:
redundant outer brackets (``((((1))))`` a few thousand deep: stripped, then parsed as usual) and a
flat sum of numbers (``1+1+...+1``, 20,000 terms: added exactly).
"""

from __future__ import annotations

import re
from fractions import Fraction

from .limits import Deadline
from .nodes import Num

_PAIRS = {"(": ")", "{": "}", "[": "]"}
_FLAT_SUM_RE = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[-+]\d+(?:\.\d+)?)*")
_TERM_RE = re.compile(r"[-+]?\d+(?:\.\d+)?")
_CHECK_EVERY = 1_000


def strip_outer_groups(text: str) -> str:
    """``text`` without the brackets that wrap all of it (``((x))`` -> ``x``; ``(1)+(2)`` stays)."""
    text = text.strip()
    if not text or text[0] not in _PAIRS:
        return text
    opener, closer = text[0], _PAIRS[text[0]]
    lead = len(text) - len(text.lstrip(opener))
    trail = len(text) - len(text.rstrip(closer))
    # j layers can go when the depth never falls below j between the two runs: then every one of
    # the j outer openers closes at one of the j last closers.
    depth, lowest = lead, lead
    for ch in text[lead : len(text) - trail]:
        if ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            lowest = min(lowest, depth)
    if depth - trail != 0:  # unbalanced: leave it to the parser to refuse
        return text
    layers = min(lead, trail, lowest)
    return text[layers : len(text) - layers] if layers else text


def flat_sum(text: str, deadline: Deadline | None) -> Num | None:
    """The exact value of numbers joined by ``+``/``-`` (no spaces), or None for any other shape."""
    compact = text.replace(" ", "")
    if not _FLAT_SUM_RE.fullmatch(compact):
        return None
    whole, decimal = 0, Fraction(0)  # integers added as ints: ten times faster than Fractions
    for n, term in enumerate(_TERM_RE.finditer(compact)):
        if deadline is not None and n % _CHECK_EVERY == 0:
            deadline.check()
        digits = term.group(0)
        try:
            if "." in digits:
                decimal += Fraction(digits)
            else:
                whole += int(digits)
        except ValueError:  # a term with more digits than int() reads
            return None
    return Num(whole + decimal)
