"""Decontamination that means contamination: long passages an evaluation problem shares.

A problem's passages are its n-grams over normalized words (``ngram`` words) for spaced scripts,
or over characters (``cjk_ngram``, CJK having no spaces and about one word per one or two
characters) for Chinese and Japanese, taken from the problem text with LaTeX markup
(``\\frac``, ``$``, braces) and the rendered options of a choice problem removed, so ``$$4$$``
and ``A. $$4$$`` match nothing by themselves.

A passage that is frequent in the training set itself is boilerplate ("m and n are relatively
prime positive integers"), not contamination: the training rows that share each evaluation
passage are counted during the build, and at its end a row is contaminated only by a passage
that fewer than ``max(BOILERPLATE_MIN_ROWS, BOILERPLATE_SHARE * rows)`` training rows share.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .fingerprint import gram_keys
from .recipes import split_options
from .schema import normalize_text

BOILERPLATE_MIN_ROWS = 5
BOILERPLATE_SHARE = 0.001
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
_TOKEN_RE = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_CJK_RE = re.compile(rf"[{_CJK}]")
_MARKUP_RE = re.compile(r"\\[a-zA-Z]+|[$\\{}^_&~]")


@dataclass(frozen=True)
class Passages:
    """A problem's contamination passages: their keys in text order and how to show them."""

    keys: tuple[int, ...]
    tokens: tuple[str, ...]
    n: int
    cjk: bool

    def text(self, index: int) -> str:
        """The passage at ``index`` (of ``keys``) as text."""
        words = self.tokens[index : index + self.n]
        return "".join(words) if self.cjk else " ".join(words)

    @property
    def unit(self) -> str:
        return f"{self.n}-character" if self.cjk else f"{self.n}-word"


def passages(problem: str, ngram: int, cjk_ngram: int) -> Passages:
    """The passages of ``problem`` (its stem, without LaTeX markup)."""
    stem, _ = split_options(problem)
    tokens = _TOKEN_RE.findall(normalize_text(_MARKUP_RE.sub(" ", stem)))
    cjk = sum(1 for token in tokens if _CJK_RE.fullmatch(token)) * 2 >= len(tokens) > 0
    n = cjk_ngram if cjk else ngram
    keys = tuple(gram_keys(tokens, n).tolist())
    return Passages(keys, tuple(tokens), min(n, len(tokens)), cjk)


@dataclass(frozen=True)
class EvalPassage:
    """Where an evaluation passage comes from."""

    text: str
    unit: str
    origin: str  # "eval.jsonl:LINE"


class Decontaminator:
    """The passages of the evaluation sets, and how many training rows share each."""

    def __init__(self, eval_rows: Iterable[tuple[str, str]], ngram: int = 13, cjk_ngram: int = 20):
        """``eval_rows``: (origin, problem) of every evaluation problem."""
        self.index: dict[int, EvalPassage] = {}
        for origin, problem in eval_rows:
            found = passages(problem, ngram, cjk_ngram)
            for i, key in enumerate(found.keys):
                self.index.setdefault(key, EvalPassage(found.text(i), found.unit, origin))
        self.shared: Counter[int] = Counter()  # passage -> training rows that share it
        self.rows = 0

    def hits(self, keys: Iterable[int]) -> tuple[int, ...]:
        """The evaluation passages one training row shares (counted towards boilerplate)."""
        self.rows += 1
        found = tuple(dict.fromkeys(key for key in keys if key in self.index))
        self.shared.update(found)
        return found

    def contamination(self, hits: Iterable[int]) -> str | None:
        """Why a row with these ``hits`` is contaminated, once every row was counted; None when
        all it shares is boilerplate."""
        frequent = max(BOILERPLATE_MIN_ROWS, BOILERPLATE_SHARE * self.rows)
        for key in hits:
            if self.shared[key] < frequent:
                found = self.index[key]
                return f"shares the {found.unit} passage {found.text!r} with {found.origin}"
        return None
