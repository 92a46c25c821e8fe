"""From an answer string to a parsed answer: clean, drop units and currency, read words, parse."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise

from .limits import MAX_ANSWER_CHARS, Deadline
from .long_answers import flat_sum, strip_outer_groups
from .nodes import Node, Word, contains
from .normalize import clean_latex
from .parser import ParseError, parse
from .vocabulary import BLACKBOARD_SETS, JUDGEMENT_MARKS, NAMED_SET_WORDS, SCALE_EXPONENTS, TEXT_ANSWERS, UNITS
from .words import ZH_NOT_NUMBERS_RE, chinese_numeral, english_number, number_in_sentence, replace_chinese_numbers

_UNIT_RE = re.compile(
    r"(?:(?<=[\d}).%])|(?<=\\pi))\s*(?:(?<![a-zA-Z])(?:"
    + UNITS
    + r")\b\.?(?:\s*\^\s*\{?[23]\}?)?\s*)+(?=$|[,;)\]=]|\s*(?:and|or)\b)",  # one way to split the spaces
    re.IGNORECASE,
)
_CURRENCY_RE = re.compile(r"\$|US\$|€|£|¥|￥|\\euro|\\pounds|\\yen|(?<![a-zA-Z])(?:Rs\.?|USD|EUR)(?![a-zA-Z])")
_PERCENT_WORDS_RE = re.compile(r"(?<!\s)\s*\b(?:percent(?:age)?|per\s*cent|pct)\b", re.IGNORECASE)
_SCALE_RE = re.compile(
    r"(?<!\d)(\d(?:[\d.]*\d)?)\s*(thousand|million|billion|trillion|万|亿)(?![a-zA-Z])", re.IGNORECASE
)
_CJK_RE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f]+")
# A unit in Cyrillic closing the answer (2,5 кг, 12 500 руб.): dropped like an English unit.
_CYRILLIC_UNIT_RE = re.compile(r"(?<=[\d%])\s?[\u0400-\u04ff]{1,12}\.?\s?$")
_CONNECTIVES_RE = re.compile(
    r"(?:(?<!\s)\s++)?(?:\\text\s*\{\s*(?:and|or)\s*\}|(?<![a-zA-Z])(?:and|or)(?![a-zA-Z])|(?<=[0-9)\]}])or(?=[A-Z(\[{\\-]|[a-z]\s{0,2}[=(_])|和|或|及)\s*"
)
_LEADING_RE = re.compile(r"^\s*(?:is|are|be|so|thus|hence|=|:|approximately|about|≈|\\approx)\s+", re.IGNORECASE)
# The name of a curve or line before its equation (C: x^2+y^2=1, l_1：y=2x+1, C: \rho = 2\cos\theta): one
# letter, then one equation in x and y (or ρ and θ) and no other colon, so no ratio (A:B=1, x:y=3:2).
_CURVE_LABEL_RE = re.compile(
    r"^\s*[A-Za-z](?:_\{?\d{1,2}\}?)?\s*[:：]\s*(?=[^:：=]*=[^:：]*$)(?=[^:：]*(?:[xy]|\\rho|\\theta))"
)


@dataclass(frozen=True)
class Parsed:
    """An answer after clean-up: its text form, its tree (or None for prose) and its flags."""

    text: str
    node: Node | None
    percent: bool = False
    error: str = ""
    ordered: bool = False  # parts labelled (1), (2) or (a), (b): compared in order


_MATH_SYNTAX_RE = re.compile(r"[\\^_{}=<>+*/|]|\d")


def is_text_answer(parsed: Parsed) -> bool:
    """An answer that is prose (``Tuesday``, ``\\text{odd}``), not math that failed to parse."""
    return parsed.node is None and (parsed.error == "answer is prose" or not _MATH_SYNTAX_RE.search(parsed.text))


def simplify_text(text: str) -> str:
    """A loose text form for comparing prose answers: lower case, no spaces or LaTeX markup.

    Yes/no answers take one canonical word (``True``, ``Yes, it can.``, ``是``, ``正确`` -> ``yes``).
    """
    mark = judgement_mark(text)
    if mark is not None:  # √ / ×: read before LaTeX cleaning makes them \sqrt and \times
        return mark
    text = _ARTICLE_RE.sub("", clean_latex(text).lower().strip())
    text = _KIND_NOUN_RE.sub(r"\1", text)
    loose = re.sub(r"[\s{}\\.;:!?\"'`,，。！]+", "", text)
    return _yes_or_no(text, loose) or loose


_JUDGEMENT_MARK_RE = re.compile(r"[(（]?\s{0,2}([" + "".join(JUDGEMENT_MARKS) + r"])\s{0,2}[)）]?[.。]?")


def judgement_mark(text: str) -> str | None:
    """``yes``/``no`` for an answer that is one true-or-false mark (``√``, ``×``, ``（×）``), else None."""
    m = _JUDGEMENT_MARK_RE.fullmatch(text.strip())
    return JUDGEMENT_MARKS[m.group(1)] if m else None


# What stands before a text answer without changing it: "a right triangle", "(这是)一个直角三角形".
_ARTICLE_RE = re.compile(
    r"^(?:(?:a|an|the)\s+|(?:[这那它此该]?(?:是|为))?(?:一[个种条只件类张]|[个种])(?=[\u4e00-\u9fff]))"
)


# A generic noun after a one-word text answer says what it describes: "odd function" is "odd",
# "prime number" is "prime".
_KIND_NOUN_RE = re.compile(r"^([a-z]{2,20})\s{1,3}(?:function|number|integer)s?\s?\.?$")


# A solution that opens its last paragraph with its verdict: "Yes, because 17 is prime." / "不能，因为..."
_LEADING_VERDICT_RE = re.compile(
    r"^\W{0,3}(yes|no|true|false)\b|^(是|否|对|不对|能|不能|不是|正确|错误)[，,。.!！]", re.I
)


def solution_verdict(answer: str, solution: str) -> str | None:
    """``yes``/``no`` of a solution: its extracted answer, else the word its last paragraph opens with."""
    simple = simplify_text(answer)
    if simple in ("yes", "no"):
        return simple
    last_paragraph = solution.strip().split("\n\n")[-1].strip()
    m = _LEADING_VERDICT_RE.match(last_paragraph)
    return TEXT_ANSWERS[(m.group(1) or m.group(2)).lower()] if m else None


_SENTENCE_WORD_RE = re.compile(r"[a-z]+")
_MAX_SENTENCE_CHARS = 80
# Inside a sentence "right" is as often a direction or a term (a right triangle) as a verdict.
_SENTENCE_VERDICTS = {w: v for w, v in TEXT_ANSWERS.items() if w.isascii() and len(w) > 1 and w != "right"}


# In a Chinese sentence only these verdict words count (是, 对 and 能 are also ordinary words);
# the negated forms come first so that 不正确 is not read as 正确.
_ZH_VERDICTS = {"不正确": "no", "不成立": "no", "正确": "yes", "错误": "no", "成立": "yes"}
_ZH_VERDICT_RE = re.compile("|".join(_ZH_VERDICTS))
_ZH_NEGATION_RE = re.compile(r"不是|并非|没有|不一定")


def _yes_or_no(text: str, loose: str) -> str | None:
    """``yes``/``no`` for a bare yes/no answer, or a short sentence with only one of them."""
    if loose in TEXT_ANSWERS:
        return TEXT_ANSWERS[loose]
    if len(text) > _MAX_SENTENCE_CHARS:
        return None
    if _CJK_RE.search(text):
        verdicts = {_ZH_VERDICTS[w] for w in _ZH_VERDICT_RE.findall(text)}
        return verdicts.pop() if len(verdicts) == 1 and not _ZH_NEGATION_RE.search(text) else None
    found = {_SENTENCE_VERDICTS[w] for w in _SENTENCE_WORD_RE.findall(text) if w in _SENTENCE_VERDICTS}
    negated = re.search(r"\b(?:not|never|cannot|isn't|aren't|doesn't|don't|neither|nor|none)\b", text)
    if len(found) != 1 or (negated and "yes" in found):
        return None
    return found.pop()


_TRAILING_LABEL_RE = re.compile(
    r"(?<=[\d})])\s*\\(?:text|mbox|textnormal|mathrm|textrm)\s*\{\s*[a-zA-Z]+(?:\s+[a-zA-Z]+){0,3}\s*\}(?:\s*\^\s*\{?[23]\}?)?\s*(?:\.\s*)?$"
)


_MERIDIEM_RE = re.compile(
    r"(?<!\d)(\d{1,2}):(\d{2})\s*([aApP])\.?\s*[mM]\.?(?![a-zA-Z])|(?<!\d)(\d{1,2}):(\d{2})\s*(上午|下午|晚上)"
    r"|(上午|下午|晚上)\s*(\d{1,2}):(\d{2})(?!\d)"
)


# A Chinese clock time after a part of the day (下午3点半 = 15:30, 上午九点十五分 = 09:15, 晚上8点 = 20:00),
# or with its minutes and no part of the day (3点半 = 3:30, 8点一刻 = 8:15; a bare 3点 is no clock);
# read before the numerals become digits, where 点 would be a decimal point.
_ZH_CLOCK_NUMERAL = r"(\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"
_ZH_CLOCK_RE = re.compile(
    r"(?:(凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上)\s?)?(?<![\d.])" + _ZH_CLOCK_NUMERAL + r"\s?[点时]"
    r"(?:\s?(半|整)|\s?" + _ZH_CLOCK_NUMERAL + r"\s?分(?!钟)|\s?(一刻|三刻)|(?![钟\d零〇一二两三四五六七八九十]))"
)


def _clock_number(text: str) -> int:
    value = text if text.isdigit() else chinese_numeral(text)
    return int(value) if value.isdigit() else 99  # no numeral (十十): no clock


def _zh_clock(m: re.Match) -> str:
    hours, minutes = _clock_number(m.group(2)), _clock_number(m.group(4) or "0")
    minutes = 30 if m.group(3) == "半" else {"一刻": 15, "三刻": 45}.get(m.group(5) or "", minutes)
    if hours > 23 or minutes > 59:
        return m.group(0)
    if m.group(1) is None:  # no part of the day: a clock only with its minutes, as written (12-hour)
        return f" {hours}:{minutes:02d} " if m.group(3) or m.group(4) or m.group(5) else m.group(0)
    if (m.group(1) in ("下午", "傍晚", "晚上") and hours < 12) or (m.group(1) == "中午" and hours < 6):
        hours += 12
    elif hours == 12 and m.group(1) in ("凌晨", "晚上"):
        hours = 0
    return f" {hours:02d}:{minutes:02d} "


def zh_clock_times(text: str) -> list[str]:
    """The clock times a Chinese answer writes (下午3点半, 12时15分), each as ``H:MM`` or ``HH:MM``."""
    return [clock.strip() for m in _ZH_CLOCK_RE.finditer(text) if (clock := _zh_clock(m)) != m.group(0)]


def _to_24_hours(m: re.Match) -> str:
    """``3:05 PM`` -> ``15:05``, ``12:00 am`` -> ``00:00`` (two-digit hours: an exact 24-hour time)."""
    if m.group(1):
        hours, minutes, marker = m.group(1), m.group(2), m.group(3)
    elif m.group(4):
        hours, minutes, marker = m.group(4), m.group(5), m.group(6)
    else:
        marker, hours, minutes = m.group(7), m.group(8), m.group(9)
    afternoon = marker.lower() == "p" or marker in ("下午", "晚上")
    h = int(hours) % 12 + (12 if afternoon else 0)
    return f"{h:02d}:{minutes}"


# Named sets reach the parser as one command each (\mathbbR), before clean_latex unwraps \mathbb{R} to R.
_BLACKBOARD_RE = re.compile(
    r"\\mathbb\s*\{\s*([" + "".join(BLACKBOARD_SETS) + r"])\s*\}|\\mathbb\s+([RNZQC])(?![a-zA-Z])"
)
# 或/和/及 between two answers (x=2 或 x=3) is a list, read before the other Chinese is dropped.
_ZH_CONNECTIVE_RE = re.compile(r"(?<=[0-9a-zA-Z)\]}])\s*(?:或|和|及)\s*(?=[0-9a-zA-Z(\[{\\-])")
_SET_SYMBOLS = {"ℝ": "R", "ℕ": "N", "ℤ": "Z", "ℚ": "Q", "ℂ": "C"}
_SET_SYMBOL_RE = re.compile("[" + "".join(_SET_SYMBOLS) + "]")
_REPEATED_COMMAS_RE = re.compile(r"(?<!\s)(?:\s*,){2,}")  # starts only where a run of spaces starts
_PERCENT_NUMBER_RE = re.compile(r"\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)\s*%\s*")
# The value a chain of equalities ends with, a percentage: x = 45%, \frac{18}{40} \times 100 = 45%.
_PERCENT_VALUE_RE = re.compile(r"(?<![<>!])=\s?([-+]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30}))\s?%\s?$")


# Terms whose numeral names a shape or a degree, not a value: 三角形, 四边形, 二次函数, 一元二次方程.
_ZH_NUMERAL_TERMS_RE = re.compile(
    r"[一二三四五六七八九十两]{1,3}(?:角形|角函数|边形|棱[柱锥台]|面体|次(?:函数|方程|根式|多项式)|元[一二三四]次方程)"
)
# A repeating decimal: 0.\overline{3} = 1/3, 0.1\overline{6} = 1/6, 0.\dot{3} (a Chinese textbook's dot).
_REPEATING_RE = re.compile(r"(?<![\d.])(\d{1,20})\.(\d{0,20})\\(?:overline|dot)\s*\{\s*(\d{1,20})\s*\}")


def _repeating_as_fraction(m: re.Match) -> str:
    whole, fixed, repeated = m.group(1), m.group(2), m.group(3)
    denominator = 10 ** len(fixed) * (10 ** len(repeated) - 1)
    numerator = int(fixed + repeated) - int(fixed or "0")
    return f"({int(whole) * denominator + numerator})/({denominator})"


# A duration in hours and minutes is one number of hours: 6 hours and 30 minutes = 6.5, 3小时30分钟 = 3.5.
HOURS_AND_MINUTES = (
    r"(?<![\d.])\d{1,6}\s?(?i:hours?|hrs?|h|小时|时)\s?(?i:and\s)?\d{1,2}\s?(?i:minutes?|mins?|分钟|分)(?![a-zA-Z])"
)
_HOURS_MINUTES_RE = re.compile(HOURS_AND_MINUTES)


def _hours(m: re.Match) -> str:
    hours, minutes = re.findall(r"\d+", m.group(0))
    return f"({hours}+{minutes}/60)"


# A Chinese compound unit after a number: 45千米/小时, 3元/千克 (the number is the answer).
_ZH_PER_UNIT_RE = re.compile(r"(?<=\d)\s?[\u4e00-\u9fff]{1,4}\s?/\s?(?:(?![和或及])[\u4e00-\u9fff]){1,4}")


# A Chinese unit in brackets after a value, as textbooks write it: 18（个）, 6×3=18(平方米); never a
# remark that rules the value out (x=-1（舍去）, （不合题意）).
_ZH_UNIT_IN_PARENS_RE = re.compile(r"(?<=[\d}%])\s?[（(]\s?(?:(?![舍弃不])[\u4e00-\u9fff]){1,4}\s?[）)]")


# Two numbers with Chinese words between them (甲乙两地相距480千米: 2 ... 480) are a sentence, not a
# product; 又 joins a mixed number (4又5/11) and is the one exception.
_NUMBERS_IN_ZH_PROSE_RE = re.compile(r"\d\s?([\u4e00-\u9fff]+)\s?-?\d")


# Money in yuan, jiao and fen (3元5角 = 3.5元, 2元5分 = 2.05元): one decimal amount.
_YUAN_RE = re.compile(r"(?<![\d.])(\d+)元(?:(\d)角)?(?:(\d)分)?(?!\d)")


# Jiao and fen with no yuan (5角 = 0.5元, 8角5分 = 0.85元); not a shape or an angle word (5角星, 三角形).
_JIAO_RE = re.compile(r"(?<![\d.])(\d)\s?角(?:\s?(\d)\s?分)?(?![\d形星函度])")
# A ratio in words (3比4 = 3:4), not a comparison (3比2大).
_ZH_RATIO_RE = re.compile(
    r"(?<![\d.])(\d{1,15}(?:\.\d{1,15})?)\s?比\s?(\d{1,15}(?:\.\d{1,15})?)(?!\d|\.\d|\s?[多少大小高低长短重轻快慢])"
)


def _yuan_as_decimal(m: re.Match) -> str:
    if m.group(2) is None and m.group(3) is None:
        return m.group(0)
    return f"{m.group(1)}.{m.group(2) or 0}{m.group(3) or ''}元"


# A count that has no end: "infinitely many" (solutions, primes) is the key \infty.
_INFINITELY_MANY_RE = re.compile(r"\binfinitely\s{1,3}many\b|无穷多|无数", re.IGNORECASE)


# A temperature below zero is negative: "5 degrees below zero" = -5, 零下5度 = -5.
BELOW_ZERO_RE = re.compile(
    r"(?<![\d.])(\d{1,6}(?:\.\d{1,6})?)\s?(?:degrees?\s|°\s?)?(?:[CF]\s)?below\szero|零下\s?(?=\d)", re.I
)


# Tenths as a discount or a share (打八折 = 80% of the price, 八五折 = 85%, 增加了二成 = 20%), and
# "and a half" after a count (3圈半 = 3.5圈, 一个半小时 = 1.5个小时); read after the numerals are digits.
_ZH_TENTHS_RE = re.compile(r"(?<![\d.])(?:(\d)成(\d)(?!\d|\.\d)|(\d{1,2}(?:\.\d)?)\s?(?:折|成))")
_ZH_AND_A_HALF_RE = re.compile(r"(?<![\d.])(\d{1,6})\s?(个|[\u4e00-\u9fff])半(?![径圆岛价])")
# A duration in words: 半小时 = 0.5小时, 半个月 = 0.5个月 (not after a count: 一个半小时 is read above),
# 一刻钟 = 15分钟, 三刻钟 = 45分钟 (a clock time's 3点一刻 is read before).
_ZH_HALF_DURATION_RE = re.compile(r"(?<![\d.个\u4e00-\u4e5d十两百千万])半(?=个?(?:小时|钟头|天|年|月|星期|周|分钟))")
_ZH_QUARTERS_RE = re.compile(r"([一三])刻钟")


def _quarters_as_minutes(m: re.Match) -> str:
    return "15分钟" if m.group(1) == "一" else "45分钟"


def _tenths_as_percent(m: re.Match) -> str:
    if m.group(1):  # 二成五 = 25%
        return f"{m.group(1)}{m.group(2)}%"
    value = Fraction(m.group(3))
    return f"{value * 10 if len(m.group(3)) == 1 or '.' in m.group(3) else value}%"


@dataclass(frozen=True, slots=True)
class Prepared:
    """An answer cleaned for parsing: the text, whether it was a percentage, whether it is a sentence."""

    text: str
    percent: bool
    prose: bool = False
    ordered: bool = False


# A set named in words: the whole answer (in \text{} or not), or a short sentence ending with it.
_NAMED_SET_RE = re.compile(
    r"^\s{0,3}(?:\\text\s?\{\s?)?([^.\n]{0,60}?(?:\b(?:is|are|be)\s{1,3}|(?:是|为)\s{0,3})|[\u4e00-\u9fff]{1,12}?)?"
    r"(?:(?:all|any|the)\s{1,3}(?:set\s{1,3}of\s{1,3})?)?("
    + "|".join(re.escape(w) for w in sorted(NAMED_SET_WORDS, key=len, reverse=True))
    + r")\s?\}?\s?[.。]?\s{0,3}$",
    re.IGNORECASE,
)


NEGATION_RE = re.compile(r"\b(?:not|never|neither|nor)\b|n't|不|非|没|无", re.IGNORECASE)


# Combinations written C(10,3), {}_{10}C_3 or ^{10}C_3 are \binom{10}{3}; a closing modulus
# (2 \pmod{5}, 2 (mod 5)) names the ring, not part of the value.
_COMBINATION_RE = re.compile(
    r"(?<![a-zA-Z\\])C\s?\(\s?(\d{1,6})\s?,\s?(\d{1,6})\s?\)"
    r"|(?:\{\s?\}\s?_|\^)\s?\{?\s?(\d{1,6})\s?\}?\s?C\s?_\s?\{?\s?(\d{1,6})\s?\}?"
)
# (\pmod{3}, \pmod 3, (mod 3), \ (\mathrm{mod}\ 3), (\text{mod } 3)): group 1 or 2 holds the modulus.
_MOD_WORD = r"(?:\\(?:mathrm|text|operatorname)\s?\{\s?mod\s?\}|mod)"
_MODULUS_RE = re.compile(
    r"\s?(?:\\\s)?\s?(?:\\[pb]mod\s?\{?\s?(\d{1,12})\s?\}?"
    rf"|\(\s?{_MOD_WORD}\s?(?:\\\s)?\s?(\d{{1,12}})\s?\))\s?\.?\s?$"
)


# A closing note on the domain of a function or identity (f(x) = x for all x, \forall x \in \mathbb{R}).
_DOMAIN_NOTE_RE = re.compile(
    r"\s{0,3},?\s{0,3}(?:\\(?:text|mathrm)\s?\{\s?for\s{1,3}(?:all|every|each)(?:\s{1,3}real)?\s?\}"
    r"|(?<![a-zA-Z])for\s{1,3}(?:all|every|each)(?:\s{1,3}real)?|\\forall)"
    r"\s{0,3}[a-zA-Z](?:\s{0,3}\\in\s{0,3}\\mathbb\s?\{?[A-Z]\}?)?\s{0,3}\.?\s{0,3}$"
)


def stated_modulus(text: str) -> str | None:
    """The modulus that closes ``text`` (``n \\equiv 1 \\pmod{3}``: ``3``), if any."""
    m = _MODULUS_RE.search(text[-80:])
    return None if m is None else (m.group(1) or m.group(2)).lstrip("0")


def _as_binomial(m: re.Match) -> str:
    n, k = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return f"\\binom{{{n}}}{{{k}}}"


# Part labels inside an answer that lists several ((1) 8；(2) 16, (a) 12, (b): 10, 第一问为8，第二问为16):
# separators.
_PART_LABEL_RE = re.compile(
    r"(?<![a-zA-Z\\\d^_])[(（]\s?[1-9]\s?[)）]\s?(?:[:：]\s?)?|[①②③④⑤⑥⑦⑧⑨]\s?"
    # a letter label opens the answer or follows a separator, and a space or colon follows it: not (a)+(b)
    r"|(?:^|(?<=[,;，；])|(?<=[,;，；]\s)|(?<=\band\s))[(（]\s?[a-h]\s?[)）](?=[\s:：])\s?(?:[:：]\s?)?"
    r"|第[一二三四五六七八九\d]{1,2}(?:小题|问|题|部分|空)\s?(?:[:：]|的答案[为是]|[为是])?\s?"
)


def part_texts(text: str) -> list[str]:
    """The text of each labelled part of an answer (``(1) 买10本需要30元；(2) ...``); none for fewer than two."""
    labels = list(_PART_LABEL_RE.finditer(text, 0, 2000))
    if len(labels) < 2:
        return []
    ends = [label.start() for label in labels[1:]] + [len(text)]
    return [text[label.end() : end] for label, end in zip(labels, ends, strict=True)]


# A set of reals written by its condition ({x | x > 3}, \{x \in \mathbb{R} : -1 < x \le 2\}) is the
# set the condition names; over the integers or another domain it is not an interval, and stays.
_SET_BUILDER_RE = re.compile(
    r"^(?:\\lbrace|\{)\s?([a-zA-Z])\s?(?:\\in\s?\\mathbbR\s?)?(?:\\mid|\||:|\\vert)\s?(.{1,300}?)\s?(?:\\rbrace|\})$"
)
# The reals without a few points (\mathbb{R} \setminus \{2\}): the open intervals between them.
_POINT = r"-?\d{1,12}(?:\.\d{1,12})?"
_REALS_WITHOUT_RE = re.compile(
    rf"^\\mathbbR\s?(?:\\setminus|\\backslash|-)\s?(?:\\lbrace|\{{)\s?({_POINT}(?:\s?,\s?{_POINT}){{0,9}})\s?(?:\\rbrace|\}})$"
)


# The name of a set before its set-builder form (A = {x | x > 1}, A \cup B = \{x \mid x > 1\},
# \complement_U A = \{x | x < 1\}).
_SET_NAME_RE = re.compile(
    r"^(?:\\complement\s?(?:_\s?(?:[A-Z]|\{[^{}]{0,20}\})\s?)?)?[A-Z](?:\s?\\c(?:up|ap)\s?[A-Z]){0,3}\s?=\s?(?=(?:\\lbrace|\{)\s?[a-zA-Z]\s?(?:\\mid|\||:|\\vert))"
)


def _as_intervals(text: str) -> str:
    """A set-builder set of reals (named or not) as its condition, the reals without points as intervals."""
    named = _SET_NAME_RE.match(text)
    if named is not None and _SET_BUILDER_RE.match(text[named.end() :]):
        text = text[named.end() :]
    built = _SET_BUILDER_RE.match(text)
    if built is not None:
        condition = built.group(2)
        if built.group(1) in condition and not any(c in condition for c in ("\\lbrace", "\\rbrace", "\\mid")):
            return condition
    without = _REALS_WITHOUT_RE.match(text)
    if without is not None:
        points = sorted({Fraction(p) for p in re.split(r"\s?,\s?", without.group(1))})
        bounds = ["-\\infty", *map(str, points), "\\infty"]
        return "\\cup ".join(f"({a},{b})" for a, b in pairwise(bounds))
    return text


# A remark in brackets that rules out the value before it: x=-1（舍去）, （不合题意，舍去）, (rejected since
# x > 0), (extraneous); not 舍入 (rounding) or 不合格 (a quality count). A remark that names the value
# it rules out (x=3（x=-1舍去）) opens with the value.
_REJECTION_REMARK_RE = re.compile(
    r"[^\S\n]?[（(][^\S\n]?(?:不合题意|不符合题意|不符题意|不满足题意|不满足条件|不合要求|舍去|舍弃|舍(?=[)）])"
    r"|(?i:rejected|extraneous|discarded|invalid|not\s(?:valid|allowed|possible)))[^()（）\n]{0,60}[)）]"
)
_LIST_SEPARATOR_RE = re.compile(r"[,，;；]|或|和|及|(?<![a-zA-Z])(?:or|and)(?![a-zA-Z])")
_SEPARATOR_AFTER_RE = re.compile(r"[^\S\n]{0,3}(?:[,，;；]|或|和|及|(?:or|and)(?![a-zA-Z]))[^\S\n]{0,3}")
_RULED_OUT_ITEM_CHARS = 60
_RULED_OUT_REMARKS = 8


def without_ruled_out(text: str) -> str:
    """``text`` without the values a remark after them rules out, each with the separator that
    joins it to the others: ``x=3 或 x=-1（舍去）`` -> ``x=3``, ``x=-1（舍去），x=3`` -> ``x=3``. A value
    alone keeps its remark (``x=-1（舍去）``: no answer left to read)."""
    remarks = list(_REJECTION_REMARK_RE.finditer(text))[-_RULED_OUT_REMARKS:]
    for remark in reversed(remarks):
        line_start = text.rfind("\n", 0, remark.start()) + 1
        window_start = max(line_start, remark.start() - _RULED_OUT_ITEM_CHARS)
        before = list(_LIST_SEPARATOR_RE.finditer(text, window_start, remark.start()))
        if before:  # ..., x=-1（舍去）: the value and the separator before it
            text = text[: before[-1].start()] + text[remark.end() :]
            continue
        after = _SEPARATOR_AFTER_RE.match(text, remark.end())
        if after is not None and remark.start() - line_start <= _RULED_OUT_ITEM_CHARS:  # x=-1（舍去），x=3
            text = text[:line_start] + text[after.end() :]
    return text


# A semicolon between the blanks of a fill-in answer (3；-1); LaTeX's \\; is a space.
_BLANK_SEPARATOR_RE = re.compile(r"(?<!\\)[;；]|[(\[{]|[)\]}]")


def _blanks(text: str) -> bool:
    """Whether a semicolon outside all brackets separates ``text``'s values (``3；-1``, not ``(0;-2;6)``)."""
    depth = 0
    for m in _BLANK_SEPARATOR_RE.finditer(text):
        mark = m.group(0)
        if mark in "([{":
            depth += 1
        elif mark in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            return True
    return False


