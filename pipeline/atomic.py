"""Atomic file writes: a file is either its old self or its complete new self, never half-written.

Every write goes to a hidden temporary file in the target's folder, is fsynced, then renamed over
the target with ``os.replace`` (atomic on POSIX and Windows). A write that fails removes its
temporary file; one killed outright (``kill -9``) leaves it behind, and ``remove_temps`` clears it.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_TEMP = re.compile(r"\..+\.[0-9a-f]{32}\.tmp")


def _temp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")


def _fsync(path: Path, flags: int = os.O_RDONLY) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a fresh temporary path next to ``path``; on success it is fsynced and renamed over
    ``path``, on error it is removed and ``path`` is left as it was."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_path(target)
    try:
        yield temp
        _fsync(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def fsync_dir(folder: str | os.PathLike) -> None:
    """Make renames in ``folder`` durable (POSIX; a no-op elsewhere)."""
    if os.name == "posix":
        _fsync(Path(folder), os.O_RDONLY | os.O_DIRECTORY)


def atomic_write_bytes(path: str | os.PathLike, data: bytes | bytearray | memoryview) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as temp, open(temp, "xb") as f:
        f.write(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` atomically as UTF-8, newlines untranslated."""
    atomic_write_bytes(path, text.encode("utf-8"))


def remove_temps(folder: str | os.PathLike) -> None:
    """Remove temporary files that interrupted atomic writes left in ``folder`` (not recursive)."""
    folder = Path(folder)
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and _TEMP.fullmatch(path.name):
                path.unlink()
