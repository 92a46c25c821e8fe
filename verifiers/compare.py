"""Judging two parsed answers equal: the cheapest sound method first, structure by structure.

Every comparison returns its own :class:`Outcome`, so the method reported is the one that
decided (two equal sets are reported as ``set`` whatever compared their members).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from .evaluate import PRECISION_DIGITS, NotExact, NotNumeric, NumericEvaluator, exact_value
from .limits import Deadline, TooLarge
from .nodes import (
    HUNDRED,
    INF,
    NEG_INF,
    Add,
    Based,
    ClockTime,
    Div,
    Func,
    Intersection,
    Limit,
    ListOf,
    Matrix,
    Mul,
    NamedSet,
    Neg,
    Node,
    Num,
    PlusMinus,
    Pow,
    Ratio,
    Rel,
    Seq,
    SetOf,
    Sum,
    Sym,
    Union,
    children,
    contains,
    replaced,
    with_children,
)
from .sandbox import sympy_equal_bounded
from .towers import same_huge_value
from .vocabulary import KNOWN_FUNCTION_NAMES

_PROBES = 4  # random points for expressions with free symbols
# ... and points with every symbol negative, which count only where both sides are real there:
# they tell x from |x| and \sqrt{x^2}, and leave alone what is only defined for positive values.
_NEGATIVE_PROBES = 2
_NOISE_DIGITS = 35  # differences below 10^-35 of the working scale are rounding noise
_PRECISE_DIGITS = 10  # a decimal with this many significant digits, correctly rounded, stands for an exact value
_FLOAT_DIGITS = 15  # from this many, a double's printed digits (1.4142135623730951 for √2): one unit off in the last
_MAX_ALTERNATIVES = 16
_CONFIRM_DIGITS = 220  # agreement at the working precision is confirmed with this many more digits
_GUARD_DIGITS = 15  # digits of a confirmation that rounding may spoil
_MAX_DIGITS = 3_000
_MAX_MEMBERS = 64
_ORDERED_RELS = {"<", "<=", ">", ">="}
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
_STRUCTURES = (Seq, ListOf, SetOf, Rel, Union, Intersection, Ratio, ClockTime, NamedSet)
_EQUALITIES = ("=", "~")


@dataclass(frozen=True, slots=True)
class Outcome:
    """Whether two answers match, by which method, and why."""

    correct: bool
    method: str
    reason: str = ""

    @staticmethod
    def of(correct: bool, method: str, prefix: str = "") -> Outcome:
        verb = "equal" if correct else "not equal"
        return Outcome(correct, method, f"{prefix}{verb} by {method} comparison")


@dataclass(frozen=True, slots=True)
class Interval:
    """One piece of a set of reals: ``lo..hi`` with each end open or closed."""

    lo: Node
    hi: Node
    lo_closed: bool
    hi_closed: bool


@dataclass(frozen=True, slots=True)
class Points:
    """Isolated members of a set of reals: ``\\{1, 2\\}``."""

    items: tuple[Node, ...]


Piece = Interval | Points
REALS = Seq("(", ")", (NEG_INF, INF))


class Comparer:
    """Compares parse trees; every step checks the shared deadline."""

    def __init__(self, deadline: Deadline):
        self.deadline = deadline

    # -- entry -----------------------------------------------------------------------------
    def answers(self, pred: Node, gold: Node, pred_pct: bool, gold_pct: bool) -> Outcome:
        """Compare whole answers, percent marks included (25% = 25 = 0.25)."""
        plain = self.same(pred, gold)
        if pred_pct == gold_pct or plain.correct:
            return Outcome.of(plain.correct, plain.method, "" if pred_pct == gold_pct else "percent: ")
        pred = self.value_of(pred)  # x = 45% is 45 percent: the value is scaled, not the equation
        scaled = self.same(Mul((pred, HUNDRED)), gold) if gold_pct else self.same(Div(pred, HUNDRED), gold)
        return Outcome.of(scaled.correct, scaled.method, "percent: ")

    # -- structure -------------------------------------------------------------------------
    def same(self, p: Node, g: Node) -> Outcome:
        self.deadline.check()
        p, g = _solutions_as_tuples(p), _solutions_as_tuples(g)
        named = self.named_values(p, g)
        if named is not None:
            return named
        if self.kind(p) == "equation" and self.kind(g) == "equation":
            equation = self.equations(p, g)
            if equation.correct:
                return equation
        p_unknowns, g_unknowns = _unknowns_assigned(p), _unknowns_assigned(g)
        if p_unknowns is not None and g_unknowns is not None and p_unknowns != g_unknowns:
            return Outcome(False, "assignments")  # x = 1 against y = 1: another line, another unknown
        ordered = self.plain_against_named(p, g)
        if ordered is not None:
            return ordered
        p, g = _assignments_as_tuple(p, g), _assignments_as_tuple(g, p)
        p, g = _vector_as_tuple(p, g), _vector_as_tuple(g, p)
        p, g = _identity_as_matrix(p, g), _identity_as_matrix(g, p)
        p, g = self.value_of(p), self.value_of(g)
        if isinstance(g, Based) and isinstance(p, Num) and p.decimals is None and p.value.denominator == 1:
            p = Based(str(p.value.numerator), g.base)  # digits read in the base the key names
        if p == g:
            return Outcome(True, "exact")
        gk, pk = self.kind(g), self.kind(p)
        if pk == "equation" and gk == "scalar" and _is_constant(g):
            value = _value_of_names(p)  # a + b = 7, -\frac{b}{a} = \frac72, f(1) + f(2) = 9, \tan\theta = \frac34
            if value is not None:
                return self.scalars(value, g)
        rewritten = self.rewritten(p) if pk == "equation" and gk == "scalar" else None
        if rewritten is not None:  # (x+1)^2 = x^2 + 2x + 1: one expression rewritten
            return self.scalars(rewritten, g)
        if "equation" in (gk, pk):
            return Outcome(False, "equation")
        if {gk, pk} & {"inequality", "union"} or self.is_interval(g) or self.is_interval(p):
            return self.intervals(p, g)
        if "collection" in (gk, pk):
            return self.collections(p, g)
        if "tuple" in (gk, pk):
            return self.tuples(p, g) if gk == pk else Outcome(False, "tuple")
        if "time" in (gk, pk):
            return self.times(p, g)
        if "ratio" in (gk, pk):
            if gk == pk:
                return self.ratios(p, g)
            return self.ratio_as_quotient(p, g)
        return self.scalars(p, g)

    def named_values(self, p: Node, g: Node) -> Outcome | None:
        """``a = 5, b = 3`` against ``a = 3, b = 5``: each name's value against the same name's value,
        in any order, a name both sides give another value wrong; None unless both sides name two or
        more quantities once each, or where their other names hold the values (``x = 5, y = 3``)."""
        p_named, g_named = _assignments(p), _assignments(g)
        if p_named is None or g_named is None:
            return None
        shared = [name for name in g_named if name in p_named]
        ok = all(self.same(self.value_of(p_named[name]), self.value_of(g_named[name])).correct for name in shared)
        if ok and p_named.keys() != g_named.keys():
            return None  # x = 5, y = 3 against a = 5, b = 3: other names, the values compared as before
        return Outcome.of(ok, "assignments")

    def plain_against_named(self, p: Node, g: Node) -> Outcome | None:
        """``2, 3`` against ``a = 2, b = 3`` (either way round): the values in the order the names are
        written, not as a set; None unless one side names two or more quantities and the other lists
        as many values, none named."""
        p_named, g_named = _assignments(p), _assignments(g)
        if (p_named is None) == (g_named is None):
            return None
        named, plain = (g_named, p) if p_named is None else (p_named, g)
        assert named is not None
        if not (isinstance(plain, ListOf) and _plain_list(plain, len(named))):
            return None
        pairs = zip(named.values(), plain.items, strict=True)
        return Outcome.of(all(self.same(self.value_of(value), item).correct for value, item in pairs), "assignments")

    def rewritten(self, node: Node) -> Node | None:
        """The last side of a chain of equal sides with a name in them, one expression rewritten
        (``(x+1)^2 = x^2 + 2x + 1``); None for an equation to solve (``x^2 = 4``)."""
        if not (isinstance(node, Rel) and all(op == "=" for op in node.ops) and _symbols(node)):
            return None
        first, *rest = node.operands
        return rest[-1] if all(self.scalars(side, first).correct for side in rest) else None

    def kind(self, node: Node) -> str:
        match node:
            case Rel(ops):
                if all(op in _EQUALITIES for op in ops):
                    return "equation"
                if ops == ("in",) or all(op in _ORDERED_RELS or op == "!=" for op in ops):
                    return "inequality"
                return "relation"
            case ListOf(items) if items and all(self.kind(item) == "inequality" for item in items):
                return "inequality"
            case ListOf() | SetOf():
                return "collection"
            case Seq():
                return "tuple"
            case Union() | Intersection():
                return "union"
            case Ratio():
                return "ratio"
            case ClockTime():
                return "time"
            case NamedSet():
                return "named set"
        return "collection" if contains(node, PlusMinus) else "scalar"

    def value_of(self, node: Node) -> Node:
        """``x = 3`` -> ``3``, ``x = 1+2 = 3`` -> ``3``, ``(p,q) = (3,2)`` -> ``(3,2)``, ``\\emptyset`` -> ``{}``."""
        match node:
            case Rel(("in",), (name, value)) if _is_name(name):
                return self.value_of(value)
            case Rel(ops, operands) if all(op in _EQUALITIES for op in ops):
                if not (_is_name(operands[0]) or (_is_constant(operands[0]) and len(operands) > 1)):
                    return node
                # x = 1+2 = 3 -> 3; an approximation after the value is not the answer: 2√2 ≈ 2.83 -> 2√2
                last_equal = max((i for i, op in enumerate(ops) if op == "="), default=None)
                if last_equal is not None:
                    value = operands[last_equal + 1]
                else:
                    value = operands[1] if _is_name(operands[0]) else operands[0]
                return self.value_of(value) if isinstance(value, NamedSet) else value  # A = \emptyset
            case ListOf(items):
                return ListOf(tuple(self.value_of(item) for item in items))
            case SetOf(items):
                return SetOf(tuple(self.value_of(item) for item in items))
            case Seq(opener, closer, items):
                return Seq(opener, closer, tuple(self.value_of(item) for item in items))
            case NamedSet("empty"):
                return SetOf(())
            case NamedSet("reals"):
                return REALS
        return node

    def is_interval(self, node: Node) -> bool:
        return (
            isinstance(node, Seq)
            and len(node.items) == 2
            and (node.opener + node.closer in ("(]", "[)") or any(_is_infinite(x) for x in node.items))
        )

    # -- collections -----------------------------------------------------------------------
    def members(self, node: Node) -> list[Node]:
        if isinstance(node, (ListOf, SetOf)):
            out: list[Node] = []
            for item in node.items:
                out.extend(self.members(self.value_of(item)))
            return out
        return _expand_pm(node)

    def collections(self, p: Node, g: Node) -> Outcome:
        """Unordered comparison; repeated members count once."""
        pm, gm = _unique(self.members(p)), _unique(self.members(g))
        if len(pm) > _MAX_MEMBERS or len(gm) > _MAX_MEMBERS:
            return Outcome(False, "set", "too many members to compare")
        matched_p, matched_g = set(), set()
        for i, a in enumerate(pm):
            for j, b in enumerate(gm):
                if self.same(a, b).correct:
                    matched_p.add(i)
                    matched_g.add(j)
        return Outcome(len(matched_p) == len(pm) and len(matched_g) == len(gm), "set")

    def parts(self, p: ListOf, g: ListOf) -> Outcome:
        """Labelled parts ((a) 12, (b) 10; (1) 8；(2) 16) in their order: the first against the first."""
        ok = len(p.items) == len(g.items) and all(
            self.same(a, b).correct for a, b in zip(p.items, g.items, strict=True)
        )
        return Outcome.of(ok, "parts")

    def tuples(self, p: Node, g: Node) -> Outcome:
        assert isinstance(p, Seq) and isinstance(g, Seq)
        ok = (
            len(p.items) == len(g.items)
            and (p.opener, p.closer) == (g.opener, g.closer)
            and all(self.same(a, b).correct for a, b in zip(p.items, g.items, strict=True))
        )
        return Outcome(ok, "tuple")

    def times(self, p: Node, g: Node) -> Outcome:
        """Clock times: the same minute of the day (of half a day when either may be 12-hour).

        Against a ratio, ``h:mm`` is read as the ratio ``h : mm``.
        """
        if isinstance(p, ClockTime) and isinstance(g, ClockTime):
            same = p.minutes == g.minutes
            if not (p.exact and g.exact):
                same = same or p.minutes % 720 == g.minutes % 720
            return Outcome(same, "time")
        if isinstance(p, (ClockTime, Ratio)) and isinstance(g, (ClockTime, Ratio)):
            return self.ratios(_as_ratio(p), _as_ratio(g))
        return Outcome(False, "time")

    def ratios(self, p: Node, g: Node) -> Outcome:
        """``10:4`` = ``5:2``: the parts are proportional (``a_k g_0 = a_0 g_k`` for every k)."""
        assert isinstance(p, Ratio) and isinstance(g, Ratio)
        if len(p.parts) != len(g.parts):
            return Outcome(False, "ratio")
        # The pivot is the key's first non-zero part, so 0:4 = 0:1 (and 0:4 != 1:0, 0:0 is no ratio).
        pivot = next((k for k, part in enumerate(g.parts) if not self.is_zero(part)), None)
        if pivot is None or self.is_zero(p.parts[pivot]):
            return Outcome(False, "ratio")
        pk, gk = p.parts[pivot], g.parts[pivot]
        ok = all(self.scalars(Mul((a, gk)), Mul((pk, b))).correct for a, b in zip(p.parts, g.parts, strict=True))
        return Outcome(ok, "ratio")

    def ratio_as_quotient(self, p: Node, g: Node) -> Outcome:
        """A two-part ratio against a number: ``2:3`` = ``\\frac{2}{3}`` (a zero second part is no quotient)."""
        ratio, other = (p, g) if isinstance(p, Ratio) else (g, p)
        if not isinstance(ratio, Ratio) or len(ratio.parts) != 2 or self.kind(other) != "scalar":
            return Outcome(False, "ratio")
        if self.is_zero(ratio.parts[1]):
            return Outcome(False, "ratio")
        quotient = Div(ratio.parts[0], ratio.parts[1])
        outcome = self.scalars(quotient, other) if ratio is p else self.scalars(other, quotient)
        return Outcome(outcome.correct, "ratio")

    def is_zero(self, node: Node) -> bool:
        return self.scalars(node, Num(Fraction(0))).correct

    # -- equations -------------------------------------------------------------------------
    def equations(self, p: Node, g: Node) -> Outcome:
        """Equal when each side's ``lhs - rhs`` is a non-zero multiple of the other's."""
        assert isinstance(p, Rel) and isinstance(g, Rel)
        if len(p.operands) != 2 or len(g.operands) != 2:
            return Outcome(False, "equation")
        dp = Add((p.operands[0], Neg(p.operands[1])))
        dg = Add((g.operands[0], Neg(g.operands[1])))
        return Outcome(self.proportional(dp, dg), "equation")

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
    def intervals(self, p: Node, g: Node) -> Outcome:
        ip, ig = self.interval_parts(p), self.interval_parts(g)
        if ip is None or ig is None:
            if isinstance(p, Rel) and isinstance(g, Rel):
                return self.relations(p, g)
            return Outcome(False, "interval")
        if len(ip) != len(ig):
            return Outcome(False, "interval")
        remaining = list(ig)
        for part in ip:
            for k, other in enumerate(remaining):
                if self.same_piece(part, other):
                    del remaining[k]
                    break
            else:
                return Outcome(False, "interval")
        return Outcome(True, "interval")

    def same_piece(self, a: Piece, b: Piece) -> bool:
        if isinstance(a, Points) or isinstance(b, Points):
            return (
                isinstance(a, Points)
                and isinstance(b, Points)
                and self.collections(SetOf(a.items), SetOf(b.items)).correct
            )
        return (
            a.lo_closed == b.lo_closed
            and a.hi_closed == b.hi_closed
            and self.scalars(a.lo, b.lo).correct
            and self.scalars(a.hi, b.hi).correct
        )

    def interval_parts(self, node: Node) -> list[Piece] | None:
        """A set of reals as a union of intervals and points; None when it is not one."""
        match node:
            case Union(parts):
                pieces: list[Piece] = []
                for part in parts:
                    sub = self.interval_parts(part)
                    if sub is None:
                        return None
                    pieces.extend(sub)
                return pieces
            case Intersection(parts):
                return self.intersection_of(parts)
            case Seq(opener, closer, (lo, hi)):
                return [Interval(lo, hi, opener == "[", closer == "]")]
            case ListOf(items) if self.kind(node) == "inequality":
                return self.joined_inequalities(items)
            case SetOf(()):
                return []
            case SetOf(items):
                return [Points(items)]
            case Rel():
                return self.inequality_interval(node)
        return None

    def joined_inequalities(self, items: tuple[Node, ...]) -> list[Piece] | None:
        """Inequalities joined by "or"/"and" (both read as a list): ``x < -1, x > 1`` is a union;
        two that overlap, ``x > 1, x < 3``, can only mean "and": their intersection; so can a point
        left out, ``x > 2, x \\neq 5``: the others without it."""
        excluded = [self.excluded_point(item) for item in items]
        if any(point is not None for point in excluded) and None in excluded:
            return self.punctured(
                tuple(item for item, point in zip(items, excluded, strict=True) if point is None),
                [point for point in excluded if point is not None],
            )
        pieces = [self.interval_parts(item) for item in items]
        if any(p is None for p in pieces):
            return None
        if len(pieces) == 2:
            first, second = pieces
            assert first is not None and second is not None
            if len(first) == 1 and len(second) == 1:
                a, b = first[0], second[0]
                if isinstance(a, Interval) and isinstance(b, Interval):
                    both = self.intersection(a, b)
                    if both is not None:
                        return [both]
        return [piece for p in pieces if p is not None for piece in p]

    def excluded_point(self, node: Node) -> Node | None:
        """The one number that ``x \\neq 5`` (``5 \\neq x``, ``2x \\neq 10``) leaves out; None for any other node."""
        if not (isinstance(node, Rel) and node.ops == ("!=",)):
            return None
        pieces = self.inequality_interval(node)
        if pieces is None or len(pieces) != 2 or not isinstance(pieces[0], Interval):
            return None
        return pieces[0].hi

    def punctured(self, items: tuple[Node, ...], points: list[Node]) -> list[Piece] | None:
        """Inequalities with points left out (``x > 2`` and ``x \\neq 5``): the set the inequalities
        describe without those points, ``(2, 5) \\cup (5, \\infty)``; None unless every end is a number."""
        pieces = self.joined_inequalities(items) if len(items) > 1 else self.interval_parts(items[0])
        intervals = [piece for piece in pieces or () if isinstance(piece, Interval)]
        if pieces is None or len(intervals) != len(pieces):
            return None
        if not self.all_real([*points, *(end for piece in intervals for end in (piece.lo, piece.hi))]):
            return None  # an end that is no number: whether the point lies inside is unknown
        for point in points:
            sides = (Interval(NEG_INF, point, False, False), Interval(point, INF, False, False))
            split = (self.intersection(piece, side) for piece in intervals for side in sides)
            intervals = [piece for piece in split if piece is not None]
        return list(intervals)

    def all_real(self, nodes: list[Node]) -> bool:
        """Whether each node evaluates to a real number (infinities included)."""
        ev = NumericEvaluator({}, self.deadline)
        try:
            return all(ev.ctx.im(ev.scalar(node)) == 0 for node in nodes)
        except (NotNumeric, TooLarge, ZeroDivisionError, ValueError):
            return False

    def intersection_of(self, parts: tuple[Node, ...]) -> list[Piece] | None:
        """``[1,2] \\cap [1.5,3]`` -> ``[1.5,2]`` (no overlap: the empty set); None unless each part is one interval."""
        intervals = []
        for part in parts:
            pieces = self.interval_parts(part)
            if pieces is None or len(pieces) != 1 or not isinstance(pieces[0], Interval):
                return None
            intervals.append(pieces[0])
        common = intervals[0]
        for interval in intervals[1:]:
            overlap = self.intersection(common, interval)
            if overlap is None:
                return []  # no overlap: the empty set
            common = overlap
        return [common]

    def intersection(self, a: Interval, b: Interval) -> Interval | None:
        """The overlap of two intervals with numeric ends; None when they do not overlap."""
        ev = NumericEvaluator({}, self.deadline)
        try:
            ends = [ev.scalar(x) for x in (a.lo, b.lo, a.hi, b.hi)]
            if any(ev.ctx.im(x) != 0 for x in ends):
                return None
        except (NotNumeric, TooLarge, ZeroDivisionError, ValueError):
            return None
        a_lo, b_lo, a_hi, b_hi = ends
        lo, lo_closed = (a.lo, a.lo_closed) if a_lo > b_lo else (b.lo, b.lo_closed)
        if a_lo == b_lo:
            lo_closed = a.lo_closed and b.lo_closed
        hi, hi_closed = (a.hi, a.hi_closed) if a_hi < b_hi else (b.hi, b.hi_closed)
        if a_hi == b_hi:
            hi_closed = a.hi_closed and b.hi_closed
        if max(a_lo, b_lo) >= min(a_hi, b_hi):
            return None
        return Interval(lo, hi, lo_closed, hi_closed)

    def inequality_interval(self, node: Rel) -> list[Piece] | None:
        ops, operands = node.ops, node.operands
        if ops == ("in",):
            return self.interval_parts(self.value_of(operands[1]))
        if (
            len(ops) == 2
            and ops[0] in _ORDERED_RELS
            and ops[1] in _ORDERED_RELS
            and (_is_name(operands[1]) or _is_abs(operands[1]))
        ):
            lo_op, hi_op = ops
            if lo_op.startswith(">"):
                operands, lo_op, hi_op = operands[::-1], _FLIP[hi_op], _FLIP[lo_op]
            if not (lo_op.startswith("<") and hi_op.startswith("<")):
                return None
            middle = operands[1]
            if isinstance(middle, Func) and _is_abs(middle):
                return self.abs_between(middle.args[0], operands[0], _FLIP[lo_op], hi_op, operands[2])
            return [Interval(operands[0], operands[2], lo_op == "<=", hi_op == "<=")]
        if len(ops) != 1:
            return None
        op, (left, right) = ops[0], operands
        if isinstance(right, Func) and right.name == "abs" and not isinstance(left, Func):
            left, right, op = right, left, _FLIP.get(op, op)
        if isinstance(left, Func) and left.name == "abs" and len(left.args) == 1 and op in _ORDERED_RELS:
            return self.abs_inequality(left.args[0], op, right)
        if _is_name(right) and not _is_name(left):
            left, right, op = right, left, _FLIP.get(op, op)
        solved = self.solve_linear(left, right, op)
        if solved is None:
            return None
        op, bound = solved
        if op == "!=":
            return [Interval(NEG_INF, bound, False, False), Interval(bound, INF, False, False)]
        if op.startswith("<"):
            return [Interval(NEG_INF, bound, False, op == "<=")]
        return [Interval(bound, INF, op == ">=", False)]

    def abs_inequality(self, inner: Node, op: str, bound: Node) -> list[Piece] | None:
        """``|u| < c`` is ``-c < u < c``; ``|u| > c`` is ``u < -c`` or ``u > c`` (c a constant).

        A lower bound that every ``|u|`` meets (``|u| >= 0``, ``|u| > -1``) is all the reals and
        ``|u| > 0`` is ``u != 0`` (``u`` linear); an upper bound no ``|u|`` meets (``|u| < 0``) is
        not read.
        """
        try:
            if _symbols(bound):
                return None
            c = exact_value(bound, self.deadline)
        except (NotExact, NotNumeric):
            return None
        if c < 0 or (c == 0 and not op.startswith(">")):
            bound = Num(Fraction(0))  # the pieces below only check that u is linear
        below = self.inequality_interval(Rel((_FLIP[op],), (inner, Neg(bound))))
        above = self.inequality_interval(Rel((op,), (inner, bound)))
        if below is None or above is None or len(below) != 1 or len(above) != 1:
            return None
        low, high = below[0], above[0]
        if op.startswith(">"):
            if c < 0 or (c == 0 and op == ">="):
                return [Interval(NEG_INF, INF, False, False)]
            return [low, high]
        if c <= 0 or not (isinstance(low, Interval) and isinstance(high, Interval)):
            return None
        both = self.intersection(low, high)
        return [both] if both is not None else None

    def abs_between(self, inner: Node, lo: Node, lo_op: str, hi_op: str, hi: Node) -> list[Piece] | None:
        """``a <= |u| <= b``: the pieces of ``|u| >= a`` (two, or all the reals when ``a <= 0``)
        that lie inside ``|u| <= b``."""
        outer = self.abs_inequality(inner, lo_op, lo)
        within = self.abs_inequality(inner, hi_op, hi)
        if outer is None or within is None or len(within) != 1 or not isinstance(within[0], Interval):
            return None
        pieces = [self.intersection(piece, within[0]) for piece in outer if isinstance(piece, Interval)]
        if len(pieces) != len(outer) or any(piece is None for piece in pieces):
            return None
        return [piece for piece in pieces if piece is not None]

    def solve_linear(self, left: Node, right: Node, op: str) -> tuple[str, Node] | None:
        """Solve ``left op right`` for its one variable when it is linear with a rational slope."""
        names = _symbols(left) | _symbols(right)
        if len(names) != 1:
            return None
        var = next(iter(names))
        diff = Add((left, Neg(right)))
        try:
            at0 = exact_value(replaced(diff, Sym(var), Num(Fraction(0))), self.deadline)
            at1 = exact_value(replaced(diff, Sym(var), Num(Fraction(1))), self.deadline)
            at2 = exact_value(replaced(diff, Sym(var), Num(Fraction(2))), self.deadline)
        except (NotExact, NotNumeric):
            if _is_name(left) and not _symbols(right):
                return op, right
            return None
        slope = at1 - at0
        if slope == 0 or at2 - at1 != slope:
            return None
        bound = Num(-at0 / slope)
        return (_FLIP.get(op, op) if slope < 0 else op), bound

    def relations(self, p: Rel, g: Rel) -> Outcome:
        """Relations compared term by term after orienting both the same way."""
        po, go = _orient(p), _orient(g)
        ok = (
            po.ops == go.ops
            and len(po.operands) == len(go.operands)
            and all(self.scalars(a, b).correct for a, b in zip(po.operands, go.operands, strict=True))
        )
        return Outcome(ok, "relation")

    # -- scalars ---------------------------------------------------------------------------
    def scalars(self, p: Node, g: Node) -> Outcome:
        """Exact rational arithmetic first, then high-precision numbers, then probing, then sympy."""
        if p == g:
            return Outcome(True, "exact")
        if isinstance(p, _STRUCTURES) or isinstance(g, _STRUCTURES):
            return Outcome(False, "structure")
        if not _symbols(p) and not _symbols(g):
            try:
                ep, eg = exact_value(p, self.deadline), exact_value(g, self.deadline)
                return Outcome(ep == eg or self.approximates(p, g, ep, eg), "numeric")
            except NotExact:
                pass
            except NotNumeric:
                return Outcome(False, "numeric")
        if contains(p, (Limit, Sum)) or contains(g, (Limit, Sum)):
            numeric = self.numeric(p, g)
            if numeric.correct or numeric.method != "sympy-needed":
                return numeric
            return Outcome(sympy_equal_bounded(p, g, self.deadline), "sympy")
        try:
            numeric = self.numeric(p, g)
        except TooLarge:
            decided = None if _symbols(p) or _symbols(g) else same_huge_value(p, g, self.deadline)
            if decided is None:
                raise
            return Outcome(decided, "power")  # 2^{3^{1024}} = 2^{3^{4^5}}: too large to evaluate
        if numeric.method == "sympy-needed":
            return Outcome(bool(_symbols(p) | _symbols(g)) and sympy_equal_bounded(p, g, self.deadline), "sympy")
        return numeric

    def approximates(self, p: Node, g: Node, vp: Fraction | None, vg: Fraction | None) -> bool:
        """A precise decimal (10+ significant digits) stands for the exact value it correctly rounds; one
        of 15+ digits, as a double prints it (0.6666666666666666), for a value one unit off in its last."""
        for dec_node, other_node, dec_val, other_val in ((p, g, vp, vg), (g, p, vg, vp)):
            digits = _decimal_digits(dec_node)
            if digits is None or _decimal_digits(other_node) is not None or dec_val is None or other_val is None:
                continue
            decimals, significant = digits
            unit = Fraction(10) ** -decimals  # the last digit's place; above 1 in 1.5 \times 10^{4}
            representable = (other_val / unit).denominator == 1
            tolerance = unit if significant >= _FLOAT_DIGITS else unit / 2
            if significant >= _PRECISE_DIGITS and not representable and abs(dec_val - other_val) <= tolerance:
                return True
        return False

    def numeric(self, p: Node, g: Node) -> Outcome:
        """Values at the same probe points (symbols bound to pseudo-random values).

        Method ``sympy-needed`` when no probe could be evaluated: only sympy can decide.
        """
        symbols = _symbols(p) | _symbols(g)
        method = "symbolic" if symbols else "numeric"
        checked = 0
        for seed in range(_PROBES + _NEGATIVE_PROBES if symbols else 1):
            negative = seed >= _PROBES
            try:
                vp, vg, scale = self.evaluate_pair(p, g, seed, negative=negative)
            except (NotNumeric, ZeroDivisionError, ValueError, OverflowError):
                continue
            if negative and not (_is_real(vp) and _is_real(vg)):
                continue
            if isinstance(vp, tuple) or isinstance(vg, tuple):
                method = "matrix"
                if (
                    not (isinstance(vp, tuple) and isinstance(vg, tuple))
                    or len(vp) != len(vg)
                    or len(vp[0]) != len(vg[0])
                ):
                    return Outcome(False, method)
                pairs = [(a, b) for ra, rb in zip(vp, vg, strict=True) for a, b in zip(ra, rb, strict=True)]
            else:
                pairs = [(vp, vg)]
            approximated = False
            for a, b in pairs:
                if _close(a, b, scale):
                    continue
                if symbols or not self.approximates(p, g, _to_fraction(a), _to_fraction(b)):
                    return Outcome(False, method)
                approximated = True
            magnitude = max(max(_decimal_exponent(a), _decimal_exponent(b)) for a, b in pairs)
            magnitude = max(magnitude, math.log10(scale))
            if not approximated and not self.close_at_precision(p, g, seed, magnitude, negative):
                return Outcome(False, method)
            checked += 1
        return Outcome(checked > 0, method if checked else "sympy-needed")

    def close_at_precision(self, p: Node, g: Node, seed: int, magnitude: float, negative: bool = False) -> bool:
        """Agreement confirmed with many more digits than a difference could hide below.

        A difference of 1 in a huge value, or of ``10^{-40}`` deep in a nested exponent, is
        below the working precision's noise; with ``_CONFIRM_DIGITS`` more digits it is not.
        """
        digits = max(int(magnitude), 0) + _CONFIRM_DIGITS
        if digits > _MAX_DIGITS:
            raise TooLarge("values too large to compare at sufficient precision")
        vp, vg, scale = self.evaluate_pair(p, g, seed, digits, negative)
        if isinstance(vp, tuple) or isinstance(vg, tuple):
            return all(
                _close(a, b, scale, digits - _GUARD_DIGITS)
                for ra, rb in zip(vp, vg, strict=True)
                for a, b in zip(ra, rb, strict=True)
            )
        return _close(vp, vg, scale, digits - _GUARD_DIGITS)

    def evaluate_pair(self, p: Node, g: Node, seed: int, digits: int = PRECISION_DIGITS, negative: bool = False):
        env: dict = {"__seed__": seed, "__negative__": negative}
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
def _is_real(value) -> bool:
    """A real number, or a matrix of them (a complex value with zero imaginary part counts)."""
    if isinstance(value, tuple):
        return all(_is_real(x) for row in value for x in row)
    return getattr(value, "imag", 0) == 0  # the evaluator's own mpmath context: no isinstance


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
    """(decimals, significant digits) of a decimal literal, possibly negated or in scientific
    notation (``1.234567890 \\times 10^{5}`` has 4 decimals and 10 significant digits)."""
    if isinstance(node, Neg):
        node = node.operand
    shift = 0
    match node:
        case Mul((Num() as mantissa, Pow(Num(ten), exponent))) if ten == 10 and _integer_literal(exponent) is not None:
            node, shift = mantissa, _integer_literal(exponent) or 0
    if not isinstance(node, Num) or node.decimals is None:
        return None
    decimals = node.decimals
    digits = str(abs(node.value.numerator * 10**decimals // node.value.denominator)).lstrip("0")
    return decimals - shift, len(digits)


def _integer_literal(node: Node) -> int | None:
    match node:
        case Num(value, None) if value.denominator == 1:
            return int(value)
        case Neg(Num(value, None)) if value.denominator == 1:
            return -int(value)
    return None


def _is_name(node: Node) -> bool:
    """A left-hand side that names the answer: ``x``, ``a_3``, ``f(x)``, ``|AB|``, ``(p,q)``.

    A known function is no name: ``\\sin x = \\frac12`` is an equation, not the value 1/2.
    """
    match node:
        case Sym():
            return True
        case Func("complement", (_, of)):  # \complement_U A = \{2, 4\}, \complement_U (A \cup B) = \{5\}
            return isinstance(of, Sym) or (isinstance(of, Union | Intersection) and _is_name(of))
        case Mul((Func("prime") as derivative, Num() | Sym())):  # f'(1) = 2, f''(x) = 6x: a derivative's value
            return _is_derivative(derivative)
        case Func(name, args):
            return (name == "abs" or name not in KNOWN_FUNCTION_NAMES) and all(
                _is_name(a) or isinstance(a, Num) for a in args
            )
        case Mul((Pow(Sym(), Neg(Num(1))), *args)) if args and all(isinstance(a, Sym) for a in args):
            return True  # an inverse function: f^{-1}(x)
        case Mul(factors):
            return all(isinstance(f, Sym) for f in factors)
        case Div(a, b):
            return _is_name(a) and _is_name(b)
        case Ratio(items) | Seq(_, _, items):
            return all(_is_name(x) for x in items)
        case Matrix(rows):  # \begin{pmatrix} a \\ b \end{pmatrix} = \begin{pmatrix} 3 \\ 1 \end{pmatrix}
            return all(isinstance(x, Sym) for row in rows for x in row)
        case Union(parts) | Intersection(parts):  # A \cap B = \{2, 3\}: a set named by its sets
            return all(
                isinstance(p, Sym) or (isinstance(p, Func) and p.name == "complement" and _is_name(p)) for p in parts
            )
    return False


def _is_derivative(node: Node) -> bool:
    """``f'`` or ``f''`` as the parser reads them: the prime of a function's letter, once or more."""
    match node:
        case Func("prime", (Sym(),)):
            return True
        case Func("prime", (inner,)):
            return _is_derivative(inner)
    return False


def _value_of_names(node: Node) -> Node | None:
    """The constant last side of an equation whose first side combines two or more names and no
    number (``a + b = 7``, ``x_1 + x_2 = -\\frac{b}{a} = \\frac72``, ``f(1) + f(2) = 9``), or is a known
    function of named quantities (``\\tan\\theta = \\frac34``, ``\\sin A = \\frac35``, ``\\tan 2\\alpha = 1``), or of a
    chain that evaluates its first side (``a^2+b^2 = 25-12 = 13``): the value of the quantity asked for,
    read only against a constant key (a key ``x + y = 10`` stays an equation). A side with a number
    in it (``2x = 6``, ``x + 1 = 4``) is an equation to solve.
    """
    if not isinstance(node, Rel):
        return None
    last = node.operands[-1]
    if any(op != "=" for op in node.ops) or not _is_constant(last) or _is_infinite(last):
        return None
    first = node.operands[0]
    if any(_is_constant(side) for side in node.operands[1:-1]):
        return last  # a^2+b^2 = (a+b)^2-2ab = 25-12 = 13: an expression evaluated step by step
    return last if _names_combined(first) >= 2 or _function_of_names(first) else None


def _function_of_names(node: Node) -> bool:
    """A known function of quantities named by letters (``\\tan\\theta``, ``\\sin A``, ``\\tan 2\\alpha``,
    ``\\cos(\\alpha+\\beta)``): a quantity asked for, like ``f(1)``, not an equation to solve."""
    match node:
        case Func(name, args) if name in KNOWN_FUNCTION_NAMES and args:
            return all(_named_quantity(arg) for arg in args)
    return False


_UNKNOWNS = frozenset({"x", "y", "z"})
_NUMBERED_UNKNOWN_RE = re.compile(r"_\d{1,3}$")  # the subscript of x_1, x_2


def _named_quantity(node: Node) -> bool:
    """Letters, their multiples, halves, sums and differences (``A``, ``2\\alpha``, ``\\alpha-\\beta``).
    A multiple of an unknown (``\\sin 2x = 1``) is an equation to solve, not a quantity asked for."""
    match node:
        case Sym():
            return True
        case Mul(factors):
            letters = [f for f in factors if isinstance(f, Sym)]
            return (
                bool(letters)
                and all(isinstance(f, Sym | Num) for f in factors)
                and not any(f.name in _UNKNOWNS for f in letters)
            )
        case Add(terms):
            return all(_named_quantity(t) for t in terms)
        case Neg(x) | Div(x, Num()):
            return _named_quantity(x)
    return False


def _names_combined(node: Node) -> int:
    """How many names (``x``, ``a_1``, ``f(2)``) sums, products and quotients combine in ``node``,
    0 where it holds anything else (a number, a power, a known function)."""
    match node:
        case Sym() | Func():
            return int(_is_name(node))
        case Add(parts) | Mul(parts):
            counts = [_names_combined(part) for part in parts]
            return sum(counts) if all(counts) else 0
        case Neg(operand):
            return _names_combined(operand)
        case Div(a, b):
            counts = [_names_combined(a), _names_combined(b)]
            return sum(counts) if all(counts) else 0
    return 0


def _assignments(node: Node) -> dict[Node, Node] | None:
    """The values that a list or set gives two or more different names (``a = 5, b = 3``,
    ``a_3 = 2, a_{37} = 19``), or a tuple of names its tuple of values (``(m, n) = (3, 4)``), by name;
    None for anything else (``x = 2, x = 3``, ``a = 4, -8``)."""
    match node:
        case Rel(("=",), (Seq("(", ")", names), Seq("(", ")", values))) if len(names) == len(values) > 1:
            pairs = list(zip(names, values, strict=True))
        case ListOf(items) | SetOf(items) if len(items) > 1 and all(
            isinstance(item, Rel) and all(op == "=" for op in item.ops) for item in items
        ):
            pairs = [(item.operands[0], item) for item in items if isinstance(item, Rel)]
        case _:
            return None
    named: dict[Node, Node] = {}
    for name, value in pairs:
        if not (isinstance(name, Sym | Func | Mul | Div) and _is_name(name)) or name in named:
            return None
        named[name] = value
    letters = {_NUMBERED_UNKNOWN_RE.sub("", name.name) for name in named if isinstance(name, Sym)}
    if len(letters) == 1 and letters <= _UNKNOWNS and all(isinstance(name, Sym) for name in named):
        return None  # x_1 = 2, x_2 = 3: the solutions of one equation, numbered in any order
    return named


def _solutions_as_tuples(node: Node) -> Node:
    """``p = 5, q = 2, p = 7, q = 2`` (the same names again and again, two or more times): a list of
    solutions, ``(p = 5, q = 2), (p = 7, q = 2)``, as ``p=5,q=2;p=7,q=2`` reads; ``node`` otherwise."""
    if not (isinstance(node, ListOf) and len(node.items) >= 4):
        return node
    names = []
    for item in node.items:
        match item:
            case Rel(("=",), (name, _)) if _is_name(name) and not isinstance(name, Seq):
                names.append(name)
            case _:
                return node
    size = next((i for i, name in enumerate(names[1:], 1) if name == names[0]), 0)  # the first name again
    if size < 2 or len(set(names[:size])) != size or names != names[:size] * (len(names) // size):
        return node
    items = node.items
    return ListOf(tuple(Seq("(", ")", items[i : i + size]) for i in range(0, len(items), size)))


def _assignments_as_tuple(node: Node, other: Node) -> Node:
    """``a = 2, b = 3`` against a tuple ``(2, 3)``: the values as that tuple, ordered by name.

    Only against a parenthesized tuple (not ``[2, 3)``), when every item assigns a value to a
    different plain symbol and the counts match.
    """
    if not (
        isinstance(node, ListOf)
        and isinstance(other, Seq)
        and (other.opener, other.closer) == ("(", ")")
        and len(node.items) == len(other.items) > 1
        and not any(_is_infinite(x) for x in other.items)
    ):
        return node
    named = _named_values(node)
    if named is None:
        return node
    return Seq(other.opener, other.closer, tuple(named[name] for name in sorted(named)))


def _named_values(node: Node) -> dict[str, Node] | None:
    """``a = 2, b = 3``: each name's value, where every item of a list of two or more assigns a
    value to another plain symbol; None otherwise (``x = 1, x = 2``, roots, is no such list)."""
    if not isinstance(node, (ListOf, SetOf)) or len(node.items) < 2:
        return None
    named: dict[str, Node] = {}
    for item in node.items:
        match item:
            case Rel(("=",), (Sym(name), value)) if name not in named:
                named[name] = value
            case _:
                return None
    return named


def _plain_list(node: Node, length: int) -> bool:
    """A list of ``length`` values, none of them named (``2, 3``; not ``a = 2, 3``)."""
    return isinstance(node, ListOf) and len(node.items) == length and not any(isinstance(x, Rel) for x in node.items)


def _unknowns_assigned(node: Node) -> frozenset[str] | None:
    """The unknowns (``x``, ``y``, ``z``) given constant values (``x = 1``; ``x = 1, y = 2``); None
    where another name, or anything but values, is given."""
    match node:
        case Rel(("=",), (Sym(name), value)) if name in _UNKNOWNS and _is_constant(value):
            return frozenset({name})
    named = _named_values(node)
    return frozenset(named) if named is not None and set(named) <= _UNKNOWNS else None


def _identity_as_matrix(node: Node, other: Node) -> Node:
    """``I`` (``\\mathbf{I}``, ``I_2``) against an identity matrix: that matrix; ``node`` otherwise.
    Only against the identity itself, so ``I`` stays the imaginary unit's letter everywhere else."""
    if not (isinstance(node, Sym) and isinstance(other, Matrix)):
        return node
    size = len(other.rows)
    identity = all(
        len(row) == size and all(x == Num(Fraction(int(i == j))) for j, x in enumerate(row))
        for i, row in enumerate(other.rows)
    )
    return other if identity and node.name in ("I", f"I_{size}") else node


