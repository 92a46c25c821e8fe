"""Export: atomic writes, shards in each format, determinism, the dataset card, and the trainers'
own ways of reading the files (TRL's GRPO/SFT data utilities, verl's RLHFDataset steps)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import word_level_tokenizer

from pipeline.atomic import atomic_path, atomic_write_bytes, atomic_write_text, remove_temps
from pipeline.card import render_card
from pipeline.export import FORMATS, write_dataset
from pipeline.schema import SCHEMA_VERSION, task_id, to_json

SHARD_ROWS = 4
FINAL = re.compile(r"(data|sft)/(train|test)-(\d{5})-of-(\d{5})\.(parquet|jsonl)")


def _row(i: int) -> dict:
    if i % 7 == 3:
        problem, answer, answer_type = f"Which is larger? (A) {i} (B) {i + 1}", "B", "choice"
    elif i % 5 == 2:
        problem, answer, answer_type = f"小明有{i}个苹果，又买了{i}个，一共有几个？", str(2 * i), "number"
    else:
        problem, answer, answer_type = f"What is {i} + {i}?", str(2 * i), "number"
    return {
        "id": task_id(problem, answer),
        "problem": problem,
        "prompt": problem + "\nPut the final answer in \\boxed{}.",
        "answer": answer,
        "answer_type": answer_type,
        "solution": f"Work it out. The answer is \\boxed{{{answer}}}." if i % 3 else None,
        "source": "unit-test",
        "license": "mit" if i % 2 else "cc-by-4.0",
        "lang": "zh" if i % 5 == 2 else "en",
        "split": "test" if i % 4 == 0 else "train",
        "difficulty": None if i % 2 else i / 20,
        "metadata": to_json({"n": i}),
        "lineage": to_json({"origin": f"unit.jsonl:{i + 1}"}),
        "verifier": to_json({"name": "answerkey", "answer_type": answer_type}),
    }


ROWS = [_row(i) for i in range(20)]
BY_SPLIT = {s: [r for r in ROWS if r["split"] == s] for s in ("train", "test")}


def _write(out_dir, fmt, rows=ROWS, shard_rows=SHARD_ROWS):
    return write_dataset(iter(rows), out_dir, fmt, shard_rows=shard_rows)


def _snapshot(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _load_parquet(folder, cache):
    from datasets import load_dataset

    return load_dataset("parquet", data_dir=str(folder), cache_dir=str(cache))


def _manifest(fmt: str, files: dict) -> dict:
    return {
        "name": f"unit-{fmt}",
        "format": fmt,
        "counts": {"read": 23, "kept": 20, "rejected": {"duplicate": 2, "unverifiable_answer": 1}},
        "splits": {s: len(rows) for s, rows in BY_SPLIT.items()},
        "sources": [
            {"path": "unit.jsonl", "recipe": "gsm8k", "license": "mit", "rows": 12},
            {"path": "more|unit.csv", "recipe": "auto", "license": "cc-by-4.0", "rows": 11},
        ],
        "config": {"format": fmt, "near_dup_threshold": 0.9, "sources": ["unit.jsonl", "more|unit.csv"]},
        "answerkey_version": "0.1.0",
        "schema_version": SCHEMA_VERSION,
        "files": files,
    }


@pytest.fixture(scope="module")
def tokenizer():
    """A word-level tokenizer with a chat template, built here: nothing is downloaded."""
    return word_level_tokenizer(sorted({w for r in ROWS for w in (r["prompt"] + " " + (r["solution"] or "")).split()}))


# --------------------------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------------------------
def test_atomic_writes_replace_whole_files(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    atomic_write_text(target, "héllo\r\n")
    assert target.read_bytes() == "héllo\r\n".encode()
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_atomic_path_keeps_the_old_file_on_error(tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as temp:
        assert temp.parent == tmp_path and temp.name.startswith(".f.bin.")
        temp.write_bytes(b"half")
        raise RuntimeError("killed mid-write")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_a_killed_write_leaves_the_old_file_and_a_temp_that_remove_temps_clears(tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")
    code = (
        "import os, sys\nfrom pipeline.atomic import atomic_path\n"
        "with atomic_path(sys.argv[1]) as temp:\n"
        "    temp.write_bytes(b'half')\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(target)], cwd=Path(__file__).parents[1])
    assert proc.returncode == -9
    assert target.read_bytes() == b"old"
    (tmp_path / "keep.tmp").write_bytes(b"not an atomic temp")
    assert len(list(tmp_path.iterdir())) == 3
    remove_temps(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.bin", "keep.tmp"]


# --------------------------------------------------------------------------------------------
# shards, hashes, determinism, streaming, stale files
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_shards_names_rows_and_hashes(tmp_path, fmt):
    files = _write(tmp_path, fmt)
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert on_disk == set(files), "exactly the files returned, no temporaries left"
    assert list(files) == sorted(files)
    shards: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for path, info in files.items():
        m = FINAL.fullmatch(path)
        assert m, path
        assert m[5] == ("jsonl" if fmt == "openrlhf" else "parquet")
        shards.setdefault((m[1], m[2]), []).append((int(m[3]), int(m[4])))
        data = (tmp_path / path).read_bytes()
        assert info["sha256"] == hashlib.sha256(data).hexdigest()
        rows = data.decode().count("\n") if fmt == "openrlhf" else pq.read_metadata(tmp_path / path).num_rows
        assert info["rows"] == rows
        assert 1 <= rows <= SHARD_ROWS
    for (folder, split), ks in shards.items():
        assert sorted(ks) == [(k, len(ks)) for k in range(len(ks))], (folder, split, ks)
    task_rows = {s: sum(f["rows"] for p, f in files.items() if p.startswith(f"data/{s}-")) for s in BY_SPLIT}
    assert task_rows == {s: len(r) for s, r in BY_SPLIT.items()}
    sft = {s: sum(f["rows"] for p, f in files.items() if p.startswith(f"sft/{s}-")) for s in BY_SPLIT}
    expected_sft = {s: sum(1 for r in split_rows if r["solution"]) for s, split_rows in BY_SPLIT.items()}
    assert sft == (expected_sft if fmt == "trl" else {"train": 0, "test": 0})


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_rows_same_bytes(tmp_path, fmt):
    first = _write(tmp_path / "a", fmt)
    second = _write(tmp_path / "b", fmt)
    again = _write(tmp_path / "a", fmt)
    assert first == second == again
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")


def test_streams_shard_by_shard(tmp_path):
    """A full shard is on disk before the input is exhausted."""

    def rows():
        for n, row in enumerate(BY_SPLIT["train"]):
            if n == SHARD_ROWS + 1:
                assert (tmp_path / "data" / "train-00000.parquet").is_file()
            yield row

    files = write_dataset(rows(), tmp_path, "answerkey", shard_rows=SHARD_ROWS)
    assert sum(f["rows"] for f in files.values()) == len(BY_SPLIT["train"])


def test_rewrite_removes_stale_shards_and_temporaries(tmp_path):
    _write(tmp_path, "trl", shard_rows=2)
    (tmp_path / "data" / "train-00042.parquet").write_bytes(b"unnumbered shard of a killed run")
    (tmp_path / "data" / f".train-00000.parquet.{'ab' * 16}.tmp").write_bytes(b"half-written")
    (tmp_path / "data" / "notes.txt").write_text("not ours")
    files = _write(tmp_path, "verl", shard_rows=100)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [*files, "data/notes.txt"]
    )
    assert set(files) == {"data/test-00000-of-00001.parquet", "data/train-00000-of-00001.parquet"}


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        write_dataset(ROWS, tmp_path, "csv")
    with pytest.raises(ValueError, match="shard_rows"):
        write_dataset(ROWS, tmp_path, "trl", shard_rows=0)
    with pytest.raises(ValueError, match="split"):
        write_dataset([{**ROWS[0], "split": "../train"}], tmp_path, "answerkey")


# --------------------------------------------------------------------------------------------
# each format, read back the way its consumer reads it
# --------------------------------------------------------------------------------------------
def test_answerkey_round_trip(tmp_path):
    _write(tmp_path / "out", "answerkey")
    ds = _load_parquet(tmp_path / "out" / "data", tmp_path / "cache")
    for split, rows in BY_SPLIT.items():
        assert ds[split].to_list() == rows, "every column, in input order"


def test_trl_grpo_and_sft(tmp_path, tokenizer):
    from transformers import TrainerState
    from trl.data_utils import is_conversational, maybe_apply_chat_template

    from verifiers import reward

    _write(tmp_path / "out", "trl")
    grpo = _load_parquet(tmp_path / "out" / "data", tmp_path / "cache")["train"]
    rows = BY_SPLIT["train"]
    assert grpo.column_names == ["id", "prompt", "answer", "answer_type"]
    # GRPOTrainer: each example's prompt goes through maybe_apply_chat_template ...
    for example, row in zip(grpo, rows, strict=True):
        assert is_conversational(example)
        text = maybe_apply_chat_template({"prompt": example["prompt"]}, tokenizer)["prompt"]
        assert text == f"user : {row['prompt']} assistant : "
    # ... and reward functions get the completions plus every other column, as lists (as in
    # GRPOTrainer._calculate_rewards).
    batch = grpo[:]
    keys = [k for k in batch if k not in ("prompt", "completion", "completion_ids")]

    def score(texts):
        completions = [[{"role": "assistant", "content": t}] for t in texts]
        return reward(
            prompts=batch["prompt"],
            completions=completions,
            completion_ids=[[1]] * len(texts),
            trainer_state=TrainerState(),
            **{k: batch[k] for k in keys},
        )

    assert score([f"So it is \\boxed{{{a}}}." for a in batch["answer"]]) == [1.0] * len(rows)
    wrong = ["So it is \\boxed{C}." if t == "choice" else "So it is \\boxed{-1}." for t in batch["answer_type"]]
    assert score(wrong) == [0.0] * len(rows)

    sft = _load_parquet(tmp_path / "out" / "sft", tmp_path / "cache")["train"]
    with_solution = [r for r in rows if r["solution"]]
    assert sft.column_names == ["id", "messages"] and sft["id"] == [r["id"] for r in with_solution]
    for example, row in zip(sft, with_solution, strict=True):
        assert is_conversational(example)
        text = maybe_apply_chat_template({"messages": example["messages"]}, tokenizer)["text"]
        assert text == f"user : {row['prompt']} assistant : {row['solution']} "


def test_verl_rlhf_dataset_steps(tmp_path, tokenizer):
    """verl's RLHFDataset: load_dataset("parquet") per file, concatenate, filter by templated prompt
    length, then per row: pop ``prompt`` (messages), apply the chat template, tokenize; the reward
    manager reads ``data_source``, ``reward_model["ground_truth"]`` and ``extra_info``."""
    from datasets import concatenate_datasets, load_dataset

    from verifiers import reward

    files = _write(tmp_path / "out", "verl")
    train_files = [str(tmp_path / "out" / p) for p in files if p.startswith("data/train-")]
    frames = [load_dataset("parquet", data_files=f, cache_dir=str(tmp_path / "cache"))["train"] for f in train_files]
    dataframe = concatenate_datasets(frames)

    def prompt_length(doc) -> int:
        text = tokenizer.apply_chat_template(doc["prompt"], add_generation_prompt=True, tokenize=False)
        return len(tokenizer(text)["input_ids"])

    dataframe = dataframe.filter(lambda doc: prompt_length(doc) <= 1024)
    rows = BY_SPLIT["train"]
    assert len(dataframe) == len(rows)

    def compute_score(data_source, solution_str, ground_truth, extra_info=None):  # as in the card
        return reward([solution_str], [ground_truth], answer_type=[extra_info["answer_type"]])[0]

    for item, row in enumerate(rows):
        row_dict = dataframe[item]
        messages = row_dict.pop("prompt")
        raw_prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        assert raw_prompt == f"user : {row['prompt']} assistant : "
        input_ids = tokenizer(raw_prompt, return_tensors="pt", add_special_tokens=False)["input_ids"]
        assert input_ids.shape[0] == 1 and input_ids.shape[1] > 0
        extra_info = {"split": "train", "index": item, "id": row["id"], "answer_type": row["answer_type"]}
        assert row_dict["extra_info"] == extra_info
        assert row_dict["ability"] == "math" and row_dict["data_source"] == row["source"]
        assert row_dict["reward_model"] == {"style": "rule", "ground_truth": row["answer"]}
        args = (row_dict["data_source"], row_dict["reward_model"]["ground_truth"], row_dict["extra_info"])
        assert compute_score(args[0], f"\\boxed{{{row['answer']}}}", *args[1:]) == 1.0


def test_openrlhf_jsonl(tmp_path):
    files = _write(tmp_path, "openrlhf")
    for split, rows in BY_SPLIT.items():
        raw = b"".join((tmp_path / p).read_bytes() for p in files if p.startswith(f"data/{split}-"))
        lines = raw.decode("utf-8").splitlines()
        assert "苹果" in raw.decode("utf-8"), "UTF-8, not ASCII escapes"
        records = [json.loads(line) for line in lines]
        assert all(list(r) == sorted(r) for r in records)
        assert records == [
            {"input": r["prompt"], "label": r["answer"], "id": r["id"], "answer_type": r["answer_type"]} for r in rows
        ]


# --------------------------------------------------------------------------------------------
# the dataset card
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_card_front_matter_loads_the_files(tmp_path, fmt):
    from datasets import load_dataset

    out = tmp_path / "out"
    manifest = _manifest(fmt, _write(out, fmt))
    card = render_card(manifest)
    assert card == render_card(manifest)
    atomic_write_text(out / "README.md", card)
    (out / "manifest.json").write_text(json.dumps(manifest))  # must not be mistaken for data

    head, front, body = card.split("---\n", 2)
    assert head == ""
    meta = yaml.safe_load(front)
    assert meta["license"] == ["cc-by-4.0", "mit"]
    configs = {c["config_name"]: c["data_files"] for c in meta["configs"]}
    assert set(configs) == ({"default", "sft"} if fmt == "trl" else {"default"})
    assert [d["split"] for d in configs["default"]] == ["train", "test"]
    for heading in ("Sources and licenses", "Counts", "Schema", "Files", "How it was built", "How to load"):
        assert f"\n## {heading}\n" in body
    assert "more\\|unit.csv" in body and "unverifiable_answer" in body and "near_dup_threshold" in body

    for config in configs:
        ds = load_dataset(str(out), config, cache_dir=str(tmp_path / "cache"))
        prefix = "data" if config == "default" else config
        for split in ds:
            expected = sum(f["rows"] for p, f in manifest["files"].items() if p.startswith(f"{prefix}/{split}-"))
            assert len(ds[split]) == expected > 0
    ds = load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    assert {s: len(d) for s, d in ds.items()} == manifest["splits"]
