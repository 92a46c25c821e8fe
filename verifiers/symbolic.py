"""The last resort: sympy proves equalities that numbers cannot decide.

Trees from :mod:`verifiers.parser` are turned into sympy objects by constructors (``Add``,
``Rational``, ``factorial`` ...), never by ``sympify``/``parse_expr`` (which call ``eval``).
Used for expressions numeric probing cannot evaluate, such as factorials and binomials of
symbolic integers (``\\binom{2n}{n}`` vs ``\\frac{(2n)!}{(n!)^2}``), limits and
infinite sums. sympy's simplification has no time bound of its own, so :mod:`verifiers.sandbox`
runs this in a killable process.
"""

from __future__ import annotations

import sympy

from .evaluate import based_int
from .limits import MAX_EXACT_BITS, MAX_EXPONENT, MAX_FACTORIAL, TooLarge
from .nodes import Add, Based, Const, Div, Fact, Func, Limit, Mul, Neg, Node, Num, Pct, Pow, Sum, Sym
from .vocabulary import FUNCTIONS, INTEGER_FUNCTIONS


def _bits(number: sympy.Number) -> int:
    """Rough size in bits of a sympy number (for deciding whether to compute a power)."""
    if not number.is_Rational:
        return MAX_EXACT_BITS
    return int(abs(number.p)).bit_length() + int(number.q).bit_length()


def to_sympy(node: Node) -> sympy.Expr:
    """A sympy expression for a parse tree, built without evaluating any text."""
    match node:
        case Num(q):
            return sympy.Rational(q.numerator, q.denominator)
        case Sym("e") | Const("e"):
            return sympy.E
        case Sym("i") | Const("i"):
            return sympy.I
        case Sym(name):
            return sympy.Symbol(name)
        case Const("pi"):
            return sympy.pi
        case Const("inf"):
            return sympy.oo
        case Neg(x):
            return -to_sympy(x)
        case Add(terms):
            return sympy.Add(*(to_sympy(t) for t in terms))
        case Mul(factors):
            return sympy.Mul(*(to_sympy(f) for f in factors))
        case Div(num, den):
            return to_sympy(num) / to_sympy(den)
        case Pow(base_node, exponent_node):
            base, exponent = to_sympy(base_node), to_sympy(exponent_node)
            if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
                raise TooLarge("exponent too large")
            small = not (base.is_Number and exponent.is_Number) or abs(exponent) * _bits(base) <= MAX_EXACT_BITS
            return sympy.Pow(base, exponent, evaluate=bool(small))
        case Fact(x):
            arg = to_sympy(x)
            return sympy.factorial(arg, evaluate=not arg.is_Number or abs(arg) <= MAX_FACTORIAL)
        case Pct(x):
            return to_sympy(x) / 100
        case Based(digits, base):
            return sympy.Integer(based_int(digits, base))
        case Func("binom", (n, k)):
            args = [to_sympy(n), to_sympy(k)]
            return sympy.binomial(*args, evaluate=not all(a.is_Number for a in args))
        case Func(name, args) if name in INTEGER_FUNCTIONS:
            return getattr(sympy, name)(*(to_sympy(a) for a in args))
        case Func(name, (x,)) if name in FUNCTIONS:
            known = FUNCTIONS[name]
            extra = () if known.sympy_base is None else (known.sympy_base,)
            return getattr(sympy, known.sympy)(to_sympy(x), *extra)
        case Func(name, args):
            return sympy.Function(name)(*(to_sympy(a) for a in args))
        case Sum(body, var, lo, hi):
            return sympy.Sum(to_sympy(body), (sympy.Symbol(var), to_sympy(lo), to_sympy(hi)))
        case Limit(body, var, point):
            return sympy.Limit(to_sympy(body), sympy.Symbol(var), to_sympy(point))
    raise TypeError(f"no sympy form for {type(node).__name__}")


def _integer_symbols(expr: sympy.Expr) -> sympy.Expr:
    """Symbols inside factorials and binomials stand for non-negative integers."""
    names = set()
    for f in expr.atoms(sympy.factorial, sympy.binomial):
        names |= {s.name for s in f.free_symbols}
    return expr.subs({sympy.Symbol(n): sympy.Symbol(n, integer=True, nonnegative=True) for n in names})


def sympy_equal(pred: Node, gold: Node) -> bool:
    """Whether two trees are provably equal; ``False`` when sympy cannot show it."""
    difference = _integer_symbols(to_sympy(pred) - to_sympy(gold))
    if difference.has(sympy.Sum, sympy.Limit):
        difference = difference.doit()
    simplified = sympy.simplify(sympy.combsimp(difference))
    return simplified == 0
