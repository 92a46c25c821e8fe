"""The answerkey command line: verify one pair, score a case file, the demo's options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from answerkey.cli import main

CASES = [
    {"id": "half", "category": "fraction", "prediction": r"\boxed{\frac{2}{4}}", "gold": "1/2", "expected": True},
    {"id": "gsm", "category": "gsm8k", "prediction": "3 * 12 = 36\n#### 36", "gold": "36", "expected": True},
    {"id": "pi", "category": "pi_e", "prediction": "3.14", "gold": r"\pi", "expected": False},
    {"id": "sign", "category": "integer", "prediction": "-5", "gold": "5", "expected": False},
]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def write_cases(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_verify_correct_pair_prints_verdict_and_exits_0():
    result = run("verify", "The answer is $\\frac{1}{2}$.", "0.5")
    assert result.exit_code == 0, result.output
    for label in ("correct", "method", "extracted", "normalized", "reason", "status", "elapsed"):
        assert label in result.output
    assert "yes" in result.output


def test_verify_wrong_pair_exits_1():
    result = run("verify", "3.14", r"\pi")
    assert result.exit_code == 1, result.output
    assert "no" in result.output.splitlines()[0]


def test_verify_json():
    result = run("verify", "--json", "--answer-type", "number", "--timeout", "1", "1,000", "1000")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.output)
    assert verdict["correct"] is True
    assert verdict["status"] == "ok"
    assert set(verdict) >= {"method", "extracted", "normalized", "reason", "elapsed_ms"}


def test_verify_hostile_input_is_wrong_not_a_crash():
    result = run("verify", r"\boxed{9^{9^{9^{9}}}}", "5")
    assert result.exit_code == 1, result.output


def test_cases_all_agree_exits_0(tmp_path):
    result = run("verify", "--cases", str(write_cases(tmp_path / "c.jsonl", CASES)))
    assert result.exit_code == 0, result.output
    assert "accuracy         100.0% (4/4)" in result.output
    assert "false positives  0" in result.output
    assert "time per call" in result.output
    assert "gsm8k" in result.output


def test_cases_disagreement_lists_ids_and_exits_1(tmp_path):
    rows = [
        *CASES,
        {"id": "mislabelled", "prediction": "7", "gold": "7", "expected": False},
        {"id": "missed", "prediction": "7", "gold": "8", "expected": True},
    ]
    result = run("verify", "--cases", str(write_cases(tmp_path / "c.jsonl", rows)))
    assert result.exit_code == 1, result.output
    assert "false positives  1: mislabelled" in result.output
    assert "false negatives  1: missed" in result.output


def test_cases_json_and_workers(tmp_path):
    path = write_cases(tmp_path / "c.jsonl", CASES)
    result = run("verify", "--cases", str(path), "--workers", "2", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 4 and report["accuracy"] == 1.0
    assert report["by_category"]["pi_e"] == {"right": 1, "total": 1}


def test_bad_case_file_names_file_line_and_field(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(CASES[0]) + "\n" + json.dumps({"prediction": "1", "expected": True}) + "\n", "utf-8")
    result = run("verify", "--cases", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: missing field 'gold'" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["verify"], "give PREDICTION and GOLD"),
        (["verify", "1"], "give PREDICTION and GOLD"),
        (["verify", "1", "1", "--cases", "x.jsonl"], "not both"),
        (["verify", "1", "1", "--workers", "2"], "--workers applies to --cases only"),
        (["verify", "--cases", "x.jsonl", "--answer-type", "number"], "--answer-type"),
        (["verify", "1", "1", "--timeout", "0"], "--timeout"),
    ],
)
def test_bad_usage_is_a_click_error(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_demo_lists_its_options():
    result = run("demo", "--help")
    assert result.exit_code == 0, result.output
    for option in ("--out", "--seed", "--quick", "--with-ui", "--algo"):
        assert option in result.output


def test_python_dash_m_answerkey():
    result = subprocess.run(
        [sys.executable, "-m", "answerkey", "verify", "2/4", "1/2"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "correct" in result.stdout
