"""Pull submitted work out of Argilla into pipeline dataset versions, with lineage.

- `sft` datasets: one SFT conversation per submitted response, with how much the annotator
  changed the LLM draft.
- `exercise` datasets: a record's answers agree when the verifiers judge them equivalent; agreed
  exercises go through the pipeline's checks (`pipeline.build`); disagreements go to the review
  dataset `NAME-review`, and a reviewer's answer there settles them on the next pull.
- `review` datasets pulled directly (items sent back from training): the reviewer's answer.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import argilla as rg

from annotation.agreement import agree
from annotation.edits import edit_distance, edit_ratio
from annotation.key_review import ReviewOutcome, is_key_review, write_reviewed_version
from annotation.push import BLANK_PROBLEM, ensure_dataset, log_records
from annotation.records_api import Answer, RecordView, find_dataset, first_value, iter_records
from annotation.sft_version import conversation_id, write_sft_version
from annotation.templates import template_of
from pipeline.atomic import atomic_write_text
from pipeline.build import BuildConfig, SourceSpec, build
from pipeline.schema import to_json


@dataclass(frozen=True)
class PullReport:
    """What a pull found: records read = pulled + pending + awaiting review."""

    template: str
    records: int
    pulled: int
    pending: int
    in_review: int
    kept: int
    drafts: dict | None = None
    review: ReviewOutcome | None = None  # a review of flagged answer keys: what the decisions did

    def summary(self) -> str:
        line = (
            f"{self.template}: {self.records} records: {self.pulled} pulled ({self.kept} kept after checks), "
            f"{self.pending} pending, {self.in_review} awaiting review"
        )
        if self.review:
            r = self.review
            line += (
                f"\nkeys: {r.kept} kept, {r.replaced} replaced, {r.dropped} dropped, {r.invalid} replacements "
                f"failed the key checks (see manifest changes); the rest of {r.parent} unchanged"
            )
        if self.drafts:
            line += (
                f"\ndrafts: {self.drafts['with_draft']} responses had one, {self.drafts['unchanged']} kept it as is, "
                f"mean edit ratio {self.drafts['mean_edit_ratio']}"
            )
        return line


def review_name(name: str) -> str:
    """The review dataset that settles disagreements on dataset `name`."""
    return f"{name}-review"


def _answer_lineage(answer: Answer) -> dict:
    return {"annotator": answer.username, "inserted_at": answer.inserted_at, "updated_at": answer.updated_at}


def sft_rows(dataset_name: str, record: RecordView) -> list[dict]:
    """One conversation per submitted response, with the draft's model and edit distance."""
    draft = record.suggestions.get("response") or {}
    draft_text = draft.get("value") or ""
    rows = []
    for answer in record.submitted():
        response = answer.value("response") or ""
        messages = [{"role": "user", "content": record.fields["prompt"]}, {"role": "assistant", "content": response}]
        lineage = {
            "dataset": dataset_name,
            "record_id": record.id,
            **_answer_lineage(answer),
            "draft_model": draft.get("agent"),
            "draft_quality": answer.value("draft_quality"),
            "draft_issues": answer.value("draft_issues") or [],
        }
        rows.append(
            {
                "id": conversation_id(messages),
                "messages": messages,
                "source": record.metadata.get("source"),
                "annotators": [answer.username],
                "draft_model": draft.get("agent"),
                "draft_edit_distance": edit_distance(draft_text, response) if draft else None,
                "draft_edit_ratio": edit_ratio(draft_text, response) if draft else None,
                "lineage": to_json(lineage),
            }
        )
    return rows


def pull_sft(client: rg.Argilla, dataset: rg.Dataset, out: Path) -> PullReport:
    """Submitted ideal responses -> an SFT dataset version at `out`."""
    rows, records, pending = [], 0, 0
    for record in iter_records(client, dataset):
        records += 1
        made = sft_rows(dataset.name, record)
        pending += not made
        rows += made
    manifest = write_sft_version(rows, out, argilla_dataset=dataset.name, records=records, pending=pending)
    return PullReport("sft", records, records - pending, pending, 0, len(rows), manifest["drafts"])


def _decisions(client: rg.Argilla, name: str, workspace: str | None) -> dict[str, Answer]:
    """Reviewers' latest submitted answer per record of dataset `name`."""
    review = client.datasets(name=review_name(name), workspace=workspace)
    if review is None:
        return {}
    return {record.id: record.submitted()[-1] for record in iter_records(client, review) if record.submitted()}


