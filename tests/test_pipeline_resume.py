"""A build killed or failed part way and run again resumes from the cached map results
(``pipeline/mapcache.py``): only missing segments are mapped, the output is byte-identical to a
clean build's, stale or corrupt cache files are never used, and a finished build leaves no cache."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import build as build_module
from pipeline import mapcache, mapping
from pipeline.build import BuildConfig, SourceSpec, build

ROWS = 300
SEGMENT = 40  # so ROWS is 8 segments, the last one short


def _rows(n: int, *, changed: int | None = None) -> list[str]:
    lines = []
    for i in range(n):
        answer = i + (i * 7 % 13) * (i % 5)
        problem = f"Item {i}: what is {i} plus {i * 7 % 13} times {i % 5}?"
        if i == changed:
            problem, answer = f"Item {i}: what is {i} plus 1?", i + 1
        lines.append(json.dumps({"problem": problem, "answer": str(answer)}))
    lines[5] = '{"problem": "broken line", "answer": '  # malformed, rejected while reading
    lines[50] = lines[10]  # an exact duplicate
    lines[90] = json.dumps(
        {
            "problem": "Janet's ducks lay 16 eggs per day and she eats three for breakfast "
            "every morning. How many are left?",
            "answer": "13",
        }
    )  # contaminated
    return lines


def _source(tmp_path: Path, name: str = "rows.jsonl", **kw) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(_rows(ROWS, **kw)) + "\n", encoding="utf-8")
    return path


def _config(tmp_path: Path, source: Path, out: str, **extra) -> BuildConfig:
    evalset = tmp_path / "eval.jsonl"
    evalset.write_text(
        json.dumps(
            {
                "problem": "Janet's ducks lay 16 eggs per day and she eats three for "
                "breakfast every morning. She sells the rest.",
                "answer": "18",
            }
        )
        + "\n"
    )
    settings = {"near_duplicate_threshold": 0.7, "ngram": 8, "test_fraction": 0.2, **extra}
    return BuildConfig(
        sources=[SourceSpec(str(source))], out=str(tmp_path / out), decontaminate=[str(evalset)], **settings
    )


def _tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _cached(out: Path) -> list[Path]:
    return sorted((out / ".cache" / "map").glob("*.pkl"))


@pytest.fixture
def caches(monkeypatch):
    """Small segments; each build's MapCache (with its counters) and the rows map_row mapped here."""
    monkeypatch.setattr(mapcache, "SEGMENT", SEGMENT)
    made, calls = [], []

    class Recorded(mapcache.MapCache):
        def __post_init__(self):
            super().__post_init__()
            made.append(self)

    original = mapping.map_row

    def counted(job):
        calls.append(job.origin)
        return original(job)

    monkeypatch.setattr(build_module, "MapCache", Recorded)
    monkeypatch.setattr(mapping, "map_row", counted)
    return made, calls


class _Killed(Exception):
    pass


def _fail_before_publish(monkeypatch, config: BuildConfig) -> None:
    """A build that maps everything and dies before publishing: its whole cache stays behind."""

    def crash(*args):
        raise _Killed("killed before publishing")

    with monkeypatch.context() as patched, pytest.raises(_Killed):
        patched.setattr(build_module, "publish", crash)
        build(config, progress=False)


def _clean(tmp_path: Path, config: BuildConfig) -> dict[str, bytes]:
    """A clean build's files, built at ``config.out`` (so manifests can match byte for byte), then moved away."""
    build(config, progress=False)
    out = Path(config.out)
    assert not (out / ".cache").exists(), "a finished build leaves no cache"
    tree = _tree(out)
    shutil.rmtree(out)
    return tree


@pytest.mark.slow  # builds in child processes, one of them killed
def test_a_build_killed_with_sigkill_maps_only_the_missing_segments_on_rerun(tmp_path, monkeypatch, caches):
    made, calls = caches
    rows, segment = 3000, 250
    source = tmp_path / "big.jsonl"
    source.write_text(
        "".join(
            json.dumps(
                {
                    "problem": f"Item {i}: what is {i} plus {i * 7 % 13} times {i % 5}?",
                    "answer": str(i + (i * 7 % 13) * (i % 5)),
                }
            )
            + "\n"
            for i in range(rows)
        )
    )
    config = BuildConfig(sources=[SourceSpec(str(source))], out=str(tmp_path / "out"), near_duplicate_threshold=1.0)
    reference = _clean(tmp_path, config)
    calls.clear()

    code = (
        "import sys, pipeline.mapcache as m; m.SEGMENT = int(sys.argv.pop(1)); "
        "from answerkey.cli import main; main(prog_name='answerkey')"
    )
    victim = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            str(segment),
            "build",
            "--source",
            str(source),
            "--quiet",
            "--near-dup-threshold",
            "1",
            "--out",
            config.out,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 120
    while not _cached(Path(config.out)) and victim.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    if victim.poll() is None:
        os.kill(victim.pid, signal.SIGKILL)
    _, stderr = victim.communicate()
    assert victim.returncode == -signal.SIGKILL, stderr.decode()[-2000:]
    assert not (Path(config.out) / "manifest.json").exists()
    cached = len(_cached(Path(config.out)))
    assert 1 <= cached < rows // segment

    monkeypatch.setattr(mapcache, "SEGMENT", segment)
    build(config, progress=False)
    cache = made[-1]
    assert cache.reused_segments == cached and cache.reused_rows == cached * segment
    assert len(calls) == cache.mapped_rows == rows - cached * segment, "only the missing segments are mapped"
    assert cache.written_segments == rows // segment - cached
    assert _tree(Path(config.out)) == reference, "data, rejections, card and manifest byte for byte"
    assert not (Path(config.out) / ".cache").exists()


