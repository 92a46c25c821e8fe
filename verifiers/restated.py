"""The answer's value stated again, counted only where the verifier confirms it is the same quantity.

A solution may follow its answer with the same value another way: an approximation
(``2\\sqrt{2} \\approx 2.83``; ``9π平方厘米，约28.26平方厘米``, a CMATH key computed with π = 3.14)
or the same quantity in other units (``3个小时，即180分钟``; ``2 hours and 15 minutes, which is
135 minutes``; ``7 dozen eggs, i.e., 84 eggs``). Such a value is tried against a number key only
when it is confirmed: the approximation is the answer rounded, truncated or rounded up to the
approximation's decimal places, in the same unit; the restatement converts the answer's units
into its own exactly. Any other value said again (``12, i.e., 13``; ``3 pizzas, i.e., 48
slices``; ``12 ≈ 13``) is a second answer, a hedge, and the solution is judged on its first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction

from .answers import Parsed, parse_answer
from .compare import Comparer
from .conversions import Unit, singular, unit
from .evaluate import NotExact, NotNumeric, NumericEvaluator, exact_value
from .limits import Deadline, TooLarge
from .nodes import Add, Const, Div, Func, Mul, Neg, Node, Num, Pow, Sym, children, contains, replaced
from .vocabulary import KNOWN_FUNCTION_NAMES
from .words import changes_the_value

_APPROXIMATIONS = ("≈", "\\approx", "约等于", "约为", "约", "approximately", "about", "roughly")
_APPROXIMATELY = "|".join(re.escape(marker) for marker in _APPROXIMATIONS)
_THAT_IS = "即|合|也就是|也即"
_AMOUNT = r"(?:\d{1,3}(?:,\d{3}){1,4}(?![\d,])|\d{1,15})(?:\.\d{1,15})?"  # 1,500.25
_NUMBER = r"(-?" + _AMOUNT + r"%?)"
_DOLLAR = r"(\\?\$)?"  # before a number: the currency sign, unless it opens math ($12$)
# Inside the extracted answer: the value before ≈ / ，即 and the one after it.
_INSIDE_RE = re.compile(
    r"(≈|\\approx|[，,]\s?(?:约等于|约为|约|" + _THAT_IS + r"))\s?" + _DOLLAR + r"\s?" + _NUMBER, re.IGNORECASE
)
# Right after the answer in the solution, its unit between: 9π平方厘米，约28.26平方厘米; 2400米，合2.4千米.
_AFTER_RE = re.compile(
    r"([^。.\n=]{0,24}?)(" + _APPROXIMATELY + "|" + _THAT_IS + r")\s?" + _DOLLAR + r"\s?" + _NUMBER, re.IGNORECASE
)
_AFTER_CHARS = 80
# In English: "2 hours and 15 minutes, which is 135 minutes", "7 dozen eggs, i.e., 84 eggs", the
# restated number closing its sentence with at most two words after it (its unit).
_EN_RE = re.compile(
    r"([^.\n=]{0,24}?),\s?(?:i\.\s?e\.|that\sis|in\sother\swords|which\s(?:is|equals|means))[,:]?\s"
    + _DOLLAR
    + r"\s?"
    + _NUMBER
    + r"\$?(?:\s[a-zA-Z']{1,15}){0,2}\s?(?:[.!;)]|$)",  # $-3$: a closing dollar ends math
    re.IGNORECASE,
)
# "or" in the languages whose solutions the verifier reads (a whole word: not the o of "metro").
_LETTER = "a-zA-Z\u00c0-\u024f\u0400-\u04ff"
_OR_WORD = rf"(?:(?<![{_LETTER}])(?:or|ou|oder|oppure|o|или|hoặc)(?![{_LETTER}])|或者?|または|또는)"
# A value offered after the answer as an alternative: "2 hours, or 120 minutes", "12, or 13", "12个，或13个",
# "36 (или 34)".
_OR_RE = re.compile(
    rf"([^。.\n=]{{0,24}}?)(?:[,，]\s?{_OR_WORD}\s?|\s?[(（]\s?{_OR_WORD}\s?)"
    + _DOLLAR
    + r"\s?"
    + _NUMBER
    + r"\$?(?:\s[a-zA-Z']{1,15}){0,2}\s?(?:[.!;)）。]|[\u4e00-\u9fff]{1,4}(?:[。.!；;）)]|\s{0,3}$)|$)",
    re.IGNORECASE,
)
# The words that offer another value as an alternative: or, alternatively, possibly, maybe, it
# might also be; 或, 也可能是, 也许是; or in the other languages read (ou, oder, или).
_MIGHT_BE = r"(?:it\s)?(?:might|may|could)\s(?:also\s)?be"
_ALTERNATIVE_WORDS = (
    r"(?:(?:"
    + _OR_WORD
    + r"|alternatively|possibly|maybe|perhaps)(?:,?\s(?:possibly|maybe|perhaps|alternatively|else))?"
    r"(?:,?\s" + _MIGHT_BE + r")?|(?:but\s)?" + _MIGHT_BE + r"|(?:但|不过)?(?:或者?|也?可能是|也许是|或许是))"
)
# A value offered before the answer as an alternative: "12 or 13 boxes", "12个苹果或13个苹果",
# "It's 3. Or 4.", "3, but it might also be 4", "可能是3，也可能是4".
_OR_BEFORE_RE = re.compile(
    r"(?<![\d.])(-?\d{1,15}(?:\.\d{1,15})?)(?:\s?[a-zA-Z'\u4e00-\u9fff]{1,15}){0,2}\s?[,;.，；]?\s?"
    + _ALTERNATIVE_WORDS
    + r",?\s?\$?$",
    re.IGNORECASE,
)
# A value offered after the answer as an alternative, whatever follows it: "3 (or 4)", "7 (or 8 if
# we count the endpoints)", "3; alternatively 4", "3. Or 4.", "3 or possibly 4", "3，也可能是4".
_ALTERNATIVE_AFTER_RE = re.compile(
    r"([^。.\n=]{0,24}?)(?:\s?[,;，；(（\[]\s?|\.\s{1,2}|\s)"
    + _ALTERNATIVE_WORDS
    + r",?\s?"
    + _DOLLAR
    + r"\s?(-?"
    + _AMOUNT
    + r"(?:\\?%)?)",  # 25\% as 25%
    re.IGNORECASE,
)
_OR_BEFORE_CHARS = 60
# The words after a stated number: none may make it another quantity (which is 3 more; 20% of them).
_WORDS_AFTER_RE = re.compile(r"(?:\s{1,2}[a-zA-Z']{1,15}){0,2}")
# An amount in cents is the same amount in dollars (25 cents = 0.25).
_CENTS_RE = re.compile(r"\s?(?:cents?|¢)(?![a-zA-Z])", re.IGNORECASE)
_PLAIN_AMOUNT_RE = re.compile(r"\d{1,15}(?:\.\d{1,15})?")
# A share of a whole (百分之六十的学生, 60%的学生) is no value of its own: the count after it is the answer.
_SHARE_RE = re.compile(
    r"(?:百分之[零〇一二两三四五六七八九十百点]{1,8}|\d{1,15}(?:\.\d{1,15})?%)的[\u4e00-\u9fff]{1,6}\s?$"
)
_SHARE_CHARS = 40

PI_AS_DECIMAL = Num(Fraction(314, 100), 2)
# The value closing a sentence of prose, its unit after it (一共走了 $\frac{3}{4}$ 千米, 有12个).
_CLOSING_VALUE_RE = re.compile(
    r"(?:\$([^$\n]{1,80})\$|(?<![\d.])(-?\d{1,15}(?:\.\d{1,15})?(?:/\d{1,15})?%?))"
    r"[^\S\n]{0,2}(?:[\u4e00-\u9fff]{1,4}|[a-zA-Z]{1,12})?[^\S\n]{0,2}$"
)
_CLOSING_VALUE_CHARS = 120  # CMATH's keys compute with π = 3.14


def stated_equivalents(prediction: str, answer: str, parsed: Parsed, deadline: Deadline) -> list[Parsed]:
    """The answer's value stated again, each confirmed to be the same quantity as the answer.

    Inside the extracted answer, the value before ``≈`` / ``，即`` (the answer itself) and the one
    after it; right after the answer in the solution, its approximation or the same quantity in
    other units (``，即180分钟``, ``, which is 135 minutes``); an amount in cents as dollars.
    """
    found = []
    inside = _INSIDE_RE.search(answer)
    if inside:
        first_text = answer[: inside.start()]
        first = parse_answer(first_text, deadline)
        closing = _CLOSING_VALUE_RE.search(first_text[-_CLOSING_VALUE_CHARS:]) if first.node is None else None
        if closing is not None:  # 小红家离学校 $\frac{3}{4}$ 千米，即 750 米: the value closing the prose
            first = parse_answer(closing.group(1) or closing.group(2), deadline)
        stated = _Stated.of(inside, answer, 1, 2, 3)
        if _SHARE_RE.search(first_text[-_SHARE_CHARS:]):
            found.append(stated.parsed(deadline))  # 百分之六十的学生，即180人: 180
        else:
            found.append(first)
            if stated.same_quantity(first_text, first.node, deadline):
                found.append(stated.parsed(deadline))
    end = _answer_end(prediction, answer)
    if end < 0:
        return [p for p in found if p.node is not None]
    before = prediction[max(0, end - len(answer) - 2) : end - len(answer)]  # the dollar sign of $5
    after = _AFTER_RE.match(prediction, end, end + _AFTER_CHARS)
    english = _EN_RE.match(prediction, end)
    alternative = _OR_RE.match(prediction, end)
    for m, groups in ((after, (2, 3, 4)), (english, (None, 2, 3)), (alternative, (None, 2, 3))):
        if m is None:
            continue
        stated = _Stated.of(m, prediction, *groups)
        if stated.same_quantity(before + answer + m.group(1), parsed.node, deadline):
            found.append(stated.parsed(deadline))
    if _PLAIN_AMOUNT_RE.fullmatch(answer) and _CENTS_RE.match(prediction, end):
        found.append(parse_answer(str(Fraction(answer) / 100), deadline))
    return [p for p in found if p.node is not None]


# After a degree word, what makes it a temperature or an amount of energy: degrees Celsius, 度电.
_NOT_AN_ANGLE_RE = re.compile(r"\s?(?:celsius|fahrenheit|centigrade|[CF](?![a-zA-Z])|电)", re.IGNORECASE)


def in_degrees(prediction: str, answer: str) -> bool:
    """Whether a degree word closes the answer or follows it in the solution (``\\boxed{120}
    degrees``, ``$120$ 度``, ``120\\text{ degrees}``): an angle in degrees, as ``120^\\circ`` is."""
    found, after = _answer_unit(prediction, answer)
    if found is None or found.dimension != "angle":
        return False
    return after < 0 or not _NOT_AN_ANGLE_RE.match(prediction, after)  # after < 0: the answer's own unit


# After an answer in prose, a word that is more often a preposition than a unit: "12 in all" (not
# "5 in." closing the sentence, inches).
_NOT_A_UNIT_RE = re.compile(r"[ \t$}]{0,6}in(?![a-zA-Z])(?=[ \t]{0,3}[a-zA-Z\d$\\(])")


def _answer_unit(prediction: str, answer: str) -> tuple[Unit | None, int]:
    """The unit that closes the answer, or else follows it in the solution (``\\boxed{2.5}
    hours``), and where in the solution it ends (-1 where it closes the answer, or none is found)."""
    closing = _closing_unit(answer)
    if closing is not None:
        return closing, -1
    end = _answer_end(prediction, answer)
    if end < 0 or _NOT_A_UNIT_RE.match(prediction, end):
        return None, -1
    return _unit_after(prediction, end)


def _measure_unit(text: str, answer: str) -> Unit | None:
    """The unit the answer's value is in: a duration's first unit where several close it (``6
    hours and 30 minutes`` is 6.5 hours)."""
    run = _closing_run(answer)
    return run[1] if run is not None else _answer_unit(text, answer)[0]


def in_other_units(prediction: str, answer: str, key: str, key_answer: str) -> bool:
    """Whether the answer states its value in another unit of the key's measure (``2.5 minutes``
    against ``2.5 hours``; ``3 cm`` against ``3 m``), or a unit of another of the physical measures
    (``5 m`` against ``5 min``): another quantity, whatever the numbers."""
    units = _units(prediction, answer, key, key_answer)
    if units is None:
        return False
    found, wanted = units
    return _factor(found, wanted) is not None or (
        {found.dimension, wanted.dimension} <= _PHYSICAL_MEASURES and found.dimension != wanted.dimension
    )


# Another value in parentheses after the answer, alone, asked or with a condition: "12 (13?)", "12
# (13 if counting the start)", "12 (13)"; not "12 (5 + 7)", "2 hours (120 minutes)" nor a product, 8(1.75).
_PARENTHESISED_VALUE_RE = re.compile(
    r"([}$]{0,3}(?:\s[a-zA-Z']{1,15}){0,2})\s[(（\[]\s?"  # a unit word at most: 12 apples (13?)
    + _DOLLAR
    + r"\s?"
    + _NUMBER
    + r"(?=\s?(?:[?？)）\]]|(?:if|when|unless|otherwise|in\scase)(?![a-zA-Z])))",
    re.IGNORECASE,
)


# Measures no answer states in another's units (a price may be in dollars against a key in 元; a rate,
# km/h, may be written 每小时行驶45千米).
_PHYSICAL_MEASURES = frozenset({"time", "length", "mass", "area", "volume"})


def key_unit_factor(prediction: str, answer: str, key: str, key_answer: str) -> Fraction | None:
    """How many of the key's units one of the answer's unit is (``120 minutes`` against ``2 hours``:
    1/60) where both name other units of one measure (not counts); None otherwise."""
    units = _units(prediction, answer, key, key_answer)
    return None if units is None else _factor(*units)


def _units(prediction: str, answer: str, key: str, key_answer: str) -> tuple[Unit, Unit] | None:
    """The answer's unit and the key's, where both name one (the key's is read first: most name none)."""
    wanted = _measure_unit(key, key_answer)
    found = _measure_unit(prediction, answer) if wanted is not None else None
    return None if found is None or wanted is None else (found, wanted)


def _factor(found: Unit, wanted: Unit) -> Fraction | None:
    """The size of ``found`` in ``wanted``'s units, for other units of one measure (not counts)."""
    if found.dimension.startswith("count") or found.dimension != wanted.dimension or found.scale == wanted.scale:
        return None
    return found.scale / wanted.scale


def offered_instead(prediction: str, answer: str, deadline: Deadline) -> bool:
    """Whether the solution offers another value as an alternative to its answer, one the verifier
    cannot confirm is the same quantity: a hedge (``12, or 13``; ``12 or 13 boxes``; ``2 hours, or
    150 minutes``), never paid, whichever side the key is. ``2 hours, or 120 minutes`` is no hedge."""
    end = _answer_end(prediction, answer)
    if end < 0:
        return False
    start = end - len(answer)
    before_it = _OR_BEFORE_RE.search(prediction, max(0, start - _OR_BEFORE_CHARS), start)
    if before_it is not None:
        return not (_PLAIN_AMOUNT_RE.fullmatch(answer) and Fraction(before_it.group(1)) == Fraction(answer))
    m = (
        _OR_RE.match(prediction, end)
        or _ALTERNATIVE_AFTER_RE.match(prediction, end)
        or _PARENTHESISED_VALUE_RE.match(prediction, end)
    )
    if m is None:
        return False
    before = prediction[max(0, start - 2) : start]  # the dollar sign of $5
    stated = replace(_Stated.of(m, prediction, None, 2, 3), alternative=True)
    return not stated.same_quantity(before + answer + m.group(1), parse_answer(answer, deadline).node, deadline)


# A value named only to be ruled out: "the answer is not 7", "答案不是7", "x \\neq 7", "\\text{not } 7".
_NEGATION = (
    r"(?:(?<![a-zA-Z])(?:not|never|cannot\sbe|can't\sbe|won't\sbe)(?![a-zA-Z])|n't(?:\sbe)?(?![a-zA-Z])"
    r"|不是|并非|不等于|不可能是|不会是|不为|≠|\\neq?(?![a-zA-Z]))"
)
_OPENERS = r"(?:\$|\\\(|\\(?:boxed|text|mathrm)\s?\{|\{)?"
_RULED_OUT_BEFORE_RE = re.compile(_NEGATION + r"[^\S\n]{0,3}" + _OPENERS + r"[^\S\n]{0,3}$", re.IGNORECASE)
_RULED_OUT_INSIDE_RE = re.compile(
    r"\s{0,3}" + _OPENERS + r"\s{0,3}" + _NEGATION + r"\s{0,3}\}?\s{0,3}[-\d$\\]", re.IGNORECASE
)
_RULED_OUT_CHARS = 24


def ruled_out(prediction: str, answer: str) -> bool:
    """Whether the answer is a value the solution names only to rule it out: a negation opens it
    (``\\text{not } 7``, ``\\neq 7``) or stands just before its last occurrence (``the answer is
    not 7``, ``答案不是7``). ``It is not 4. The answer is 3.`` rules out 4, not 3."""
    if _RULED_OUT_INSIDE_RE.match(answer):
        return True
    end = _answer_end(prediction, answer)
    if end < 0:
        return False
    start = end - len(answer)
    return _RULED_OUT_BEFORE_RE.search(prediction, max(0, start - _RULED_OUT_CHARS), start) is not None


# A value put forward as a candidate in English: after a modal whose subject is the answer ("the
# answer might be 7", "it could also be 8"), after "maybe"/"perhaps"/"possibly", or after an answer
# marker ("the answer is 7"); a modal with another subject ("x could be -3") is reasoning.
_CANDIDATE_RE = re.compile(
    r"(?:\b(?:answer|it|result|value)\s(?:might|could|may)\s(?:also\s|well\s)?be|\b(maybe|perhaps|possibly)"
    r"|\banswer\s(?:is|=|:))\s{0,2}" + _DOLLAR + r"\s{0,2}" + _NUMBER + r"(?![\d.,]?\d)",
    re.IGNORECASE,
)
_MODAL_RE = re.compile(r"\b(?:might|could|may|maybe|perhaps|possibly)\b", re.IGNORECASE)
_CANDIDATE_CHARS = 240


def hedged(prediction: str) -> bool:
    """Whether the solution's closing text puts forward two different values as candidates, the last
    with a modal ("The answer might be 7, but I'm not sure; it could be 8"; "The answer is 7, but it
    could also be 8"): a hedge, never paid, whichever value the key is. A value stated last without
    one ("... might be 6, but we double counted; the answer is 3") is the answer settled on."""
    tail = prediction[-_CANDIDATE_CHARS:]
    candidates = list(_CANDIDATE_RE.finditer(tail))
    if not candidates or not _MODAL_RE.search(candidates[-1].group(0)):
        return False
    values = {Fraction(m.group(3).rstrip("%").replace(",", "")) for m in candidates}
    return len(values) > 1


def restates_inside(answer: str) -> bool:
    """Whether an extracted answer holds its value stated again (``3个小时，即180分钟``, ``12 ≈ 13``)."""
    return _INSIDE_RE.search(answer) is not None


@dataclass(frozen=True)
class _Stated:
    """A value stated again: the number as written, whether it approximates, and its unit."""

    number: str
    approximation: bool
    unit: Unit | None
    other_quantity: bool  # words after it make it another quantity (3 more, 20% of them)
    alternative: bool = False  # offered as an alternative (", or 13"), not said to be the same

    @staticmethod
    def of(m: re.Match, text: str, marker: int | None, dollar: int, number: int) -> _Stated:
        """The value stated in ``m`` (its groups: the marker, a dollar sign, the number) of ``text``."""
        approximation = marker is not None and m.group(marker).strip(" ，,").lower() in _APPROXIMATIONS
        found, _ = _unit_after(text, m.end(number), m.group(dollar))
        words = _WORDS_AFTER_RE.match(text, m.end(number))
        after = words.group(0).lower().split() if words else []
        return _Stated(
            m.group(number).replace("\\%", "%"), approximation, found, "of" in after or changes_the_value([], after)
        )

    def parsed(self, deadline: Deadline) -> Parsed:
        return parse_answer(self.number, deadline)

    def same_quantity(self, first_text: str, first: Node | None, deadline: Deadline) -> bool:
        """Whether this value is the first (``first_text``, read as ``first``) stated again."""
        if first is None or self.other_quantity:
            return False
        if _names_a_value(first):  # $f(1)+f(2)$, which is 9: the value of an expression that has none yet
            return not (self.approximation or self.alternative)
        value = _real_value(Comparer(deadline).value_of(first), deadline)
        if value is None:
            return False
        percent = self.number.endswith("%")
        written = self.number.rstrip("%").replace(",", "")
        number = Fraction(written) / (100 if percent else 1)
        decimals = len(written.partition(".")[2]) + (2 if percent else 0)
        if not self.approximation and self.unit is None and number == value:
            return True  # the same value written otherwise: \frac{1}{2}, or 0.5; 0.5, i.e., 50%
        if self.approximation:
            first_unit = _closing_unit(first_text)
            if first_unit is not None and self.unit is not None and first_unit != self.unit:
                return False
            with_pi = replaced(first, Const("pi"), PI_AS_DECIMAL)
            values = (
                [value] if with_pi == first else [value, _real_value(Comparer(deadline).value_of(with_pi), deadline)]
            )
            return any(v is not None and _approximates(v, number, decimals) for v in values)
        if self.unit is None or percent:
            return False
        first_unit = _closing_unit(first_text)  # $\frac{3}{4}$ 千米，即 750 米: one value, converted
        if (
            first_unit is not None
            and first_unit.dimension == self.unit.dimension
            and value * first_unit.scale == number * self.unit.scale
        ):
            return True
        run = _closing_run(first_text)
        if run is None:
            return False
        total, first_unit = run
        return (
            self.unit.dimension == first_unit.dimension
            and total == number * self.unit.scale
            and total == value * first_unit.scale
        )


def _names_a_value(node: Node) -> bool:
    """Whether ``node`` is an expression of free names or function calls (``f(1)+f(2)``, ``a+b``,
    ``x_1 x_2``), whose value a restatement may give; not an equation, a list or a set."""
    if not isinstance(node, (Add, Mul, Neg, Div, Pow, Func, Sym)):
        return False
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Sym) or (isinstance(current, Func) and current.name not in KNOWN_FUNCTION_NAMES):
            return True
        stack.extend(children(current))
    return False


