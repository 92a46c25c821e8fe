"""Rejection-sampling fine-tuning: only correct, finished, distinct samples are kept; ``all``,
``shortest`` and ``one`` selections; what is trained is exactly what was kept."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from trainer_fixtures import build_dataset, read_jsonl, shared

import trainer.rft
from trainer.chat import Encoded
from trainer.data import Task
from trainer.errors import TrainerError
from trainer.grpo import RLConfig, Sample
from trainer.models import load_model
from trainer.rewards import Scored
from trainer.rft import rft, select
from trainer.sampler import Completion


def _sample(text: str, correct: bool, finished: bool = True, length: int | None = None) -> Sample:
    task = Task("t", [{"role": "user", "content": "q"}], "7", None, "s")
    ids = list(range(length if length is not None else len(text)))
    scored = Scored(float(correct), correct, "ok", "", None)
    return Sample(task, [1, 2], Completion(ids, text, finished), scored, 0.0)


GROUP = [
    _sample("3 + 4 = 7. The answer is 7.", True, length=15),
    _sample("The answer is 8.", False),
    _sample("3 + 4 = 7. The answer is 7. ", True, length=16),  # the same text but for a space
    _sample("4 + 3 = 7. The answer is 7.", True, length=15),
    _sample("7", True, finished=False),  # right, but cut off at max_new_tokens
    _sample("The answer is 7.", True, length=6),
]


def test_select_all_keeps_the_distinct_correct_finished_samples():
    kept = select(GROUP, "all", random.Random(0))
    assert [s.completion.text for s in kept] == [GROUP[0].completion.text, GROUP[3].completion.text, "The answer is 7."]


def test_select_shortest():
    assert select(GROUP, "shortest", random.Random(0)) == [GROUP[5]]


def test_select_one_picks_among_the_kept():
    picks = {select(GROUP, "one", random.Random(seed))[0].completion.text for seed in range(30)}
    assert picks == {GROUP[0].completion.text, GROUP[3].completion.text, "The answer is 7."}


@pytest.mark.parametrize("how", ["all", "shortest", "one"])
def test_nothing_correct_selects_nothing(how):
    assert select([GROUP[1], GROUP[4]], how, random.Random(0)) == []


@pytest.fixture
def trained_on(monkeypatch) -> Iterator[list[list[Encoded]]]:
    """The examples each round of rft fine-tunes on (the real loop still runs)."""
    rounds: list[list[Encoded]] = []
    real = trainer.rft.train_supervised

    def spy(model, tokenizer, examples, *args, **kwargs):
        rounds.append(list(examples))
        return real(model, tokenizer, examples, *args, **kwargs)

    monkeypatch.setattr(trainer.rft, "train_supervised", spy)
    yield rounds


def _config(tmp_path_factory, out: Path, trained: bool = True, **changes) -> RLConfig:
    data = shared(tmp_path_factory)
    settings = {
        "tasks": str(data.data), "out": str(out), "algo": "rft", "prompts_per_step": 16, "group_size": 4,
        "max_new_tokens": 20, "rft_steps": 4, "rft_batch_size": 8, "workers": 1, "progress": False, **changes,
    }  # fmt: skip
    return RLConfig(model=str(data.sft if trained else data.base), **settings)


def _kept_from_rollouts(rows: list[dict]) -> dict[str, set[str]]:
    kept: dict[str, set[str]] = {}
    for r in rows:
        if r["correct"] and r["finished"]:
            kept.setdefault(r["task_id"], set()).add(r["completion"].strip())
    return kept


@pytest.mark.slow
def test_rft_trains_on_exactly_the_correct_samples(tmp_path_factory, tmp_path, trained_on):
    config = _config(tmp_path_factory, tmp_path / "out")
    history = rft(config)
    rollouts = read_jsonl(tmp_path / "out" / "rollouts.jsonl")
    tasks = len({r["task_id"] for r in rollouts})
    assert len(rollouts) == tasks * 4 and all(r["step"] == 0 for r in rollouts)
    kept = _kept_from_rollouts(rollouts)
    distinct = sum(len(texts) for texts in kept.values())
    assert 0 < distinct < len(rollouts)  # some samples were wrong: the selection means something
    assert [m["step"] for m in history] == [1, 2, 3, 4]
    assert all(m["kept_samples"] == distinct and m["round"] == 1 for m in history)
    assert history[0]["reward_mean"] == pytest.approx(sum(r["reward"] for r in rollouts) / len(rollouts))
    (examples,) = trained_on
    assert len(examples) == distinct
    _, tokenizer = load_model(config.model)
    texts = set()
    for e in examples:
        learned = [i for i, learn in zip(e.ids, e.learn, strict=True) if learn]
        prompt = [i for i, learn in zip(e.ids, e.learn, strict=True) if not learn]
        assert e.learn == [False] * len(prompt) + [True] * len(learned)  # the completion follows its prompt
        assert learned[-1] == tokenizer.eos_token_id
        texts.add(str(tokenizer.decode(learned, skip_special_tokens=True)).strip())
    assert texts == set().union(*kept.values())
    assert (tmp_path / "out" / "model.safetensors").exists() and (tmp_path / "out" / "curves.png").exists()


@pytest.mark.slow
def test_rft_shortest_over_two_rounds(tmp_path_factory, tmp_path, trained_on):
    history = rft(_config(tmp_path_factory, tmp_path / "out", select="shortest", rounds=2, rft_steps=2))
    rollouts = read_jsonl(tmp_path / "out" / "rollouts.jsonl")
    assert [m["step"] for m in history] == [1, 2, 3, 4]
    assert [m["round"] for m in history] == [1, 1, 2, 2]
    assert sorted({r["step"] for r in rollouts}) == [0, 2]  # round 2 sampled after step 2, with the tuned model
    for round_index, step in enumerate((0, 2)):
        rows = [r for r in rollouts if r["step"] == step]
        shortest: dict[str, int] = {}
        for r in rows:
            if r["correct"] and r["finished"]:
                shortest[r["task_id"]] = min(shortest.get(r["task_id"], 10**9), r["tokens"])
        examples = trained_on[round_index]
        assert len(examples) == len(shortest) == history[2 * round_index]["kept_samples"]  # one per task
        assert sorted(sum(e.learn) for e in examples) == sorted(shortest.values())


def test_rft_without_a_correct_sample_is_an_error(tmp_path_factory, tmp_path):
    rows = [{"problem": f"What is 1{a} plus 1{b}?", "answer": str(20 + a + b)} for a in range(2) for b in range(2)]
    tasks = build_dataset(rows, tmp_path / "two-digit")
    config = _config(tmp_path_factory, tmp_path / "out", trained=False, tasks=str(tasks), max_new_tokens=1)
    with pytest.raises(TrainerError, match="round 1: no correct sample to fine-tune on"):
        rft(config)


def test_rft_refuses_a_resume_with_nothing_to_resume_and_unknown_selections(tmp_path_factory, tmp_path):
    with pytest.raises(TrainerError, match="nothing to resume"):
        rft(_config(tmp_path_factory, tmp_path, trained=False, resume=True))
    with pytest.raises(TrainerError, match="--select must be one of all, shortest, one"):
        rft(_config(tmp_path_factory, tmp_path, trained=False, select="best"))


def test_a_rerun_into_the_same_folder_starts_a_fresh_rollout_log(tmp_path_factory, tmp_path):
    rows = [{"problem": f"What is 1{a} plus 1{b}?", "answer": str(20 + a + b)} for a in range(2) for b in range(2)]
    tasks = build_dataset(rows, tmp_path / "two-digit")
    config = _config(tmp_path_factory, tmp_path / "out", trained=False, tasks=str(tasks), max_new_tokens=1)
    for _ in range(2):
        with pytest.raises(TrainerError, match="no correct sample"):
            rft(config)
        assert len(read_jsonl(tmp_path / "out" / "rollouts.jsonl")) == 4 * 4  # this run's samples only
