"""Powers too large to evaluate, compared by their form.

``2^{3^{4^{5}}}`` has more digits than any bound allows, but it is still well defined, and two
such answers can be compared exactly: for an integer base ``b > 1``, ``b^x = b^y`` exactly when
``x = y``, and ``c·b^x + k`` against ``c·b^x + k'`` differs by ``k - k'``. Each side is brought to
one canonical form, a rational or ``coefficient · base^exponent + constant`` with the base not a
perfect power and no factor of it left in the coefficient (``4^x`` is ``2^{2x}``, ``2·2^x`` is
``2^{x+1}``); a shape outside that form is undecided and left to the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from .evaluate import NotExact, exact_pow, exact_value
from .limits import Deadline
from .nodes import Add, Div, Mul, Neg, Node, Pow

_MAX_BASE_BITS = 64  # a larger base is not reduced to its root, so it is left undecided


class Undecided(Exception):
    """The value has no canonical form here."""


@dataclass(frozen=True, slots=True)
class Huge:
    """``coefficient · base^exponent + constant``: the base an integer > 1 and not a perfect power.

    Usually a value too large to evaluate, but any power of an integer has this form (``2^{1/3}``).
    """

    base: int
    exponent: Value
    coefficient: Fraction = Fraction(1)
    constant: Fraction = Fraction(0)


Value = Fraction | Huge


def same_huge_value(p: Node, g: Node, deadline: Deadline) -> bool | None:
    """Whether two constant expressions are equal, when their form decides it; None otherwise."""
    try:
        return _decide(canonical(p, deadline), canonical(g, deadline))
    except (Undecided, NotExact, ArithmeticError):
        return None


def canonical(node: Node, deadline: Deadline) -> Value:
    """The canonical form of a constant expression, or :class:`Undecided`."""
    deadline.check()
    match node:
        case Pow(base, exponent):
            return _power(canonical(base, deadline), canonical(exponent, deadline))
        case Neg(x):
            return _scale(canonical(x, deadline), Fraction(-1))
        case Mul(factors):
            out: Value = Fraction(1)
            for factor in factors:
                out = _multiply(out, canonical(factor, deadline))
            return out
        case Div(numerator, denominator):
            divisor = canonical(denominator, deadline)
            if not isinstance(divisor, Fraction) or divisor == 0:
                raise Undecided
            return _scale(canonical(numerator, deadline), 1 / divisor)
        case Add(terms):
            total: Value = Fraction(0)
            for term in terms:
                total = _add(total, canonical(term, deadline))
            return total
    return exact_value(node, deadline)


def _decide(a: Value, b: Value) -> bool | None:
    if a == b:
        return True
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return False
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        power, number = (b, a) if isinstance(a, Fraction) else (a, b)
        assert isinstance(power, Huge) and isinstance(number, Fraction)
        bits = max(_bits(number), _bits(power.constant))
        return False if _log2_at_least(power) > bits + 2 else None  # |power| > 2|number| + |constant|
    if (a.base, a.exponent, a.coefficient) == (b.base, b.exponent, b.coefficient):
        return False  # the powers cancel: they differ by their constants
    if a.constant == b.constant and (a.coefficient > 0) != (b.coefficient > 0):
        return False  # a power is positive: the signs differ
    if (a.base, a.coefficient, a.constant) == (b.base, b.coefficient, b.constant):
        return _decide(a.exponent, b.exponent)  # b^x = b^y exactly when x = y
    return None


def _bits(q: Fraction) -> int:
    return max(abs(q.numerator).bit_length() - q.denominator.bit_length() + 1, 0)


def _log2_at_least(value: Huge) -> float:
    """A lower bound on log2 of ``|coefficient · base^exponent|`` (-inf when none is known)."""
    exponent = value.exponent
    if isinstance(exponent, Huge):
        if exponent.coefficient < 0:
            return -math.inf
        log2 = min(_log2_at_least(exponent), 1000.0)  # 2^1000 already exceeds any bound
        lower = 2.0**log2 - 2.0 ** _bits(exponent.constant)
    else:
        lower = float(exponent) if exponent < 2**1000 else 2.0**1000
    if lower <= 0:
        return -math.inf
    return math.log2(abs(value.coefficient)) + lower * math.log2(value.base)


def _power(base: Value, exponent: Value) -> Value:
    if isinstance(base, Fraction) and isinstance(exponent, Fraction):
        try:
            return exact_pow(base, exponent)
        except NotExact:
            pass
    if not isinstance(base, Fraction) or base.denominator != 1 or not 1 < base < 2**_MAX_BASE_BITS:
        raise Undecided
    if isinstance(exponent, Fraction) and exponent <= 0:
        raise Undecided  # a tiny value: no exact form either
    if isinstance(exponent, Huge) and exponent.coefficient < 0:
        raise Undecided
    root, times = _root(int(base))
    return Huge(root, _scale(exponent, Fraction(times)))


def _root(n: int) -> tuple[int, int]:
    """``n`` as ``root ** times`` with the smallest root."""
    for times in range(n.bit_length(), 1, -1):
        root = round(n ** (1 / times))
        for candidate in (root - 1, root, root + 1):
            if candidate > 1 and candidate**times == n:
                return candidate, times
    return n, 1


def _scale(value: Value, factor: Fraction) -> Value:
    if isinstance(value, Fraction):
        return value * factor
    if factor == 0:
        return Fraction(0)
    return _normalized(replace(value, coefficient=value.coefficient * factor, constant=value.constant * factor))


def _multiply(a: Value, b: Value) -> Value:
    if isinstance(a, Fraction):
        return _scale(b, a)
    if isinstance(b, Fraction):
        return _scale(a, b)
    raise Undecided  # a product of two huge values


def _add(a: Value, b: Value) -> Value:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a + b
    if isinstance(b, Fraction):
        assert isinstance(a, Huge)
        return replace(a, constant=a.constant + b)
    if isinstance(a, Fraction):
        return replace(b, constant=b.constant + a)
    if (a.base, a.exponent) != (b.base, b.exponent):
        raise Undecided  # 2^N + 2^{N+1} = 3·2^N: two huge terms are not compared
    coefficient = a.coefficient + b.coefficient
    constant = a.constant + b.constant
    return constant if coefficient == 0 else _normalized(Huge(a.base, a.exponent, coefficient, constant))


def _normalized(value: Huge) -> Huge:
    """Factors of the base moved from the coefficient into the exponent: ``2·2^x`` is ``2^{x+1}``."""
    coefficient, shift = value.coefficient, 0
    while coefficient and coefficient.numerator % value.base == 0:
        coefficient, shift = coefficient / value.base, shift + 1
    while coefficient.denominator % value.base == 0:
        coefficient, shift = coefficient * value.base, shift - 1
    if shift == 0:
        return value
    return replace(value, exponent=_add(value.exponent, Fraction(shift)), coefficient=coefficient)
