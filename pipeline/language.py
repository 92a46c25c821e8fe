"""The language of a problem, from its text, for sources that do not say.

Scripts decide first (Han without kana is ``zh``, kana ``ja``, Hangul ``ko``, Cyrillic ``ru``,
Thai, Bengali, Telugu, Arabic, Devanagari); Latin-script text is told apart by its most frequent
function words (English, Spanish, French, German, Swahili), and is ``en`` when none stands out.
LaTeX commands and math are left out, so ``$\\frac{a}{b}$`` in a Chinese problem counts for
nothing.
"""

from __future__ import annotations

import re
from collections import Counter

_LATEX_RE = re.compile(r"\\[a-zA-Z]+|\${1,2}[^$]*\${1,2}")
_SCRIPTS = (  # (language, character class); checked in this order
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("te", re.compile(r"[\u0c00-\u0c7f]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD_RE = re.compile(r"[^\W\d_]+")
_FUNCTION_WORDS = {
    "en": frozenset(
        ["the", "and", "of", "is", "are", "how", "many", "what", "to", "in", "has", "have", "does", "with", "for"]
    ),
    "es": frozenset(
        ["el", "la", "los", "las", "de", "que", "y", "en", "tiene", "cuántos", "cuántas", "por", "con", "una", "es"]
    ),
    "fr": frozenset(
        ["le", "la", "les", "de", "et", "est", "combien", "il", "elle", "une", "des", "du", "dans", "pour"]
    ),
    "de": frozenset(
        ["der", "die", "das", "und", "ist", "wie", "viele", "hat", "ein", "eine", "mit", "für", "im", "von"]
    ),
    "sw": frozenset(["na", "ya", "kwa", "ni", "wa", "za", "katika", "je", "kila", "hiyo"]),
}
_SCRIPT_SHARE = 0.2  # a script with at least this share of the letters names the language


def detect_language(text: str, default: str = "en") -> str:
    """An ISO 639-1 code for ``text``; ``default`` when it has no letters at all."""
    prose = _LATEX_RE.sub(" ", text)
    latin = len(_LATIN_RE.findall(prose))
    for language, script in _SCRIPTS:
        count = len(script.findall(prose))
        if count and count >= _SCRIPT_SHARE * (count + latin):
            return language
    if not latin:
        return default
    words = Counter(word.lower() for word in _WORD_RE.findall(prose))
    scores = {lang: sum(words[w] for w in vocabulary) for lang, vocabulary in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > scores["en"] else "en"
