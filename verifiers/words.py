"""Numbers written in words: English (``twenty-five``) and Chinese (``二十五``, ``三分之二``)."""

from __future__ import annotations

import re
from fractions import Fraction

from .vocabulary import EN_DENOMINATOR_PLURALS, EN_DENOMINATORS, EN_SCALES, EN_UNITS, ZH_DIGITS, ZH_LARGE, ZH_SMALL

ZH_UNITS = {**ZH_SMALL, **ZH_LARGE}

_EN_RE = re.compile(r"^(?:(?:" + "|".join([*EN_UNITS, *EN_SCALES]) + r"|and|a)[\s-]*)+$", re.IGNORECASE)

# The leading 百千万亿 and the digit after them cannot trade characters, and a match starts only
# where a run of them does: linear on a long run with no digit (百百百...).
ZH_NUMERAL_RE = re.compile(
    r"(?<![百千万亿])[百千万亿]*[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
_ZH_FRACTION_RE = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万亿\d])([零〇一二两三四五六七八九十百千万亿\d]+)分之([零〇一二两三四五六七八九十百千万亿\d]+)"
)


_ZH_PERCENT_RE = re.compile(
    r"百分之(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?)"
)


def english_number(text: str) -> int | None:
    """``twenty-five`` -> 25, ``one hundred and five`` -> 105; None if not a number in words."""
    text = text.strip().lower()
    if not text or not _EN_RE.match(text):
        return None
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", text):
        if word in ("and", ""):
            continue
        if word == "a":
            current = max(current, 1)
        elif word in EN_UNITS:
            current += EN_UNITS[word]
            seen = True
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * EN_SCALES[word]
            current = 0
            seen = True
    return total + current if seen else None


# A fraction in words, with a whole part before "and" or not: two thirds, a quarter, one and a half,
# 2 and three quarters. Each number is a run of at most six words; no quantifier is unbounded.
_EN_NUMBER_WORD = "|".join(sorted([*EN_UNITS, *EN_SCALES], key=len, reverse=True))
_EN_NUMBER_RUN = rf"(?:{_EN_NUMBER_WORD})(?:[\s-](?:{_EN_NUMBER_WORD})){{0,5}}"
_EN_DENOMINATOR = "|".join(sorted([*EN_DENOMINATORS, *EN_DENOMINATOR_PLURALS], key=len, reverse=True))
_FRACTION_PART = rf"(an?|{_EN_NUMBER_RUN})[\s-]({_EN_DENOMINATOR})(?![a-zA-Z-])(?=(\sof\b|[^\S\n]?(?:[.,;:!?)]|$))?)"
EN_FRACTION_RE = re.compile(rf"(?<![a-zA-Z\d.-])(?:({_EN_NUMBER_RUN})\sand\s)?" + _FRACTION_PART, re.IGNORECASE)
_DIGITS_AND_FRACTION_RE = re.compile(r"(?<![\d./])(\d{1,9})\sand\s" + _FRACTION_PART, re.IGNORECASE)


def english_fraction(m: re.Match) -> Fraction | None:
    """The value of an ``EN_FRACTION_RE`` match: ``two thirds`` -> 2/3, ``one and a half`` -> 3/2.

    A singular denominator takes one (a / an / one): ``twenty-third`` is an ordinal. After a / an,
    an ordinal other than half or quarter must close the phrase or take "of" (``a third of the
    class``, not ``a third time``).
    """
    whole_text, numerator_text, denominator = m.group(1), m.group(2).lower(), m.group(3).lower()
    singular = denominator in EN_DENOMINATORS
    if numerator_text in ("a", "an"):
        if singular and denominator not in ("half", "quarter") and m.group(4) is None:
            return None
        numerator = 1
    else:
        numerator = english_number(numerator_text) or 0
        if numerator == 0 or (singular and numerator != 1):
            return None
    value = Fraction(numerator, EN_DENOMINATORS[EN_DENOMINATOR_PLURALS.get(denominator, denominator)])
    if whole_text is None:
        return value
    whole = int(whole_text) if whole_text.isdigit() else english_number(whole_text)
    return None if whole is None else whole + value