def approximated_by(node: Node, key: Node, deadline: Deadline) -> bool:
    """Whether the decimal ``key`` (a key written ``\\approx 3.14``) approximates the value of ``node``
    (3.14159, ``\\pi``): rounded, truncated or rounded up to the key's decimal places."""
    literal = key.operand if isinstance(key, Neg) else key
    if not isinstance(literal, Num) or not literal.decimals:
        return False
    value = _real_value(Comparer(deadline).value_of(node), deadline)
    wanted = -literal.value if isinstance(key, Neg) else literal.value
    return value is not None and _approximates(value, wanted, literal.decimals)


def _approximates(value: Fraction, approximation: Fraction, decimals: int) -> bool:
    """Whether ``approximation`` is ``value`` rounded, truncated or rounded up to ``decimals``
    places: within one unit of its last place. A value exact at that precision (12, or 12.5 to one
    place) is approximated by itself alone: 12 ≈ 13 is no approximation."""
    place = Fraction(1, 10**decimals)
    if (value / place).denominator == 1:
        return value == approximation
    return abs(value - approximation) < place


_MAX_VALUE_BITS = 10_000


def _real_value(node: Node, deadline: Deadline) -> Fraction | None:
    """The value of a constant expression: exact, or to the evaluator's precision; None if none."""
    if contains(node, Sym):
        return None
    try:
        return exact_value(node, deadline)
    except NotExact:
        pass
    except (NotNumeric, TooLarge, ZeroDivisionError):
        return None
    evaluator = NumericEvaluator({}, deadline)
    try:
        value = evaluator.value(node)
    except (NotNumeric, TooLarge, ZeroDivisionError, ValueError, OverflowError):
        return None
    ctx = evaluator.ctx
    if isinstance(value, tuple) or ctx.im(value) != 0 or ctx.isinf(value):
        return None
    mantissa, exponent = ctx.mpf(ctx.re(value)).man_exp
    if abs(exponent) > _MAX_VALUE_BITS:
        return None
    return Fraction(mantissa) * Fraction(2) ** exponent


