"""Text clean-up of an answer before parsing: Unicode, LaTeX wrappers, separators, units."""

from __future__ import annotations

import html
import re
import unicodedata

from .cache import text_cache
from .limits import CLEAN_CACHE_CHARS, MAX_ANSWER_CHARS

_UNICODE_MATH = {
    "`": "",  # markdown code marks around an answer
    "√": "\\sqrt ",
    "π": "\\pi ",
    "×": "\\times ",
    "÷": "\\div ",
    "−": "-",
    "–": "-",
    "—": "-",
    "≤": "\\le ",
    "≥": "\\ge ",
    "≠": "\\ne ",
    "∞": "\\infty ",
    "∪": "\\cup ",
    "∩": "\\cap ",
    "·": "\\cdot ",
    "°": "^\\circ ",
    "±": "\\pm ",
    "∓": "\\mp ",
    "≈": "\\approx ",
    "∈": "\\in ",
    "∁": "\\complement ",
    "∠": "\\angle ",  # ∠A = 60°
    "⩽": "\\le ",
    "⩾": "\\ge ",
    "\u2009": " ",
    "\u202f": " ",
    "\u00a0": " ",
    "，": ",",
    "、": ",",
    "：": ":",
    "∶": ":",  # the ratio sign, 6∶8
    "；": ";",
    "（": "(",
    "）": ")",
    "％": "%",
    "。": ".",
    "＄": "$",
}
_UNICODE_RE = re.compile("|".join(map(re.escape, _UNICODE_MATH)))
# A run of superscript characters is one exponent: 10⁻³ = 10^{-3}, x²³ = x^{23}.
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN_RE = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]{1,40}")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUBSCRIPT_RUN_RE = re.compile("[₀₁₂₃₄₅₆₇₈₉]{1,40}")  # x₁ = x_1, a₁₀ = a_{10}

# LaTeX commands whose argument is plain content.
_WRAPPERS = (
    "text",
    "textbf",
    "textit",
    "textrm",
    "textnormal",
    "mathrm",
    "mathbf",
    "mathit",
    "mbox",
    "hbox",
    "operatorname",
    "textup",
    "mathsf",
    "boldsymbol",
    "mathbb",
    "bf",
    "rm",
    "boxed",
    "fbox",
)
_WRAPPER_RE = re.compile(r"\\(?:" + "|".join(_WRAPPERS) + r")\s*\{")
_DROP_RE = re.compile(
    r"\\(?:displaystyle|left|right|bigl|bigr|Bigl|Bigr|big|Big|biggl|biggr|!|limits|nolimits)(?![a-zA-Z])"
)
_SPACE_RE = re.compile(r"(?<!\\)\\(?:qquad|quad|enspace|thinspace|[,;:\s])|~")
_DELIMS_RE = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$")
_FRAC_ALIASES_RE = re.compile(r"\\[dtc]frac(?![a-zA-Z])")
_OPS = [
    (re.compile(p), r)
    for p, r in [
        (r"\\leq?(?:slant)?(?![a-zA-Z])|<=|=<", r"\\le "),
        (r"\\geq?(?:slant)?(?![a-zA-Z])|>=|=>", r"\\ge "),
        (r"\\neq?(?![a-zA-Z])|!=|=/=", r"\\ne "),
        (r"\\lt(?![a-zA-Z])", "<"),
        (r"\\gt(?![a-zA-Z])", ">"),
        (r"\\dots[bc]?|\\ldots|\\cdots", " "),
        (r"\\%", "%"),
        (r"\\\$", "$"),
        (r"\\{", r"\\lbrace "),
        (r"\\}", r"\\rbrace "),
        (r"\^\s*\{\s*\\circ\s*\}", r"^\\circ "),
        (r"\\phantom\s*(?:\{[^{}]*\})?", " "),
    ]
]


