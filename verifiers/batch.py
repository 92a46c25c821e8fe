"""``verify_batch`` and ``VerifierPool``: many verifications in worker processes, each under a hard time bound.

Each item runs under ``verify``'s own cooperative deadline; on top of that, a worker that has
not answered ``grace`` seconds after the deadline is killed and replaced, and its item gets
``status="timeout"``. Workers run under an address-space limit, so a runaway allocation becomes
a ``MemoryError`` (an ``error`` verdict) instead of taking the machine down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.connection import wait

from tqdm import tqdm

from .verdict import Verdict
from .verify import ANSWER_TYPES, DEFAULT_TIMEOUT

Pair = Sequence[str | None]  # (prediction, gold) or (prediction, gold, answer_type)
PROGRESS_THRESHOLD = 1_000
GRACE_SECONDS = 1.0
READY = "ready"  # what a worker (verifiers/worker.py) says once it can take items
STARTUP_SECONDS = 120.0  # a fresh worker imports sympy before it is ready: seconds on a busy machine


class _Worker:
    """One worker process and the item it is working on."""

    def __init__(self, memory_mb: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "verifiers.worker", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None  # both opened as pipes above
        self.stdin, self.stdout = stdin, stdout
        self.index: int | None = None
        self.started = time.perf_counter()
        self.ready = False  # it has said it is ready; items are handed to ready workers only

    def give(self, index: int, pair: Pair, timeout: float) -> None:
        self.index, self.started = index, time.perf_counter()
        answer_type = pair[2] if len(pair) > 2 else None
        self.stdin.write(json.dumps([index, pair[0], pair[1], answer_type, timeout]) + "\n")
        self.stdin.flush()

    def await_ready(self) -> None:
        """Read the worker's ready line (it has nothing else to say before it gets an item)."""
        line = self.stdout.readline()
        if line.strip() != READY:
            raise RuntimeError(f"a verifier worker did not start: {line.strip() or 'it exited'}")
        self.ready = True

    def overdue(self, timeout: float) -> float | None:
        """Seconds charged so far when past the item's bound (or the start-up allowance); else None."""
        waited = time.perf_counter() - self.started
        return waited if waited > (timeout + GRACE_SECONDS if self.ready else STARTUP_SECONDS) else None

    def receive(self) -> tuple[int, Verdict]:
        line = self.stdout.readline()
        if not line:
            raise EOFError("worker exited")
        index, data = json.loads(line)
        data["normalized"] = tuple(data["normalized"])
        return index, Verdict(**data)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        try:
            self.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()


def _validated(pairs: Iterable[Pair]) -> list[tuple]:
    items = [tuple(p) for p in pairs]
    for i, pair in enumerate(items):
        if len(pair) not in (2, 3) or not all(isinstance(x, str) for x in pair[:2]):
            raise ValueError(f"pair {i}: expected (prediction, gold[, answer_type]) strings, got {pair!r:.80}")
        if len(pair) == 3 and pair[2] is not None and pair[2] not in ANSWER_TYPES:
            raise ValueError(f"pair {i}: unknown answer_type {pair[2]!r}")
    return items


class VerifierPool:
    """Worker processes that outlive one batch: start once, verify many batches, ``close`` at the end.

    What a trainer wants for its reward: a step's completions verified in parallel with the hard
    per-item bound, without paying a worker's start-up (importing sympy) at every step.
    """

    def __init__(self, workers: int | None = None, memory_mb: int = 2048):
        self.size = max(1, workers or os.cpu_count() or 1)
        self.memory_mb = memory_mb
        self.workers: list[_Worker] = []  # started on first use, as many as a batch needs

    def verify(
        self, pairs: Iterable[Pair], *, timeout: float = DEFAULT_TIMEOUT, progress: bool | None = None
    ) -> list[Verdict]:
        """Verify (prediction, gold[, answer_type]) pairs; results in input order.

        A worker gets an item only once it has said it is ready, so its start-up (importing sympy)
        is never charged to an item; a worker that does not start within ``STARTUP_SECONDS`` is an
        error. Each item's clock runs from the moment it is handed over.
        """
        items = _validated(pairs)
        if not items:
            return []
        while len(self.workers) < min(self.size, len(items)):
            self.workers.append(_Worker(self.memory_mb))
        pool = self.workers[: len(items)]
        show = progress if progress is not None else len(items) >= PROGRESS_THRESHOLD
        results: list[Verdict | None] = [None] * len(items)
        queue: Iterator = iter(enumerate(items))
        done = 0
        with tqdm(total=len(items), disable=not show, desc="verify", unit="pair") as bar:
            for worker in pool:
                if worker.ready:
                    _feed(worker, queue, timeout)
            while done < len(items):
                watched = [w for w in pool if w.index is not None or not w.ready]
                readable = wait([w.stdout.fileno() for w in watched], timeout=0.05)
                for k, worker in enumerate(pool):
                    if not worker.ready:
                        if worker.stdout.fileno() in readable:
                            worker.await_ready()
                            _feed(worker, queue, timeout)
                        elif worker.overdue(timeout) is not None:
                            raise RuntimeError(f"a verifier worker did not start within {STARTUP_SECONDS:.0f} s")
                        continue
                    given = worker.index
                    if given is None:
                        continue
                    waited = worker.overdue(timeout)
                    if worker.stdout.fileno() in readable:
                        try:
                            index, verdict = worker.receive()
                        except (EOFError, ValueError, OSError) as exc:
                            index = given
                            verdict = Verdict(False, "none", None, ("", ""), f"worker died: {exc}", "error")
                            pool[k] = worker = self._replace(worker)
                    elif waited is not None:
                        index = given
                        verdict = Verdict(
                            False, "none", None, ("", ""), f"worker killed after {waited:.1f}s", "timeout",
                            waited * 1000,
                        )  # fmt: skip
                        pool[k] = worker = self._replace(worker)
                    else:
                        continue
                    results[index] = verdict
                    done += 1
                    worker.index = None
                    bar.update(1)
                    if worker.ready:
                        _feed(worker, queue, timeout)
        return results  # type: ignore[return-value]  # every index was filled above

    def _replace(self, worker: _Worker) -> _Worker:
        """Kill ``worker`` and put a fresh one in its place."""
        worker.kill()
        fresh = _Worker(self.memory_mb)
        self.workers[self.workers.index(worker)] = fresh
        return fresh

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []

    def __enter__(self) -> VerifierPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def verify_batch(
    pairs: Iterable[Pair],
    *,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    memory_mb: int = 2048,
) -> list[Verdict]:
    """Verify (prediction, gold[, answer_type]) pairs in worker processes; results in input order."""
    items = list(pairs)
    with VerifierPool(min(workers or os.cpu_count() or 1, max(1, len(items))), memory_mb) as pool:
        return pool.verify(items, timeout=timeout, progress=progress)


def _feed(worker: _Worker, queue: Iterator, timeout: float) -> None:
    nxt = next(queue, None)
    if nxt is not None:
        worker.give(nxt[0], nxt[1], timeout)
