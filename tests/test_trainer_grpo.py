"""GRPO: the reward rises on an easy task, equal-reward groups are counted and skipped, and the run
folder holds metrics with every required key, run.json, the rollout log and a plot."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from pathlib import Path

import pytest
import torch
from trainer_fixtures import UNSURE, assert_same_metrics, build_dataset, read_jsonl, shared, state_dicts_equal

from trainer.chat import encode_prompt
from trainer.data import Task, rl_tasks
from trainer.grpo import (
    CompletionLogits,
    RLConfig,
    Sample,
    _update,
    advantages,
    grpo,
    policy_loss,
    sequences,
    token_logprobs,
)
from trainer.models import load_model
from trainer.optim import make_optimizer, make_schedule
from trainer.rewards import Scored
from trainer.runtime import Dist
from trainer.sampler import Completion
from verifiers import verify

REQUIRED = {
    "step", "seconds", "tokens_per_second", "loss", "lr", "reward_mean", "reward_std", "zero_variance_groups",
    "generation_seconds", "completion_length", "kl", "entropy",
}  # fmt: skip
ROLLOUT_KEYS = {"step", "task_id", "completion", "reward", "status", "reason", "advantage"}
PROMPTS, GROUP = 8, 8


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """16 GRPO steps from the shared SFT model, which says "I am not sure." about half of the time."""
    data = shared(tmp_path_factory)
    config = RLConfig(
        model=str(data.sft),
        tasks=str(data.data),
        out=str(tmp_path_factory.mktemp("grpo") / "out"),
        steps=16,
        prompts_per_step=PROMPTS,
        group_size=GROUP,
        max_new_tokens=20,
        lr=2e-4,
        workers=1,
        progress=False,
    )
    history = grpo(config)
    return config, history, Path(config.out)


@pytest.mark.slow
def test_reward_rises(run):
    _, history, out = run
    rewards = [m["reward_mean"] for m in history]
    # the last half of the run against its first steps: one step's reward is noisy (64 samples)
    assert _mean(rewards[-8:]) > _mean(rewards[:3]) + 0.1, rewards
    # what it learned is what the reward asks: stop giving up on problems it can solve
    rollouts = read_jsonl(out / "rollouts.jsonl")
    unsure = [sum(r["completion"] == UNSURE for r in rollouts if r["step"] == s) for s in range(1, 17)]
    assert sum(unsure[-5:]) < 0.5 * sum(unsure[:3]), unsure


@pytest.mark.slow
def test_metrics_have_every_required_key(run):
    _, history, out = run
    metrics = read_jsonl(out / "metrics.jsonl")
    assert metrics == history
    assert [m["step"] for m in metrics] == list(range(1, 17))
    for m in metrics:
        assert m.keys() >= REQUIRED, REQUIRED - m.keys()
        assert m["kl"] is None  # beta 0: no reference model
        assert m["seconds"] >= m["generation_seconds"] > 0 and m["tokens_per_second"] > 0
        assert m["entropy"] is None or m["entropy"] > 0
        assert m["lr"] == pytest.approx(2e-4)


@pytest.mark.slow
def test_metrics_agree_with_the_rollouts(run):
    _, history, out = run
    rollouts = read_jsonl(out / "rollouts.jsonl")
    assert len(rollouts) == 16 * PROMPTS * GROUP
    for m in history:
        rows = [r for r in rollouts if r["step"] == m["step"]]
        groups = [rows[i : i + GROUP] for i in range(0, len(rows), GROUP)]
        assert all(len({r["task_id"] for r in g}) == 1 for g in groups)  # a group is one task's samples
        rewards = [r["reward"] for r in rows]
        assert m["reward_mean"] == pytest.approx(_mean(rewards))
        assert m["reward_std"] == pytest.approx(_mean([(r - _mean(rewards)) ** 2 for r in rewards]) ** 0.5)
        assert m["completion_length"] == pytest.approx(_mean([r["tokens"] for r in rows]))
        equal = sum(len({r["reward"] for r in g}) == 1 for g in groups)
        assert m["zero_variance_groups"] == equal
        assert m["trained_samples"] == GROUP * (PROMPTS - equal)  # equal-reward groups are skipped
    assert any(m["zero_variance_groups"] for m in history) and any(m["trained_samples"] for m in history)


@pytest.mark.slow
def test_rollout_rows(run):
    config, _, out = run
    rollouts = read_jsonl(out / "rollouts.jsonl")
    by_id = {t.id: t for t in _tasks(config)}
    for r in rollouts:
        assert r.keys() >= ROLLOUT_KEYS
        assert r["task_id"] in by_id and r["answer"] == by_id[r["task_id"]].answer
        assert r["reward"] == float(r["correct"]) and r["status"] == "ok" and isinstance(r["reason"], str)
    for i in range(0, len(rollouts), GROUP):
        group = rollouts[i : i + GROUP]
        expected = advantages([r["reward"] for r in group], std_scaling=True)
        assert [r["advantage"] for r in group] == pytest.approx(expected)
    # the verdicts are the verifiers' own
    for r in rollouts[::7]:
        assert verify(r["completion"], r["answer"], answer_type="number").correct == r["correct"], r


def _tasks(config: RLConfig) -> list[Task]:
    return rl_tasks(config.tasks, config.split)


@pytest.mark.slow
def test_run_json(run):
    config, _, out = run
    record = json.loads((out / "run.json").read_text())
    assert record["stage"] == "rl" and record["seed"] == 0 and record["world_size"] == 1
    assert record["config"] == json.loads(json.dumps(asdict(config)))
    assert set(record["config"]) == {f.name for f in fields(RLConfig)}
    assert record["tasks"] == len(_tasks(config))
    expected = hashlib.sha256((Path(config.tasks) / "manifest.json").read_bytes()).hexdigest()
    assert record["dataset_manifest_sha256"] == expected
    assert {"torch", "transformers", "python", "answerkey"} <= record["versions"].keys()


@pytest.mark.slow
def test_checkpoint_and_plot(run):
    _, _, out = run
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in out.iterdir()}
    assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    load_model(out)


@pytest.mark.slow
def test_groups_with_equal_rewards_are_not_trained(tmp_path_factory, tmp_path):
    """Answers of two digits and one new token: no sample can be right, so every group has equal
    rewards, nothing is learned and the weights do not move, whatever the learning rate."""
    data = shared(tmp_path_factory)
    rows = [{"problem": f"What is 1{a} plus 1{b}?", "answer": str(20 + a + b)} for a in range(3) for b in range(3)]
    tasks = build_dataset(rows, tmp_path / "two-digit")
    config = RLConfig(
        model=str(data.sft), tasks=str(tasks), out=str(tmp_path / "out"), steps=2, prompts_per_step=4,
        group_size=4, max_new_tokens=1, lr=1e-2, workers=1, progress=False,
    )  # fmt: skip
    history = grpo(config)
    for m in history:
        assert m["reward_mean"] == 0.0 and m["zero_variance_groups"] == 4
        assert m["trained_samples"] == 0 and m["loss"] == 0.0
    assert state_dicts_equal(tmp_path / "out", data.sft)


@pytest.mark.slow
def test_kl_to_the_reference_and_several_updates_per_batch(tmp_path_factory, tmp_path):
    data = shared(tmp_path_factory)
    config = RLConfig(
        model=str(data.sft), tasks=str(data.data), out=str(tmp_path), steps=3, prompts_per_step=4, group_size=4,
        max_new_tokens=20, lr=1e-3, beta=0.1, updates_per_batch=2, workers=1, progress=False,
    )  # fmt: skip
    history = grpo(config)
    trained = [m for m in history if m["trained_samples"]]
    assert trained, history
    for m in trained:
        assert isinstance(m["kl"], float) and m["kl"] >= 0
        assert 0.0 <= m["clip_fraction"] <= 1.0
    assert trained[-1]["kl"] > 0  # the policy moved away from the reference


@pytest.mark.slow
def test_decoding_in_two_processes_gives_the_same_run(tmp_path_factory, tmp_path):
    """The samples do not depend on how many processes decode them, so neither does the run."""
    data = shared(tmp_path_factory)
    outs = []
    for processes in (1, 2):
        config = RLConfig(
            model=str(data.sft), tasks=str(data.data), out=str(tmp_path / f"decode-{processes}"), steps=3,
            prompts_per_step=4, group_size=4, max_new_tokens=20, lr=1e-3, workers=1, decode_processes=processes,
            progress=False,
        )  # fmt: skip
        grpo(config)
        outs.append(Path(config.out))
    assert_same_metrics(read_jsonl(outs[1] / "metrics.jsonl"), read_jsonl(outs[0] / "metrics.jsonl"))
    assert read_jsonl(outs[1] / "rollouts.jsonl") == read_jsonl(outs[0] / "rollouts.jsonl")
    assert state_dicts_equal(outs[0], outs[1])


# --------------------------------------------------------------------------------------------
# The pieces of one update
# --------------------------------------------------------------------------------------------
def test_advantages():
    assert advantages([1.0, 0.0, 0.0, 0.0], std_scaling=False) == [0.75, -0.25, -0.25, -0.25]
    scaled = advantages([1.0, 0.0, 0.0, 0.0], std_scaling=True)
    std = (sum(c * c for c in [0.75, -0.25, -0.25, -0.25]) / 3) ** 0.5
    assert scaled == pytest.approx([0.75 / std, -0.25 / std, -0.25 / std, -0.25 / std], rel=1e-3)
    assert advantages([1.0, 1.0, 1.0], std_scaling=True) == [0.0, 0.0, 0.0]


def _batch(advantage: list[float]) -> dict[str, torch.Tensor]:
    return {"learn": torch.ones((len(advantage), 3), dtype=torch.bool), "advantage": torch.tensor(advantage)}


def test_policy_loss_clips_with_separate_low_and_high_epsilon():
    config = RLConfig(model="", tasks="", out="", epsilon_low=0.2, epsilon_high=0.28)
    old = torch.zeros((2, 3))
    for ratio, advantage, moves in [
        (1.5, 1.0, False),  # above 1 + 0.28 with a positive advantage: clipped, no gradient
        (1.2, 1.0, True),  # inside the high range
        (0.7, -1.0, False),  # below 1 - 0.2 with a negative advantage: clipped
        (0.9, -1.0, True),
        (0.7, 1.0, True),  # pessimistic side: a positive advantage below the range still pulls up
    ]:
        logp = torch.full((2, 3), float(torch.log(torch.tensor(ratio))), requires_grad=True)
        loss, clip = policy_loss(logp, old, _batch([advantage, advantage]), config, normaliser=6.0)
        loss.backward()
        assert logp.grad is not None
        assert bool((logp.grad != 0).all()) == moves, (ratio, advantage)
        assert clip == (1.0 if not (1 - 0.2 <= ratio <= 1 + 0.28) else 0.0)


def test_policy_loss_at_ratio_one_is_minus_the_advantage_per_token():
    config = RLConfig(model="", tasks="", out="")
    logp = torch.zeros((2, 3))
    batch = _batch([2.0, -1.0])
    batch["learn"][1, 2] = False
    token, _ = policy_loss(logp, logp, batch, config, normaliser=5.0)
    assert float(token) == pytest.approx(-(2.0 * 3 - 1.0 * 2) / 5.0)
    sequence, _ = policy_loss(logp, logp, batch, RLConfig(model="", tasks="", out="", loss_aggregation="sequence"), 2.0)
    assert float(sequence) == pytest.approx(-(2.0 - 1.0) / 2.0)


def _sample(prompt: list[int], ids: list[int], finished: bool, advantage: float) -> Sample:
    task = Task("t", [{"role": "user", "content": "q"}], "1", None, "s")
    scored = Scored(1.0 if advantage > 0 else 0.0, advantage > 0, "ok", "", None)
    return Sample(task, prompt, Completion(ids, "", finished), scored, advantage)


def test_batched_log_probs_equal_each_sequence_alone(tmp_path_factory):
    """Whatever the padding layout of a batch, and with a group's prompt run once for all its
    samples, the log-probabilities and entropies of each sample's completion tokens are those of a
    forward pass over that sample alone; only completion tokens are learned, and none of a
    truncated completion under ``mask_truncated``."""
    model, tokenizer = load_model(shared(tmp_path_factory).base)
    end = tokenizer.eos_token_id
    texts = [("What is 2 plus 3?", "2 + 3 = 5. The answer is 5.", True), ("What is 2 plus 3?", "6", True)]
    texts += [("Add 1 and 1.", "I am", False), ("Compute 4 plus 4, please, quickly.", UNSURE, True)]
    samples = []
    for question, answer, finished in texts:
        prompt = encode_prompt(tokenizer, [{"role": "user", "content": question}])
        ids = tokenizer(answer)["input_ids"] + ([end] if finished else [])
        samples.append(_sample(prompt, ids, finished, 1.0))
    for mask_truncated in (False, True):
        batch = sequences(samples, tokenizer.pad_token_id, mask_truncated)
        assert batch["group"].tolist() == [0, 0, 1, 2]  # the shared prompt is stored once
        with torch.no_grad():
            logp, entropy = token_logprobs(CompletionLogits(model), batch, temperature=0.7)
        learn = batch["learn"].float()
        for row, s in enumerate(samples):
            p, c = len(s.prompt_ids), len(s.completion.ids)
            with torch.no_grad():
                logits = model(input_ids=torch.tensor([s.prompt_ids + s.completion.ids])).logits[0, p - 1 : p + c - 1]
            alone = torch.log_softmax(logits / 0.7, dim=-1)
            expected_logp = alone.gather(-1, torch.tensor(s.completion.ids)[:, None]).sum()
            expected_entropy = -(alone.exp() * alone).sum()
            if mask_truncated and not s.completion.finished:
                assert float(learn[row].sum()) == 0
                continue
            assert float(learn[row].sum()) == c
            assert float((logp[row] * learn[row]).sum()) == pytest.approx(float(expected_logp), abs=1e-4)
            assert float((entropy[row] * learn[row]).sum()) == pytest.approx(float(expected_entropy), abs=1e-4)


def test_one_update_favours_the_rewarded_samples(tmp_path_factory):
    model, tokenizer = load_model(shared(tmp_path_factory).base)
    prompt = encode_prompt(tokenizer, [{"role": "user", "content": "What is 2 plus 3?"}])
    texts = ["2 + 3 = 5. The answer is 5.", "2 + 3 = 6. The answer is 6.", UNSURE, "2 + 3 = 5. The answer is 5!"]
    good = [True, False, False, True]
    rewards = [1.0 if g else 0.0 for g in good]
    advs = advantages(rewards, std_scaling=True)
    samples = [
        _sample(prompt, tokenizer(t)["input_ids"] + [tokenizer.eos_token_id], True, a)
        for t, a in zip(texts, advs, strict=True)
    ]
    config = RLConfig(model="", tasks="", out="", lr=1e-5)

    def logps() -> torch.Tensor:
        batch = sequences(samples, tokenizer.pad_token_id, False)
        with torch.no_grad():
            logp, _ = token_logprobs(CompletionLogits(model), batch, 1.0)
        return (logp * batch["learn"]).sum(-1)

    before = logps()
    optimizer = make_optimizer(model, config.lr)
    schedule = make_schedule(optimizer, 1, 0, False)
    metrics = _update(
        CompletionLogits(model), model, None, optimizer, schedule, samples, samples[0], config, Dist(),
        tokenizer.pad_token_id,
    )  # fmt: skip
    change = logps() - before
    assert metrics["trained_samples"] == 4
    # the step raised the surrogate: advantage-weighted log-probability of the samples
    assert float((torch.tensor(advs) * change).sum()) > 0, change
    assert float(change[[0, 3]].mean()) > float(change[[1, 2]].mean()), change


def test_shared_prompt_gives_the_gradient_of_the_full_sequences(tmp_path_factory):
    """Running a group's prompt once and its completions on top of the cached prompt is an exact
    rewrite: the gradient equals that of each prompt + completion run as one sequence."""
    model, tokenizer = load_model(shared(tmp_path_factory).base)
    prompt = encode_prompt(tokenizer, [{"role": "user", "content": "What is 2 plus 3?"}])
    other = encode_prompt(tokenizer, [{"role": "user", "content": "Add 1 and 1."}])
    answers = [(prompt, "2 + 3 = 5. The answer is 5."), (prompt, "6"), (other, "1 + 1 = 2.")]
    samples = [_sample(p, tokenizer(a)["input_ids"] + [tokenizer.eos_token_id], True, 1.0) for p, a in answers]
    weights = torch.tensor([1.0, -0.5, 0.25])

    batch = sequences(samples, tokenizer.pad_token_id, False)
    logp, _ = token_logprobs(CompletionLogits(model), batch, 1.0)
    ((logp * batch["learn"]).sum(-1) * weights).sum().backward()
    shared_grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()

    total = torch.zeros(())
    for s, w in zip(samples, weights, strict=True):
        p = len(s.prompt_ids)
        logits = model(input_ids=torch.tensor([s.prompt_ids + s.completion.ids])).logits[0, p - 1 : -1]
        total = total + w * torch.log_softmax(logits, -1).gather(-1, torch.tensor(s.completion.ids)[:, None]).sum()
    total.backward()
    for mine, full in zip(shared_grads, (p.grad for p in model.parameters()), strict=True):
        assert torch.allclose(mine, full, atol=1e-5), float((mine - full).abs().max())
