"""A team on one embedded Argilla server: annotators logging in, searching, paging their queue and
submitting responses at once, then every submitted response back through `answerkey annotate pull`.

    python benchmarks/annotation_load.py [--annotators 20] [--seconds 60] [--records 5000] [--think 0]

One server (``answerkey annotate serve``, as the test fixture starts it) on 127.0.0.1 only, in a
temp home, with ``--records`` prompts pushed into an sft dataset. Each simulated annotator is a
thread with its own HTTP session that, until ``--seconds`` have passed:

- logs in as the web UI does (``POST /api/v1/token``), again after every ``SESSION`` submissions;
- pages its pending queue (the UI's filters, a page of 10: ``POST /api/v1/me/datasets/{id}/records/
  search``) and submits a response to the first record (``POST /api/v1/records/{id}/responses``);
- every ``SEARCH_EVERY`` rounds, runs a text search within its queue.

With ``--think 0`` nobody pauses: the annotators are as many busy clients, more load than a
team of people makes. Printed: requests/s, p50/p99 latency and errors per kind (target: 0
errors); then ``answerkey annotate pull`` runs in a process of its own and every submission
(record, annotator, text) must be in what it wrote, nothing missing and nothing extra. Exits 1
when there were errors or the pull does not match. Bounded: at most 100 annotators, 600 s, 50,000
records, and every request within ``TIMEOUT`` s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import requests
from argilla_push import PENDING_FILTERS, WORDS, rows  # the push benchmark's records and queue

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from argilla_fixture import start_server  # noqa: E402  (the same start as the test suite)

from annotation.push import ensure_dataset, log_records, sft_record  # noqa: E402
from annotation.users import add_user  # noqa: E402

DATASET = "load-sft"
TIMEOUT = 60.0  # seconds a request may take before it counts as an error
SESSION = 50  # submissions before an annotator logs in again
SEARCH_EVERY = 3  # queue rounds between two text searches
PAGE = 10  # records per queue page, as the UI asks
KINDS = ("login", "queue", "search", "submit")


@dataclass(frozen=True)
class Sample:
    """One request: its kind, how long it took, and what went wrong (None when it did not)."""

    kind: str
    seconds: float
    error: str | None


@dataclass(frozen=True)
class Submission:
    """A response the server accepted: which record (external id), who, what."""

    record_id: str
    annotator: str
    text: str


@dataclass
class Annotator:
    """One simulated annotator: logs in, pages its queue, submits, searches, until `until`."""

    url: str
    dataset_id: str
    username: str
    password: str
    think: float
    seed: int
    samples: list[Sample] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)

    def request(self, session: requests.Session, kind: str, method: str, path: str, **kwargs) -> dict | None:
        """Send one request and keep its sample; the JSON answer, or None when it failed."""
        start = time.perf_counter()
        error = None
        body = None
        try:
            answer = session.request(method, f"{self.url}{path}", timeout=TIMEOUT, **kwargs)
            if answer.status_code >= 400:
                error = f"HTTP {answer.status_code}: {answer.text[:200]}"
            else:
                body = answer.json()
        except (requests.RequestException, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        self.samples.append(Sample(kind, time.perf_counter() - start, error))
        return body

    def log_in(self, session: requests.Session) -> bool:
        token = self.request(
            session, "login", "POST", "/api/v1/token", data={"username": self.username, "password": self.password}
        )
        if token is None:
            return False
        session.headers["Authorization"] = f"Bearer {token['access_token']}"
        return True

    def search(self, session: requests.Session, body: dict) -> dict | None:
        kind = "search" if "query" in body else "queue"
        path = f"/api/v1/me/datasets/{self.dataset_id}/records/search"
        return self.request(session, kind, "POST", path, params={"offset": 0, "limit": PAGE}, json=body)

    def run(self, until: float) -> None:
        rng = random.Random(self.seed)
        session = requests.Session()
        since_login = None  # submissions since the last login; None: logged out
        rounds = 0
        while time.monotonic() < until:
            if since_login is None or since_login >= SESSION:
                session.headers.pop("Authorization", None)
                since_login = 0 if self.log_in(session) else None
                continue
            rounds += 1
            page = self.search(session, {"filters": PENDING_FILTERS})
            if page and page["items"]:
                record = page["items"][0]["record"]
                text = f"{self.username} answers {record['external_id']}: {rng.random():.6f}"
                body = {"status": "submitted", "values": {"response": {"value": text}}}
                if self.request(session, "submit", "POST", f"/api/v1/records/{record['id']}/responses", json=body):
                    self.submissions.append(Submission(record["external_id"], self.username, text))
                    since_login += 1
            if rounds % SEARCH_EVERY == 0:
                self.search(session, {"query": {"text": {"q": rng.choice(WORDS)}}, "filters": PENDING_FILTERS})
            if self.think:
                time.sleep(self.think)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (share 0.5: the median; 0.99: p99)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def latency_table(samples: list[Sample], seconds: float) -> str:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    lines = [f"{'kind':<8} {'requests':>9} {'per s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"]
    for kind in KINDS:
        group = by_kind.get(kind, [])
        times = [s.seconds * 1000 for s in group] or [0.0]
        errors = sum(s.error is not None for s in group)
        lines.append(
            f"{kind:<8} {len(group):>9,} {len(group) / seconds:>7.1f} {percentile(times, 0.5):>8.0f} "
            f"{percentile(times, 0.99):>8.0f} {errors:>7}"
        )
    errors = sum(s.error is not None for s in samples)
    lines.append(f"{'all':<8} {len(samples):>9,} {len(samples) / seconds:>7.1f} {'':>8} {'':>8} {errors:>7}")
    return "\n".join(lines)


def pulled_submissions(server, out: Path) -> set[Submission]:
    """Run `answerkey annotate pull` (a process of its own) and read back what it wrote."""
    command = [sys.executable, "-m", "answerkey", "annotate", "pull", DATASET, "--out", str(out)]
    command += ["--api-url", server.url, "--api-key", server.credentials["api_key"]]
    subprocess.run(command, check=True, cwd=REPO, timeout=600, stdout=subprocess.DEVNULL)
    found = set()
    for row in pq.read_table(out / "data").to_pylist():
        lineage = json.loads(row["lineage"])
        text = next(m["content"] for m in row["messages"] if m["role"] == "assistant")
        found.add(Submission(lineage["record_id"], lineage["annotator"], text))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotators", type=int, default=20, choices=range(1, 101), metavar="1-100")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the load runs (at most 600)")
    parser.add_argument("--records", type=int, default=5000, choices=range(1, 50_001), metavar="1-50000")
    parser.add_argument("--think", type=float, default=0.0, help="seconds each annotator pauses after a submission")
    args = parser.parse_args()
    if not 0 < args.seconds <= 600 or not 0 <= args.think <= 60:
        parser.error("--seconds takes 0-600 and --think 0-60")

    warnings.filterwarnings("ignore", category=UserWarning, module=r"argilla(\.|$)")  # lookups that find nothing
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load {load:.1f}; {args.annotators} annotators, {args.seconds:g} s, "
          f"{args.records:,} records, think {args.think:g} s", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="annotation-load-") as tmp:
        server = start_server(Path(tmp) / "home")  # binds 127.0.0.1: nothing leaves this machine
        try:
            client = server.client()
            dataset = ensure_dataset(client, DATASET, "sft", workspace="argilla")
            records = [sft_record(row) for row in rows(args.records)]
            log_records(dataset, records, batch_size=500, progress=False, total=len(records))
            annotators = []
            for index in range(args.annotators):
                account = add_user(client, f"load-{index:03d}", role="annotator", workspace="argilla")
                assert account.password is not None
                annotators.append(
                    Annotator(server.url, str(dataset.id), account.username, account.password, args.think, index)
                )
            print(f"pushed {len(records):,} records; {len(annotators)} annotators start", flush=True)

            start = time.monotonic()
            threads = [threading.Thread(target=a.run, args=(start + args.seconds,), daemon=True) for a in annotators]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=max(0.0, start + args.seconds + 2 * TIMEOUT - time.monotonic()))
            elapsed = time.monotonic() - start

            samples = [sample for a in annotators for sample in a.samples]
            print(latency_table(samples, elapsed))
            for error in sorted({s.error for s in samples if s.error})[:5]:
                print(f"  error: {error}")
            submitted = {s for a in annotators for s in a.submissions}
            pulled = pulled_submissions(server, Path(tmp) / "pulled")
        finally:
            server.stop()
    lost, extra = submitted - pulled, pulled - submitted
    print(f"submitted {len(submitted):,} responses; pull wrote {len(pulled):,}: {len(lost)} lost, {len(extra)} extra")
    errors = sum(s.error is not None for s in samples)
    return 0 if not errors and not lost and not extra and not any(t.is_alive() for t in threads) else 1


if __name__ == "__main__":
    sys.exit(main())
