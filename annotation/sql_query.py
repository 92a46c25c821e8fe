"""Argilla's search requests (text, filters, sort) as SQL over Argilla's own tables.

Names of fields, questions and metadata are looked up through `annotation.sql_json` (any name,
`难度` or `a"b` alike). A text query is one bound JSON list of terms read by `json_each`, so the
SQL is the same size for one word or fifty. Filter values are coerced to the type of what they
compare with (`["7"]` finds the integer metadata 7), or refused with a ValueError (HTTP 422).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from argilla_server.enums import MetadataPropertyType, RecordStatus, ResponseStatusFilter, SortOrder
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
)
from sqlalchemy import String, and_, cast, exists, false, func, literal, literal_column, not_, or_, select, true
from sqlalchemy.sql import ColumnElement, Select

from annotation.sql_json import Condition, member, member_matches, value_matches
from annotation.text_terms import TextTerms

MetadataTypes = Mapping[str, MetadataPropertyType]  # a dataset's metadata property types by name
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


# ----------------------------------------------------------------------------------- text search
def field_texts(field_names: list[str]) -> list[ColumnElement]:
    """Each record field's text, lower-cased as SQLite does it (ASCII letters)."""
    return [func.lower(func.coalesce(member(Record.fields, name), "")) for name in field_names]


def _terms_list(terms: list[str]) -> Any:
    """The terms as rows of one bound JSON list."""
    return func.json_each(literal(json.dumps(terms), String)).table_valued("value")


def _found_in_any(term: ColumnElement, texts: list[ColumnElement]) -> ColumnElement:
    return or_(*(func.instr(text, term) > 0 for text in texts))


def text_condition(terms: TextTerms, texts: list[ColumnElement]) -> ColumnElement:
    """Every required term appears in at least one of the fields, no excluded one in any."""
    if not texts:
        return false()
    required, excluded = _terms_list(terms.required), _terms_list(terms.excluded)
    missing: Select = (
        select(literal_column("1")).select_from(required).where(not_(_found_in_any(required.c.value, texts)))
    )
    unwanted: Select = select(literal_column("1")).select_from(excluded).where(_found_in_any(excluded.c.value, texts))
    return and_(not_(exists(missing)), not_(exists(unwanted)))


def text_score(terms: TextTerms, texts: list[ColumnElement]) -> ColumnElement:
    """How often the required terms occur in the fields, as a relevance score."""
    each = _terms_list(terms.required)
    term = each.c.value
    counts = [(func.length(text) - func.length(func.replace(text, term, ""))) / func.length(term) for text in texts]
    occurrences = sum(counts[1:], counts[0]) if counts else literal_column("0")
    return select(func.total(occurrences)).select_from(each).scalar_subquery()


# --------------------------------------------------------------------------------- filter values
def _number(value: Any, what: str, whole: bool = False) -> float | int:
    """A filter value as a number, or a ValueError saying why it is not one."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: {value!r} is not a number") from None
    if math.isnan(number):
        raise ValueError(f"{what}: {value!r} is not a number")
    if whole:
        if not number.is_integer():
            raise ValueError(f"{what}: {value!r} is not a whole number")
        return int(number)
    return number


def _as_text(values: list[str]) -> Condition:
    """Equal to one of `values` as text (an integer 3 is "3")."""
    return lambda column: cast(column, String).in_([str(value) for value in values])


def _as_numbers(values: list[Any], what: str, whole: bool) -> Condition:
    numbers = [_number(value, what, whole) for value in values]
    return lambda column: column.in_(numbers)


def _in_range(condition: RangeFilter, what: str) -> Condition:
    """Within the range, its bounds read as numbers."""
    low = None if condition.ge is None else _number(condition.ge, f"{what}, ge")
    high = None if condition.le is None else _number(condition.le, f"{what}, le")

    def within(column: ColumnElement) -> ColumnElement:
        bounds = ([column >= low] if low is not None else []) + ([column <= high] if high is not None else [])
        return and_(true(), *bounds)

    return within


def _any_value(condition: TermsFilter | RangeFilter, what: str) -> Condition:
    """Terms compared as text, ranges as numbers (suggestions and responses of any question)."""
    if isinstance(condition, TermsFilter):
        return _as_text(condition.values)
    return _in_range(condition, what)


def _metadata_value(condition: TermsFilter | RangeFilter, name: str, kind: MetadataPropertyType | None) -> Condition:
    """The condition on one metadata value, its values read as the property's type."""
    what = f"metadata {name!r}"
    if kind in (MetadataPropertyType.integer, MetadataPropertyType.float):
        if isinstance(condition, TermsFilter):
            return _as_numbers(condition.values, f"{what} ({kind.value})", whole=kind == MetadataPropertyType.integer)
        return _in_range(condition, f"{what} ({kind.value})")
    if isinstance(condition, RangeFilter):
        raise ValueError(f"{what} holds terms; a range filter needs an integer or float property")
    return _as_text(condition.values)


