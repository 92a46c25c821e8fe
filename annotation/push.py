"""Push tasks or prompts into an Argilla dataset: stable record ids, batched, idempotent."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import argilla as rg
import pyarrow.parquet as pq
from tqdm import tqdm

from annotation.key_review import flag_record, is_flag, review_items
from annotation.records_api import check_workspace
from annotation.templates import settings_for, template_of
from pipeline.schema import RowError, mapping_column, task_id
from pipeline.sources import read_rows

T = TypeVar("T")
BLANK_PROBLEM = "(new exercise: write the problem in the box on the right, then its final answer)"


class PushError(ValueError):
    """Input that cannot be pushed, naming the file and what is wrong."""


@dataclass(frozen=True)
class PushReport:
    """What a push did: how many records were sent (each created or updated) to which dataset."""

    dataset: str
    sent: int


def read_tasks(source: Path) -> Iterator[dict]:
    """Task rows from a pipeline dataset version (answerkey format) or prompt rows from a file."""
    manifest = source / "manifest.json"
    if source.is_dir():
        if not manifest.exists():
            raise PushError(f"{source}: not a dataset version (no manifest.json); build one with `answerkey build`")
        fmt = json.loads(manifest.read_text(encoding="utf-8")).get("format", "answerkey")
        if fmt != "answerkey":
            raise PushError(f"{source}: built with --format {fmt}; push needs the answerkey format")
        for shard in sorted((source / "data").glob("*.parquet")):
            yield from pq.read_table(shard).to_pylist()
        return
    for item in read_rows(source):
        if isinstance(item, tuple):
            origin, row = item
            yield {**row, "_origin": origin}
        else:
            raise PushError(f"{item.origin}: {item.detail}")


def _text(row: dict, *names: str) -> str | None:
    for name in names:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _where(row: dict) -> str:
    """Where a row came from, for error messages: `file:line`, or its task id."""
    return str(row.get("_origin", row.get("id")))


def _required_text(row: dict, field: str, *names: str) -> str:
    """The first non-empty text among `names`, or a PushError naming the row and `field`."""
    text = _text(row, *names)
    if text is None:
        raise PushError(f"{_where(row)}: field {field!r}: missing or empty")
    return text


def sft_record(row: dict) -> rg.Record:
    """A prompt to answer; a reference solution, when there is one, is shown as context."""
    prompt = _required_text(row, "prompt", "prompt", "problem")
    return rg.Record(
        id=row.get("id") or task_id(prompt, ""),
        fields={"prompt": prompt, "context": _text(row, "solution", "context")},
        metadata={"source": row.get("source") or "unknown"},
    )


def exercise_record(row: dict) -> rg.Record:
    """A problem whose final answer annotators give; the known answer is the suggestion."""
    problem = _required_text(row, "problem", "problem", "prompt")
    answer = _text(row, "answer")
    try:
        extra = mapping_column(row, "metadata")
    except RowError as error:
        raise PushError(f"{_where(row)}: {error}") from error
    metadata = {"source": row.get("source") or "unknown", "verifier_status": "unchecked"}
    for name in ("subject", "level"):
        if extra.get(name) is not None:
            metadata[name] = str(extra[name])
    return rg.Record(
        id=row.get("id") or task_id(problem, answer or ""),
        fields={"problem": problem},
        metadata=metadata,
        suggestions=[rg.Suggestion("final_answer", answer, agent="source")] if answer else [],
    )


def blank_exercise_records(count: int) -> list[rg.Record]:
    """Empty records where annotators write a new problem and its answer."""
    return [
        rg.Record(
            id=f"new-{index:06d}",
            fields={"problem": BLANK_PROBLEM},
            metadata={"source": "annotators", "verifier_status": "unchecked"},
        )
        for index in range(count)
    ]


def review_record(row: dict, reason: str = "sent_back") -> rg.Record:
    """A task sent to the adjudication queue (from training, or by hand) with its current answer."""
    problem = _required_text(row, "problem", "problem", "prompt")
    answer = _text(row, "answer") or "(none)"
    return rg.Record(
        id=row.get("id") or task_id(problem, answer),
        fields={"problem": problem, "candidates": f"- `{answer}` (current answer key)"},
        metadata={"from_dataset": row.get("source") or "unknown", "reason": reason},
    )


RECORD_BUILDERS = {"sft": sft_record, "exercise": exercise_record, "review": review_record}


def ensure_dataset(
    client: rg.Argilla, name: str, template: str, workspace: str | None = None, min_submitted: int = 1
) -> rg.Dataset:
    """The dataset called `name`, created from its template the first time (a dataset of that
    name made from another template is a PushError: its records would not fit)."""
    try:
        check_workspace(client, workspace)
    except LookupError as error:
        raise PushError(f"{error} (`answerkey annotate users add USER --workspace NAME` makes one)") from error
    existing = client.datasets(name=name, workspace=workspace)
    if existing is not None:
        try:
            made_from = template_of(existing)
        except ValueError as error:
            raise PushError(f"{error}; push to another --name") from error
        if made_from != template:
            raise PushError(
                f"dataset {name!r} was made from the {made_from!r} template, not {template!r}; push to another --name"
            )
        return existing
    dataset = rg.Dataset(name=name, workspace=workspace, settings=settings_for(template, min_submitted), client=client)
    return dataset.create()


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` items (the last one shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def log_records(
    dataset: rg.Dataset, records: Iterable[rg.Record], batch_size: int, progress: bool, total: int | None = None
) -> int:
    """Log records in batches (upserts by record id), with a progress bar; returns how many."""
    sent = 0
    with tqdm(total=total, desc=f"push {dataset.name}", unit="rec", disable=not progress) as bar:
        for batch in batches(records, batch_size):
            dataset.records.log(batch, batch_size=len(batch))
            sent += len(batch)
            bar.update(len(batch))
    return sent


def push(
    client: rg.Argilla,
    source: Path | None,
    name: str,
    template: str,
    *,
    workspace: str | None = None,
    min_submitted: int = 1,
    blank: int = 0,
    reason: str = "sent_back",
    batch_size: int = 500,
    progress: bool = True,
) -> PushReport:
    """Push `source` (a dataset version or a prompts file) into dataset `name`; safe to repeat."""
    if template not in RECORD_BUILDERS:
        raise PushError(f"unknown template {template!r}; choose one of {', '.join(RECORD_BUILDERS)}")
    rows = list(read_tasks(source)) if source is not None else []
    if template == "review" and rows and all(is_flag(row) for row in rows):
        records = [flag_record(item) for item in review_items(rows)]  # calibrate's flags.jsonl
    else:
        build = partial(review_record, reason=reason) if template == "review" else RECORD_BUILDERS[template]
        records = [build(row) for row in rows]
    if blank:
        if template != "exercise":
            raise PushError("--blank makes empty exercise records; use it with --template exercise")
        records += blank_exercise_records(blank)
    dataset = ensure_dataset(client, name, template, workspace, min_submitted)
    sent = log_records(dataset, records, batch_size, progress, total=len(records))
    return PushReport(dataset=name, sent=sent)