# Characters that print nothing: zero-width spaces and joiners, the byte-order mark, soft hyphen,
# direction marks and embeddings. Inside or around an answer they are no part of it.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x061C, 0x180E, 0xFEFF, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070)]
)
_INVISIBLE_RE = re.compile("[\u00ad\u061c\u180e\ufeff\u200b-\u200f\u202a-\u202e\u2060-\u206f]")
# An HTML character reference, closed by its semicolon (&lt; &nbsp; &#8722; &#x2212;).
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# A digit group after a no-break or thin space: 12 000, 1 234 567 (a plain space stays: 3 000 may
# be two numbers in prose).
_GROUP_SPACE_RE = re.compile(r"(?<=\d)[\u00a0\u2009\u202f](?=\d{3}(?!\d))")
# Markdown escapes of characters that mean nothing escaped in an answer: 2 \* 3, x\_1, \## Answer.
_MARKDOWN_ESCAPE_RE = re.compile(r"(?<!\\)\\(?=[*_#])")
_DASH_AS_MINUS_RE = re.compile(r"(^|[=(\[{<>≤≥:,]\s?)\u2013(?=\d)", re.MULTILINE)
_FRAMEBOX_RE = re.compile(r"\\framebox(?:\s{0,3}\[[^\[\]{}]{0,20}\]){0,2}(?![a-zA-Z])")


def plain_characters(text: str) -> str:
    """Text as it was meant to print: invisible characters dropped, HTML references decoded, minus
    signs as ``-``, the ratio sign as ``:``, digit groups apart by no-break or thin spaces joined,
    markdown escapes dropped, ``\\framebox`` a box.

    Each rewrite is one linear pass, run only when a cheap test finds its character.
    """
    if _INVISIBLE_RE.search(text):
        text = text.translate(_INVISIBLE)
    if "&" in text:
        text = _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)
    if "\u2212" in text or "\uff0d" in text:  # the minus sign, full-width too: x = −3 is -3
        text = text.replace("\u2212", "-").replace("\uff0d", "-")
    if "\u2236" in text:  # the ratio sign, as the colon it prints as: 1∶2 is the ratio 1:2, not 2
        text = text.replace("\u2236", ":")
    if "\u2013" in text:  # an en dash after a relation or bracket is a minus (y = –3); 3–5 is a range
        text = _DASH_AS_MINUS_RE.sub(r"\1-", text)
    if "\u00a0" in text or "\u2009" in text or "\u202f" in text:
        text = _GROUP_SPACE_RE.sub("", text)
    if "\\" in text:
        text = _MARKDOWN_ESCAPE_RE.sub("", text)
        if "\\framebox" in text:
            text = _FRAMEBOX_RE.sub(r"\\fbox", text)
    return text


def unicode_to_ascii_math(text: str) -> str:
    """Full-width forms to ASCII (NFKC) and math symbols to their LaTeX commands."""
    text = _SUPERSCRIPT_RUN_RE.sub(lambda m: "^{" + m.group(0).translate(_SUPERSCRIPTS) + "}", text)
    text = _SUBSCRIPT_RUN_RE.sub(lambda m: "_{" + m.group(0).translate(_SUBSCRIPTS) + "}", text)
    text = _UNICODE_RE.sub(lambda m: _UNICODE_MATH[m.group(0)], text)
    text = vulgar_fractions(text)
    return unicodedata.normalize("NFKC", text).replace("\u2044", "/")  # NFKC writes ½ as 1⁄2


# A vulgar fraction (¼ ½ ¾, ⅐ to ⅞), and the digit before it that makes it a mixed number's part.
_VULGAR_RE = re.compile(r"(\d?)([\u00bc-\u00be\u2150-\u215e])")


def vulgar_fractions(text: str) -> str:
    """Vulgar fractions as digits: ``½`` -> ``1/2``; ``3½`` -> ``3 1/2``, a mixed number, not 31/2."""
    return _VULGAR_RE.sub(
        lambda m: (
            (m.group(1) + " " if m.group(1) else "") + unicodedata.normalize("NFKC", m.group(2)).replace("\u2044", "/")
        ),
        text,
    )


def unwrap_command(text: str, pattern: re.Pattern) -> str:
    """Replace ``\\cmd{content}`` by ``content`` (balanced braces) for commands matching pattern."""
    pairs = brace_pairs(text)
    drop: set[int] = set()
    for m in pattern.finditer(text):
        close = pairs.get(m.end() - 1)
        if close is not None:
            drop.update(range(m.start(), m.end()))
            drop.add(close)
    if not drop:
        return text
    return "".join(" " if i in drop else c for i, c in enumerate(text))


