"""One-line descriptions of what went wrong between a command and an Argilla server.

The SDK raises its own exceptions for an HTTP error (the server's JSON in the message), httpx's
for a connection that fails or drops, and pydantic's for a value its models refuse; a command
line wants one sentence for each, not a traceback.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pydantic
from argilla._exceptions import ArgillaAPIError
from argilla._exceptions._api import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    InternalServerError,
    NotFoundError,
    UnauthorizedError,
    UnprocessableEntityError,
)

# The SDK raises some of these itself, with its own message and no status (it then says 500).
_STATUS = {
    BadRequestError: 400,
    UnauthorizedError: 401,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    UnprocessableEntityError: 422,
    InternalServerError: 500,
}


def connection_lost(error: BaseException) -> bool:
    """Whether `error` is the server going away (or never answering), not a refusal."""
    return isinstance(error, httpx.TransportError)


def request_url(error: httpx.TransportError) -> str:
    """The server a failed request went to (`scheme://host:port`), or `the server` if unknown."""
    try:
        url = error.request.url
    except RuntimeError:  # httpx raises when the error was made without its request
        return "the server"
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


def describe(error: BaseException) -> str | None:
    """One line for an SDK, connection or validation error; None for anything else."""
    if isinstance(error, httpx.TransportError):
        return (
            f"lost the connection to the Argilla server at {request_url(error)} ({_text(error)}); "
            "is `answerkey annotate serve` still running?"
        )
    if isinstance(error, ArgillaAPIError):
        status = _STATUS.get(type(error), error.status_code)
        return f"the Argilla server refused the request (HTTP {status}): {_api_reason(error)}"
    if isinstance(error, httpx.HTTPStatusError):
        reply = error.response
        return f"the Argilla server refused the request (HTTP {reply.status_code}): {_reason(reply.text)}"
    if isinstance(error, pydantic.ValidationError):
        return "; ".join(_validation_item(item) for item in error.errors())
    return None


def _text(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _validation_item(item: Any) -> str:
    """`field: message` for one pydantic error, without its `Value error, ` prefix."""
    where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
    message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _api_reason(error: ArgillaAPIError) -> str:
    """The server's reason, from the JSON body the SDK puts after `Details: `, or the SDK's own
    message when it raised the error itself."""
    message = str(error.args[0] if error.args else "")
    _, found, raw = message.partition("Details: ")
    return _reason(raw) if found else " ".join(message.split()) or type(error).__name__


def _reason(raw: str) -> str:
    """The reason in an Argilla error body (`{"detail": ...}`), or the body itself."""
    try:
        detail = json.loads(raw)["detail"]
    except (ValueError, KeyError, TypeError):
        return " ".join(raw.split())[:300] or "no reason given"
    if isinstance(detail, str):
        return detail
    params = detail.get("params", {}) if isinstance(detail, dict) else {}
    if isinstance(params, dict) and isinstance(params.get("errors"), list):
        return "; ".join(_validation_item(item) for item in params["errors"] if isinstance(item, dict))
    if isinstance(params, dict) and (params.get("message") or params.get("detail")):
        return str(params.get("message") or params["detail"])
    return json.dumps(detail, ensure_ascii=False)
