"""Judging two parsed answers equal: the cheapest sound method first, structure by structure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from .evaluate import PRECISION_DIGITS, NotExact, NotNumeric, NumericEvaluator, exact_value
from .limits import Deadline, TooLarge
from .parser import Node, contains_tag
from .sandbox import sympy_equal_bounded

_PROBES = 4  # random points for expressions with free symbols
_NOISE_DIGITS = 35  # differences below 10^-35 of the working scale are rounding noise
_PRECISE_DIGITS = 10  # a decimal with this many significant digits, correctly rounded, stands for an exact value
_MAX_ALTERNATIVES = 16
_CONFIRM_DIGITS = 220  # agreement at the working precision is confirmed with this many more digits
_GUARD_DIGITS = 15  # digits of a confirmation that rounding may spoil
_MAX_DIGITS = 3_000
_ORDERED_RELS = {"<", "<=", ">", ">="}
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
_STRUCTURES = {"seq", "list", "set", "rel", "union", "ratio"}
NEG_INF, POS_INF = ("neg", ("const", "inf")), ("const", "inf")


@dataclass(frozen=True)
class Outcome:
    """Whether two answers match, by which method, and why."""

    correct: bool
    method: str
    reason: str


class Comparer:
    """Compares parse trees; every step checks the shared deadline."""

    def __init__(self, deadline: Deadline):
        self.deadline = deadline
        self.method = "exact"

    # -- entry -----------------------------------------------------------------------------
    def answers(self, pred: Node, gold: Node, pred_pct: bool, gold_pct: bool) -> Outcome:
        """Compare whole answers, percent marks included (25% = 25 = 0.25)."""
        if pred_pct == gold_pct:
            ok = self.same(pred, gold)
            return self._outcome(ok)
        hundred = ("num", Fraction(100), None)
        if gold_pct:
            ok = self.same(pred, gold) or self.same(("mul", (pred, hundred)), gold)
        else:
            ok = self.same(pred, gold) or self.same(("div", pred, hundred), gold)
        return self._outcome(ok, "percent: ")

    def _outcome(self, ok: bool, prefix: str = "") -> Outcome:
        verb = "equal" if ok else "not equal"
        return Outcome(ok, self.method, f"{prefix}{verb} by {self.method} comparison")

    # -- structure -------------------------------------------------------------------------
    def same(self, p: Node, g: Node) -> bool:
        self.deadline.check()
        if self.kind(p) == "equation" and self.kind(g) == "equation" and self.equations(p, g):
            return True
        p, g = self.value_of(p), self.value_of(g)
        if p == g:
            return True
        gk, pk = self.kind(g), self.kind(p)
        if gk == "equation" or pk == "equation":
            return False
        if (
            gk == "inequality"
            or pk == "inequality"
            or gk == "union"
            or pk == "union"
            or self.is_interval(g)
            or self.is_interval(p)
        ):
            return self.intervals(p, g)
        if gk == "collection" or pk == "collection":
            return self.collections(p, g)
        if gk == "tuple" or pk == "tuple":
            return gk == pk and self.tuples(p, g)
        if gk == "ratio" or pk == "ratio":
            return (
                gk == pk and len(p[1]) == len(g[1]) and all(self.scalars(a, b) for a, b in zip(p[1], g[1], strict=True))
            )
        return self.scalars(p, g)

    def kind(self, node: Node) -> str:
        tag = node[0]
        if tag == "rel":
            if all(op in ("=", "~") for op in node[1]):
                return "equation"
            if node[1] == ("in",):
                return "inequality"
            return "inequality" if all(op in _ORDERED_RELS or op == "!=" for op in node[1]) else "relation"
        if tag in ("list", "set") or contains_tag(node, "pm"):
            return "collection"
        if tag == "seq":
            return "tuple"
        if tag in ("union", "ratio"):
            return tag
        return "scalar"

    def value_of(self, node: Node) -> Node:
        """``x = 3`` -> ``3``, ``x = 1+2 = 3`` -> ``3``, ``(p,q) = (3,2)`` -> ``(3,2)``."""
        if node[0] == "rel" and node[1] == ("in",) and _is_name(node[2][0]):
            return node[2][1]
        if node[0] != "rel" or not all(op in ("=", "~") for op in node[1]):
            if node[0] in ("list", "set"):
                return (node[0], tuple(self.value_of(item) for item in node[1]))
            if node[0] == "seq":
                return (*node[:3], tuple(self.value_of(item) for item in node[3]))
            return node
        ops, operands = node[1], node[2]
        if not (_is_name(operands[0]) or (_is_constant(operands[0]) and len(operands) > 1)):
            return node
        last_equal = max((i for i, op in enumerate(ops) if op == "="), default=None)
        return operands[last_equal + 1] if last_equal is not None else operands[-1]

    def is_interval(self, node: Node) -> bool:
        return (
            node[0] == "seq"
            and len(node[3]) == 2
            and (node[1] + node[2] in ("(]", "[)") or any(_is_infinite(x) for x in node[3]))
        )

    # -- collections -----------------------------------------------------------------------
    def members(self, node: Node) -> list[Node]:
        if node[0] in ("list", "set"):
            out: list[Node] = []
            for item in node[1]:
                out.extend(self.members(self.value_of(item)))
            return out
        return _expand_pm(node)

    def collections(self, p: Node, g: Node) -> bool:
        """Unordered comparison; repeated members count once."""
        self.method = "set"
        pm, gm = _unique(self.members(p)), _unique(self.members(g))
        if len(pm) > 64 or len(gm) > 64:
            return False
        matched_p, matched_g = set(), set()
        for i, a in enumerate(pm):
            for j, b in enumerate(gm):
                if self.same(a, b):
                    self.method = "set"
                    matched_p.add(i)
                    matched_g.add(j)
        return len(matched_p) == len(pm) and len(matched_g) == len(gm)

    def tuples(self, p: Node, g: Node) -> bool:
        self.method = "tuple"
        if len(p[3]) != len(g[3]) or p[1:3] != g[1:3]:
            return False
        ok = all(self.same(a, b) for a, b in zip(p[3], g[3], strict=True))
        self.method = "tuple"
        return ok

    # -- equations -------------------------------------------------------------------------
    def equations(self, p: Node, g: Node) -> bool:
        """Equal when each side's ``lhs - rhs`` is a non-zero multiple of the other's."""
        self.method = "equation"
        if len(p[2]) != 2 or len(g[2]) != 2:
            return False
        dp = ("add", (p[2][0], ("neg", p[2][1])))
        dg = ("add", (g[2][0], ("neg", g[2][1])))
        return self.proportional(dp, dg)

    def proportional(self, a: Node, b: Node) -> bool:
        """Proportional at the working precision, and still so with many more digits."""
        return self.proportional_at(a, b, PRECISION_DIGITS, _NOISE_DIGITS) and self.proportional_at(
            a, b, _CONFIRM_DIGITS, _CONFIRM_DIGITS - _GUARD_DIGITS
        )

    def proportional_at(self, a: Node, b: Node, digits: int, noise_digits: int) -> bool:
        ratios = []
        noise = mpmath.mpf(10) ** -noise_digits
        for seed in range(_PROBES):
            try:
                va, vb, scale = self.evaluate_pair(a, b, seed, digits)
            except (NotNumeric, TooLarge, ZeroDivisionError, ValueError, OverflowError):
                continue
            if isinstance(va, tuple) or isinstance(vb, tuple):
                return False
            if abs(vb) <= scale * noise:
                if abs(va) > scale * noise:
                    return False
                continue
            ratios.append(va / vb)
        if len(ratios) < 2:
            return False
        first = ratios[0]
        return abs(first) > noise and all(abs(r - first) <= abs(first) * noise for r in ratios[1:])

    # -- intervals and inequalities --------------------------------------------------------
    def intervals(self, p: Node, g: Node) -> bool:
        self.method = "interval"
        ip, ig = self.interval_parts(p), self.interval_parts(g)
        if ip is None or ig is None:
            return p[0] == "rel" and g[0] == "rel" and self.relations(p, g)
        if len(ip) != len(ig):
            return False
        remaining = list(ig)
        for part in ip:
            for k, other in enumerate(remaining):
                if self.same_interval(part, other):
                    del remaining[k]
                    break
            else:
                return False
        self.method = "interval"
        return True

    def same_interval(self, a: tuple, b: tuple) -> bool:
        if a[0] == "points" or b[0] == "points":
            return a[0] == b[0] and self.collections(("set", a[1]), ("set", b[1]))
        return a[2] == b[2] and a[3] == b[3] and self.scalars(a[0], b[0]) and self.scalars(a[1], b[1])

    def interval_parts(self, node: Node) -> list[tuple] | None:
        """A union of ``(lo, hi, lo_closed, hi_closed)`` intervals and ``("points", items)``."""
        tag = node[0]
        if tag == "union":
            parts: list[tuple] = []
            for part in node[1]:
                sub = self.interval_parts(part)
                if sub is None:
                    return None
                parts.extend(sub)
            return parts
        if tag == "seq" and len(node[3]) == 2:
            return [(node[3][0], node[3][1], node[1] == "[", node[2] == "]")]
        if tag == "set":
            return [("points", node[1])]
        if tag == "rel":
            return self.inequality_interval(node)
        return None

    def inequality_interval(self, node: Node) -> list[tuple] | None:
        ops, operands = node[1], node[2]
        if ops == ("in",):
            return self.interval_parts(operands[1])
        if len(ops) == 2 and ops[0] in _ORDERED_RELS and ops[1] in _ORDERED_RELS and _is_name(operands[1]):
            lo_op, hi_op = ops
            if lo_op.startswith(">"):
                operands, lo_op, hi_op = operands[::-1], _FLIP[hi_op], _FLIP[lo_op]
            if not (lo_op.startswith("<") and hi_op.startswith("<")):
                return None
            return [(operands[0], operands[2], lo_op == "<=", hi_op == "<=")]
        if len(ops) != 1:
            return None
        op, (left, right) = ops[0], operands
        if _is_name(right) and not _is_name(left):
            left, right, op = right, left, _FLIP.get(op, op)
        solved = self.solve_linear(left, right, op)
        if solved is None:
            return None
        op, bound = solved
        if op == "!=":
            return [(NEG_INF, bound, False, False), (bound, POS_INF, False, False)]
        if op.startswith("<"):
            return [(NEG_INF, bound, False, op == "<=")]
        return [(bound, POS_INF, op == ">=", False)]

    def solve_linear(self, left: Node, right: Node, op: str) -> tuple[str, Node] | None:
        """Solve ``left op right`` for its one variable when it is linear with a rational slope."""
        names = _symbols(left) | _symbols(right)
        if len(names) != 1:
            return None
        var = next(iter(names))
        diff = ("add", (left, ("neg", right)))
        try:
            at0 = exact_value(_substitute(diff, var, Fraction(0)), self.deadline)
            at1 = exact_value(_substitute(diff, var, Fraction(1)), self.deadline)
            at2 = exact_value(_substitute(diff, var, Fraction(2)), self.deadline)
        except (NotExact, NotNumeric):
            if _is_name(left) and not _symbols(right):
                return op, right
            return None
        slope = at1 - at0
        if slope == 0 or at2 - at1 != slope:
            return None
        bound = ("num", -at0 / slope, None)
        return (_FLIP.get(op, op) if slope < 0 else op), bound

    def relations(self, p: Node, g: Node) -> bool:
        """Relations compared term by term after orienting both the same way."""
        self.method = "relation"
        po, go = _orient(p), _orient(g)
        return (
            po[0] == go[0]
            and len(po[1]) == len(go[1])
            and all(self.scalars(a, b) for a, b in zip(po[1], go[1], strict=True))
        )

    # -- scalars ---------------------------------------------------------------------------
    def scalars(self, p: Node, g: Node) -> bool:
        """Exact rational arithmetic first, then high-precision numbers, then probing."""
        if p == g:
            return True
        if p[0] in _STRUCTURES or g[0] in _STRUCTURES:
            return False
        if not _symbols(p) and not _symbols(g):
            try:
                ep, eg = exact_value(p, self.deadline), exact_value(g, self.deadline)
                self.method = "numeric"
                return ep == eg or self.approximates(p, g, ep, eg)
            except NotExact:
                pass
            except NotNumeric:
                return False
        return self.numeric(p, g)

    def approximates(self, p: Node, g: Node, vp, vg) -> bool:
        """A precise decimal (10+ significant digits) stands for the exact value it correctly rounds."""
        for dec_node, other_node, dec_val, other_val in ((p, g, vp, vg), (g, p, vg, vp)):
            digits = _decimal_digits(dec_node)
            if digits is None or _decimal_digits(other_node) is not None or None in (dec_val, other_val):
                continue
            decimals, significant = digits
            representable = (other_val * 10**decimals).denominator == 1
            if (
                significant >= _PRECISE_DIGITS
                and not representable
                and abs(dec_val - other_val) <= Fraction(1, 2 * 10**decimals)
            ):
                return True
        return False

    def numeric(self, p: Node, g: Node) -> bool:
        symbols = _symbols(p) | _symbols(g)
        self.method = "symbolic" if symbols else "numeric"
        checked = 0
        for seed in range(_PROBES if symbols else 1):
            try:
                vp, vg, scale = self.evaluate_pair(p, g, seed)
            except (NotNumeric, ZeroDivisionError, ValueError, OverflowError):
                continue
            if isinstance(vp, tuple) or isinstance(vg, tuple):
                self.method = "matrix"
                if (
                    not (isinstance(vp, tuple) and isinstance(vg, tuple))
                    or len(vp) != len(vg)
                    or len(vp[0]) != len(vg[0])
                ):
                    return False
                pairs = [(a, b) for ra, rb in zip(vp, vg, strict=True) for a, b in zip(ra, rb, strict=True)]
            else:
                pairs = [(vp, vg)]
            approximated = False
            for a, b in pairs:
                if _close(a, b, scale):
                    continue
                if symbols or not self.approximates(p, g, _to_fraction(a), _to_fraction(b)):
                    return False
                approximated = True
            magnitude = max(max(_decimal_exponent(a), _decimal_exponent(b)) for a, b in pairs)
            magnitude = max(magnitude, math.log10(scale))
            if not approximated and not self.close_at_precision(p, g, seed, magnitude):
                return False
            checked += 1
        if checked == 0 and symbols:
            self.method = "sympy"
            return sympy_equal_bounded(p, g, self.deadline)
        return checked > 0

    def close_at_precision(self, p: Node, g: Node, seed: int, magnitude: float) -> bool:
        """Agreement confirmed with many more digits than a difference could hide below.

        A difference of 1 in a huge value, or of ``10^{-40}`` deep in a nested exponent, is
        below the working precision's noise; with ``_CONFIRM_DIGITS`` more digits it is not.
        """
        digits = max(int(magnitude), 0) + _CONFIRM_DIGITS
        if digits > _MAX_DIGITS:
            raise TooLarge("values too large to compare at sufficient precision")
        vp, vg, scale = self.evaluate_pair(p, g, seed, digits)
        if isinstance(vp, tuple) or isinstance(vg, tuple):
            return all(
                _close(a, b, scale, digits - _GUARD_DIGITS)
                for ra, rb in zip(vp, vg, strict=True)
                for a, b in zip(ra, rb, strict=True)
            )
        return _close(vp, vg, scale, digits - _GUARD_DIGITS)

    def evaluate_pair(self, p: Node, g: Node, seed: int, digits: int = PRECISION_DIGITS):
        env: dict = {"__seed__": seed}
        ev = NumericEvaluator(env, self.deadline)
        saved, ev.ctx.dps = ev.ctx.dps, digits
        try:
            vp = ev.value(p)
            vg = ev.value(g)
        finally:
            ev.ctx.dps = saved
        magnitude = max((abs(v) for v in (vp, vg) if not isinstance(v, tuple)), default=0)
        return vp, vg, max(ev.scale, float(min(magnitude, 10**300)), 1e-300)


# -- helpers ------------------------------------------------------------------------------
def _close(a, b, scale: float, digits: int = _NOISE_DIGITS) -> bool:
    if a == b:
        return True
    try:
        if not (abs(a) < float("inf") and abs(b) < float("inf")):
            return False
    except TypeError:
        return False
    return abs(a - b) <= max(scale, abs(a), abs(b)) * mpmath.mpf(10) ** -digits


def _decimal_exponent(x) -> float:
    """log10 of |x| from its binary exponent, cheap for any size (0 for zero or infinity)."""
    if x == 0 or mpmath.isinf(x):
        return 0.0
    return float(mpmath.mag(x)) * math.log10(2)


def _to_fraction(x) -> Fraction | None:
    try:
        if getattr(x, "imag", 0) != 0:
            return None
        return Fraction(str(x.real if hasattr(x, "real") else x))
    except (ValueError, TypeError):
        return None


def _decimal_digits(node: Node) -> tuple[int, int] | None:
    """(decimals, significant digits) of a decimal literal, possibly negated."""
    if node[0] == "neg":
        node = node[1]
    if node[0] != "num" or node[2] is None:
        return None
    decimals = node[2]
    digits = str(abs(node[1].numerator * 10**decimals // node[1].denominator)).lstrip("0")
    return decimals, len(digits)


def _is_name(node: Node) -> bool:
    """A left-hand side that names the answer: ``x``, ``a_3``, ``f(x)``, ``|AB|``, ``(p,q)``."""
    tag = node[0]
    if tag == "sym":
        return True
    if tag == "func":
        return (node[1] == "abs" or node[1] not in _KNOWN_FUNCTIONS) and all(
            _is_name(a) or a[0] == "num" for a in node[2]
        )
    if tag == "mul":
        return all(f[0] == "sym" for f in node[1])
    if tag in ("div", "ratio"):
        parts = node[1:] if tag == "div" else node[1]
        return all(_is_name(x) for x in parts)
    if tag == "seq":
        return all(_is_name(x) for x in node[3])
    return False


def _is_constant(node: Node) -> bool:
    return not _symbols(node) and node[0] not in ("seq", "set", "list", "matrix")


def _is_infinite(node: Node) -> bool:
    return node in (POS_INF, NEG_INF)


def _symbols(node) -> set[str]:
    if not isinstance(node, tuple) or not node:
        return set()
    if node[0] == "sym":
        return {node[1]} if node[1] not in ("e", "i") else set()
    if node[0] == "func" and node[1] not in _KNOWN_FUNCTIONS:
        return {node[1] + "()"} | set().union(*(_symbols(a) for a in node[2]))
    out: set[str] = set()
    for part in node:
        if isinstance(part, tuple):
            out |= _symbols(part)
    return out


_KNOWN_FUNCTIONS = {
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "ln",
    "log",
    "exp",
    "lg",
    "abs",
    "floor",
    "ceil",
    "binom",
    "asin",
    "acos",
    "atan",
    "arcsec",
    "arccsc",
    "arccot",
}


def _substitute(node, var: str, value: Fraction):
    if not isinstance(node, tuple):
        return node
    if node == ("sym", var):
        return ("num", value, None)
    return tuple(_substitute(part, var, value) if isinstance(part, tuple) else part for part in node)


def _orient(node: Node) -> tuple[tuple[str, ...], tuple[Node, ...]]:
    ops, operands = node[1], node[2]
    if ops and ops[0] in (">", ">="):
        return tuple(_FLIP[o] for o in reversed(ops)), tuple(reversed(operands))
    return ops, operands


def _expand_pm(node: Node) -> list[Node]:
    """All sign choices of ``±`` in a node (``1 ± √2`` -> ``[1 + √2, 1 - √2]``)."""
    if not contains_tag(node, "pm"):
        return [node]
    out = [node]
    while any(contains_tag(n, "pm") for n in out) and len(out) <= _MAX_ALTERNATIVES:
        nxt: list[Node] = []
        for n in out:
            nxt.extend(_split_first_pm(n) if contains_tag(n, "pm") else [n])
        out = nxt
    return out[:_MAX_ALTERNATIVES]


def _split_first_pm(node):
    if not isinstance(node, tuple):
        return [node, node]
    if node and node[0] == "pm":
        a, b = node[1], node[2]
        if a is None:
            return [b, ("neg", b)]
        return [("add", (a, b)), ("add", (a, ("neg", b)))]
    for i, part in enumerate(node):
        if isinstance(part, tuple) and contains_tag(part, "pm"):
            return [(*node[:i], alt, *node[i + 1 :]) for alt in _split_first_pm(part)]
    return [node, node]


def _unique(items: list[Node]) -> list[Node]:
    out: list[Node] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
