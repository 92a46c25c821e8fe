"""Decontamination that means contamination: long passages an evaluation problem shares.

A problem's passages are its n-grams over normalized words (``ngram`` words) for spaced scripts,
or over characters (``cjk_ngram``, CJK having no spaces and about one word per one or two
characters) for Chinese and Japanese, taken from the problem text with LaTeX markup
(``\\frac``, ``$``, braces) and the rendered options of a choice problem removed, so ``$$4$$``
and ``A. $$4$$`` match nothing by themselves.

A training row is contaminated by an evaluation problem when it shares at least ``coverage``
(half, by default) of that problem's distinct passages: a copy, even lightly edited, shares most
of them; a problem that merely starts the same way ("Triangle ABC has vertices ...") shares a few.
A passage that is frequent in the training set itself is boilerplate ("m and n are relatively
prime positive integers"), not contamination, and does not count: the training rows that share
each evaluation passage are counted during the build, and at its end a passage is boilerplate
when ``max(BOILERPLATE_MIN_ROWS, BOILERPLATE_SHARE * rows)`` training rows or more share it.
``benchmarks/decontamination.py`` measures recall and false positives on real pairs.
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
class EvalRow:
    """An evaluation problem: where it is and its distinct passages."""

    origin: str  # "eval.jsonl:LINE"
    keys: tuple[int, ...]


class Decontaminator:
    """The passages of the evaluation sets, and how many training rows share each."""

    def __init__(
        self, eval_rows: Iterable[tuple[str, str]], ngram: int = 8, cjk_ngram: int = 10, coverage: float = 0.5
    ):
        """``eval_rows``: (origin, problem) of every evaluation problem; a training row is
        contaminated by one whose non-boilerplate passages it shares in ``coverage`` or more."""
        self.coverage = coverage
        self.rows_of: dict[int, list[int]] = {}  # passage key -> the evaluation rows that have it
        self.text_of: dict[int, tuple[str, str]] = {}  # passage key -> (text, unit)
        self.eval_rows: list[EvalRow] = []
        for origin, problem in eval_rows:
            found = passages(problem, ngram, cjk_ngram)
            distinct = dict.fromkeys(found.keys)
            for i, key in enumerate(found.keys):
                self.text_of.setdefault(key, (found.text(i), found.unit))
            for key in distinct:
                self.rows_of.setdefault(key, []).append(len(self.eval_rows))
            self.eval_rows.append(EvalRow(origin, tuple(distinct)))
        self.shared: Counter[int] = Counter()  # passage -> training rows that share it
        self.rows = 0
        self._own: dict[int, int] = {}  # evaluation row -> its passages that are not boilerplate

    def hits(self, keys: Iterable[int]) -> tuple[int, ...]:
        """The evaluation passages one training row shares (counted towards boilerplate)."""
        self.rows += 1
        self._own.clear()
        found = tuple(dict.fromkeys(key for key in keys if key in self.rows_of))
        self.shared.update(found)
        return found

    def contamination(self, hits: Iterable[int]) -> str | None:
        """Why a row with these ``hits`` is contaminated, once every row was counted: the
        evaluation row whose passages (boilerplate left out) it shares in ``coverage`` or more;
        None when there is none."""
        shared: Counter[int] = Counter()
        first: dict[int, int] = {}
        for key in hits:
            if not self._boilerplate(key):
                for row in self.rows_of[key]:
                    shared[row] += 1
                    first.setdefault(row, key)
        for row, count in shared.most_common():
            own = self._own_passages(row)
            if count >= self.coverage * own:
                text, unit = self.text_of[first[row]]
                origin = self.eval_rows[row].origin
                return f"shares {count} of the {own} {unit} passages of {origin}, such as {text!r}"
        return None

    def _boilerplate(self, key: int) -> bool:
        return self.shared[key] >= max(BOILERPLATE_MIN_ROWS, BOILERPLATE_SHARE * self.rows)

    def _own_passages(self, row: int) -> int:
        """How many of an evaluation row's passages are not boilerplate."""
        if row not in self._own:
            self._own[row] = sum(1 for key in self.eval_rows[row].keys if not self._boilerplate(key))
        return self._own[row]
