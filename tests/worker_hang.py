"""Hangs and slow start-ups injected into verifier worker processes, for the tests of time bounds.

The workers are fresh interpreters (``python -m verifiers.worker``): a sitecustomize.py put on
PYTHONPATH can sleep at start-up, and installs a profile hook that sleeps in any Python function
called with the sentinel string, writing a marker file first (which shows that the hang happened
in a worker).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SITECUSTOMIZE = """
import os, sys, threading, time
time.sleep(float(os.environ.get("ANSWERKEY_TEST_STARTUP_SECONDS", "0")))  # a slow start-up, when asked
_SENTINEL = os.environ.get("ANSWERKEY_TEST_HANG_SENTINEL")
_MARKER = os.environ.get("ANSWERKEY_TEST_HANG_MARKER")
_SECONDS = float(os.environ.get("ANSWERKEY_TEST_HANG_SECONDS", "0"))

def _hang_on_sentinel(frame, event, arg):
    if event == "call":
        for value in frame.f_locals.values():
            if type(value) is str and value == _SENTINEL:
                open(_MARKER, "w").close()
                time.sleep(_SECONDS)
                return

if _SENTINEL and _MARKER:
    sys.setprofile(_hang_on_sentinel)
    threading.setprofile(_hang_on_sentinel)
"""


def _install(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = folder / "hang-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    pythonpath = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", str(site) + (os.pathsep + pythonpath if pythonpath else ""))


def hang_on(sentinel: str, seconds: float, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make every worker started from now on sleep ``seconds`` when it meets ``sentinel``; returns
    the marker path that appears when one does."""
    _install(folder, monkeypatch)
    marker = folder / "a-worker-hung"
    monkeypatch.setenv("ANSWERKEY_TEST_HANG_SENTINEL", sentinel)
    monkeypatch.setenv("ANSWERKEY_TEST_HANG_MARKER", str(marker))
    monkeypatch.setenv("ANSWERKEY_TEST_HANG_SECONDS", str(seconds))
    return marker


def slow_start(folder: Path, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make every Python process started from now on (the verifier workers) sleep ``seconds`` first."""
    _install(folder, monkeypatch)
    monkeypatch.setenv("ANSWERKEY_TEST_STARTUP_SECONDS", str(seconds))
