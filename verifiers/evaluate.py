"""Values of expression trees: exact rationals when possible, else high-precision complex numbers.

Every primitive is guarded (exponent and factorial sizes, magnitudes) and loops check the
deadline, so evaluation is bounded without signals and is safe from any thread.
"""

from __future__ import annotations

import hashlib
import math
import threading
from fractions import Fraction

import mpmath

from .limits import MAX_EXACT_BITS, MAX_EXPONENT, MAX_FACTORIAL, Deadline, TooLarge
from .nodes import Add, Based, Const, Div, Fact, Func, Matrix, Mul, Neg, Node, Num, Pct, Pow, Sum, Sym
from .vocabulary import FUNCTIONS, INTEGER_FUNCTIONS

PRECISION_DIGITS = 50
_MAX_MAGNITUDE_BITS = 1_000_000
_MAX_SUM_TERMS = 2_000


class NotExact(Exception):
    """The expression has no exact rational value (symbols, irrational functions, ...)."""


class NotNumeric(Exception):
    """The expression cannot be evaluated to a number (prose, unsupported shape, domain error)."""


def _bits(q: Fraction) -> int:
    return q.numerator.bit_length() + q.denominator.bit_length()


def _exact_root(q: Fraction, n: int) -> Fraction:
    """The exact n-th root of a non-negative rational, if it is rational."""
    if q < 0 or n <= 0:
        raise NotExact
    parts = []
    for v in (q.numerator, q.denominator):
        r = round(v ** (1.0 / n)) if v.bit_length() < 1000 else None
        if r is None:
            raise NotExact
        for cand in (r - 1, r, r + 1):
            if cand >= 0 and cand**n == v:
                parts.append(cand)
                break
        else:
            raise NotExact
    return Fraction(parts[0], parts[1])


def exact_value(node: Node, deadline: Deadline) -> Fraction:
    """The exact rational value of a constant expression, or :class:`NotExact`."""
    deadline.check()
    match node:
        case Num(value):
            return value
        case Neg(x):
            return -exact_value(x, deadline)
        case Add(terms):
            return sum((exact_value(t, deadline) for t in terms), Fraction(0))
        case Mul(factors):
            out = Fraction(1)
            for f in factors:
                out *= exact_value(f, deadline)
                if _bits(out) > MAX_EXACT_BITS:
                    raise NotExact
            return out
        case Div(num, den):
            divisor = exact_value(den, deadline)
            if divisor == 0:
                raise NotNumeric("division by zero")
            return exact_value(num, deadline) / divisor
        case Pow(base, exponent):
            return exact_pow(exact_value(base, deadline), exact_value(exponent, deadline))
        case Fact(x):
            n = exact_value(x, deadline)
            if n.denominator != 1 or n < 0 or n > MAX_FACTORIAL:
                raise NotExact
            return Fraction(math.factorial(int(n)))
        case Based(digits, base):
            return Fraction(based_int(digits, base))
        case Func("abs" | "floor" | "ceil" as name, (x,)):
            v = exact_value(x, deadline)
            return abs(v) if name == "abs" else Fraction(math.floor(v) if name == "floor" else math.ceil(v))
        case Func("binom", (n_node, k_node)):
            n, k = exact_value(n_node, deadline), exact_value(k_node, deadline)
            if n.denominator != 1 or k.denominator != 1 or not 0 <= k <= n <= MAX_FACTORIAL:
                raise NotExact
            return Fraction(math.comb(int(n), int(k)))
        case Pct(x):
            return exact_value(x, deadline) / 100
        case Func(name, args) if name in INTEGER_FUNCTIONS:
            values = [exact_value(a, deadline) for a in args]
            if any(v.denominator != 1 or abs(v) > MAX_INTEGER_ARGUMENT for v in values):
                raise NotExact
            return Fraction(integer_function(name, [int(v) for v in values]))
    raise NotExact


MAX_INTEGER_ARGUMENT = 10**1000  # gcd and lcm of exact integers up to this size, no larger
_MAX_PROBED_INTEGER = 10**15  # ... and of probed values only while the working precision holds them exactly


def integer_function(name: str, values: list[int]) -> int:
    """gcd or lcm of integers."""
    return math.gcd(*values) if name == "gcd" else math.lcm(*values)


def exact_pow(base: Fraction, exponent: Fraction) -> Fraction:
    """``base ** exponent`` as an exact rational, or :class:`NotExact` (irrational or too large)."""
    if exponent.denominator == 1:
        e = exponent.numerator
        if base in (0, 1) or (base == -1):
            if base == 0 and e < 0:
                raise NotNumeric("division by zero")
            return base**e
        if abs(e) * max(_bits(base), 1) > MAX_EXACT_BITS:
            raise NotExact
        return base**e
    if exponent.denominator > 64 or abs(exponent.numerator) > 4096:
        raise NotExact
    root = _exact_root(base, exponent.denominator)
    return exact_pow(root, Fraction(exponent.numerator))