def exercise_row(
    record: RecordView, answers: list[Answer], answer: str | None, reviewer: Answer | None, dataset: str
) -> dict:
    """The exercise to build from an annotated record, with its lineage (annotators, reviewer, times)."""
    problem = first_value(answers, "problem_text") or record.fields.get("problem")
    notes = [a.value("notes") for a in answers if a.value("notes")]
    lineage = {
        "dataset": dataset,
        "record_id": record.id,
        "annotators": [_answer_lineage(a) | {"answer": a.value("final_answer")} for a in answers],
        "reviewer": _answer_lineage(reviewer) if reviewer else None,
        "suggested_answer": (record.suggestions.get("final_answer") or {}).get("value"),
    }
    metadata = {key: value for key, value in record.metadata.items() if key != "verifier_status"}
    return {
        "problem": None if problem == BLANK_PROBLEM else problem,
        "answer": answer,
        "answer_type": first_value(answers, "answer_type"),
        "metadata": {**metadata, "notes": notes},
        "lineage": {"annotation": lineage},
    }


def send_to_review(
    client: rg.Argilla, name: str, workspace: str | None, items: list[tuple[RecordView, list[list[str]]]]
) -> None:
    """Put disagreements in the review dataset (same record ids: re-sending updates, never duplicates)."""
    if not items:
        return
    review = ensure_dataset(client, review_name(name), "review", workspace)
    records = [
        rg.Record(
            id=record.id,
            fields={
                "problem": record.fields.get("problem") or "",
                "candidates": "\n".join(f"- `{group[0]}` ({len(group)} annotator(s))" for group in groups),
            },
            metadata={"from_dataset": name, "reason": "disagreement"},
        )
        for record, groups in items
    ]
    log_records(review, records, batch_size=500, progress=False)


def pull_exercises(
    client: rg.Argilla, dataset: rg.Dataset, out: Path, workspace: str | None, progress: bool
) -> PullReport:
    """Agreed or reviewed exercises -> checked tasks at `out`; disagreements -> review."""
    decisions = _decisions(client, dataset.name, workspace)
    rows, disagreements, records, pending = [], [], 0, 0
    for record in iter_records(client, dataset):
        records += 1
        answers = record.submitted()
        if not answers or record.status != "completed":
            pending += 1
            continue
        reviewer = decisions.get(record.id)
        if reviewer is not None:
            rows.append(exercise_row(record, answers, reviewer.value("final_answer"), reviewer, dataset.name))
            continue
        outcome = agree([a.value("final_answer") or "" for a in answers], first_value(answers, "answer_type"))
        if outcome.agreed:
            rows.append(exercise_row(record, answers, outcome.answer, None, dataset.name))
        else:
            disagreements.append((record, outcome.groups))
    send_to_review(client, dataset.name, workspace, disagreements)
    return build_exercises(
        rows, dataset.name, out, progress, PullReport("exercise", records, len(rows), pending, len(disagreements), 0)
    )


def pull_review(client: rg.Argilla, dataset: rg.Dataset, out: Path, progress: bool) -> PullReport:
    """Items a reviewer settled -> checked tasks at `out`; flagged keys -> the next version of their dataset."""
    views = list(iter_records(client, dataset))
    if is_key_review(views):
        return pull_key_review(views, dataset.name, out)
    rows, records, pending = [], 0, 0
    for record in views:
        records += 1
        decisions = record.submitted()
        if not decisions:
            pending += 1
            continue
        rows.append(exercise_row(record, [], decisions[-1].value("final_answer"), decisions[-1], dataset.name))
    return build_exercises(rows, dataset.name, out, progress, PullReport("review", records, len(rows), pending, 0, 0))


def pull_key_review(views: list[RecordView], name: str, out: Path) -> PullReport:
    """Decisions on flagged answer keys -> their dataset's next version (`manifest.json` lists the changes)."""
    outcome = write_reviewed_version(views, name, out)
    decided = len(views) - outcome.pending
    report = PullReport("review", len(views), decided, outcome.pending, 0, outcome.rows, review=outcome)
    atomic_write_text(out / "pull.json", json.dumps(asdict(report), indent=2) + "\n")
    return report


def build_exercises(rows: list[dict], name: str, out: Path, progress: bool, report: PullReport) -> PullReport:
    """Run the pipeline's checks on pulled exercises; write the version and `pull.json`."""
    source = SourceSpec(
        path=f"argilla:{name}",
        recipe="generic",
        mapping={"answer_type_col": "answer_type", "source": f"argilla:{name}"},
        rows=rows,
    )
    manifest = build(BuildConfig(sources=[source], out=str(out), name=out.name), progress=progress)
    report = replace(report, kept=manifest["counts"]["kept"])
    atomic_write_text(out / "pull.json", json.dumps(asdict(report), indent=2) + "\n")
    return report


def pull(
    client: rg.Argilla, name: str, out: Path, *, workspace: str | None = None, progress: bool = True
) -> PullReport:
    """Pull dataset `name` (sft, exercise or review) into a dataset version at `out`."""
    dataset = find_dataset(client, name, workspace)
    template = template_of(dataset)
    if template == "sft":
        return pull_sft(client, dataset, out)
    if template == "exercise":
        return pull_exercises(client, dataset, out, workspace, progress)
    return pull_review(client, dataset, out, progress)
