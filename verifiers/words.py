"""Numbers written in words: English (``twenty-five``) and Chinese (``二十五``, ``三分之二``)."""

from __future__ import annotations

import re

from .vocabulary import EN_SCALES, EN_UNITS, ZH_DIGITS, ZH_LARGE, ZH_SMALL

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


def chinese_integer(text: str) -> int:
    """``三百零五`` -> 305, ``两万三千`` -> 23000, ``一二三`` -> 123 (digit by digit)."""
    if all(c in ZH_DIGITS for c in text):
        return int("".join(str(ZH_DIGITS[c]) for c in text))
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