_DIGITS_GO_ON_RE = re.compile(r"\.?\d")  # after a number: more of it (the 7 of 75, of 7.5)


def _answer_end(prediction: str, answer: str, occurrences: int = 64) -> int:
    """Where the answer's last occurrence in the solution ends, or -1; an occurrence inside a
    longer number (the 2 of 120, of 1.2, the 7 of 7.5) is not the answer."""
    end = len(prediction)
    for _ in range(occurrences):
        at = prediction.rfind(answer, 0, end) if answer else -1
        if at < 0:
            return -1
        after = at + len(answer)
        inside_before = answer[0].isdigit() and at > 0 and (prediction[at - 1].isdigit() or prediction[at - 1] == ".")
        inside_after = answer[-1].isdigit() and _DIGITS_GO_ON_RE.match(prediction, after) is not None
        if not (inside_before or inside_after):
            return after
        end = after - 1
    return -1


# -- units after numbers ----------------------------------------------------------------------------
_DOLLARS = unit("dollar")
_SKIP_RE = re.compile(r"[ \t$}]{0,6}(?:\\(?:text|mathrm|mbox)\s?\{\s?)?")  # $12$ apples, \boxed{2} hours
_WORD_RE = re.compile(r"[a-zA-Z]{1,15}(?![a-zA-Z])")
_LENGTH_AFTER_RE = re.compile(r"\.?[ \t]{1,2}([a-zA-Z]{1,15})(?![a-zA-Z])")  # square feet, sq. m
_NOUN_RE = re.compile(r"[ \t]{1,2}([a-zA-Z]{1,15})(?![a-zA-Z])|([\u4e00-\u9fff]{1,4})")
_POWER_RE = re.compile(r"\s?(?:\^\s?\{?([23])\}?|(²)|(³))")
_POWER_WORDS = frozenset({"square", "sq", "cubic", "cu"})
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_LONGEST_CJK_UNIT = 4  # 平方厘米


