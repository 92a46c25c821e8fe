"""Searches that must not hurt the server: limits answered with 422, a time bound on the SQL, and
a bounded fuzz of the search endpoint (no 5xx, every answer within its bound, the server's other
routes answering meanwhile).

The time bound is first tested on its own, against a real aiosqlite database running a query
that never ends by itself; the rest goes through the session's embedded server.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
import uuid
from collections import Counter

import httpx
import pytest

from annotation.query_time import QueryTimeout, time_bound
from annotation.search_limits import SearchLimitError, SearchLimits, check_paging, check_search_body
from annotation.text_terms import sqlite_lower

LIMITS = SearchLimits()
MARGIN = 5.0  # seconds on top of a bound, for a busy machine
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


# ------------------------------------------------------------------------------- the time bound
def test_time_bound_stops_a_runaway_query_and_keeps_the_loop_free(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    sessions = async_sessionmaker(engine)

    async def scenario() -> tuple[float, float, int]:
        gaps: list[float] = []
        stop = asyncio.Event()

        async def ticker() -> None:
            last = time.monotonic()
            while not stop.is_set():
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        ticking = asyncio.create_task(ticker())
        start = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"time bound of 0\.5 s"):
            async with sessions() as db, time_bound(db, 0.5):
                await db.execute(text(ENDLESS))
        took = time.monotonic() - start
        stop.set()
        await ticking
        # A quick query under the bound answers; after the bound has passed, the connection is
        # back in the pool and nothing interrupts the next one.
        async with sessions() as db, time_bound(db, 0.3):
            fast = (await db.execute(text("SELECT 7"))).scalar_one()
        await asyncio.sleep(0.5)
        async with sessions() as db:
            assert (await db.execute(text("SELECT count(*) FROM (SELECT 1 UNION SELECT 2)"))).scalar_one() == 2
        await engine.dispose()
        return took, max(gaps), fast

    took, worst_gap, fast = asyncio.run(scenario())
    assert 0.5 <= took < 0.5 + MARGIN
    assert worst_gap < 0.4, f"the event loop was blocked for {worst_gap:.2f} s"
    assert fast == 7


# ------------------------------------------------------------------------ the limits, on their own
@pytest.mark.parametrize(
    "body, message",
    [
        ({"query": {"text": {"q": " ".join(f"w{i}" for i in range(1500))}}}, "characters; the limit is 1,000"),
        ({"query": {"text": {"q": " ".join("a" * 51)}}}, "51 words; the limit is 50"),
        ({"query": {"text": {"q": "x" * 50_001}}}, "50,001 characters"),
        ({"query": {"text": {"q": "\x00"}}}, "NUL"),
        ({"filters": {"and": [{"type": "range", "ge": "abc", "le": 5}]}}, "both be numbers or both be text"),
        ({"filters": {"and": [{"type": "terms", "values": ["v" * 501]}]}}, "501 characters; the limit is 500"),
        ({"filters": {"and": [{"type": "terms", "values": ["a\x00"]}]}}, "NUL"),
        ({"filters": {"and": [{"type": "terms", "values": ["a"] * 250}] * 5}}, "1,250 values; the limit is 1,000"),
    ],
)
def test_search_limits_name_the_limit(body, message):
    with pytest.raises(SearchLimitError, match=message):
        check_search_body(body, LIMITS)


@pytest.mark.parametrize(
    "body",
    [
        {"query": {"text": {"q": " ".join(f"w{i}" for i in range(50))}}},
        {"query": {"text": {"q": '\x01 \\ " % _ 难度'}}},
        {"filters": {"and": [{"type": "range", "ge": 1, "le": 5.5}, {"type": "range", "ge": "2024-01-01"}]}},
        {"query": "not even an object"},
        [],
    ],
)
def test_bodies_within_the_limits_pass(body):
    check_search_body(body, LIMITS)


@pytest.mark.parametrize("name, raw", [("offset", "9223372036854775808"), ("offset", "-1"), ("limit", "10" * 20)])
def test_paging_out_of_range(name, raw):
    with pytest.raises(SearchLimitError, match=f"{name}={raw}: must be a whole number from 0 to"):
        check_paging(name, raw, LIMITS)


def test_paging_in_range_or_not_a_number_is_left_to_argilla():
    for name, raw in (("offset", "0"), ("offset", "1000000000"), ("limit", "abc")):
        check_paging(name, raw, LIMITS)


# ------------------------------------------------------------------------------ through the server
WORDS = ["fox", "cat", "难度", "题目", 'say "hi"', "back\\slash", "100%", "snake_case", "Ärger"]
N = 120


def text_of(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]} {WORDS[(i + 3) % len(WORDS)]} record {i}"


def containing(term: str) -> int:
    """How many records hold `term` in their text (ASCII letters in any case, as the search reads it)."""
    return sum(sqlite_lower(term) in sqlite_lower(text_of(i)) for i in range(N))


@pytest.fixture(scope="module")
def dataset(argilla_server):
    """120 records with text, an integer and a terms metadata, and the owner's HTTP client."""
    import argilla as rg

    client = argilla_server.client()
    settings = rg.Settings(
        fields=[rg.TextField(name="text"), rg.TextField(name="note", required=False)],
        questions=[rg.LabelQuestion(name="label", labels=["a", "b"])],
        metadata=[rg.TermsMetadataProperty("lang"), rg.IntegerMetadataProperty("n"), rg.FloatMetadataProperty("x")],
    )
    name = f"hostile-{uuid.uuid4().hex[:8]}"
    created = rg.Dataset(name=name, workspace="argilla", settings=settings, client=client).create()
    created.records.log(
        [
            {
                "text": text_of(i),
                "note": f"note {i}",
                "lang": ["en", "zh"][i % 2],
                "n": i,
                "x": i / 7,
            }
            for i in range(N)
        ]
    )
    http = httpx.Client(
        base_url=argilla_server.url, headers={"X-Argilla-Api-Key": argilla_server.credentials["api_key"]}, timeout=120
    )
    yield created, http
    http.close()


