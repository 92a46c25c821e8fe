"""Annotator accounts on an Argilla server."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import argilla as rg


@dataclass(frozen=True)
class Account:
    """A user as created; `password` is set only when it was generated or given here."""

    username: str
    role: str
    password: str | None


def ensure_workspace(client: rg.Argilla, name: str) -> rg.Workspace:
    """The workspace called `name`, created if missing."""
    workspace = client.workspaces(name)
    return workspace if workspace is not None else rg.Workspace(name=name, client=client).create()


def add_user(
    client: rg.Argilla,
    username: str,
    *,
    role: str = "annotator",
    workspace: str = "argilla",
    password: str | None = None,
) -> Account:
    """Create `username` (or reuse it) and make sure it belongs to `workspace`."""
    space = ensure_workspace(client, workspace)
    user = client.users(username)
    created_password = None
    if user is None:
        created_password = password or secrets.token_urlsafe(12)
        user = rg.User(username=username, password=created_password, role=role, client=client).create()
    if username not in {member.username for member in space.users}:
        space.add_user(user)
    return Account(username=user.username, role=getattr(user.role, "value", str(user.role)), password=created_password)
