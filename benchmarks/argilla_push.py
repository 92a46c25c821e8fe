"""Push and pull through the embedded Argilla server: stock settings vs ours, in the same run.

    python benchmarks/argilla_push.py [--records 5000] [--batch-size 500] [--only stock|tuned]

Each configuration starts its own server (``answerkey annotate serve``, as the test fixture does)
in a fresh temp home, then:

- push: ``--records`` exercise records built by ``annotation.push.exercise_record`` (the builder
  ``answerkey annotate push --template exercise`` uses), logged with ``annotation.push.log_records``
  into a dataset made from the exercise template; records/s.
- submit: an annotator submits answers to a few records over HTTP, as the web UI does.
- pull: every record with its responses and suggestions, read the way ``answerkey annotate pull``
  reads them (``annotation.records_api.iter_records``: ``GET /api/v1/datasets/{id}/records?
  include=responses&include=suggestions``, pages of 1,000); records/s.
- search (text query) and the annotator's pending queue (``POST /api/v1/me/datasets/{id}/records/
  search`` with the UI's pending filters), each the median of several calls, as the annotator.

Stock is Argilla's own behaviour: ``ANSWERKEY_ARGILLA_TUNING=0`` (no SQLite pragmas, no
``annotation.tuning`` patch) and the SDK's default batch size (256). Ours: tuning on and
``--batch-size`` (the server takes at most 500 records per bulk request). Nothing is asserted;
the speed-up is ours over stock (above 1: ours is faster). Targets (issue 4): push 5,000 in
under 15 s; search and pending queue under 0.3 s.

Measured on two shared, busy cores (two runs): push 5,000 stock 108 to 123 s (41 to 46 records/s),
ours 8.6 to 10.2 s (490 to 584 records/s), 12x; pull 2,200 to 3,100 records/s either way; search
0.10 to 0.13 s and pending queue 0.12 to 0.18 s either way (the patches touch writes only).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from argilla_fixture import start_server  # noqa: E402  (the same start as the test suite)

from annotation.push import ensure_dataset, exercise_record, log_records  # noqa: E402
from annotation.records_api import iter_records  # noqa: E402  (what `answerkey annotate pull` reads with)
from annotation.tuning import TUNING_ENV  # noqa: E402
from annotation.users import add_user  # noqa: E402

SDK_DEFAULT_BATCH_SIZE = 256  # argilla 2.8.0: Dataset.records.log(batch_size=256)
SUBJECTS = ["algebra", "geometry", "number theory", "probability", "calculus"]
WORDS = [
    "triangle",
    "circle",
    "prime",
    "integer",
    "fraction",
    "root",
    "sum",
    "product",
    "angle",
    "area",
    "volume",
    "speed",
]
SUBMITTED = 20  # answers the annotator submits before the pull and the queue timings
REPEAT = 7  # calls per search timing


def rows(count: int) -> list[dict]:
    """Exercise rows shaped like a pipeline dataset version's (problem, answer, metadata)."""
    return [
        {
            "id": f"bench-{index:06d}",
            "problem": f"Problem {index}: the {WORDS[index % len(WORDS)]} and the {WORDS[(index * 7) % len(WORDS)]} "
            f"give {index % 97} and {index % 89}; find their sum.",
            "answer": str(index % 97 + index % 89),
            "source": "bench",
            "metadata": {"subject": SUBJECTS[index % len(SUBJECTS)], "level": f"Level {index % 5 + 1}"},
        }
        for index in range(count)
    ]


@dataclass
class Result:
    label: str
    batch_size: int
    push_s: float = 0.0
    pull_s: float = 0.0
    submit_s: list[float] = field(default_factory=list)
    search_s: list[float] = field(default_factory=list)
    pending_s: list[float] = field(default_factory=list)
    pulled: int = 0
    pending_total: int = 0
    records: int = 0


def timed(call):
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def annotator_session(url: str, username: str, password: str) -> requests.Session:
    """An HTTP session holding the annotator's bearer token, as the web UI has after signing in."""
    session = requests.Session()
    answer = session.post(f"{url}/api/v1/token", data={"username": username, "password": password}, timeout=60)
    answer.raise_for_status()
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