def _unit_after(text: str, pos: int, sign: str | None = None) -> tuple[Unit | None, int]:
    """The unit of a number that ends at ``pos`` (after the sign ``sign``), and where the unit ends
    (None and ``pos``: none).

    A dollar sign before the number (``$5``, ``\\$5``; not ``$5$``, math) makes it dollars.
    Chinese units are read longest first (``平方厘米``, ``个小时``, ``分米`` before ``分``). An English
    word that names no unit is a count of that noun (``84 eggs``), as is a dozen (``7 dozen eggs``:
    84 of ``egg``).
    """
    if sign == "\\$" or (sign == "$" and not text.startswith("$", pos)):
        return _DOLLARS, pos
    skip = _SKIP_RE.match(text, pos)
    start = skip.end() if skip else pos
    if text.startswith("°", start):  # 60°: a degree sign is a unit word too
        return unit("°"), start + 1
    if _CJK_RE.match(text, start):
        found, end = _cjk_unit(text, start)
        return (
            (_counted(found, text, end) if found.dimension == "count" else _per(found, text, end))
            if found
            else (None, pos)
        )
    word = _WORD_RE.match(text, start)
    if word is None:
        return None, pos
    name, end = word.group(0), word.end()
    length = _LENGTH_AFTER_RE.match(text, end) if name.lower() in _POWER_WORDS else None
    power = _POWER_RE.match(text, end)
    if length:
        name, end = f"{name} {length.group(1)}", length.end()
    elif power:
        name, end = f"{name}^{power.group(1) or ('2' if power.group(2) else '3')}", power.end()
    found = unit(name)
    if found is None:
        return Unit("count:" + singular(name), Fraction(1)), end
    return _counted(found, text, end) if found.dimension == "count" else _per(found, text, end)


