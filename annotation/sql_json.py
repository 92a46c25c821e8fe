"""Members of JSON objects in SQLite, found by key whatever the key is.

Argilla stores metadata, record fields and response values as JSON written with Python's
`json.dumps`, which escapes every non-ASCII character (`难度` becomes `\\u96be\\u5ea6`), `"` and `\\`.
SQLite 3.40's JSON paths compare a key with the stored text as it is, escapes included, and cannot
spell a key holding `"` at all, so `$."难度"` finds nothing. `json_each` decodes keys, so every
lookup here goes through it: `key = :name` compares decoded text with decoded text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, literal_column, select, true

Condition = Callable[[ColumnElement], ColumnElement]  # a condition on one SQL value


def _members(json_column: ColumnElement) -> Any:
    return func.json_each(json_column).table_valued("key", "value", "type")


def member(json_column: ColumnElement, key: str) -> ColumnElement:
    """The value of the object's member `key` (decoded; JSON text for lists and objects), or NULL."""
    each = _members(json_column)
    return select(each.c.value).where(each.c.key == key).limit(1).scalar_subquery()


@dataclass(frozen=True)
class MemberItems:
    """The items of an object's member `key`: the member itself when it is a scalar, each element
    when it is a list (as in multi-label answers and list metadata)."""

    members: Any  # json_each over the object
    items: Any  # json_each over the member's value, as a list
    key: str

    @property
    def value(self) -> ColumnElement:
        return self.items.c.value

    def joined(self, statement: Select) -> Select:
        """`statement` joined with the items (for a grouping over many objects)."""
        return statement.join(self.members, true()).join(self.items, true()).where(self.members.c.key == self.key)


def member_items(json_column: ColumnElement, key: str) -> MemberItems:
    """The items of `json_column`'s member `key`; see `MemberItems`."""
    each = _members(json_column)
    # A scalar member's value is decoded SQL text, not JSON: json_array makes it a list of one.
    listed = case((each.c.type == "array", each.c.value), else_=func.json_array(each.c.value))
    return MemberItems(members=each, items=func.json_each(listed).table_valued("value"), key=key)


def member_matches(json_column: ColumnElement, key: str, condition: Condition) -> ColumnElement:
    """The object has a member `key` whose value, or one of whose list items, satisfies `condition`."""
    items = member_items(json_column, key)
    statement: Select = select(literal_column("1")).select_from(items.members).join(items.items, true())
    return exists(statement.where(items.members.c.key == key, condition(items.value)))


def value_matches(json_text: ColumnElement, condition: Condition) -> ColumnElement:
    """A JSON value (a scalar, or a list) is or holds one satisfying `condition`."""
    items = func.json_each(json_text).table_valued("value")
    return exists(select(literal_column("1")).select_from(items).where(condition(items.c.value)))