def post_search(
    dataset, body, *, mine: bool = True, raw: bytes | None = None, **params
) -> tuple[httpx.Response, float]:
    created, http = dataset
    path = f"/api/v1/{'me/' if mine else ''}datasets/{created.id}/records/search"
    start = time.monotonic()
    if raw is not None:
        answer = http.post(path, params=params, content=raw, headers={"content-type": "application/json"})
    else:
        answer = http.post(path, params=params, json=body)
    return answer, time.monotonic() - start


def metadata_scope(name: str) -> dict:
    return {"entity": "metadata", "metadata_property": name}


HOSTILE = {
    "1500 words": ({"query": {"text": {"q": " ".join(f"w{i}" for i in range(1500))}}}, {}, "the limit is 1,000"),
    "600 words": ({"query": {"text": {"q": " ".join(f"w{i}" for i in range(600))}}}, {}, "the limit is 1,000"),
    "51 words": ({"query": {"text": {"q": " ".join("w" * 51)}}}, {}, "51 words; the limit is 50"),
    "one 50 KB term": ({"query": {"text": {"q": "x" * 51_000}}}, {}, "51,000 characters"),
    "NUL": ({"query": {"text": {"q": "\x00"}}}, {}, "NUL"),
    "huge offset": ({}, {"offset": "9223372036854775808"}, "offset=9223372036854775808"),
    "range text and number": (
        {"filters": {"and": [{"type": "range", "scope": metadata_scope("n"), "ge": "abc", "le": 5}]}},
        {},
        "both be numbers or both be text",
    ),
    "range not a number": (
        {"filters": {"and": [{"type": "range", "scope": metadata_scope("n"), "ge": "abc", "le": "def"}]}},
        {},
        "metadata 'n' (integer), ge: 'abc' is not a number",
    ),
    "terms not a whole number": (
        {"filters": {"and": [{"type": "terms", "scope": metadata_scope("n"), "values": ["7.5"]}]}},
        {},
        "metadata 'n' (integer): '7.5' is not a whole number",
    ),
    "range on terms": (
        {"filters": {"and": [{"type": "range", "scope": metadata_scope("lang"), "ge": 1}]}},
        {},
        "metadata 'lang' holds terms; a range filter needs an integer or float property",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
@pytest.mark.parametrize("mine", [True, False])
def test_hostile_searches_get_a_422_that_names_the_limit(dataset, case, mine):
    body, params, message = HOSTILE[case]
    answer, took = post_search(dataset, body, mine=mine, **params)
    assert answer.status_code == 422, answer.text
    assert message in answer.json()["detail"], answer.text
    assert took < MARGIN


def test_offset_overflow_on_the_plain_listing_is_a_422(dataset):
    created, http = dataset
    answer = http.get(f"/api/v1/datasets/{created.id}/records", params={"offset": "9223372036854775808"})
    assert answer.status_code == 422 and "offset=9223372036854775808" in answer.json()["detail"], answer.text


def test_a_body_over_the_byte_limit_is_refused(dataset):
    answer, _ = post_search(dataset, None, raw=b'{"query": {"text": {"q": "' + b"a" * LIMITS.body_bytes + b'"}}}')
    assert answer.status_code == 413 and "bytes" in answer.json()["detail"]


def test_the_largest_query_allowed_answers(dataset):
    q = " ".join(["fox"] * 25 + ["-zzz"] * 25)
    answer, took = post_search(dataset, {"query": {"text": {"q": q}}}, mine=False, limit=1000)
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == containing("fox") > 0
    assert took < LIMITS.seconds + MARGIN


@pytest.mark.parametrize("q", ["\x01", "\x7f", "\u202e", "%", "_", "\\", '"', "ärger", "ÄRGER", "难度", "FOX"])
def test_control_characters_and_like_wildcards_are_text_not_match_all(dataset, q):
    answer, _ = post_search(dataset, {"query": {"text": {"q": q, "field": "text"}}}, mine=False)
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == containing(q) < N


# ------------------------------------------------------------------------------------ the fuzz
def _fuzz_text(rng: random.Random) -> str:
    alphabet = [*'ab "\\%_*+-|()\t\n', "\x01", "\x7f", "难", "度", "Ä", "😀", "AND", "OR", "fox", "题目"]
    size = rng.choice([0, 1, 2, 5, 10, 40, 400, 999, 3000])
    return "".join(rng.choice(alphabet) for _ in range(size))


def _fuzz_value(rng: random.Random, hostile: bool):
    if hostile:
        return rng.choice([None, 2**63, 1e308, -1e308, "abc", "", "\x01", "a" * 600, True, [], {}])
    return rng.choice([0, -1, 7, 0.5, "7", "3.5", "en", "zh", "a", "b", "难度"])


def _fuzz_scope(rng: random.Random, hostile: bool) -> dict:
    if hostile:
        return rng.choice(
            [
                metadata_scope(rng.choice(["难度", 'a"b', "no-such", ""])),
                {"entity": "response", "question": "none"},
                {"entity": "record", "property": rng.choice(["inserted_at", "id", "nope"])},
                {"entity": rng.choice(["metadata", "bogus"])},
            ]
        )
    return rng.choice(
        [
            metadata_scope(rng.choice(["n", "x", "lang"])),
            {"entity": "suggestion", "question": "label", "property": rng.choice(["value", "score", "agent"])},
            {"entity": "response", "property": "status"},
            {"entity": "response", "question": "label"},
            {"entity": "record", "property": "status"},
        ]
    )


def _fuzz_filter(rng: random.Random) -> dict:
    hostile = rng.random() < 0.2
    scope = _fuzz_scope(rng, hostile)
    if rng.random() < 0.5:
        values = [_fuzz_value(rng, hostile) for _ in range(rng.choice([1, 3, 260] if hostile else [1, 2, 3]))]
        if scope.get("property") == "status" and not hostile:
            values = [rng.choice(["pending", "completed", "submitted", "draft", "discarded"])]
        return {"type": "terms", "scope": scope, "values": values}
    bounds = {name: _fuzz_value(rng, hostile) for name in ("ge", "le") if rng.random() < 0.7} or {"ge": 0}
    return {"type": "range", "scope": scope, **bounds}


def fuzz_body(rng: random.Random) -> dict:
    body: dict = {}
    if rng.random() < 0.7:
        field = {"field": rng.choice(["text", "note"])} if rng.random() < 0.3 else {}
        body["query"] = {"text": {"q": _fuzz_text(rng), **field}}
    if rng.random() < 0.5:
        body["filters"] = {"and": [_fuzz_filter(rng) for _ in range(rng.choice([1, 2]))]}
    if rng.random() < 0.3:
        hostile = rng.random() < 0.2
        order = rng.choice(["asc", "desc", "sideways"] if hostile else ["asc", "desc"])
        body["sort"] = [{"scope": _fuzz_scope(rng, hostile), "order": order}]
    return body


def fuzz_params(rng: random.Random) -> dict:
    choices = ["0", "1", "50", "999", "1000"] * 3 + ["1001", "-1", "abc", str(2**63), "1e3"]
    return {name: rng.choice(choices) for name in ("offset", "limit") if rng.random() < 0.5}


def test_fuzz_search_no_5xx_and_every_answer_within_its_bound(dataset, argilla_server):
    """250 generated and hostile bodies on both search routes while another thread asks for the
    server's version: no 5xx, every search within its time bound, the version always quick."""
    rng = random.Random(13)
    cases = [(body, params) for body, params, _ in HOSTILE.values()]
    cases += [(fuzz_body(rng), fuzz_params(rng)) for _ in range(250 - len(cases))]
    version_times: list[float] = []
    done = threading.Event()

    def ask_version() -> None:
        with httpx.Client(base_url=argilla_server.url, timeout=60) as client:
            while not done.is_set():
                start = time.monotonic()
                assert client.get("/api/v1/version").status_code == 200
                version_times.append(time.monotonic() - start)
                time.sleep(0.05)

    pinger = threading.Thread(target=ask_version, daemon=True)
    pinger.start()
    failures = []
    statuses: Counter[int] = Counter()
    try:
        for index, (body, params) in enumerate(cases):
            answer, took = post_search(dataset, body, mine=index % 2 == 0, **params)
            statuses[answer.status_code] += 1
            if answer.status_code >= 500 or took > LIMITS.seconds + MARGIN:
                failures.append((answer.status_code, round(took, 2), json.dumps(body)[:300], params, answer.text[:300]))
    finally:
        done.set()
        pinger.join(timeout=60)
    assert not failures, failures[:5]
    print(f"fuzz answers by status: {dict(statuses)}")
    assert statuses[200] >= 60, statuses  # enough of them reach the SQL
    assert version_times and max(version_times) < LIMITS.seconds, max(version_times)
