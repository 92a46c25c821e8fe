"""An ASGI layer in front of Argilla's app that refuses oversized searches before they cost anything.

It reads the body of `POST .../records/search` (up to `SearchLimits.body_bytes`), checks it with
`annotation.search_limits`, and hands the same bytes on to Argilla; `offset` and `limit` query
parameters of every API request are checked too (Argilla lets `offset=9223372036854775808`
through to SQLite, which cannot bind it). Refusals are JSON `{"detail": ...}` like Argilla's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from annotation.search_limits import SearchLimitError, SearchLimits, check_paging, check_search_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SEARCH_PATH = re.compile(r"^/api/v1/(me/)?datasets/[^/]+/records/search$")


class BodyTooLarge(Exception):
    """A request body over the byte limit."""


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives `body` once, then whatever the client sends next (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


class SearchGuard:
    """Wraps Argilla's ASGI app; see the module docstring."""

    def __init__(self, app: ASGIApp, limits: SearchLimits | None = None) -> None:
        self.app = app
        self.limits = limits or SearchLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        try:
            for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")):
                if name in ("offset", "limit"):
                    check_paging(name, value, self.limits)
            if scope["method"] == "POST" and SEARCH_PATH.match(scope["path"]):
                body = await _read_body(receive, self.limits.body_bytes)
                receive = _replay(body, receive)
                check_search_body(_decoded(body), self.limits)
        except BodyTooLarge:
            await _refuse(send, 413, f"the search request is over {self.limits.body_bytes:,} bytes")
            return
        except SearchLimitError as error:
            await _refuse(send, 422, str(error))
            return
        await self.app(scope, receive, send)


def _decoded(body: bytes) -> Any:
    """The JSON body, or None when it is not JSON (Argilla answers that itself)."""
    try:
        return json.loads(body)
    except RecursionError as error:
        raise SearchLimitError("the search request is nested too deeply to read") from error
    except ValueError:
        return None
