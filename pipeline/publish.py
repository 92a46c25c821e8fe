"""Publishing a dataset version: finished files moved into place atomically, the manifest last."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

from .atomic import atomic_write_text, fsync_dir
from .card import render_card
from .export import SHARD_PATH, remove_stale_shards

PARTIAL = ".partial"  # a version is written here first, then published


def split_counts(files: dict) -> dict:
    """Rows per split of the ``data/`` shards, by their names (``export.SHARD_PATH``)."""
    counts: Counter = Counter()
    for name, meta in files.items():
        match = SHARD_PATH.fullmatch(name)
        if match and match["folder"] == "data":
            counts[match["split"]] += meta["rows"]
    return dict(sorted(counts.items()))


def publish(partial: Path, out: Path, manifest: dict) -> None:
    """Move the finished files into place, each by an atomic rename, the manifest last.

    Shards replace those of the same name one at a time, and shards of an earlier build that this
    one does not have are removed after: the shard folders are never missing nor hold a partly
    written file, and the manifest, written last, names the files (and hashes) of this build.
    """
    folders = set()
    for name in manifest["files"]:
        target = out / name
        target.parent.mkdir(exist_ok=True)
        os.replace(partial / name, target)
        folders.add(target.parent)
    for folder in sorted(folders):
        fsync_dir(folder)
    remove_stale_shards(out, manifest["files"])
    for name in ("rejected.jsonl", "duplicates.jsonl"):
        (partial / name).replace(out / name)
    atomic_write_text(out / "README.md", render_card(manifest))
    atomic_write_text(out / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    shutil.rmtree(partial, ignore_errors=True)
