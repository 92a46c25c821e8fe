"""The data contracts: exercises in, RL tasks and rejections out (see shared docs/design.md)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field

SCHEMA_VERSION = 1


class RowError(ValueError):
    """A row that cannot become an exercise; ``field`` names the culprit."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"field {field_name!r}: {message}")
        self.field = field_name


@dataclass
class Exercise:
    """One problem with its final answer, as read from a source, before any check."""

    problem: str
    answer: str
    origin: str  # "path:line" (or "path:row N") where it was read
    solution: str | None = None
    answer_type: str | None = None
    source: str = ""
    license: str = ""
    lang: str = "en"
    metadata: dict = field(default_factory=dict)
    lineage: dict = field(default_factory=dict)  # where it came from beyond the file: annotators, reviews


@dataclass
class Rejection:
    """A row that did not become a task, with the reason (a short code) and the detail."""

    origin: str
    reason: str
    detail: str
    row: str  # the raw row, as JSON text

    def to_dict(self) -> dict:
        return asdict(self)


def mapping_column(row: dict, column: str) -> dict:
    """A row's own mapping column (a dict, or JSON text of one), such as ``metadata``; empty when absent."""
    value = row.get(column)
    if isinstance(value, str) and value.strip():
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise RowError(column, f"not JSON: {exc.msg}") from exc
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise RowError(column, f"expected a mapping, got {type(value).__name__}")
    return value


def normalize_text(text: str) -> str:
    """Problem text for hashing and duplicate checks: NFKC, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", text).strip()


def task_id(problem: str, answer: str) -> str:
    """A stable content id: the same problem and answer always give the same id."""
    return content_id(normalize_text(problem), answer)


def content_id(normalized_problem: str, answer: str) -> str:
    """``task_id`` of a problem already passed through ``normalize_text``."""
    return hashlib.sha256(f"{normalized_problem}\x1f{answer.strip()}".encode()).hexdigest()[:16]


def to_json(value) -> str:
    """Canonical JSON text (sorted keys, no ASCII escaping; dates and the like as strings)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
