"""Where the per-row map step runs: in this process, a local process pool, Hugging Face
``datasets`` (``Dataset.map`` with ``num_proc``), or Ray Data.

An engine is a context manager yielding ``mapper(fn, jobs) -> iterator of fn(job)`` that keeps
the input order, so the build's reduce (duplicates, counts) sees rows as a single process would
and the output is the same whatever the engine.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import pickle
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

Mapper = Callable[[Callable, Iterable], Iterator]
ENGINES = ("local", "datasets", "ray")
CHUNK = 64  # jobs per task sent to a local pool worker
CHUNKS_AHEAD = 4  # chunks in flight per local worker: bounds what is read ahead of the reduce
RAY_WINDOW = 5_000  # jobs handed to Ray Data at a time: bounds the driver's memory
RAY_BLOCK = 500  # jobs per Ray Data block (one task each)
RAY_AHEAD = 2  # windows running on Ray while the driver consumes another
DATASETS_WINDOW = 20_000  # jobs per Dataset.map call: bounds the driver's memory
DATASETS_BATCH = 500  # jobs per batch handed to a datasets worker


@contextmanager
def local_engine(workers: int) -> Iterator[Mapper]:
    """``workers`` processes (spawned, so safe beside threads); 1 means in this process."""
    if workers <= 1:
        yield map
        return
    pool = mp.get_context("spawn").Pool(workers)
    try:
        yield partial(_pool_map, pool, workers * CHUNKS_AHEAD)
    finally:
        pool.terminate()
        pool.join()


def _pool_map(pool: Pool, ahead: int, fn: Callable, jobs: Iterable) -> Iterator:
    """``fn`` over ``jobs`` on ``pool``, in order, with at most ``ahead`` chunks of ``CHUNK``
    jobs in flight: unlike ``Pool.imap``, which reads all its input at once, the input is read
    only as fast as results are consumed, so memory stays bounded however long it is."""
    jobs = iter(jobs)
    running: deque[AsyncResult] = deque()
    while chunk := list(islice(jobs, CHUNK)):
        running.append(pool.apply_async(_map_chunk, (fn, chunk)))
        if len(running) > ahead:
            yield from running.popleft().get()
    while running:
        yield from running.popleft().get()


def _map_chunk(fn: Callable, chunk: list) -> list:
    return [fn(job) for job in chunk]


@contextmanager
def datasets_engine(workers: int) -> Iterator[Mapper]:
    """Hugging Face ``datasets``: ``Dataset.map(num_proc=workers)`` over windows of jobs, with
    its progress bars and cache files off for the duration."""
    import datasets

    bars, caching = datasets.is_progress_bar_enabled(), datasets.is_caching_enabled()
    datasets.disable_progress_bars()
    datasets.disable_caching()
    try:
        yield partial(_datasets_map, workers)
    finally:
        if bars:
            datasets.enable_progress_bars()
        if caching:
            datasets.enable_caching()


def _datasets_map(workers: int, fn: Callable, jobs: Iterable) -> Iterator:
    """``fn`` over ``jobs`` through ``Dataset.map``, a window at a time, in order."""
    import datasets

    jobs = iter(jobs)
    while window := list(islice(jobs, DATASETS_WINDOW)):
        table = datasets.Dataset.from_dict({"job": [pickle.dumps(job, pickle.HIGHEST_PROTOCOL) for job in window]})
        mapped = table.map(
            partial(_apply_columns, fn),
            batched=True,
            batch_size=DATASETS_BATCH,
            num_proc=workers if workers > 1 else None,
            remove_columns=["job"],
        )
        for blob in mapped["result"]:
            yield _unpickled(blob)


def _apply_columns(fn: Callable, batch: dict) -> dict:
    """The batch function run by ``Dataset.map``: ``fn`` on each pickled job of a batch."""
    return {"result": _apply_blobs(fn, batch["job"])}


@contextmanager
def ray_engine(workers: int) -> Iterator[Mapper]:
    """Ray Data on the cluster at ``RAY_ADDRESS``, or on a local instance of ``workers`` CPUs
    started here (and shut down on exit). An already initialized Ray is used as it is."""
    import ray
    from ray.data import DataContext

    started = not ray.is_initialized()
    if started:
        where = (
            {"address": os.environ["RAY_ADDRESS"]} if os.environ.get("RAY_ADDRESS") else {"num_cpus": max(1, workers)}
        )
        ray.init(**where, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    context = DataContext.get_current()
    saved = (context.execution_options.preserve_order, context.enable_progress_bars, context.print_on_execution_start)
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    data_logger = logging.getLogger("ray.data")
    level = data_logger.level
    data_logger.setLevel(logging.ERROR)
    try:
        yield _ray_map
    finally:
        data_logger.setLevel(level)
        (context.execution_options.preserve_order, context.enable_progress_bars, context.print_on_execution_start) = (
            saved
        )
        if started:
            ray.shutdown()


def _ray_map(fn: Callable, jobs: Iterable) -> Iterator:
    """``fn`` over ``jobs`` on Ray Data, a window at a time, in order. ``RAY_AHEAD`` windows run
    while the driver consumes the results of the one before, so Ray is never idle between
    windows and at most ``RAY_AHEAD + 1`` windows are held at once."""
    jobs = iter(jobs)
    with ThreadPoolExecutor(RAY_AHEAD, thread_name_prefix="ray-window") as runner:
        running: deque[Future] = deque()
        while window := list(islice(jobs, RAY_WINDOW)):
            running.append(runner.submit(_run_window, fn, window))
            if len(running) > RAY_AHEAD:
                yield from _results(running.popleft())
        while running:
            yield from _results(running.popleft())


def _results(window: Future) -> Iterator:
    """A window's results; an exception ``fn`` raised is raised again in its turn."""
    for blob in window.result():
        yield _unpickled(blob)


