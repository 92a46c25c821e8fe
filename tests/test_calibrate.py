"""``answerkey calibrate``: pass rates measured on a model whose answers the test decides, answer
groups by equivalence, the flags, the new version's lineage, resume after SIGKILL, Ray, and the
trainer's ``--min-pass/--max-pass``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from calibrate_fixtures import keyed_tasks, rigged_model
from click.testing import CliRunner
from trainer_fixtures import THREADS_ENV, invoke, read_jsonl

from answerkey.cli import main
from trainer.calibrate import (
    Attempt,
    CalibrateConfig,
    SuspectRule,
    TaskCalibration,
    answer_groups,
    answer_pairs,
    calibrate,
    default_agreement,
    ends_with_answer,
    flags_of,
)
from trainer.errors import TrainerError
from verifiers import verify
from verifiers.steps import check_steps

KEYS = ["7", "7", "8", "9", "7", "8"]


@pytest.fixture(scope="module")
def always_seven(tmp_path_factory) -> Path:
    return rigged_model(tmp_path_factory.mktemp("rigged") / "always7", p7=1.0)


@pytest.fixture(scope="module")
def mostly_seven(tmp_path_factory) -> Path:
    return rigged_model(tmp_path_factory.mktemp("rigged") / "mostly7", p7=0.75)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory) -> Path:
    return keyed_tasks(tmp_path_factory.mktemp("tasks") / "keyed", KEYS)


def rows_of(version: Path) -> list[dict]:
    return [r for shard in sorted((version / "data").glob("*.parquet")) for r in pq.read_table(shard).to_pylist()]


def config(model: Path, tasks: Path, out: Path, **overrides) -> CalibrateConfig:
    settings = {"k": 8, "max_new_tokens": 4, "workers": 1, "prompts_per_batch": 2, "progress": False}
    return CalibrateConfig(model=str(model), tasks=str(tasks), out=str(out), **{**settings, **overrides})


# ---------------------------------------------------------------------------------------------
# Pieces
# ---------------------------------------------------------------------------------------------
def test_answers_are_grouped_by_verifier_equivalence_and_transitively():
    answers = ["1/2", "0.5", None, "3", "\\frac{1}{2}", "3.0", "0.5"]
    pairs = answer_pairs(answers)
    assert len(pairs) == 10  # 5 distinct answers, each pair once
    same = [verify(a, b).correct for a, b in pairs]
    assert answer_groups(answers, same) == [0, 0, None, 2, 0, 2, 0]
    # transitivity: a~b and b~c join a and c even when a~c was judged False
    assert answer_groups(["a", "b", "c"], [True, False, True]) == [0, 0, 0]
    with pytest.raises(ValueError):
        answer_groups(["a", "b"], [])  # one verdict per pair


def attempt(extracted: str | None, correct: bool, group: int | None, status: str = "ok", text: str = "") -> Attempt:
    """A sample with no written steps: its worked answer is its extracted one."""
    return Attempt(text or str(extracted), True, correct, status, "", extracted, group, 0, 0, extracted, group, correct)


def written(text: str, extracted: str, key: str) -> Attempt:
    """A sample whose steps are checked and redone as calibrate does; answers are integers, so an
    answer's group is its value."""
    steps = check_steps(text)
    worked = steps.worked(extracted)
    worked_correct = worked is not None and verify(worked, key).correct
    worked_group = int(worked) if worked is not None else None
    correct = verify(extracted, key).correct
    return Attempt(text, True, correct, "ok", "", extracted, int(extracted), steps.checked, steps.failed, worked,
                   worked_group, worked_correct)  # fmt: skip


def calibration(attempts: list[Attempt], key: str = "7") -> TaskCalibration:
    return TaskCalibration.of("t1", "s", key, attempts)


def test_a_key_is_suspect_only_when_enough_samples_agree_on_another_answer():
    agreeing = calibration([attempt("8", False, 0)] * 5 + [attempt("7", True, 1)] * 3)
    [flag] = flags_of(agreeing, SuspectRule(5, max_key_matches=8), problem="p", version="v")
    assert (flag.kind, flag.majority_answer, flag.majority_count, flag.correct) == ("key_suspect", "8", 5, 3)
    assert flag.solutions == ["8", "8"] and flag.problem == "p" and flag.version == "v"
    assert list(flags_of(agreeing, SuspectRule(6, max_key_matches=8), problem="p", version="v")) == []
    assert list(flags_of(agreeing, SuspectRule(5, max_key_matches=2), problem="p", version="v")) == []  # 3 matched
    assert list(flags_of(agreeing, SuspectRule(5), problem="p", version="v")) == []  # by default none may match
    right = calibration([attempt("7", True, 0)] * 6 + [attempt("8", False, 1)] * 2)
    assert list(flags_of(right, SuspectRule(5), problem="p", version="v")) == []


