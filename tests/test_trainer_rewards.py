"""Rewards from the verifiers in their worker pool: a verification that never returns is cut off at
the hard bound (status timeout) while the rest score normally, and the pool outlives a step."""

from __future__ import annotations

import pytest
from conftest import run_guarded
from trainer_fixtures import HANG_SECONDS, HANG_SENTINEL, UNSURE, inject_hang
from worker_hang import slow_start

from trainer.data import Task
from trainer.rewards import Rewarder


def _task(answer: str) -> Task:
    return Task(f"t{answer}", [{"role": "user", "content": "?"}], answer, "number", "test")


CASES = [  # completion, answer, finished, correct
    ("3 + 4 = 7. The answer is 7.", "7", True, True),
    ("The answer is 5.", "4", True, False),
    (UNSURE, "4", True, False),
    ("2 + 2 = 4. The answer is 4.", "4", True, True),
    ("2 + 2 = 4. The answer", "4", False, True),  # cut off, but the last number is the answer
]


def _score(rewarder: Rewarder, cases):
    return rewarder.score([c[0] for c in cases], [_task(c[1]) for c in cases], [c[2] for c in cases])


def test_rewards_are_the_verdicts():
    with Rewarder(workers=2, timeout=5.0) as rewarder:
        scored = _score(rewarder, CASES)
    assert [s.correct for s in scored] == [c[3] for c in CASES]
    assert [s.reward for s in scored] == [float(c[3]) for c in CASES]
    assert all(s.status == "ok" and s.reason for s in scored)
    assert scored[0].extracted == "7"


def test_format_reward_needs_an_ending_and_an_answer():
    with Rewarder(workers=1, timeout=5.0, format_weight=0.25) as rewarder:
        scored = _score(rewarder, CASES)
    # ended properly with an answer: +0.25, right or wrong; prose (no answer to compare), or cut off: nothing extra
    assert [s.reward for s in scored] == [1.25, 0.25, 0.0, 1.25, 1.0]


def test_a_hung_verification_times_out_and_the_others_score(tmp_path, monkeypatch):
    marker = inject_hang(tmp_path, monkeypatch)
    cases = [*CASES[:2], (HANG_SENTINEL, "7", True, None), *CASES[2:]]
    with Rewarder(workers=2, timeout=0.5) as rewarder:
        # a hang guard, far below the injected hang: a verification that is not cut off fails the test
        scored, _ = run_guarded(_score, rewarder, cases, guard=HANG_SECONDS / 2)
        assert marker.exists(), "the hang was not injected into a worker process"
        hung = scored[2]
        assert hung.status == "timeout" and hung.correct is False and hung.reward == 0.0, hung
        for case, s in zip(cases, scored, strict=True):
            if case[3] is not None:
                assert s.status == "ok" and s.correct is case[3], (case, s)
        # the pool replaced the killed worker: the next step's batch scores normally
        again, _ = run_guarded(_score, rewarder, CASES, guard=HANG_SECONDS / 2)
        assert [s.correct for s in again] == [c[3] for c in CASES]
        assert all(s.status == "ok" for s in again)


def test_the_pool_lives_as_long_as_the_rewarder():
    with Rewarder(workers=2, timeout=5.0) as rewarder:
        _score(rewarder, CASES)
        started = [w.process.pid for w in rewarder.pool.workers]
        _score(rewarder, CASES[::-1])
        assert [w.process.pid for w in rewarder.pool.workers] == started and len(started) == 2
        processes = [w.process for w in rewarder.pool.workers]
    assert all(p.poll() is not None for p in processes)  # closed with the rewarder


@pytest.mark.parametrize("workers", [1, 3])
def test_worker_counts_give_the_same_rewards(workers):
    with Rewarder(workers=workers, timeout=5.0) as rewarder:
        assert [s.correct for s in _score(rewarder, CASES)] == [c[3] for c in CASES]


def test_worker_start_up_does_not_count_against_the_time_bound(tmp_path, monkeypatch):
    """Workers that take 2 s to start (importing the verifiers on a busy machine takes that long),
    under a hard bound of about 1 s per item: the first batch still scores every item."""
    slow_start(tmp_path, monkeypatch, 2.0)
    with Rewarder(workers=2, timeout=0.05) as rewarder:
        scored = _score(rewarder, CASES * 2)
    assert all(s.status == "ok" for s in scored), [s.reason for s in scored if s.status != "ok"]
    assert [s.correct for s in scored] == [c[3] for c in CASES] * 2
