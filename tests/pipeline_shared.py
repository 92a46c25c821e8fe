"""Where the shared exercise data lives, and a marker that skips a test when it is absent.

``../shared`` (the sibling of the repo root) is present in CI but not in a user's clone. Under
CI (``CI=true``) the marker does not skip: a missing folder then fails those tests, so CI always
runs them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_skip_without_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir() and not _IN_CI,
    reason=f"needs the shared exercise data at {SHARED_DATA} (a sibling of the repo; present in CI, not in a clone)",
)


def requires_shared(test):
    """Mark ``test`` as a ``shared`` test (left out of ``make test-fast``), skipped without the data."""
    return pytest.mark.shared(_skip_without_shared(test))
