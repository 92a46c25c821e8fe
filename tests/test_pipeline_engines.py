"""Engines: a build gives the same files whether its map step runs in this process, a local
process pool, `datasets` with num_proc or on a local Ray instance; an unknown engine is a clear error."""

import json
import random
from pathlib import Path

import pytest
import ray

from pipeline.build import BuildConfig, SourceSpec, build
from pipeline.engines import CHUNK, CHUNKS_AHEAD, engine

EVAL_PROBLEM = (
    "A farmer keeps 17 hens in a red barn and collects the eggs every morning before the "
    "market opens in the old town square"
)


def _distinct(rng: random.Random, i: int) -> dict:
    """A problem unlike the others (a name, several numbers), with its answer."""
    name = rng.choice(["Ana", "Bo", "Chen", "Dev", "Eli", "Fay", "Gus", "Hana"])
    a, b, c = rng.randint(2, 99), rng.randint(2, 99), rng.randint(2, 9)
    kind = i % 4
    if kind == 0:
        return {
            "problem": f"{name} packs {a} crates with {b} apples each and then sells {c} crates "
            f"at the fair on day {i}. How many apples are left in the crates?",
            "answer": str((a - c) * b),
        }
    if kind == 1:
        return {
            "problem": f"On trip {i} {name} walks {a} km, rides {b} km and rests for {c} hours. "
            f"What fraction of the distance was walked?",
            "answer": f"\\frac{{{a}}}{{{a + b}}}",
        }
    if kind == 2:
        return {
            "problem": f"第{i}题：{name}有{a}本书，又买了{b}本，送给同学{c}本，现在有多少本书？",
            "answer": str(a + b - c),
            "lang": "zh",
        }
    return {
        "problem": f"Puzzle {i}: which interval holds every x with {a} <= x < {a + b} when {name} counts {c} steps?",
        "answer": f"[{a},{a + b})",
    }


def _write_fixture(tmp_path: Path) -> tuple[Path, Path]:
    """About 300 rows: distinct problems, exact and near duplicates, bad rows, a contaminated one."""
    rng = random.Random(7)
    rows = [_distinct(rng, i) for i in range(220)]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    for i in range(0, 220, 5):  # exact duplicates (same normalized text)
        lines.append(json.dumps({**rows[i], "problem": "  " + rows[i]["problem"].upper()}, ensure_ascii=False))
    for i in range(1, 220, 6):  # near duplicates (a few more words)
        lines.append(json.dumps({**rows[i], "problem": rows[i]["problem"] + " Show your work."}))
    lines += [
        '{"problem": "broken line", "answer": ',
        json.dumps({"problem": "", "answer": "3"}),
        json.dumps({"problem": "An unreadable answer, this one.", "answer": "\\frac{1}{"}),
        json.dumps({"problem": EVAL_PROBLEM + ". How many eggs are there?", "answer": "17"}),
    ]
    rng.shuffle(lines)
    source = tmp_path / "exercises.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    evalset = tmp_path / "eval.jsonl"
    evalset.write_text(json.dumps({"problem": EVAL_PROBLEM + ".", "answer": "1"}) + "\n", encoding="utf-8")
    return source, evalset


def _build(tmp_path: Path, source: Path, evalset: Path, name: str, workers: int) -> tuple[dict, Path]:
    out = tmp_path / name
    config = BuildConfig(
        sources=[SourceSpec(str(source))],
        out=str(out),
        decontaminate=[str(evalset)],
        test_fraction=0.2,
        near_duplicate_threshold=0.7,
        ngram=8,
        engine=name.split("-")[0],
        workers=workers,
    )
    return build(config, progress=False), out


def _outputs(out: Path) -> dict[str, bytes]:
    """The data shards and the duplicates list, which every engine must write byte for byte."""
    files = [*sorted((out / "data").rglob("*.parquet")), out / "duplicates.jsonl"]
    return {str(p.relative_to(out)): p.read_bytes() for p in files}


