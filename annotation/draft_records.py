"""`answerkey annotate draft`: an LLM writes drafts for sft records that have none, as suggestions."""

from __future__ import annotations

import argilla as rg

from annotation.drafting import Drafter
from annotation.push import batches, log_records
from annotation.records_api import RecordView, find_dataset, iter_records
from annotation.templates import template_of


def drafted_record(record: RecordView, draft: str, model: str) -> rg.Record:
    """The record's update carrying the draft as the response's suggestion, agent = the model."""
    return rg.Record(
        id=record.id,
        fields=record.fields,
        metadata={**record.metadata, "draft_model": model},
        suggestions=[rg.Suggestion("response", draft, agent=model)],
    )


def draft_dataset(
    client: rg.Argilla,
    name: str,
    drafter: Drafter,
    *,
    workspace: str | None = None,
    batch_size: int = 8,
    max_new_tokens: int = 256,
    limit: int | None = None,
) -> int:
    """Draft every record of sft dataset `name` without a response suggestion; returns how many.

    Drafts are logged batch by batch, so an interrupted run keeps what it made and a rerun
    continues with the records still without one.
    """
    dataset = find_dataset(client, name, workspace)
    if template_of(dataset) != "sft":
        raise ValueError(f"{name!r} is not an sft dataset: drafts are responses to prompts")
    todo = [record for record in iter_records(client, dataset) if "response" not in record.suggestions]
    todo = todo[:limit] if limit is not None else todo
    for chunk in batches(todo, batch_size * 4):
        drafts = drafter.draft(
            [record.fields["prompt"] for record in chunk], batch_size=batch_size, max_new_tokens=max_new_tokens
        )
        log_records(
            dataset,
            [drafted_record(r, d, drafter.name) for r, d in zip(chunk, drafts, strict=True)],
            batch_size=500,
            progress=False,
        )
    return len(todo)
