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
        return f"the Argilla server refused the request (HTTP {error.status_code}): {_api_reason(error)}"
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
    """The server's reason, read from the JSON body the SDK puts after `Details: `."""
    raw = str(error.args[0] if error.args else "").partition("Details: ")[2]
    try:
        detail = json.loads(raw)["detail"]
    except (ValueError, KeyError, TypeError):
        return raw.strip() or type(error).__name__
    if isinstance(detail, str):
        return detail
    params = detail.get("params", {}) if isinstance(detail, dict) else {}
    if isinstance(params, dict) and isinstance(params.get("errors"), list):
        return "; ".join(_validation_item(item) for item in params["errors"] if isinstance(item, dict))
    if isinstance(params, dict) and params.get("message"):
        return str(params["message"])
    return json.dumps(detail, ensure_ascii=False)
