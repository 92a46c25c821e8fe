"""File-level mistakes, told once: an empty source, or one where every row fails on the same field.

A wrong recipe or a missing column otherwise shows as ``kept 0`` and one rejection per row; a
``SourceTally`` watches a source's rows go by and, at its end, raises one ``SourceError`` that
names the file, the field and the columns the rows do have.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .schema import Rejection
from .sources import SourceError


@dataclass
class SourceTally:
    """What one source's rows came to: how many, how many kept, and which field failed how."""

    path: str
    allow_empty: bool = False
    read: int = 0
    kept: int = 0
    field_failures: dict[str, int] = field(default_factory=dict)
    first_failure: dict[str, Rejection] = field(default_factory=dict)

    def row_failed(self, field_name: str | None, rejection: Rejection) -> None:
        """A row rejected at the recipe; ``field_name`` is the field it failed on, if any."""
        if field_name is not None:
            self.field_failures[field_name] = self.field_failures.get(field_name, 0) + 1
            self.first_failure.setdefault(field_name, rejection)

    def check(self) -> None:
        """Raise ``SourceError`` for an empty source (unless allowed) or one whose every row
        failed on the same field."""
        if self.read == 0 and not self.allow_empty:
            raise SourceError(f"{self.path}: the source has no rows; pass --allow-empty to build from it anyway")
        if self.read == 0 or self.kept or list(self.field_failures.values()) != [self.read]:
            return
        [(name, example)] = self.first_failure.items()
        columns = _columns(example.row)
        message = example.detail.split(f"field {name!r}: ", 1)[-1]
        raise SourceError(
            f"{self.path}: every row ({self.read}) fails on the field {name!r} ({message}); "
            f"the rows have the columns {columns}: a --recipe that reads them, or a column mapping "
            "(--problem-col, --answer-col), is needed"
        )


def _columns(raw: str) -> list[str]:
    """The column names of a rejected row's raw JSON (empty when it is not an object)."""
    try:
        row = json.loads(raw)
    except json.JSONDecodeError:
        return []
    return sorted(row) if isinstance(row, dict) else []