def _unpickled(blob: bytes):
    """A result sent back pickled; an exception ``fn`` raised is raised again here."""
    result = pickle.loads(blob)
    if isinstance(result, _Raised):
        raise result.error
    return result


def _run_window(fn: Callable, window: list) -> list:
    """One window through ``map_batches``; jobs and results travel pickled, so any picklable
    value (dataclasses, numpy arrays) comes back exactly as ``fn`` returned it."""
    import ray.data

    items = [{"job": pickle.dumps(job, pickle.HIGHEST_PROTOCOL)} for job in window]
    blocks = -(-len(items) // RAY_BLOCK)
    dataset = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
        partial(_apply, fn), batch_size=None, batch_format="pyarrow"
    )
    # With batch_format="pyarrow" each batch is a pyarrow.Table (pyarrow has no type hints: Any).
    tables: Iterable[Any] = dataset.iter_batches(batch_size=None, batch_format="pyarrow")
    return [blob for table in tables for blob in table.column("result").to_pylist()]


@dataclass(frozen=True)
class _Raised:
    """What ``fn`` raised on a worker (Ray and datasets would only pass on the message)."""

    error: Exception


def _apply(fn: Callable, batch) -> dict:
    """The batch function run by Ray: ``fn`` on each pickled job of an Arrow batch."""
    return {"result": _apply_blobs(fn, batch.column("job").to_pylist())}


def _apply_blobs(fn: Callable, blobs: list[bytes]) -> list[bytes]:
    """``fn`` on each pickled job; results (or what ``fn`` raised) pickled back."""
    return [pickle.dumps(_call(fn, pickle.loads(blob)), pickle.HIGHEST_PROTOCOL) for blob in blobs]


def _call(fn: Callable, job):
    try:
        return fn(job)
    except Exception as exc:
        exc.add_note(f"raised on a worker:\n{traceback.format_exc()}")
        return _Raised(exc)


def engine(name: str, workers: int):
    """The engine context manager for a name in ENGINES."""
    if name == "local":
        return local_engine(workers)
    if name == "datasets":
        return datasets_engine(workers)
    if name == "ray":
        return ray_engine(workers)
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")
