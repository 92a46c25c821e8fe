"""Reach an Argilla 2.x server: flags, then ARGILLA_API_URL/ARGILLA_API_KEY, then the home's credentials."""

from __future__ import annotations

import json
import os
from pathlib import Path

import argilla as rg
import httpx
from argilla._exceptions import ArgillaCredentialsError

from annotation.home import ServerHome, default_home


class ConnectionSettingsError(RuntimeError):
    """No way to know which server to talk to, or with which key."""


def resolve_api(api_url: str | None = None, api_key: str | None = None, home: Path | None = None) -> tuple[str, str]:
    """The URL and API key to use, from the first place that has them."""
    api_url = api_url or os.environ.get("ARGILLA_API_URL")
    api_key = api_key or os.environ.get("ARGILLA_API_KEY")
    if api_url and api_key:
        return api_url, api_key
    credentials_file = ServerHome(home or default_home()).credentials_file
    if credentials_file.exists():
        stored = json.loads(credentials_file.read_text(encoding="utf-8"))
        return api_url or stored["api_url"], api_key or stored["api_key"]
    raise ConnectionSettingsError(
        "no Argilla server given: pass --api-url and --api-key, set ARGILLA_API_URL and ARGILLA_API_KEY, "
        f"or start one with `answerkey annotate serve` (it writes {credentials_file})"
    )


def connect(api_url: str | None = None, api_key: str | None = None, home: Path | None = None) -> rg.Argilla:
    """An SDK client for the resolved server."""
    url, key = resolve_api(api_url, api_key, home)
    try:
        return rg.Argilla(api_url=url, api_key=key, timeout=120)
    except ArgillaCredentialsError as error:
        raise ConnectionSettingsError(
            f"the Argilla server at {url} rejected the API key (or is not answering): {error}"
        ) from error
    except ValueError as error:  # a 200 that is not JSON: a web page, not the API
        raise ConnectionSettingsError(
            f"{url} does not answer as an Argilla API ({error}); give the server's root URL, "
            "such as http://127.0.0.1:6900"
        ) from error
    except httpx.TransportError as error:
        raise ConnectionSettingsError(
            f"cannot reach an Argilla server at {url} ({error}); is `answerkey annotate serve` running?"
        ) from error
