"""``build``: sources -> exercises -> checks -> a versioned dataset folder, with every row accounted for.

The output folder holds ``data/`` shards, ``README.md`` (dataset card), ``manifest.json``,
``rejected.jsonl`` (each rejected row with its reason) and ``duplicates.jsonl`` (which kept task
each duplicate matched, with both keys; each conflict between keys, with both rows and the
decision). Everything is written into ``.partial/`` first and moved into place at the end,
each file atomically. The map step's results are cached in ``OUT/.cache/map/`` a segment at a
time (``mapcache.py``): a build killed at any point and run again maps only the segments it had not
finished, runs the reduce over every row again and, being deterministic, writes byte-identical
files. A published build removes the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from .contamination import Decontaminator
from .duplicates import CONFLICT, Candidate, Deduplicator
from .engines import ENGINES, engine
from .export import FORMATS, write_dataset
from .mapcache import CACHE, MapCache, remove_cache
from .mapping import MapJob, Mapped, MapSettings, map_item
from .publish import PARTIAL, publish, split_counts
from .recipes import MAPPING, RECIPES, detect_recipe, get_recipe, recipe_for_file
from .schema import SCHEMA_VERSION, Rejection, RowError, to_json
from .source_check import SourceTally
from .sources import read_rows
from .version import answerkey_version

_log = logging.getLogger(__name__)
SPOOL = "tasks.spool"  # in .partial/: the tasks that passed the reduce, until no conflict can withdraw them


@dataclass
class SourceSpec:
    """One input: a path (or ``hf:NAME``), its recipe and optional column mapping / overrides.

    ``mapping`` holds the recipe's options: columns (``problem_col``, ...) and the ``source``,
    ``license`` and ``lang`` overrides. ``rows`` lets a caller hand rows it already holds
    (annotations pulled from Argilla) through the same door: ``path`` then only names them in
    origins (``NAME:row N``).
    """

    path: str
    recipe: str = "auto"
    mapping: dict = field(default_factory=dict)
    rows: list[dict] | None = field(default=None, repr=False)

    def resolved_recipe(self) -> str:
        """The recipe to read with: ``generic`` under ``auto`` with a column mapping, the one a
        file's name gives away (``mgsm_en.tsv``), else as given (``auto``: per row)."""
        if self.recipe != "auto":
            return self.recipe
        if set(self.mapping) & set(MAPPING):
            return "generic"
        return recipe_for_file(self.path) or "auto"

    def read(self) -> Iterator:
        """(origin, row) pairs and rejections, from the file or from ``rows``."""
        if self.rows is None:
            return read_rows(self.path, columns=RECIPES[self.resolved_recipe()].columns)
        return ((f"{self.path}:row {i}", row) for i, row in enumerate(self.rows))


@dataclass
class BuildConfig:
    """Everything a build depends on; recorded in the manifest."""

    sources: list[SourceSpec]
    out: str
    format: str = "answerkey"
    decontaminate: list[str] = field(default_factory=list)
    test_fraction: float = 0.0
    near_duplicate_threshold: float = 0.85
    keep_near_duplicates_with_different_answers: bool = True
    ngram: int = 8  # words per decontamination passage (spaced scripts)
    cjk_ngram: int = 10  # characters per decontamination passage (Chinese, Japanese)
    decontamination_coverage: float = 0.5  # share of an eval problem's passages that makes a copy
    timeout: float = 10.0  # seconds per self-check step; generous, so load does not change the outcome
    max_problem_chars: int = 100_000  # longer problems are rejected as too_long
    allow_empty: bool = False  # an empty source file is an error unless this is set
    workers: int = 1
    engine: str = "local"
    name: str = ""

    def validate(self) -> None:
        if not self.sources:
            raise ValueError("no --source given")
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}; expected one of {', '.join(FORMATS)}")
        if not 0.0 <= self.test_fraction <= 1.0:  # 1: every row is a test row (a held-out set built on its own)
            raise ValueError(f"test_fraction must be in [0, 1], got {self.test_fraction}")
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; expected one of {', '.join(ENGINES)}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if not 0.0 < self.near_duplicate_threshold <= 1.0:
            raise ValueError("near_duplicate_threshold must be in (0, 1]")
        if not 0.0 < self.decontamination_coverage <= 1.0:
            raise ValueError(f"decontamination_coverage must be in (0, 1], got {self.decontamination_coverage}")
        if self.ngram < 1 or self.cjk_ngram < 1:
            raise ValueError(f"ngram and cjk_ngram must be at least 1, got {self.ngram} and {self.cjk_ngram}")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, got {self.timeout}")
        if self.max_problem_chars < 1:
            raise ValueError(f"max_problem_chars must be at least 1, got {self.max_problem_chars}")
        for spec in [*self.sources, *[SourceSpec(p) for p in self.decontaminate]]:
            if spec.rows is None and not spec.path.startswith("hf:") and not Path(spec.path).exists():
                raise FileNotFoundError(f"source not found: {spec.path}")