def digits_and_fraction_words(text: str) -> str:
    """A whole number in digits and a fraction in words as a mixed number: ``2 and a half`` ->
    ``2 1/2``, ``3 and three quarters`` -> ``3 3/4``."""

    def mixed(m: re.Match) -> str:
        value = english_fraction(m)
        if value is None:
            return m.group(0)
        part = value - int(m.group(1))
        return f"{m.group(1)} {part.numerator}/{part.denominator}"

    return _DIGITS_AND_FRACTION_RE.sub(mixed, text) if " and " in text else text


_SENTENCE_WORD_RE = re.compile(r"[a-z]+")
_MAX_SENTENCE_CHARS = 80
# Words that make a number in a sentence something other than the answer's value.
_NOT_THE_VALUE = frozenset(
    [
        "not",
        "no",
        "never",
        "than",
        "more",
        "less",
        "fewer",
        "least",
        "most",
        "about",
        "around",
        "approximately",
        "nearly",
        "almost",
        "roughly",
        "over",
        "under",
        "half",
        "halves",
        "third",
        "thirds",
        "quarter",
        "quarters",
        "fourth",
        "fourths",
        "fifth",
        "fifths",
        "sixth",
        "sixths",
        "seventh",
        "sevenths",
        "eighth",
        "eighths",
        "ninth",
        "ninths",
        "tenth",
        "tenths",
        "hundredth",
        "hundredths",
        "thousandth",
        "thousandths",
        "first",
        "second",
        "point",
        "plus",
        "minus",
        "times",
        "divided",
        "squared",
        "cubed",
        "percent",
        "per",
        "root",
        "power",
        "twice",
        "double",
        "triple",
        "dozen",
        "dozens",
        "between",
        "or",
    ]
)
# "to" only as part of a bound or a comparison (up to twelve, close to twelve); "walk to school" is no bound.
_BOUND_TO_RE = re.compile(r"\b(?:up|close|next|equal|compared|similar)\s{1,3}to\b")
# "twelve each" is a value per item (the answer may be the total); "Each friend gets twelve" is the value.
_PER_ITEM_AFTER = frozenset(["each", "every"])


def changes_the_value(before: list[str], after: list[str]) -> bool:
    """Whether the words around a number make it another quantity (more than twelve, twelve each)."""
    return any(w in _NOT_THE_VALUE for w in (*before, *after)) or any(w in _PER_ITEM_AFTER for w in after)


def number_in_sentence(text: str, max_chars: int = _MAX_SENTENCE_CHARS) -> int | Fraction | None:
    """The one number in words in a short sentence (``There are twelve apples.`` -> 12, ``She ate
    two thirds of it.`` -> 2/3).

    None when the sentence has digits or math, several numbers, or a word that changes the value
    (``more than twelve``, ``the third``, ``twelve each``; ``each friend gets twelve`` is 12).
    """
    text = text.strip().lower()
    if len(text) > max_chars or re.search(r"[\d\\^_{}=<>+*/|]", text) or _BOUND_TO_RE.search(text):
        return None
    fractions = list(EN_FRACTION_RE.finditer(text))
    if len(fractions) == 1:
        before = _SENTENCE_WORD_RE.findall(text[: fractions[0].start()])
        after = _SENTENCE_WORD_RE.findall(text[fractions[0].end() :])
        if changes_the_value(before, after) or any(w in EN_UNITS or w in EN_SCALES for w in (*before, *after)):
            return None
        return english_fraction(fractions[0])
    words = _SENTENCE_WORD_RE.findall(text)
    first = next((i for i, w in enumerate(words) if w in EN_UNITS or w in EN_SCALES), len(words))
    if changes_the_value(words[:first], words[first:]):
        return None
    runs: list[list[str]] = []
    previous_number = False
    for w in words:
        number = w in EN_UNITS or w in EN_SCALES
        if number and previous_number:
            runs[-1].append(w)
        elif number:
            runs.append([w])
        previous_number = number or (previous_number and w == "and")
    if len(runs) != 1:
        return None
    return english_number(" ".join(runs[0]))


