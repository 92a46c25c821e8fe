"""A gold answer's canonical form, its answer type, and a nearby wrong answer (for self-checks)."""

from __future__ import annotations

from fractions import Fraction

from .answers import is_text_answer, parse_answer, simplify_text
from .choices import choice_letter
from .evaluate import NotExact, NotNumeric, exact_value
from .limits import Deadline
from .nodes import Based, ListOf, Matrix, Node, Rel, Seq, SetOf, Union

_MAX_PRINTED_BITS = 12_000  # Python prints integers up to 4,300 digits; keep such golds as written


def _exact(node: Node | None, deadline: Deadline) -> Fraction | None:
    if node is None:
        return None
    try:
        value = exact_value(node, deadline)
    except (NotExact, NotNumeric, ArithmeticError):
        return None
    too_long = value.numerator.bit_length() + value.denominator.bit_length() > _MAX_PRINTED_BITS
    return None if too_long else value


def _format(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def infer_answer_type(answer: str, timeout: float = 1.0) -> str:
    """number, choice, set, tuple, interval, matrix, equation, text or expression.

    Raises ValueError for math that does not parse (``\\frac{1}{``).
    """
    if choice_letter(answer) and any(c.isupper() for c in answer):
        return "choice"
    parsed = parse_answer(answer, Deadline(timeout))
    node = parsed.node
    if node is None:
        if is_text_answer(parsed) and parsed.text:
            return "text"
        raise ValueError(f"the answer does not parse: {parsed.error or 'empty'}")
    if parsed.percent or _exact(node, Deadline(timeout)) is not None:
        return "number"
    match node:
        case SetOf() | ListOf():
            return "set"
        case Seq(opener, closer):
            return "interval" if opener + closer in ("(]", "[)") else "tuple"
        case Union():
            return "interval"
        case Matrix():
            return "matrix"
        case Rel(ops):
            return "equation" if all(op == "=" for op in ops) else "interval"
    return "expression"


def canonical_answer(answer: str, timeout: float = 1.0) -> str:
    """The simplest faithful form: ``7\\frac{3}{4}`` -> ``31/4``, ``\\text{(B)}`` -> ``B``, ``52_8`` stays."""
    if choice_letter(answer) and any(c.isupper() for c in answer):
        return choice_letter(answer) or answer
    parsed = parse_answer(answer, Deadline(timeout))
    if parsed.node is None:
        return answer.strip()
    if isinstance(parsed.node, Based):
        return parsed.text  # a base-n key keeps its base: a plain numeral is read in that base
    value = _exact(parsed.node, Deadline(timeout))
    if value is not None:
        return _format(value) + ("%" if parsed.percent else "")
    return parsed.text


def perturbed_answer(answer: str, timeout: float = 1.0) -> str:
    """A close but wrong answer, which a sound verifier must reject."""
    letter = choice_letter(answer) if any(c.isupper() for c in answer) else None
    if letter:
        return "B" if letter == "A" else "A"
    parsed = parse_answer(answer, Deadline(timeout))
    value = _exact(parsed.node, Deadline(timeout))
    if value is not None:
        return _format(value + 1) + ("%" if parsed.percent else "")
    if parsed.node is None:
        return simplify_text(answer) + " not"
    return f"({parsed.text}) + 1"
