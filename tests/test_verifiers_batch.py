"""verify_batch(): a process pool with a hard per-item time bound, results in input order."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import STATUSES, describe
from worker_hang import hang_on

from verifiers import Verdict, verify, verify_batch


def _ordinary(mixed_pairs):
    return [c for c in mixed_pairs if not c.hostile]


def test_empty_batch():
    assert verify_batch([], progress=False) == []


def test_batch_matches_verify_and_keeps_order(mixed_pairs):
    cases = _ordinary(mixed_pairs)
    cases = cases[1::2] + cases[::2]  # not the order the fixture has
    pairs = [(c.pred, c.gold) for c in cases]
    verdicts = verify_batch(pairs, workers=2, timeout=10.0, progress=False)
    assert len(verdicts) == len(pairs)
    for c, v in zip(cases, verdicts, strict=True):
        assert isinstance(v, Verdict)
        assert v.status == "ok", f"{c}: {describe(v)}"
        assert v.elapsed_ms >= 0
        single = verify(c.pred, c.gold, timeout=10.0)
        assert v == single, f"{c}: batch {describe(v)} vs verify {describe(single)}"  # elapsed_ms not compared


def test_long_batch_keeps_order():
    # Every item is different, so a permutation of results cannot go unnoticed.
    pairs = [(f"The answer is {i}.", str(i if i % 3 else i + 1)) for i in range(400)]
    verdicts = verify_batch(pairs, workers=2, timeout=5.0, progress=False)
    assert [v.correct for v in verdicts] == [i % 3 != 0 for i in range(400)]
    for i, v in enumerate(verdicts):
        assert v.extracted is not None and v.extracted.strip(" .$") == str(i), describe(v)


@pytest.mark.parametrize("workers", [1, 3])
def test_worker_counts(workers):
    pairs = [("\\frac{1}{2}", "0.5"), ("7", "8"), ("(x+1)^2", "x^2+2x+1"), ("选B", "B")]
    verdicts = verify_batch(pairs, workers=workers, timeout=10.0, progress=False)
    assert [v.correct for v in verdicts] == [True, False, True, True]


def test_progress_bar_does_not_change_results(capsys):
    pairs = [(str(i), str(i)) for i in range(30)]
    verdicts = verify_batch(pairs, workers=2, timeout=5.0, progress=True)
    assert all(v.correct for v in verdicts)
    out = capsys.readouterr().out
    assert "Verdict(" not in out  # the bar (if any) goes to stderr; nothing is dumped to stdout


def test_hostile_items_are_bounded_and_others_answered(hostile_inputs, mixed_pairs):
    ordinary = _ordinary(mixed_pairs)[:10]
    hostile_ids = ["power_tower_9", "factorial_million", "frac_10000", "random_latex_100k", "huge_polynomial"]
    items = []  # (pred, gold, verify's own verdict, or None for a hostile item)
    for i, hid in enumerate(hostile_ids):
        items.append((hostile_inputs[hid], "42", None))
        items.extend((c.pred, c.gold, verify(c.pred, c.gold, timeout=10.0)) for c in ordinary[2 * i : 2 * i + 2])
    start = time.perf_counter()
    verdicts = verify_batch([(p, g) for p, g, _ in items], workers=2, timeout=0.5, progress=False)
    took = time.perf_counter() - start
    assert len(verdicts) == len(items)
    for (pred, gold, expected), v in zip(items, verdicts, strict=True):
        if expected is None:
            assert v.correct is False and v.status in STATUSES, describe(v)
        else:
            assert v.status == "ok" and v == expected, f"{pred!r} vs {gold!r}: {describe(v)}"
    # 5 hostile items at 0.5 s each on 2 workers, plus pool start-up: far below this guard.
    assert took < 30, f"batch took {took:.1f}s"


# --------------------------------------------------------------------------------------------
# A worker that really hangs is killed and the item gets status "timeout".
#
# No answer text is slow enough on a well-guarded verifier, so a hang is injected in the worker
# processes, without knowing the implementation's internals, in two ways at once:
#  * pools that fork and pickle (multiprocessing, concurrent.futures): the prediction is a str
#    subclass whose unpickling sleeps;
#  * pools of fresh interpreters (spawn, forkserver, subprocess): a sitecustomize.py on PYTHONPATH
#    installs a profile hook that sleeps in any Python function called with the sentinel string.
# The hang writes a marker file, which shows that it really happened in a worker.
# --------------------------------------------------------------------------------------------
HANG_SECONDS = 40.0
SENTINEL = "\\text{hang-sentinel-qzx}"


def _hang_then(marker: str, seconds: float, value: str) -> str:
    Path(marker).touch()
    time.sleep(seconds)
    return value


class HangsInWorker(str):
    def __new__(cls, value: str, marker: str):
        obj = super().__new__(cls, value)
        obj.marker = marker
        return obj

    def __reduce__(self):
        return (_hang_then, (self.marker, HANG_SECONDS, str(self)))


@pytest.fixture
def hang_injection(tmp_path, monkeypatch):
    """Returns (prediction that hangs in a worker, marker path that appears when it does)."""
    marker = hang_on(SENTINEL, HANG_SECONDS, tmp_path, monkeypatch)
    return HangsInWorker(SENTINEL, str(marker)), marker


def test_hung_worker_is_killed_and_item_times_out(hang_injection):
    hung, marker = hang_injection
    pairs = [("1", "1"), ("2", "3"), (hung, "7"), ("\\frac{1}{2}", "0.5"), ("x=3", "3"), ("选B", "B")]
    expected = [True, False, None, True, True, True]
    start = time.perf_counter()
    verdicts = verify_batch(pairs, workers=2, timeout=0.5, progress=False)
    took = time.perf_counter() - start
    if not marker.exists():
        pytest.skip("could not inject a hang into the worker processes")
    assert took < 20, f"the hung item was not cut off: the batch took {took:.1f}s (hang {HANG_SECONDS}s)"
    assert len(verdicts) == len(pairs)
    hung_verdict = verdicts[2]
    assert hung_verdict.status == "timeout", describe(hung_verdict)
    assert hung_verdict.correct is False
    for (pred, gold), exp, v in zip(pairs, expected, verdicts, strict=True):
        if exp is not None:
            assert v.correct is exp and v.status == "ok", f"{pred!r} vs {gold!r}: {describe(v)}"


def test_pool_recovers_after_a_killed_worker(hang_injection):
    """With one worker, the items after a hung one are still answered (the worker was replaced),
    and a following batch runs normally."""
    hung, marker = hang_injection
    start = time.perf_counter()
    first = verify_batch([(hung, "1"), ("2", "2"), ("3", "4")], workers=1, timeout=0.5, progress=False)
    took = time.perf_counter() - start
    if not marker.exists():
        pytest.skip("could not inject a hang into the worker processes")
    assert took < 20, f"the hung item was not cut off: the batch took {took:.1f}s"
    assert first[0].status == "timeout" and first[0].correct is False, describe(first[0])
    assert [v.correct for v in first[1:]] == [True, False]
    assert all(v.status == "ok" for v in first[1:])
    verdicts = verify_batch([("2", "2"), ("3", "4"), ("(x+1)^2", "x^2+2x+1")], workers=1, timeout=10.0, progress=False)
    assert [v.correct for v in verdicts] == [True, False, True]
    assert all(v.status == "ok" for v in verdicts)