def prepare(text: str) -> Prepared:
    """Clean an answer for parsing."""
    prose = False
    text = without_ruled_out(text)
    text = without_ruled_out(text)
    # parts labelled (1), (2), or the blanks of a fill-in answer between semicolons (3；-1), not values of names
    ordered = len(_PART_LABEL_RE.findall(text, 0, 2000)) >= 2 or (_blanks(text[:2000]) and "=" not in text)
    if ordered:
        text = re.sub(r"[;；,，]\s?,", ",", _PART_LABEL_RE.sub(", ", text))
    named = _NAMED_SET_RE.match(text)
    if named and not NEGATION_RE.search(named.group(1) or ""):
        text = NAMED_SET_WORDS[named.group(2).lower()]
    text = _BLACKBOARD_RE.sub(lambda m: f" \\mathbb{m.group(1) or m.group(2)} ", text).replace("∅", " \\emptyset ")
    text = _SET_SYMBOL_RE.sub(lambda m: f" \\mathbb{_SET_SYMBOLS[m.group(0)]} ", text)
    if "for" in text:  # f(x)=x \text{ for all } x \in \mathbb{R}: the domain, no part of the value
        text = _DOMAIN_NOTE_RE.sub("", text)
    text = _MODULUS_RE.sub("", _COMBINATION_RE.sub(_as_binomial, text))
    text = clean_latex(_TRAILING_LABEL_RE.sub("", _REPEATING_RE.sub(_repeating_as_fraction, text)))
    text = _CURVE_LABEL_RE.sub("", text, count=1)
    text = _as_intervals(text)
    text = _INFINITELY_MANY_RE.sub(r" \\infty ", text)
    text = _MERIDIEM_RE.sub(_to_24_hours, text)
    text = _ZH_CLOCK_RE.sub(_zh_clock, text)
    text = _HOURS_MINUTES_RE.sub(_hours, text)
    text = BELOW_ZERO_RE.sub(r"-\1", text)
    text = _SCALE_RE.sub(lambda m: f"{m.group(1)}\\times 10^{{{SCALE_EXPONENTS[m.group(2).lower()]}}}", text)
    if _CJK_RE.search(text):
        # a term becomes one Chinese character: dropped with the rest of the Chinese below, no numeral left
        text = _ZH_UNIT_IN_PARENS_RE.sub(" ", text)  # 18（个）: the unit, not a product with (个)
        text = ZH_NOT_NUMBERS_RE.sub("形", _ZH_NUMERAL_TERMS_RE.sub("形", text))
        text = _ZH_QUARTERS_RE.sub(_quarters_as_minutes, _ZH_HALF_DURATION_RE.sub("0.5", text))
        # 60千米/时和40千米/时: the units go first, so that 和 stands between the numbers
        text = replace_chinese_numbers(_ZH_CONNECTIVE_RE.sub(", ", _ZH_PER_UNIT_RE.sub(" ", text)))
        text = _ZH_AND_A_HALF_RE.sub(r"\1.5\2", _ZH_TENTHS_RE.sub(_tenths_as_percent, text))
        text = _ZH_PER_UNIT_RE.sub(" ", _JIAO_RE.sub(r"0.\1\2元", _YUAN_RE.sub(_yuan_as_decimal, text)))
        text = _ZH_RATIO_RE.sub(r"\1:\2", text)
        prose = any(m.group(1) != "又" for m in _NUMBERS_IN_ZH_PROSE_RE.finditer(text))
        text = _CJK_RE.sub(" ", text)
    text = _PERCENT_WORDS_RE.sub("%", text)
    body, percent_sign = (text.rstrip()[:-1], "%") if text.rstrip().endswith("%") else (text, "")
    words: int | Fraction | None = english_number(body)  # forty percent -> 40%
    if words is None and not percent_sign:
        words = number_in_sentence(text)
    if words is not None:
        text = f"{words}{percent_sign}"
    text = _CURRENCY_RE.sub(" ", text)
    text = _UNIT_RE.sub(" ", _CYRILLIC_UNIT_RE.sub("", text))
    text = _REPEATED_COMMAS_RE.sub(",", _CONNECTIVES_RE.sub(", ", text))
    text = _LEADING_RE.sub("", text)
    text = text.lstrip(" ,;:").rstrip(" .,;:")
    percent = _PERCENT_NUMBER_RE.fullmatch(text) is not None  # 5/4-100% keeps its % on the 100
    if percent:
        text = text.rstrip()[:-1].rstrip()
    elif (value := _PERCENT_VALUE_RE.search(text, max(0, len(text) - 80))) is not None:
        percent, text = True, text[: value.end(1)]  # the chain's value is the percentage
    return Prepared(text, percent, prose, ordered)


