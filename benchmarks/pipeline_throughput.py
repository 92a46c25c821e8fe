"""Pipeline throughput: rows/s through all checks and peak memory, local vs Ray, side by side.

    python benchmarks/pipeline_throughput.py [--rows 100000] [--engines local:1 local:2 datasets:2 ray:2]

The input is built from ``../shared/data`` (GSM8K train, MATH train, CMATH, TAL-SCQ), topped up
to ``--rows`` with perturbed copies: numbers scaled by the same factor in problem and answer (a
new problem), a sentence added (a near duplicate), spacing changed (an exact duplicate after
normalization). Every 25th GSM8K problem also goes into an evaluation set to decontaminate
against. Each engine then builds the same input in a fresh subprocess, timed around
``pipeline.build.build`` (engine start-up included, interpreter start-up not).

Memory, per run: the build process's own peak RSS (``ru_maxrss``, exact), and the peak of the
summed PSS (``/proc/PID/smaps_rollup``, polled every second) of its whole process tree: pool
workers, or Ray's raylet, GCS, agents and workers. PSS shares a page among the processes that map
it, so the tree figure does not count shared libraries and shared memory twice.

CPU time, per run: the build process's and that of the subprocesses it reaped (the local pool's
workers; Ray's processes are not all counted), so "rows per CPU s" is what the machine can do
when nothing else runs: with 2 workers on 2 idle cores, rows/s tends to twice that figure less
the driver's share.

Nothing is asserted about time; ratios are against the first engine given (``local:1`` by
default), measured in the same run, and against the 2,000 rows/s target. ``--rows 1000000`` shows
whether memory stays bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
SOURCES = {  # name: (file under DATA, recipe, problem field)
    "gsm8k": ("gsm8k/train.jsonl", "gsm8k", "question"),
    "math": ("math/train.jsonl", "math", "problem"),
    "cmath": ("zh/cmath_dev_shared.jsonl", "cmath", "input"),
    "tal-scq": ("zh/tal_scq5k_cn_train_1k.jsonl", "tal-scq", "problem"),
}
EVAL_EVERY = 25
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
TARGET = 2_000  # rows/s on 2 cores, the target
POLL_S = 1.0  # a poll reads ~15 smaps_rollup files: ~30-50 ms of CPU


# ------------------------------------------------------------------------------------------------
# The input
# ------------------------------------------------------------------------------------------------
def _scale(text: str, k: int) -> str:
    """Every number in ``text`` times ``k`` (thousands separators dropped)."""
    return NUMBER.sub(lambda m: format(Decimal(m.group().replace(",", "")) * k, "f"), text)


def _scaled(name: str, row: dict, k: int) -> dict:
    """A new problem: the numbers of problem, solution and answer all scaled by ``k``."""
    if name == "tal-scq":
        options = [
            [{**o, "content": _scale(o["content"], k)} for o in item]
            if isinstance(item, list)
            else {**item, "content": _scale(item["content"], k)}
            for item in row["answer_option_list"]
        ]
        return {**row, "problem": _scale(row["problem"], k), "answer_option_list": options}
    fields = {"gsm8k": ("question", "answer"), "math": ("problem", "solution", "answer"), "cmath": ("input", "golden")}[
        name
    ]
    return {**row, **{f: _scale(row[f], k) for f in fields if isinstance(row.get(f), str)}}


def _variant(name: str, row: dict, k: int, rng: random.Random) -> dict:
    """A perturbed copy of ``row``: scaled (70%), reworded (20%) or respaced (10%)."""
    field = SOURCES[name][2]
    draw = rng.random()
    if draw < 0.1:
        return {**row, field: row[field].replace(" ", "  ", 1) + " "}
    if draw < 0.3:
        extra = "请写出解题过程。" if name in ("cmath", "tal-scq") else " Explain your reasoning."
        return {**row, field: row[field] + extra}
    return _scaled(name, row, k)


def _originals() -> dict[str, list[dict]]:
    if not DATA.is_dir():
        sys.exit(f"needs the shared exercise data at {DATA}")
    return {
        name: [json.loads(line) for line in (DATA / file).read_text(encoding="utf-8").splitlines()]
        for name, (file, _, _) in SOURCES.items()
    }


def _rows(originals: dict[str, list[dict]], total: int) -> Iterator[tuple[str, dict]]:
    """``total`` rows: the originals, then rounds of copies (round r scales by r + 1)."""
    rng = random.Random(20240601)
    flat = [(name, row) for name, rows in originals.items() for row in rows]
    produced, r = 0, 0
    while produced < total:
        for name, row in flat:
            if produced == total:
                return
            yield name, row if r == 0 else _variant(name, row, r + 1, rng)
            produced += 1
        r += 1


def write_input(folder: Path, total: int) -> tuple[list[tuple[str, str]], str]:
    """The sources (path, recipe) and the evaluation set for a ``total``-row build."""
    originals = _originals()
    files = {name: (folder / f"{name}.jsonl").open("w", encoding="utf-8") for name in SOURCES}
    for name, row in _rows(originals, total):
        files[name].write(json.dumps(row, ensure_ascii=False) + "\n")
    for handle in files.values():
        handle.close()
    evalset = folder / "eval.jsonl"
    evalset.write_text("".join(json.dumps(row) + "\n" for row in originals["gsm8k"][::EVAL_EVERY]))
    return [(str(folder / f"{name}.jsonl"), recipe) for name, (_, recipe, _) in SOURCES.items()], str(evalset)


# ------------------------------------------------------------------------------------------------
# One build per subprocess, and its memory
# ------------------------------------------------------------------------------------------------
def _child(spec: dict) -> None:
    """Run in the subprocess: one build, its figures as a JSON line on stdout."""
    sys.path.insert(0, str(REPO))
    from pipeline.build import BuildConfig, SourceSpec, build

    config = BuildConfig(
        sources=[SourceSpec(path, recipe) for path, recipe in spec["sources"]],
        out=spec["out"],
        decontaminate=[spec["eval"]],
        test_fraction=0.05,
        engine=spec["engine"],
        workers=spec["workers"],
    )
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    manifest = build(config, progress=False)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": _cpu_seconds() - cpu_start,
                "counts": manifest["counts"],
                "files": manifest["files"],
                "driver_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


def _cpu_seconds() -> float:
    """CPU time of this process and of the subprocesses it has reaped (pool workers)."""
    return sum(
        r.ru_utime + r.ru_stime
        for r in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants, from ``/proc/*/stat``."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def run_one(engine: str, workers: int, sources: list, evalset: str, out: Path) -> dict:
    """One build in a fresh subprocess, polling its process tree's PSS."""
    spec = {"engine": engine, "workers": workers, "sources": sources, "eval": evalset, "out": str(out)}
    child = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(spec)], stdout=subprocess.PIPE, text=True)
    peak = 0
    while child.poll() is None:
        peak = max(peak, sum(_pss_kib(pid) for pid in _tree(child.pid)))
        time.sleep(POLL_S)
    stdout = child.stdout.read()
    if child.returncode:
        sys.exit(f"{engine}:{workers} failed with exit status {child.returncode}")
    return {**json.loads(stdout.strip().splitlines()[-1]), "tree_pss_kib": peak}


