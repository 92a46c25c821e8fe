"""The review queue end to end against the real embedded Argilla: calibrate flags keys, a reviewer
keeps, replaces or drops them, and the pull is the next dataset version with every change listed;
tasks a training run never solved go to the same queue."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import argilla as rg
import pyarrow.parquet as pq
import pytest
from calibrate_fixtures import keyed_tasks, rigged_model
from click.testing import CliRunner
from trainer_fixtures import invoke, read_jsonl

from answerkey.cli import main
from answerkey.review_queue import never_solved_flags

KEYS = ["7", "8", "9", "8", "8", "9"]  # the model always says 7: five keys are flagged


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture
def server_env(argilla_server, monkeypatch):
    monkeypatch.setenv("ARGILLA_API_URL", argilla_server.url)
    monkeypatch.setenv("ARGILLA_API_KEY", argilla_server.credentials["api_key"])
    return argilla_server


@pytest.fixture(scope="module")
def always_seven(tmp_path_factory) -> Path:
    return rigged_model(tmp_path_factory.mktemp("rigged") / "always7", p7=1.0)


def rows_of(version: Path) -> dict[str, dict]:
    return {
        r["id"]: r for shard in sorted((version / "data").glob("*.parquet")) for r in pq.read_table(shard).to_pylist()
    }


def submit(dataset: rg.Dataset, record: rg.Record, user_id, **answers: str) -> None:
    for question, value in answers.items():
        record.responses.add(rg.Response(question, value, user_id=user_id, status="submitted"))
    dataset.records.log([record])


def test_flagged_keys_are_reviewed_and_pulled_as_the_next_version(server_env, always_seven, tmp_path):
    tasks = keyed_tasks(tmp_path / "tasks", KEYS)
    calibrated = tmp_path / "calibrated"
    name = f"keys-{uuid.uuid4().hex[:8]}"
    output = run(
        "calibrate", "--model", str(always_seven), "--tasks", str(tasks), "--out", str(calibrated), "-k", "4",
        "--temperature", "0", "--max-new-tokens", "4", "--workers", "1", "--quiet", "--review", name,
    )  # fmt: skip
    assert "5 tasks sent" in output
    flags = {f["id"]: f for f in read_jsonl(calibrated / "flags.jsonl")}
    # pushing the flags again, as `annotate push FLAGS --template review`, updates and never duplicates
    credentials = ["--api-url", server_env.url, "--api-key", server_env.credentials["api_key"]]
    run("annotate", "push", str(calibrated / "flags.jsonl"), "--name", name, "--template", "review", *credentials)
    client = server_env.client()
    dataset = client.datasets(name)
    records = {r.id: r for r in dataset.records(with_suggestions=True)}
    assert records.keys() == flags.keys()
    for task_id, record in records.items():
        assert f"`{flags[task_id]['key']}`: the current answer key" in record.fields["candidates"]
        assert "`7`: 4 of 4 model samples" in record.fields["candidates"]
        assert "key_suspect" in record.fields["evidence"] and "Sample solution 1" in record.fields["evidence"]
        assert record.metadata["parent_version"] == str(calibrated.resolve())
        assert record.suggestions["final_answer"].value == "7"
    replace, drop, keep, invalid, pending = sorted(records, key=lambda i: (flags[i]["key"], i))[:5]
    me = client.me.id
    submit(dataset, records[replace], me, decision="replace", final_answer="7")
    submit(dataset, records[drop], me, decision="drop", notes="the problem is missing a number")
    submit(dataset, records[keep], me, decision="keep")
    submit(dataset, records[invalid], me, decision="replace", final_answer="seventeen-ish")

    reviewed = tmp_path / "reviewed"
    output = run("annotate", "pull", name, "--out", str(reviewed), *credentials)
    assert "1 kept, 1 replaced, 1 dropped, 1 replacements failed" in output
    before, after = rows_of(calibrated), rows_of(reviewed)
    assert after.keys() == before.keys() - {drop}
    assert after[replace]["answer"] == "7" and before[replace]["answer"] == "8"
    assert json.loads(after[replace]["lineage"])["review"]["old_answer"] == "8"
    for unchanged in (keep, invalid, pending):
        assert after[unchanged] == before[unchanged]
    manifest = json.loads((reviewed / "manifest.json").read_text())
    assert manifest["derived_from"]["path"] == str(calibrated.resolve())
    assert manifest["counts"] == {"read": 6, "kept": 5, "rejected": {"dropped_in_review": 1}}
    changes = {c["id"]: c for c in manifest["changes"]}
    assert changes.keys() == {replace, drop, keep, invalid}
    assert (changes[replace]["decision"], changes[replace]["new_answer"]) == ("replace", "7")
    assert changes[drop]["notes"] == "the problem is missing a number"
    assert changes[invalid]["applied"] is False and "seventeen-ish" in changes[invalid]["new_answer"]
    [rejected] = read_jsonl(reviewed / "rejected.jsonl")
    assert (rejected["origin"], rejected["reason"]) == (drop, "dropped_in_review")


def test_tasks_a_run_never_solved_go_to_the_review_queue(server_env, always_seven, tmp_path):
    tasks = keyed_tasks(tmp_path / "tasks", ["7", "8", "7", "9"])
    out = tmp_path / "rl"
    name = f"failures-{uuid.uuid4().hex[:8]}"
    result = invoke(
        "rl", "--model", str(always_seven), "--tasks", str(tasks), "--out", str(out), "--steps", "2",
        "--prompts-per-step", "4", "--group-size", "2", "--max-new-tokens", "4", "--workers", "1", "--quiet",
        "--review-failures", name,
    )  # fmt: skip
    assert result.exit_code == 0, result.output + repr(result.exception)
    rollouts = read_jsonl(out / "rollouts.jsonl")
    unsolved = {r["task_id"] for r in rollouts} - {r["task_id"] for r in rollouts if r["correct"]}
    flags = read_jsonl(out / "never_solved.jsonl")
    assert {f["id"] for f in flags} == unsolved and unsolved
    assert {f["key"] for f in flags} <= {"8", "9"}
    assert all(f["k"] == sum(r["task_id"] == f["id"] for r in rollouts) for f in flags)
    assert flags == never_solved_flags(out, tasks)
    records = list(server_env.client().datasets(name).records)
    assert {r.id for r in records} == unsolved
    assert {r.metadata["reason"] for r in records} == {"never_solved"}