_MAX_NUMERAL_BITS = 14_000  # about 4,200 decimal digits: under sys.get_int_max_str_digits()


def chinese_integer(text: str) -> int:
    """``三百零五`` -> 305, ``两万三千`` -> 23000, ``一二三`` -> 123 (digit by digit).

    A last digit straight after 百, 千, 万 or 亿 counts in the next lower unit, as spoken:
    ``一百五`` -> 150, ``三千二`` -> 3200, ``两万五`` -> 25000 (``一百零五`` stays 105).
    """
    if all(c in ZH_DIGITS for c in text):
        return int(_digit_by_digit(text))
    if len(text) >= 2 and text[-1] in ZH_DIGITS and ZH_UNITS.get(text[-2], 0) >= 100:
        return chinese_integer(text[:-1]) + ZH_DIGITS[text[-1]] * ZH_UNITS[text[-2]] // 10
    total, section, digit = 0, 0, 0
    for c in text:
        if c in ZH_DIGITS:
            digit = ZH_DIGITS[c]
        elif c in ZH_SMALL:
            section += max(digit, 1) * ZH_SMALL[c]  # 十二, 百五: a unit alone counts one
            digit = 0
        else:
            total = (total + section + digit) * ZH_LARGE[c]
            section, digit = 0, 0
    return total + section + digit


def _digit_by_digit(text: str) -> str:
    return "".join(str(ZH_DIGITS[c]) for c in text)


def chinese_numeral(text: str) -> str:
    """A Chinese numeral (with optional 点 decimals) as an Arabic numeral string.

    Digits spelled one by one stay a string however long (``一`` x 100,000 is a 100,000-digit
    number); a numeral whose units stack past Python's int-to-text limit (``一亿亿亿...``) is no
    number and is returned as it is."""
    whole, _, frac = text.partition("点")
    if not whole:
        value = "0"
    elif all(c in ZH_DIGITS for c in whole):
        value = _digit_by_digit(whole).lstrip("0") or "0"
    else:
        number = chinese_integer(whole)
        if number.bit_length() > _MAX_NUMERAL_BITS:
            return text
        value = str(number)
    if frac:
        value += "." + _digit_by_digit(frac)
    return value


_ZH_NEGATIVE_RE = re.compile(r"负(?=\s?[\d零〇一二两三四五六七八九十百千万亿(])")  # 负三 = -3


def replace_chinese_numbers(text: str) -> str:
    """Rewrite Chinese percents (``百分之四十`` -> ``40%``), fractions (``三分之二`` -> ``(2)/(3)``), signs (``负三``)
    and numerals."""

    def fraction(m: re.Match) -> str:
        den, num = (g if g.isdigit() else chinese_numeral(g) for g in m.groups())
        return f" ({num})/({den}) "

    text = _ZH_PERCENT_RE.sub(
        lambda m: (m.group(1) if m.group(1)[0].isdigit() else chinese_numeral(m.group(1))) + "%", text
    )
    text = _ZH_FRACTION_RE.sub(fraction, text)
    text = _ZH_NEGATIVE_RE.sub("-", text)
    return ZH_NUMERAL_RE.sub(lambda m: chinese_numeral(m.group(0)), text)