PENDING_FILTERS = {  # what the UI's "Pending" queue asks for
    "and": [
        {"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["pending"]},
        {"type": "terms", "scope": {"entity": "record", "property": "status"}, "values": ["pending"]},
    ]
}


def me_search(session: requests.Session, url: str, dataset_id, body: dict, limit: int = 10) -> dict:
    answer = session.post(
        f"{url}/api/v1/me/datasets/{dataset_id}/records/search",
        params=[("include", "responses"), ("include", "suggestions"), ("offset", 0), ("limit", limit)],
        json=body,
        timeout=120,
    )
    answer.raise_for_status()
    return answer.json()


def run(label: str, tuned: bool, batch_size: int, count: int, root: Path) -> Result:
    """Start a server for one configuration and measure push, submit, pull, search, pending."""
    os.environ[TUNING_ENV] = "1" if tuned else "0"
    (root / label).mkdir(parents=True)
    server = start_server(root / label / "home")
    result = Result(label=label, batch_size=batch_size, records=count)
    try:
        client = server.client()
        account = add_user(client, "bench-annotator", role="annotator", workspace="argilla")
        dataset = ensure_dataset(client, "bench-exercise", "exercise", workspace="argilla")
        records = [exercise_record(row) for row in rows(count)]
        sent, result.push_s = timed(lambda: log_records(dataset, records, batch_size, progress=False, total=count))
        assert sent == count

        annotator = annotator_session(server.url, account.username, account.password)
        queue = me_search(annotator, server.url, dataset.id, {"filters": PENDING_FILTERS}, limit=SUBMITTED)
        for item in queue["items"]:
            body = {"status": "submitted", "values": {"final_answer": {"value": "42"}}}
            url = f"{server.url}/api/v1/records/{item['record']['id']}/responses"
            answer, seconds = timed(partial(annotator.post, url, json=body, timeout=60))
            answer.raise_for_status()
            result.submit_s.append(seconds)

        pulled, result.pull_s = timed(lambda: list(iter_records(client, dataset)))
        result.pulled = len(pulled)
        assert result.pulled == count, f"pulled {result.pulled} of {count}"
        assert sum(bool(record.submitted()) for record in pulled) == len(result.submit_s)

        search = {"query": {"text": {"q": "triangle"}}}
        for _ in range(REPEAT):
            _, seconds = timed(lambda: me_search(annotator, server.url, dataset.id, search))
            result.search_s.append(seconds)
            page, seconds = timed(lambda: me_search(annotator, server.url, dataset.id, {"filters": PENDING_FILTERS}))
            result.pending_s.append(seconds)
            result.pending_total = page["total"]
        assert result.pending_total == count - len(result.submit_s)
    finally:
        server.stop()
    return result


def table(results: list[Result]) -> str:
    rows_ = [
        ("push records/s", lambda r: r.records / r.push_s, "{:,.0f}", True),
        ("push seconds", lambda r: r.push_s, "{:.1f}", False),
        ("pull records/s", lambda r: r.pulled / r.pull_s, "{:,.0f}", True),
        ("submit one, median s", lambda r: statistics.median(r.submit_s), "{:.3f}", False),
        ("search, median s", lambda r: statistics.median(r.search_s), "{:.3f}", False),
        ("pending queue, median s", lambda r: statistics.median(r.pending_s), "{:.3f}", False),
    ]
    head = ["", *[f"{r.label} (batch {r.batch_size})" for r in results]]
    if len(results) == 2:
        head.append("speed-up")
    lines = [head]
    for name, metric, fmt, higher_is_better in rows_:
        values = [metric(r) for r in results]
        line = [name, *[fmt.format(v) for v in values]]
        if len(results) == 2:
            stock, ours = values
            line.append(f"{ours / stock:.1f}x" if higher_is_better else f"{stock / ours:.1f}x")
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=500, help="records per bulk request, ours (server max 500)")
    parser.add_argument("--only", choices=["stock", "tuned"], help="run one configuration")
    args = parser.parse_args()
    configs = [("stock", False, SDK_DEFAULT_BATCH_SIZE), ("tuned", True, args.batch_size)]
    configs = [c for c in configs if args.only in (None, c[0])]
    print(f"{platform.python_version()} on {os.cpu_count()} CPUs; {args.records:,} exercise records", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="argilla-bench-") as tmp:
        for label, tuned, batch_size in configs:
            result = run(label, tuned, batch_size, args.records, Path(tmp))
            print(f"{label}: push {result.push_s:.1f} s, pull {result.pull_s:.1f} s", flush=True)
            results.append(result)
    print(table(results))


if __name__ == "__main__":
    main()
