"""Many annotators at once against the session's embedded server: every search answers, none waits
on another's database connection (`benchmarks/annotation_load.py` measures the same at scale).
"""

from __future__ import annotations

import threading
import time
import uuid

import httpx

from annotation.push import ensure_dataset, log_records, sft_record

AT_ONCE = 30  # more than Argilla's pool of 5 + 10 connections
BOUND = 25.0  # seconds; below the pool's 30 s timeout, which is what a deadlock would wait for
PENDING = {  # the UI's pending queue
    "and": [
        {"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["pending"]},
        {"type": "terms", "scope": {"entity": "record", "property": "status"}, "values": ["pending"]},
    ]
}


def test_searches_at_once_all_answer_within_the_bound(argilla_server):
    client = argilla_server.client()
    dataset = ensure_dataset(client, f"team-{uuid.uuid4().hex[:8]}", "sft", workspace="argilla")
    rows = [{"id": f"p-{n}", "prompt": f"What is {n} + 1?"} for n in range(200)]
    log_records(dataset, [sft_record(row) for row in rows], batch_size=200, progress=False)

    start_together = threading.Barrier(AT_ONCE)
    answers: list[tuple[int, float]] = []

    def search(body: dict) -> None:
        with httpx.Client(base_url=argilla_server.url, timeout=120) as http:
            http.headers["X-Argilla-Api-Key"] = argilla_server.credentials["api_key"]
            start_together.wait()
            began = time.monotonic()
            reply = http.post(f"/api/v1/me/datasets/{dataset.id}/records/search", params={"limit": 10}, json=body)
            answers.append((reply.status_code, time.monotonic() - began))

    bodies = [{"filters": PENDING}, {"query": {"text": {"q": "What"}}}, {}]
    threads = [threading.Thread(target=search, args=(bodies[n % 3],)) for n in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert sorted(status for status, _ in answers) == [200] * AT_ONCE
    slowest = max(seconds for _, seconds in answers)
    assert slowest < BOUND, f"the slowest of {AT_ONCE} searches took {slowest:.1f} s"
