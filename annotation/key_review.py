"""Answer keys under review: flagged tasks in the review dataset, and the reviewers' decisions as the next version.

A flag (from ``answerkey calibrate``'s ``flags.jsonl``, or a task the trainer never solved) names
its task, the dataset version the task is in, the key and the evidence. Flags of one task become
one review record (record id = task id, so pushing again updates it, never duplicates it). The
reviewer keeps the key, replaces it (with the final answer given) or drops the task. Pulling the
review dataset writes the parent version again with those decisions applied: a replaced key must
pass the same self-checks as a built one, a dropped task is rejected as ``dropped_in_review``, a
task nobody decided yet stays as it was, and the manifest's ``changes`` lists every decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import argilla as rg

from annotation.records_api import RecordView
from pipeline.checks import CheckFailed, check_verifiable
from pipeline.derive import Derivation, read_version, write_derived
from pipeline.schema import Rejection, mapping_column, to_json

FLAG_KINDS = ("key_suspect", "verifier_suspect", "never_solved")
DECISIONS = ("keep", "replace", "drop")
_SOLUTIONS_SHOWN = 2
_SOLUTION_CHARS = 2000


class ReviewError(ValueError):
    """Flags or review records that cannot be used (missing fields, versions mixed in one pull)."""


def is_flag(row: dict) -> bool:
    """Whether a row read from a file is a flag (rather than a task row)."""
    return row.get("kind") in FLAG_KINDS and "version" in row


@dataclass
class ReviewItem:
    """Everything flagged about one task, gathered for one review record."""

    id: str
    problem: str
    version: str
    key: str
    reasons: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    majority_answer: str | None = None
    majority_count: int = 0
    k: int = 0
    correct: int = 0
    solutions: list[str] = field(default_factory=list)

    def add(self, flag: dict) -> None:
        self.reasons.append(flag["kind"])
        self.details.append(str(flag.get("detail") or ""))
        if flag.get("majority_answer") is not None and not self.majority_answer:
            self.majority_answer = str(flag["majority_answer"])
            self.majority_count = int(flag.get("majority_count") or 0)
        self.k = max(self.k, int(flag.get("k") or 0))
        self.correct = max(self.correct, int(flag.get("correct") or 0))
        self.solutions.extend(s for s in flag.get("solutions") or [] if s not in self.solutions)


def review_items(flags: Iterable[dict]) -> list[ReviewItem]:
    """The flags grouped by task (first-seen order); each flag must name its task, version and key."""
    items: dict[str, ReviewItem] = {}
    for n, flag in enumerate(flags):
        missing = [name for name in ("id", "version", "key") if not flag.get(name)]
        if missing:
            where = flag.get("_origin") or f"flag {n + 1}"
            raise ReviewError(f"{where}: field {missing[0]!r}: missing or empty")
        item = items.get(flag["id"])
        if item is None:
            item = items[flag["id"]] = ReviewItem(
                id=str(flag["id"]),
                problem=str(flag.get("problem") or ""),
                version=str(flag["version"]),
                key=flag["key"],
            )
        item.add(flag)
    return list(items.values())


def _candidates(item: ReviewItem) -> str:
    lines = [f"- `{item.key}`: the current answer key"]
    if item.majority_answer is not None:
        lines.append(f"- `{item.majority_answer}`: {item.majority_count} of {item.k} model samples")
    lines.append(f"\n{item.correct} of {item.k} samples matched the key." if item.k else "")
    return "\n".join(lines).strip()


def _evidence(item: ReviewItem) -> str:
    parts = [f"**{reason}**: {detail}" for reason, detail in zip(item.reasons, item.details, strict=True)]
    for n, solution in enumerate(item.solutions[:_SOLUTIONS_SHOWN], start=1):
        text = solution if len(solution) <= _SOLUTION_CHARS else solution[:_SOLUTION_CHARS] + " …"
        parts.append(f"**Sample solution {n}:**\n\n```\n{text}\n```")
    return "\n\n".join(parts)


def flag_record(item: ReviewItem) -> rg.Record:
    """The review record of a flagged task; the model's majority answer is suggested as a replacement."""
    suggestions = []
    if item.majority_answer is not None:
        suggestions.append(rg.Suggestion("final_answer", item.majority_answer, agent="model majority"))
    return rg.Record(
        id=item.id,
        fields={
            "problem": item.problem or "(no problem text)",
            "candidates": _candidates(item),
            "evidence": _evidence(item),
        },
        metadata={
            "from_dataset": Path(item.version).name,
            "reason": "+".join(item.reasons),
            "parent_version": item.version,
        },
        suggestions=suggestions,
    )


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one task."""

    task_id: str
    decision: str  # keep | replace | drop
    answer: str | None  # the replacement key
    reviewer: str
    reasons: str
    notes: str | None


def decision_of(record: RecordView) -> Decision | None:
    """The latest submitted decision on a review record (None: not decided yet).

    A submitted final answer without a decision reads as ``replace`` (as in the disagreement queue)."""
    submitted = record.submitted()
    if not submitted:
        return None
    answer = submitted[-1]
    final = answer.value("final_answer")
    final = final.strip() if isinstance(final, str) and final.strip() else None
    choice = answer.value("decision") or ("replace" if final else None)
    if choice not in DECISIONS:
        return None
    return Decision(
        record.id, choice, final, answer.username, str(record.metadata.get("reason") or ""), answer.value("notes")
    )


def is_key_review(records: Sequence[RecordView]) -> bool:
    """Whether review records came from flags (they name the version their tasks are in)."""
    return any(r.metadata.get("parent_version") for r in records)


@dataclass(frozen=True)
class Applied:
    """One decision applied to its task row: the row to keep (None: dropped) and the change recorded."""

    row: dict | None
    rejection: Rejection | None
    change: dict


def apply_decision(row: dict, decision: Decision, dataset: str) -> Applied:
    """Keep, replace (a new key passes the build's self-checks, or nothing changes) or drop ``row``."""
    change = {
        "id": row["id"],
        "decision": decision.decision,
        "applied": True,
        "flagged": decision.reasons,
        "reviewer": decision.reviewer,
        "notes": decision.notes,
        "old_answer": row["answer"],
    }
    if decision.decision == "drop":
        detail = f"dropped by {decision.reviewer} in review {dataset!r} ({decision.reasons})"
        return Applied(None, Rejection(row["id"], "dropped_in_review", detail, to_json(row)), change)
    new = decision.answer
    if decision.decision == "keep" or new is None or new == row["answer"]:
        return Applied(row, None, {**change, "decision": "keep"})
    try:
        checked = check_verifiable(new, row["answer_type"])
    except CheckFailed as error:
        return Applied(row, None, {**change, "applied": False, "new_answer": new, "detail": error.detail})
    review = {"dataset": dataset, "reviewer": decision.reviewer, "old_answer": row["answer"]}
    lineage = {**mapping_column(row, "lineage"), "review": review}
    replaced = {**row, "answer": checked.answer, "answer_type": checked.answer_type, "lineage": to_json(lineage)}
    return Applied(replaced, None, {**change, "new_answer": checked.answer})


@dataclass(frozen=True)
class ReviewOutcome:
    """What a pull of key reviews did to the parent version."""

    parent: str
    rows: int  # in the new version
    pending: int  # review records nobody decided yet (their tasks unchanged)
    kept: int
    replaced: int
    dropped: int
    invalid: int  # replacements that failed the key checks (not applied; the record says why)
    unknown: int  # decisions on tasks the parent version does not hold


def write_reviewed_version(records: Sequence[RecordView], dataset: str, out: Path) -> ReviewOutcome:
    """The parent version with the reviewers' decisions applied, published at ``out``."""
    parents = sorted({str(r.metadata["parent_version"]) for r in records if r.metadata.get("parent_version")})
    if len(parents) != 1:
        raise ReviewError(
            f"review dataset {dataset!r} holds tasks of {len(parents)} versions ({', '.join(parents)}); "
            "push each version's flags to a review dataset of its own"
        )
    parent = read_version(parents[0])
    decisions = {d.task_id: d for d in (decision_of(r) for r in records) if d is not None}
    rows, rejected, changes = [], [], []
    for row in parent.rows:
        decision = decisions.get(row["id"])
        applied = apply_decision(row, decision, dataset) if decision else Applied(row, None, {})
        if applied.row is not None:
            rows.append(applied.row)
        if applied.rejection is not None:
            rejected.append(applied.rejection)
        if applied.change:
            changes.append(applied.change)
    write_derived(parent, out, rows, rejected, Derivation("review", {"review_dataset": dataset}, changes))
    applied_kinds = [c["decision"] for c in changes if c["applied"]]
    return ReviewOutcome(
        parent=parents[0],
        rows=len(rows),
        pending=len(records) - len(decisions),
        kept=applied_kinds.count("keep"),
        replaced=applied_kinds.count("replace"),
        dropped=applied_kinds.count("drop"),
        invalid=sum(not c["applied"] for c in changes),
        unknown=len(decisions.keys() - {row["id"] for row in parent.rows}),
    )
