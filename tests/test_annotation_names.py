"""Names and values the search must read right: fields, questions and metadata named in Chinese
or with `"` and `\\`, and filter values coerced to the metadata property's type.

Argilla stores JSON with every non-ASCII character escaped; SQLite's JSON paths compare keys as
stored, so these names used to match nothing. One dataset on the session server.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

N = 30
LEVELS = ["易", "中", "难"]
QUOTED_FIELD = 'a"b\\c'
QUOTED_METADATA = 'q"\\x'


def level(i: int) -> str:
    return LEVELS[i % 3]


def problem(i: int) -> str:
    return f"第{i}题 {'鸡兔同笼' if i % 5 == 0 else '数苹果'}"


@pytest.fixture(scope="module")
def named(argilla_server):
    """The dataset and the owner's HTTP client; records 0-9 answered `答案` = 对 (even) or 错 (odd)."""
    import argilla as rg

    client = argilla_server.client()
    settings = rg.Settings(
        fields=[rg.TextField(name="题目"), rg.TextField(name=QUOTED_FIELD)],
        questions=[rg.LabelQuestion(name="答案", labels=["对", "错"])],
        metadata=[
            rg.TermsMetadataProperty("难度"),
            rg.IntegerMetadataProperty("分数"),
            rg.FloatMetadataProperty(QUOTED_METADATA),
        ],
    )
    dataset = rg.Dataset(name=f"names-{uuid.uuid4().hex[:8]}", settings=settings, client=client).create()
    dataset.records.log(
        [
            rg.Record(
                id=f"n{i:02d}",
                fields={"题目": problem(i), QUOTED_FIELD: f"quoted {i} {'needle' if i % 4 == 0 else 'hay'}"},
                metadata={"难度": level(i), "分数": i, QUOTED_METADATA: i / 4},
            )
            for i in range(N)
        ]
    )
    http = httpx.Client(
        base_url=argilla_server.url, headers={"X-Argilla-Api-Key": argilla_server.credentials["api_key"]}, timeout=60
    )
    found = http.post(f"/api/v1/datasets/{dataset.id}/records/search", params={"limit": 1000}, json={}).json()
    index_of = {item["record"]["id"]: int(item["record"]["external_id"][1:]) for item in found["items"]}
    id_of = {i: record_id for record_id, i in index_of.items()}
    items = [
        {"record_id": id_of[i], "status": "submitted", "values": {"答案": {"value": "对" if i % 2 == 0 else "错"}}}
        for i in range(10)
    ]
    answer = http.post("/api/v1/me/responses/bulk", json={"items": items})
    assert answer.status_code == 200 and not any(item.get("error") for item in answer.json()["items"]), answer.text

    class Named:
        pass

    named = Named()
    named.dataset, named.http, named.index_of = dataset, http, index_of
    yield named
    http.close()


def search(named, body: dict, mine: bool = False) -> tuple[list[int], int]:
    path = f"/api/v1/{'me/' if mine else ''}datasets/{named.dataset.id}/records/search"
    answer = named.http.post(path, params={"limit": 1000}, json=body)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    return [named.index_of[item["record"]["id"]] for item in found["items"]], found["total"]


def metadata(name: str) -> dict:
    return {"entity": "metadata", "metadata_property": name}


def where(*filters: dict) -> dict:
    return {"filters": {"and": list(filters)}}


def terms(scope: dict, *values) -> dict:
    return {"type": "terms", "scope": scope, "values": list(values)}


def ranged(scope: dict, **bounds) -> dict:
    return {"type": "range", "scope": scope, **bounds}


def matching(predicate) -> set[int]:
    return {i for i in range(N) if predicate(i)}


@pytest.mark.parametrize(
    "condition, expected",
    [
        (terms(metadata("难度"), "难"), matching(lambda i: level(i) == "难")),
        (terms(metadata("难度"), "易", "中"), matching(lambda i: level(i) != "难")),
        (terms(metadata("分数"), "7"), {7}),  # text coerced to the integer property's type
        (terms(metadata("分数"), 7, 8), {7, 8}),
        (terms(metadata("分数"), "12.0"), {12}),
        (ranged(metadata("分数"), ge="10", le="20"), set(range(10, 21))),
        (ranged(metadata("分数"), ge=25), set(range(25, N))),
        (terms(metadata(QUOTED_METADATA), "0.5"), {2}),
        (ranged(metadata(QUOTED_METADATA), ge="1.5", le="2.5"), set(range(6, 11))),
    ],
)
def test_filters_on_chinese_and_quoted_metadata_names(named, condition, expected):
    found, total = search(named, where(condition))
    assert set(found) == expected and total == len(expected)


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "鸡兔同笼"}, matching(lambda i: i % 5 == 0)),
        ({"q": "鸡兔同笼", "field": "题目"}, matching(lambda i: i % 5 == 0)),
        ({"q": "needle", "field": QUOTED_FIELD}, matching(lambda i: i % 4 == 0)),
        ({"q": "needle 鸡兔同笼"}, matching(lambda i: i % 20 == 0)),
        ({"q": "needle", "field": "题目"}, set()),
        ({"q": "第7题"}, {7}),
    ],
)
def test_text_search_in_fields_with_such_names(named, query, expected):
    found, total = search(named, {"query": {"text": query}})
    assert set(found) == expected and total == len(expected)


def test_sort_by_a_chinese_metadata_name(named):
    found, _ = search(named, {"sort": [{"scope": metadata("分数"), "order": "desc"}]})
    assert found == list(range(N - 1, -1, -1))


def test_response_filter_on_a_chinese_question_name(named):
    scope = {"entity": "response", "question": "答案"}
    right, _ = search(named, where(terms(scope, "对")))
    wrong, _ = search(named, where(terms(scope, "错")), mine=True)
    assert set(right) == {0, 2, 4, 6, 8} and set(wrong) == {1, 3, 5, 7, 9}


def property_metrics(named, name: str) -> dict:
    properties = named.http.get(f"/api/v1/me/datasets/{named.dataset.id}/metadata-properties").json()["items"]
    prop = next(item for item in properties if item["name"] == name)
    answer = named.http.get(f"/api/v1/metadata-properties/{prop['id']}/metrics")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_metrics_of_chinese_and_quoted_metadata_names(named):
    levels = property_metrics(named, "难度")
    assert {value["term"]: value["count"] for value in levels["values"]} == {"易": 10, "中": 10, "难": 10}
    scores = property_metrics(named, "分数")
    assert (scores["min"], scores["max"]) == (0, N - 1)
    quoted = property_metrics(named, QUOTED_METADATA)
    assert (quoted["min"], quoted["max"]) == (0.0, (N - 1) / 4)


def test_the_sdk_filters_on_a_chinese_metadata_name(named):
    import argilla as rg

    records = named.dataset.records(query=rg.Query(filter=rg.Filter([("metadata.难度", "==", "中")])))
    assert {int(record.id[1:]) for record in records} == matching(lambda i: level(i) == "中")
