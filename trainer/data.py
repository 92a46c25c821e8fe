"""Read dataset folders that ``answerkey build`` or ``answerkey annotate pull`` wrote.

A folder holds parquet shards named ``{split}-NNNNN-of-NNNNN.parquet`` under ``data/`` (and, in
the ``trl`` format, SFT conversations under ``sft/``). Both the ``answerkey`` and ``trl`` formats
are read:

- SFT examples: a ``messages`` column, or ``prompt`` + ``solution`` turned into a user and an
  assistant turn.
- RL tasks: ``prompt`` (text, or a list of messages), ``answer`` and, when present, ``answer_type``,
  ``id`` and ``source``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from .errors import TrainerError

Messages = list[dict[str, str]]
_SHARD = re.compile(r"(?P<split>\w+)-\d{5}-of-\d{5}\.parquet")


@dataclass(frozen=True)
class Task:
    """A practice problem with its answer key: what RL samples solutions for and checks."""

    id: str
    prompt: Messages
    answer: str
    answer_type: str | None
    source: str
    difficulty: float | None = None  # the pass rate ``answerkey calibrate`` measured, when it did


@dataclass(frozen=True)
class Conversation:
    """An SFT example: messages whose assistant turns are learned."""

    id: str
    messages: Messages


def _shards(folder: Path, sub: str) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in sorted((folder / sub).glob("*.parquet")):
        match = _SHARD.fullmatch(path.name)
        if match:
            found.setdefault(match["split"], []).append(path)
    return found


def read_split(folder: str | Path, split: str, sub: str = "data") -> list[dict]:
    """The rows of ``split`` in ``folder/sub``; a clear error for a missing folder or split."""
    root = Path(folder)
    if not root.is_dir():
        raise TrainerError(f"{root}: no such dataset folder")
    shards = _shards(root, sub)
    if split not in shards:
        found = ", ".join(sorted(shards)) or "none"
        raise TrainerError(f"{root}: no {split!r} split in {sub}/ (splits found: {found})")
    rows: list[dict] = []
    for path in shards[split]:
        rows.extend(pq.read_table(path).to_pylist())
    return rows


def manifest_hash(folder: str | Path) -> str | None:
    """sha256 of the dataset's ``manifest.json``: which version a run trained on."""
    path = Path(folder) / "manifest.json"
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _require(rows: list[dict], columns: Sequence[str], where: str, purpose: str) -> None:
    found = sorted(rows[0]) if rows else []
    missing = [c for c in columns if c not in found]
    if missing:
        raise TrainerError(
            f"{where}: {purpose} needs column(s) {', '.join(missing)} (columns found: {', '.join(found) or 'none'})"
        )


def _messages(value: object, where: str) -> Messages:
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    if isinstance(value, list) and all(isinstance(m, dict) and "role" in m and "content" in m for m in value):
        return [{"role": str(m["role"]), "content": str(m["content"])} for m in value]
    raise TrainerError(f"{where}: expected text or a list of {{role, content}} messages, got {value!r:.80}")


def sft_conversations(folder: str | Path, split: str = "train") -> list[Conversation]:
    """SFT examples of a dataset folder: ``sft/`` (trl format) first, else ``data/``."""
    root = Path(folder)
    sub = "sft" if _shards(root, "sft") else "data"
    rows = read_split(root, split, sub)
    where = f"{root}/{sub}"
    if rows and "messages" in rows[0]:
        pairs = [
            (row.get("id") or str(i), _messages(row["messages"], f"{where} row {i}")) for i, row in enumerate(rows)
        ]
    else:
        _require(rows, ("prompt", "solution"), where, "SFT (without a messages column)")
        pairs = [
            (row.get("id") or str(i), [*_messages(row["prompt"], f"{where} row {i}"), _assistant(row["solution"])])
            for i, row in enumerate(rows)
            if row["solution"]
        ]
    conversations = [Conversation(id, messages) for id, messages in pairs]
    if not conversations:
        raise TrainerError(f"{where}: no SFT examples in split {split!r} (no row has a solution)")
    for c in conversations:
        if not any(m["role"] == "assistant" and m["content"] for m in c.messages):
            raise TrainerError(f"{where}: conversation {c.id} has no assistant turn to learn")
    return conversations


def _assistant(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def splits(folder: str | Path, sub: str = "data") -> list[str]:
    """The splits a dataset folder holds, by its shard names."""
    return sorted(_shards(Path(folder), sub))


def rl_tasks(folder: str | Path, split: str = "train") -> list[Task]:
    """Practice problems with their keys: ``prompt``, ``answer`` and optional ``answer_type``."""
    root = Path(folder)
    return tasks_from_rows(read_split(root, split), f"{root}/data")


def tasks_from_rows(rows: list[dict], where: str) -> list[Task]:
    """The tasks of dataset rows (``where`` names them in errors)."""
    _require(rows, ("prompt", "answer"), where, "RL and evaluation")
    tasks = []
    for i, row in enumerate(rows):
        answer = row["answer"]
        if not isinstance(answer, str) or not answer.strip():
            raise TrainerError(f"{where} row {i} (id {row.get('id')}): field 'answer' is empty")
        difficulty = row.get("difficulty")
        tasks.append(
            Task(
                id=str(row.get("id") or i),
                prompt=_messages(row["prompt"], f"{where} row {i}"),
                answer=answer,
                answer_type=row.get("answer_type") or None,
                source=str(row.get("source") or "unknown"),
                difficulty=float(difficulty) if difficulty is not None else None,
            )
        )
    return tasks


def in_pass_range(tasks: list[Task], min_pass: float, max_pass: float, where: str) -> list[Task]:
    """The tasks whose measured pass rate lies in [min_pass, max_pass] (``answerkey calibrate`` measures it)."""
    if (min_pass, max_pass) == (0.0, 1.0):
        return tasks
    unmeasured = sum(t.difficulty is None for t in tasks)
    if unmeasured:
        raise TrainerError(
            f"{where}: --min-pass/--max-pass need a pass rate per task, but {unmeasured} of {len(tasks)} tasks have "
            "no 'difficulty'; run `answerkey calibrate` on this dataset first"
        )
    kept = [t for t in tasks if t.difficulty is not None and min_pass <= t.difficulty <= max_pass]
    if not kept:
        raise TrainerError(f"{where}: no task has a pass rate in [{min_pass}, {max_pass}]")
    return kept
