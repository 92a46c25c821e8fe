"""A small LaTeX / plain-math parser that builds expression trees without ever calling ``eval``.

Nodes are tuples whose first item is a tag:
``("num", Fraction, decimals|None)`` a literal (decimals: digits after the point, for decimals),
``("sym", name)``, ``("const", "pi"|"e"|"i"|"inf")``, ``("add", terms)``, ``("mul", factors)``,
``("neg", x)``, ``("div", a, b)``, ``("pow", a, b)``, ``("func", name, args)``, ``("fact", x)``,
``("pct", x)``, ``("pm", a|None, b)`` (a ± b), ``("seq", open, close, items)`` a bracketed list,
``("set", items)``, ``("list", items)`` a bare list, ``("union", parts)``, ``("matrix", rows)``,
``("rel", ops, operands)`` a chain of relations, ``("ratio", parts)``, ``("based", digits, base)``,
``("word", text)`` a word of prose, ``("sum", body, var, lo, hi)``.
"""

from __future__ import annotations

import re
from fractions import Fraction

from .limits import MAX_DEPTH, MAX_NODES, Deadline

Node = tuple

_TOKEN_RE = re.compile(
    r"""
    (?P<num>\d+\.\d*|\.\d+|\d+)
    |(?P<cmd>\\[a-zA-Z]+|\\\\|\\[{}|])
    |(?P<word>[a-zA-Z]+)
    |(?P<op>\\le|\\ge|\\ne|\*\*|[-+*/^_=<>()\[\]{}|,;:!%&'.?])
    |(?P<space>\s+)
    |(?P<other>.)
    """,
    re.VERBOSE,
)

FUNCTIONS = {
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
    "arcsec",
    "arccsc",
    "arccot",
    "asin",
    "acos",
    "atan",
}
_CONSTANTS = {"pi": "pi", "infty": "inf", "infinity": "inf", "imath": "i", "varpi": "pi"}
_GREEK = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Phi",
    "Psi",
    "Omega",
}
_REL_CMDS = {
    "\\le": "<=",
    "\\ge": ">=",
    "\\ne": "!=",
    "\\approx": "~",
    "\\in": "in",
    "\\equiv": "=",
    "\\sim": "~",
    "\\simeq": "~",
    "\\cong": "=",
}
_REL_OPS = {"=": "=", "<": "<", ">": ">"}
_FUNC_LETTERS = set("fghFGHPQWpq")
_IGNORED_CMDS = {
    "\\circ",
    "\\degree",
    "\\quad",
    "\\qquad",
    "\\mathrm",
    "\\,",
    "\\ ",
    "\\hline",
    "\\noindent",
    "\\therefore",
    "\\because",
    "\\vec",
    "\\overline",
    "\\bar",
    "\\overrightarrow",
    "\\hat",
    "\\widehat",
    "\\tilde",
    "\\angle",
    "\\triangle",
    "\\hfill",
    "\\mathbf",
    "\\boldsymbol",
    "\\textstyle",
    "\\scriptstyle",
}
_ENV_RE = re.compile(r"\\begin\s*\{(\w+\*?)\}(?:\{[^{}]*\})?(.*?)\\end\s*\{\1\}", re.DOTALL)


class ParseError(ValueError):
    """The text is not an expression this parser understands."""


def tokenize(text: str) -> list[tuple[str, str]]:
    """Split cleaned text into (kind, value) tokens; spaces are kept as a flag on the next token."""
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        assert kind is not None  # every alternative of _TOKEN_RE is a named group
        value = m.group(kind)
        if kind == "space":
            tokens.append(("space", " "))
        elif kind == "other":
            if "\u4e00" <= value <= "\u9fff":
                tokens.append(("word", value))
            else:
                raise ParseError(f"unexpected character {value!r}")
        elif kind == "word" and len(value) == 2 and value != "pi":
            tokens.extend((("word", value[0]), ("word", value[1])))
        else:
            tokens.append((kind, value))
    return tokens