def _cjk_unit(text: str, start: int) -> tuple[Unit | None, int]:
    """The Chinese unit at ``start``, read longest first (``平方厘米``, ``分米`` before ``分``)."""
    for size in range(_LONGEST_CJK_UNIT, 0, -1):
        piece = text[start : start + size]
        found = unit(piece) if len(piece) == size else None
        if found is not None:
            return found, start + size
    return None, start


# A unit per another (km/h, m / s, miles per hour, 千米/时).
_PER_RE = re.compile(r"[ \t]{0,2}(?:/|(?i:per)[ \t])[ \t]{0,2}")
_PER_WORD_RE = re.compile(r"[a-zA-Z]{1,15}(?![a-zA-Z])")


def _per(found: Unit, text: str, end: int) -> tuple[Unit, int]:
    """``found``, or the rate it makes with the unit after ``/`` or ``per`` (``km/h``: length/time)."""
    per = _PER_RE.match(text, end)
    if per is None:
        return found, end
    word = _PER_WORD_RE.match(text, per.end())
    second, second_end = (unit(word.group(0)), word.end()) if word else _cjk_unit(text, per.end())
    if second is None or second.dimension == "count" or second.scale == 0:
        return found, end
    return Unit(f"{found.dimension}/{second.dimension}", found.scale / second.scale), second_end


