"""`answerkey demo --quick` end to end: every stage ran, the report has its shape, Argilla shut down."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from answerkey.demo_report import markdown

pytestmark = pytest.mark.slow

STAGE_KEYS = {"name", "accuracy", "sampled_accuracy", "pass_at_8", "mean_reward", "seconds"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("demo") / "run"
    result = subprocess.run(
        [sys.executable, "-m", "answerkey", "demo", "--quick", "--quiet", "--out", str(out), "--seed", "3"],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    return out, result


def test_the_quick_demo_runs_every_stage_and_writes_the_report(demo_run):
    out, result = demo_run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    assert [s["name"] for s in report["stages"]] == ["pretrain", "sft", "rl"]
    for stage in report["stages"]:
        assert set(stage) >= STAGE_KEYS
        assert stage["seconds"] > 0
        for key in ("accuracy", "sampled_accuracy", "pass_at_8"):
            assert 0.0 <= stage[key] <= 1.0
        assert stage["sampled_accuracy"] <= stage["pass_at_8"]
    assert report["n_test"] == report["data"]["test"] > 0
    assert report["seed"] == 3 and report["quick"] is True and report["algo"] == "grpo"
    for stage in ("pretrain", "sft", "rl"):
        model = out / "models" / stage
        assert (model / "config.json").is_file() and (model / "model.safetensors").is_file()
        assert (model / "metrics.jsonl").read_text().count("\n") >= 1
    for part in ("sft", "practice", "test"):
        assert (out / "data" / part / "manifest.json").is_file()
    for name, path in report["plots"].items():
        assert (out / path).stat().st_size > 1000, name
        assert path in (out / "report.md").read_text()
    # the table printed at the end names every stage
    assert all(name in result.stdout for name in ("pretrain", "sft", "rl", "pass@8"))


def test_the_demo_pushes_to_argilla_logs_drafts_and_shuts_it_down(demo_run):
    out, result = demo_run
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    annotation = report["annotation"]
    assert annotation["exercises"] == annotation["sft_prompts"] == report["plan"]["pushed"]
    assert len(annotation["drafts"]) == report["plan"]["drafts"]
    assert all(isinstance(d["draft"], str) for d in annotation["drafts"])
    # shut down cleanly: nothing listens on its port any more, and its log has no traceback
    port = int(annotation["url"].rsplit(":", 1)[1])
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    assert "Traceback" not in (out / "argilla.log").read_text()


def test_the_evaluated_checkpoints_load_with_train_eval(demo_run, tmp_path):
    out, result = demo_run
    assert result.returncode == 0, result.stderr[-3000:]
    target = tmp_path / "eval.json"
    evaluated = subprocess.run(
        [sys.executable, "-m", "answerkey", "train", "eval", "--model", str(out / "models" / "sft"),
         "--tasks", str(out / "data" / "test"), "-k", "2", "--json", str(target), "--quiet"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert evaluated.returncode == 0, evaluated.stderr[-2000:]
    figures = json.loads(target.read_text())
    assert figures["n"] == json.loads((out / "report.json").read_text())["n_test"]


def test_the_report_page_names_every_stage_and_style():
    stage = {"accuracy": 0.5, "sampled_accuracy": 0.25, "pass_at_8": 0.75, "mean_reward": 0.25, "seconds": 3.0}
    styles = {"steps": 0.5, "leap": 0.5}
    report = {
        "seed": 0, "algo": "grpo", "quick": False, "n_test": 10, "seconds": 12.0, "plots": {"loss": "plots/loss.png"},
        "stages": [{**stage, "name": name, "styles": styles} for name in ("pretrain", "sft", "rl")],
    }  # fmt: skip
    page = markdown(report)
    assert "| rl | 50.0% | 25.0% | 75.0% | 0.250 | 3 |" in page
    assert "![loss](plots/loss.png)" in page
    assert "| sft | 50% | 0% | 0% | 50% | 0% |" in page
