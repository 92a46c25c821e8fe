"""`answerkey annotate check`: run the verifiers on submitted exercise answers and flag problems
back in Argilla (metadata `verifier_status` to filter on, the field `verifier_report` to read)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import argilla as rg

from annotation.agreement import agree
from annotation.push import log_records
from annotation.records_api import Answer, RecordView, find_dataset, first_value, iter_records
from annotation.templates import template_of
from pipeline.checks import CheckFailed, check_verifiable
from verifiers.canonical import infer_answer_type

CHECK_TIMEOUT = 5.0
# A declared type also accepts answers that read as these (a number is an expression too).
_COMPATIBLE = {"expression": {"number", "expression"}, "text": None, "tuple": {"tuple", "interval"}}


@dataclass(frozen=True)
class Finding:
    """The verifier's view of one record: a status (see templates.VERIFIER_STATUSES) and why."""

    status: str
    report: str


def check_answer(answer: str | None, answer_type: str | None) -> Finding:
    """Does one answer parse under its type, verify against itself and reject a perturbed one?"""
    if answer is None or not answer.strip():
        return Finding("unparseable", "the final answer is empty")
    try:
        checked = check_verifiable(answer, answer_type, CHECK_TIMEOUT)
    except CheckFailed as failure:
        return Finding("timeout" if failure.reason == "verifier_timeout" else "unparseable", failure.detail)
    if answer_type:
        try:
            reads_as = infer_answer_type(answer, CHECK_TIMEOUT)
        except ValueError as error:
            return Finding("unparseable", str(error))
        allowed = _COMPATIBLE.get(answer_type, {answer_type})
        if allowed is not None and reads_as not in allowed:
            return Finding("inconsistent", f"declared {answer_type}, but {answer!r} reads as {reads_as}")
    return Finding("ok", f"{answer!r} checks out as {checked.answer_type} (canonical {checked.answer!r})")


def check_record(record: RecordView) -> Finding | None:
    """The finding for a record's submitted answers; None when nobody has submitted yet."""
    answers: list[Answer] = record.submitted()
    if not answers:
        return None
    lines, statuses = [], []
    for answer in answers:
        finding = check_answer(answer.value("final_answer"), answer.value("answer_type"))
        statuses.append(finding.status)
        lines.append(f"{answer.username}: {finding.status}: {finding.report}")
    for status in ("unparseable", "inconsistent", "timeout"):
        if status in statuses:
            return Finding(status, "\n".join(lines))
    outcome = agree([a.value("final_answer") for a in answers], first_value(answers, "answer_type"))
    if not outcome.agreed:
        groups = "; ".join(" = ".join(dict.fromkeys(group)) for group in outcome.groups)
        return Finding("disagreement", f"annotators disagree: {groups}\n" + "\n".join(lines))
    return Finding("ok", "\n".join(lines))


def flagged_record(record: RecordView, finding: Finding) -> rg.Record:
    """The record's update: same id, its fields plus the report, its metadata plus the status."""
    return rg.Record(
        id=record.id,
        fields={**record.fields, "verifier_report": finding.report},
        metadata={**record.metadata, "verifier_status": finding.status},
    )


def check_dataset(client: rg.Argilla, name: str, workspace: str | None = None) -> Counter:
    """Check every record with submitted answers; write back the ones whose finding changed."""
    dataset = find_dataset(client, name, workspace)
    if template_of(dataset) != "exercise":
        raise ValueError(f"{name!r} is not an exercise dataset: check runs on exercise answers")
    counts: Counter = Counter()
    updates = []
    for record in iter_records(client, dataset):
        finding = check_record(record)
        if finding is None:
            counts["unchecked"] += 1
            continue
        counts[finding.status] += 1
        if (record.metadata.get("verifier_status"), record.fields.get("verifier_report")) != (
            finding.status,
            finding.report,
        ):
            updates.append(flagged_record(record, finding))
    log_records(dataset, updates, batch_size=500, progress=False)
    return counts
