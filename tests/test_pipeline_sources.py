"""pipeline.sources: rows and their origins from JSONL, CSV, parquet and Hugging Face datasets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.schema import Rejection
from pipeline.sources import SourceError, infer_format, read_rows

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
ROWS = [{"problem": f"What is {i} + 1?", "answer": str(i + 1)} for i in range(5)]


def split(items):
    """(rows as [(origin, row)], rejections)."""
    items = list(items)
    return [i for i in items if not isinstance(i, Rejection)], [i for i in items if isinstance(i, Rejection)]


def test_jsonl_origins_count_blank_lines_and_reject_bad_lines():
    path = FIXTURES / "rows.jsonl"
    rows, rejected = split(read_rows(path))
    assert [origin for origin, _ in rows] == [f"{path}:1", f"{path}:6"]
    assert rows[1][1] == {"problem": "Half of 18?", "answer": "9", "solution": "18 / 2 = 9"}
    assert [r.origin for r in rejected] == [f"{path}:3", f"{path}:5"]
    assert {r.reason for r in rejected} == {"malformed_row"}
    assert rejected[0].detail.startswith("line 3: invalid JSON: ")
    assert rejected[0].row == '{"problem": "What is 10 - 4?", "answer": "6"'
    assert rejected[1].detail == "line 5: not a JSON object (got list)"


def test_jsonl_bad_utf8_and_bom(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n{"b": "\xff"}\n{"c": 3}')
    rows, rejected = split(read_rows(path))
    assert rows == [(f"{path}:1", {"a": 1}), (f"{path}:3", {"c": 3})]
    assert rejected[0].origin == f"{path}:2" and "invalid UTF-8" in rejected[0].detail


def test_csv_origins_are_the_physical_line_where_a_row_starts():
    path = FIXTURES / "rows.csv"
    rows, rejected = split(read_rows(path))
    assert [origin for origin, _ in rows] == [f"{path}:2", f"{path}:3", f"{path}:8"]
    assert rows[1][1] == {
        "problem": "A list:\nfirst line\nsecond line, with a comma",
        "answer": "7",
        "solution": "Count them: 7",
    }
    assert rows[2][1] == {"problem": "Half of 18?", "answer": "9", "solution": ""}
    assert len(rejected) == 1
    assert rejected[0].origin == f"{path}:7"
    assert rejected[0].detail == "line 7: expected 3 fields, got 4"
    assert json.loads(rejected[0].row) == ["Too, many", "1", "2", "3"]


def test_csv_row_with_invalid_utf8_is_rejected_and_reading_goes_on(tmp_path):
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"problem,answer\nbad \xff byte,1\n\xc3\xa9t\xc3\xa9,2\n")
    rows, rejected = split(read_rows(path))
    assert rows == [(f"{path}:3", {"problem": "\u00e9t\u00e9", "answer": "2"})]
    assert [(r.origin, r.detail) for r in rejected] == [(f"{path}:2", "line 2: invalid UTF-8")]
    assert json.loads(rejected[0].row) == ["bad \ufffd byte", "1"]


def test_csv_repeated_header_is_a_source_error(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("problem,answer,problem\nx,1,y\n")
    with pytest.raises(SourceError, match=r"repeats column names \['problem'\]"):
        list(read_rows(path))


def test_parquet_rows_across_batches(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.sources.BATCH_ROWS", 2)
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path, row_group_size=3)
    items = list(read_rows(path))
    assert items == [(f"{path}:row {i}", row) for i, row in enumerate(ROWS)]


def test_save_to_disk_dataset_and_dataset_dict(tmp_path):
    import datasets

    data = datasets.Dataset.from_list(ROWS)
    data.save_to_disk(tmp_path / "one")
    assert list(read_rows(tmp_path / "one")) == [(f"{tmp_path / 'one'}:row {i}", r) for i, r in enumerate(ROWS)]

    datasets.DatasetDict({"train": data.select(range(3)), "test": data.select(range(3, 5))}).save_to_disk(
        tmp_path / "two"
    )
    where = str(tmp_path / "two")
    assert [origin for origin, _ in read_rows(where)] == [
        f"{where}:train:row 0",
        f"{where}:train:row 1",
        f"{where}:train:row 2",
        f"{where}:test:row 0",
        f"{where}:test:row 1",
    ]


def test_load_dataset_on_a_local_folder(tmp_path, monkeypatch):
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "cache")
    folder = tmp_path / "plain"
    folder.mkdir()
    shutil.copy(FIXTURES / "cmath.jsonl", folder / "train.jsonl")
    rows, rejected = split(read_rows(folder))
    assert not rejected and len(rows) == 4
    assert rows[0][0] == f"{folder}:train:row 0" and rows[0][1]["golden"] == "8"


@pytest.mark.parametrize(
    ("where", "call"),
    [
        ("hf:org/set", ("org/set", None, None)),
        ("hf:org/set:train", ("org/set", None, "train")),
        ("hf:org/set:main:test", ("org/set", "main", "test")),
    ],
)
def test_hf_names_go_to_load_dataset(monkeypatch, where, call):
    import datasets

    calls = []

    def fake_load_dataset(name, config=None, *, split=None):
        calls.append((name, config, split))
        data = datasets.Dataset.from_list(ROWS[:2])
        return data if split else datasets.DatasetDict({"train": data})

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    origins = [origin for origin, _ in read_rows(where)]
    assert calls == [call]
    label = where if call[2] else f"{where}:train"
    assert origins == [f"{label}:row 0", f"{label}:row 1"]


def test_hf_name_that_does_not_load_is_a_source_error():
    with pytest.raises(SourceError, match="hf:no-such-org/no-such-dataset-xyz:train: cannot load"):
        read_rows("hf:no-such-org/no-such-dataset-xyz:train")
    with pytest.raises(SourceError, match="expected hf:NAME"):
        read_rows("hf:a:b:c:d")


def test_fmt_overrides_the_suffix(tmp_path):
    path = tmp_path / "rows.txt"
    path.write_text('{"problem": "p", "answer": "1"}\n')
    assert list(read_rows(path, fmt="jsonl")) == [(f"{path}:1", {"problem": "p", "answer": "1"})]
    with pytest.raises(SourceError, match="unknown format 'xml'"):
        read_rows(path, fmt="xml")


def test_format_inference_and_clear_errors(tmp_path):
    assert infer_format(str(FIXTURES / "rows.jsonl")) == "jsonl"
    assert infer_format(str(FIXTURES / "rows.csv")) == "csv"
    assert infer_format(str(tmp_path)) == "hf"
    assert infer_format("hf:openai/gsm8k:main:train") == "hf"
    unknown = tmp_path / "rows.xlsx"
    unknown.write_text("x")
    with pytest.raises(SourceError, match=r"rows\.xlsx.*'\.xlsx'.*\.jsonl, \.json, \.csv, \.tsv, \.parquet"):
        read_rows(unknown)
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(SourceError, match=f"source not found: {missing}"):
        read_rows(missing)
    assert issubclass(SourceError, ValueError)


def test_bad_parquet_is_a_source_error(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(SourceError, match="not a readable parquet file"):
        read_rows(path)


def test_rows_are_streamed_not_preloaded(tmp_path):
    path = tmp_path / "grow.jsonl"
    path.write_text('{"n": 1}\n')
    rows = read_rows(path)
    assert next(rows) == (f"{path}:1", {"n": 1})
    with path.open("a") as handle:  # appended after the first row was read
        handle.write('{"n": 2}\n')
    assert next(rows) == (f"{path}:2", {"n": 2})