SLIPPED = "8×6=48 and 9×6=54, so 48+54=92. The answer is 92."
RIGHT = "8×6=48 and 9×6=54, so 48+54=102. The answer is 102."


def test_a_slip_the_model_keeps_making_votes_for_what_its_work_gives_so_a_right_key_stands():
    model_error = calibration([written(SLIPPED, "92", "102")] * 6 + [written(RIGHT, "102", "102")] * 2, key="102")
    assert (model_error.majority_answer, model_error.majority_count, model_error.correct) == ("92", 6, 2)
    assert (model_error.worked_answer, model_error.worked_count, model_error.worked_key_matches) == ("102", 8, 8)
    assert list(flags_of(model_error, SuspectRule(5), problem="p", version="v")) == []
    [flag] = flags_of(model_error, SuspectRule(5, max_key_matches=8, by_work=False), problem="p", version="v")
    assert flag.detail.startswith("6 of 8 samples agree on '92'")  # as written, the slip outvotes the key


def test_a_key_with_the_slip_the_model_makes_is_found_by_the_work_not_by_the_answers():
    # The key holds the very slip two samples make: as written they match it, which clears the key.
    samples = [written(RIGHT, "102", "92")] * 5 + [written(SLIPPED, "92", "92")] * 2 + [attempt("7", False, 7)]
    wrong_key = calibration(samples, key="92")
    assert wrong_key.correct == 2 and list(flags_of(wrong_key, SuspectRule(3, by_work=False), "p", "v")) == []
    assert (wrong_key.worked_answer, wrong_key.worked_count, wrong_key.worked_key_matches) == ("102", 7, 0)
    [flag] = flags_of(wrong_key, SuspectRule(3), problem="p", version="v")
    assert (flag.majority_answer, flag.majority_count) == ("102", 7)  # the review is pre-filled with 102
    assert flag.detail.startswith("7 of 8 samples agree by their work (wrong steps redone) on '102'")
    assert flag.solutions[0] == RIGHT  # work that holds is shown first
    assert list(flags_of(wrong_key, SuspectRule(8), problem="p", version="v")) == []


def test_wrong_work_that_did_not_lead_to_the_answer_casts_no_vote():
    unrelated = written("8×6=47. The answer is 102.", "102", "95")
    assert unrelated.worked is None and unrelated.worked_group is None
    result = calibration([unrelated] * 8, key="95")
    assert result.worked_count == 0 and list(flags_of(result, SuspectRule(1), problem="p", version="v")) == []


def test_a_verdict_is_suspect_on_a_timeout_or_a_missed_final_answer():
    timed_out = attempt("7", False, 0, status="timeout")
    missed = attempt(None, False, None, text="so the total is \\boxed{7}")
    result = calibration([timed_out, missed, attempt("7", True, 0)])
    [flag] = flags_of(result, SuspectRule(8), problem="p", version="v")
    assert flag.kind == "verifier_suspect"
    assert "timeout" in flag.detail and "no answer extracted" in flag.detail
    assert ends_with_answer("The answer is 12.") and ends_with_answer("共3元")
    assert not ends_with_answer("I am not sure.")


