"""The last resort: sympy proves equalities that numbers cannot decide.

Trees from :mod:`verifiers.parser` are turned into sympy objects by constructors (``Add``,
``Rational``, ``factorial`` ...), never by ``sympify``/``parse_expr`` (which call ``eval``).
Used for expressions numeric probing cannot evaluate, such as factorials and binomials of
symbolic integers (``\\binom{2n}{n}`` vs ``\\frac{(2n)!}{(n!)^2}``). sympy's simplification has
no time bound of its own, so :mod:`verifiers.sandbox` runs this in a killable process.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from .limits import MAX_EXACT_BITS, MAX_EXPONENT, MAX_FACTORIAL, TooLarge

_FUNCTIONS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "cot": sympy.cot,
    "arcsin": sympy.asin,
    "asin": sympy.asin,
    "arccos": sympy.acos,
    "acos": sympy.acos,
    "arctan": sympy.atan,
    "atan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "ln": sympy.log,
    "log": sympy.log,
    "abs": sympy.Abs,
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
}


def _bits(number: sympy.Number) -> int:
    """Rough size in bits of a sympy number (for deciding whether to compute a power)."""
    if not number.is_Rational:
        return MAX_EXACT_BITS
    return int(abs(number.p)).bit_length() + int(number.q).bit_length()


def to_sympy(node) -> sympy.Expr:
    """A sympy expression for a parse tree, built without evaluating any text."""
    tag = node[0]
    if tag == "num":
        q: Fraction = node[1]
        return sympy.Rational(q.numerator, q.denominator)
    if tag == "sym":
        if node[1] == "e":
            return sympy.E
        if node[1] == "i":
            return sympy.I
        return sympy.Symbol(node[1])
    if tag == "const":
        return {"pi": sympy.pi, "e": sympy.E, "i": sympy.I, "inf": sympy.oo}[node[1]]
    if tag == "neg":
        return -to_sympy(node[1])
    if tag == "add":
        return sympy.Add(*(to_sympy(t) for t in node[1]))
    if tag == "mul":
        return sympy.Mul(*(to_sympy(f) for f in node[1]))
    if tag == "div":
        return to_sympy(node[1]) / to_sympy(node[2])
    if tag == "pow":
        base, exponent = to_sympy(node[1]), to_sympy(node[2])
        if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
            raise TooLarge("exponent too large")
        small = not (base.is_Number and exponent.is_Number) or abs(exponent) * _bits(base) <= MAX_EXACT_BITS
        return sympy.Pow(base, exponent, evaluate=bool(small))
    if tag == "fact":
        arg = to_sympy(node[1])
        return sympy.factorial(arg, evaluate=not arg.is_Number or abs(arg) <= MAX_FACTORIAL)
    if tag == "pct":
        return to_sympy(node[1]) / 100
    if tag == "func":
        args = [to_sympy(a) for a in node[2]]
        if node[1] == "binom" and len(args) == 2:
            return sympy.binomial(*args, evaluate=not all(a.is_Number for a in args))
        if node[1] in _FUNCTIONS and len(args) == 1:
            return _FUNCTIONS[node[1]](args[0])
        return sympy.Function(node[1])(*args)
    if tag == "sum":
        _, body, var, lo, hi = node
        return sympy.Sum(to_sympy(body), (sympy.Symbol(var), to_sympy(lo), to_sympy(hi)))
    raise TypeError(f"no sympy form for {tag}")


def _integer_symbols(expr: sympy.Expr) -> sympy.Expr:
    """Symbols inside factorials and binomials stand for non-negative integers."""
    names = set()
    for f in expr.atoms(sympy.factorial, sympy.binomial):
        names |= {s.name for s in f.free_symbols}
    return expr.subs({sympy.Symbol(n): sympy.Symbol(n, integer=True, nonnegative=True) for n in names})


def sympy_equal(pred, gold) -> bool:
    """Whether two trees are provably equal; ``False`` when sympy cannot show it."""
    difference = _integer_symbols(to_sympy(pred) - to_sympy(gold))
    simplified = sympy.simplify(sympy.combsimp(difference))
    return simplified == 0