# ---------------------------------------------------------------------------------------- scopes
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
    what = f"suggestion {scope.property} of {scope.question!r}"
    if scope.property == "value":
        matches = value_matches(Suggestion.value, _any_value(condition, what))
    else:
        matches = _any_value(condition, what)(_suggestion_scalar(scope))
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


def _answer(question: str) -> ColumnElement:
    """The current response's answer to `question`: `{"value": ...}` as JSON text."""
    return member(Response.values, question)


def _response_condition(scope: ResponseFilterScope, condition: TermsFilter | RangeFilter) -> ColumnElement:
    if scope.question is None:
        if scope.property != "status" or not isinstance(condition, TermsFilter):
            raise ValueError(f"cannot filter on response property {scope.property!r}")
        return _response_status_condition(scope, [str(value) for value in condition.values])
    matches = member_matches(_answer(scope.question), "value", _any_value(condition, f"answer to {scope.question!r}"))
    return exists(select(Response.id).where(_owned_responses(scope), matches))


def _record_condition(scope: RecordFilterScope, condition: TermsFilter | RangeFilter) -> ColumnElement:
    column = _RECORD_COLUMNS.get(str(scope.property))
    if column is None:
        raise ValueError(f"cannot filter on record property {scope.property!r}")
    if isinstance(condition, TermsFilter):
        if column is Record.status:
            return Record.status.in_([RecordStatus(value) for value in condition.values])
        if column is Record.id:
            return Record.id.in_([UUID(str(value)) for value in condition.values])
        return column.in_([str(value) for value in condition.values])
    bounds = ([column >= condition.ge] if condition.ge is not None else []) + (
        [column <= condition.le] if condition.le is not None else []
    )
    return and_(true(), *bounds)


def filter_condition(condition: Filter, metadata_types: MetadataTypes) -> ColumnElement:
    """One SQL condition on `records` for Argilla's filter tree."""
    if isinstance(condition, AndFilter):
        return and_(true(), *(filter_condition(part, metadata_types) for part in condition.filters))
    scope = condition.scope
    if isinstance(scope, MetadataFilterScope):
        name = scope.metadata_property
        return member_matches(Record.metadata_, name, _metadata_value(condition, name, metadata_types.get(name)))
    if isinstance(scope, SuggestionFilterScope):
        return _suggestion_condition(scope, condition)
    if isinstance(scope, ResponseFilterScope):
        return _response_condition(scope, condition)
    if isinstance(scope, RecordFilterScope):
        return _record_condition(scope, condition)
    raise ValueError(f"cannot filter on scope {scope!r}")


# ------------------------------------------------------------------------------------------ sort
def _sort_key(scope: Any) -> ColumnElement:
    if isinstance(scope, MetadataFilterScope):
        return member(Record.metadata_, scope.metadata_property)
    if isinstance(scope, RecordFilterScope):
        column = _RECORD_COLUMNS.get(str(scope.property))
        if column is None:
            raise ValueError(f"cannot sort on record property {scope.property!r}")
        return column
    if isinstance(scope, SuggestionFilterScope):
        return _record_suggestions(scope, _suggestion_scalar(scope)).limit(1).scalar_subquery()
    if isinstance(scope, ResponseFilterScope):
        value = (
            func.avg(func.json_extract(_answer(scope.question), "$.value"))
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
