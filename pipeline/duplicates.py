"""The order-dependent reduce of a build: duplicates and contamination, by key lookups only.

Both checks take the :class:`~pipeline.fingerprint.Fingerprint` the map step computed, so the
driver hashes nothing per row.
"""

from __future__ import annotations

from collections.abc import Iterable

from .checks import CheckFailed
from .fingerprint import Fingerprint, ngrams
from .schema import normalize_text


class Deduplicator:
    """Keeps the first of exact (normalized text) and near (MinHash LSH) duplicate problems.

    The LSH index is a compact one of our own: one dict per band from an 8-byte band key to the
    kept task (a tuple of them when several kept tasks share a band), about 0.4 KB a task
    (datasketch's MinHashLSH took 1.6 KB and 0.35 ms an insert here), so a million tasks fit.

    With ``keep_differing_answers`` a near duplicate is kept when its canonical answer differs
    from that of every kept task it resembles (MATH's ``f(-7)`` vs ``f(3)`` variants are
    different tasks); exact duplicates are dropped whatever their answers.
    """

    def __init__(self, keep_differing_answers: bool = True):
        self.keep_differing_answers = keep_differing_answers
        self.ids: list[str] = []
        self.answers: list[str] = []
        self.exact: dict[bytes, int] = {}
        self.tables: list[dict[int, int | tuple[int, ...]]] = []

    def check(self, task_id: str, answer: str, keys: Fingerprint) -> None:
        """Raise CheckFailed for a duplicate; otherwise remember this task's keys."""
        if keys.exact in self.exact:
            kept = self.ids[self.exact[keys.exact]]
            raise CheckFailed("duplicate", f"same problem as task {kept}", kept)
        if not self.tables:
            self.tables = [{} for _ in keys.bands]
        similar = sorted(
            {i for table, band in zip(self.tables, keys.bands, strict=True) for i in _entries(table.get(band))}
        )
        if self.keep_differing_answers:
            similar = [i for i in similar if self.answers[i] == answer]
        if similar:
            kept = self.ids[similar[0]]
            raise CheckFailed("near_duplicate", f"nearly the same problem as task {kept}", kept)
        index = len(self.ids)
        self.ids.append(task_id)
        self.answers.append(answer)
        self.exact[keys.exact] = index
        for table, band in zip(self.tables, keys.bands, strict=True):
            held = table.get(band)
            table[band] = index if held is None else (*_entries(held), index)


def _entries(held: int | tuple[int, ...] | None) -> tuple[int, ...]:
    """The kept tasks a band table entry holds."""
    if held is None:
        return ()
    return held if isinstance(held, tuple) else (held,)


class Decontaminator:
    """Rejects problems that share an n-gram (or the whole text) with an evaluation set."""

    def __init__(self, eval_sets: dict[str, Iterable[str]], n: int = 13):
        self.n = n
        self.grams: dict[int, tuple[str, str]] = {}  # n-gram key -> (n-gram, evaluation set)
        for name, problems in eval_sets.items():
            for problem in problems:
                for key, gram in ngrams(normalize_text(problem), n):
                    self.grams.setdefault(key, (gram, name))

    def check(self, keys: Fingerprint) -> None:
        """Raise CheckFailed naming the first n-gram (in text order) an evaluation set shares."""
        for key in keys.grams:
            if key in self.grams:
                gram, name = self.grams[key]
                raise CheckFailed("contaminated", f"shares the {self.n}-gram {gram!r} with {name}")
