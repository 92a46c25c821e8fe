"""Argilla's search requests (text, filters, sort) as SQL over Argilla's own tables."""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from uuid import UUID

from argilla_server.enums import RecordStatus, ResponseStatusFilter, SortOrder
from argilla_server.models import Question, Record, Response, Suggestion
from argilla_server.search_engine import (
    AndFilter,
    Filter,
    MetadataFilterScope,
    Order,
    RangeFilter,
    RecordFilterScope,
    ResponseFilterScope,
    SuggestionFilterScope,
    TermsFilter,
    TextQuery,
)
from sqlalchemy import and_, exists, false, func, literal_column, not_, or_, select, true
from sqlalchemy.sql import ColumnElement, Select

_QUOTED_OR_WORD = re.compile(r'"([^"]+)"|(\S+)')
_SUGGESTION_COLUMNS = {
    "value": Suggestion.value,
    "score": Suggestion.score,
    "agent": Suggestion.agent,
    "type": Suggestion.type,
}
_RECORD_COLUMNS = {
    "id": Record.id,
    "external_id": Record.external_id,
    "inserted_at": Record.inserted_at,
    "updated_at": Record.updated_at,
    "status": Record.status,
}


def json_path(*keys: str) -> str:
    """A SQLite JSON path for nested object keys, each quoted: `$."a"."b"`."""
    return "$" + "".join('."' + key.replace('"', '""') + '"' for key in keys)


class TextTerms(NamedTuple):
    """A search box query: words and phrases every hit contains, and `-word`s none contains."""

    required: list[str]
    excluded: list[str]

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded)


def text_terms(query: TextQuery | str) -> TextTerms:
    """Words and quoted phrases of a search box query, lower-cased, as Elasticsearch's
    simple_query_string reads them with AND: `-word` excludes, `word*` is a prefix (matched as a
    substring here, like every term), `+`, `|`, AND and OR are dropped."""
    text = query.q if isinstance(query, TextQuery) else query
    required: list[str] = []
    excluded: list[str] = []
    for phrase, word in _QUOTED_OR_WORD.findall(text):
        if phrase:
            required.append(phrase.strip().lower())
            continue
        if word.lower() in {"and", "or"}:
            continue
        chosen = excluded if word.startswith("-") else required
        chosen.append(word.strip("+-|*").lower())
    return TextTerms([term for term in required if term], [term for term in excluded if term])


def field_texts(field_names: list[str]) -> list[ColumnElement]:
    """Each record field's decoded text (json_extract turns escaped Unicode back into text)."""
    return [func.lower(func.coalesce(func.json_extract(Record.fields, json_path(name)), "")) for name in field_names]


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _in_any(term: str, texts: list[ColumnElement]) -> ColumnElement:
    return or_(*(text.like(_like_pattern(term), escape="\\") for text in texts))


def text_condition(terms: TextTerms, texts: list[ColumnElement]) -> ColumnElement:
    """Every required term appears in at least one of the fields, no excluded one in any."""
    if not texts:
        return false()
    return and_(
        true(),
        *(_in_any(term, texts) for term in terms.required),
        *(not_(_in_any(term, texts)) for term in terms.excluded),
    )


def text_score(terms: TextTerms, texts: list[ColumnElement]) -> ColumnElement:
    """How often the required terms occur in the fields, as a relevance score."""
    counts = [
        (func.length(text) - func.length(func.replace(text, term, ""))) / max(len(term), 1)
        for term in terms.required
        for text in texts
    ]
    return sum(counts[1:], counts[0]) if counts else literal_column("0")


def _value_condition(column: ColumnElement, condition: TermsFilter | RangeFilter) -> ColumnElement:
    if isinstance(condition, TermsFilter):
        return column.in_([str(value) for value in condition.values])
    bounds = []
    if condition.ge is not None:
        bounds.append(column >= condition.ge)
    if condition.le is not None:
        bounds.append(column <= condition.le)
    return and_(true(), *bounds)


def _json_values_match(json_column: ColumnElement, path: str, condition: TermsFilter | RangeFilter) -> ColumnElement:
    """A JSON value (scalar or list, as in multi-label answers) matches the terms or range."""
    if isinstance(condition, RangeFilter):
        return _value_condition(func.json_extract(json_column, path), condition)
    each = func.json_each(json_column, path).table_valued("value")
    return exists(select(literal_column("1")).select_from(each).where(_value_condition(each.c.value, condition)))