class Parser:
    """Recursive-descent / precedence parser over tokens, bounded in depth, size and time."""

    def __init__(self, text: str, deadline: Deadline | None = None):
        self.matrices: list[Node] = []
        self.deadline = deadline
        text = _ENV_RE.sub(self._stash_matrix, text)
        raw = tokenize(text)
        self.tokens: list[tuple[str, str]] = []
        self.spaced: list[bool] = []
        space = False
        for kind, value in raw:
            if kind == "space":
                space = True
                continue
            self.tokens.append((kind, value))
            self.spaced.append(space)
            space = False
        self.pos = 0
        self.depth = 0
        self.nodes = 0

    # -- matrices --------------------------------------------------------------------------
    def _stash_matrix(self, m: re.Match) -> str:
        env, body = m.group(1), m.group(2)
        if env.rstrip("*") not in {
            "pmatrix",
            "bmatrix",
            "matrix",
            "vmatrix",
            "Bmatrix",
            "array",
            "smallmatrix",
            "Vmatrix",
        }:
            return body
        rows = []
        for row in re.split(r"\\\\", body):
            row = row.replace("\\hline", "").strip()
            if not row:
                continue
            rows.append(tuple(Parser(cell, self.deadline).parse_expression_only() for cell in row.split("&")))
        if not rows or len({len(r) for r in rows}) != 1:
            raise ParseError("ragged matrix")
        self.matrices.append(("matrix", tuple(rows)))
        return f" \\matrixref{{{len(self.matrices) - 1}}} "

    # -- token helpers ---------------------------------------------------------------------
    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise ParseError("unexpected end of input")
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def at(self, *values: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[1] in values

    def expect(self, value: str) -> None:
        tok = self.next()
        if tok[1] != value:
            raise ParseError(f"expected {value!r}, found {tok[1]!r}")

    def node(self, n: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ParseError("expression too large")
        if self.deadline is not None and self.nodes % 64 == 0:
            self.deadline.check()
        return n

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("expression nested too deeply")

    # -- grammar ---------------------------------------------------------------------------
    def parse(self) -> Node:
        """The whole input: groups separated by ';', each a list separated by ','."""
        groups = [self.parse_list({";"})]
        while self.at(";"):
            self.next()
            if self.peek() is None:
                break
            groups.append(self.parse_list({";"}))
        if (token := self.peek()) is not None:
            raise ParseError(f"unexpected {token[1]!r}")
        if len(groups) == 1:
            return groups[0]
        return self.node(("list", tuple(("seq", "(", ")", g[1]) if g[0] == "list" else g for g in groups)))

    def parse_expression_only(self) -> Node:
        node = self.parse_list(set())
        if (token := self.peek()) is not None:
            raise ParseError(f"unexpected {token[1]!r}")
        return node

    def parse_list(self, stops: set[str]) -> Node:
        items = [self.parse_relation()]
        while self.at(","):
            self.next()
            if self.peek() is None or self.at(*stops):
                break
            items.append(self.parse_relation())
        return items[0] if len(items) == 1 else self.node(("list", tuple(items)))

    def parse_relation(self) -> Node:
        operands = [self.parse_union()]
        ops = []
        while True:
            tok = self.peek()
            if tok is None:
                break
            op = _REL_OPS.get(tok[1]) or _REL_CMDS.get(tok[1])
            if op is None:
                break
            self.next()
            if op in "<>" and self.at("="):
                self.next()
                op += "="
            ops.append(op)
            operands.append(self.parse_union())
        if not ops:
            return operands[0]
        return self.node(("rel", tuple(ops), tuple(operands)))

    def parse_union(self) -> Node:
        parts = [self.parse_ratio()]
        while self.at("\\cup"):
            self.next()
            parts.append(self.parse_ratio())
        return parts[0] if len(parts) == 1 else self.node(("union", tuple(parts)))

    def parse_ratio(self) -> Node:
        parts = [self.parse_sum()]
        while self.at(":"):
            self.next()
            parts.append(self.parse_sum())
        return parts[0] if len(parts) == 1 else self.node(("ratio", tuple(parts)))

    def parse_sum(self) -> Node:
        self.enter()
        terms = [self.parse_term()]
        while self.at("+", "-", "\\pm", "\\mp"):
            op = self.next()[1]
            term = self.parse_term()
            if op == "+":
                terms.append(term)
            elif op == "-":
                terms.append(self.node(("neg", term)))
            else:
                left = terms[0] if len(terms) == 1 else self.node(("add", tuple(terms)))
                terms = [self.node(("pm", left, term if op == "\\pm" else ("neg", term)))]
        self.depth -= 1
        return terms[0] if len(terms) == 1 else self.node(("add", tuple(terms)))

    def parse_term(self) -> Node:
        factors = [self.parse_unary()]
        mixed = self.mixed_fraction(factors[0])
        if mixed is not None:
            factors = [mixed]
        while True:
            if self.at("*", "\\cdot", "\\times", "\\ast"):
                self.next()
                factors.append(self.parse_unary())
            elif self.at("/", "\\div"):
                self.next()
                left = factors[0] if len(factors) == 1 else self.node(("mul", tuple(factors)))
                factors = [self.node(("div", left, self.parse_unary()))]
            elif self.starts_primary():
                factors.append(self.parse_power())
            else:
                break
        return factors[0] if len(factors) == 1 else self.node(("mul", tuple(factors)))

    def mixed_fraction(self, whole: Node) -> Node | None:
        """MATH's mixed numbers: ``7\\frac{3}{4}`` is 7 + 3/4, not 7 * 3/4 (and ``-2\\frac{1}{4}`` is -9/4)."""
        if whole[0] == "neg":
            inner = self.mixed_fraction(whole[1])
            return None if inner is None else self.node(("neg", inner))
        if whole[0] != "num" or whole[2] is not None or whole[1].denominator != 1 or not self.at("\\frac"):
            return None
        start = self.pos
        self.next()
        try:
            num = self.parse_group() if self.at("{") else self.atom_token()
            den = self.parse_group() if self.at("{") else self.atom_token()
        except ParseError:
            self.pos = start
            return None
        if num[0] == "num" and den[0] == "num" and num[2] is None and den[2] is None and 0 < num[1] < den[1]:
            return self.node(("add", (whole, ("div", num, den))))
        self.pos = start
        return None

    def starts_primary(self) -> bool:
        tok = self.peek()
        if tok is None:
            return False
        kind, value = tok
        if kind in ("num", "word"):
            return True
        if kind == "cmd":
            name = value[1:]
            return (
                name in FUNCTIONS
                or name in _CONSTANTS
                or name in _GREEK
                or value
                in (
                    "\\frac",
                    "\\sqrt",
                    "\\lbrace",
                    "\\matrixref",
                    "\\binom",
                    "\\sum",
                    "\\mathrm",
                    "\\lfloor",
                    "\\lceil",
                    "\\vert",
                    "\\|",
                    "\\lvert",
                )
            )
        return value in ("(", "[", "{")

    def parse_unary(self) -> Node:
        if self.at("-"):
            self.next()
            return self.node(("neg", self.parse_unary()))
        if self.at("+"):
            self.next()
            return self.parse_unary()
        if self.at("\\pm", "\\mp"):
            self.next()
            return self.node(("pm", None, self.parse_unary()))
        return self.parse_power()

    def parse_power(self) -> Node:
        self.enter()
        base = self.parse_postfix(self.parse_primary())
        if self.at("^", "**"):
            self.next()
            if self.at("\\circ"):  # degrees
                self.next()
                self.depth -= 1
                return self.parse_postfix(base)
            exponent = self.parse_exponent()
            base = self.parse_postfix(self.node(("pow", base, exponent)))
        self.depth -= 1
        return base

    def parse_exponent(self) -> Node:
        if self.at("{"):
            return self.parse_group()
        if self.at("-"):
            self.next()
            return self.node(("neg", self.parse_exponent()))
        tok = self.peek()
        if tok and tok[0] == "num" and len(tok[1]) > 1 and tok[1].isdigit():
            # x^23 in LaTeX means x^2 3; plain-text answers mean x^23.
            self.next()
            return self.number(tok[1])
        return self.parse_power()

    def parse_postfix(self, node: Node) -> Node:
        while True:
            if self.at("!") and not self.at_op_pair("!", "="):
                self.next()
                node = self.node(("fact", node))
            elif self.at("%"):
                self.next()
                node = self.node(("pct", node))
            elif self.at("'"):
                self.next()
                node = self.node(("func", "prime", (node,)))
            elif self.at("_") and node[0] in ("sym", "num", "func"):
                self.next()
                node = self.subscript(node)
            else:
                return node

    def at_op_pair(self, first: str, second: str) -> bool:
        nxt = self.peek(1)
        return self.at(first) and nxt is not None and nxt[1] == second

    def subscript(self, node: Node) -> Node:
        index = self.parse_group() if self.at("{") else self.atom_token()
        if node[0] == "num" and node[2] is None and index[0] == "num":
            return self.node(("based", str(node[1]), int(index[1])))
        if node[0] == "sym":
            if index[0] in ("num", "sym", "word"):
                label = str(index[1]) if index[0] == "num" else index[1]
                return self.node(("sym", f"{node[1]}_{label}"))
            if index[0] == "mul" and all(f[0] == "sym" for f in index[1]):
                return self.node(("sym", node[1] + "_" + "".join(f[1] for f in index[1])))
            return self.node(("func", node[1] + "_", (index,)))
        raise ParseError("unsupported subscript")

    def atom_token(self) -> Node:
        """A single-token argument, as in ``\\frac12``, ``x_1`` or ``\\frac\\pi 2``."""
        if (token := self.peek()) is not None and token[0] == "cmd":
            return self.parse_primary()
        kind, value = self.next()
        if kind == "num":
            return self.number(value[0]) if len(value) > 1 and value.isdigit() else self.number(value)
        if kind == "word":
            return self.node(("sym", value[0]))
        raise ParseError(f"bad subscript {value!r}")

    def parse_group(self) -> Node:
        self.expect("{")
        self.enter()
        inner = self.parse_list({"}"})
        self.expect("}")
        self.depth -= 1
        return inner

    def number(self, text: str) -> Node:
        if "." in text:
            decimals = len(text.split(".")[1])
            return self.node(("num", Fraction(text), decimals if decimals else None))
        if len(text) > 4000:
            raise ParseError("number too long")
        return self.node(("num", Fraction(int(text)), None))

    def parse_primary(self) -> Node:
        self.enter()
        try:
            return self._primary()
        finally:
            self.depth -= 1

    def _primary(self) -> Node:
        kind, value = self.next()
        if kind == "num":
            node = self.number(value)
            if self.at_scientific():
                node = self.scientific(node)
            return node
        if kind == "word":
            return self.word(value)
        if kind == "cmd":
            return self.command(value)
        if value in ("(", "["):
            return self.bracket(value)
        if value == "{":
            self.pos -= 1
            inner = self.parse_group()
            return self.node(("set", inner[1])) if inner[0] == "list" else inner
        if value == "|":
            inner = self.parse_sum()
            self.expect("|")
            return self.node(("func", "abs", (inner,)))
        raise ParseError(f"unexpected {value!r}")

    def at_scientific(self) -> bool:
        tok, nxt = self.peek(), self.peek(1)
        if tok is None or tok[0] != "word" or tok[1] not in ("e", "E") or self.spaced[self.pos]:
            return False
        if nxt is not None and nxt[0] == "num":
            return True
        after = self.peek(2)
        return nxt is not None and nxt[1] in "+-" and after is not None and after[0] == "num"

    def scientific(self, mantissa: Node) -> Node:
        self.next()
        sign = 1
        if self.at("+", "-"):
            sign = -1 if self.next()[1] == "-" else 1
        exponent = int(self.next()[1])
        ten = ("num", Fraction(10), None)
        return self.node(("mul", (mantissa, ("pow", ten, ("num", Fraction(sign * exponent), None)))))

    def word(self, value: str) -> Node:
        if value in FUNCTIONS:
            return self.function(value)
        if value in ("pi",):
            return self.node(("const", "pi"))
        if len(value) <= 2 and value.isascii():
            if len(value) == 2:
                return self.node(("mul", (("sym", value[0]), ("sym", value[1]))))
            return self.letter(value)
        return self.node(("word", value))

    def letter(self, value: str) -> Node:
        if value in _FUNC_LETTERS and self.at("(") and not self.spaced[self.pos]:
            self.next()
            args = self.parse_list({")"})
            self.expect(")")
            return self.node(("func", value, args[1] if args[0] == "list" else (args,)))
        return self.node(("sym", value))

    def command(self, value: str) -> Node:
        name = value[1:]
        if name in _CONSTANTS:
            return self.node(("const", _CONSTANTS[name]))
        if name in _GREEK:
            return self.node(("sym", name))
        if name in FUNCTIONS:
            return self.function(name)
        if value == "\\frac" or value == "\\binom":
            a = self.parse_group() if self.at("{") else self.atom_token()
            b = self.parse_group() if self.at("{") else self.atom_token()
            return self.node(("div", a, b) if value == "\\frac" else ("func", "binom", (a, b)))
        if value == "\\sqrt":
            index = None
            if self.at("["):
                self.next()
                index = self.parse_sum()
                self.expect("]")
            radicand = self.parse_group() if self.at("{") else self.parse_primary()
            root = ("num", Fraction(1, 2), None) if index is None else ("div", ("num", Fraction(1), None), index)
            return self.node(("pow", radicand, root))
        if value == "\\lbrace":
            if self.at("\\rbrace"):
                self.next()
                return self.node(("set", ()))
            inner = self.parse_list({"\\rbrace"})
            self.expect("\\rbrace")
            return self.node(("set", inner[1] if inner[0] == "list" else (inner,)))
        if value in ("\\lfloor", "\\lceil"):
            inner = self.parse_sum()
            self.expect("\\rfloor" if value == "\\lfloor" else "\\rceil")
            return self.node(("func", "floor" if value == "\\lfloor" else "ceil", (inner,)))
        if value in ("\\vert", "\\lvert", "\\|"):
            inner = self.parse_sum()
            self.expect({"\\vert": "\\vert", "\\lvert": "\\rvert", "\\|": "\\|"}[value])
            return self.node(("func", "abs", (inner,)))
        if value == "\\matrixref":
            index = self.parse_group()
            return self.matrices[int(index[1])]
        if value == "\\sum":
            return self.summation()
        if value in _IGNORED_CMDS:
            if self.at("{"):
                return self.parse_group()
            return self.parse_primary()
        raise ParseError(f"unsupported command {value}")

    def function(self, name: str) -> Node:
        power = None
        if self.at("^"):
            self.next()
            power = self.parse_exponent()
        if self.at("_") and name == "log":
            self.next()
            base = self.parse_group() if self.at("{") else self.atom_token()
            arg = self.function_argument()
            return self.node(("div", ("func", "ln", (arg,)), ("func", "ln", (base,))))
        arg = self.function_argument()
        node = self.node(("func", name, (arg,)))
        return self.node(("pow", node, power)) if power is not None else node

    def function_argument(self) -> Node:
        if self.at("("):
            return self.parse_power()
        factors = [self.parse_power()]
        while self.starts_primary() and not self.at_function():
            factors.append(self.parse_power())
        return factors[0] if len(factors) == 1 else self.node(("mul", tuple(factors)))

    def at_function(self) -> bool:
        tok = self.peek()
        return tok is not None and tok[1].lstrip("\\") in FUNCTIONS

    def summation(self) -> Node:
        self.expect("_")
        lower = self.parse_group()
        self.expect("^")
        upper = self.parse_group() if self.at("{") else self.atom_token()
        if lower[0] != "rel" or lower[1] != ("=",) or lower[2][0][0] != "sym":
            raise ParseError("unsupported summation")
        body = self.parse_term()
        return self.node(("sum", body, lower[2][0][1], lower[2][1], upper))

    def bracket(self, opener: str) -> Node:
        self.enter()
        if self.at(")", "]"):
            closer = self.next()[1]
            self.depth -= 1
            return self.node(("seq", opener, closer, ()))
        items = [self.parse_relation()]
        while self.at(",", ";"):
            self.next()
            items.append(self.parse_relation())
        closer = self.next()[1]
        if closer not in (")", "]"):
            raise ParseError(f"unclosed {opener!r}")
        self.depth -= 1
        if len(items) == 1 and opener + closer in ("()", "[]"):
            return items[0]
        if len(items) == 1:
            raise ParseError("mismatched brackets")
        return self.node(("seq", opener, closer, tuple(items)))


def contains_tag(node, tag: str) -> bool:
    """Whether a tree has a node with this tag anywhere (``"pm"``, ``"word"``, ...)."""
    if not isinstance(node, tuple) or not node:
        return False
    if node[0] == tag:
        return True
    return any(contains_tag(part, tag) for part in node if isinstance(part, tuple))


def parse(text: str, deadline: Deadline | None = None) -> Node:
    """Parse cleaned answer text into a node tree; raises :class:`ParseError`."""
    try:
        return Parser(text, deadline).parse()
    except RecursionError as exc:
        raise ParseError("expression nested too deeply") from exc
