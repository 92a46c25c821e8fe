"""Many annotators at once against the session's embedded server: every search answers, none waits
on another's database connection (`benchmarks/annotation_load.py` measures the same at scale).
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid

import httpx
import pytest
from argilla_fixture import ROOT

from annotation.push import ensure_dataset, log_records, sft_record

AT_ONCE = 30  # more than Argilla's pool of 5 + 10 connections
BOUND = 25.0  # seconds; below the pool's 30 s timeout, which is what a deadlock would wait for
PENDING = {  # the UI's pending queue
    "and": [
        {"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["pending"]},
        {"type": "terms", "scope": {"entity": "record", "property": "status"}, "values": ["pending"]},
    ]
}


def new_dataset(server, records: int):
    dataset = ensure_dataset(server.client(), f"team-{uuid.uuid4().hex[:8]}", "sft", workspace="argilla")
    rows = [{"id": f"p-{n}", "prompt": f"What is {n} + 1?"} for n in range(records)]
    log_records(dataset, [sft_record(row) for row in rows], batch_size=200, progress=False)
    return dataset


def all_at_once(server, requests: list[tuple[str, dict]]) -> list[tuple[int, float]]:
    """POST every (path, body) from a thread of its own, all released together; (status, seconds)."""
    start_together = threading.Barrier(len(requests))
    answers: list[tuple[int, float]] = []

    def send(path: str, body: dict) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            http.headers["X-Argilla-Api-Key"] = server.credentials["api_key"]
            start_together.wait()
            began = time.monotonic()
            reply = http.post(path, json=body)
            answers.append((reply.status_code, time.monotonic() - began))

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return answers


def test_searches_at_once_all_answer_within_the_bound(argilla_server):
    dataset = new_dataset(argilla_server, 200)
    bodies = [{"filters": PENDING}, {"query": {"text": {"q": "What"}}}, {}]
    path = f"/api/v1/me/datasets/{dataset.id}/records/search?limit=10"
    answers = all_at_once(argilla_server, [(path, bodies[n % 3]) for n in range(AT_ONCE)])
    assert sorted(status for status, _ in answers) == [200] * AT_ONCE
    slowest = max(seconds for _, seconds in answers)
    assert slowest < BOUND, f"the slowest of {AT_ONCE} searches took {slowest:.1f} s"


def test_submissions_at_once_all_answer_within_the_bound(argilla_server):
    dataset = new_dataset(argilla_server, AT_ONCE)
    listing = httpx.get(
        f"{argilla_server.url}/api/v1/datasets/{dataset.id}/records",
        params={"limit": AT_ONCE},
        headers={"X-Argilla-Api-Key": argilla_server.credentials["api_key"]},
        timeout=60,
    ).json()["items"]
    body = {"status": "submitted", "values": {"response": {"value": "an ideal response"}}}
    answers = all_at_once(argilla_server, [(f"/api/v1/records/{item['id']}/responses", body) for item in listing])
    assert sorted(status for status, _ in answers) == [201] * AT_ONCE
    slowest = max(seconds for _, seconds in answers)
    assert slowest < BOUND, f"the slowest of {AT_ONCE} submissions took {slowest:.1f} s"
    statuses = {record.status for record in dataset.records}
    assert statuses == {"completed"}  # each record's status was updated after its submission


@pytest.mark.server
@pytest.mark.slow
def test_the_load_benchmark_at_a_small_size_loses_nothing():
    command = [sys.executable, str(ROOT / "benchmarks" / "annotation_load.py")]
    command += ["--annotators", "4", "--seconds", "5", "--records", "100"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    reconciled = re.search(r"submitted (\d+) responses; pull wrote \1: 0 lost, 0 extra", result.stdout)
    assert reconciled and int(reconciled.group(1)) > 0, result.stdout