# -- a number word at the end of a whole solution -------------------------------------------------
_LAST_SENTENCE_CHARS = 300  # the last sentence is looked for in this many characters, no more
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s)|[。！？；;\n]")
_DIGIT_OR_MATH = frozenset("0123456789$\\^_{}=<>+*/|%")
# Chinese words with 一 that are no number (一共 "in all", 一些 "some", 一次运完 "in one go"; a
# closing 一次 "once" stays a count) and words that make a numeral something other than the value
# (不到十二 "under twelve", 第三 "third", 两倍 "twice").
ZH_NOT_NUMBERS_RE = re.compile(
    r"一共|一起|一些|一下|一定|一直|一样|一般|一边|一半|统一|唯一|同一|万一|(?<!分)之一|一次(?=[\u4e00-\u9fff])"
)
_ZH_NOT_THE_VALUE_RE = re.compile(
    r"不|没|约|左右|超过|多于|少于|至少|至多|最多|最少|以上|以下|倍|半|第|分之|每|比|几|多个|余|或"
)


# Prepositions that open a phrase qualifying a value (6 hours in two weeks, $2400 for two months).
_QUALIFYING_PREPOSITIONS = frozenset(["in", "for", "over", "during", "after", "within", "before", "per", "across"])
_ARTICLES = frozenset(["the", "a", "an", "another"])


def _qualifies_the_digits(words: list[str]) -> bool:
    """Whether the first number word among ``words`` (read after a value in digits) opens a phrase
    that qualifies that value: a preposition just before it, an article between them or not."""
    at = next((i for i, word in enumerate(words) if word in EN_UNITS and word != "a"), None)
    if at is None:
        return False
    before = words[:at]
    if before and before[-1] in _ARTICLES:
        before = before[:-1]
    return bool(before) and before[-1] in _QUALIFYING_PREPOSITIONS


def number_word_at_end(text: str) -> str | None:
    """The number in words of a solution's last sentence, when no digit or math follows it.

    ``... 5 + 7 apples in all. So she has twelve apples left.`` -> ``12``; ``她现在有十二个苹果。``
    -> ``12``. Only the part of the sentence after its last digit or math symbol is read, so a
    digit string after the word wins (``twelve apples, 12 in all`` is not read here). A lone
    ``one`` (``the one on the left``) is no answer, nor a scale word after digits (``1.2 million``).
    One backward pass over at most ``_LAST_SENTENCE_CHARS`` characters.
    """
    tail = text[-_LAST_SENTENCE_CHARS:].rstrip(" \t\n.!?。！？")
    ends = list(_SENTENCE_END_RE.finditer(tail))
    if ends:
        tail = tail[ends[-1].end() :]
    elif len(text) > _LAST_SENTENCE_CHARS:
        return None  # the last sentence is longer than the window: its start is unknown
    cut = len(tail)
    while cut > 0 and tail[cut - 1] not in _DIGIT_OR_MATH:
        cut -= 1
    tail = tail[cut:].strip()
    if not tail:
        return None
    if re.search(r"[\u4e00-\u9fff]", tail):
        if cut > 0 and tail[0] in "点时":  # 3点一刻, 3点五: the words continue the digits' clock or decimal
            return None
        return _chinese_number_in_sentence(tail)
    words = _SENTENCE_WORD_RE.findall(tail.lower())
    lone_one = sum(w in EN_UNITS or w in EN_SCALES for w in words) == 1 and "one" in words
    if lone_one and not EN_FRACTION_RE.search(tail):  # "the one on the left"; "one fifth" is a value
        return None
    if cut > 0 and words and words[0] in EN_SCALES and tail[:1].isalpha():
        return None  # 1.2 million: the scale of the digits before it, no number of its own
    if cut > 0 and _qualifies_the_digits(words):
        return None  # 3 x 2 = 6 hours in two weeks: the words qualify the value in digits
    value = number_in_sentence(tail, _LAST_SENTENCE_CHARS)
    return None if value is None else str(value)


def _chinese_number_in_sentence(text: str) -> str | None:
    """The one Chinese numeral in a short sentence (``所以一共有十二个`` -> ``12``)."""
    if _ZH_NOT_THE_VALUE_RE.search(text):
        return None
    numerals = ZH_NUMERAL_RE.findall(ZH_NOT_NUMBERS_RE.sub(" ", text))
    if len(numerals) != 1 or re.search(r"[a-zA-Z]", text):
        return None
    return chinese_numeral(numerals[0])