def _counted(found: Unit, text: str, end: int) -> tuple[Unit, int]:
    """A count (a dozen, 打, 个) takes the noun after it as its dimension: ``dozen eggs`` counts eggs."""
    if found.dimension != "count":
        return found, end
    noun = _NOUN_RE.match(text, end)
    if noun is None:
        return found, end
    return Unit("count:" + singular(noun.group(1) or noun.group(2)), found.scale), noun.end()


@dataclass(frozen=True)
class _Pair:
    start: int
    end: int
    value: Fraction
    unit: Unit


_PAIR_RE = re.compile(r"(?<![\d.,])" + _DOLLAR + r"\s?(" + _AMOUNT + r")(?![\d%])")
_CONNECTOR_RE = re.compile(r"\s{0,3}(?:(?:and|又|零)\s{0,3}|[,，]\s{0,3})?", re.IGNORECASE)
# What may follow a quantity that closes its text: a word of what it measures (3 feet long), marks.
_CLOSE_RE = re.compile(r"(?:\s(?:long|wide|tall|high|deep|thick|away|in\s(?:all|total)))?[\s$}，,]{0,6}", re.IGNORECASE)
_VALUE_END_RE = re.compile(r"\d|\\pi|π|[})]")
_RUN_CHARS = 120
_VALUE_ENDS_TRIED = 3


