"""Where the per-row map step runs: in this process, a local process pool, or (later) Ray.

An engine is a context manager yielding ``mapper(fn, jobs) -> iterator of fn(job)`` that keeps
the input order, so the build's reduce (duplicates, counts) sees rows as a single process would
and the output is the same whatever the engine.
"""
from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

Mapper = Callable[[Callable, Iterable], Iterator]
ENGINES = ("local",)
CHUNK = 64


@contextmanager
def local_engine(workers: int) -> Iterator[Mapper]:
    """``workers`` processes (spawned, so safe beside threads); 1 means in this process."""
    if workers <= 1:
        yield map
        return
    pool = mp.get_context("spawn").Pool(workers)
    try:
        yield lambda fn, jobs: pool.imap(fn, jobs, chunksize=CHUNK)
    finally:
        pool.terminate()
        pool.join()


def engine(name: str, workers: int):
    """The engine context manager for a name in ENGINES."""
    if name == "local":
        return local_engine(workers)
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")
