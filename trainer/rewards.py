"""Rewards from the verifiers: each completion's final answer checked against its task's key.

Verification runs in the verifiers' worker processes, each item under a hard time bound (a worker
that does not answer in time is killed and replaced, and the item scores 0 with status
``timeout``), so one pathological completion never stalls a training step. The pool lives as long
as the ``Rewarder``: workers start once, not once per step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verifiers.batch import VerifierPool
from verifiers.verdict import Verdict

from .data import Task

DEFAULT_TIMEOUT = 2.0


@dataclass(frozen=True)
class Scored:
    """A completion's reward and the verdict behind it."""

    reward: float
    correct: bool
    status: str
    reason: str
    extracted: str | None


class Rewarder:
    """1 for a correct final answer, else 0; plus ``format_weight`` for a completion that ended
    properly (it reached the end token) with an answer the verifiers could extract and compare."""

    def __init__(self, workers: int = 2, timeout: float = DEFAULT_TIMEOUT, format_weight: float = 0.0):
        self.pool = VerifierPool(workers=workers)
        self.timeout, self.format_weight = timeout, format_weight

    def score(self, texts: Sequence[str], tasks: Sequence[Task], finished: Sequence[bool]) -> list[Scored]:
        verdicts = self.pool.verify(
            [(t, task.answer, task.answer_type) for t, task in zip(texts, tasks, strict=True)],
            timeout=self.timeout,
            progress=False,  # the trainer's own bar shows the progress of a step
        )
        return [self._scored(v, done) for v, done in zip(verdicts, finished, strict=True)]

    def _scored(self, verdict: Verdict, finished: bool) -> Scored:
        # The verifiers extract any final text ("I am not sure"); an answer is one they could compare
        # (method "none": nothing extracted, prose they could not parse, a timeout or an error).
        formatted = finished and verdict.extracted is not None and verdict.method != "none"
        reward = float(verdict.correct) + (self.format_weight if formatted else 0.0)
        return Scored(reward, verdict.correct, verdict.status, verdict.reason, verdict.extracted)

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> Rewarder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