@pytest.mark.slow  # starts Ray
def test_local_pool_datasets_and_ray_build_identical_datasets(tmp_path):
    source, evalset = _write_fixture(tmp_path)
    reference, ref_out = _build(tmp_path, source, evalset, "local-1", 1)
    counts = reference["counts"]
    assert counts["read"] == 305
    assert {"duplicate", "near_duplicate", "malformed_row", "unverifiable_answer", "contaminated"} <= set(
        counts["rejected"]
    )
    assert counts["kept"] > 150
    for name, workers in (("local-2", 2), ("datasets-2", 2), ("ray-2", 2)):
        manifest, out = _build(tmp_path, source, evalset, name, workers)
        assert _outputs(out) == _outputs(ref_out), name
        for key in ("counts", "files", "splits", "sources"):
            assert manifest[key] == reference[key], (name, key)
        # Rows rejected while reading are written as they are read, which a parallel engine does
        # ahead of the map step: the same lines, possibly in another order.
        assert sorted((out / "rejected.jsonl").read_text().splitlines()) == sorted(
            (ref_out / "rejected.jsonl").read_text().splitlines()
        ), name
    assert not ray.is_initialized(), "the ray engine shuts down the instance it started"


def _assert_maps_in_order_and_raises_in_turn(mapper, count: int) -> None:
    """Results come back in input order (across windows), and an error is raised in its turn."""
    assert list(mapper(hex, range(count))) == [hex(i) for i in range(count)]
    assert list(mapper(hex, [])) == []
    results = mapper(int, ["1", "2", "x", "4"])
    assert [next(results), next(results)] == [1, 2]
    with pytest.raises(ValueError, match="invalid literal"):
        next(results)


@pytest.mark.slow  # starts Ray
def test_ray_engine_keeps_order_across_windows_raises_errors_and_uses_a_running_instance(monkeypatch):
    monkeypatch.setattr("pipeline.engines.RAY_WINDOW", 7)
    monkeypatch.setattr("pipeline.engines.RAY_BLOCK", 3)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        with engine("ray", 2) as mapper:
            _assert_maps_in_order_and_raises_in_turn(mapper, 50)
        assert ray.is_initialized(), "an instance the engine did not start is left running"
    finally:
        ray.shutdown()


@pytest.mark.parametrize("workers", [1, 2])
def test_datasets_engine_keeps_order_across_windows_and_raises_errors(monkeypatch, workers):
    monkeypatch.setattr("pipeline.engines.DATASETS_WINDOW", 7)
    monkeypatch.setattr("pipeline.engines.DATASETS_BATCH", 3)
    import datasets

    with engine("datasets", workers) as mapper:
        assert not datasets.is_progress_bar_enabled()
        _assert_maps_in_order_and_raises_in_turn(mapper, 30)
    assert datasets.is_progress_bar_enabled() and datasets.is_caching_enabled()


def test_local_pool_reads_its_input_only_a_window_ahead_keeps_order_and_raises_errors():
    pulled = 0

    def jobs(n: int):
        nonlocal pulled
        for i in range(n):
            pulled += 1
            yield i

    with engine("local", 2) as mapper:
        results = mapper(hex, jobs(20_000))
        assert next(results) == hex(0)
        assert pulled <= (2 * CHUNKS_AHEAD + 1) * CHUNK, "the pool read far ahead of the consumer"
        assert list(results) == [hex(i) for i in range(1, 20_000)]
        assert pulled == 20_000
        failing = mapper(int, ["1"] * CHUNK + ["x", "4"])  # raised in its turn, after the chunk before
        assert [next(failing) for _ in range(CHUNK)] == [1] * CHUNK
        with pytest.raises(ValueError, match="invalid literal"):
            next(failing)


def test_unknown_engine_is_a_clear_error(tmp_path):
    source, _ = _write_fixture(tmp_path)
    with pytest.raises(ValueError, match=r"unknown engine 'spark'; expected one of local, datasets, ray"):
        engine("spark", 2)
    config = BuildConfig(sources=[SourceSpec(str(source))], out=str(tmp_path / "out"), engine="spark")
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        build(config, progress=False)
    assert not (tmp_path / "out").exists()
