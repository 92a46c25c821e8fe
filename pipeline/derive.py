"""Dataset versions derived from another version: the parent's rows changed, the parent and every change recorded.

A calibration sets each row's ``difficulty`` and may keep only a range of them; a review replaces
or drops answer keys. Both write a complete version (``data/`` shards, ``manifest.json``, dataset
card, ``rejected.jsonl``) through the same atomic publish as a build, and the manifest says what it
was derived from (``derived_from``: the parent's path, name and manifest sha256; how: ``kind`` and
``settings``; and, row by row, ``changes``). Only the ``answerkey`` format carries every column, so
only it can be derived from.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from .export import SHARD_PATH, write_dataset
from .publish import PARTIAL, publish, split_counts
from .schema import SCHEMA_VERSION, Rejection, to_json
from .version import answerkey_version


class DeriveError(ValueError):
    """A parent that cannot be derived from (no manifest, another format, a missing shard)."""


@dataclass(frozen=True)
class Version:
    """A published dataset version, read back: its folder, manifest and rows in file order."""

    path: Path
    manifest: dict
    rows: list[dict]

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256((self.path / "manifest.json").read_bytes()).hexdigest()


@dataclass(frozen=True)
class Derivation:
    """How a version was derived: ``kind`` (calibration, review), its ``settings`` and the row ``changes``."""

    kind: str
    settings: dict
    changes: list[dict] = field(default_factory=list)


def read_version(folder: str | Path) -> Version:
    """The manifest and rows of an ``answerkey``-format version (every split, in manifest order)."""
    path = Path(folder)
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise DeriveError(f"{path}: not a dataset version (no manifest.json); make one with `answerkey build`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != "answerkey":
        raise DeriveError(
            f"{path}: format {manifest.get('format')!r} drops columns a new version needs; "
            "derive from a version built with --format answerkey"
        )
    rows: list[dict] = []
    for name in sorted(manifest["files"]):
        match = SHARD_PATH.fullmatch(name)
        if match and match["folder"] == "data":
            shard = path / name
            if not shard.is_file():
                raise DeriveError(f"{shard}: listed in the manifest but missing")
            rows.extend(pq.read_table(shard).to_pylist())
    return Version(path, manifest, rows)


def write_derived(
    parent: Version, out: str | Path, rows: Iterable[dict], rejected: list[Rejection], derivation: Derivation
) -> dict:
    """Publish ``rows`` (answerkey task rows) as a new version at ``out``; returns its manifest."""
    out = Path(out)
    if out.resolve() == parent.path.resolve():
        raise DeriveError(f"{out}: a derived version needs its own folder, not its parent's")
    partial = out / PARTIAL
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    files = write_dataset(rows, partial, "answerkey")
    (partial / "rejected.jsonl").write_text("".join(to_json(r.to_dict()) + "\n" for r in rejected), encoding="utf-8")
    (partial / "duplicates.jsonl").write_text("", encoding="utf-8")
    kept = sum(meta["rows"] for name, meta in files.items() if name.startswith("data/"))
    read = len(parent.rows)
    if read != kept + len(rejected):
        raise AssertionError(f"counts do not reconcile: read {read}, kept {kept}, rejected {len(rejected)}")
    name = f"{parent.manifest['name']}-{derivation.kind}"
    manifest = {
        "name": name,
        "format": "answerkey",
        "schema_version": SCHEMA_VERSION,
        "answerkey_version": answerkey_version(),
        "counts": {"read": read, "kept": kept, "rejected": dict(sorted(Counter(r.reason for r in rejected).items()))},
        "splits": split_counts(files),
        "sources": parent.manifest.get("sources", []),
        "config": {"derived_by": derivation.kind, **derivation.settings},
        "derived_from": {
            "path": str(parent.path.resolve()),
            "name": parent.manifest["name"],
            "manifest_sha256": parent.manifest_sha256,
        },
        "changes": derivation.changes,
        "files": files,
    }
    publish(partial, out, manifest)
    return manifest
