"""``answerkey build`` end to end: counts reconcile, reasons, determinism, crash-resume, configs."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import datasets
import pytest
from click.testing import CliRunner
from pipeline_shared import SHARED_DATA, requires_shared

from answerkey.cli import main
from pipeline.build import BuildConfig, SourceSpec, build, load_config

GOOD = [
    {"problem": "Tom has 3 apples and buys 4 more. How many apples does he have?", "answer": "7"},
    {"problem": "A box holds 12 eggs. How many eggs are in 5 boxes?", "answer": "60"},
    {"problem": "What is one half of one third, as a fraction?", "answer": "\\frac{1}{6}"},
    {"problem": "Solve for x: 2x + 3 = 11.", "answer": "4"},
    {"problem": "Which interval contains exactly the x with 0 <= x < 1?", "answer": "[0,1)"},
]


def _write_source(path: Path) -> Path:
    lines = [json.dumps(r) for r in GOOD]
    lines += [
        '{"problem": "broken line", "answer": ',  # malformed JSON
        json.dumps({"problem": "   ", "answer": "3"}),  # empty problem
        json.dumps({"problem": "What is the answer to this riddle?", "answer": "\\frac{1}{"}),  # unverifiable
        json.dumps(
            {"problem": "tom has 3 apples and buys 4 more.  How many apples does he have?", "answer": "7"}
        ),  # exact duplicate
        json.dumps(
            {"problem": "Tom has 3 apples and buys 4 more. How many apples does he have now?", "answer": "7"}
        ),  # near duplicate
        json.dumps(
            {
                "problem": "Janet's ducks lay 16 eggs per day and she eats three for breakfast "
                "every morning. How many are left?",
                "answer": "13",
            }
        ),  # contaminated
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_eval(path: Path) -> Path:
    path.write_text(
        json.dumps(
            {
                "problem": "Janet's ducks lay 16 eggs per day and she eats three for "
                "breakfast every morning. She sells the rest.",
                "answer": "18",
            }
        )
        + "\n"
    )
    return path


def _config(tmp_path: Path, out: str = "out", **extra) -> BuildConfig:
    source = _write_source(tmp_path / "exercises.jsonl")
    evalset = _write_eval(tmp_path / "eval.jsonl")
    return BuildConfig(
        sources=[SourceSpec(str(source))],
        out=str(tmp_path / out),
        decontaminate=[str(evalset)],
        near_duplicate_threshold=0.7,
        ngram=8,
        **extra,
    )


def _data_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_every_row_is_kept_or_rejected_with_its_reason_and_line(tmp_path):
    manifest = build(_config(tmp_path), progress=False)
    counts = manifest["counts"]
    assert counts["read"] == 11
    assert counts["kept"] == len(GOOD)
    assert counts["rejected"] == {
        "contaminated": 1,
        "duplicate": 1,
        "malformed_row": 2,
        "near_duplicate": 1,
        "unverifiable_answer": 1,
    }
    assert counts["read"] == counts["kept"] + sum(counts["rejected"].values())
    out = tmp_path / "out"
    rejected = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()]
    origins = {r["reason"]: r["origin"] for r in rejected}
    assert origins["unverifiable_answer"].endswith("exercises.jsonl:8")
    bad_json = next(r for r in rejected if r["origin"] == f"{tmp_path / 'exercises.jsonl'}:6")
    assert bad_json["reason"] == "malformed_row" and "invalid JSON" in bad_json["detail"]
    assert "problem" in next(r["detail"] for r in rejected if r["origin"].endswith(":7"))
    duplicates = [json.loads(line) for line in (out / "duplicates.jsonl").read_text().splitlines()]
    assert [d["reason"] for d in duplicates] == ["duplicate", "near_duplicate"]
    assert duplicates[0]["kept"] == duplicates[1]["kept"]
    assert manifest["sources"][0]["sha256"] and manifest["sources"][0]["read"] == 11
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk == manifest
    assert (out / "README.md").read_text().startswith("---")
    loaded = datasets.load_dataset("parquet", data_dir=str(out / "data"), split="train")
    assert sorted(loaded["answer"]) == sorted(["7", "60", "1/6", "4", "[0,1)"])
    assert set(loaded["answer_type"]) == {"number", "interval"}


def test_same_input_gives_byte_identical_output(tmp_path):
    first = build(_config(tmp_path, "a", test_fraction=0.4), progress=False)
    second = build(_config(tmp_path, "b", test_fraction=0.4), progress=False)
    assert first["files"] == second["files"]
    a, b = _data_bytes(tmp_path / "a"), _data_bytes(tmp_path / "b")
    assert {k: v for k, v in a.items() if k != "manifest.json" and k != "README.md"} == {
        k: v for k, v in b.items() if k != "manifest.json" and k != "README.md"
    }


@pytest.mark.parametrize("fraction, splits", [(1.0, {"test"}), (0.0, {"train"})])
def test_a_test_fraction_of_one_puts_every_task_in_the_test_split(tmp_path, fraction, splits):
    manifest = build(_config(tmp_path, test_fraction=fraction), progress=False)
    assert set(manifest["splits"]) == splits
    assert sum(manifest["splits"].values()) == manifest["counts"]["kept"] == len(GOOD)


def test_a_test_fraction_over_one_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"test_fraction must be in \[0, 1\]"):
        build(_config(tmp_path, test_fraction=1.5), progress=False)


def _big_source(path: Path, rows: int) -> Path:
    with path.open("w") as f:
        for i in range(rows):
            f.write(
                json.dumps(
                    {
                        "problem": f"Item {i}: what is {i} plus {i * 7 % 13} times {i % 5}?",
                        "answer": str(i + (i * 7 % 13) * (i % 5)),
                    }
                )
                + "\n"
            )
    return path


@pytest.mark.slow  # builds in child processes, one of them killed
def test_a_build_killed_with_sigkill_is_rerun_to_identical_files(tmp_path):
    source = _big_source(tmp_path / "big.jsonl", 6000)
    args = [sys.executable, "-m", "answerkey", "build", "--source", str(source), "--quiet", "--near-dup-threshold", "1"]
    subprocess.run([*args, "--out", str(tmp_path / "reference")], check=True, capture_output=True)
    victim = subprocess.Popen(
        [*args, "--out", str(tmp_path / "crashed")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    partial = tmp_path / "crashed" / ".partial"
    deadline = time.time() + 60
    while not partial.exists() and time.time() < deadline and victim.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)
    if victim.poll() is None:
        os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert not (tmp_path / "crashed" / "manifest.json").exists() or victim.returncode == 0
    subprocess.run([*args, "--out", str(tmp_path / "crashed")], check=True, capture_output=True)
    reference, crashed = _data_bytes(tmp_path / "reference"), _data_bytes(tmp_path / "crashed")
    assert reference.keys() == crashed.keys()
    for name in reference:
        if name.startswith("data/") or name == "rejected.jsonl":
            assert reference[name] == crashed[name], name
    ref_manifest = json.loads(reference["manifest.json"])
    crash_manifest = json.loads(crashed["manifest.json"])
    assert ref_manifest["files"] == crash_manifest["files"]
    assert ref_manifest["counts"] == crash_manifest["counts"]


def test_yaml_config_and_flags(tmp_path):
    source = _write_source(tmp_path / "exercises.jsonl")
    config = tmp_path / "build.yaml"
    config.write_text(
        f"sources:\n  - {source}\nout: {tmp_path / 'from_yaml'}\nformat: verl\nnear_duplicate_threshold: 0.7\n"
    )
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "read 11" in result.output
    manifest = json.loads((tmp_path / "from_yaml" / "manifest.json").read_text())
    assert manifest["format"] == "verl"
    inspected = CliRunner().invoke(main, ["inspect", str(tmp_path / "from_yaml")])
    assert inspected.exit_code == 0 and "rejected unverifiable_answer" in inspected.output


@pytest.mark.parametrize(
    "text,message",
    [
        ("sources: [x.jsonl]\nout: o\nfromat: trl\n", "unknown keys ['fromat']"),
        ("- just\n- a list\n", "expected a mapping"),
        ("sources: [{recipe: gsm8k}]\nout: o\n", "sources[0]"),
    ],
)
def test_bad_configs_name_the_file_and_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ValueError) as info:
        load_config(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_missing_source_is_a_clear_cli_error(tmp_path):
    result = CliRunner().invoke(
        main, ["build", "--source", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o"), "--quiet"]
    )
    assert result.exit_code != 0
    assert "nope.jsonl" in result.output


@requires_shared
def test_real_sets_build_with_every_row_accounted_for(tmp_path):
    sources = ["gsm8k/train.jsonl", "math/train.jsonl", "zh/cmath_dev_shared.jsonl", "zh/tal_scq5k_cn_train_1k.jsonl"]
    config = BuildConfig(
        sources=[SourceSpec(str(SHARED_DATA / s)) for s in sources],
        out=str(tmp_path / "real"),
        test_fraction=0.05,
        workers=2,
    )
    manifest = build(config, progress=False)
    counts = manifest["counts"]
    assert counts["read"] == 7473 + 7500 + 300 + 1000
    assert counts["read"] == counts["kept"] + sum(counts["rejected"].values())
    assert counts["kept"] / counts["read"] > 0.99
    recipes = [s["recipe"] for s in manifest["sources"]]
    assert recipes == ["gsm8k", "math", "cmath", "tal-scq"]
    assert manifest["sources"][0]["kept"] == 7473
    assert set(manifest["splits"]) == {"train", "test"}
    rows = datasets.load_dataset("parquet", data_dir=str(tmp_path / "real" / "data"), split="train")
    assert set(rows["lang"]) == {"en", "zh"}
    assert "choice" in set(rows["answer_type"])


def test_rows_held_in_memory_enter_through_the_same_door(tmp_path):
    rows = [{"problem": "What is 6 times 7?", "answer": "42"}, {"problem": "", "answer": "1"}]
    config = BuildConfig(sources=[SourceSpec("argilla:exercises", rows=rows)], out=str(tmp_path / "mem"))
    manifest = build(config, progress=False)
    assert manifest["counts"] == {"read": 2, "kept": 1, "rejected": {"malformed_row": 1}}
    assert manifest["config"]["sources"] == [{"path": "argilla:exercises", "recipe": "auto", "mapping": {}}]
    rejected = json.loads((tmp_path / "mem" / "rejected.jsonl").read_text())
    assert rejected["origin"] == "argilla:exercises:row 1"


def test_a_row_that_breaks_a_check_is_rejected_not_fatal(tmp_path, monkeypatch):
    from pipeline import mapping

    def broken(answer, answer_type, timeout, problem):
        raise RuntimeError(f"cannot check {answer}")

    monkeypatch.setattr(mapping, "check_verifiable", broken)
    rows = [{"problem": "What is 6 times 7?", "answer": "42"}]
    manifest = build(BuildConfig(sources=[SourceSpec("mem", rows=rows)], out=str(tmp_path / "o")), progress=False)
    assert manifest["counts"] == {"read": 1, "kept": 0, "rejected": {"check_error": 1}}
    detail = json.loads((tmp_path / "o" / "rejected.jsonl").read_text())["detail"]
    assert detail == "mem:row 0: RuntimeError: cannot check 42"


def test_a_self_check_out_of_time_is_counted_as_verifier_timeout(tmp_path):
    manifest = build(_config(tmp_path, timeout=1e-9), progress=False)
    counts = manifest["counts"]
    assert counts["rejected"] == {"malformed_row": 2, "unverifiable_answer": 1, "verifier_timeout": 8}
    assert counts["kept"] == 0 and manifest["config"]["timeout"] == 1e-9
    rejected = [json.loads(line) for line in (tmp_path / "out" / "rejected.jsonl").read_text().splitlines()]
    assert all("took over 1e-09s" in r["detail"] for r in rejected if r["reason"] == "verifier_timeout")


NEAR = "Let f(x) = 3x^2 - 5x + 2 and g(x) = x^3 - 4x + 11. Compute the value of f(g(x)) at x = -7."


@pytest.mark.parametrize("keep,kept,near", [(True, 2, 1), (False, 1, 2)])
def test_near_duplicates_with_other_answers_are_kept_by_default(tmp_path, keep, kept, near):
    rows = [
        {"problem": NEAR, "answer": "500"},
        {"problem": NEAR.replace("-7", "3"), "answer": "96"},  # a variant: another answer
        {"problem": NEAR.replace("-7", "3") + " Show work.", "answer": "96"},
    ]  # a near duplicate of it
    config = BuildConfig(
        sources=[SourceSpec("mem", rows=rows)],
        out=str(tmp_path / "o"),
        near_duplicate_threshold=0.7,
        keep_near_duplicates_with_different_answers=keep,
    )
    manifest = build(config, progress=False)
    assert manifest["counts"] == {"read": 3, "kept": kept, "rejected": {"near_duplicate": near}}
    assert manifest["config"]["keep_near_duplicates_with_different_answers"] is keep
    duplicates = [json.loads(line) for line in (tmp_path / "o" / "duplicates.jsonl").read_text().splitlines()]
    assert duplicates[-1]["reason"] == "near_duplicate"


@pytest.mark.parametrize("flag,kept", [([], 2), (["--drop-near-dups-with-other-answers"], 1)])
def test_cli_near_duplicate_and_timeout_flags(tmp_path, flag, kept):
    rows = [{"problem": NEAR, "answer": "500"}, {"problem": NEAR.replace("-7", "3"), "answer": "96"}]
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--source",
            str(source),
            "--out",
            str(tmp_path / "o"),
            "--quiet",
            "--near-dup-threshold",
            "0.7",
            "--timeout",
            "7",
            *flag,
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["counts"]["kept"] == kept
    assert manifest["config"]["timeout"] == 7.0
    assert manifest["config"]["keep_near_duplicates_with_different_answers"] is (not flag)


def test_problems_without_text_or_over_the_size_cap_are_rejected_with_their_reason(tmp_path):
    source = tmp_path / "rows.jsonl"
    rows = [
        {"problem": "What is 6 times 7?", "answer": "42"},
        {"problem": "?", "answer": "3"},
        {"problem": "What is 1 + 1? " + "Think hard. " * 20, "answer": "2"},
        {"problem": "What is 2/0?", "answer": "\\frac{2}{0}"},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--source", str(source), "--out", str(tmp_path / "o"), "--max-problem-chars", "100", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    rejected = {r["origin"]: r for r in map(json.loads, (tmp_path / "o" / "rejected.jsonl").read_text().splitlines())}
    assert {origin.rsplit(":", 1)[1]: r["reason"] for origin, r in rejected.items()} == {
        "2": "malformed_row",
        "3": "too_long",
        "4": "unverifiable_answer",
    }
    assert "no letters or digits" in rejected[f"{source}:2"]["detail"]
    assert "over --max-problem-chars 100" in rejected[f"{source}:3"]["detail"]
    assert "division by zero" in rejected[f"{source}:4"]["detail"]


def test_conflicting_keys_are_rejected_together_or_settled_by_the_solution(tmp_path):
    source = tmp_path / "rows.jsonl"
    rows = [
        {"problem": "What is 6 times 7?", "answer": "42", "solution": "6 times 7 is \\boxed{42}."},
        {"problem": "What is 9 minus 4?", "answer": "5"},
        {"problem": "what is 6 times 7?", "answer": "43", "solution": "6 times 7 is \\boxed{42}."},  # loses
        {"problem": "What is 9 minus 4?", "answer": "6"},  # no solution settles it: both go
        {"problem": "What is 3 plus 3?", "answer": "6"},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "o"
    manifest = build(BuildConfig(sources=[SourceSpec(str(source))], out=str(out)), progress=False)
    assert manifest["counts"] == {"read": 5, "kept": 2, "rejected": {"conflicting_answers": 3}}
    assert manifest["sources"][0]["kept"] == 2
    rejected = {
        r["origin"].rsplit(":", 1)[1]: r for r in map(json.loads, (out / "rejected.jsonl").read_text().splitlines())
    }
    assert set(rejected) == {"2", "3", "4"}
    for line in ("2", "4"):  # the unsettled pair: both rows, with both keys and ids, for a reviewer
        row = json.loads(rejected[line]["row"])
        assert row["problem"].lower() == "what is 9 minus 4?"
        assert [r["answer"] for r in row["conflict"]["rows"]] == ["5", "6"]
        assert all(r["id"] and r["origin"].startswith(str(source)) for r in row["conflict"]["rows"])
        assert "both rejected" in rejected[line]["detail"]
    settled = json.loads(rejected["3"]["row"])
    assert settled["answer"] == "43" and settled["conflict"]["kept"] == settled["conflict"]["rows"][0]["id"]
    records = [json.loads(line) for line in (out / "duplicates.jsonl").read_text().splitlines()]
    assert [r["reason"] for r in records] == ["conflicting_answers", "conflicting_answers"]
    assert "only its key matches its own solution" in records[0]["decision"]
    import pyarrow.parquet as pq

    assert sorted(pq.read_table(out / "data").column("answer").to_pylist()) == ["42", "6"]
