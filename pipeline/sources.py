"""Reading exercise rows from files and Hugging Face datasets, one row at a time, with their origin.

``read_rows`` yields ``(origin, row)`` for each row, or a ``Rejection`` for a row that cannot be
read (a bad JSON line, a CSV row with the wrong number of fields), so nothing disappears silently.
Origins: ``path:LINE`` (1-based, the line where the row starts) for JSONL, CSV and TSV,
``path:row N`` (0-based, as in ``table[N]``) for parquet and JSON arrays, and
``WHERE[:SPLIT]:row N`` for Hugging Face datasets. Nothing is loaded whole except a JSON array
(a ``.json`` file whose first character is ``[``): text files are read line by line, parquet
batch by batch, and Hugging Face datasets are memory-mapped Arrow tables.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from .schema import Rejection, to_json

FORMATS = ("jsonl", "json", "csv", "tsv", "parquet", "hf")
SUFFIXES = {".jsonl": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet"}
HF_PREFIX = "hf:"
BATCH_ROWS = 1024
_ESCAPED_BYTE_RE = re.compile("[\udc80-\udcff]")  # undecodable bytes under surrogateescape

Item = tuple[str, dict] | Rejection


class SourceError(ValueError):
    """A source that cannot be read at all: missing path, unknown format, unreadable dataset."""


def read_rows(path: str | Path, *, fmt: str | None = None, columns: tuple[str, ...] = ()) -> Iterator[Item]:
    """Stream the rows of ``path``: a .jsonl (JSON lines), .json (a JSON array of records, or JSON
    lines), .csv, .tsv or .parquet file, a folder (``save_to_disk`` output or anything
    ``datasets.load_dataset`` reads), or ``hf:NAME[:SPLIT]`` / ``hf:NAME:CONFIG:SPLIT``. ``fmt``
    (one of ``FORMATS``) overrides the inferred format; ``columns`` names the fields of a CSV or
    TSV file that has no header line (MGSM's TSV files).

    Raises ``SourceError`` at once (not on first iteration) for a missing path, an unknown format
    or a dataset that does not load."""
    where = str(path)
    fmt = fmt or infer_format(where)
    if fmt not in FORMATS:
        raise SourceError(f"{where}: unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "hf":
        return _hf_rows(where)
    if not Path(where).is_file():
        raise SourceError(
            f"source not found: {where}"
            if not Path(where).exists()
            else f"{where}: not a file, cannot read it as {fmt}"
        )
    if fmt in ("csv", "tsv"):
        return _csv_rows(where, "\t" if fmt == "tsv" else ",", columns)
    readers = {"jsonl": _jsonl_rows, "json": _json_rows, "parquet": _parquet_rows}
    return readers[fmt](where)


def infer_format(where: str) -> str:
    """The format of a source from its name: ``hf:`` prefix or folder -> ``hf``, else the suffix."""
    path = Path(where)
    if where.startswith(HF_PREFIX) or path.is_dir():
        return "hf"
    if not path.exists():
        raise SourceError(f"source not found: {where}")
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(
            f"{where}: cannot tell the format from the suffix {path.suffix!r}; accepted: "
            f"{', '.join(SUFFIXES)} files, a Hugging Face dataset folder or hf:NAME[:SPLIT]"
        )
    return fmt


def _malformed(origin: str, detail: str, raw: object) -> Rejection:
    return Rejection(origin, "malformed_row", detail, raw if isinstance(raw, str) else to_json(raw))


def _jsonl_rows(where: str) -> Iterator[Item]:
    with open(where, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            origin = f"{where}:{number}"
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield _malformed(origin, f"line {number}: invalid UTF-8: {exc}", raw.decode("utf-8", "replace"))
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield _malformed(origin, f"line {number}: invalid JSON: {exc}", line.rstrip("\r\n"))
                continue
            if not isinstance(row, dict):
                yield _malformed(
                    origin, f"line {number}: not a JSON object (got {type(row).__name__})", line.rstrip("\r\n")
                )
                continue
            yield origin, row


def _json_rows(where: str) -> Iterator[Item]:
    """A JSON array of records (``path:row N``), or JSON lines when the file does not start with ``[``."""
    with open(where, "rb") as handle:
        first = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first != b"[":
        yield from _jsonl_rows(where)
        return
    try:
        records = json.loads(Path(where).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{where}: not a valid JSON array: {exc}") from exc
    for index, record in enumerate(records):
        origin = f"{where}:row {index}"
        if isinstance(record, dict):
            yield origin, record
        else:
            yield _malformed(origin, f"row {index}: not a JSON object (got {type(record).__name__})", record)


def _csv_rows(where: str, delimiter: str, columns: tuple[str, ...]) -> Iterator[Item]:
    """CSV or TSV rows (TSV fields are taken as written: no quoting); ``columns`` names the
    fields of a file without a header line."""
    # surrogateescape: an invalid byte rejects its row (below) instead of stopping the whole file
    with open(where, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        if delimiter == "\t":
            reader = csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_NONE)
        else:
            reader = csv.reader(handle)
        header: list[str] | None = list(columns) or None
        end = 0  # the last physical line consumed so far
        while True:
            start = end + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                end = reader.line_num
                yield _malformed(f"{where}:{start}", f"line {start}: {exc}", "")
                continue
            end = reader.line_num
            if not fields:
                continue
            if _has_bad_bytes(fields):
                yield _malformed(
                    f"{where}:{start}", f"line {start}: invalid UTF-8", [_replace_bad_bytes(field) for field in fields]
                )
            elif header is None:
                header = _csv_header(where, fields)
            elif len(fields) != len(header):
                yield _malformed(
                    f"{where}:{start}", f"line {start}: expected {len(header)} fields, got {len(fields)}", fields
                )
            else:
                yield f"{where}:{start}", dict(zip(header, fields, strict=True))


def _has_bad_bytes(fields: list[str]) -> bool:
    return any(_ESCAPED_BYTE_RE.search(field) for field in fields)


def _replace_bad_bytes(field: str) -> str:
    return field.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _csv_header(where: str, fields: list[str]) -> list[str]:
    repeated = sorted({name for name in fields if fields.count(name) > 1})
    if repeated:
        raise SourceError(f"{where}: the CSV header repeats column names {repeated}")
    return fields


def _parquet_rows(where: str) -> Iterator[Item]:
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(where)
    except Exception as exc:
        raise SourceError(f"{where}: not a readable parquet file: {exc}") from exc
    return _numbered(where, (batch.to_pylist() for batch in table.iter_batches(batch_size=BATCH_ROWS)))


def _hf_rows(where: str) -> Iterator[Item]:
    loaded = _load_hf(where)
    splits = list(loaded.items()) if isinstance(loaded, dict) else [(None, loaded)]
    return (
        item
        for split, dataset in splits
        for item in _numbered(where if split is None else f"{where}:{split}", _dataset_batches(dataset))
    )


def _dataset_batches(dataset) -> Iterator[list[dict]]:
    for batch in dataset.iter(batch_size=BATCH_ROWS):
        yield [dict(zip(batch, values, strict=True)) for values in zip(*batch.values(), strict=True)]


def _numbered(where: str, batches: Iterator[list[dict]]) -> Iterator[Item]:
    """``(where:row N, row)`` over batches of rows, N counted from 0 across batches."""
    index = 0
    for rows in batches:
        for row in rows:
            yield f"{where}:row {index}", row
            index += 1


def _load_hf(where: str):
    """A ``Dataset`` or ``DatasetDict``: ``load_from_disk`` for a saved folder, else ``load_dataset``."""
    import datasets

    folder = Path(where)
    if where.startswith(HF_PREFIX):
        name, config, split = _parse_hf_name(where)
        load = partial(datasets.load_dataset, name, config, split=split)
    elif not folder.exists():
        raise SourceError(f"source not found: {where}")
    elif (folder / "dataset_dict.json").is_file() or (folder / "state.json").is_file():
        load = partial(datasets.load_from_disk, where)
    else:
        load = partial(datasets.load_dataset, where)
    try:
        return load()
    except Exception as exc:
        raise SourceError(f"{where}: cannot load it as a Hugging Face dataset: {type(exc).__name__}: {exc}") from exc


def _parse_hf_name(where: str) -> tuple[str, str | None, str | None]:
    """``hf:NAME`` / ``hf:NAME:SPLIT`` / ``hf:NAME:CONFIG:SPLIT`` -> (name, config, split)."""
    parts = where[len(HF_PREFIX) :].split(":")
    if not parts[0] or len(parts) > 3 or not all(parts):
        raise SourceError(f"{where}: expected hf:NAME, hf:NAME:SPLIT or hf:NAME:CONFIG:SPLIT")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return parts[0], None, parts[1] if len(parts) == 2 else None
