"""How big a search request may be, checked on the request body before Argilla parses it.

Every limit answers HTTP 422 with a message that names it, so a hostile or careless request is
refused cheaply instead of costing the server its time. `SearchLimitError` is a ValueError, which
Argilla's API also answers with 422, so the same checks may run inside the engine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from annotation.text_terms import text_terms

SECONDS_ENV = "ANSWERKEY_SEARCH_SECONDS"  # the server's environment: its `--search-timeout`


class SearchLimitError(ValueError):
    """A search request over one of the limits, or one that cannot be read."""


@dataclass(frozen=True)
class SearchLimits:
    """The limits of one search request (defaults fit the web UI many times over)."""

    body_bytes: int = 1_000_000
    query_chars: int = 1_000
    query_words: int = 50
    value_chars: int = 500
    filter_values: int = 1_000
    offset: int = 1_000_000_000
    limit: int = 1_000_000_000
    seconds: float = 10.0  # the SQL of one search is interrupted past this

    @classmethod
    def from_environment(cls) -> SearchLimits:
        """The defaults, with the time bound from `ANSWERKEY_SEARCH_SECONDS` when it is set."""
        raw = os.environ.get(SECONDS_ENV, "").strip()
        return cls(seconds=float(raw)) if raw else cls()


def check_text(text: str, what: str, limits: SearchLimits, max_chars: int) -> None:
    """No NUL (SQLite would read the text as ending there) and at most `max_chars` characters."""
    if "\x00" in text:
        raise SearchLimitError(f"{what} contains a NUL character (U+0000), which cannot be searched for")
    if len(text) > max_chars:
        raise SearchLimitError(f"{what} has {len(text):,} characters; the limit is {max_chars:,}")


def check_query_text(q: str, limits: SearchLimits) -> None:
    """A search box query within the character and word limits."""
    check_text(q, "the search text", limits, limits.query_chars)
    words = len(text_terms(q))
    if words > limits.query_words:
        raise SearchLimitError(f"the search text has {words} words; the limit is {limits.query_words}")


def _check_range(condition: dict, position: int) -> None:
    bounds = {name: condition[name] for name in ("ge", "le") if condition.get(name) is not None}
    kinds = {isinstance(value, str) for value in bounds.values()}
    if len(kinds) > 1:
        raise SearchLimitError(
            f"filter {position}: range bounds must both be numbers or both be text, got "
            + " and ".join(f"{name}={value!r}" for name, value in bounds.items())
        )


def _check_filters(filters: Any, limits: SearchLimits) -> None:
    conditions = filters.get("and") if isinstance(filters, dict) else None
    if not isinstance(conditions, list):
        return  # Argilla's own validation answers malformed filters
    total = 0
    for position, condition in enumerate(conditions, start=1):
        if not isinstance(condition, dict):
            continue
        if condition.get("type") == "range":
            _check_range(condition, position)
        values = condition.get("values")
        for value in values if isinstance(values, list) else []:
            if isinstance(value, str):
                check_text(value, f"filter {position}: a value", limits, limits.value_chars)
        total += len(values) if isinstance(values, list) else 0
    if total > limits.filter_values:
        raise SearchLimitError(f"the filters list {total:,} values; the limit is {limits.filter_values:,}")


def check_search_body(body: Any, limits: SearchLimits) -> None:
    """A decoded search request body within the limits (shapes Argilla rejects are left to it)."""
    if not isinstance(body, dict):
        return
    query = body.get("query")
    text = query.get("text") if isinstance(query, dict) else None
    q = text.get("q") if isinstance(text, dict) else None
    if isinstance(q, str):
        check_query_text(q, limits)
    _check_filters(body.get("filters"), limits)


def check_paging(name: str, raw: str, limits: SearchLimits) -> None:
    """An `offset` or `limit` query parameter: a whole number from 0 to its limit."""
    bound = limits.offset if name == "offset" else limits.limit
    try:
        value = int(raw)
    except ValueError:
        return  # not a number: Argilla's own validation says so
    if not 0 <= value <= bound:
        raise SearchLimitError(f"{name}={raw}: must be a whole number from 0 to {bound:,}")