def parse_answer(text: str, deadline: Deadline | None = None) -> Parsed:
    """Parse an answer string; prose that is not math keeps ``node=None``.

    Short answers (the usual case, and a gold is parsed again for every sample) are cached;
    their parse is already bounded by the parser's size and depth limits.
    """
    if len(text) > MAX_ANSWER_CHARS:
        text = strip_outer_groups(text)
    if len(text) > MAX_ANSWER_CHARS:
        total = flat_sum(text, deadline)
        if total is not None:
            return Parsed(text[:80], total)
        return Parsed(text[:80], None, error=TOO_LONG)
    if len(text) <= _CACHED_CHARS:
        return _parse_cached(text)
    return _parse(text, deadline)


_CACHED_CHARS = 500
TOO_LONG = "answer too long to parse"


@lru_cache(maxsize=16384)
def _parse_cached(text: str) -> Parsed:
    return _parse(text, None)


def _parse(text: str, deadline: Deadline | None) -> Parsed:
    prepared = prepare(text)
    cleaned, percent = prepared.text, prepared.percent
    if not cleaned:
        return Parsed(cleaned, None, percent, error="empty answer")
    if prepared.prose or (len(cleaned) > 1 and cleaned.lower() in TEXT_ANSWERS):  # "No" is no product N*o
        return Parsed(cleaned, None, percent, error="answer is prose")
    try:
        node = parse(cleaned, deadline)
    except ParseError as exc:
        return Parsed(cleaned, None, percent, error=str(exc))
    if contains(node, Word):
        return Parsed(cleaned, None, percent, error="answer is prose")
    return Parsed(cleaned, node, percent, ordered=prepared.ordered)