def _suggestion_scalar(scope: SuggestionFilterScope) -> ColumnElement:
    """A suggestion property as one SQL value (JSON columns decoded)."""
    column = _SUGGESTION_COLUMNS.get(scope.property)
    if column is None:
        raise ValueError(f"cannot filter or sort on suggestion property {scope.property!r}")
    return func.json_extract(column, "$") if scope.property in ("value", "score") else column


def _record_suggestions(scope: SuggestionFilterScope, column: ColumnElement) -> Select:
    """`column` of the current record's suggestions for the scope's question (a correlated select)."""
    return (
        select(column)
        .join(Question, Question.id == Suggestion.question_id)
        .where(Suggestion.record_id == Record.id, Question.name == scope.question)
    )


def _suggestion_condition(scope: SuggestionFilterScope, condition: TermsFilter | RangeFilter) -> ColumnElement:
    if scope.property == "value":
        matches = _json_values_match(Suggestion.value, "$", condition)
    else:
        matches = _value_condition(_suggestion_scalar(scope), condition)
    return exists(_record_suggestions(scope, Suggestion.id).where(matches))


def _owned_responses(scope: ResponseFilterScope) -> ColumnElement:
    """Responses to the current record, by the scope's user when it names one."""
    owned = Response.record_id == Record.id
    return owned if scope.user is None else and_(owned, Response.user_id == scope.user.id)


def _response_status_condition(scope: ResponseFilterScope, statuses: list[str]) -> ColumnElement:
    owned = _owned_responses(scope)
    chosen = [status for status in statuses if status != ResponseStatusFilter.pending]
    options = []
    if ResponseStatusFilter.pending in statuses:
        options.append(not_(exists(select(Response.id).where(owned))))
    if chosen:
        options.append(exists(select(Response.id).where(owned, Response.status.in_(chosen))))
    return or_(false(), *options)


def _response_condition(scope: ResponseFilterScope, condition: TermsFilter | RangeFilter) -> ColumnElement:
    if scope.question is None:
        if scope.property != "status" or not isinstance(condition, TermsFilter):
            raise ValueError(f"cannot filter on response property {scope.property!r}")
        return _response_status_condition(scope, [str(value) for value in condition.values])
    matches = _json_values_match(Response.values, json_path(scope.question, "value"), condition)
    return exists(select(Response.id).where(_owned_responses(scope), matches))


def filter_condition(condition: Filter) -> ColumnElement:
    """One SQL condition on `records` for Argilla's filter tree."""
    if isinstance(condition, AndFilter):
        return and_(true(), *(filter_condition(part) for part in condition.filters))
    scope = condition.scope
    if isinstance(scope, MetadataFilterScope):
        return _json_values_match(Record.metadata_, json_path(scope.metadata_property), condition)
    if isinstance(scope, SuggestionFilterScope):
        return _suggestion_condition(scope, condition)
    if isinstance(scope, ResponseFilterScope):
        return _response_condition(scope, condition)
    if isinstance(scope, RecordFilterScope):
        column = _RECORD_COLUMNS.get(str(scope.property))
        if column is None:
            raise ValueError(f"cannot filter on record property {scope.property!r}")
        if column is Record.status and isinstance(condition, TermsFilter):
            return Record.status.in_([RecordStatus(value) for value in condition.values])
        if column is Record.id and isinstance(condition, TermsFilter):
            return Record.id.in_([UUID(str(value)) for value in condition.values])
        return _value_condition(column, condition)
    raise ValueError(f"cannot filter on scope {scope!r}")


def _sort_key(scope: Any) -> ColumnElement:
    if isinstance(scope, MetadataFilterScope):
        return func.json_extract(Record.metadata_, json_path(scope.metadata_property))
    if isinstance(scope, RecordFilterScope):
        return _RECORD_COLUMNS[str(scope.property)]
    if isinstance(scope, SuggestionFilterScope):
        return _record_suggestions(scope, _suggestion_scalar(scope)).limit(1).scalar_subquery()
    if isinstance(scope, ResponseFilterScope):
        value = (
            func.avg(func.json_extract(Response.values, json_path(scope.question, "value")))
            if scope.question
            else func.min(Response.status)
        )
        return select(value).where(_owned_responses(scope)).scalar_subquery()
    raise ValueError(f"cannot sort on scope {scope!r}")


def order_by(sort: list[Order] | None) -> list[ColumnElement]:
    """ORDER BY terms for Argilla's sort list; records without the value come last either way (as
    in Elasticsearch; SQLite alone puts NULLs first when ascending); insertion order breaks ties."""
    terms = []
    for order in sort or []:
        key = _sort_key(order.scope)
        terms.append((key.desc() if order.order == SortOrder.desc else key.asc()).nulls_last())
    return [*terms, Record.inserted_at.asc(), Record.id.asc()]
