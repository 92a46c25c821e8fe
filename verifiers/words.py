"""Numbers written in words: English (``twenty-five``) and Chinese (``二十五``, ``三分之二``)."""

from __future__ import annotations

import re

from .vocabulary import EN_SCALES, EN_UNITS, ZH_DIGITS, ZH_LARGE, ZH_SMALL

ZH_UNITS = {**ZH_SMALL, **ZH_LARGE}

_EN_RE = re.compile(r"^(?:(?:" + "|".join([*EN_UNITS, *EN_SCALES]) + r"|and|a)[\s-]*)+$", re.IGNORECASE)

ZH_NUMERAL_RE = re.compile(
    r"[零〇一二两三四五六七八九十百千万亿]*[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
_ZH_FRACTION_RE = re.compile(r"([零〇一二两三四五六七八九十百千万亿\d]+)分之([零〇一二两三四五六七八九十百千万亿\d]+)")


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
        "to",
        "each",
        "every",
    ]
)


def number_in_sentence(text: str) -> int | None:
    """The one number in words in a short sentence (``There are twelve apples.`` -> 12).

    None when the sentence has digits or math, several numbers, or a word that changes the value
    (``more than twelve``, ``one half``, ``twelve each``).
    """
    text = text.strip().lower()
    if len(text) > _MAX_SENTENCE_CHARS or re.search(r"[\d\\^_{}=<>+*/|]", text):
        return None
    words = _SENTENCE_WORD_RE.findall(text)
    if any(w in _NOT_THE_VALUE for w in words):
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


def chinese_integer(text: str) -> int:
    """``三百零五`` -> 305, ``两万三千`` -> 23000, ``一二三`` -> 123 (digit by digit).

    A last digit straight after 百, 千, 万 or 亿 counts in the next lower unit, as spoken:
    ``一百五`` -> 150, ``三千二`` -> 3200, ``两万五`` -> 25000 (``一百零五`` stays 105).
    """
    if all(c in ZH_DIGITS for c in text):
        return int("".join(str(ZH_DIGITS[c]) for c in text))
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


def chinese_numeral(text: str) -> str:
    """A Chinese numeral (with optional 点 decimals) as an Arabic numeral string."""
    whole, _, frac = text.partition("点")
    value = str(chinese_integer(whole)) if whole else "0"
    if frac:
        value += "." + "".join(str(ZH_DIGITS[c]) for c in frac)
    return value


def replace_chinese_numbers(text: str) -> str:
    """Rewrite Chinese percents (``百分之四十`` -> ``40%``), fractions (``三分之二`` -> ``(2)/(3)``) and numerals."""

    def fraction(m: re.Match) -> str:
        den, num = (g if g.isdigit() else chinese_numeral(g) for g in m.groups())
        return f" ({num})/({den}) "

    text = _ZH_PERCENT_RE.sub(
        lambda m: (m.group(1) if m.group(1)[0].isdigit() else chinese_numeral(m.group(1))) + "%", text
    )
    text = _ZH_FRACTION_RE.sub(fraction, text)
    return ZH_NUMERAL_RE.sub(lambda m: chinese_numeral(m.group(0)), text)
