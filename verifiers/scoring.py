"""Score a judge against labelled answer cases: accuracy, errors both ways, timeouts, speed.

A case file is JSONL with ``prediction`` (str), ``gold`` (str) and ``expected`` (bool), and
optionally ``id``, ``category`` and ``answer_type`` (str). A judge is any callable
``judge(prediction, gold)`` returning something truthy, or an object with ``correct`` (and
optionally ``status`` and ``reason``) such as a :class:`~verifiers.verdict.Verdict`, so the same
scoring serves answerkey's ``verify`` and other verifiers. Cases that carry an ``answer_type``
pass it on as ``judge(prediction, gold, answer_type=...)``.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Judge = Callable[..., Any]

_REQUIRED = {"prediction": str, "gold": str, "expected": bool}
_OPTIONAL = {"id": str, "category": str, "answer_type": str}


class CaseFileError(ValueError):
    """A case file that cannot be used; the message names the file, line and field."""


@dataclass(frozen=True)
class Case:
    """One labelled pair: is ``prediction`` a correct answer for ``gold``?"""

    id: str
    prediction: str
    gold: str
    expected: bool
    category: str = "uncategorized"
    answer_type: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a judge said about one case, and how long it took."""

    case: Case
    judged: bool
    status: str = "ok"
    elapsed_ms: float = 0.0
    detail: str = ""

    @property
    def right(self) -> bool:
        """Whether the judgement agrees with the label."""
        return self.judged == self.case.expected


@dataclass(frozen=True)
class Report:
    """The score of one judge over a list of cases (ids listed where it went wrong)."""

    n: int
    right: int
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]
    timeouts: tuple[str, ...]
    errors: tuple[str, ...]
    mean_ms: float
    median_ms: float
    p95_ms: float
    by_category: dict[str, tuple[int, int]]
    outcomes: tuple[Outcome, ...] = field(default=(), repr=False, compare=False)

    @property
    def accuracy(self) -> float:
        """Share of cases judged as labelled (0.0 for no cases)."""
        return self.right / self.n if self.n else 0.0

    @property
    def failures(self) -> list[Outcome]:
        """The outcomes that disagree with their label, in case order."""
        return [o for o in self.outcomes if not o.right]


def load_cases(path: str | Path) -> list[Case]:
    """Read a JSONL case file; blank lines are skipped, a missing ``id`` becomes ``file:line``."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{path}: cannot read case file: {exc}") from exc
    cases: list[Case] = []
    seen: set[str] = set()
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            case = _parse_row(line, f"{path}:{lineno}", default_id=f"{path.name}:{lineno}")
            if case.id in seen:
                raise CaseFileError(f"{path}:{lineno}: field 'id': duplicate id {case.id!r}")
            seen.add(case.id)
            cases.append(case)
    if not cases:
        raise CaseFileError(f"{path}: no cases in file")
    return cases


def _parse_row(line: str, where: str, default_id: str) -> Case:
    """One JSONL row to a :class:`Case`, or a :class:`CaseFileError` naming ``where``."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CaseFileError(f"{where}: invalid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(row, dict):
        raise CaseFileError(f"{where}: expected a JSON object, got {type(row).__name__}")
    for name, kind in _REQUIRED.items():
        if name not in row:
            raise CaseFileError(f"{where}: missing field '{name}'")
        _check_type(row, name, kind, where)
    for name, kind in _OPTIONAL.items():
        if row.get(name) is not None:
            _check_type(row, name, kind, where)
    return Case(
        id=row.get("id") or default_id,
        prediction=row["prediction"],
        gold=row["gold"],
        expected=row["expected"],
        category=row.get("category") or "uncategorized",
        answer_type=row.get("answer_type"),
    )


def _check_type(row: dict, name: str, kind: type, where: str) -> None:
    if not isinstance(row[name], kind):
        raise CaseFileError(f"{where}: field '{name}' must be {kind.__name__}, got {type(row[name]).__name__}")


def judge_case(judge: Judge, case: Case) -> Outcome:
    """Call ``judge`` on one case, timing the call; an exception counts as an error."""
    kwargs = {"answer_type": case.answer_type} if case.answer_type is not None else {}
    start = time.perf_counter()
    try:
        result = judge(case.prediction, case.gold, **kwargs)
    except Exception as exc:  # a crashing judge is scored, not propagated
        elapsed = (time.perf_counter() - start) * 1000
        return Outcome(case, False, "error", elapsed, f"{type(exc).__name__}: {exc}")
    return to_outcome(case, result, (time.perf_counter() - start) * 1000)


def to_outcome(case: Case, result: Any, elapsed_ms: float) -> Outcome:
    """Read a judge's result: Verdict-like (``correct``, ``status``, ``reason``) or truthy."""
    if hasattr(result, "correct"):
        status, reason = getattr(result, "status", "ok"), getattr(result, "reason", "")
        return Outcome(case, bool(result.correct), status, elapsed_ms, reason)
    return Outcome(case, bool(result), "ok", elapsed_ms)


def score(judge: Judge, cases: Iterable[Case]) -> Report:
    """Judge every case in order, one call at a time, and summarize."""
    return summarize([judge_case(judge, case) for case in cases])


def summarize(outcomes: list[Outcome]) -> Report:
    """Count agreement, errors both ways, timeouts and per-call time over outcomes."""
    times = sorted(o.elapsed_ms for o in outcomes)
    by_category: dict[str, tuple[int, int]] = {}
    for o in outcomes:
        right, total = by_category.get(o.case.category, (0, 0))
        by_category[o.case.category] = (right + o.right, total + 1)
    return Report(
        n=len(outcomes),
        right=sum(o.right for o in outcomes),
        false_positives=tuple(o.case.id for o in outcomes if o.judged and not o.case.expected),
        false_negatives=tuple(o.case.id for o in outcomes if not o.judged and o.case.expected),
        timeouts=tuple(o.case.id for o in outcomes if o.status == "timeout"),
        errors=tuple(o.case.id for o in outcomes if o.status == "error"),
        mean_ms=statistics.fmean(times) if times else 0.0,
        median_ms=statistics.median(times) if times else 0.0,
        p95_ms=times[math.ceil(0.95 * len(times)) - 1] if times else 0.0,
        by_category=dict(sorted(by_category.items())),
        outcomes=tuple(outcomes),
    )
