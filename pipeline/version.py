"""The installed answerkey version, recorded in manifests and in the map cache's keys."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def answerkey_version() -> str:
    """The version of the installed ``answerkey`` distribution, ``"unknown"`` when not installed."""
    try:
        return version("answerkey")
    except PackageNotFoundError:
        return "unknown"
