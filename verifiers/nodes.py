"""The parse tree: one small frozen class per kind of node, and the walks every interpreter shares.

Trees are immutable and compare by value, so equal answers give equal trees (``p == g``) and
trees can be members of sets. :func:`to_json` / :func:`from_json` carry a tree to the sympy
helper process without pickling.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Num:
    """A literal; ``decimals`` is the number of digits written after the point (None: not a decimal)."""

    value: Fraction
    decimals: int | None = None


@dataclass(frozen=True, slots=True)
class Sym:
    """A free symbol: ``x``, ``a_1``, ``\\alpha``."""

    name: str


@dataclass(frozen=True, slots=True)
class Const:
    """A named constant of :data:`verifiers.vocabulary.CONSTANTS`: ``pi``, ``e``, ``i``, ``inf``."""

    name: str


@dataclass(frozen=True, slots=True)
class Add:
    terms: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Mul:
    factors: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node


@dataclass(frozen=True, slots=True)
class Div:
    numerator: Node
    denominator: Node


@dataclass(frozen=True, slots=True)
class Pow:
    base: Node
    exponent: Node


@dataclass(frozen=True, slots=True)
class Func:
    """A function applied: a name of the vocabulary (``sin``, ``log10``, ``abs``) or a user's (``f``)."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    """``n!``."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Pct:
    """``x%`` inside an expression: ``x / 100``."""

    operand: Node


@dataclass(frozen=True, slots=True)
class PlusMinus:
    """``left ± right`` (``±right`` when ``left`` is None)."""

    left: Node | None
    right: Node


@dataclass(frozen=True, slots=True)
class Seq:
    """A bracketed list: a tuple ``(1,2)`` or an interval ``[1,2)``."""

    opener: str
    closer: str
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class SetOf:
    """``\\{1, 2\\}`` (unordered)."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ListOf:
    """A bare list ``1, 2`` (unordered, as a set)."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Union:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Intersection:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class NamedSet:
    """A set by its name: ``empty``, ``reals``, ``naturals``, ``integers``, ..."""

    name: str


@dataclass(frozen=True, slots=True)
class Matrix:
    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True, slots=True)
class Rel:
    """A chain of relations: ``ops[k]`` stands between ``operands[k]`` and ``operands[k+1]``."""

    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Ratio:
    """``a : b [: c]``."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ClockTime:
    """``14:05`` as minutes after midnight; ``exact`` unless it may be a 12-hour time (``3:00``)."""

    minutes: int
    exact: bool


@dataclass(frozen=True, slots=True)
class Based:
    """A numeral in another base: ``52_8``."""

    digits: str
    base: int


@dataclass(frozen=True, slots=True)
class Word:
    """A word of prose (the answer is then text, not math)."""

    text: str


@dataclass(frozen=True, slots=True)
class Sum:
    """``\\sum_{var=lo}^{hi} body`` (``hi`` may be infinite)."""

    body: Node
    var: str
    lo: Node
    hi: Node


@dataclass(frozen=True, slots=True)
class Limit:
    """``\\lim_{var \\to point} body``."""

    body: Node
    var: str
    point: Node


Node = (
    Num
    | Sym
    | Const
    | Add
    | Mul
    | Neg
    | Div
    | Pow
    | Func
    | Fact
    | Pct
    | PlusMinus
    | Seq
    | SetOf
    | ListOf
    | Union
    | Intersection
    | NamedSet
    | Matrix
    | Rel
    | Ratio
    | ClockTime
    | Based
    | Word
    | Sum
    | Limit
)
NODE_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Num,
        Sym,
        Const,
        Add,
        Mul,
        Neg,
        Div,
        Pow,
        Func,
        Fact,
        Pct,
        PlusMinus,
        Seq,
        SetOf,
        ListOf,
        Union,
        Intersection,
        NamedSet,
        Matrix,
        Rel,
        Ratio,
        ClockTime,
        Based,
        Word,
        Sum,
        Limit,
    )
}
_CLASS_SET = frozenset(NODE_CLASSES.values())
INF = Const("inf")
NEG_INF = Neg(INF)
HUNDRED = Num(Fraction(100))


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-trees of a node, in order."""
    match node:
        case Add(items) | Mul(items) | Seq(_, _, items) | SetOf(items) | ListOf(items):
            return items
        case Union(items) | Intersection(items) | Ratio(items) | Func(_, items) | Rel(_, items):
            return items
        case Neg(x) | Fact(x) | Pct(x):
            return (x,)
        case Div(a, b) | Pow(a, b):
            return (a, b)
        case PlusMinus(left, right):
            return (right,) if left is None else (left, right)
        case Matrix(rows):
            return tuple(cell for row in rows for cell in row)
        case Sum(body, _, lo, hi):
            return (body, lo, hi)
        case Limit(body, _, point):
            return (body, point)
    return ()


