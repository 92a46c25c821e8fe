"""The words of a search box query, read as Elasticsearch's simple_query_string reads them."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_QUOTED_OR_WORD = re.compile(r'"([^"]+)"|(\S+)')
# SQLite's lower() changes ASCII letters only; terms are lowered the same way so that `Ä` finds `Ä`.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def sqlite_lower(text: str) -> str:
    """`text` lower-cased as SQLite's lower() does it (ASCII letters only)."""
    return text.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class TextTerms:
    """A search box query: words and phrases every hit contains, and `-word`s none contains."""

    required: list[str]
    excluded: list[str]

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded)

    def __len__(self) -> int:
        return len(self.required) + len(self.excluded)


def text_terms(text: str) -> TextTerms:
    """Words and quoted phrases of a search box query, lower-cased, as Elasticsearch's
    simple_query_string reads them with AND: `-word` excludes, `word*` is a prefix (matched as a
    substring here, like every term), `+`, `|`, AND and OR are dropped. Linear in the text.

    Imports nothing of Argilla's: the server imports it before Argilla reads its settings."""
    required: list[str] = []
    excluded: list[str] = []
    for phrase, word in _QUOTED_OR_WORD.findall(text):
        if phrase:
            required.append(sqlite_lower(phrase.strip()))
            continue
        if word.lower() in {"and", "or"}:
            continue
        chosen = excluded if word.startswith("-") else required
        chosen.append(sqlite_lower(word.strip("+-|*")))
    return TextTerms([term for term in required if term], [term for term in excluded if term])