def brace_pairs(text: str) -> dict[int, int]:
    """Index of each unescaped ``{`` mapped to its closing ``}``, in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    escaped = False
    for i, c in enumerate(text):
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == "{":
            stack.append(i)
        elif c == "}" and stack:
            pairs[stack.pop()] = i
    return pairs


# Linear: the groups repeat possessively (no backtracking into a long run), and a match may not
# start inside a run (right after a digit and a separator), so each run is scanned once.
_THOUSANDS_RE = re.compile(
    r"(?<![\d.}!])(?<!\d,)(?<!\d )(?<!\d\\,)(?<!\d\\ )(?<!\} )(?<!! )"
    r"(-?[1-9]\d{0,2})((?:(?:,\s?\\!\s?|\s?\{\s*,\s*\}\s?|,|\\,|\\ | )\d{3})++)(?![\d])(?!,\d)"
)


# European grouping: thousands apart by spaces and a decimal comma (``1 250,50`` = 1250.50). The comma
# is followed by anything but exactly three digits, which would be one more group.
_SPACED_DECIMAL_COMMA_RE = re.compile(
    r"(?<![\d.,])(-?[1-9]\d{0,2}(?: \d{3}){1,5}),(?!\d{3}(?!\d))(\d{1,15})(?![\d,]| \d)"
)
# A decimal comma set in LaTeX braces (``12{,}5``); ``14{,}916`` is a thousands group, joined before.
_BRACED_DECIMAL_COMMA_RE = re.compile(r"(?<=\d)\{,\}(?=\d)")


def drop_thousands_separators(text: str) -> str:
    """``1,234,567`` / ``1 234`` / ``1\\,234`` / ``14{,}916`` -> ``1234567`` etc.

    A bare ``a,bcd`` alone in brackets stays a pair: ``(12,102)`` is an interval, not 12102.
    """

    def join(m: re.Match) -> str:
        enclosed = m.start() > 0 and text[m.start() - 1] in "([" and text[m.end() : m.end() + 1] in (")", "]")
        if enclosed and m.group(2).count(",") == 1 and "\\" not in m.group(2):
            return m.group(0)
        return m.group(1) + re.sub(r"\D", "", m.group(2))

    text = _SPACED_DECIMAL_COMMA_RE.sub(lambda m: m.group(1).replace(" ", "") + "." + m.group(2), text)
    return _BRACED_DECIMAL_COMMA_RE.sub(",", _THOUSANDS_RE.sub(join, text))


_DOUBLE_ESCAPED_RE = re.compile(r"\\\\(?:boxed|frac|sqrt|left|right|pi|text|cdot|times|dfrac)")


def repair_double_escapes(text: str) -> str:
    """``\\\\frac`` (LaTeX escaped twice, as in JSON dumps) -> ``\\frac``; row breaks ``\\\\`` stay."""
    if _DOUBLE_ESCAPED_RE.search(text):
        text = re.sub(r"(?<!\\)\\\\(?=[a-zA-Z])", r"\\", text)
    return text


@text_cache(max_chars=CLEAN_CACHE_CHARS, max_entry_chars=2 * MAX_ANSWER_CHARS)
def clean_latex(text: str) -> str:
    """Strip math delimiters, sizing and spacing commands, and text wrappers."""
    text = unicode_to_ascii_math(repair_double_escapes(text))
    text = text.replace("\\$", " ")
    text = _DELIMS_RE.sub(" ", text)
    text = text.replace("\\\\$", "")
    text = _FRAC_ALIASES_RE.sub(r"\\frac", text)
    text = re.sub(r"\\sqrt\s*(\d)", r"\\sqrt{\1}", text)
    text = re.sub(r"\\frac\s*(\d)\s*(\d)", r"\\frac{\1}{\2}", text)
    text = re.sub(r"\\frac\s*(\d)\s*\{", r"\\frac{\1}{", text)
    text = re.sub(r"\\frac\s*\{([^{}]*)\}\s*(\d)", r"\\frac{\1}{\2}", text)
    text = unwrap_command(text, _WRAPPER_RE)
    text = drop_thousands_separators(text)
    text = _DROP_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text)
    for pattern, repl in _OPS:
        text = pattern.sub(repl, text)
    return " ".join(text.split())
