"""Hostile inputs: a verdict comes back quickly, is never "correct", and nothing is executed.

The time bound here is a "never hang" guard (the call's own timeout plus a generous margin), not a
speed benchmark.
"""

from __future__ import annotations

import random
import string

import pytest
from conftest import INJECTION_TEMPLATES, STATUSES, describe, run_guarded

from verifiers import Verdict, verify, verify_batch

TIMEOUT = 1.0
GUARD = TIMEOUT + 3.0
GOLD = "42"


def timed_verify(pred: str, gold: str, **kw):
    return run_guarded(verify, pred, gold, timeout=TIMEOUT, guard=GUARD, **kw)


def assert_refused(v, took: float, label: str):
    assert isinstance(v, Verdict), f"{label}: not a Verdict: {v!r}"
    assert took < GUARD, f"{label}: took {took:.1f}s (guard {GUARD}s)"
    assert v.status in STATUSES, f"{label}: {describe(v)}"
    assert v.correct is False, f"{label}: hostile input judged correct: {describe(v)}"


def test_hostile_prediction(hostile_text):
    v, took = timed_verify(hostile_text, GOLD)
    assert_refused(v, took, "prediction")


def test_hostile_gold(hostile_text):
    v, took = timed_verify(GOLD, hostile_text)
    assert_refused(v, took, "gold")


@pytest.mark.parametrize("answer_type", ["number", "expression", "set", "interval", "tuple", "matrix", "equation"])
@pytest.mark.parametrize("hostile_id", ["power_tower_9", "factorial_million", "frac_10000", "random_latex_100k"])
def test_hostile_with_type_hint(hostile_inputs, hostile_id, answer_type):
    v, took = timed_verify(hostile_inputs[hostile_id], GOLD, answer_type=answer_type)
    assert_refused(v, took, f"{hostile_id} as {answer_type}")


@pytest.mark.parametrize(
    "pred, gold",
    [
        pytest.param("9^{9^{9^9}}", "9^{9^{9^9}}+1", id="tower-vs-tower-plus-one"),
        pytest.param("(10^6)!", "(10^6)!+1", id="factorial-vs-factorial-plus-one"),
        pytest.param("(x+1)^{100000}", "(x+1)^{100000}+1", id="huge-poly-vs-plus-one"),
        pytest.param("10^{10^{10}}", "10^{10^{10}}+1", id="ten-tower-vs-plus-one"),
        pytest.param("2^{2^{40}}", "2^{2^{40}}-1", id="big-power-vs-minus-one"),
    ],
)
def test_hostile_on_both_sides_is_not_a_false_positive(pred, gold):
    v, took = timed_verify(pred, gold)
    assert_refused(v, took, "both sides")


def test_hostile_against_itself_returns_in_time(hostile_text):
    """Correctness is not asserted here (an identical string may be matched exactly), only the bound."""
    v, took = timed_verify(hostile_text, hostile_text)
    assert isinstance(v, Verdict)
    assert took < GUARD, f"took {took:.1f}s"
    assert v.status in STATUSES


def test_solution_wrapping_a_hostile_answer():
    text = "Let me compute carefully. The answer is \\boxed{9^{9^{9^{9}}}}."
    v, took = timed_verify(text, GOLD)
    assert_refused(v, took, "boxed tower in a solution")


# --------------------------------------------------------------------------------------------
# Injection: nothing is evaluated as code
# --------------------------------------------------------------------------------------------
def _marker_name() -> str:
    # letters only: a path with digits in it could give a last-number fallback something to find
    return "pwned_answerkey_" + "".join(random.choice(string.ascii_lowercase) for _ in range(12))


def test_injection_is_not_executed(injection_template, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = _marker_name()
    text = injection_template.format(marker=name)
    for pred, gold in [(text, GOLD), (GOLD, text), (f"The answer is {text}", GOLD), (f"\\boxed{{{text}}}", GOLD)]:
        v, took = timed_verify(pred, gold)
        assert_refused(v, took, f"injection {pred!r} vs {gold!r}")
    assert not (tmp_path / name).exists(), "an injection string was executed"
    assert list(tmp_path.iterdir()) == [], "verify wrote files into the working directory"


def test_injection_is_not_executed_in_batch_workers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = _marker_name()
    texts = [t.format(marker=name) for t in INJECTION_TEMPLATES.values()]
    pairs = [(t, GOLD) for t in texts] + [(GOLD, t) for t in texts]
    verdicts = verify_batch(pairs, workers=2, timeout=5.0, progress=False)
    assert len(verdicts) == len(pairs)
    for (pred, gold), v in zip(pairs, verdicts, strict=True):
        assert v.correct is False, f"{pred!r} vs {gold!r}: {describe(v)}"
        assert v.status in STATUSES
    assert not (tmp_path / name).exists(), "an injection string was executed in a worker"


def test_many_hostile_calls_in_a_row_leave_verify_working(hostile_inputs, judge):
    """After a run of hostile inputs (timeouts, recursion errors), ordinary calls still work."""
    for text in list(hostile_inputs.values())[:12]:
        timed_verify(text, GOLD)
    judge.equal("\\frac{1}{2}", "0.5")
    judge.equal("(x+1)^2", "x^2+2x+1")
    judge.different("7", "8")