# ------------------------------------------------------------------------------------------------
# The report
# ------------------------------------------------------------------------------------------------
def _table(runs: dict[str, dict]) -> str:
    """Metrics as rows, engines as columns; ratios against the first engine."""
    ref = next(iter(runs.values()))
    reasons = sorted({r for run in runs.values() for r in run["counts"]["rejected"]})
    lines: list[tuple[str, Callable[[dict], str]]] = [
        ("rows read", lambda r: f"{r['counts']['read']:,}"),
        ("seconds", lambda r: f"{r['seconds']:.1f}"),
        ("rows/s", lambda r: f"{r['counts']['read'] / r['seconds']:,.0f}"),
        ("speed vs ref", lambda r: f"{ref['seconds'] / r['seconds']:.2f}x"),
        (f"rows/s vs {TARGET:,} target", lambda r: f"{r['counts']['read'] / r['seconds'] / TARGET:.2f}x"),
        ("CPU s (build + reaped)", lambda r: f"{r['cpu_seconds']:.1f}"),
        ("rows per CPU s", lambda r: f"{r['counts']['read'] / r['cpu_seconds']:,.0f}"),
        ("driver peak RSS MiB", lambda r: f"{r['driver_rss_kib'] / 1024:,.0f}"),
        ("tree peak PSS MiB", lambda r: f"{r['tree_pss_kib'] / 1024:,.0f}"),
        ("tree PSS vs ref", lambda r: f"{r['tree_pss_kib'] / ref['tree_pss_kib']:.2f}x"),
        ("kept", lambda r: f"{r['counts']['kept']:,}"),
        *[
            (f"rejected: {reason}", lambda r, reason=reason: f"{r['counts']['rejected'].get(reason, 0):,}")
            for reason in reasons
        ],
        ("same files as ref", lambda r: "yes" if r["files"] == ref["files"] else "NO"),
    ]
    left, width = max(len(label) for label, _ in lines), max(12, *(len(name) for name in runs))
    rows = [" " * left + "".join(f"{name:>{width + 2}}" for name in runs)]
    rows += [
        f"{label:<{left}}" + "".join(f"{cell(run):>{width + 2}}" for run in runs.values()) for label, cell in lines
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the input (default 100000)")
    parser.add_argument(
        "--engines",
        nargs="+",
        default=["local:1", "local:2", "datasets:2", "ray:2"],
        help="ENGINE:WORKERS, the first being the reference (default local:1 local:2 datasets:2 ray:2)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(json.loads(args.child))
    engines = [(e.split(":")[0], int(e.split(":")[1]) if ":" in e else 1) for e in args.engines]
    with tempfile.TemporaryDirectory(prefix="answerkey-bench-") as tmp:
        start = time.perf_counter()
        sources, evalset = write_input(Path(tmp), args.rows)
        print(
            f"input: {args.rows:,} rows from {DATA} in {time.perf_counter() - start:.1f}s; "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
            flush=True,
        )
        runs = {}
        for engine, workers in engines:
            name = f"{engine}:{workers}"
            runs[name] = run_one(engine, workers, sources, evalset, Path(tmp) / f"out-{engine}-{workers}")
            print(f"{name}: {runs[name]['counts']['read'] / runs[name]['seconds']:,.0f} rows/s", flush=True)
    print()
    print(_table(runs))


if __name__ == "__main__":
    main()