def _pairs(text: str) -> list[_Pair | None]:
    """Each number of ``text`` with its unit (None where it has none)."""
    out: list[_Pair | None] = []
    for m in _PAIR_RE.finditer(text):
        found, end = _unit_after(text, m.end(2), m.group(1))
        out.append(None if found is None else _Pair(m.start(), end, Fraction(m.group(2).replace(",", "")), found))
    return out


def _closing_run(text: str) -> tuple[Fraction, Unit] | None:
    """The quantity that closes ``text``: its last numbers with units, joined by and / 又 / commas
    (``2 hours and 15 minutes``, ``3小时20分``) in one dimension, as their sum in base units and the
    first one's unit."""
    text = text[-_RUN_CHARS:]
    pairs = _pairs(text)
    last = pairs[-1] if pairs else None
    if last is None or not _CLOSE_RE.fullmatch(text, last.end):
        return None
    run = [last]
    for pair in reversed(pairs[:-1]):
        if (
            pair is None
            or pair.unit.dimension != last.unit.dimension
            or not _CONNECTOR_RE.fullmatch(text, pair.end, run[0].start)
        ):
            break
        run.insert(0, pair)
    return sum((pair.value * pair.unit.scale for pair in run), Fraction(0)), run[0].unit


def _closing_unit(text: str) -> Unit | None:
    """The unit written after the last value of ``text`` when it closes the text (``9\\pi$ 平方厘米``)."""
    text = text[-_RUN_CHARS:]
    ends = [m.end() for m in _VALUE_END_RE.finditer(text)][-_VALUE_ENDS_TRIED:]
    for end in reversed(ends):
        found, after = _unit_after(text, end)
        if found is not None:
            return found if _CLOSE_RE.fullmatch(text, after) else None
    return None
