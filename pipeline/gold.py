"""Whether a gold answer can be an answer key, and the form in which it is stored.

A gold is a key only if it reads completely as one value of its type: no placeholder (``n/a``),
no hedge (``seventeen-ish``, ``4 or more``), no words left over once units and number words are
read (``17 or so``), no undefined part (``\\frac{1}{0}``, ``\\log 0``, ``0^{-1}``), and, where
the recipe says the answer is a number, a number. The stored key is the verifier's canonical
form, except where that form would lose what the problem asks for: a base-n numeral keeps its
base (``52_8``), and a decimal stays a decimal when the problem asks for one.
"""

from __future__ import annotations

import re

from verifiers.answers import Parsed, parse_answer
from verifiers.evaluate import NotNumeric, NumericEvaluator
from verifiers.limits import Deadline, TooLarge

PLACEHOLDERS = frozenset({"n/a", "n.a.", "na", "null", "nan", "none given", "tbd", "?", "??", "???", "-", "--", "—"})
_FUNCTION_WORDS = frozenset(
    [
        "sin",
        "cos",
        "tan",
        "sec",
        "csc",
        "cot",
        "arcsin",
        "arccos",
        "arctan",
        "arcsec",
        "arccsc",
        "arccot",
        "asin",
        "acos",
        "atan",
        "sinh",
        "cosh",
        "tanh",
        "ln",
        "log",
        "lg",
        "exp",
        "sqrt",
        "abs",
        "floor",
        "ceil",
        "binom",
        "gcd",
        "lcm",
        "mod",
        "pi",
        "infty",
        "infinity",
    ]
)
_HEDGES = frozenset(
    [
        "ish",
        "roughly",
        "approximately",
        "approx",
        "about",
        "around",
        "nearly",
        "almost",
        "maybe",
        "more",
        "less",
        "least",
        "most",
    ]
)
_SHORT_WORDS = frozenset({"so", "is", "it", "to", "of", "be", "we"})  # other two letters are often a product (xy, AB)
_RAW_WORD_RE = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]+")
_WORD_RE = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{2,}(?![a-zA-Z])")
_ENVIRONMENT_RE = re.compile(r"\\(?:begin|end)\s*\{\w+\*?\}")
_UNDEFINED = {  # the verifier's evaluator's messages for operations without a value
    "division by zero": "division by zero",
    "log of zero": "logarithm of zero",
    "zero to a non-positive power": "zero to a non-positive power",
}
_BASED_RE = re.compile(r"(?<![A-Za-z\\])\d+_\{?\d{1,2}\}?")  # 52_8, 1011_{2}
_DECIMAL_RE = re.compile(r"[+-]?\d*\.\d+")
_ASKS_FOR_DECIMAL_RE = re.compile(r"\bdecimals?\b|小数", re.IGNORECASE)


def gold_problem(answer: str, answer_type: str, timeout: float) -> str | None:
    """Why ``answer`` (of ``answer_type``) cannot be an answer key, or None when it can."""
    if answer.strip().lower() in PLACEHOLDERS:
        return "is a placeholder, not an answer"
    if answer_type == "choice":
        return None
    hedges = [word for word in _RAW_WORD_RE.findall(answer) if word.lower() in _HEDGES]
    if hedges:
        return f"is hedged ({' '.join(hedges)}), not one value"
    if answer_type == "text":
        return None
    parsed = parse_answer(answer, Deadline(timeout))
    if parsed.node is None:
        return None  # the self-checks say why it does not parse
    undefined = _undefined(parsed, Deadline(timeout))
    if undefined:
        return f"is undefined ({undefined})"
    words = _leftover_words(parsed)
    if words:
        return f"has words left over once read as a {answer_type}: {', '.join(words)}"
    return None


def _leftover_words(parsed: Parsed) -> list[str]:
    """Words (three or more letters, or a short English word) that are no function and no LaTeX markup."""
    text = _ENVIRONMENT_RE.sub(" ", parsed.text)
    return [
        word
        for word in _WORD_RE.findall(text)
        if word.lower() not in _FUNCTION_WORDS and (len(word) > 2 or word.lower() in _SHORT_WORDS)
    ]


def _undefined(parsed: Parsed, deadline: Deadline) -> str | None:
    """What the verifier's evaluator finds undefined in the gold's tree (a division by zero, the
    log of zero, zero to a non-positive power; free symbols at their probe values); None when
    it has a value, or no numeric value at all (a set, an equation)."""
    if parsed.node is None:
        return None
    try:
        NumericEvaluator({}, deadline).value(parsed.node)
    except NotNumeric as exc:
        return next((why for message, why in _UNDEFINED.items() if str(exc).startswith(message)), None)
    except (TooLarge, ArithmeticError, ValueError, TypeError):
        return None
    return None


def stored_key(answer: str, canonical: str, problem: str) -> str:
    """The key to store: ``canonical``, unless it would lose the base of a base-n numeral or
    turn the decimal a problem asks for into a fraction; then the gold as read (cleaned)."""
    parsed = parse_answer(answer)
    if parsed.node is not None and _BASED_RE.search(parsed.text):
        return parsed.text
    if _ASKS_FOR_DECIMAL_RE.search(problem) and _DECIMAL_RE.fullmatch(parsed.text.strip()):
        return parsed.text.strip() + ("%" if parsed.percent else "")
    return canonical
