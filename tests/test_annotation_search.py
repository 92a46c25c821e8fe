"""Our SQL search engine behind the real Argilla API: what the web UI and the SDK ask of it.

One dataset of 60 records (English and Chinese text, terms/integer/float metadata, a label and
a text question, label suggestions from two agents, a 2-d vector) on the session server, with
responses from two annotators sent over HTTP as the UI sends them. Searches go through
`POST /api/v1/me/datasets/{id}/records/search` (the UI, as the calling user) and
`POST /api/v1/datasets/{id}/records/search` (all responses), and through the SDK.
"""

from __future__ import annotations

import math
import uuid

import httpx
import pytest

N = 60
COLORS = ["red", "blue", "green"]
ANIMALS = ["fox", "cat", "owl", "bee", "elk"]
LABELS = ["pos", "neg", "neu"]
NO_N = {5, 15}  # records without the integer metadata `n`
NO_SUGGESTION = {19, 39, 59}


def text_of(i: int) -> str:
    if i % 2 == 0:
        extra = " omega" if i in (2, 4) else ""
        return f"The {COLORS[i % 3]} {ANIMALS[(i // 2) % 5]} record {i}{extra}"
    return f"今天天气很好 第{i}条" if i % 4 == 1 else f"明天下雨 第{i}条"


def metadata_of(i: int) -> dict:
    metadata = {"lang": "en" if i % 2 == 0 else "zh", "group": f"g{i % 3}", "score": (i * 7 % N) / 10}
    if i not in NO_N:
        metadata["n"] = i
    return metadata


def angle(i: int) -> float:
    return math.radians(3 * i)


