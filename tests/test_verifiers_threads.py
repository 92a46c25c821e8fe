"""verify() from many threads at once: same answers as sequentially, no exceptions, no signals."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import STATUSES, describe

from verifiers import verify

# A generous bound for the ordinary pairs: this file tests thread safety, not speed, and eight
# threads share one interpreter. Hostile pairs get a short one.
SLOW_OK = 20.0
HOSTILE_TIMEOUT = 1.0


def _run(case):
    return verify(case.pred, case.gold, timeout=HOSTILE_TIMEOUT if case.hostile else SLOW_OK)


def _key(v):
    """What must not depend on threading (elapsed_ms excluded)."""
    return (v.correct, v.method, v.extracted, v.normalized, v.status)


def test_verify_from_eight_threads_matches_sequential(mixed_pairs):
    cases = mixed_pairs * 2  # 80 calls, so the threads really overlap
    # Threads first, so that any cache inside verify is cold while the threads race.
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(_run, cases))  # re-raises any exception from a thread
    sequential = [_run(c) for c in cases]

    assert len(threaded) == len(cases)
    for c, seq, thr in zip(cases, sequential, threaded, strict=True):
        assert thr.status in STATUSES
        if c.hostile:
            assert thr.correct is False
        else:
            assert thr.status == "ok", f"threaded {c}: {describe(thr)}"
            assert _key(thr) == _key(seq), f"{c}: sequential {describe(seq)} vs threaded {describe(thr)}"


def test_verify_in_a_thread_with_a_timeout():
    """A time bound must work outside the main thread (SIGALRM would raise there)."""
    out = {}

    def work():
        try:
            out["v"] = verify("9^{9^{9^9}}", "42", timeout=0.5)
            out["w"] = verify("(x+1)^2", "x^2+2x+1", timeout=SLOW_OK)
        except BaseException as exc:
            out["exc"] = exc

    t = threading.Thread(target=work)
    t.start()
    t.join(30)
    assert not t.is_alive(), "verify hung in a worker thread"
    assert "exc" not in out, f"verify raised in a thread: {out.get('exc')!r}"
    assert out["v"].correct is False and out["v"].status in STATUSES
    assert out["w"].correct is True


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_verify_leaves_the_callers_alarm_alone():
    """math-verify's SIGALRM approach replaces the caller's handler and cancels its alarm."""
    fired = []

    def handler(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        verify("(x+1)^2", "x^2+2x+1", timeout=2.0)
        verify("9^{9^{9^9}}", "42", timeout=0.5)
        remaining, _interval = signal.getitimer(signal.ITIMER_REAL)
        assert signal.getsignal(signal.SIGALRM) is handler, "verify replaced the caller's SIGALRM handler"
        assert 0 < remaining <= 30.0, "verify cancelled the caller's pending alarm"
        assert fired == []
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_threads_do_not_slow_each_other_into_timeouts(mixed_pairs):
    """Ordinary pairs verified with the default timeout from 8 threads still come back "ok"
    (correctness per category is the equivalence tests' business)."""
    ordinary = [c for c in mixed_pairs if not c.hostile]
    start = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        verdicts = list(pool.map(lambda c: verify(c.pred, c.gold), ordinary))
    took = time.perf_counter() - start
    bad = [(c, describe(v)) for c, v in zip(ordinary, verdicts, strict=True) if v.status != "ok"]
    assert not bad, bad
    assert took < 60, f"{len(ordinary)} ordinary pairs took {took:.1f}s from 8 threads"
