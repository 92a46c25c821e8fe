"""Read records, with every response and suggestion and their timestamps, over Argilla's REST API.

The SDK drops response timestamps and is slower for bulk reads; lineage needs both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import argilla as rg

PAGE_SIZE = 1000  # the API's largest page


@dataclass(frozen=True)
class Answer:
    """One annotator's response to a record."""

    username: str
    status: str
    values: dict[str, Any]
    inserted_at: str
    updated_at: str

    def value(self, question: str) -> Any:
        return (self.values.get(question) or {}).get("value")


def first_value(answers: list[Answer], question: str) -> Any:
    """The first non-empty answer to `question` among `answers` (None when nobody gave one)."""
    for answer in answers:
        value = answer.value(question)
        if value is not None and (not isinstance(value, str) or value.strip()):
            return value
    return None


@dataclass(frozen=True)
class RecordView:
    """A record as pull and check need it: fields, metadata, answers and suggestions by question."""

    id: str
    status: str
    fields: dict[str, Any]
    metadata: dict[str, Any]
    answers: list[Answer]
    suggestions: dict[str, dict[str, Any]]

    def submitted(self) -> list[Answer]:
        """Submitted answers, oldest first."""
        return sorted((a for a in self.answers if a.status == "submitted"), key=lambda a: a.updated_at)


def check_workspace(client: rg.Argilla, workspace: str | None) -> None:
    """A LookupError naming the workspaces there are, when `workspace` is given and is not one."""
    if workspace is not None and client.workspaces(workspace) is None:
        names = sorted(space.name for space in client.workspaces.list())
        raise LookupError(f"no Argilla workspace named {workspace!r}; there are: {', '.join(names) or 'none'}")


def find_dataset(client: rg.Argilla, name: str, workspace: str | None = None) -> rg.Dataset:
    """The dataset called `name`, or a clear error listing the ones there are."""
    check_workspace(client, workspace)
    dataset = client.datasets(name=name, workspace=workspace)
    if dataset is None:
        names = sorted(d.name for d in client.datasets.list())
        raise LookupError(f"no Argilla dataset named {name!r}; there are: {', '.join(names) or 'none'}")
    return dataset


def usernames(client: rg.Argilla) -> dict[str, str]:
    """User id -> username, for every user the caller may see."""
    listing = client.http_client.get("/api/v1/users")
    if listing.status_code == 403:
        raise LookupError(
            "reading every annotator's answers needs an owner's or admin's API key; this one is an annotator's"
        )
    listing.raise_for_status()
    return {user["id"]: user["username"] for user in listing.json()["items"]}


def iter_records(client: rg.Argilla, dataset: rg.Dataset) -> Iterator[RecordView]:
    """Every record of `dataset` in insertion order, with responses and suggestions."""
    question_names = {str(question.id): question.name for question in dataset.settings.questions}
    users = usernames(client)
    offset = 0
    while True:
        page = client.http_client.get(
            f"/api/v1/datasets/{dataset.id}/records",
            params={"include": ["responses", "suggestions"], "offset": offset, "limit": PAGE_SIZE},
        )
        page.raise_for_status()
        items = page.json()["items"]
        for item in items:
            yield _record_view(item, question_names, users)
        if len(items) < PAGE_SIZE:
            return
        offset += PAGE_SIZE


def _record_view(item: dict, question_names: dict[str, str], users: dict[str, str]) -> RecordView:
    answers = [
        Answer(
            username=users.get(response["user_id"], response["user_id"]),
            status=response["status"],
            values=response.get("values") or {},
            inserted_at=response["inserted_at"],
            updated_at=response["updated_at"],
        )
        for response in item.get("responses") or []
    ]
    suggestions = {question_names.get(s["question_id"], s["question_id"]): s for s in item.get("suggestions") or []}
    return RecordView(
        id=item.get("external_id") or item["id"],
        status=item["status"],
        fields=item.get("fields") or {},
        metadata=item.get("metadata") or {},
        answers=answers,
        suggestions=suggestions,
    )