def with_children(node: Node, new: tuple[Node, ...]) -> Node:
    """The same node with its sub-trees (in :func:`children`'s order) replaced by ``new``."""
    match node:
        case Add():
            return Add(new)
        case Mul():
            return Mul(new)
        case Seq(opener, closer, _):
            return Seq(opener, closer, new)
        case SetOf():
            return SetOf(new)
        case ListOf():
            return ListOf(new)
        case Union():
            return Union(new)
        case Intersection():
            return Intersection(new)
        case Ratio():
            return Ratio(new)
        case Func(name, _):
            return Func(name, new)
        case Rel(ops, _):
            return Rel(ops, new)
        case Neg() | Fact() | Pct():
            return type(node)(new[0])
        case Div() | Pow():
            return type(node)(new[0], new[1])
        case PlusMinus(left, _):
            return PlusMinus(None, new[0]) if left is None else PlusMinus(new[0], new[1])
        case Matrix(rows):
            width = len(rows[0]) if rows else 0
            return Matrix(tuple(new[i : i + width] for i in range(0, len(new), max(width, 1))))
        case Sum(_, var, _, _):
            return Sum(new[0], var, new[1], new[2])
        case Limit(_, var, _):
            return Limit(new[0], var, new[1])
    return node


def replaced(node: Node, old: Node, new: Node) -> Node:
    """The tree with every sub-tree equal to ``old`` replaced by ``new``."""
    if node == old:
        return new
    return with_children(node, tuple(replaced(c, old, new) for c in children(node)))


def contains(node: Node, kind: type | tuple[type, ...]) -> bool:
    """Whether a tree has a node of this class anywhere (iterative: any depth)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, kind):
            return True
        stack.extend(children(current))
    return False


def to_json(node: object) -> object:
    """A tree as JSON-ready data (``{"k": class name, "f": fields}``; fractions as ``{"q": [n, d]}``)."""
    if isinstance(node, Fraction):
        return {"q": [node.numerator, node.denominator]}
    if isinstance(node, tuple):
        return [to_json(x) for x in node]
    if type(node) in _CLASS_SET:
        names = [f.name for f in fields(node)]  # type: ignore[arg-type]  # every node class is a dataclass
        return {"k": type(node).__name__, "f": [to_json(getattr(node, name)) for name in names]}
    return node


def tree_from_json(data: object) -> Node:
    """A tree from :func:`to_json`'s data; raises ValueError when the data is not a tree."""
    tree = from_json(data)
    if type(tree) not in _CLASS_SET:
        raise ValueError("the data is not a parse tree")
    return tree  # type: ignore[return-value]  # checked just above


def from_json(data: object) -> object:
    """The inverse of :func:`to_json`; raises ValueError for an unknown node class."""
    if isinstance(data, list):
        return tuple(from_json(x) for x in data)
    if isinstance(data, dict):
        if "q" in data:
            return Fraction(*data["q"])
        cls = NODE_CLASSES.get(data.get("k", ""))
        if cls is None:
            raise ValueError(f"unknown node class {data.get('k')!r}")
        return cls(*(from_json(x) for x in data["f"]))
    return data