# ---------------------------------------------------------------------------------------------
# Whole runs
# ---------------------------------------------------------------------------------------------
def test_greedy_calibration_measures_exact_pass_rates_and_flags_the_keys_the_model_contradicts(
    always_seven, keyed, tmp_path
):
    out = tmp_path / "calibrated"
    report = calibrate(config(always_seven, keyed, out, temperature=0.0))
    lines = {r["key"] + r["id"]: r for r in read_jsonl(out / "calibration.jsonl")}
    assert len(lines) == len(KEYS)
    for line in lines.values():
        assert line["pass_rate"] == (1.0 if line["key"] == "7" else 0.0)
        assert (line["majority_answer"], line["majority_count"], line["statuses"]) == ("7", 8, {"ok": 8})
    flags = read_jsonl(out / "flags.jsonl")
    assert sorted(f["key"] for f in flags) == ["8", "8", "9"] and {f["kind"] for f in flags} == {"key_suspect"}
    assert all(f["problem"] and f["version"] == str(out.resolve()) and len(f["solutions"]) == 2 for f in flags)
    # the new version: every row with its difficulty, and where it came from
    rows = rows_of(out)
    assert sorted((r["answer"], r["difficulty"]) for r in rows) == sorted((k, 1.0 if k == "7" else 0.0) for k in KEYS)
    calibration_lineage = json.loads(rows[0]["lineage"])["calibration"]
    assert calibration_lineage["k"] == 8 and calibration_lineage["model"] == str(always_seven.resolve())
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["derived_from"]["path"] == str(keyed.resolve())
    assert manifest["config"]["derived_by"] == "calibration" and manifest["config"]["temperature"] == 0.0
    assert (out / "pass_rates.png").stat().st_size > 1000
    assert not (out / ".calibration").exists()
    table = report.by_source()["rigged"]
    assert (table.tasks, table.key_suspect, table.never_solved) == (6, 3, 0.5)


def test_sampled_pass_rates_follow_the_models_probability(mostly_seven, keyed, tmp_path):
    report = calibrate(config(mostly_seven, keyed, tmp_path / "sampled", k=48, prompts_per_batch=3))
    sevens = []
    for result in report.results:
        said_seven = sum(a.extracted == "7" for a in result.attempts)
        assert result.correct == {"7": said_seven, "8": result.k - said_seven, "9": 0}[result.key]
        sevens.append(said_seven / result.k)
    assert sum(sevens) / len(sevens) == pytest.approx(0.75, abs=0.08)  # 288 draws: sd 0.026


def test_a_pass_range_keeps_the_informative_tasks_and_rejects_the_rest_with_a_reason(always_seven, keyed, tmp_path):
    out = tmp_path / "range"
    report = calibrate(config(always_seven, keyed, out, temperature=0.0, max_pass=0.5))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"read": 6, "kept": 3, "rejected": {"outside_pass_range": 3}}
    assert (report.kept, report.dropped) == (3, 3)
    assert {r["answer"] for r in rows_of(out)} == {"8", "9"}
    assert all("outside [0.0, 0.5]" in r["detail"] for r in read_jsonl(out / "rejected.jsonl"))


def test_the_command_prints_the_table_by_source_and_explains_bad_input(always_seven, keyed, tmp_path):
    out = tmp_path / "cli"
    args = ["calibrate", "--model", str(always_seven), "--tasks", str(keyed), "--out", str(out), "-k", "4"]
    result = CliRunner().invoke(
        main, [*args, "--temperature", "0", "--max-new-tokens", "4", "--workers", "1", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "rigged" in result.output and "6 tasks calibrated" in result.output and "3 flags" in result.output
    again = CliRunner().invoke(main, [*args, "--tasks", str(always_seven), "--quiet"])
    assert again.exit_code == 1 and "not a dataset version" in again.output
    wrong = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "w"), "--min-agree", "5", "--quiet"])
    assert wrong.exit_code == 1 and "--min-agree 5" in wrong.output


def test_rl_trains_only_on_the_calibrated_range(always_seven, keyed, tmp_path):
    calibrated = tmp_path / "calibrated"
    calibrate(config(always_seven, keyed, calibrated, temperature=0.0))
    run = tmp_path / "rl"
    common = ["rl", "--model", str(always_seven), "--out", str(run), "--steps", "1", "--prompts-per-step", "2"]
    common += ["--group-size", "2", "--max-new-tokens", "4", "--workers", "1", "--quiet"]
    trained = invoke(*common, "--tasks", str(calibrated), "--max-pass", "0.5")
    assert trained.exit_code == 0, trained.output + repr(trained.exception)
    assert {r["answer"] for r in read_jsonl(run / "rollouts.jsonl")} <= {"8", "9"}
    refused = invoke(*common, "--tasks", str(keyed), "--min-pass", "0.1", "--out", str(tmp_path / "rl2"))
    assert refused.exit_code == 1 and "run `answerkey calibrate`" in refused.output


