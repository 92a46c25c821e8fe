"""The per-row checks of an exercise: its problem says something and fits the size cap, its gold
answer is an answer key the verifier can check; and its split, by id hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from verifiers import Verdict, verify
from verifiers.canonical import canonical_answer, infer_answer_type, perturbed_answer
from verifiers.limits import VerifierTimeout

from .gold import gold_problem, stored_key
from .schema import RowError


class CheckFailed(Exception):
    """An exercise fails a check: ``reason`` is the short code counted in the manifest."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class CheckedAnswer:
    """A gold answer that passed the self-checks, in canonical form with its type."""

    answer: str
    answer_type: str


def check_verifiable(answer: str, answer_type: str | None, timeout: float = 10.0, problem: str = "") -> CheckedAnswer:
    """The gold must be an answer key (``gold.gold_problem``), a number where the recipe says so,
    match itself and its canonical form, and reject a perturbed answer. The key is stored as
    ``gold.stored_key`` says, which may depend on what ``problem`` asks for.

    Each step has ``timeout`` seconds, a wall-clock bound: a gold that runs out of time is
    rejected as ``verifier_timeout`` (never as ``unverifiable_answer``), so a time-dependent
    outcome is visible in the counts. A build gives a generous bound, so that only golds whose
    checks cannot finish on any machine reach it and the outcome does not depend on load.
    """
    try:
        return _self_checks(answer, answer_type, timeout, problem)
    except VerifierTimeout as exc:
        raise CheckFailed("verifier_timeout", f"the self-checks of the gold {answer!r} took over {timeout:g}s") from exc


def _self_checks(answer: str, answer_type: str | None, timeout: float, problem: str) -> CheckedAnswer:
    try:
        inferred = infer_answer_type(answer, timeout) if answer_type in (None, "number") else answer_type
    except ValueError as exc:
        raise CheckFailed("unverifiable_answer", f"the gold {answer!r} cannot be checked: {exc}") from exc
    kind = answer_type or inferred
    problem_with_gold = gold_problem(answer, kind, timeout)
    if problem_with_gold:
        raise CheckFailed("unverifiable_answer", f"the gold {answer!r} {problem_with_gold}")
    if kind == "number" and inferred != "number":
        raise CheckFailed("unverifiable_answer", f"the gold {answer!r} is not a number (it reads as {inferred})")
    hint = kind if kind in ("choice", "text") else None
    itself = _verify(answer, answer, hint, timeout)
    if not itself.correct:
        raise CheckFailed("unverifiable_answer", f"the gold does not verify against itself: {itself.reason}")
    canonical = canonical_answer(answer, timeout)
    against_canonical = _verify(canonical, answer, hint, timeout)
    if not against_canonical.correct:
        raise CheckFailed(
            "unverifiable_answer",
            f"the gold {answer!r} does not match its canonical form {canonical!r}: {against_canonical.reason}",
        )
    wrong = perturbed_answer(answer, timeout)
    against_wrong = _verify(wrong, answer, hint, timeout)
    if against_wrong.correct or against_wrong.status != "ok":
        raise CheckFailed(
            "unverifiable_answer", f"the verifier cannot tell the gold {answer!r} from the wrong {wrong!r}"
        )
    return CheckedAnswer(stored_key(answer, canonical, problem), kind)


def _verify(prediction: str, gold: str, hint: str | None, timeout: float) -> Verdict:
    """``verify``, raising VerifierTimeout when it ran out of time (rather than a verdict)."""
    verdict = verify(prediction, gold, answer_type=hint, timeout=timeout)
    if verdict.status == "timeout":
        raise VerifierTimeout(verdict.reason)
    return verdict


def check_problem(problem: str, max_chars: int) -> None:
    """A problem must say something (a letter or a digit) and fit in ``max_chars`` characters."""
    if len(problem) > max_chars:
        raise CheckFailed(
            "too_long", f"the problem has {len(problem):,} characters, over --max-problem-chars {max_chars:,}"
        )
    if not any(ch.isalnum() for ch in problem):
        raise RowError("problem", f"no letters or digits in {problem[:40]!r}")


def split_of(task_id: str, test_fraction: float, salt: str = "answerkey") -> str:
    """A deterministic train/test assignment from the id alone."""
    bucket = int(hashlib.sha256(f"{salt}:{task_id}".encode()).hexdigest()[:8], 16) / 2**32
    return "test" if bucket < test_fraction else "train"