def _eval_problems(path: str) -> Iterator[tuple[str, str]]:
    """(origin, problem) of an evaluation set's rows, as its recipe renders them (the recipe its
    file name gives away, as for ``mgsm_en.tsv``, or the one its first row's columns fit)."""
    spec = SourceSpec(path)
    name = spec.resolved_recipe()
    recipe = None if name == "auto" else get_recipe(name)
    for item in spec.read():
        if isinstance(item, Rejection):
            continue
        origin, row = item
        recipe = recipe or get_recipe(detect_recipe(row))
        try:
            yield origin, recipe.to_exercise(origin, row).problem
        except RowError:
            continue


class _Run:
    """The state of one build: counts, rejections, checks."""

    def __init__(self, config: BuildConfig, partial: Path, progress: bool):
        self.config = config
        self.counts: Counter = Counter()
        self.rejected: Counter = Counter()
        self.per_source: list[dict] = []
        self.partial = partial
        self.dedup = Deduplicator(config.keep_near_duplicates_with_different_answers, config.timeout)
        self.withdrawn: dict[str, dict] = {}  # kept tasks a later conflict withdrew -> its record
        eval_rows = (row for path in config.decontaminate for row in _eval_problems(path))
        self.decon = Decontaminator(eval_rows, config.ngram, config.cjk_ngram, config.decontamination_coverage)
        self.settings = MapSettings(
            config.timeout,
            config.test_fraction,
            config.near_duplicate_threshold,
            config.ngram if config.decontaminate else 0,
            config.max_problem_chars,
            config.cjk_ngram,
        )
        self.rejects = (partial / "rejected.jsonl").open("w", encoding="utf-8")
        self.duplicates = (partial / "duplicates.jsonl").open("w", encoding="utf-8")
        self.bar = tqdm(desc="build", unit="row", disable=not progress)
        self.cache = MapCache(Path(config.out) / CACHE / "map", on_resume=self._resumed)

    def _resumed(self, rows: int) -> None:
        if self.cache.reused_segments == 1:
            _log.info("resuming %s: map results cached by an earlier run are reused", self.config.out)
        self.bar.set_postfix_str(f"resumed {rows:,} rows from cache", refresh=False)

    def reject(self, rejection: Rejection) -> None:
        self.rejected[rejection.reason] += 1
        self.rejects.write(to_json(rejection.to_dict()) + "\n")

    def jobs(self, spec: SourceSpec, stats: dict) -> Iterator[MapJob | Mapped]:
        """Raw rows of one source as map jobs; unreadable rows are rejected on the spot."""
        recipe = spec.resolved_recipe()
        for item in spec.read():
            self.counts["read"] += 1
            stats["read"] += 1
            self.bar.update(1)
            if isinstance(item, Rejection):
                yield Mapped(rejection=item)  # through the mapper, so the reduce sees input order
                continue
            origin, row = item
            if recipe == "auto":
                recipe = detect_recipe(row)
            stats["recipe"] = recipe
            yield MapJob(origin, row, recipe, tuple(sorted(spec.mapping.items())), self.settings)

    def tasks(self, mapper) -> Iterator[dict]:
        """Mapped rows in input order through the reduce (duplicates and conflicts), then the
        survivors, less any task a later row's conflict withdrew and the contaminated ones.

        The survivors wait in a spool file: a conflict can withdraw a task kept earlier, and
        whether a shared evaluation passage is boilerplate is known only once every row was seen."""
        spool_path = self.partial / SPOOL
        per_source = [
            {"path": spec.path, "recipe": spec.recipe, "license": "", "read": 0, "kept": 0}
            for spec in self.config.sources
        ]
        with spool_path.open("wb") as spool:
            for index, spec in enumerate(self.config.sources):
                for task, hits in self._reduce(mapper, spec, per_source[index]):
                    pickle.dump((index, task, hits), spool, protocol=pickle.HIGHEST_PROTOCOL)
        with spool_path.open("rb") as spool:
            for index, task, hits in _unpickled(spool):
                record = self.withdrawn.get(task["id"])
                if record is not None:
                    self._reject_task(task, CONFLICT, record["detail"], record)
                    continue
                contaminated = self.decon.contamination(hits)
                if contaminated:
                    self._reject_task(task, "contaminated", contaminated)
                    continue
                stats = per_source[index]
                stats["kept"] += 1
                stats["license"] = stats["license"] or task["license"]
                self.counts["kept"] += 1
                yield task
        spool_path.unlink()
        for spec, stats in zip(self.config.sources, per_source, strict=True):
            self.per_source.append({**stats, "rows": stats["read"], "sha256": _file_hash(spec.path)})

    def _reduce(self, mapper, spec: SourceSpec, stats: dict) -> Iterator[tuple[dict, tuple[int, ...]]]:
        """One source's tasks that pass the duplicate check so far, with the evaluation passages
        each shares (whether they are boilerplate is known once every row was seen)."""
        tally = SourceTally(spec.path, allow_empty=self.config.allow_empty or spec.rows is not None)
        for mapped in self.cache.wrap(mapper)(map_item, self.jobs(spec, stats)):
            tally.read += 1
            if mapped.rejection is not None:
                tally.row_failed(mapped.failed_field, mapped.rejection)
                self.reject(mapped.rejection)
                continue
            task = mapped.task
            hits = self.decon.hits(mapped.keys.grams)
            origin = json.loads(task["lineage"])["origin"]
            candidate = Candidate(task["id"], origin, task["answer"], task["answer_type"], mapped.facts)
            outcome = self.dedup.check(candidate, mapped.keys)
            if outcome.record is not None:
                self.duplicates.write(to_json(outcome.record) + "\n")
            self.withdrawn.update(outcome.withdraw)
            if outcome.reason is not None:
                self._reject_task(task, outcome.reason, outcome.detail, outcome.record)
                continue
            tally.kept += 1
            yield task, hits
        tally.check()

    def _reject_task(self, task: dict, reason: str, detail: str, record: dict | None = None) -> None:
        """Reject a mapped task; a conflict's rejection carries the record of both rows and keys."""
        origin = json.loads(task["lineage"])["origin"]
        row = {**task, "conflict": record} if reason == CONFLICT else task
        self.reject(Rejection(origin, reason, f"{origin}: {detail}", to_json(row)))

    def close(self) -> None:
        if self.cache.reused_rows:
            _log.info(
                "resumed %d rows (%d segments) from the map cache; mapped %d rows",
                self.cache.reused_rows,
                self.cache.reused_segments,
                self.cache.mapped_rows,
            )
        self.bar.close()
        self.rejects.close()
        self.duplicates.close()