# ---------------------------------------------------------------------------------------------
# Resume and Ray: the same result as one uninterrupted local run
# ---------------------------------------------------------------------------------------------
def calibrate_process(model: Path, tasks: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "answerkey", "calibrate", "--model", str(model), "--tasks", str(tasks)]
    command += ["--out", str(out), "-k", "6", "--max-new-tokens", "4", "--workers", "1", "--batch-size", "1"]
    command += ["--quiet"]
    return subprocess.Popen(
        command, env={**os.environ, **THREADS_ENV}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def summaries(out: Path) -> list[dict]:
    return read_jsonl(out / "calibration.jsonl")


def test_a_killed_run_resumes_where_it_stopped_with_the_same_result(mostly_seven, tmp_path):
    tasks = keyed_tasks(tmp_path / "tasks", ["7", "8"] * 60)  # batches of one task: a kill lands mid-run
    reference = tmp_path / "reference"
    calibrate(config(mostly_seven, tasks, reference, k=6, prompts_per_batch=1))
    out = tmp_path / "killed"
    process = calibrate_process(mostly_seven, tasks, out)
    deadline = time.monotonic() + 240
    while len(list((out / ".calibration").glob("batch-*.json"))) < 3 and time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list((out / ".calibration").glob("batch-*.json")))
    assert 3 <= finished < 120 and not (out / "manifest.json").exists()
    resumed = calibrate(config(mostly_seven, tasks, out, k=6, prompts_per_batch=1))
    assert summaries(out) == summaries(reference)
    assert len(resumed.results) == 120
    with pytest.raises(TrainerError, match="other settings"):
        (out / ".calibration").mkdir()
        (out / ".calibration" / "config.json").write_text("{}")
        calibrate(config(mostly_seven, tasks, out, k=6, prompts_per_batch=1))


@pytest.mark.slow
def test_ray_spreads_the_batches_with_the_same_result(mostly_seven, keyed, tmp_path):
    local = calibrate(config(mostly_seven, keyed, tmp_path / "local", prompts_per_batch=2))
    spread = calibrate(config(mostly_seven, keyed, tmp_path / "ray", prompts_per_batch=2, engine="ray", workers=2))
    assert [r.summary() for r in spread.results] == [r.summary() for r in local.results]
    assert summaries(tmp_path / "ray") == summaries(tmp_path / "local")


# ---------------------------------------------------------------------------------------------
# benchmarks/key_audit.py: planted slips and their scoring
# ---------------------------------------------------------------------------------------------
def key_audit():
    import importlib.util

    path = Path(__file__).parent.parent / "benchmarks" / "key_audit.py"
    spec = importlib.util.spec_from_file_location("key_audit", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["key_audit"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_planted_slips_are_plausible_and_always_wrong():
    import random

    audit = key_audit()
    rng = random.Random(0)
    for value in (0, 7, 12, 45, 100, 3021, -8):
        for slip, wrong in audit.slips(value, rng):
            assert wrong != value and not verify(str(wrong), str(value)).correct
            assert slip in ("off_by_one", "digits_swapped", "wrong_step")
    assert ("digits_swapped", 54) in audit.slips(45, rng)


def test_the_audit_finds_exactly_the_planted_keys_when_the_model_knows_the_answers(always_seven, tmp_path):
    audit = key_audit()
    tasks = keyed_tasks(tmp_path / "tasks", ["7"] * 10)
    planted = audit.corrupt(tasks, tmp_path / "corrupted", share=0.3, seed=1)
    assert len(planted) == 3 and all(p.right == "7" and p.wrong != "7" for p in planted)
    manifest = json.loads((tmp_path / "corrupted" / "manifest.json").read_text())
    assert {c["id"] for c in manifest["changes"]} == {p.id for p in planted}
    report = calibrate(config(always_seven, tmp_path / "corrupted", tmp_path / "calibrated", temperature=0.0, k=4))
    run = audit.Run(temperature=0.0, k=4, seconds=0.0, tasks=len(report.results), mean_pass_rate=0.0)
    found = audit.score(report, planted, run, SuspectRule(3))
    assert (found.flagged, found.caught, found.recall, found.precision) == (3, 3, 1.0, 1.0)


@pytest.mark.parametrize(("k", "agree"), [(8, 2), (16, 4), (4, 1), (2, 1), (1, 1)])
def test_default_agreement_is_a_quarter_of_k(k, agree):
    assert default_agreement(k) == agree
    assert CalibrateConfig(model="m", tasks="t", out="o", k=k).agree == agree
