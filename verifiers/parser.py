"""A small LaTeX / plain-math parser that builds typed trees (:mod:`verifiers.nodes`), never ``eval``.

Grammar (lowest precedence first; ``{}`` repeats, ``[]`` is optional)::

    answer     := list {";" list}                        # groups: ListOf of Seq
    list       := relation {"," relation}                # ListOf
    relation   := union {relop union}                    # Rel: = < > <= >= != ~ in
    union      := ratio {("\\cup" | "\\cap") ratio}      # Union / Intersection
    ratio      := sum {":" sum}                          # Ratio
    sum        := term {("+" | "-" | "\\pm" | "\\mp") term} # Add, Neg, PlusMinus
    term       := unary {["*" | "\\cdot" | "\\times" | "/" | "\\div"] unary}   # Mul, Div;
                                                         # juxtaposition multiplies (2x)
    unary      := ("-" | "+" | "\\pm") unary | power
    power      := postfix ["^" exponent]                 # Pow
    postfix    := primary {"!" | "%" | "'" | "_" index}  # Fact, Pct, Based (52_8), Sym (a_1)
    primary    := number [scientific] | word | command | "(" items ")" | "[" items "]"
                | "{" list "}" | "|" sum "|"
    command    := "\\frac" arg arg | "\\sqrt" ["[" sum "]"] arg | function | constant | greek
                | "\\sum_{var=lo}^{hi}" term | "\\lim_{var \\to point}" term | "\\emptyset" | ...
    function   := name ["^" exponent] ["_" base] argument   # names from verifiers.vocabulary

Mixed numbers are read as sums, not products: ``7\\frac{3}{4}``, ``7 3/4``, ``4又5/11`` (once
``又`` is a space), and Ape210K's ``5(1/3)``. A trailing ``%`` binds to its own number.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from fractions import Fraction
from typing import NamedTuple

from .limits import MAX_DEPTH, MAX_NODES, Deadline
from .nodes import (
    Add,
    Based,
    ClockTime,
    Const,
    Div,
    Fact,
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
    Pct,
    PlusMinus,
    Pow,
    Ratio,
    Rel,
    Seq,
    SetOf,
    Sum,
    Sym,
    Union,
    Word,
)
from .vocabulary import (
    ANGLE_FUNCTIONS,
    BLACKBOARD_SETS,
    CONSTANTS,
    EMPTY_SET_COMMANDS,
    FUNCTION_LETTERS,
    FUNCTION_SPELLINGS,
    GREEK,
    INTEGER_FUNCTIONS,
    INVERSE_FUNCTIONS,
    WHOLE_WORDS,
)

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
_BEGIN_RE = re.compile(r"\\begin\s*\{(\w+\*?)\}(?:\{[^{}]*\})?")
_END_RE = re.compile(r"\\end\s*\{(\w+\*?)\}")


def replace_environments(text: str, replace: Callable[[str, str], str]) -> str:
    """Each ``\\begin{env}...\\end{env}`` (the first ``\\end`` of its name after it) replaced by
    ``replace(env, body)``, left to right, as a lazy ``(.*?)`` regex would, but in one pass: the
    ends of each name are listed once and found by bisection, so an unclosed ``\\begin`` does not
    read the rest of the text (``\\begin{pmatrix}`` repeated would make that quadratic).
    """
    if "\\begin" not in text:
        return text
    ends: dict[str, list[tuple[int, int]]] = {}
    for m in _END_RE.finditer(text):
        ends.setdefault(m.group(1), []).append((m.start(), m.end()))
    out, pos, search_from = [], 0, 0
    while (begin := _BEGIN_RE.search(text, search_from)) is not None:
        name, body_start = begin.group(1), begin.end()
        candidates = ends.get(name, [])
        k = bisect.bisect_left(candidates, (body_start, -1))
        if k == len(candidates):
            search_from = begin.start() + 1
            continue
        end_start, end_end = candidates[k]
        out.append(text[pos : begin.start()])
        out.append(replace(name, text[body_start:end_start]))
        pos = search_from = end_end
    out.append(text[pos:])
    return "".join(out)


# Environments whose rows are equations of a system or lines of a derivation, not matrix rows.
_SYSTEM_ENVS = {"cases", "aligned", "gathered", "align", "gather"}
_ASSIGNED_RE = re.compile(r"\s*[a-zA-Z](?:_\{?\w{1,3}\}?)?\s*=(?!=)")


def _derivation(lines: list[str]) -> bool:
    """Whether aligned rows work one result out, the last row giving it (``2x+3 = 11``, ``2x = 8``,
    ``x = 4``; or ``x = 2+3``, ``= 5``), rather than list the values of several names or a system.

    The last row assigns a name, or goes on from the row before (opens with ``=``), and the rows
    before it are not values of other names.
    """
    if len(lines) < 2:
        return False
    last = lines[-1]
    if last.startswith("="):
        return "=" not in last[1:]
    head = _ASSIGNED_RE.match(last)
    if head is None or "=" in last[head.end() :]:
        return False
    name = head.group(0).rstrip("= ").strip()
    others = [_ASSIGNED_RE.match(line) for line in lines[:-1]]
    return all(m is None or m.group(0).rstrip("= ").strip() == name for m in others)


_MATRIX_ENVS = {"pmatrix", "bmatrix", "matrix", "vmatrix", "Bmatrix", "array", "smallmatrix", "Vmatrix"}
_PRIMARY_CMDS = {
    "\\frac",
    "\\sqrt",
    "\\lbrace",
    "\\matrixref",
    "\\binom",
    "\\sum",
    "\\lim",
    "\\mathrm",
    "\\lfloor",
    "\\lceil",
    "\\vert",
    "\\|",
    "\\lvert",
    *EMPTY_SET_COMMANDS,
}
_MAX_NUMBER_CHARS = 4000
# \mathbb{R} reaches the parser as one command, \mathbbR (see verifiers.answers.prepare).
_SET_CMDS = {f"\\mathbb{letter}": name for letter, name in BLACKBOARD_SETS.items()}


# C_5^2 and A_5^3 as Chinese textbooks write combinations (组合数) and permutations (排列数).
_COUNTING_RE = re.compile(r"([CA])_(\d{1,3})\Z")


def _counting(base: Node, exponent: Node) -> Node | None:
    """``C_n^k`` as ``\\binom{n}{k}``, ``A_n^k`` as ``n!/(n-k)!``, for integers ``0 <= k <= n``; else None."""
    if not (isinstance(base, Sym) and isinstance(exponent, Num) and exponent.value.denominator == 1):
        return None
    m = _COUNTING_RE.match(base.name)
    if m is None or not 0 <= exponent.value <= int(m.group(2)):
        return None
    n = Num(Fraction(int(m.group(2))))
    if m.group(1) == "C":
        return Func("binom", (n, exponent))
    return Div(Fact(n), Fact(Num(n.value - exponent.value)))


class ParseError(ValueError):
    """The text is not an expression this parser understands."""


class Token(NamedTuple):
    kind: str  # num, cmd, word, op
    value: str


# A figure named by its points after these (\angle ABC, \triangle ABC, \overline{ABC}): letters, no word.
_FIGURE_COMMANDS = frozenset({"\\angle", "\\triangle", "\\overline", "\\widehat", "\\overarc", "\\odot"})
_MAX_FIGURE_POINTS = 4


def tokenize(text: str) -> list[Token | None]:
    """Split cleaned text into tokens; ``None`` marks a run of spaces before the next token."""
    tokens: list[Token | None] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        assert kind is not None  # every alternative of _TOKEN_RE is a named group
        value = m.group(kind)
        if kind == "space":
            tokens.append(None)
        elif kind == "other":
            if "\u4e00" <= value <= "\u9fff":
                tokens.append(Token("word", value))
            else:
                raise ParseError(f"unexpected character {value!r}")
        elif kind == "word" and (
            (len(value) == 2 and value not in WHOLE_WORDS) or (_names_points(value) and _after_figure(tokens))
        ):
            tokens.extend(Token("word", letter) for letter in value)
        else:
            tokens.append(Token(kind, value))
    return tokens


def _names_points(word: str) -> bool:
    return 2 <= len(word) <= _MAX_FIGURE_POINTS and word.isupper()


def _after_figure(tokens: list[Token | None]) -> bool:
    """Whether the tokens end with a figure command, then maybe spaces and a brace (``\\angle ``, ``\\overline{``)."""
    before = [tok for tok in tokens[-3:] if tok is not None]
    if before and before[-1] == Token("op", "{"):
        before.pop()
    return bool(before) and before[-1].kind == "cmd" and before[-1].value in _FIGURE_COMMANDS


def _is_integer(node: Node) -> bool:
    return isinstance(node, Num) and node.decimals is None and node.value.denominator == 1


def _items(node: Node) -> tuple[Node, ...]:
    return node.items if isinstance(node, ListOf) else (node,)


class Parser:
    """Recursive-descent / precedence parser over tokens, bounded in depth, size and time."""

    def __init__(self, text: str, deadline: Deadline | None = None):
        self.matrices: list[Matrix] = []
        self.deadline = deadline
        text = replace_environments(text, self._stash_matrix)
        self.tokens: list[Token] = []
        self.spaced: list[bool] = []  # whether spaces came before each token
        space = False
        for token in tokenize(text):
            if token is None:
                space = True
                continue
            self.tokens.append(token)
            self.spaced.append(space)
            space = False
        self.pos = 0
        self.depth = 0
        self.angle_arguments = 0  # how many trigonometric arguments the parser is inside
        self.nodes = 0

    # -- matrices --------------------------------------------------------------------------
    def _stash_matrix(self, env: str, body: str) -> str:
        if env.rstrip("*") in _SYSTEM_ENVS:  # \begin{cases} x=2 \\ y=1 \end{cases}: the rows, listed
            lines = [line for line in (row.replace("&", " ").strip() for row in re.split(r"\\\\", body)) if line]
            if env.rstrip("*") != "cases" and _derivation(lines):
                return " " + lines[-1].lstrip("= ") + " "  # 2x+3 &= 11 \\ 2x &= 8 \\ x &= 4: the last row
            return " " + ", ".join(lines) + " "
        if env.rstrip("*") not in _MATRIX_ENVS:
            return body
        rows = []
        for row in re.split(r"\\\\", body):
            row = row.replace("\\hline", "").strip()
            if not row:
                continue
            rows.append(tuple(Parser(cell, self.deadline).parse_expression_only() for cell in row.split("&")))
        if not rows or len({len(r) for r in rows}) != 1:
            raise ParseError("ragged matrix")
        self.matrices.append(Matrix(tuple(rows)))
        return f" \\matrixref{{{len(self.matrices) - 1}}} "

    # -- token helpers ---------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def next(self) -> Token:
        if self.pos >= len(self.tokens):
            raise ParseError("unexpected end of input")
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def at(self, *values: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.value in values

    def at_spaced(self) -> bool:
        """Whether spaces stand before the next token."""
        return self.pos < len(self.spaced) and self.spaced[self.pos]

    def expect(self, value: str) -> None:
        tok = self.next()
        if tok.value != value:
            raise ParseError(f"expected {value!r}, found {tok.value!r}")

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
            raise ParseError(f"unexpected {token.value!r}")
        if len(groups) == 1:
            return groups[0]
        return self.node(ListOf(tuple(Seq("(", ")", g.items) if isinstance(g, ListOf) else g for g in groups)))

    def parse_expression_only(self) -> Node:
        node = self.parse_list(set())
        if (token := self.peek()) is not None:
            raise ParseError(f"unexpected {token.value!r}")
        return node

    def parse_list(self, stops: set[str]) -> Node:
        items = [self.parse_relation()]
        while self.at(","):
            self.next()
            if self.peek() is None or self.at(*stops):
                break
            items.append(self.parse_relation())
        return items[0] if len(items) == 1 else self.node(ListOf(tuple(items)))

    def parse_relation(self) -> Node:
        operands = [self.parse_union()]
        ops = []
        while True:
            tok = self.peek()
            if tok is None:
                break
            op = _REL_OPS.get(tok.value) or _REL_CMDS.get(tok.value)
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
        return self.node(Rel(tuple(ops), tuple(operands)))

    def parse_union(self) -> Node:
        node = self.parse_ratio()
        parts = [node]
        while self.at("\\cup", "\\cap"):
            kind = Union if self.next().value == "\\cup" else Intersection
            if len(parts) > 1 and not isinstance(node, kind):
                raise ParseError("mixed \\cup and \\cap need brackets")
            parts.append(self.parse_ratio())
            node = self.node(kind(tuple(parts)))
        return node

    def parse_ratio(self) -> Node:
        start = self.pos
        parts = [self.parse_sum()]
        while self.at(":"):
            self.next()
            parts.append(self.parse_sum())
        if len(parts) == 1:
            return parts[0]
        return self.clock_time(start) or self.node(Ratio(tuple(parts)))

    def clock_time(self, start: int) -> ClockTime | None:
        """``h:mm`` (three tokens, two-digit minutes, hours 0-24) is also a clock time."""
        if self.pos != start + 3:
            return None
        hours, minutes = self.tokens[start].value, self.tokens[start + 2].value
        if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
            return None
        h, m = int(hours), int(minutes)
        if h > 24 or m > 59:
            return None
        return ClockTime(60 * h + m, exact=h == 0 or h > 12 or hours.startswith("0"))

    def parse_sum(self) -> Node:
        self.enter()
        terms = [self.parse_term()]
        while self.at("+", "-", "\\pm", "\\mp"):
            op = self.next().value
            term = self.parse_term()
            if op == "+":
                terms.append(term)
            elif op == "-":
                terms.append(self.node(Neg(term)))
            else:
                left = terms[0] if len(terms) == 1 else self.node(Add(tuple(terms)))
                terms = [self.node(PlusMinus(left, term if op == "\\pm" else Neg(term)))]
        self.depth -= 1
        return terms[0] if len(terms) == 1 else self.node(Add(tuple(terms)))

    def parse_term(self) -> Node:
        factors = [self.parse_unary()]
        mixed = self.mixed_number(factors[0])
        if mixed is not None:
            factors = [mixed]
        while True:
            if self.at("*", "\\cdot", "\\times", "\\ast"):
                self.next()
                factors.append(self.parse_unary())
            elif self.at("/", "\\div"):
                self.next()
                left = factors[0] if len(factors) == 1 else self.node(Mul(tuple(factors)))
                factors = [self.node(Div(left, self.parse_unary()))]
            elif self.starts_primary():
                factors.append(self.parse_power())
            else:
                break
        return factors[0] if len(factors) == 1 else self.node(Mul(tuple(factors)))

    def mixed_number(self, whole: Node) -> Node | None:
        """``7\\frac{3}{4}``, ``7 3/4`` and ``5(1/3)`` are 7 + 3/4 and 5 + 1/3 (``-2\\frac{1}{4}`` is -9/4)."""
        if isinstance(whole, Neg):
            inner = self.mixed_number(whole.operand)
            return None if inner is None else self.node(Neg(inner))
        if not _is_integer(whole):
            return None
        start = self.pos
        fraction = self.proper_fraction()
        if fraction is None:
            self.pos = start
            return None
        return self.node(Add((whole, fraction)))

    def proper_fraction(self) -> Div | None:
        """A proper fraction of integers right after a whole number, in one of the mixed forms."""
        try:
            if self.at("\\frac"):
                self.next()
                num = self.parse_group() if self.at("{") else self.atom_token()
                den = self.parse_group() if self.at("{") else self.atom_token()
            elif self.at_spaced() and self.at_plain_fraction(0):
                num, den = self.plain_fraction()
            elif self.at("(") and not self.at_spaced() and self.at_plain_fraction(1) and self.at_close(4):
                self.next()
                num, den = self.plain_fraction()
                self.expect(")")
            else:
                return None
        except ParseError:
            return None
        if isinstance(num, Num) and isinstance(den, Num) and _is_integer(num) and _is_integer(den):
            return Div(num, den) if 0 < num.value < den.value else None
        return None

    def plain_fraction(self) -> tuple[Num, Num]:
        numerator = self.number(self.next().value)
        self.expect("/")
        return numerator, self.number(self.next().value)

    def at_plain_fraction(self, offset: int) -> bool:
        """``3/4`` as three tokens of integers (not followed by more of a term)."""
        a, slash, b = self.peek(offset), self.peek(offset + 1), self.peek(offset + 2)
        return (
            a is not None
            and b is not None
            and slash is not None
            and a.kind == "num"
            and b.kind == "num"
            and slash.value == "/"
            and a.value.isdigit()
            and b.value.isdigit()
        )

    def at_close(self, offset: int) -> bool:
        tok = self.peek(offset)
        return tok is not None and tok.value == ")"

    def starts_primary(self) -> bool:
        tok = self.peek()
        if tok is None:
            return False
        if tok.kind in ("num", "word"):
            return True
        if tok.kind == "cmd":
            name = tok.value[1:]
            return (
                name in FUNCTION_SPELLINGS
                or name in CONSTANTS
                or name in GREEK
                or tok.value in _PRIMARY_CMDS
                or tok.value in _SET_CMDS
            )
        return tok.value in ("(", "[", "{")

    def parse_unary(self) -> Node:
        if self.at("-"):
            self.next()
            return self.node(Neg(self.parse_unary()))
        if self.at("+"):
            self.next()
            return self.parse_unary()
        if self.at("\\pm", "\\mp"):
            self.next()
            return self.node(PlusMinus(None, self.parse_unary()))
        return self.parse_power()

    def parse_power(self) -> Node:
        self.enter()
        base = self.parse_postfix(self.parse_primary())
        if self.at("^", "**"):
            self.next()
            if self.at("\\circ"):  # degrees: a bare angle keeps its number, a trigonometric argument is in radians
                self.next()
                self.depth -= 1
                if self.angle_arguments:
                    base = self.node(Mul((base, Div(Const("pi"), Num(Fraction(180))))))
                return self.parse_postfix(base)
            exponent = self.parse_exponent()
            base = self.parse_postfix(self.node(_counting(base, exponent) or Pow(base, exponent)))
        self.depth -= 1
        return base

    def parse_exponent(self) -> Node:
        if self.at("{"):
            return self.parse_group()
        if self.at("-"):
            self.next()
            return self.node(Neg(self.parse_exponent()))
        tok = self.peek()
        if tok and tok.kind == "num" and len(tok.value) > 1 and tok.value.isdigit():
            # x^23 in LaTeX means x^2 3; plain-text answers mean x^23.
            self.next()
            return self.number(tok.value)
        return self.parse_power()

    def parse_postfix(self, node: Node) -> Node:
        while True:
            if self.at("!") and not self.at_op_pair("!", "="):
                self.next()
                node = self.node(Fact(node))
            elif self.at("%"):
                self.next()
                node = self.node(Pct(node))
            elif self.at("'"):
                self.next()
                node = self.node(Func("prime", (node,)))
            elif self.at("_") and isinstance(node, (Sym, Num, Func)):
                self.next()
                node = self.subscript(node)
            else:
                return node

    def at_op_pair(self, first: str, second: str) -> bool:
        nxt = self.peek(1)
        return self.at(first) and nxt is not None and nxt.value == second

    def subscript(self, node: Sym | Num | Func) -> Node:
        index = self.parse_group() if self.at("{") else self.atom_token()
        if _is_integer(node) and isinstance(index, Num):
            assert isinstance(node, Num)
            return self.node(Based(str(node.value.numerator), int(index.value)))
        if isinstance(node, Sym):
            match index:
                case Num(value):
                    return self.node(Sym(f"{node.name}_{value}"))
                case Sym(name) | Word(name):
                    return self.node(Sym(f"{node.name}_{name}"))
                case Mul(factors) if all(isinstance(f, Sym) for f in factors):
                    return self.node(Sym(node.name + "_" + "".join(f.name for f in factors)))  # type: ignore[union-attr]
            return self.node(Func(node.name + "_", (index,)))
        raise ParseError("unsupported subscript")

    def atom_token(self) -> Node:
        """A single-token argument, as in ``\\frac12``, ``x_1`` or ``\\frac\\pi 2``."""
        if (token := self.peek()) is not None and token.kind == "cmd":
            return self.parse_primary()
        kind, value = self.next()
        if kind == "num" and len(value) > 1 and value.isdigit():
            self.pos -= 1  # \frac12: one digit is the argument, the rest stays for the next one
            self.tokens[self.pos] = Token("num", value[1:])
            self.spaced[self.pos] = False
            return self.number(value[0])
        if kind == "num":
            return self.number(value)
        if kind == "word":
            return self.node(Sym(value[0]))
        raise ParseError(f"bad subscript {value!r}")

    def parse_group(self) -> Node:
        self.expect("{")
        self.enter()
        inner = self.parse_list({"}"})
        self.expect("}")
        self.depth -= 1
        return inner

    def number(self, text: str) -> Num:
        if len(text) > _MAX_NUMBER_CHARS:
            raise ParseError("number too long")
        if "." in text:
            decimals = len(text.split(".")[1])
            return self.node(Num(Fraction(text), decimals if decimals else None))  # type: ignore[return-value]
        return self.node(Num(Fraction(int(text))))  # type: ignore[return-value]

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
            return self.scientific(node) if self.at_scientific() else node
        if kind == "word":
            return self.word(value)
        if kind == "cmd":
            return self.command(value)
        if value in ("(", "["):
            return self.bracket(value)
        if value == "{":
            self.pos -= 1
            inner = self.parse_group()
            return self.node(SetOf(inner.items)) if isinstance(inner, ListOf) else inner
        if value == "|":
            inner = self.parse_sum()
            self.expect("|")
            return self.node(Func("abs", (inner,)))
        raise ParseError(f"unexpected {value!r}")

    def at_scientific(self) -> bool:
        tok, nxt = self.peek(), self.peek(1)
        if tok is None or tok.kind != "word" or tok.value not in ("e", "E") or self.at_spaced():
            return False
        if nxt is not None and nxt.kind == "num":
            return True
        after = self.peek(2)
        return nxt is not None and nxt.value in "+-" and after is not None and after.kind == "num"

    def scientific(self, mantissa: Num) -> Node:
        self.next()
        sign = 1
        if self.at("+", "-"):
            sign = -1 if self.next().value == "-" else 1
        exponent = int(self.next().value)
        return self.node(Mul((mantissa, Pow(Num(Fraction(10)), Num(Fraction(sign * exponent))))))

    def word(self, value: str) -> Node:
        if value in INTEGER_FUNCTIONS and self.at("("):
            return self.integer_function(value)
        if value in FUNCTION_SPELLINGS:
            return self.function(FUNCTION_SPELLINGS[value])
        if value == "pi":
            return self.node(Const("pi"))
        if len(value) == 1 and value.isascii():
            return self.letter(value)
        return self.node(Word(value))

    def integer_function(self, name: str) -> Node:
        """``gcd(12, 18)``: the arguments in brackets, two or more."""
        self.expect("(")
        args = _items(self.parse_list({")"}))
        self.expect(")")
        if len(args) < 2:
            raise ParseError(f"{name} needs two arguments")
        return self.node(Func(name, args))

    def letter(self, value: str) -> Node:
        if value in FUNCTION_LETTERS and self.at("(") and not self.at_spaced():
            self.next()
            args = self.parse_list({")"})
            self.expect(")")
            return self.node(Func(value, _items(args)))
        return self.node(Sym(value))

    def command(self, value: str) -> Node:
        name = value[1:]
        if name in CONSTANTS:
            return self.node(Const(CONSTANTS[name]))
        if name in GREEK:
            return self.node(Sym(name))
        if name in FUNCTION_SPELLINGS:
            return self.function(FUNCTION_SPELLINGS[name], log_base=name == "log")
        if name in INTEGER_FUNCTIONS and self.at("("):
            return self.integer_function(name)
        if value in EMPTY_SET_COMMANDS:
            return self.node(NamedSet("empty"))
        if value in _SET_CMDS:
            return self.node(NamedSet(_SET_CMDS[value]))
        if value == "\\frac" or value == "\\binom":
            a = self.parse_group() if self.at("{") else self.atom_token()
            b = self.parse_group() if self.at("{") else self.atom_token()
            return self.node(Div(a, b) if value == "\\frac" else Func("binom", (a, b)))
        if value == "\\sqrt":
            return self.root()
        if value == "\\complement":
            return self.complement()
        if value == "\\lbrace":
            if self.at("\\rbrace"):
                self.next()
                return self.node(SetOf(()))
            inner = self.parse_list({"\\rbrace"})
            self.expect("\\rbrace")
            return self.node(SetOf(_items(inner)))
        if value in ("\\lfloor", "\\lceil"):
            inner = self.parse_sum()
            self.expect("\\rfloor" if value == "\\lfloor" else "\\rceil")
            return self.node(Func("floor" if value == "\\lfloor" else "ceil", (inner,)))
        if value in ("\\vert", "\\lvert", "\\|"):
            inner = self.parse_sum()
            self.expect({"\\vert": "\\vert", "\\lvert": "\\rvert", "\\|": "\\|"}[value])
            return self.node(Func("abs", (inner,)))
        if value == "\\matrixref":
            index = self.parse_group()
            assert isinstance(index, Num)
            return self.matrices[int(index.value)]
        if value == "\\sum":
            return self.summation()
        if value == "\\lim":
            return self.limit()
        if value in _IGNORED_CMDS:
            if self.at("{"):
                return self.parse_group()
            return self.parse_primary()
        raise ParseError(f"unsupported command {value}")

    def complement(self) -> Node:
        """``\\complement_U A`` (the complement of ``A`` in ``U``): a set named by its sets."""
        universe: Node = Sym("U")
        if self.at("_"):
            self.next()
            universe = self.parse_group() if self.at("{") else self.atom_token()
        return self.node(Func("complement", (universe, self.parse_primary())))

    def root(self) -> Node:
        index: Node | None = None
        if self.at("["):
            self.next()
            index = self.parse_sum()
            self.expect("]")
        radicand = self.parse_group() if self.at("{") else self.parse_primary()
        exponent = Num(Fraction(1, 2)) if index is None else Div(Num(Fraction(1)), index)
        return self.node(Pow(radicand, exponent))

    def function(self, name: str, log_base: bool = False) -> Node:
        power = None
        if self.at("^"):
            self.next()
            power = self.parse_exponent()
        if self.at("_") and log_base:
            self.next()
            base = self.parse_group() if self.at("{") else self.atom_token()
            arg = self.function_argument()
            return self.node(Div(Func("ln", (arg,)), Func("ln", (base,))))
        if name in INVERSE_FUNCTIONS and power == Neg(Num(Fraction(1))):
            name, power = INVERSE_FUNCTIONS[name], None
        angle = name in ANGLE_FUNCTIONS
        self.angle_arguments += angle
        node = self.node(Func(name, (self.function_argument(),)))
        self.angle_arguments -= angle
        return self.node(Pow(node, power)) if power is not None else node

    def function_argument(self) -> Node:
        if self.at("("):  # \sin(x)^2 is (\sin x)^2: a power or ! after the brackets is the function's
            return self.parse_primary()
        factors = [self.parse_power()]
        while self.starts_primary() and not self.at_function():
            factors.append(self.parse_power())
        return factors[0] if len(factors) == 1 else self.node(Mul(tuple(factors)))

    def at_function(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.value.lstrip("\\") in FUNCTION_SPELLINGS

    def summation(self) -> Node:
        self.expect("_")
        lower = self.parse_group()
        self.expect("^")
        upper = self.parse_group() if self.at("{") else self.atom_token()
        match lower:
            case Rel(("=",), (Sym(var), lo)):
                return self.node(Sum(self.parse_term(), var, lo, upper))
        raise ParseError("unsupported summation")

    def limit(self) -> Node:
        """``\\lim_{x \\to a} body`` (``\\rightarrow`` too)."""
        self.expect("_")
        self.expect("{")
        var = self.next()
        if var.kind != "word" or len(var.value) != 1:
            raise ParseError("unsupported limit variable")
        if not self.at("\\to", "\\rightarrow"):
            raise ParseError("expected \\to in a limit")
        self.next()
        point = self.parse_sum()
        self.expect("}")
        return self.node(Limit(self.parse_term(), var.value, point))

    def bracket(self, opener: str) -> Node:
        self.enter()
        if self.at(")", "]"):
            closer = self.next().value
            self.depth -= 1
            return self.node(Seq(opener, closer, ()))
        items = [self.parse_relation()]
        while self.at(",", ";"):
            self.next()
            items.append(self.parse_relation())
        closer = self.next().value
        if closer not in (")", "]"):
            raise ParseError(f"unclosed {opener!r}")
        self.depth -= 1
        if len(items) == 1 and opener + closer in ("()", "[]"):
            return items[0]
        if len(items) == 1:
            raise ParseError("mismatched brackets")
        return self.node(Seq(opener, closer, tuple(items)))


def parse(text: str, deadline: Deadline | None = None) -> Node:
    """Parse cleaned answer text into a typed tree; raises :class:`ParseError`."""
    try:
        return Parser(text, deadline).parse()
    except RecursionError as exc:
        raise ParseError("expression nested too deeply") from exc