def based_int(digits: str, base: int) -> int:
    """The value of a numeral written in base 2-36."""
    if not 2 <= base <= 36:
        raise NotNumeric("bad base")
    try:
        return int(digits, base)
    except ValueError as exc:
        raise NotNumeric(f"{digits} is not a base-{base} numeral") from exc


_local = threading.local()


def _context() -> mpmath.ctx_mp.MPContext:
    """A private mpmath context per thread (mpmath's global precision is not thread-safe)."""
    ctx = getattr(_local, "ctx", None)
    if ctx is None:
        ctx = mpmath.ctx_mp.MPContext()
        ctx.dps = PRECISION_DIGITS
        _local.ctx = ctx
    return ctx


class NumericEvaluator:
    """Evaluates a tree to an mpc (or a matrix of them) with symbols bound to probe values.

    ``scale`` records the largest magnitude that entered a sum, so that a difference can be
    judged against the rounding noise of the computation that produced it.
    """

    def __init__(self, env: dict[str, object], deadline: Deadline):
        self.ctx = _context()
        self.env = env
        self.deadline = deadline
        self.scale = 0.0
        self.steps = 0

    def value(self, node: Node):
        self.steps += 1
        if self.steps % 32 == 0:
            self.deadline.check()
        out = self._value(node)
        if not isinstance(out, tuple):
            self._guard(out)
        return out

    def _guard(self, x) -> None:
        ctx = self.ctx
        if ctx.isnan(x):
            raise NotNumeric("not a number")
        if ctx.isinf(x):
            return
        if x != 0 and abs(ctx.mag(x)) > _MAX_MAGNITUDE_BITS:
            raise TooLarge("value too large to compare numerically")

    def _value(self, node: Node):
        ctx = self.ctx
        match node:
            case Num(q):
                return ctx.mpf(q.numerator) / q.denominator
            case Const(name):
                return self.constant(name)
            case Sym(name):
                if name in self.env:
                    return self.env[name]
                if name in ("e", "i"):
                    return self.constant(name)
                return self.env.setdefault(name, self.probe_value(name))
            case Neg(x):
                return _map(self.value(x), lambda v: -v)
            case Add(terms):
                values = [self.value(t) for t in terms]
                for v in values:
                    if not isinstance(v, tuple) and not ctx.isinf(v):
                        self.scale = max(self.scale, float(abs(v)) if abs(v) < 1e300 else 1e300)
                out = values[0]
                for v in values[1:]:
                    out = _combine(out, v, lambda a, b: a + b)
                return out
            case Mul(factors):
                out = self.value(factors[0])
                for f in factors[1:]:
                    out = _multiply(out, self.value(f))
                return out
            case Div(num, den):
                divisor = self.value(den)
                if isinstance(divisor, tuple) or divisor == 0:
                    raise NotNumeric("division by zero or by a matrix")
                return _map(self.value(num), lambda v: v / divisor)
            case Pow(base, exponent):
                return self._power(self.value(base), self.value(exponent))
            case Fact(x):
                n = self.value(x)
                if isinstance(n, tuple) or ctx.im(n) != 0 or ctx.re(n) < 0 or n != ctx.nint(n):
                    raise NotNumeric("factorial of a non-natural number")
                if ctx.re(n) > 10**7:
                    raise TooLarge("factorial too large")
                return ctx.factorial(ctx.re(n))
            case Pct(x):
                return _map(self.value(x), lambda v: v / 100)
            case Func(name, args):
                return self._function(name, args)
            case Based(digits, base):
                return ctx.mpf(based_int(digits, base))
            case Matrix(rows):
                return tuple(tuple(self.scalar(c) for c in row) for row in rows)
            case Sum():
                return self._sum(node)
        raise NotNumeric(f"no numeric value for {type(node).__name__}")

    def constant(self, name: str):
        ctx = self.ctx
        return {"pi": ctx.pi, "e": ctx.e, "i": ctx.mpc(0, 1), "inf": ctx.inf}[name]

    def scalar(self, node: Node):
        v = self.value(node)
        if isinstance(v, tuple):
            raise NotNumeric("nested matrix")
        return v

    def _power(self, base, exponent):
        ctx = self.ctx
        if isinstance(exponent, tuple):
            raise NotNumeric("matrix exponent")
        if isinstance(base, tuple):
            if exponent != int(ctx.re(exponent)) or not 0 < exponent <= 16:
                raise NotNumeric("matrix power")
            out = base
            for _ in range(int(ctx.re(exponent)) - 1):
                out = _multiply(out, base)
            return out
        if base == 0:
            if ctx.re(exponent) <= 0:
                raise NotNumeric("zero to a non-positive power")
            return ctx.mpf(0)
        if abs(exponent) > MAX_EXPONENT and abs(base) != 1:
            raise TooLarge("exponent too large")
        estimate = abs(exponent) * abs(ctx.log(abs(base), 2))
        if estimate > _MAX_MAGNITUDE_BITS:
            raise TooLarge("power too large")
        if ctx.im(exponent) == 0 and ctx.im(base) == 0 and ctx.re(base) < 0:
            e = ctx.re(exponent)
            q = Fraction(str(ctx.nstr(e, 15))) if ctx.isfinite(e) else None
            if (
                q is not None
                and q.denominator % 2 == 1
                and abs(e - ctx.mpf(q.numerator) / q.denominator) < ctx.mpf(10) ** -30
            ):
                # real odd roots of negatives: (-8)^(1/3) = -2
                magnitude = ctx.power(-ctx.re(base), e)
                return -magnitude if q.numerator % 2 else magnitude
        return ctx.power(base, exponent)

    def _function(self, name: str, args: tuple[Node, ...]):
        ctx = self.ctx
        values = [self.scalar(a) for a in args]
        known = FUNCTIONS.get(name)
        if known is not None and len(values) == 1:
            x = values[0]
            if name in ("exp", "sinh", "cosh") and abs(ctx.re(x)) > 10**5:
                raise TooLarge("exponential too large")
            if name in ("ln", "log10") and x == 0:
                raise NotNumeric("log of zero")
            try:
                return abs(x) if name == "abs" else getattr(ctx, known.mpmath)(x)
            except (ZeroDivisionError, ValueError) as exc:
                raise NotNumeric(str(exc)) from exc
        if name == "binom" and len(values) == 2:
            return ctx.binomial(values[0], values[1])
        if name in INTEGER_FUNCTIONS:
            integers = [ctx_round(v) for v in values]
            if any(abs(v - k) > 1e-9 or abs(k) > _MAX_PROBED_INTEGER for v, k in zip(values, integers, strict=True)):
                raise NotNumeric(f"{name} of a non-integer")
            return ctx.mpf(integer_function(name, integers))
        return self.unknown_function(name, values)

    def _sum(self, node: Sum):
        body, var = node.body, node.var
        lo_v, hi_v = self.scalar(node.lo), self.scalar(node.hi)
        if self.ctx.isinf(lo_v) or self.ctx.isinf(hi_v):
            raise NotNumeric("an infinite sum is left to sympy")
        start, stop = int(ctx_round(lo_v)), int(ctx_round(hi_v))
        if stop - start > _MAX_SUM_TERMS:
            raise TooLarge("sum too long")
        saved = self.env.get(var)
        total = self.ctx.mpf(0)
        for k in range(start, stop + 1):
            self.env[var] = self.ctx.mpf(k)
            total += self.scalar(body)
        if saved is None:
            self.env.pop(var, None)
        else:
            self.env[var] = saved
        return total

    def probe_value(self, name: str):
        """A reproducible pseudo-random value in (1, 3) for a free symbol; in (-3, -1) when the
        environment asks for negative probes (``__negative__``)."""
        seed = self.env.get("__seed__", 0)
        digest = hashlib.blake2b(f"{seed}:{name}".encode(), digest_size=8).digest()
        value = self.ctx.mpf(1) + self.ctx.mpf(int.from_bytes(digest, "big")) / 2**63
        return -value if self.env.get("__negative__") else value

    def unknown_function(self, name: str, values: list):
        """A reproducible pseudo-random function of its (rounded) arguments."""
        seed = self.env.get("__seed__", 0)
        key = f"{seed}:{name}:" + ",".join(self.ctx.nstr(v, 12) for v in values)
        digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
        return self.ctx.mpf(1) + self.ctx.mpf(int.from_bytes(digest, "big")) / 2**63


def ctx_round(x) -> int:
    re_part = mpmath.re(x)
    return int(mpmath.nint(re_part))


def _map(value, fn):
    if isinstance(value, tuple):
        return tuple(tuple(fn(c) for c in row) for row in value)
    return fn(value)


def _combine(a, b, fn):
    if isinstance(a, tuple) != isinstance(b, tuple):
        raise NotNumeric("matrix plus scalar")
    if isinstance(a, tuple):
        if len(a) != len(b) or len(a[0]) != len(b[0]):
            raise NotNumeric("matrix shapes differ")
        return tuple(tuple(fn(x, y) for x, y in zip(ra, rb, strict=True)) for ra, rb in zip(a, b, strict=True))
    return fn(a, b)


def _multiply(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a[0]) != len(b):
            raise NotNumeric("matrix shapes do not multiply")
        return tuple(
            tuple(sum((a[i][k] * b[k][j] for k in range(len(b))), 0) for j in range(len(b[0]))) for i in range(len(a))
        )
    if isinstance(a, tuple):
        return _map(a, lambda v: v * b)
    if isinstance(b, tuple):
        return _map(b, lambda v: a * v)
    return a * b