@pytest.fixture(scope="module")
def corpus(argilla_server):
    """The dataset, its annotators' HTTP clients and a record id <-> index map."""
    import argilla as rg

    from annotation.users import add_user

    owner = argilla_server.client()
    name = f"search-{uuid.uuid4().hex[:8]}"
    settings = rg.Settings(
        fields=[rg.TextField(name="text"), rg.TextField(name="title")],
        questions=[rg.LabelQuestion(name="label", labels=LABELS), rg.TextQuestion(name="comment", required=False)],
        metadata=[
            rg.TermsMetadataProperty("lang"),
            rg.TermsMetadataProperty("group"),
            rg.IntegerMetadataProperty("n"),
            rg.FloatMetadataProperty("score"),
        ],
        vectors=[rg.VectorField(name="emb", dimensions=2)],
    )
    dataset = rg.Dataset(name=name, workspace="argilla", settings=settings, client=owner).create()
    records = []
    for i in range(N):
        suggestions = (
            []
            if i in NO_SUGGESTION
            else [
                rg.Suggestion("label", LABELS[i % 3], score=round(i / N, 3), agent="model-a" if i < 30 else "model-b")
            ]
        )
        records.append(
            rg.Record(
                id=f"r{i:02d}",
                fields={"text": text_of(i), "title": "alpha" if i < 30 else "omega"},
                metadata=metadata_of(i),
                suggestions=suggestions,
                vectors={"emb": [math.cos(angle(i)), math.sin(angle(i))]},
            )
        )
    dataset.records.log(records)

    url = argilla_server.url
    admin = httpx.Client(base_url=url, headers={"X-Argilla-Api-Key": argilla_server.credentials["api_key"]}, timeout=60)
    annotators = {}
    for who in ("ann1", "ann2"):
        username = f"{who}-{name}"
        account = add_user(owner, username, role="annotator", workspace="argilla")
        token = httpx.post(f"{url}/api/v1/token", data={"username": username, "password": account.password}).json()
        me = httpx.get(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
        annotators[who] = httpx.Client(base_url=url, headers={"X-Argilla-Api-Key": me["api_key"]}, timeout=60)
        annotators[who].user = me

    found = admin.post(f"/api/v1/datasets/{dataset.id}/records/search", params={"limit": 1000}, json={}).json()
    index_of = {uuid.UUID(item["record"]["id"]): int(item["record"]["external_id"][1:]) for item in found["items"]}
    id_of = {i: record_id for record_id, i in index_of.items()}

    def answer(i, status, label=None):
        item = {"record_id": str(id_of[i]), "status": status}
        if label is not None:
            item["values"] = {"label": {"value": label}, "comment": {"value": f"note {i}"}}
        return item

    def respond(client, items):
        answer = client.post("/api/v1/me/responses/bulk", json={"items": items})
        assert answer.status_code == 200 and not any(item.get("error") for item in answer.json()["items"]), answer.text

    respond(
        annotators["ann1"],
        [answer(i, "submitted", "pos" if i % 2 == 0 else "neg") for i in range(10)]
        + [answer(i, "draft", "neu") for i in range(10, 15)]
        + [answer(i, "discarded") for i in range(15, 20)],
    )
    respond(annotators["ann2"], [answer(i, "submitted", "neu") for i in range(5, 15)])

    class Corpus:
        pass

    corpus = Corpus()
    corpus.dataset, corpus.owner, corpus.admin, corpus.index_of, corpus.id_of = dataset, owner, admin, index_of, id_of
    corpus.ann1, corpus.ann2 = annotators["ann1"], annotators["ann2"]
    yield corpus
    admin.close()
    for client in annotators.values():
        client.close()


def search(corpus, body: dict | None = None, *, client=None, mine: bool = True, offset: int = 0, limit: int = 1000):
    """(record indexes in the order returned, total) for one search request."""
    client = client or corpus.admin
    path = f"/api/v1/{'me/' if mine else ''}datasets/{corpus.dataset.id}/records/search"
    answer = client.post(path, params={"offset": offset, "limit": limit}, json=body or {})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    return [corpus.index_of[uuid.UUID(item["record"]["id"])] for item in found["items"]], found["total"]


def text(q: str, field: str | None = None) -> dict:
    return {"query": {"text": {"q": q, **({"field": field} if field else {})}}}


def terms(scope: dict, *values) -> dict:
    return {"type": "terms", "scope": scope, "values": list(values)}


def ranged(scope: dict, ge=None, le=None) -> dict:
    return {
        "type": "range",
        "scope": scope,
        **({"ge": ge} if ge is not None else {}),
        **({"le": le} if le is not None else {}),
    }


def where(*filters: dict, **extra) -> dict:
    return {"filters": {"and": list(filters)}, **extra}


def metadata(name: str) -> dict:
    return {"entity": "metadata", "metadata_property": name}


def suggestion(prop: str = "value") -> dict:
    return {"entity": "suggestion", "question": "label", "property": prop}


def response(question: str | None = None) -> dict:
    return {"entity": "response", "question": question} if question else {"entity": "response", "property": "status"}


RECORD_STATUS = {"entity": "record", "property": "status"}


def matching(predicate) -> set[int]:
    return {i for i in range(N) if predicate(i)}


# ---------------------------------------------------------------------------------- text search
@pytest.mark.parametrize(
    "q, field, expected",
    [
        ("fox", None, matching(lambda i: i % 2 == 0 and ANIMALS[(i // 2) % 5] == "fox")),
        ("RED fox", None, matching(lambda i: i % 2 == 0 and i % 3 == 0 and ANIMALS[(i // 2) % 5] == "fox")),
        ('"red fox"', None, matching(lambda i: i % 2 == 0 and i % 3 == 0 and ANIMALS[(i // 2) % 5] == "fox")),
        ('"fox red"', None, set()),
        ("天气", None, matching(lambda i: i % 4 == 1)),
        ("下雨", None, matching(lambda i: i % 4 == 3)),
        ("第7条", None, {7}),
        ("omega", "text", {2, 4}),
        ("omega", "title", set(range(30, N))),
        ("omega", None, {2, 4} | set(range(30, N))),
        ("fox -red", None, matching(lambda i: i % 2 == 0 and i % 3 != 0 and ANIMALS[(i // 2) % 5] == "fox")),
        ("recor*", "text", matching(lambda i: i % 2 == 0)),
        ("nothing-like-this", None, set()),
    ],
)
def test_text_search(corpus, q, field, expected):
    found, total = search(corpus, text(q, field), mine=False)
    assert set(found) == expected
    assert total == len(expected) == len(found)


def test_excluding_words_alone_keeps_the_annotator_order(corpus):
    found, total = search(corpus, text("-天气"), client=corpus.ann1)
    assert set(found) == matching(lambda i: i % 4 != 1) and total == len(found)
    assert found != search(corpus, text("-天气"), client=corpus.ann2)[0]


def test_text_search_ranks_more_matches_first(corpus):
    found, _ = search(corpus, text("omega"), mine=False)
    assert found[:2] in ([2, 4], [4, 2])  # in both fields beats in one


def test_text_search_through_the_sdk(corpus):
    import argilla as rg

    records = list(
        corpus.dataset.records(query=rg.Query(query="天气", filter=rg.Filter([("metadata.group", "==", "g0")])))
    )
    assert {int(record.id[1:]) for record in records} == matching(lambda i: i % 4 == 1 and i % 3 == 0)


def test_unknown_field_is_rejected(corpus):
    answer = corpus.admin.post(f"/api/v1/datasets/{corpus.dataset.id}/records/search", json=text("x", "nope"))
    assert answer.status_code == 422


# ----------------------------------------------------------------------------- metadata filters
@pytest.mark.parametrize(
    "condition, expected",
    [
        (terms(metadata("lang"), "zh"), matching(lambda i: i % 2 == 1)),
        (terms(metadata("group"), "g0", "g2"), matching(lambda i: i % 3 != 1)),
        (ranged(metadata("n"), ge=10, le=20), set(range(10, 21)) - NO_N),
        (ranged(metadata("n"), ge=55), set(range(55, N))),
        (ranged(metadata("score"), le=0.7), matching(lambda i: (i * 7 % N) / 10 <= 0.7)),
        (ranged(metadata("score"), ge=2.05, le=2.15), matching(lambda i: (i * 7 % N) == 21)),
    ],
)
def test_metadata_filters(corpus, condition, expected):
    found, total = search(corpus, where(condition), mine=False)
    assert set(found) == expected and total == len(expected)


def test_filters_combine_with_and_and_with_text(corpus):
    body = {**text("record"), **where(terms(metadata("group"), "g1"), ranged(metadata("n"), le=30))}
    found, total = search(corpus, body, mine=False)
    assert set(found) == matching(lambda i: i % 2 == 0 and i % 3 == 1 and i <= 30) and total == len(found)


# --------------------------------------------------------------------------- suggestion filters
@pytest.mark.parametrize(
    "condition, expected",
    [
        (terms(suggestion("value"), "neg"), matching(lambda i: i % 3 == 1) - NO_SUGGESTION),
        (terms(suggestion("agent"), "model-b"), set(range(30, N)) - NO_SUGGESTION),
        (ranged(suggestion("score"), ge=0.5), set(range(30, N)) - NO_SUGGESTION),
        (ranged(suggestion("score"), ge=0.1, le=0.2), matching(lambda i: 0.1 <= round(i / N, 3) <= 0.2)),
    ],
)
def test_suggestion_filters(corpus, condition, expected):
    found, total = search(corpus, where(condition), mine=False)
    assert set(found) == expected and total == len(expected)


# ----------------------------------------------------------------------------- response filters
ANN1 = {"submitted": set(range(10)), "draft": set(range(10, 15)), "discarded": set(range(15, 20))}
ANN1["pending"] = set(range(N)) - set().union(*ANN1.values())
ANN2_ANSWERED = set(range(5, 15))


@pytest.mark.parametrize("status", ["submitted", "draft", "discarded", "pending"])
def test_response_status_for_the_calling_annotator(corpus, status):
    found, total = search(corpus, where(terms(response(), status)), client=corpus.ann1)
    assert set(found) == ANN1[status] and total == len(found)


def test_response_status_several_values(corpus):
    found, _ = search(corpus, where(terms(response(), "pending", "draft")), client=corpus.ann1)
    assert set(found) == ANN1["pending"] | ANN1["draft"]


def test_response_status_over_all_users(corpus):
    found, _ = search(corpus, where(terms(response(), "submitted")), mine=False)
    assert set(found) == set(range(15))
    unanswered, _ = search(corpus, where(terms(response(), "pending")), mine=False)
    assert set(unanswered) == set(range(20, N))


def test_response_value_filter(corpus):
    found, _ = search(corpus, where(terms(response("label"), "pos")), client=corpus.ann1)
    assert set(found) == {0, 2, 4, 6, 8}
    drafts, _ = search(corpus, where(terms(response("label"), "neu")), client=corpus.ann1)
    assert set(drafts) == ANN1["draft"]  # the annotator's own answers only, drafts included
    everyone, _ = search(corpus, where(terms(response("label"), "neu")), mine=False)
    assert set(everyone) == set(range(5, 15))


def test_record_status_filter(corpus):
    completed, total = search(corpus, where(terms(RECORD_STATUS, "completed")), mine=False)
    assert set(completed) == set(range(15)) and total == 15
    pending, total = search(corpus, where(terms(RECORD_STATUS, "pending")), mine=False)
    assert set(pending) == set(range(15, N)) and total == N - 15


# ------------------------------------------------------------------------------------------ sort
def sort_by(scope: dict, order: str) -> dict:
    return {"sort": [{"scope": scope, "order": order}]}


def test_sort_by_integer_metadata_missing_values_last(corpus):
    ascending, _ = search(corpus, sort_by(metadata("n"), "asc"), mine=False)
    assert ascending[: N - 2] == sorted(set(range(N)) - NO_N) and set(ascending[N - 2 :]) == NO_N
    descending, _ = search(corpus, sort_by(metadata("n"), "desc"), mine=False)
    assert descending[: N - 2] == sorted(set(range(N)) - NO_N, reverse=True) and set(descending[N - 2 :]) == NO_N


def test_sort_by_float_metadata_and_then_terms(corpus):
    found, _ = search(corpus, sort_by(metadata("score"), "desc"), mine=False)
    assert found == sorted(range(N), key=lambda i: -(i * 7 % N))
    body = {"sort": [{"scope": metadata("group"), "order": "asc"}, {"scope": metadata("score"), "order": "asc"}]}
    found, _ = search(corpus, body, mine=False)
    assert found == sorted(range(N), key=lambda i: (i % 3, i * 7 % N))


def test_sort_by_inserted_at(corpus):
    path = f"/api/v1/datasets/{corpus.dataset.id}/records/search"
    for order in ("asc", "desc"):
        items = corpus.admin.post(
            path, params={"limit": 1000}, json=sort_by({"entity": "record", "property": "inserted_at"}, order)
        ).json()["items"]
        stamps = [item["record"]["inserted_at"] for item in items]
        assert stamps == sorted(stamps, reverse=order == "desc") and len(stamps) == N


def test_sort_by_suggestion_score(corpus):
    with_suggestion = sorted(set(range(N)) - NO_SUGGESTION)
    descending, _ = search(corpus, sort_by(suggestion("score"), "desc"), mine=False)
    assert descending[: len(with_suggestion)] == with_suggestion[::-1]
    assert set(descending[len(with_suggestion) :]) == NO_SUGGESTION
    ascending, _ = search(corpus, sort_by(suggestion("score"), "asc"), mine=False)
    assert ascending[: len(with_suggestion)] == with_suggestion


def test_sort_with_a_filter_for_an_annotator(corpus):
    found, _ = search(
        corpus, {**where(terms(response(), "pending")), **sort_by(metadata("n"), "asc")}, client=corpus.ann1
    )
    assert found == sorted(ANN1["pending"] - NO_N) + sorted(ANN1["pending"] & NO_N)


# ------------------------------------------------------------------------------------ pagination
@pytest.mark.parametrize("mine", [False, True])
def test_pages_are_disjoint_and_cover_everything(corpus, mine):
    pages, totals = [], set()
    for offset in range(0, N + 7, 7):
        page, total = search(
            corpus, sort_by(metadata("score"), "asc") if not mine else {}, mine=mine, offset=offset, limit=7
        )
        pages.append(page)
        totals.add(total)
    flat = [i for page in pages for i in page]
    assert len(flat) == len(set(flat)) == N and totals == {N}
    assert pages[-1] == []


# -------------------------------------------------------------------------- per-annotator queue
def pending_queue(corpus, client, **paging):
    return search(corpus, where(terms(response(), "pending"), terms(RECORD_STATUS, "pending")), client=client, **paging)


def test_each_annotator_gets_their_own_pending_queue_in_their_own_order(corpus):
    queue1, total1 = pending_queue(corpus, corpus.ann1)
    queue2, total2 = pending_queue(corpus, corpus.ann2)
    assert set(queue1) == ANN1["pending"] - set(range(15)) and total1 == len(queue1)
    assert set(queue2) == set(range(15, N)) and total2 == len(queue2)  # records 0-14 are completed
    common = [i for i in queue1 if i in set(queue2)]
    assert common != [i for i in queue2 if i in set(queue1)]
    assert queue1 != sorted(queue1) and queue2 != sorted(queue2)
    assert pending_queue(corpus, corpus.ann1)[0] == queue1  # stable between calls
    paged = [
        i for offset in range(0, len(queue1), 4) for i in pending_queue(corpus, corpus.ann1, offset=offset, limit=4)[0]
    ]
    assert paged == queue1


def test_an_unfiltered_listing_is_shuffled_per_user_too(corpus):
    first, _ = search(corpus, {}, client=corpus.ann1)
    second, _ = search(corpus, {}, client=corpus.ann2)
    assert sorted(first) == sorted(second) == list(range(N))
    assert first != second and first != list(range(N))


# ----------------------------------------------------------------------------- metrics, progress
def metadata_metrics(corpus, name: str) -> dict:
    properties = corpus.admin.get(f"/api/v1/me/datasets/{corpus.dataset.id}/metadata-properties").json()["items"]
    prop = next(item for item in properties if item["name"] == name)
    answer = corpus.admin.get(f"/api/v1/metadata-properties/{prop['id']}/metrics")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_metadata_metrics(corpus):
    lang = metadata_metrics(corpus, "lang")
    assert {value["term"]: value["count"] for value in lang["values"]} == {"en": 30, "zh": 30}
    group = metadata_metrics(corpus, "group")
    assert {value["term"]: value["count"] for value in group["values"]} == {"g0": 20, "g1": 20, "g2": 20}
    n = metadata_metrics(corpus, "n")
    assert (n["min"], n["max"]) == (0, 59)
    score = metadata_metrics(corpus, "score")
    assert score["min"] == pytest.approx(0.0) and score["max"] == pytest.approx(5.9)


def test_dataset_progress(corpus):
    progress = corpus.admin.get(f"/api/v1/datasets/{corpus.dataset.id}/progress").json()
    assert (progress["total"], progress["completed"], progress["pending"]) == (N, 15, N - 15)


@pytest.mark.parametrize(
    "who, expected",
    [
        ("ann1", {"submitted": 10, "draft": 5, "discarded": 5, "pending": 40}),
        ("ann2", {"submitted": 10, "draft": 0, "discarded": 0, "pending": 50}),
    ],
)
def test_user_metrics(corpus, who, expected):
    answer = getattr(corpus, who).get(f"/api/v1/me/datasets/{corpus.dataset.id}/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.json()["responses"] == {"total": N, **expected}


# ---------------------------------------------------------------------------------- similarity
def similar(corpus, order: str = "most_similar", **target) -> dict:
    return {"query": {"vector": {"name": "emb", "order": order, **target}}}


def test_similarity_to_a_record_excludes_it(corpus):
    record = str(corpus.id_of[0])
    most, _ = search(corpus, similar(corpus, record_id=record), limit=5)
    assert most == [1, 2, 3, 4, 5]
    least, _ = search(corpus, similar(corpus, "least_similar", record_id=record), limit=3)
    assert least == [59, 58, 57]


def test_similarity_to_a_value_with_filters_and_text(corpus):
    value = [math.cos(angle(30)), math.sin(angle(30))]
    found, _ = search(corpus, similar(corpus, value=value), limit=3)
    assert found[0] == 30 and set(found[1:]) == {29, 31}
    body = {**similar(corpus, value=value), **where(terms(metadata("lang"), "zh"))}
    found, _ = search(corpus, body, limit=4)
    assert set(found[:2]) == {29, 31} and all(i % 2 == 1 for i in found)
    body = {"query": {**similar(corpus, value=value)["query"], "text": {"q": "天气"}}}
    found, _ = search(corpus, body, limit=2)
    assert set(found) == {29, 33}


def test_similarity_through_the_sdk(corpus):
    import argilla as rg

    query = rg.Query(similar=rg.Similar(name="emb", value=[math.cos(angle(10)), math.sin(angle(10))]))
    records = list(corpus.dataset.records(query=query, batch_size=4, limit=4))
    ranked = [int(record.id[1:]) for record, _score in records]
    assert ranked[0] == 10 and set(ranked[1:3]) == {9, 11}
