"""Data-parallel training with ``torchrun --nproc_per_node 2`` on CPU (gloo, one thread per process):
the SFT loss curve matches one process with the same global batch, and an RL run completes with
the replicas in sync."""

from __future__ import annotations

import copy
import json
import math

import pytest
import torch
from trainer_fixtures import invoke, read_jsonl, shared, torchrun

import trainer.runtime
from trainer.models import load_model
from trainer.runtime import Dist, replicas_in_sync


def _digest(model: torch.nn.Module, monkeypatch: pytest.MonkeyPatch) -> str:
    captured: list[str] = []
    monkeypatch.setattr(trainer.runtime.dist, "all_gather_object", lambda out, obj: captured.append(obj))
    replicas_in_sync(model, Dist(0, 2))
    return captured[0]


def test_replicas_in_sync_compares_every_weight(tmp_path_factory, monkeypatch):
    """The check itself, without processes: rank 1's digest is that of a model with one weight nudged."""
    model, _ = load_model(shared(tmp_path_factory).base)
    nudged = copy.deepcopy(model)
    with torch.no_grad():
        nudged.model.layers[3].mlp.down_proj.weight[5, 7] += 1e-6
    same, different = _digest(copy.deepcopy(model), monkeypatch), _digest(nudged, monkeypatch)
    for other, expected in ((same, True), (different, False)):

        def gather(out: list, obj: str, other: str = other) -> None:
            out[0], out[1] = obj, other

        monkeypatch.setattr(trainer.runtime.dist, "all_gather_object", gather)
        assert replicas_in_sync(model, Dist(0, 2)) is expected
    assert replicas_in_sync(nudged, Dist()) is True  # a world of one: nothing to compare


def _check(result) -> None:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_sft_on_two_processes_matches_one(tmp_path_factory, tmp_path):
    data = shared(tmp_path_factory)
    args = [
        "sft", "--model", str(data.base), "--data", str(data.data), "--steps", "8", "--batch-size", "8",
        "--lr", "3e-3", "--seed", "1", "--threads", "1", "--quiet",
    ]  # fmt: skip
    single = invoke(*args, "--out", str(tmp_path / "single"))
    assert single.exit_code == 0, single.output
    _check(torchrun(tmp_path, 2, *args, "--out", str(tmp_path / "ddp")))
    one, two = read_jsonl(tmp_path / "single" / "metrics.jsonl"), read_jsonl(tmp_path / "ddp" / "metrics.jsonl")
    assert [m["step"] for m in two] == list(range(1, 9))  # rank 0 alone writes: one line per step
    for a, b in zip(one, two, strict=True):
        assert math.isclose(b["loss"], a["loss"], rel_tol=1e-4), (a, b)
        assert b["lr"] == a["lr"] and b["epoch"] == a["epoch"]
    assert one[-1]["loss"] < 0.85 * one[0]["loss"]  # the curve being compared goes somewhere (in warm-up)
    run = json.loads((tmp_path / "ddp" / "run.json").read_text())
    assert run["world_size"] == 2 and run["replicas_in_sync"] is True
    single_model, _ = load_model(tmp_path / "single")
    ddp_model, _ = load_model(tmp_path / "ddp")
    for (name, p), q in zip(single_model.named_parameters(), ddp_model.parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-4), name


@pytest.mark.slow
def test_rl_on_two_processes_completes_in_sync(tmp_path_factory, tmp_path):
    data = shared(tmp_path_factory)
    out = tmp_path / "ddp-rl"
    args = [
        "rl", "--model", str(data.sft), "--tasks", str(data.data), "--out", str(out), "--steps", "3",
        "--prompts-per-step", "4", "--group-size", "4", "--max-new-tokens", "20", "--lr", "2e-4", "--workers", "1",
        "--threads", "1", "--quiet",
    ]  # fmt: skip
    _check(torchrun(tmp_path, 2, *args))
    run = json.loads((out / "run.json").read_text())
    assert run["world_size"] == 2 and run["replicas_in_sync"] is True
    metrics, rollouts = read_jsonl(out / "metrics.jsonl"), read_jsonl(out / "rollouts.jsonl")
    assert [m["step"] for m in metrics] == [1, 2, 3]
    assert len(rollouts) == 3 * 4 * 4  # both ranks' samples, gathered: each rank has 2 prompts a step
    for m in metrics:
        rows = [r for r in rollouts if r["step"] == m["step"]]
        assert m["reward_mean"] == pytest.approx(sum(r["reward"] for r in rows) / len(rows))  # reduced over ranks
        groups = [rows[i : i + 4] for i in range(0, len(rows), 4)]
        equal = sum(len({r["reward"] for r in g}) == 1 for g in groups)
        assert m["zero_variance_groups"] == equal and m["trained_samples"] == 4 * (4 - equal)
    assert any(m["trained_samples"] for m in metrics)  # the replicas were updated, and agree
    assert (out / "model.safetensors").exists() and (out / "curves.png").exists()
