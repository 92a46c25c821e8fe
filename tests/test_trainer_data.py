"""Reading dataset folders: the answerkey and trl formats of ``answerkey build``, SFT from
messages or from problem + solution, RL tasks, and clear errors for what cannot be used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from trainer_fixtures import addition_rows, build_dataset, write_parquet

from answerkey.cli import main
from trainer.data import manifest_hash, read_split, rl_tasks, sft_conversations
from trainer.errors import TrainerError

ROWS = addition_rows(top=4, forms=("What is {a} plus {b}?", "Add {a} and {b}."))  # 32 distinct problems


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("data")
    return {
        "answerkey": build_dataset(ROWS, root / "answerkey", test_fraction=0.25),
        "trl": build_dataset(ROWS, root / "trl", fmt="trl", test_fraction=0.25),
    }


def _splits(folder: Path) -> dict[str, int]:
    return json.loads((folder / "manifest.json").read_text())["splits"]


def test_build_cli_writes_the_trl_layout(tmp_path):
    """``answerkey build --format trl`` (the command line) writes data/ and sft/, which the trainer reads."""
    source = tmp_path / "problems.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS[:10]))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--out", str(out), "--format", "trl"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "data").glob("*.parquet")) == ["train-00000-of-00001.parquet"]
    assert sorted(p.name for p in (out / "sft").glob("*.parquet")) == ["train-00000-of-00001.parquet"]
    assert len(rl_tasks(out)) == len(sft_conversations(out)) == 10


def _by_problem_text(conversations) -> dict[str, list[dict]]:
    return {c.messages[0]["content"]: c.messages for c in conversations}


@pytest.mark.parametrize("fmt", ["answerkey", "trl"])
def test_sft_conversations(folders, fmt):
    splits = _splits(folders[fmt])
    assert sum(splits.values()) == len(ROWS) and splits["test"] > 0
    conversations = sft_conversations(folders[fmt], "train")
    assert len(conversations) == splits["train"]
    expected = {r["problem"]: r["solution"] for r in ROWS}
    for problem, messages in _by_problem_text(conversations).items():
        assert messages == [
            {"role": "user", "content": problem},
            {"role": "assistant", "content": expected[problem]},
        ]
    assert len(sft_conversations(folders[fmt], "test")) == splits["test"]


def test_both_formats_give_the_same_examples(folders):
    for split in ("train", "test"):
        answerkey, trl = sft_conversations(folders["answerkey"], split), sft_conversations(folders["trl"], split)
        assert sorted((c.id, str(c.messages)) for c in answerkey) == sorted((c.id, str(c.messages)) for c in trl)
        tasks_a = sorted((t.id, str(t.prompt), t.answer, t.answer_type) for t in rl_tasks(folders["answerkey"], split))
        tasks_t = sorted((t.id, str(t.prompt), t.answer, t.answer_type) for t in rl_tasks(folders["trl"], split))
        assert tasks_a == tasks_t


@pytest.mark.parametrize("fmt", ["answerkey", "trl"])
def test_rl_tasks(folders, fmt):
    tasks = rl_tasks(folders[fmt], "train")
    train = _splits(folders[fmt])["train"]
    assert len(tasks) == train and len({t.id for t in tasks}) == train
    answers = {r["problem"]: r["answer"] for r in ROWS}
    for task in tasks:
        assert len(task.prompt) == 1 and task.prompt[0]["role"] == "user"
        assert task.answer == answers[task.prompt[0]["content"]]
        assert task.answer_type == "number"
    if fmt == "answerkey":
        assert {t.source for t in tasks} == {"generic"}


def test_sft_from_messages_in_data(tmp_path):
    """A messages column in data/ (no sft/ folder): multi-turn conversations are read as they are."""
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "1 plus 1?"},
        {"role": "assistant", "content": "2"},
    ]
    write_parquet(tmp_path, "train", [{"id": "a", "messages": messages}])
    (conversation,) = sft_conversations(tmp_path)
    assert conversation.id == "a" and conversation.messages == messages


def test_rows_without_a_solution_are_left_out_of_sft(tmp_path):
    rows = [{"problem": "What is 1 plus 1?", "answer": "2"}, *ROWS[:3]]
    folder = build_dataset(rows, tmp_path / "mixed")
    assert len(rl_tasks(folder)) == 4
    assert len(sft_conversations(folder)) == 3


def test_no_solution_anywhere_is_an_error(tmp_path):
    folder = build_dataset([{"problem": "What is 1 plus 1?", "answer": "2"}], tmp_path / "bare")
    with pytest.raises(TrainerError, match="no SFT examples"):
        sft_conversations(folder)


def test_missing_columns_name_the_columns_found(tmp_path):
    write_parquet(tmp_path, "train", [{"question": "1 plus 1?", "response": "2"}])
    with pytest.raises(TrainerError) as sft_error:
        sft_conversations(tmp_path)
    assert "prompt, solution" in str(sft_error.value)
    assert "columns found: question, response" in str(sft_error.value)
    with pytest.raises(TrainerError) as rl_error:
        rl_tasks(tmp_path)
    assert "prompt, answer" in str(rl_error.value)
    assert "columns found: question, response" in str(rl_error.value)


def test_missing_split_names_the_splits_found(folders):
    with pytest.raises(TrainerError, match=r"no 'validation' split in data/ \(splits found: test, train\)"):
        rl_tasks(folders["answerkey"], "validation")
    with pytest.raises(TrainerError, match=r"splits found: test, train"):
        sft_conversations(folders["trl"], "validation")


def test_missing_folder(tmp_path):
    with pytest.raises(TrainerError, match="no such dataset folder"):
        read_split(tmp_path / "nowhere", "train")


def test_empty_answer_is_an_error(tmp_path):
    write_parquet(tmp_path, "train", [{"id": "x", "prompt": "1 plus 1?", "answer": " "}])
    with pytest.raises(TrainerError, match="row 0 \\(id x\\): field 'answer' is empty"):
        rl_tasks(tmp_path)


def test_manifest_hash_is_the_manifest_file_sha256(folders):
    import hashlib

    expected = hashlib.sha256((folders["answerkey"] / "manifest.json").read_bytes()).hexdigest()
    assert manifest_hash(folders["answerkey"]) == expected
    assert manifest_hash(folders["answerkey"] / "data") is None
