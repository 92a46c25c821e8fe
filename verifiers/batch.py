"""``verify_batch``: many verifications in worker processes, each under a hard time bound.

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
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int, pair: Pair, timeout: float) -> None:
        self.index, self.started = index, time.perf_counter()
        answer_type = pair[2] if len(pair) > 2 else None
        self.process.stdin.write(json.dumps([index, pair[0], pair[1], answer_type, timeout]) + "\n")
        self.process.stdin.flush()

    def receive(self) -> tuple[int, Verdict]:
        line = self.process.stdout.readline()
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
            self.process.stdin.close()
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


def verify_batch(
    pairs: Iterable[Pair],
    *,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    memory_mb: int = 2048,
) -> list[Verdict]:
    """Verify (prediction, gold[, answer_type]) pairs in worker processes; results in input order."""
    items = _validated(pairs)
    if not items:
        return []
    count = max(1, min(workers or os.cpu_count() or 1, len(items)))
    show = progress if progress is not None else len(items) >= PROGRESS_THRESHOLD
    results: list[Verdict | None] = [None] * len(items)
    queue: Iterator = iter(enumerate(items))
    pool = [_Worker(memory_mb) for _ in range(count)]
    bar = tqdm(total=len(items), disable=not show, desc="verify", unit="pair")
    try:
        for worker in pool:
            _feed(worker, queue, timeout)
        while any(w.index is not None for w in pool):
            busy = [w for w in pool if w.index is not None]
            ready = wait([w.process.stdout for w in busy], timeout=0.05)
            for k, worker in enumerate(pool):
                if worker.index is None:
                    continue
                waited = time.perf_counter() - worker.started
                if worker.process.stdout in ready:
                    try:
                        index, verdict = worker.receive()
                    except (EOFError, ValueError, OSError) as exc:
                        index = worker.index
                        verdict = Verdict(False, "none", None, ("", ""), f"worker died: {exc}", "error")
                        worker.kill()
                        pool[k] = worker = _Worker(memory_mb)
                elif waited > timeout + GRACE_SECONDS:
                    index = worker.index
                    verdict = Verdict(
                        False, "none", None, ("", ""), f"worker killed after {waited:.1f}s", "timeout", waited * 1000
                    )
                    worker.kill()
                    pool[k] = worker = _Worker(memory_mb)
                else:
                    continue
                results[index] = verdict
                worker.index = None
                bar.update(1)
                _feed(worker, queue, timeout)
    finally:
        bar.close()
        for worker in pool:
            worker.stop()
    return results  # type: ignore[return-value]  # every index was filled above


def _feed(worker: _Worker, queue: Iterator, timeout: float) -> None:
    nxt = next(queue, None)
    if nxt is not None:
        worker.give(nxt[0], nxt[1], timeout)
