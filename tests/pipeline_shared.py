"""Where the shared exercise data lives, and a marker that skips a test when it is absent.

``../shared`` (the sibling of the repo root) is present in CI but not in a user's clone."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

requires_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(),
    reason=f"needs the shared exercise data at {SHARED_DATA} (a sibling of the repo; present in CI, not in a clone)",
)
