"""Write task rows as dataset shards: answerkey's own format, or one a trainer reads as is.

Formats (each an explicit schema, so identical rows give byte-identical files):

- ``answerkey``: the task columns, ``data/*.parquet``.
- ``trl``: GRPO rows (``prompt`` as one user message, ``answer`` and ``answer_type`` for
  ``verifiers.reward``) in ``data/``; SFT rows (``messages``) for tasks with a solution in ``sft/``.
- ``verl``: verl's RL parquet schema (``data_source``, ``prompt``, ``ability``, ``reward_model``,
  ``extra_info``) in ``data/``.
- ``openrlhf``: JSONL with ``input`` and ``label`` in ``data/``.

Rows stream through: each split's rows are buffered up to ``shard_rows`` and written as one shard,
so memory stays bounded by the shard size, whatever the input size.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .atomic import atomic_write_bytes, fsync_dir, remove_temps
from .schema import to_json

FORMATS = ("answerkey", "trl", "verl", "openrlhf")

_SPLIT = re.compile(r"\w+")
_SHARD = re.compile(r"\w+-\d{5}(-of-\d{5})?\.(parquet|jsonl)")  # final or not-yet-numbered shard names
SHARD_PATH = re.compile(r"(?P<folder>\w+)/(?P<split>\w+)-\d{5}-of-\d{5}\.(?:parquet|jsonl)")  # final, relative

_STR = pa.string()
_MESSAGES = pa.list_(pa.struct([("role", _STR), ("content", _STR)]))

ANSWERKEY_SCHEMA = pa.schema(
    [(name, _STR) for name in ("id", "problem", "prompt", "answer", "answer_type", "solution", "source", "license")]
    + [("lang", _STR), ("split", _STR), ("difficulty", pa.float64())]
    + [(name, _STR) for name in ("metadata", "lineage", "verifier")]
)
TRL_GRPO_SCHEMA = pa.schema([("id", _STR), ("prompt", _MESSAGES), ("answer", _STR), ("answer_type", _STR)])
TRL_SFT_SCHEMA = pa.schema([("id", _STR), ("messages", _MESSAGES)])
VERL_SCHEMA = pa.schema(
    [
        ("data_source", _STR),
        ("prompt", _MESSAGES),
        ("ability", _STR),
        ("reward_model", pa.struct([("style", _STR), ("ground_truth", _STR)])),
        ("extra_info", pa.struct([("split", _STR), ("index", pa.int64()), ("id", _STR), ("answer_type", _STR)])),
    ]
)
OPENRLHF_SCHEMA = pa.schema([("id", _STR), ("input", _STR), ("label", _STR), ("answer_type", _STR)])


@dataclass(frozen=True)
class Output:
    """One kind of file a format writes: its folder, file type, schema and row conversion.

    ``convert(row, index)`` gets a task row and its index within its split and returns the record
    to write, or None to skip the row.
    """

    folder: str
    schema: pa.Schema
    convert: Callable[[dict, int], dict | None]
    ext: str = "parquet"

    def encode(self, records: list[dict]) -> bytes | memoryview:
        """The file content for ``records``: parquet, or JSONL with sorted keys."""
        if self.ext == "jsonl":
            return "".join(to_json(r) + "\n" for r in records).encode("utf-8")
        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pylist(records, schema=self.schema), sink, compression="zstd")
        return memoryview(sink.getvalue())


def _user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def _answerkey(row: dict, index: int) -> dict:
    return {name: row[name] for name in ANSWERKEY_SCHEMA.names}


def _trl_grpo(row: dict, index: int) -> dict:
    return {"id": row["id"], "prompt": _user(row["prompt"]), "answer": row["answer"], "answer_type": row["answer_type"]}


def _trl_sft(row: dict, index: int) -> dict | None:
    if not row["solution"]:
        return None
    return {"id": row["id"], "messages": [*_user(row["prompt"]), {"role": "assistant", "content": row["solution"]}]}


def _verl(row: dict, index: int) -> dict:
    return {
        "data_source": row["source"],
        "prompt": _user(row["prompt"]),
        "ability": "math",
        "reward_model": {"style": "rule", "ground_truth": row["answer"]},
        "extra_info": {"split": row["split"], "index": index, "id": row["id"], "answer_type": row["answer_type"]},
    }


def _openrlhf(row: dict, index: int) -> dict:
    return {"input": row["prompt"], "label": row["answer"], "id": row["id"], "answer_type": row["answer_type"]}


OUTPUTS: dict[str, tuple[Output, ...]] = {
    "answerkey": (Output("data", ANSWERKEY_SCHEMA, _answerkey),),
    "trl": (Output("data", TRL_GRPO_SCHEMA, _trl_grpo), Output("sft", TRL_SFT_SCHEMA, _trl_sft)),
    "verl": (Output("data", VERL_SCHEMA, _verl),),
    "openrlhf": (Output("data", OPENRLHF_SCHEMA, _openrlhf, ext="jsonl"),),
}


class _Shards:
    """One split of one output, cut into shards of ``shard_rows`` records.

    Shards are written as ``{split}-{k:05d}.{ext}`` while their number is unknown, and renamed to
    ``{split}-{k:05d}-of-{n:05d}.{ext}`` by ``finish``.
    """

    def __init__(self, out_dir: Path, output: Output, split: str, shard_rows: int):
        self.out_dir, self.output, self.split, self.shard_rows = out_dir, output, split, shard_rows
        self.pending: list[dict] = []
        self.written: list[tuple[Path, int, str]] = []  # (temporary path, rows, sha256)

    def add(self, record: dict) -> None:
        self.pending.append(record)
        if len(self.pending) >= self.shard_rows:
            self._flush()

    def _flush(self) -> None:
        data = self.output.encode(self.pending)
        path = self.out_dir / self.output.folder / f"{self.split}-{len(self.written):05d}.{self.output.ext}"
        atomic_write_bytes(path, data)
        self.written.append((path, len(self.pending), hashlib.sha256(data).hexdigest()))
        self.pending = []

    def finish(self) -> dict[str, dict]:
        """Write the last shard, give every shard its final name; return them with rows and hash."""
        if self.pending:
            self._flush()
        files = {}
        n = len(self.written)
        for k, (path, rows, sha256) in enumerate(self.written):
            final = path.with_name(f"{self.split}-{k:05d}-of-{n:05d}.{self.output.ext}")
            path.replace(final)
            files[final.relative_to(self.out_dir).as_posix()] = {"rows": rows, "sha256": sha256}
        fsync_dir(self.out_dir / self.output.folder)
        return files


def remove_stale_shards(out_dir: Path, keep: dict[str, dict]) -> None:
    """Remove shards and temporary files an earlier or interrupted write left in the shard folders."""
    folders = {output.folder for outputs in OUTPUTS.values() for output in outputs}
    for folder in sorted(out_dir / f for f in folders):
        remove_temps(folder)
        if folder.is_dir():
            for path in folder.iterdir():
                if _SHARD.fullmatch(path.name) and path.relative_to(out_dir).as_posix() not in keep:
                    path.unlink()


def write_dataset(rows: Iterable[dict], out_dir: Path, fmt: str, *, shard_rows: int = 50_000) -> dict[str, dict]:
    """Write task ``rows`` (in order) to ``out_dir`` in format ``fmt``, as shards of at most
    ``shard_rows`` rows per split. Shards from earlier writes that are not part of this one are
    removed. Returns ``{relative path: {"rows": n, "sha256": hex}}`` for every file written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if shard_rows < 1:
        raise ValueError(f"shard_rows must be at least 1, got {shard_rows}")
    out_dir = Path(out_dir)
    shards: dict[tuple[str, str], _Shards] = {}
    index: Counter[str] = Counter()
    for row in rows:
        split = row["split"]
        if not isinstance(split, str) or not _SPLIT.fullmatch(split):
            raise ValueError(f"row {row.get('id')!r}: split {split!r} is not a word (letters, digits, _)")
        for output in OUTPUTS[fmt]:
            record = output.convert(row, index[split])
            if record is not None:
                key = (output.folder, split)
                if key not in shards:
                    shards[key] = _Shards(out_dir, output, split, shard_rows)
                shards[key].add(record)
        index[split] += 1
    files: dict[str, dict] = {}
    for split_shards in shards.values():
        files.update(split_shards.finish())
    remove_stale_shards(out_dir, files)
    return dict(sorted(files.items()))
