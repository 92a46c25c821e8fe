"""Source files as a user hands them: JSON arrays, TSV, headerless MGSM files, and the file-level
mistakes (an empty file, a wrong recipe, a missing column, a full or read-only disk) that stop a
build with one message instead of one rejection per row."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from answerkey.cli import main
from pipeline.build import BuildConfig, OutputError, SourceSpec, build
from pipeline.sources import SourceError, read_rows

RECORDS = [
    {"problem": "What is 6 times 7?", "answer": "42"},
    {"problem": "What is 10 minus 4?", "answer": "6"},
    {"problem": "How many legs do 3 cats have?", "answer": "12"},
]


def _cli(*args: str):
    return CliRunner().invoke(main, ["build", "--quiet", *args])


def test_a_json_array_is_read_as_records_not_lines(tmp_path):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(RECORDS, indent=2) + "\n", encoding="utf-8")
    items = list(read_rows(path))
    assert items == [(f"{path}:row {i}", r) for i, r in enumerate(RECORDS)]
    path.write_text(json.dumps([RECORDS[0], 7]), encoding="utf-8")
    [kept, rejected] = list(read_rows(path))
    assert kept == (f"{path}:row 0", RECORDS[0])
    assert rejected.reason == "malformed_row" and "not a JSON object (got int)" in rejected.detail
    lines = tmp_path / "lines.json"
    lines.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    assert [row for _, row in read_rows(lines)] == RECORDS
    broken = tmp_path / "broken.json"
    broken.write_text('[{"problem": "x"', encoding="utf-8")
    with pytest.raises(SourceError, match=r"broken\.json: not a valid JSON array"):
        list(read_rows(broken))


def test_tsv_with_a_header_and_headerless_mgsm_files(tmp_path):
    tsv = tmp_path / "rows.tsv"
    tsv.write_text('problem\tanswer\nSay "hi" 2 times: how many words?\t2\n', encoding="utf-8")
    assert list(read_rows(tsv)) == [(f"{tsv}:2", {"problem": 'Say "hi" 2 times: how many words?', "answer": "2"})]
    mgsm = tmp_path / "mgsm_de.tsv"
    mgsm.write_text(
        "Janet hat 16 Eier und isst 3 davon. Wie viele Eier bleiben übrig?\t13\n"
        "Ein Bus hat 1,200 Sitze und 34 weitere. Wie viele Sitze hat er?\t1,234\n",
        encoding="utf-8",
    )
    manifest = build(BuildConfig(sources=[SourceSpec(str(mgsm))], out=str(tmp_path / "o")), progress=False)
    assert manifest["counts"] == {"read": 2, "kept": 2, "rejected": {}}
    assert manifest["sources"][0]["license"] == "CC BY-SA 4.0"
    import pyarrow.parquet as pq

    rows = pq.read_table(tmp_path / "o" / "data").to_pylist()
    assert sorted((r["answer"], r["lang"], r["source"]) for r in rows) == [("1234", "de", "mgsm"), ("13", "de", "mgsm")]


def test_a_headerless_mgsm_file_is_read_as_such_as_an_evaluation_set(tmp_path):
    mgsm = tmp_path / "mgsm_en.tsv"
    mgsm.write_text("A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total?\t3\n")
    source = tmp_path / "rows.jsonl"
    rows = [
        {
            "problem": "A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts?",
            "answer": "3",
        },
        *RECORDS,
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = BuildConfig(sources=[SourceSpec(str(source))], out=str(tmp_path / "o"), decontaminate=[str(mgsm)])
    manifest = build(config, progress=False)
    assert manifest["counts"] == {"read": 4, "kept": 3, "rejected": {"contaminated": 1}}
    [rejected] = [json.loads(line) for line in (tmp_path / "o" / "rejected.jsonl").read_text().splitlines()]
    assert f"passages of {mgsm}:1, such as 'a robe takes 2 bolts of blue fiber'" in rejected["detail"]


def test_an_empty_source_stops_the_build_unless_allowed(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    result = _cli("--source", str(empty), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert f"{empty}: the source has no rows; pass --allow-empty" in result.output
    assert not (tmp_path / "o" / "manifest.json").exists() and not (tmp_path / "o" / ".partial").exists()
    result = _cli("--source", str(empty), "--out", str(tmp_path / "o"), "--allow-empty")
    assert result.exit_code == 0 and "read 0, kept 0" in result.output


@pytest.mark.parametrize(
    "recipe,field",
    [("gsm8k", "question"), ("auto", "answer")],
)
def test_every_row_missing_the_same_field_is_one_error_naming_file_field_and_columns(tmp_path, recipe, field):
    source = tmp_path / "rows.jsonl"
    rows = [{"problem": r["problem"], "solution": "We count."} for r in RECORDS]
    if recipe == "gsm8k":
        rows = RECORDS
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = _cli("--source", str(source), "--out", str(tmp_path / "o"), "--recipe", recipe)
    assert result.exit_code == 1, result.output
    message = result.output.strip()
    assert message.count("\n") == 0  # one message, not one per row
    assert f"{source}: every row (3) fails on the field {field!r}" in message
    assert f"the rows have the columns {sorted(rows[0])}" in message
    assert not (tmp_path / "o" / "manifest.json").exists()


def test_some_rows_missing_a_field_are_rejected_row_by_row(tmp_path):
    source = tmp_path / "rows.jsonl"
    rows = [*RECORDS, {"problem": "What is 1 + 1?"}]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    manifest = build(BuildConfig(sources=[SourceSpec(str(source))], out=str(tmp_path / "o")), progress=False)
    assert manifest["counts"] == {"read": 4, "kept": 3, "rejected": {"malformed_row": 1}}


def test_overrides_and_detected_languages(tmp_path):
    source = tmp_path / "rows.jsonl"
    rows = [*RECORDS, {"problem": "小明有5个苹果，又买了3个，现在有几个？", "answer": "8"}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert _cli("--source", str(source), "--out", str(tmp_path / "a")).exit_code == 0
    import pyarrow.parquet as pq

    langs = {
        r["problem"][:3]: (r["lang"], r["license"], r["source"])
        for r in pq.read_table(tmp_path / "a" / "data").to_pylist()
    }
    assert langs["小明有"] == ("zh", "", "generic") and langs["Wha"] == ("en", "", "generic")
    args = ["--lang", "fr", "--license", "CC0", "--source-name", "my-set"]
    assert _cli("--source", str(source), "--out", str(tmp_path / "b"), *args).exit_code == 0
    tagged = {(r["lang"], r["license"], r["source"]) for r in pq.read_table(tmp_path / "b" / "data").to_pylist()}
    assert tagged == {("fr", "CC0", "my-set")}


_FULL_DISK = """
import resource, signal, sys
from answerkey.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
sys.exit(main(sys.argv[1:]))
"""


def test_a_full_disk_stops_with_one_error_naming_the_path_and_publishes_nothing(tmp_path):
    source = tmp_path / "rows.jsonl"
    rows = [{"problem": f"What is {i} plus {i}? " + "Count with care. " * 5, "answer": str(2 * i)} for i in range(400)]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, "build", "--quiet", "--source", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"Error: cannot write {out}" in done.stderr and "nothing was published" in done.stderr
    assert not (out / "manifest.json").exists() and not (out / ".partial").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_one_clear_error(tmp_path):
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        with pytest.raises(OutputError, match=f"cannot write {out}"):
            build(BuildConfig(sources=[SourceSpec(str(source))], out=str(out)), progress=False)
    finally:
        out.chmod(0o755)
    assert list(out.iterdir()) == []
    assert Path(source).exists()


def test_an_output_path_that_cannot_be_a_folder_is_one_clear_error(tmp_path):
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder\n")
    result = _cli("--source", str(source), "--out", str(blocker / "out"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"Error: cannot write {blocker / 'out'}" in result.output and "nothing was published" in result.output
