"""Checkpoints and ``--resume``: a run killed with SIGKILL and resumed logs the same metrics from the
checkpoint on as a run that never stopped (CPU, one thread, deterministic), for SFT and GRPO."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
import torch
from trainer_fixtures import (
    assert_same_metrics,
    invoke,
    read_jsonl,
    shared,
    start_train,
    state_dicts_equal,
)

from trainer.runtime import CHECKPOINT, Dist, RunDir

SAVE_EVERY = 5


def test_resume_drops_a_metrics_line_cut_short_by_a_kill(tmp_path):
    lines = [json.dumps({"step": s, "loss": 1.0 / s}) for s in range(1, 8)]
    (tmp_path / "metrics.jsonl").write_text("\n".join(lines) + "\n" + '{"step": 8, "lo')
    (tmp_path / "rollouts.jsonl").write_text("\n".join(lines) + "\n" + '{"step": 8, "comp')
    run = RunDir(tmp_path, Dist())
    run.start_metrics(5)
    run.truncate("rollouts.jsonl", 5)
    for name in ("metrics.jsonl", "rollouts.jsonl"):
        assert [r["step"] for r in read_jsonl(tmp_path / name)] == [1, 2, 3, 4, 5]
    run.start_metrics(0)  # a fresh run keeps nothing
    assert (tmp_path / "metrics.jsonl").read_text() == ""


def _kill_after_checkpoint(folder: Path, out: Path, args: list[str], timeout: float = 300) -> tuple[int, int]:
    """Start ``answerkey train ARGS --out OUT`` in a subprocess and SIGKILL it as soon as it has logged
    a step after its first checkpoint. Returns (the last step it logged, the checkpoint's step)."""
    log = folder / f"{out.name}.log"
    process = start_train(folder, *args, "--out", str(out), log=log)
    metrics = out / "metrics.jsonl"
    deadline = time.monotonic() + timeout
    last = 0
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if metrics.exists():
                steps = [json.loads(line)["step"] for line in metrics.read_text().splitlines() if line.endswith("}")]
                last = max(steps, default=0)
                if last > SAVE_EVERY:
                    process.send_signal(signal.SIGKILL)
                    break
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            process.kill()
        code = process.wait()
    assert code == -signal.SIGKILL, f"the run ended on its own (exit {code}) before it was killed:\n{log.read_text()}"
    state = out / CHECKPOINT / "state.pt"
    if not state.exists():  # killed between the two renames of a checkpoint swap
        state = out / f"{CHECKPOINT}.old" / "state.pt"
    checkpoint = int(torch.load(state, weights_only=False)["step"])
    return max(last, *(r["step"] for r in read_jsonl(metrics))), checkpoint


def _check_resumed(uninterrupted: Path, resumed: Path, steps: int, checkpoint: int) -> None:
    assert SAVE_EVERY <= checkpoint < steps and checkpoint % SAVE_EVERY == 0
    expected = read_jsonl(uninterrupted / "metrics.jsonl")
    got = read_jsonl(resumed / "metrics.jsonl")
    assert [m["step"] for m in got] == list(range(1, steps + 1))  # no step lost, none logged twice
    assert_same_metrics(got, expected)
    assert state_dicts_equal(uninterrupted, resumed)


@pytest.mark.slow
def test_sft_killed_and_resumed(tmp_path_factory, tmp_path):
    data = shared(tmp_path_factory)
    steps = 40
    args = [
        "sft", "--model", str(data.base), "--data", str(data.data), "--steps", str(steps), "--batch-size", "8",
        "--lr", "3e-3", "--seed", "3", "--save-every", str(SAVE_EVERY), "--threads", "1", "--quiet",
    ]  # fmt: skip
    _, checkpoint = _kill_after_checkpoint(tmp_path, tmp_path / "resumed", args)
    result = invoke(*args, "--out", str(tmp_path / "resumed"), "--resume")
    assert result.exit_code == 0, result.output
    result = invoke(*args, "--out", str(tmp_path / "uninterrupted"))
    assert result.exit_code == 0, result.output
    _check_resumed(tmp_path / "uninterrupted", tmp_path / "resumed", steps, checkpoint)
    # the learning rate follows its schedule through the resume (warm-up, then the cosine)
    rates = [m["lr"] for m in read_jsonl(tmp_path / "resumed" / "metrics.jsonl")]
    assert len(set(rates)) > steps // 2


@pytest.mark.slow
def test_grpo_killed_and_resumed(tmp_path_factory, tmp_path):
    data = shared(tmp_path_factory)
    steps = 12
    args = [
        "rl", "--model", str(data.sft), "--tasks", str(data.data), "--steps", str(steps), "--prompts-per-step", "4",
        "--group-size", "4", "--max-new-tokens", "20", "--lr", "2e-4", "--beta", "0.05", "--seed", "2",
        "--save-every", str(SAVE_EVERY), "--workers", "1", "--threads", "1", "--quiet",
    ]  # fmt: skip
    _, checkpoint = _kill_after_checkpoint(tmp_path, tmp_path / "resumed", args)
    result = invoke(*args, "--out", str(tmp_path / "resumed"), "--resume")
    assert result.exit_code == 0, result.output
    result = invoke(*args, "--out", str(tmp_path / "uninterrupted"))
    assert result.exit_code == 0, result.output
    _check_resumed(tmp_path / "uninterrupted", tmp_path / "resumed", steps, checkpoint)
    metrics = read_jsonl(tmp_path / "resumed" / "metrics.jsonl")
    assert any(m["trained_samples"] for m in metrics[checkpoint:])  # the resumed steps learned something
    assert all(isinstance(m["kl"], float) for m in metrics if m["trained_samples"])
    # the rollout log too: every sample of every step, once, as the uninterrupted run drew them
    got = read_jsonl(tmp_path / "resumed" / "rollouts.jsonl")
    expected = read_jsonl(tmp_path / "uninterrupted" / "rollouts.jsonl")
    assert len(got) == steps * 4 * 4
    assert_same_metrics(got, expected)


@pytest.mark.slow
def test_rft_killed_between_rounds_and_resumed(tmp_path_factory, tmp_path):
    data = shared(tmp_path_factory)
    rounds, rft_steps = 3, 6
    args = [
        "rl", "--algo", "rft", "--model", str(data.sft), "--tasks", str(data.data), "--rounds", str(rounds),
        "--rft-steps", str(rft_steps), "--group-size", "4", "--prompts-per-step", "16", "--max-new-tokens", "20",
        "--select", "one", "--seed", "4", "--workers", "1", "--threads", "1", "--quiet",
    ]  # fmt: skip
    resumed = tmp_path / "resumed"
    process = start_train(tmp_path, *args, "--out", str(resumed), log=tmp_path / "rft.log")
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and process.poll() is None and not (resumed / "rft_state.json").exists():
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        code = process.wait()
    assert code == -signal.SIGKILL, (tmp_path / "rft.log").read_text()
    assert json.loads((resumed / "rft_state.json").read_text())["rounds_done"] < rounds
    result = invoke(*args, "--out", str(resumed), "--resume")
    assert result.exit_code == 0, result.output
    result = invoke(*args, "--out", str(tmp_path / "uninterrupted"))
    assert result.exit_code == 0, result.output
    got, expected = read_jsonl(resumed / "metrics.jsonl"), read_jsonl(tmp_path / "uninterrupted" / "metrics.jsonl")
    assert [m["step"] for m in got] == list(range(1, rounds * rft_steps + 1))
    assert_same_metrics(got, expected)
    rollouts = read_jsonl(resumed / "rollouts.jsonl")
    assert_same_metrics(rollouts, read_jsonl(tmp_path / "uninterrupted" / "rollouts.jsonl"))
    assert sorted({r["step"] for r in rollouts}) == [0, rft_steps, 2 * rft_steps]
    assert state_dicts_equal(tmp_path / "uninterrupted", resumed)
    finished = invoke(*args, "--out", str(resumed), "--resume")  # every round done: nothing to do
    assert finished.exit_code == 0 and "nothing to do" in finished.output
