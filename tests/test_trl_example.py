"""examples/trl_grpo.py: TRL's GRPOTrainer with answerkey's reward, 2 steps on a tiny local model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("trl")

from pipeline.textbook import Sizes, build_textbook, write_textbook
from trainer.models import build_model, save_model
from trainer.tokenizer import train_tokenizer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "trl_grpo.py"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny trl-format task set (the textbook's practice part) and an xs model with its tokenizer."""
    root = tmp_path_factory.mktemp("trl_example")
    files = write_textbook(root / "book", seed=1, sizes=Sizes(explanations=20, worked=40, practice=16, test=4))
    built = build_textbook(files, root / "datasets", fmt="trl")
    texts = [line for path in files.worked.values() for line in path.read_text(encoding="utf-8").splitlines()]
    tokenizer = train_tokenizer(texts, vocab_size=300)
    save_model(build_model("xs", tokenizer), tokenizer, root / "model")
    return root / "model", built.practice


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.update({"CUDA_VISIBLE_DEVICES": "", "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": "1"})
    command = [sys.executable, str(EXAMPLE), *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_trl_grpo_example_trains_two_steps(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    model, tasks = tiny
    out = tmp_path / "run"
    done = _run(
        *("--model", model, "--tasks", tasks, "--out", out, "--steps", "2"),
        *("--num-generations", "4", "--per-device-batch-size", "8", "--grad-accum", "1"),
        *("--max-completion-length", "16", "--lr", "3e-5", "--logging-steps", "1"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    history = json.loads((out / "log_history.json").read_text())
    steps = [entry for entry in history if "reward" in entry]
    assert [entry["step"] for entry in steps] == [1, 2]
    assert all(0.0 <= entry["reward"] <= 1.0 for entry in steps)  # verifiers.reward: 1 right, 0 wrong
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    assert (out / "tokenizer.json").is_file()


def test_trl_grpo_example_names_the_missing_columns(tmp_path: Path) -> None:
    """A folder without prompt and answer fails before anything loads (the model path is not read)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    model = tmp_path / "no-model"
    folder = tmp_path / "sft_only"
    (folder / "data").mkdir(parents=True)
    pq.write_table(pa.table({"id": ["a"], "messages": ["hi"]}), folder / "data" / "train-00000-of-00001.parquet")
    done = _run("--model", model, "--tasks", folder, "--out", tmp_path / "run", "--steps", "1", cwd=tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "needs column(s) prompt, answer (columns found: id, messages)" in done.stderr
