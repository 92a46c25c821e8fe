"""Evaluation: the unbiased pass@k estimator against brute force, and evaluate()'s figures."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import torch
from trainer_fixtures import addition_rows, build_dataset, shared

from trainer.chat import encode_prompt
from trainer.data import rl_tasks
from trainer.evaluate import EvalConfig, evaluate, pass_at, run_tasks, summarize
from trainer.models import load_model
from trainer.rewards import Rewarder
from trainer.sampler import SamplingParams, TorchSampler

KEYS = {"n", "k", "greedy_accuracy", "pass_at_1", "pass_at_k", "mean_reward", "by_source"}


def _brute_force(k: int, correct: int, j: int) -> float:
    """The chance that j of the k samples, drawn without replacement, include a correct one."""
    samples = [True] * correct + [False] * (k - correct)
    subsets = list(itertools.combinations(range(k), j))
    return sum(any(samples[i] for i in subset) for subset in subsets) / len(subsets)


@pytest.mark.parametrize("k", [1, 2, 5, 8])
def test_pass_at_is_the_unbiased_estimator(k):
    for correct in range(k + 1):
        for j in range(1, k + 1):
            assert pass_at(k, correct, j) == pytest.approx(_brute_force(k, correct, j), abs=1e-12), (k, correct, j)
    assert [pass_at(k, c, 1) for c in range(k + 1)] == pytest.approx([c / k for c in range(k + 1)])


@pytest.fixture(scope="module")
def tasks(tmp_path_factory) -> Path:
    """Test problems from two sources (a held-out test set)."""
    root = tmp_path_factory.mktemp("eval")
    rows = addition_rows(forms=("What is {a} plus {b}?",))
    a = build_dataset(rows[:12], root / "alpha", test_fraction=1.0, source="alpha")
    b = build_dataset(rows[12:], root / "beta", test_fraction=1.0, source="beta")
    merged = root / "both" / "data"
    merged.mkdir(parents=True)
    (a / "data" / "test-00000-of-00001.parquet").rename(merged / "test-00000-of-00002.parquet")
    (b / "data" / "test-00000-of-00001.parquet").rename(merged / "test-00001-of-00002.parquet")
    return root / "both"


@pytest.fixture(scope="module")
def summary(tmp_path_factory, tasks) -> tuple[dict, Path]:
    path = tmp_path_factory.mktemp("eval-out") / "eval.json"
    config = EvalConfig(
        model=str(shared(tmp_path_factory).sft), tasks=str(tasks), k=4, max_new_tokens=20, workers=1,
        json_path=str(path), progress=False,
    )  # fmt: skip
    return evaluate(config), path


@pytest.mark.slow
def test_evaluate_json(summary):
    figures, path = summary
    assert figures.keys() >= KEYS
    assert json.loads(path.read_text()) == figures
    assert figures["n"] == 25 and figures["k"] == 4
    assert set(figures["by_source"]) == {"alpha", "beta"}
    assert figures["by_source"]["alpha"]["n"] == 12 and figures["by_source"]["beta"]["n"] == 13
    for part in (figures, *figures["by_source"].values()):
        assert 0.0 <= part["pass_at_1"] <= part["pass_at_k"] <= 1.0
        # pass@1 over k samples is the mean correctness, which is the mean reward (no format reward)
        assert part["pass_at_1"] == pytest.approx(part["mean_reward"])
    assert 0 < figures["pass_at_1"] < 1  # a partly trained model: the figures are not trivially 0 or 1
    overall = sum(figures["by_source"][s]["greedy_accuracy"] * figures["by_source"][s]["n"] for s in ("alpha", "beta"))
    assert figures["greedy_accuracy"] == pytest.approx(overall / 25)


@pytest.mark.slow
def test_greedy_accuracy_is_the_greedy_samples_verified(tmp_path_factory, tasks, summary):
    """Recomputed by hand: greedy completions from the sampler, checked with the verifiers."""
    figures, _ = summary
    model, tokenizer = load_model(shared(tmp_path_factory).sft)
    test = rl_tasks(tasks, "test")
    prompts = [encode_prompt(tokenizer, t.prompt) for t in test]
    greedy = TorchSampler(model, tokenizer).sample(prompts, 1, SamplingParams(20, 0.0), torch.Generator())
    with Rewarder(workers=1) as rewarder:
        scored = rewarder.score([g[0].text for g in greedy], test, [g[0].finished for g in greedy])
    assert figures["greedy_accuracy"] == pytest.approx(sum(s.correct for s in scored) / len(test))


@pytest.mark.slow
def test_summarize_pass_at_k_per_task(tmp_path_factory, tasks):
    model, tokenizer = load_model(shared(tmp_path_factory).sft)
    test = rl_tasks(tasks, "test")[:6]
    with Rewarder(workers=1) as rewarder:
        results = run_tasks(model, tokenizer, test, rewarder, k=3, temperature=1.0, max_new_tokens=20, progress=False)
    assert [len(r.samples) for r in results] == [3] * 6
    figures = summarize(results, 3, 1.0)
    assert figures["pass_at_k"] == pytest.approx(sum(r.correct > 0 for r in results) / 6)
    assert figures["pass_at_1"] == pytest.approx(sum(r.correct for r in results) / 18)
