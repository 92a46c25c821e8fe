"""Push, annotate over HTTP as the UI does, check, draft, agree, review and pull: all against the
real embedded Argilla server (the session fixture `argilla_server`)."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import argilla as rg
import httpx
import pyarrow.parquet as pq
import pytest
from annotation_models import save_tiny_chat_model
from click.testing import CliRunner

from answerkey.cli import main
from pipeline.build import BuildConfig, SourceSpec, build

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def cli(server, *args: str) -> str:
    """Run `answerkey annotate ...` against the server; the output, or a failure showing it."""
    result = CliRunner().invoke(
        main, ["annotate", *args, "--api-url", server.url, "--api-key", server.credentials["api_key"]]
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def add_annotator(server, name: str) -> str:
    """Create an annotator with the CLI; returns the printed password."""
    output = cli(server, "users", "add", name, "--role", "annotator")
    return re.search(r"password: (\S+)", output).group(1)


class UiSession:
    """An annotator in the web UI: logs in with a password and calls the API the UI calls."""

    def __init__(self, server, username: str, password: str):
        self.http = httpx.Client(base_url=server.url, timeout=60)
        token = self.http.post("/api/v1/token", data={"username": username, "password": password})
        assert token.status_code == 201, token.text
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def dataset_id(self, name: str) -> str:
        datasets = self.http.get("/api/v1/me/datasets").json()["items"]
        return next(d["id"] for d in datasets if d["name"] == name)

    def pending(self, name: str) -> list[dict]:
        """The annotator's queue: records they have not answered yet, with their suggestions."""
        body = {
            "filters": {
                "and": [{"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["pending"]}]
            }
        }
        answer = self.http.post(
            f"/api/v1/me/datasets/{self.dataset_id(name)}/records/search",
            params={"include": ["suggestions"], "limit": 100},
            json=body,
        )
        assert answer.status_code == 200, answer.text
        return [item["record"] for item in answer.json()["items"]]

    def submit(self, record_id: str, values: dict) -> None:
        answer = self.http.post(
            f"/api/v1/records/{record_id}/responses",
            json={"status": "submitted", "values": {name: {"value": value} for name, value in values.items()}},
        )
        assert answer.status_code == 201, answer.text


@pytest.fixture(scope="module")
def gsm8k_version(tmp_path_factory) -> Path:
    """A small dataset version built by the pipeline from the GSM8K fixture."""
    out = tmp_path_factory.mktemp("versions") / "gsm8k"
    build(
        BuildConfig(sources=[SourceSpec(str(FIXTURES / "gsm8k.jsonl"), recipe="gsm8k")], out=str(out)), progress=False
    )
    return out


def tasks_of(version: Path) -> list[dict]:
    return [row for shard in sorted((version / "data").glob("*.parquet")) for row in pq.read_table(shard).to_pylist()]


def test_push_is_idempotent_and_keeps_answers(argilla_server, gsm8k_version):
    name = unique("ex")
    tasks = tasks_of(gsm8k_version)
    cli(argilla_server, "push", str(gsm8k_version), "--name", name, "--template", "exercise")
    client = argilla_server.client()
    dataset = client.datasets(name)
    records = list(dataset.records(with_suggestions=True))
    assert sorted(r.id for r in records) == sorted(t["id"] for t in tasks)
    assert {r.id: r.suggestions["final_answer"].value for r in records} == {t["id"]: t["answer"] for t in tasks}
    first = records[0]
    first.responses.add(rg.Response("final_answer", "42", user_id=client.me.id, status="submitted"))
    dataset.records.log([first])

    cli(argilla_server, "push", str(gsm8k_version), "--name", name, "--template", "exercise")
    again = list(dataset.records(with_responses=True))
    assert len(again) == len(tasks)
    assert [r.responses["final_answer"][0].value for r in again if r.id == first.id] == ["42"]


def test_round_trip_annotator_over_http(argilla_server, gsm8k_version, tmp_path):
    name = unique("ex")
    cli(argilla_server, "push", str(gsm8k_version), "--name", name, "--template", "exercise")
    annotator = unique("ann")
    ui = UiSession(argilla_server, annotator, add_annotator(argilla_server, annotator))
    queue = ui.pending(name)
    assert len(queue) == len(tasks_of(gsm8k_version))
    answers = {}
    for record in queue:
        suggested = record["suggestions"][0]["value"]
        answers[record["external_id"]] = f"{suggested}.0"  # an equivalent form of the suggestion
        ui.submit(record["id"], {"final_answer": answers[record["external_id"]], "answer_type": "number"})
    assert ui.pending(name) == []

    out = tmp_path / "pulled"
    output = cli(argilla_server, "pull", name, "--out", str(out))
    assert f"{len(queue)} pulled" in output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["read"] == manifest["counts"]["kept"] == len(queue)
    for task in tasks_of(out):
        lineage = json.loads(task["lineage"])["annotation"]
        assert lineage["dataset"] == name
        assert [a["annotator"] for a in lineage["annotators"]] == [annotator]
        assert lineage["annotators"][0]["answer"] == answers[lineage["record_id"]]
        assert lineage["annotators"][0]["updated_at"]
        assert task["answer"] == answers[lineage["record_id"]].removesuffix(".0")  # canonical form
    pulled = json.loads((out / "pull.json").read_text())
    assert pulled["records"] == pulled["pulled"] + pulled["pending"] + pulled["in_review"]


def test_agreement_review_and_settlement(argilla_server, tmp_path):
    name = unique("ex")
    problems = tmp_path / "problems.jsonl"
    problems.write_text(
        json.dumps({"problem": "Half of one?", "answer": "1/2"})
        + "\n"
        + json.dumps({"problem": "Two plus two?", "answer": "4"})
        + "\n"
    )
    version = tmp_path / "version"
    build(BuildConfig(sources=[SourceSpec(str(problems), recipe="generic")], out=str(version)), progress=False)
    cli(argilla_server, "push", str(version), "--name", name, "--template", "exercise", "--min-submitted", "2")
    first, second = unique("ann"), unique("ann")
    sessions = [UiSession(argilla_server, user, add_annotator(argilla_server, user)) for user in (first, second)]
    given = {"Half of one?": ["1/2", "0.5"], "Two plus two?": ["4", "5"]}
    for position, ui in enumerate(sessions):
        for record in ui.pending(name):
            ui.submit(record["id"], {"final_answer": given[record["fields"]["problem"]][position]})

    out = tmp_path / "pulled"
    assert "1 awaiting review" in cli(argilla_server, "pull", name, "--out", str(out))
    assert [t["problem"] for t in tasks_of(out)] == ["Half of one?"]

    client = argilla_server.client()
    review = client.datasets(f"{name}-review")
    [item] = list(review.records)
    assert item.fields["problem"] == "Two plus two?"
    assert "`4`" in item.fields["candidates"] and "`5`" in item.fields["candidates"]
    cli(argilla_server, "pull", name, "--out", str(out))
    assert len(list(review.records)) == 1  # sending to review again does not duplicate

    item.responses.add(rg.Response("final_answer", "4", user_id=client.me.id, status="submitted"))
    item.responses.add(rg.Response("decision", "replace", user_id=client.me.id, status="submitted"))
    review.records.log([item])
    assert "0 awaiting review" in cli(argilla_server, "pull", name, "--out", str(out))
    settled = {t["problem"]: t for t in tasks_of(out)}
    assert settled["Two plus two?"]["answer"] == "4"
    assert json.loads(settled["Two plus two?"]["lineage"])["annotation"]["reviewer"]["annotator"] == "argilla"


def test_check_flags_bad_answers_for_annotators_to_filter(argilla_server, tmp_path):
    name = unique("ex")
    cli(argilla_server, "push", "--blank", "3", "--name", name, "--template", "exercise")
    annotator = unique("ann")
    ui = UiSession(argilla_server, annotator, add_annotator(argilla_server, annotator))
    submissions = [
        {"problem_text": "Solve x + 1 = 3.", "final_answer": "2", "answer_type": "number"},
        {"problem_text": "Simplify 1/2 + 1/2.", "final_answer": "\\frac{1}{", "answer_type": "number"},
        {"problem_text": "Which set holds the roots of x^2 = 1?", "final_answer": "7", "answer_type": "set"},
    ]
    by_problem = {}
    for record, values in zip(sorted(ui.pending(name), key=lambda r: r["external_id"]), submissions, strict=True):
        ui.submit(record["id"], values)
        by_problem[record["external_id"]] = values
    output = cli(argilla_server, "check", name)
    assert "ok 1" in output and "unparseable 1" in output and "inconsistent 1" in output

    dataset = argilla_server.client().datasets(name)
    flagged = list(dataset.records(query=rg.Query(filter=rg.Filter(("metadata.verifier_status", "==", "unparseable")))))
    assert [by_problem[r.id]["final_answer"] for r in flagged] == ["\\frac{1}{"]
    assert (
        "does not parse" in flagged[0].fields["verifier_report"]
        or "unparseable" in flagged[0].fields["verifier_report"]
    )
    [inconsistent] = list(
        dataset.records(query=rg.Query(filter=rg.Filter(("metadata.verifier_status", "==", "inconsistent"))))
    )
    assert "declared set" in inconsistent.fields["verifier_report"]

    out = tmp_path / "pulled"
    cli(argilla_server, "pull", name, "--out", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["kept"] == 2 and manifest["counts"]["rejected"] == {"unverifiable_answer": 1}
    assert "Solve x + 1 = 3." in [t["problem"] for t in tasks_of(out)]


def test_draft_then_edit_records_the_edit_distance(argilla_server, tmp_path):
    name = unique("sft")
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(
        "".join(json.dumps({"prompt": p, "source": "handwritten"}) + "\n" for p in ("one plus one", "two times three"))
    )
    cli(argilla_server, "push", str(prompts), "--name", name, "--template", "sft")
    model = save_tiny_chat_model(tmp_path / "tiny-drafter")
    assert "drafted 2 records" in cli(
        argilla_server, "draft", "--model", str(model), "--dataset", name, "--max-new-tokens", "6"
    )
    assert "drafted 0 records" in cli(argilla_server, "draft", "--model", str(model), "--dataset", name)

    annotator = unique("ann")
    ui = UiSession(argilla_server, annotator, add_annotator(argilla_server, annotator))
    edited = {}
    for record in ui.pending(name):
        [suggestion] = record["suggestions"]
        assert suggestion["agent"] == "tiny-drafter" and suggestion["value"]
        edited[record["fields"]["prompt"]] = suggestion["value"] + " Checked."
        ui.submit(record["id"], {"response": edited[record["fields"]["prompt"]], "draft_quality": 2})

    out = tmp_path / "sft"
    assert "drafts: 2 responses had one, 0 kept it as is" in cli(argilla_server, "pull", name, "--out", str(out))
    rows = pq.read_table(out / "data" / "train-00000-of-00001.parquet").to_pylist()
    assert sorted(r["messages"][0]["content"] for r in rows) == sorted(edited)
    for row in rows:
        assert row["messages"][1]["content"] == edited[row["messages"][0]["content"]]
        assert row["draft_model"] == "tiny-drafter" and row["annotators"] == [annotator]
        assert row["draft_edit_distance"] == len(" Checked.")
        assert 0 < row["draft_edit_ratio"] < 1
        assert json.loads(row["lineage"])["draft_quality"] == 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"records": 2, "conversations": 2, "pending": 0}
    assert manifest["drafts"]["with_draft"] == 2 and manifest["drafts"]["unchanged"] == 0
    assert manifest["drafts"]["mean_edit_ratio"] == pytest.approx(
        sum(r["draft_edit_ratio"] for r in rows) / 2, abs=1e-4
    )


def test_clear_errors(argilla_server, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "annotate",
            "pull",
            "no-such-dataset",
            "--out",
            str(tmp_path / "x"),
            "--api-url",
            argilla_server.url,
            "--api-key",
            argilla_server.credentials["api_key"],
        ],
    )
    assert result.exit_code == 1 and "no Argilla dataset named 'no-such-dataset'" in result.output
    result = CliRunner().invoke(
        main,
        [
            "annotate",
            "push",
            str(tmp_path),
            "--name",
            "x",
            "--template",
            "sft",
            "--api-url",
            argilla_server.url,
            "--api-key",
            argilla_server.credentials["api_key"],
        ],
    )
    assert result.exit_code == 1 and "not a dataset version" in result.output


def test_items_sent_back_from_training_are_settled_in_review(argilla_server, gsm8k_version, tmp_path):
    name = unique("review")
    cli(argilla_server, "push", str(gsm8k_version), "--name", name, "--template", "review", "--reason", "rl_failure")
    client = argilla_server.client()
    dataset = client.datasets(name)
    records = list(dataset.records)
    assert {r.metadata["reason"] for r in records} == {"rl_failure"}
    settled = records[0]
    settled.responses.add(rg.Response("final_answer", "17", user_id=client.me.id, status="submitted"))
    settled.responses.add(rg.Response("decision", "replace", user_id=client.me.id, status="submitted"))
    dataset.records.log([settled])
    out = tmp_path / "settled"
    assert f"{len(records)} records: 1 pulled" in cli(argilla_server, "pull", name, "--out", str(out))
    [task] = tasks_of(out)
    assert task["answer"] == "17"
    assert json.loads(task["metadata"])["reason"] == "rl_failure"
    result = CliRunner().invoke(
        main, ["annotate", "check", "x", "--api-url", argilla_server.url, "--api-key", "wrong-key"]
    )
    assert result.exit_code == 1 and "rejected the API key" in result.output
    result = CliRunner().invoke(main, ["annotate", "check", "x", "--api-url", "http://127.0.0.1:9", "--api-key", "k"])
    assert result.exit_code == 1 and "cannot reach an Argilla server at http://127.0.0.1:9" in result.output