@pytest.mark.parametrize(
    "change", [{"timeout": 7.0}, {"near_duplicate_threshold": 0.8}, {"test_fraction": 0.3}, {"ngram": 9}]
)
def test_a_changed_setting_never_reuses_stale_segments(tmp_path, monkeypatch, caches, change):
    made, calls = caches
    source = _source(tmp_path)
    _fail_before_publish(monkeypatch, _config(tmp_path, source, "out"))
    assert len(_cached(tmp_path / "out")) == -(-ROWS // SEGMENT)
    changed = _config(tmp_path, source, "out", **change)
    reference = _clean(tmp_path, _config(tmp_path, source, "clean", **change))
    calls.clear()
    build(changed, progress=False)
    assert made[-1].reused_rows == 0 and len(calls) == ROWS - 1  # the malformed line is never mapped
    clean = {k: v for k, v in reference.items() if k not in ("manifest.json", "README.md")}
    assert {k: v for k, v in _tree(tmp_path / "out").items() if k not in ("manifest.json", "README.md")} == clean
    assert not (tmp_path / "out" / ".cache").exists()


def test_a_changed_row_remaps_only_its_segment_and_an_unchanged_rerun_maps_nothing(tmp_path, monkeypatch, caches):
    made, calls = caches
    _fail_before_publish(monkeypatch, _config(tmp_path, _source(tmp_path), "out"))
    _fail_before_publish(monkeypatch, _config(tmp_path, _source(tmp_path), "out"))
    assert made[-1].reused_rows == ROWS and made[-1].mapped_rows == 0 and made[-1].written_segments == 0
    source = _source(tmp_path, changed=130)  # in the fourth segment (rows 120-159)
    calls.clear()
    build(_config(tmp_path, source, "out"), progress=False)
    assert made[-1].reused_rows == ROWS - SEGMENT and made[-1].mapped_rows == SEGMENT
    assert sorted(int(o.rsplit(":", 1)[1]) for o in calls) == list(range(121, 161))  # 1-based lines
    reference = _clean(tmp_path, _config(tmp_path, source, "clean"))
    strip = ("manifest.json", "README.md")
    assert {k: v for k, v in _tree(tmp_path / "out").items() if k not in strip} == {
        k: v for k, v in reference.items() if k not in strip
    }


def _corrupt(files: list[Path]) -> None:
    files[1].write_bytes(files[1].read_bytes()[:-100])  # truncated
    data = bytearray(files[3].read_bytes())
    data[len(data) // 2] ^= 0xFF  # a flipped byte
    files[3].write_bytes(bytes(data))
    files[4].write_bytes(b"")  # empty
    files[6].write_bytes(b"not a cache file at all")  # garbage


@pytest.mark.parametrize(
    "engine,workers",
    [
        ("local", 1),
        pytest.param("local", 2, marks=pytest.mark.slow),  # a process pool per build, three builds
        pytest.param("datasets", 2, marks=pytest.mark.slow),
        pytest.param("ray", 2, marks=pytest.mark.slow),
    ],
)
def test_corrupt_cache_files_are_recomputed_with_every_engine(tmp_path, monkeypatch, caches, engine, workers):
    made, calls = caches
    if engine == "ray":  # one instance for the three builds (the engine uses a running one as it is)
        ray = pytest.importorskip("ray")
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        try:
            _corrupt_and_rebuild(tmp_path, monkeypatch, made, calls, engine, workers)
        finally:
            ray.shutdown()
    else:
        _corrupt_and_rebuild(tmp_path, monkeypatch, made, calls, engine, workers)


def _corrupt_and_rebuild(tmp_path, monkeypatch, made, calls, engine, workers):
    source = _source(tmp_path)
    config = _config(tmp_path, source, "out", engine=engine, workers=workers)
    reference = _clean(tmp_path, config)
    _fail_before_publish(monkeypatch, config)
    by_order = _segment_files(tmp_path / "out", config)  # the files in input order, by their keys
    assert [f.name for f in _cached(tmp_path / "out")] == sorted(by_order) and len(by_order) == 8
    _corrupt([tmp_path / "out" / ".cache" / "map" / name for name in by_order])
    (tmp_path / "out" / ".cache" / "map" / ".x.pkl.0123456789abcdef0123456789abcdef.tmp").write_bytes(b"half")
    calls.clear()
    build(config, progress=False)
    cache = made[-1]
    assert cache.reused_segments == 4 and cache.written_segments == 4
    assert cache.mapped_rows == 4 * SEGMENT
    if workers == 1:
        assert len(calls) == 4 * SEGMENT
    assert _tree(tmp_path / "out") == reference
    assert not (tmp_path / "out" / ".cache").exists()


def _segment_files(out: Path, config: BuildConfig) -> list[str]:
    """The cache file names of a config's segments, in input order."""
    (out / ".partial").mkdir(exist_ok=True)
    run = build_module._Run(config, out / ".partial", progress=False)
    try:
        stats = {"read": 0}
        jobs = list(run.jobs(config.sources[0], stats))
    finally:
        run.close()
    cache = mapcache.MapCache(out / ".cache" / "map")
    return [f"{cache._key(mapping.map_item, jobs[i : i + SEGMENT])}.pkl" for i in range(0, len(jobs), SEGMENT)]