class OutputError(ValueError):
    """A file of the build cannot be written (a full or read-only disk) or read: nothing was published."""


def build(config: BuildConfig, *, progress: bool = True) -> dict:
    """Run a build; returns the manifest (also written to ``OUT/manifest.json``).

    A source-level mistake (``SourceError``) or a disk that refuses the writes (``OutputError``)
    stops the build with one message; the half-written ``.partial/`` is removed, and whatever
    version the folder held stays as it was."""
    config.validate()
    out = Path(config.out)
    partial = out / PARTIAL
    try:
        return _build(config, out, partial, progress)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        where = Path(exc.filename) if exc.filename else out
        verb = "write" if where == out or out in where.parents else "read"
        raise OutputError(f"cannot {verb} {where}: {exc.strerror or exc}; nothing was published in {out}") from exc
    except ValueError:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def _build(config: BuildConfig, out: Path, partial: Path, progress: bool) -> dict:
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    run = _Run(config, partial, progress)
    try:
        with engine(config.engine, config.workers) as mapper:
            files = write_dataset(run.tasks(mapper), partial, config.format)
    finally:
        run.close()
    rejected_total = sum(run.rejected.values())
    if run.counts["read"] != run.counts["kept"] + rejected_total:
        raise AssertionError(f"counts do not reconcile: {dict(run.counts)} vs {dict(run.rejected)}")
    manifest = {
        "name": config.name or out.name,
        "format": config.format,
        "schema_version": SCHEMA_VERSION,
        "answerkey_version": answerkey_version(),
        "counts": {
            "read": run.counts["read"],
            "kept": run.counts["kept"],
            "rejected": dict(sorted(run.rejected.items())),
        },
        "splits": split_counts(files),
        "sources": run.per_source,
        "config": {
            **asdict(config),
            "sources": [{"path": s.path, "recipe": s.recipe, "mapping": s.mapping} for s in config.sources],
        },
        "files": files,
    }
    publish(partial, out, manifest)
    remove_cache(out)
    return manifest


def _unpickled(handle) -> Iterator:
    """The objects pickled one after another into an open file."""
    while True:
        try:
            yield pickle.load(handle)
        except EOFError:
            return


def _file_hash(path: str) -> str | None:
    """sha256 of an input file (None for folders and hub names)."""
    p = Path(path)
    if not p.is_file():
        return None
    digest = hashlib.sha256()
    with p.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_config(path: str | Path) -> BuildConfig:
    """A BuildConfig from a YAML file (keys as BuildConfig; sources as paths or mappings)."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    known = set(BuildConfig.__dataclass_fields__)
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}; expected {sorted(known)}")
    sources = []
    for i, item in enumerate(data.get("sources") or []):
        if isinstance(item, str):
            sources.append(SourceSpec(item))
        elif isinstance(item, dict) and "path" in item:
            sources.append(SourceSpec(str(item["path"]), item.get("recipe", "auto"), dict(item.get("mapping") or {})))
        else:
            raise ValueError(f"{path}: sources[{i}]: expected a path or a mapping with 'path'")
    data["sources"] = sources
    data.setdefault("out", "")
    return BuildConfig(**data)
