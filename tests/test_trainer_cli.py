"""The command line contract: the four commands exactly as issue 9 writes them (benchmarks and
outside checks call exactly this), on a tiny setup, and what each writes."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from trainer_fixtures import addition_rows, invoke, read_jsonl, shared, subprocess_env, write_jsonl
from transformers import AutoModelForCausalLM, AutoTokenizer

from answerkey.cli import main

pytestmark = pytest.mark.slow

BASE_KEYS = {"step", "seconds", "tokens_per_second", "loss", "lr"}
RL_KEYS = BASE_KEYS | {
    "reward_mean", "reward_std", "zero_variance_groups", "generation_seconds", "completion_length", "kl", "entropy",
}  # fmt: skip
EVAL_KEYS = {"n", "k", "greedy_accuracy", "pass_at_1", "pass_at_k", "mean_reward", "by_source"}


def _ok(result) -> str:
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result.output


def _run_folder(out: Path, keys: set[str], stage: str) -> list[dict]:
    """An HF checkpoint (config, safetensors, tokenizer files), metrics.jsonl, run.json and a PNG."""
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"} <= names, names
    assert {"metrics.jsonl", "run.json"} <= names, names
    pngs = list(out.glob("*.png"))
    assert pngs and all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    AutoModelForCausalLM.from_pretrained(out, local_files_only=True)
    AutoTokenizer.from_pretrained(out, local_files_only=True)
    metrics = read_jsonl(out / "metrics.jsonl")
    assert metrics and all(keys <= m.keys() for m in metrics), [sorted(keys - m.keys()) for m in metrics]
    run = json.loads((out / "run.json").read_text())
    assert run["stage"] == stage and {"config", "versions", "seed", "dataset_manifest_sha256"} <= run.keys()
    return metrics


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict[str, Path]:
    """A corpus (a text file and a JSONL file) and a dataset built with ``answerkey build``."""
    root = tmp_path_factory.mktemp("cli")
    rows = addition_rows(unsure=0.3, seed=4)
    text = root / "book.txt"
    text.write_text("\n\n".join(r["solution"] for r in rows[:50]) + "\n")
    more = write_jsonl(root / "more.jsonl", [{"text": r["problem"] + " " + r["solution"]} for r in rows])
    source = write_jsonl(root / "problems.jsonl", rows)
    dataset = root / "dataset"
    built = CliRunner().invoke(
        main, ["build", "--source", str(source), "--out", str(dataset), "--test-fraction", "0.2"]
    )  # fmt: skip
    assert built.exit_code == 0, built.output
    return {"root": root, "text": text, "more": more, "data": dataset}


def test_the_four_commands(setup, tmp_path_factory):
    root, data = setup["root"], str(setup["data"])
    pretrained, tuned, rl, report = root / "pretrain", root / "sft", root / "rl", root / "eval.json"

    # answerkey train pretrain --corpus PATH [PATH...] --out DIR [--size xs|s|m | --model DIR]
    #                          [--steps N] [--batch-size B] [--seq-len L] [--lr LR] [--seed S]
    corpus = ["--corpus", str(setup["text"]), str(setup["more"])]
    _ok(invoke("pretrain", *corpus, "--out", str(pretrained), "--size", "xs", "--steps", "6", "--batch-size", "4",
               "--seq-len", "32", "--lr", "3e-3", "--seed", "1"))  # fmt: skip
    metrics = _run_folder(pretrained, BASE_KEYS, "pretrain")
    assert [m["step"] for m in metrics] == list(range(1, 7))
    run = json.loads((pretrained / "run.json").read_text())
    assert set(run["corpus_sha256"]) == {str(setup["text"]), str(setup["more"])} and run["seed"] == 1
    _ok(invoke("pretrain", "--corpus", str(setup["text"]), "--out", str(root / "pretrain-more"),
               "--model", str(pretrained), "--steps", "2"))  # fmt: skip
    _run_folder(root / "pretrain-more", BASE_KEYS, "pretrain")

    # answerkey train sft --model DIR --data DATASET --out DIR [--steps N | --epochs E] [--batch-size B] [--lr LR]
    _ok(invoke("sft", "--model", str(pretrained), "--data", data, "--out", str(tuned), "--steps", "5",
               "--batch-size", "8", "--lr", "3e-3"))  # fmt: skip
    assert len(_run_folder(tuned, BASE_KEYS, "sft")) == 5
    _ok(invoke("sft", "--model", str(pretrained), "--data", data, "--out", str(root / "sft-epochs"),
               "--epochs", "0.2", "--batch-size", "8"))  # fmt: skip
    examples = json.loads((root / "sft-epochs" / "run.json").read_text())["examples"]
    assert len(_run_folder(root / "sft-epochs", BASE_KEYS, "sft")) == math.ceil(0.2 * examples / 8)

    # answerkey train rl --model DIR --tasks DATASET --out DIR [--algo grpo|rft] [--steps N]
    #                    [--prompts-per-step P] [--group-size G] [--max-new-tokens T]
    #                    [--temperature 1.0] [--lr LR] [--beta 0.0] [--seed S]
    model = str(shared(tmp_path_factory).sft)
    out = _ok(invoke("rl", "--model", model, "--tasks", data, "--out", str(rl), "--algo", "grpo", "--steps", "2",
                     "--prompts-per-step", "4", "--group-size", "4", "--max-new-tokens", "20", "--temperature", "1.0",
                     "--lr", "1e-4", "--beta", "0.1", "--seed", "5"))  # fmt: skip
    assert "grpo: 2 steps" in out and "reward" in out
    metrics = _run_folder(rl, RL_KEYS, "rl")
    assert [m["step"] for m in metrics] == [1, 2]
    assert all(isinstance(m["kl"], float) for m in metrics if m["trained_samples"])  # --beta > 0: a KL term
    rollouts = read_jsonl(rl / "rollouts.jsonl")
    assert len(rollouts) == 2 * 4 * 4
    assert {"task_id", "completion", "reward", "status", "reason", "advantage"} <= rollouts[0].keys()
    _ok(invoke("rl", "--model", model, "--tasks", data, "--out", str(root / "rft"), "--algo", "rft",
               "--prompts-per-step", "8", "--group-size", "2", "--max-new-tokens", "20",
               "--rft-steps", "2"))  # fmt: skip
    rft_metrics = _run_folder(root / "rft", BASE_KEYS, "rl")
    assert {"reward_mean", "kept_samples"} <= rft_metrics[0].keys()

    # answerkey train eval --model DIR --tasks DATASET [--split test] [-k 8] [--temperature 1.0] [--json FILE]
    out = _ok(invoke("eval", "--model", str(rl), "--tasks", data, "--split", "test", "-k", "4",
                     "--temperature", "1.0", "--json", str(report)))  # fmt: skip
    figures = json.loads(report.read_text())
    assert figures.keys() >= EVAL_KEYS and figures["k"] == 4 and figures["n"] > 0
    assert "greedy accuracy" in out and "pass@1" in out and "pass@4" in out
    assert f"{figures['greedy_accuracy']:.1%}" in out


def test_the_console_script(setup, tmp_path_factory, tmp_path):
    """The installed ``answerkey`` entry point runs ``train eval`` and writes --json; a bad input is
    one line on stderr and exit code 1, no traceback."""
    script = Path(sys.executable).with_name("answerkey")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "answerkey"]
    model = str(shared(tmp_path_factory).base)
    report = tmp_path / "eval.json"
    done = subprocess.run(
        [*command, "train", "eval", "--model", model, "--tasks", str(setup["data"]), "-k", "2", "--json", str(report),
         "--threads", "1", "--quiet"],
        env=subprocess_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(report.read_text()).keys() >= EVAL_KEYS
    failed = subprocess.run(
        [*command, "train", "sft", "--model", model, "--data", str(setup["data"]), "--out", str(tmp_path / "o"),
         "--split", "validation", "--quiet"],
        env=subprocess_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert failed.stderr.strip().splitlines() == [failed.stderr.strip()]  # one line
    assert failed.stderr.startswith("Error: ") and "splits found: test, train" in failed.stderr
