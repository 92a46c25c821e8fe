"""The order-dependent reduce of a build: exact and near duplicates and conflicting keys.

The check takes the :class:`~pipeline.fingerprint.Fingerprint` and
:class:`~pipeline.keyfacts.KeyFacts` the map step computed, so the driver hashes nothing per
row. Rows come in input order; the first row of a problem is kept, and a later one is:

- a ``duplicate`` (same text) or ``near_duplicate`` (MinHash LSH) when it says the same as the
  kept task (same key, or for a choice problem the same option content);
- a conflict when it is the same problem (same text, or a near duplicate of the same variant:
  same numbers and option set) with another key. Both are rejected as ``conflicting_answers``,
  unless exactly one key matches the final answer of its own row's solution: that one is kept
  (which may mean a kept task is withdrawn: ``Outcome.withdraw``), and the decision recorded.
- another task when it is a near duplicate of another variant with another key (MATH's
  ``f(-7)`` vs ``f(3)``), unless ``keep_differing_answers`` is off.

The LSH index is a compact one of our own: one dict per band from an 8-byte band key to the
kept task (a tuple of them when several kept tasks share a band), about 0.4 KB a task
(datasketch's MinHashLSH took 1.6 KB and 0.35 ms an insert here), so a million tasks fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fingerprint import Fingerprint
from .keyfacts import KeyFacts, solution_agrees

CONFLICT = "conflicting_answers"


@dataclass(frozen=True)
class Candidate:
    """A task as the duplicate check sees it."""

    task_id: str
    origin: str
    key: str
    answer_type: str
    facts: KeyFacts


@dataclass(frozen=True)
class Outcome:
    """What becomes of a task: kept (``reason`` None) or rejected for ``reason``; ``record`` goes
    to duplicates.jsonl; ``withdraw`` names a kept task that loses a conflict, with its record."""

    reason: str | None = None
    detail: str = ""
    record: dict | None = None
    withdraw: dict[str, dict] = field(default_factory=dict)


def _row(candidate: Candidate) -> dict:
    return {"id": candidate.task_id, "origin": candidate.origin, "answer": candidate.key}


def _conflict_record(kept: str | None, rows: list[dict], decision: str) -> dict:
    """A conflict for duplicates.jsonl: both rows with their keys, and which (if any) was kept."""
    return {"reason": CONFLICT, "kept": kept, "rows": rows, "decision": decision}


class Deduplicator:
    """Decides, row by row, what is kept (see the module docstring)."""

    def __init__(self, keep_differing_answers: bool = True, timeout: float = 10.0):
        self.keep_differing_answers = keep_differing_answers
        self.timeout = timeout
        self.kept: list[Candidate] = []
        self.contested: set[int] = set()  # kept entries withdrawn in a conflict with no winner
        self.replaced: dict[int, int] = {}  # a withdrawn entry -> the entry that won its conflict
        self.exact: dict[bytes, int] = {}
        self.tables: list[dict[int, int | tuple[int, ...]]] = []

    def check(self, candidate: Candidate, keys: Fingerprint) -> Outcome:
        """The outcome for ``candidate``; a kept one is remembered."""
        if keys.exact in self.exact:
            return self._same_problem(self._live(self.exact[keys.exact]), candidate, keys, "duplicate")
        similar = self._similar(keys)
        same_variant = [i for i in similar if self.kept[i].facts.variant == candidate.facts.variant]
        for i in same_variant:
            if self.kept[i].facts.identity == candidate.facts.identity or i in self.contested:
                return self._same_problem(i, candidate, keys, "near_duplicate")
        if same_variant:
            return self._same_problem(same_variant[0], candidate, keys, "near_duplicate")
        others = [i for i in similar if i not in self.contested]
        if not self.keep_differing_answers and others:
            return self._duplicate(others[0], candidate, "near_duplicate")
        for i in others:
            if self.kept[i].facts.identity == candidate.facts.identity:
                return self._duplicate(i, candidate, "near_duplicate")
        self._remember(candidate, keys)
        return Outcome()

    def _live(self, index: int) -> int:
        while index in self.replaced:
            index = self.replaced[index]
        return index

    def _similar(self, keys: Fingerprint) -> list[int]:
        if not self.tables:
            self.tables = [{} for _ in keys.bands]
        found = {i for table, band in zip(self.tables, keys.bands, strict=True) for i in _entries(table.get(band))}
        return sorted({self._live(i) for i in found})

    def _same_problem(self, index: int, candidate: Candidate, keys: Fingerprint, reason: str) -> Outcome:
        kept = self.kept[index]
        if index in self.contested:
            detail = f"the same problem as tasks whose keys conflict ({kept.task_id}, ...)"
            return Outcome(CONFLICT, detail, _conflict_record(None, [_row(kept), _row(candidate)], detail))
        if kept.facts.identity == candidate.facts.identity:
            return self._duplicate(index, candidate, reason)
        return self._conflict(index, candidate, keys)

    def _duplicate(self, index: int, candidate: Candidate, reason: str) -> Outcome:
        kept = self.kept[index]
        what = "same problem" if reason == "duplicate" else "nearly the same problem"
        record = {
            "reason": reason,
            "kept": kept.task_id,
            "duplicate": candidate.task_id,
            "kept_answer": kept.key,
            "duplicate_answer": candidate.key,
        }
        return Outcome(reason, f"{what} as task {kept.task_id}", record)

    def _conflict(self, index: int, candidate: Candidate, keys: Fingerprint) -> Outcome:
        kept = self.kept[index]
        kept_agrees = solution_agrees(kept.facts, kept.key, kept.answer_type, self.timeout)
        new_agrees = solution_agrees(candidate.facts, candidate.key, candidate.answer_type, self.timeout)
        rows = [_row(kept), _row(candidate)]
        keys_text = f"{kept.key!r} (task {kept.task_id}) and {candidate.key!r} (task {candidate.task_id})"
        if kept_agrees and not new_agrees:
            decision = f"kept {kept.task_id}: of the keys {keys_text}, only its key matches its own solution"
            return Outcome(CONFLICT, decision, _conflict_record(kept.task_id, rows, decision))
        if new_agrees and not kept_agrees:
            decision = f"kept {candidate.task_id}: of the keys {keys_text}, only its key matches its own solution"
            record = _conflict_record(candidate.task_id, rows, decision)
            self._remember(candidate, keys, replacing=index)
            return Outcome(record=record, withdraw={kept.task_id: {**record, "detail": decision}})
        decision = f"both rejected: the keys {keys_text} disagree and no solution settles which is right"
        record = _conflict_record(None, rows, decision)
        self.contested.add(index)
        return Outcome(CONFLICT, decision, record, withdraw={kept.task_id: {**record, "detail": decision}})

    def _remember(self, candidate: Candidate, keys: Fingerprint, replacing: int | None = None) -> None:
        index = len(self.kept)
        self.kept.append(candidate)
        if replacing is not None:
            self.replaced[replacing] = index
        self.exact.setdefault(keys.exact, index)
        if not self.tables:
            self.tables = [{} for _ in keys.bands]
        for table, band in zip(self.tables, keys.bands, strict=True):
            held = table.get(band)
            table[band] = index if held is None else (*_entries(held), index)


def _entries(held: int | tuple[int, ...] | None) -> tuple[int, ...]:
    """The kept tasks a band table entry holds."""
    if held is None:
        return ()
    return held if isinstance(held, tuple) else (held,)
