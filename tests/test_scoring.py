"""verifiers.scoring: loading labelled case files and scoring any judge over them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from verifiers.scoring import Case, CaseFileError, Outcome, judge_case, load_cases, score, summarize


def write_cases(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def row(**fields) -> dict:
    return {"prediction": "1", "gold": "1", "expected": True, **fields}


def test_load_cases_reads_fields_and_defaults(tmp_path):
    path = write_cases(
        tmp_path / "c.jsonl",
        [
            row(id="a", category="integer", answer_type="number"),
            "",
            row(prediction="二十五", gold="25"),
        ],
    )
    cases = load_cases(path)
    assert cases[0] == Case("a", "1", "1", True, "integer", "number")
    assert cases[1] == Case("c.jsonl:3", "二十五", "25", True, "uncategorized", None)


@pytest.mark.parametrize(
    "bad, message",
    [
        ('{"prediction": "1", "gold": ', "invalid JSON"),
        ('["1", "1", true]', "expected a JSON object"),
        (json.dumps({"prediction": "1", "expected": True}), "missing field 'gold'"),
        (json.dumps(row(expected="yes")), "field 'expected' must be bool, got str"),
        (json.dumps(row(expected=1)), "field 'expected' must be bool, got int"),
        (json.dumps(row(gold=5)), "field 'gold' must be str, got int"),
        (json.dumps(row(category=3)), "field 'category' must be str, got int"),
        (json.dumps(row(id="x")), "field 'id': duplicate id 'x'"),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path, bad, message):
    path = write_cases(tmp_path / "bad.jsonl", [row(id="x"), bad])
    with pytest.raises(CaseFileError) as err:
        load_cases(path)
    assert str(err.value).startswith(f"{path}:2: ")
    assert message in str(err.value)


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(CaseFileError, match="no cases"):
        load_cases(write_cases(tmp_path / "empty.jsonl", [""]))
    with pytest.raises(CaseFileError, match="cannot read"):
        load_cases(tmp_path / "nope.jsonl")


@dataclass(frozen=True)
class FakeVerdict:
    correct: bool
    status: str = "ok"
    reason: str = ""


def test_judge_case_reads_bools_verdicts_and_exceptions():
    case = Case("c", "1", "1", True)
    assert judge_case(lambda p, g: p == g, case).judged is True
    assert judge_case(lambda p, g: 0, case).judged is False
    timed = judge_case(lambda p, g: FakeVerdict(False, "timeout", "too slow"), case)
    assert (timed.judged, timed.status, timed.detail) == (False, "timeout", "too slow")

    def boom(p, g):
        raise ValueError("unparseable")

    crashed = judge_case(boom, case)
    assert (crashed.judged, crashed.status) == (False, "error")
    assert "ValueError: unparseable" in crashed.detail
    assert crashed.elapsed_ms >= 0


def test_answer_type_is_passed_only_when_given():
    seen = []

    def judge(p, g, **kw):
        seen.append(kw)
        return True

    judge_case(judge, Case("a", "1", "1", True))
    judge_case(judge, Case("b", "1", "1", True, answer_type="number"))
    assert seen == [{}, {"answer_type": "number"}]


def test_score_counts_both_kinds_of_error_and_categories():
    cases = [
        Case("tp", "1", "1", True, "int"),
        Case("tn", "1", "2", False, "int"),
        Case("fp", "3.14", "pi", False, "pi"),
        Case("fn", "2/4", "1/2", True, "frac"),
        Case("to", "9^9^9^9", "5", False, "hostile"),
    ]
    judged = {"tp": True, "tn": False, "fp": True, "fn": False}

    def judge(p, g):
        case = next(c for c in cases if (c.prediction, c.gold) == (p, g))
        return FakeVerdict(False, "timeout") if case.id == "to" else judged[case.id]

    report = score(judge, cases)
    assert (report.n, report.right) == (5, 3)
    assert report.accuracy == pytest.approx(0.6)
    assert report.false_positives == ("fp",)
    assert report.false_negatives == ("fn",)
    assert report.timeouts == ("to",)
    assert report.errors == ()
    assert report.by_category == {"frac": (0, 1), "hostile": (1, 1), "int": (2, 2), "pi": (0, 1)}
    assert [o.case.id for o in report.failures] == ["fp", "fn"]


def test_summarize_times():
    outcomes = [Outcome(Case(str(i), "1", "1", True), True, elapsed_ms=float(i)) for i in range(1, 21)]
    report = summarize(outcomes)
    assert report.mean_ms == pytest.approx(10.5)
    assert report.median_ms == pytest.approx(10.5)
    assert report.p95_ms == 19.0
    empty = summarize([])
    assert (empty.n, empty.accuracy, empty.p95_ms) == (0, 0.0, 0.0)