def _vector_as_tuple(node: Node, other: Node) -> Node:
    """A column or row vector (a one-column or one-row matrix) against a tuple of as many entries:
    its entries as that tuple, in order (``\\begin{pmatrix}6\\\\3\\end{pmatrix}`` = ``(6, 3)``)."""
    if not (isinstance(node, Matrix) and isinstance(other, Seq) and (other.opener, other.closer) == ("(", ")")):
        return node
    entries = [x for row in node.rows for x in row]
    vector = len(node.rows) == 1 or all(len(row) == 1 for row in node.rows)
    return Seq("(", ")", tuple(entries)) if vector and len(entries) == len(other.items) > 1 else node


def _is_abs(node: Node) -> bool:
    """``|u|`` of one argument (``|2x-1|`` as well as ``|x|``)."""
    return isinstance(node, Func) and node.name == "abs" and len(node.args) == 1


def _is_constant(node: Node) -> bool:
    return not _symbols(node) and not isinstance(node, (Seq, SetOf, ListOf, Matrix))


def _is_infinite(node: Node) -> bool:
    return node in (INF, NEG_INF)


def _symbols(node: Node) -> set[str]:
    """Free symbols, and unknown functions as ``f()`` (``e`` and ``i`` are constants)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        match current:
            case Sym(name) if name not in ("e", "i"):
                out.add(name)
            case Func(name) if name not in KNOWN_FUNCTION_NAMES:
                out.add(name + "()")
            case Sum(_, var) | Limit(_, var):
                inner = _symbols(current.body) - {var}
                out |= inner | set().union(*(_symbols(c) for c in children(current)[1:]))
                continue
        stack.extend(children(current))
    return out


def _orient(node: Rel) -> Rel:
    if node.ops and node.ops[0] in (">", ">="):
        return Rel(tuple(_FLIP[o] for o in reversed(node.ops)), tuple(reversed(node.operands)))
    return node


def _expand_pm(node: Node) -> list[Node]:
    """All sign choices of ``±`` in a node (``1 ± √2`` -> ``[1 + √2, 1 - √2]``), at most 16."""
    if not contains(node, PlusMinus):
        return [node]
    if isinstance(node, PlusMinus):
        rights = _expand_pm(node.right)
        lefts = [None] if node.left is None else _expand_pm(node.left)
        out: list[Node] = []
        for left in lefts:
            for right in rights:
                out.extend([right, Neg(right)] if left is None else [Add((left, right)), Add((left, Neg(right)))])
        return out[:_MAX_ALTERNATIVES]
    variants: list[tuple[Node, ...]] = [()]
    for child in children(node):
        variants = [(*v, alt) for v in variants for alt in _expand_pm(child)][:_MAX_ALTERNATIVES]
    return [with_children(node, v) for v in variants]


def _as_ratio(node: ClockTime | Ratio) -> Ratio:
    if isinstance(node, Ratio):
        return node
    return Ratio((Num(Fraction(node.minutes // 60)), Num(Fraction(node.minutes % 60))))


def _unique(items: list[Node]) -> list[Node]:
    out: list[Node] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
