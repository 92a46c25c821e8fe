"""Numbers written in words: English (``twenty-five``) and Chinese (``二十五``, ``三分之二``)."""

from __future__ import annotations

import re

_EN_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_RE = re.compile(r"^(?:(?:" + "|".join([*_EN_UNITS, *_EN_SCALES]) + r"|and|a)[\s-]*)+$", re.IGNORECASE)

_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
_ZH_LARGE = {"万": 10**4, "亿": 10**8}
ZH_NUMERAL_RE = re.compile(
    r"[零〇一二两三四五六七八九十百千万亿]*[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
_ZH_FRACTION_RE = re.compile(r"([零〇一二两三四五六七八九十百千万亿\d]+)分之([零〇一二两三四五六七八九十百千万亿\d]+)")


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
        elif word in _EN_UNITS:
            current += _EN_UNITS[word]
            seen = True
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * _EN_SCALES[word]
            current = 0
            seen = True
    return total + current if seen else None


def chinese_integer(text: str) -> int:
    """``三百零五`` -> 305, ``两万三千`` -> 23000, ``一二三`` -> 123 (digit by digit)."""
    if all(c in _ZH_DIGITS for c in text):
        return int("".join(str(_ZH_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, 0
    for c in text:
        if c in _ZH_DIGITS:
            digit = _ZH_DIGITS[c]
        elif c in _ZH_SMALL:
            section += max(digit, 1 if c == "十" else digit) * _ZH_SMALL[c]
            digit = 0
        else:
            total = (total + section + digit) * _ZH_LARGE[c]
            section, digit = 0, 0
    return total + section + digit


def chinese_numeral(text: str) -> str:
    """A Chinese numeral (with optional 点 decimals) as an Arabic numeral string."""
    whole, _, frac = text.partition("点")
    value = str(chinese_integer(whole)) if whole else "0"
    if frac:
        value += "." + "".join(str(_ZH_DIGITS[c]) for c in frac)
    return value


def replace_chinese_numbers(text: str) -> str:
    """Rewrite Chinese fractions (``三分之二`` -> ``(2)/(3)``) and numerals in text."""

    def fraction(m: re.Match) -> str:
        den, num = (g if g.isdigit() else chinese_numeral(g) for g in m.groups())
        return f" ({num})/({den}) "

    text = _ZH_FRACTION_RE.sub(fraction, text)
    return ZH_NUMERAL_RE.sub(lambda m: chinese_numeral(m.group(0)), text)
