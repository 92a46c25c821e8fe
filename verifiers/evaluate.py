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
from .parser import Node

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
    tag = node[0]
    if tag == "num":
        return node[1]
    if tag == "neg":
        return -exact_value(node[1], deadline)
    if tag == "add":
        return sum((exact_value(t, deadline) for t in node[1]), Fraction(0))
    if tag == "mul":
        out = Fraction(1)
        for f in node[1]:
            out *= exact_value(f, deadline)
            if _bits(out) > MAX_EXACT_BITS:
                raise NotExact
        return out
    if tag == "div":
        den = exact_value(node[2], deadline)
        if den == 0:
            raise NotNumeric("division by zero")
        return exact_value(node[1], deadline) / den
    if tag == "pow":
        return _exact_pow(exact_value(node[1], deadline), exact_value(node[2], deadline))
    if tag == "fact":
        n = exact_value(node[1], deadline)
        if n.denominator != 1 or n < 0:
            raise NotExact
        if n > MAX_FACTORIAL:
            raise NotExact
        return Fraction(math.factorial(int(n)))
    if tag == "based":
        return Fraction(_based_int(node[1], node[2]))
    if tag == "func" and node[1] in ("abs", "floor", "ceil", "binom"):
        args = [exact_value(a, deadline) for a in node[2]]
        if node[1] == "abs":
            return abs(args[0])
        if node[1] == "floor":
            return Fraction(math.floor(args[0]))
        if node[1] == "ceil":
            return Fraction(math.ceil(args[0]))
        n, k = args
        if n.denominator != 1 or k.denominator != 1 or not 0 <= k <= n <= MAX_FACTORIAL:
            raise NotExact
        return Fraction(math.comb(int(n), int(k)))
    if tag == "pct":
        return exact_value(node[1], deadline) / 100
    raise NotExact


def _exact_pow(base: Fraction, exponent: Fraction) -> Fraction:
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
    return _exact_pow(root, Fraction(exponent.numerator))


def _based_int(digits: str, base: int) -> int:
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
        tag = node[0]
        if tag == "num":
            q = node[1]
            return ctx.mpf(q.numerator) / q.denominator
        if tag == "const":
            return {"pi": ctx.pi, "e": ctx.e, "i": ctx.mpc(0, 1), "inf": ctx.inf}[node[1]]
        if tag == "sym":
            if node[1] in self.env:
                return self.env[node[1]]
            if node[1] == "e":
                return ctx.e
            if node[1] == "i":
                return ctx.mpc(0, 1)
            return self.env.setdefault(node[1], self.probe_value(node[1]))
        if tag == "neg":
            return _map(self.value(node[1]), lambda v: -v)
        if tag == "add":
            values = [self.value(t) for t in node[1]]
            for v in values:
                if not isinstance(v, tuple) and not ctx.isinf(v):
                    self.scale = max(self.scale, float(abs(v)) if abs(v) < 1e300 else 1e300)
            out = values[0]
            for v in values[1:]:
                out = _combine(out, v, lambda a, b: a + b)
            return out
        if tag == "mul":
            out = self.value(node[1][0])
            for f in node[1][1:]:
                out = _multiply(out, self.value(f))
            return out
        if tag == "div":
            den = self.value(node[2])
            if isinstance(den, tuple) or den == 0:
                raise NotNumeric("division by zero or by a matrix")
            return _map(self.value(node[1]), lambda v: v / den)
        if tag == "pow":
            return self._power(self.value(node[1]), self.value(node[2]))
        if tag == "fact":
            n = self.value(node[1])
            if isinstance(n, tuple) or ctx.im(n) != 0 or ctx.re(n) < 0 or n != ctx.nint(n):
                raise NotNumeric("factorial of a non-natural number")
            if ctx.re(n) > 10**7:
                raise TooLarge("factorial too large")
            return ctx.factorial(ctx.re(n))
        if tag == "pct":
            return _map(self.value(node[1]), lambda v: v / 100)
        if tag == "func":
            return self._function(node[1], node[2])
        if tag == "based":
            return ctx.mpf(_based_int(node[1], node[2]))
        if tag == "matrix":
            return tuple(tuple(self.scalar(c) for c in row) for row in node[1])
        if tag == "sum":
            return self._sum(node)
        raise NotNumeric(f"no numeric value for {tag}")

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

    def _function(self, name: str, args: tuple):
        ctx = self.ctx
        values = [self.scalar(a) for a in args]
        simple = {
            "sin": ctx.sin,
            "cos": ctx.cos,
            "tan": ctx.tan,
            "sec": ctx.sec,
            "csc": ctx.csc,
            "cot": ctx.cot,
            "arcsin": ctx.asin,
            "asin": ctx.asin,
            "arccos": ctx.acos,
            "acos": ctx.acos,
            "arctan": ctx.atan,
            "atan": ctx.atan,
            "sinh": ctx.sinh,
            "cosh": ctx.cosh,
            "tanh": ctx.tanh,
            "exp": ctx.exp,
            "ln": ctx.ln,
            "log": ctx.ln,
            "lg": ctx.log10,
            "abs": abs,
            "arcsec": ctx.asec,
            "arccsc": ctx.acsc,
            "arccot": ctx.acot,
            "floor": ctx.floor,
            "ceil": ctx.ceil,
        }
        if name in simple and len(values) == 1:
            x = values[0]
            if name in ("exp", "sinh", "cosh") and abs(ctx.re(x)) > 10**5:
                raise TooLarge("exponential too large")
            if name in ("ln", "log", "lg") and x == 0:
                raise NotNumeric("log of zero")
            try:
                return simple[name](x)
            except (ZeroDivisionError, ValueError) as exc:
                raise NotNumeric(str(exc)) from exc
        if name == "binom" and len(values) == 2:
            return ctx.binomial(values[0], values[1])
        return self.unknown_function(name, values)

    def _sum(self, node: Node):
        _, body, var, lo, hi = node
        lo_v, hi_v = self.scalar(lo), self.scalar(hi)
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
        """A reproducible pseudo-random value in (1, 3) for a free symbol."""
        seed = self.env.get("__seed__", 0)
        digest = hashlib.blake2b(f"{seed}:{name}".encode(), digest_size=8).digest()
        return self.ctx.mpf(1) + self.ctx.mpf(int.from_bytes(digest, "big")) / 2**63

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
