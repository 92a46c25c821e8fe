"""The map step's results, cached on disk so that a build killed and run again resumes.

``MapCache.wrap(mapper)`` is a mapper like the engines' (``mapper(fn, jobs) -> fn(job) for each
job, in order``): it cuts the jobs into segments of ``SEGMENT`` consecutive jobs and, for each,
either loads the segment's results from ``OUT/.cache/map/KEY.pkl`` or has the engine map it and,
once the segment is complete, writes that file atomically (``atomic.py``). The build's reduce
still sees every row, in input order, so its state (duplicates, contamination, counts) is rebuilt
exactly and a resumed build writes the same bytes as a clean one.

A segment's ``KEY`` is a sha256 of everything its results depend on: the cache format, the
answerkey version and the source of the packages the map step runs (``pipeline``, ``verifiers``:
an upgrade or an edit invalidates the cache), the mapped function, and each job's content (its
origin, raw row, recipe, column mapping and the map settings: timeout, test fraction, near-dup
threshold, n-gram size). A changed input row or setting therefore never reuses a stale segment.

Format: ``MAGIC``, the sha256 of the payload, then the payload, a pickle of the segment's list of
``Mapped`` (our own dataclasses, dicts, tuples, bytes). Pickle is acceptable here because the cache
is written by this code in the user's own output folder, and the checksum is verified before
unpickling; a file that is truncated, corrupt, of another length or unreadable is ignored and its
segment mapped again. Memory stays bounded: segments stream through one at a time, and jobs are
read ahead of the results only as far as the engine reads them, plus at most one cached segment.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from .atomic import atomic_write_bytes, remove_temps
from .mapping import MapJob, Mapped
from .version import answerkey_version

CACHE = ".cache"
SEGMENT = 5_000  # jobs per cached segment: the most work a kill can lose
FORMAT = 1  # bump when the file layout or the Mapped dataclasses change
MAGIC = b"answerkey-map-cache\n"
_DIGEST = 32
_log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 of the answerkey version and the source files of the packages the map step runs."""
    import pipeline
    import verifiers

    digest = hashlib.sha256(f"{FORMAT}\0{answerkey_version()}\0".encode())
    for package in (pipeline, verifiers):
        assert package.__file__ is not None  # regular packages (with __init__.py), not namespace ones
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{path.relative_to(root.parent).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _job_text(job) -> str:
    """A job's content as text for the segment key (rows as JSON in their own key order)."""
    if isinstance(job, MapJob):
        content = ["job", job.origin, job.row, job.recipe, job.mapping, asdict(job.settings)]
    elif isinstance(job, Mapped) and job.rejection is not None:
        content = ["rejected", asdict(job.rejection)]
    else:
        content = ["other", repr(job)]
    return json.dumps(content, ensure_ascii=False, default=repr)


@dataclass
class _Segment:
    key: str
    size: int
    results: list | None = None  # loaded from the cache; None: the engine maps it


@dataclass
class MapCache:
    """Segments of map results under ``folder``; ``reused``/``mapped`` count rows and segments."""

    folder: Path
    segment: int = 0  # 0: ``SEGMENT`` as it is when a mapper is wrapped
    on_resume: Callable[[int], None] | None = None
    reused_rows: int = 0
    reused_segments: int = 0
    written_segments: int = 0
    mapped_rows: int = 0

    def __post_init__(self):
        self.folder = Path(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_temps(self.folder)  # left by a write a kill interrupted

    def wrap(self, mapper: Callable[[Callable, Iterable], Iterator]) -> Callable[[Callable, Iterable], Iterator]:
        return lambda fn, jobs: self._map(mapper, fn, jobs)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pkl"

    def _key(self, fn: Callable, jobs: list) -> str:
        name = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"
        digest = hashlib.sha256(f"{code_fingerprint()}\0{name}\0{len(jobs)}\0".encode())
        for job in jobs:
            text = _job_text(job).encode("utf-8")
            digest.update(len(text).to_bytes(8, "big"))
            digest.update(text)
        return digest.hexdigest()

    def load(self, key: str, size: int) -> list | None:
        """A segment's results, or None when there is no valid file for it."""
        try:
            data = self.path(key).read_bytes()
        except OSError:
            return None
        head, payload = data[: len(MAGIC) + _DIGEST], data[len(MAGIC) + _DIGEST :]
        if head != MAGIC + hashlib.sha256(payload).digest():
            _log.warning("map cache: ignoring corrupt %s", self.path(key).name)
            return None
        try:
            results = pickle.loads(payload)
        except Exception:
            return None
        if not isinstance(results, list) or len(results) != size or not all(isinstance(r, Mapped) for r in results):
            return None
        return results

    def save(self, key: str, results: list) -> None:
        payload = pickle.dumps(results, pickle.HIGHEST_PROTOCOL)
        atomic_write_bytes(self.path(key), MAGIC + hashlib.sha256(payload).digest() + payload)
        self.written_segments += 1

    def _map(self, mapper: Callable, fn: Callable, jobs: Iterable) -> Iterator:
        """``fn`` over ``jobs`` in order: cached segments loaded, the others mapped by ``mapper``.

        Uncached segments' jobs go to the engine through one stream (``feed``), so it keeps its
        read-ahead across segments; the stream ends when it meets a cached segment (so that no
        more than one loaded segment waits in memory), and a new one starts after it."""
        jobs = iter(jobs)
        size = self.segment or SEGMENT
        plan: deque[_Segment] = deque()  # segments read, in order, not yet yielded
        feed: deque = deque()  # jobs of uncached segments, not yet given to the engine

        def read_segment() -> _Segment | None:
            chunk = list(islice(jobs, size))
            if not chunk:
                return None
            key = self._key(fn, chunk)
            entry = _Segment(key, len(chunk), self.load(key, len(chunk)))
            if entry.results is None:
                feed.extend(chunk)
            else:
                self.reused_rows += entry.size
                self.reused_segments += 1
                if self.on_resume:
                    self.on_resume(self.reused_rows)
            plan.append(entry)
            return entry

        def stream() -> Iterator:
            while True:
                while feed:
                    yield feed.popleft()
                entry = read_segment()
                if entry is None or entry.results is not None:
                    return

        results: Iterator | None = None
        while plan or read_segment():
            entry = plan.popleft()
            if entry.results is not None:
                yield from entry.results
                continue
            done: list = []
            fresh = False
            while len(done) < entry.size:
                if results is None:
                    results, fresh = mapper(fn, stream()), True
                try:
                    done.append(next(results))
                    fresh = False
                except StopIteration:
                    if fresh:
                        raise AssertionError("the engine returned fewer results than jobs") from None
                    results = None  # the stream ended at a cached segment; the next one starts
            self.save(entry.key, done)  # before the reduce sees (and may change) the results
            self.mapped_rows += entry.size
            yield from done
        if results is not None:
            for _ in results:
                raise AssertionError("the engine returned more results than jobs")


def remove_cache(out: Path) -> None:
    """Remove ``OUT/.cache`` (after a build has been published)."""
    shutil.rmtree(Path(out) / CACHE, ignore_errors=True)
