"""annotation.tuning: the patches apply, and a bulk upsert answers and notifies exactly as stock.

The scenario runs Argilla's real app in a child process (its settings are read at import, and the
patches are process-wide), once tuned and once with ANSWERKEY_ARGILLA_TUNING=0, and records what
the API answered and which webhook jobs were queued (into fakeredis, whose queue the child reads).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotation.tuning import TUNING_ENV, tuning_enabled

RECORDS = [
    {"external_id": f"t-{i}", "fields": {"problem": f"problem {i}"}, "metadata": {"source": "s", "level": i}}
    for i in range(3)
]


@pytest.mark.parametrize(
    ("value", "enabled"), [(None, True), ("1", True), ("0", False), ("false", False), ("off", False), ("yes", True)]
)
def test_switch(monkeypatch, value, enabled):
    if value is None:
        monkeypatch.delenv(TUNING_ENV, raising=False)
    else:
        monkeypatch.setenv(TUNING_ENV, value)
    assert tuning_enabled() is enabled


QUESTION_SETTINGS = [
    {"type": "text", "use_markdown": True},
    {"type": "rating", "options": [{"value": v} for v in (1, 2, 3)]},
    {"type": "label_selection", "options": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}]},
    {"type": "multi_label_selection", "options": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}]},
]
METADATA_SETTINGS = [
    {"type": "terms", "values": ["x", "y"]},
    {"type": "integer", "min": 0, "max": 9},
    {"type": "float", "min": 0.5, "max": 1.5},
]


def settings_parsed_as_stock() -> dict:
    """`parsed_settings` of questions and metadata properties against a TypeAdapter made anew."""
    from argilla_server.models.database import MetadataProperty, MetadataPropertySettings, Question, QuestionSettings
    from pydantic import TypeAdapter, ValidationError

    outcome = {}
    for model, settings_type, examples in (
        (Question, QuestionSettings, QUESTION_SETTINGS),
        (MetadataProperty, MetadataPropertySettings, METADATA_SETTINGS),
    ):
        same = [
            model(settings=settings).parsed_settings == TypeAdapter(settings_type).validate_python(settings)
            for settings in examples
        ]
        try:
            _ = model(settings={"type": "no such type"}).parsed_settings  # the property validates
            rejects_invalid = False
        except ValidationError:
            rejects_invalid = True
        outcome[model.__name__] = {"same": same, "rejects_invalid": rejects_invalid}
    return outcome


def scenario(home: Path) -> dict:
    """In this (child) process: a dataset, bulk upserts without and with a webhook; what happened."""
    import asyncio

    from annotation.home import prepare_home
    from annotation.server import ServeOptions, ensure_owner, load_argilla, migrate

    server_home = prepare_home(home)
    app = load_argilla(server_home, ServeOptions())
    migrate()
    credentials = server_home.credentials("http://testserver")
    asyncio.run(ensure_owner(credentials))
    from argilla_server.bulk import records_bulk
    from argilla_server.contexts import accounts
    from argilla_server.jobs.queues import HIGH_QUEUE
    from argilla_server.models.database import MetadataProperty, Question
    from fastapi.testclient import TestClient

    records = [dict(record) for record in RECORDS]
    seen: set = set()

    def jobs() -> list:
        """Webhook jobs queued since the last call: [event, external id, metadata source]."""
        new = [job for job in HIGH_QUEUE.jobs if job.id not in seen]
        seen.update(job.id for job in new)
        found = [[job.args[1], job.args[3]["external_id"], job.args[3]["metadata"]["source"]] for job in new]
        return sorted(found, key=json.dumps)

    def bulk(api, dataset_id, question_id, answer: str) -> list:
        """Upsert RECORDS with source `s{answer}` and suggestion `answer`; what the API answered."""
        items = [
            {
                **record,
                "metadata": {**record["metadata"], "source": f"s{answer}"},
                "suggestions": [{"question_id": question_id, "value": answer}],
            }
            for record in records
        ]
        reply = api.put(f"/api/v1/datasets/{dataset_id}/records/bulk", json={"items": items})
        assert reply.status_code == 200, reply.text
        found = [
            [item["external_id"], item["metadata"], [s["value"] for s in item["suggestions"]]]
            for item in reply.json()["items"]
        ]
        return sorted(found, key=json.dumps)

    outcome: dict = {
        "settings_parsed_as_stock": settings_parsed_as_stock(),
        "patched": {
            "question": "answerkey" in (Question.parsed_settings.fget.__doc__ or ""),
            "metadata": "answerkey" in (MetadataProperty.parsed_settings.fget.__doc__ or ""),
            "bulk": getattr(records_bulk, "_answerkey_tuned", False),
            "login": getattr(accounts, "_answerkey_tuned", False),
        },
    }
    with TestClient(app) as api:
        logins = [(credentials.username, credentials.password), (credentials.username, "wrong"), ("nobody", "x")]
        outcome["logins"] = [
            api.post("/api/v1/token", data={"username": name, "password": password}).status_code
            for name, password in logins
        ]
        api.headers["X-Argilla-Api-Key"] = credentials.api_key

        def post(path: str, body: dict) -> dict:
            answer = api.post(path, json=body)
            assert answer.status_code == 201, f"{path}: {answer.text}"
            return answer.json()

        workspace = post("/api/v1/workspaces", {"name": "tuning"})
        dataset = post("/api/v1/datasets", {"name": "tuning", "workspace_id": workspace["id"]})
        post(
            f"/api/v1/datasets/{dataset['id']}/fields",
            {"name": "problem", "title": "Problem", "settings": {"type": "text"}},
        )
        question = post(
            f"/api/v1/datasets/{dataset['id']}/questions",
            {"name": "final_answer", "title": "Final answer", "required": True, "settings": {"type": "text"}},
        )
        post(
            f"/api/v1/datasets/{dataset['id']}/metadata-properties",
            {"name": "source", "title": "Source", "settings": {"type": "terms"}},
        )
        post(
            f"/api/v1/datasets/{dataset['id']}/metadata-properties",
            {"name": "level", "title": "Level", "settings": {"type": "integer"}},
        )
        published = api.put(f"/api/v1/datasets/{dataset['id']}/publish")
        assert published.status_code == 200, published.text
        invalid = api.put(
            f"/api/v1/datasets/{dataset['id']}/records/bulk",
            json={"items": [{"fields": {"problem": "p"}, "metadata": {"level": "not a number"}}]},
        )
        outcome["invalid_metadata"] = [invalid.status_code, "level" in invalid.text]
        outcome["no_webhook"] = {"answer": bulk(api, dataset["id"], question["id"], "1"), "jobs": jobs()}
        post("/api/v1/webhooks", {"url": "http://127.0.0.1:9/other", "events": ["response.created"]})
        outcome["other_webhook"] = {"answer": bulk(api, dataset["id"], question["id"], "2"), "jobs": jobs()}
        post("/api/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["record.created", "record.updated"]})
        outcome["webhook_update"] = {"answer": bulk(api, dataset["id"], question["id"], "3"), "jobs": jobs()}
        records.append({"external_id": "t-new", "fields": {"problem": "new"}, "metadata": {"source": "s", "level": 9}})
        outcome["webhook_create"] = {"answer": bulk(api, dataset["id"], question["id"], "4"), "jobs": jobs()}
    return outcome


def run_scenario(tmp_path: Path, tuned: bool) -> dict:
    home = tmp_path / ("tuned" if tuned else "stock")
    environment = {**os.environ, TUNING_ENV: "1" if tuned else "0"}
    child = subprocess.run(
        [sys.executable, __file__, str(home)], env=environment, capture_output=True, text=True, timeout=600
    )
    assert child.returncode == 0, child.stderr[-4000:]
    return json.loads(child.stdout.strip().splitlines()[-1])


@pytest.mark.server  # two real Argilla apps, in child processes
def test_bulk_upsert_answers_and_notifies_as_stock(tmp_path):
    tuned, stock = run_scenario(tmp_path, True), run_scenario(tmp_path, False)
    assert tuned["patched"] == {"question": True, "metadata": True, "bulk": True, "login": True}
    for model, examples in (("Question", QUESTION_SETTINGS), ("MetadataProperty", METADATA_SETTINGS)):
        assert tuned["settings_parsed_as_stock"][model] == {"same": [True] * len(examples), "rejects_invalid": True}
    assert stock["patched"] == {"question": False, "metadata": False, "bulk": False, "login": False}
    # Logins (checked in a worker thread when tuned) answer as stock: right, wrong, unknown user.
    assert tuned["logins"] == stock["logins"] == [201, 401, 401]
    # Metadata is still validated through the (cached) settings.
    assert tuned["invalid_metadata"] == [422, True]
    # The bulk answer still lists each record's suggestions; no webhook, no job.
    assert tuned["no_webhook"] == {
        "answer": [[f"t-{i}", {"source": "s1", "level": i}, ["1"]] for i in range(3)],
        "jobs": [],
    }
    # A webhook for other events gets none of these; one for record events gets every record's
    # event, carrying the new metadata.
    assert tuned["other_webhook"]["jobs"] == []
    assert tuned["webhook_update"]["jobs"] == [["record.updated", f"t-{i}", "s3"] for i in range(3)]
    assert tuned["webhook_create"]["jobs"] == [
        ["record.created", "t-new", "s4"],
        *[["record.updated", f"t-{i}", "s4"] for i in range(3)],
    ]
    # Everything observable is what stock Argilla does.
    for key in ("invalid_metadata", "no_webhook", "other_webhook", "webhook_update", "webhook_create"):
        assert tuned[key] == stock[key], key


if __name__ == "__main__":
    print(json.dumps(scenario(Path(sys.argv[1])), default=str))
