"""Write SFT conversations pulled from Argilla as a dataset version (parquet, manifest, card)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.atomic import atomic_write_bytes, atomic_write_text
from pipeline.schema import SCHEMA_VERSION, to_json

_STR = pa.string()
SFT_SCHEMA = pa.schema(
    [
        ("id", _STR),
        ("messages", pa.list_(pa.struct([("role", _STR), ("content", _STR)]))),
        ("source", _STR),
        ("annotators", pa.list_(_STR)),
        ("draft_model", _STR),
        ("draft_edit_distance", pa.int64()),
        ("draft_edit_ratio", pa.float64()),
        ("lineage", _STR),
    ]
)
DATA_FILE = "data/train-00000-of-00001.parquet"


def conversation_id(messages: list[dict]) -> str:
    """A stable content id for a conversation."""
    return hashlib.sha256(to_json(messages).encode()).hexdigest()[:16]


def draft_summary(rows: list[dict]) -> dict:
    """Do drafts help? How many responses had a draft, kept it unchanged, and the mean edit ratio."""
    ratios = [row["draft_edit_ratio"] for row in rows if row["draft_edit_ratio"] is not None]
    return {
        "with_draft": len(ratios),
        "unchanged": sum(ratio == 0 for ratio in ratios),
        "mean_edit_ratio": round(sum(ratios) / len(ratios), 4) if ratios else None,
    }


def _card(name: str, manifest: dict) -> str:
    counts = manifest["counts"]
    return (
        f"---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: {DATA_FILE}\n---\n\n"
        f"# {name}\n\nSupervised fine-tuning conversations written by annotators in Argilla (dataset "
        f"`{manifest['argilla_dataset']}`), pulled by answerkey. Each row is one annotator's submitted ideal "
        "response; `draft_model` and `draft_edit_ratio` (0 = draft kept as is, 1 = rewritten) show how much "
        "the LLM draft helped.\n\n"
        f"Records: {counts['records']}; conversations: {counts['conversations']}; records still without a "
        f"submitted response: {counts['pending']}. Drafts: {manifest['drafts']}.\n\n"
        "Columns: `id`, `messages` (user prompt, assistant response), `source`, `annotators`, `draft_model`, "
        "`draft_edit_distance`, `draft_edit_ratio`, `lineage` (JSON: dataset, record id, annotator, times, "
        "draft rating and issues).\n\n"
        f'```python\nfrom datasets import load_dataset\nload_dataset("parquet", data_files="{DATA_FILE}")\n```\n'
    )


def write_sft_version(rows: list[dict], out: Path, *, argilla_dataset: str, records: int, pending: int) -> dict:
    """Write `rows` (SFT_SCHEMA) under `out` atomically; returns the manifest."""
    rows = sorted(rows, key=lambda row: row["id"])
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(rows, schema=SFT_SCHEMA), sink, compression="zstd")
    data = sink.getvalue().to_pybytes()
    atomic_write_bytes(out / DATA_FILE, data)
    manifest = {
        "name": out.name,
        "format": "sft",
        "schema_version": SCHEMA_VERSION,
        "argilla_dataset": argilla_dataset,
        "counts": {"records": records, "conversations": len(rows), "pending": pending},
        "drafts": draft_summary(rows),
        "files": {DATA_FILE: {"rows": len(rows), "sha256": hashlib.sha256(data).hexdigest()}},
    }
    atomic_write_text(out / "README.md", _card(out.name, manifest))
    atomic_write_text(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest
