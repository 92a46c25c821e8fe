"""The checks that make an exercise a task: verifiability, duplicates, contamination, splits."""
import pytest

from pipeline.checks import CheckFailed, Decontaminator, Deduplicator, check_verifiable, split_of
from pipeline.mapping import minhash_of
from verifiers import verify
from verifiers.canonical import canonical_answer, infer_answer_type, perturbed_answer


@pytest.mark.parametrize("answer,kind,canonical", [
    ("72", "number", "72"),
    ("7\\frac{3}{4}", "number", "31/4"),
    ("0.5", "number", "1/2"),
    ("25\\%", "number", "25%"),
    ("\\text{(B)}", "choice", "B"),
    ("\\sqrt{2}+1", "expression", None),
    ("(1,2)", "tuple", None),
    ("[0,1)", "interval", None),
    ("\\{1,2,3\\}", "set", None),
    ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "matrix", None),
    ("y=2x+1", "equation", None),
    ("\\text{Tuesday}", "text", None),
    ("12\\sqrt{13}\\text{ feet}", "expression", None),
])
def test_gold_answers_pass_self_checks(answer, kind, canonical):
    checked = check_verifiable(answer, None)
    assert checked.answer_type == kind
    if canonical is not None:
        assert checked.answer == canonical
    assert verify(checked.answer, answer).correct
    assert not verify(perturbed_answer(answer), answer).correct


@pytest.mark.parametrize("answer", ["", "\\frac{1}{", "}}}{{{"])
def test_unverifiable_golds_are_rejected_with_a_reason(answer):
    with pytest.raises(CheckFailed) as info:
        check_verifiable(answer, None)
    assert info.value.reason == "unverifiable_answer"
    assert info.value.detail


def test_canonical_and_type_helpers_agree_with_the_verifier():
    for gold in ["3,000", "\\dfrac{6}{8}", "1.50", "二十五"]:
        assert infer_answer_type(gold) == "number"
        assert verify(canonical_answer(gold), gold).correct, gold


def _check(dedup: Deduplicator, tid: str, problem: str) -> None:
    dedup.check(tid, problem, minhash_of(problem).hashvalues)


def test_exact_duplicates_keep_the_first_and_name_it():
    dedup = Deduplicator(threshold=1.0)
    _check(dedup, "a", "What is 2 + 2?")
    with pytest.raises(CheckFailed) as info:
        _check(dedup, "b", "  what is 2   +  2? ")
    assert info.value.reason == "duplicate" and "task a" in info.value.detail
    _check(dedup, "c", "What is 2 + 3?")


def test_near_duplicates_are_found_by_minhash_and_distinct_problems_kept():
    base = ("Natalia sold clips to 48 of her friends in April, and then she sold half as many "
            "clips in May. How many clips did Natalia sell altogether in April and May?")
    dedup = Deduplicator(threshold=0.7)
    _check(dedup, "first", base)
    with pytest.raises(CheckFailed) as info:
        _check(dedup, "second", base.replace("Natalia", "Natalie"))
    assert info.value.reason == "near_duplicate" and "first" in info.value.detail
    _check(dedup, "other", "A train travels 60 miles per hour for 3 hours. How far does it go in total?")


def test_decontamination_rejects_shared_ngrams_only():
    evalset = ["Janet's ducks lay 16 eggs per day. She eats three for breakfast every morning and "
               "bakes muffins for her friends every day with four."]
    decon = Decontaminator({"gsm8k_test.jsonl": evalset}, n=8)
    with pytest.raises(CheckFailed) as info:
        decon.check("Problem: Janet's ducks lay 16 eggs per day. She eats three for breakfast every "
                    "morning, how many are left?")
    assert info.value.reason == "contaminated" and "gsm8k_test.jsonl" in info.value.detail
    decon.check("Janet has 16 apples and eats three every morning. How many are left after a day?")


def test_splits_are_deterministic_and_close_to_the_fraction():
    ids = [f"{i:016x}" for i in range(4000)]
    first = [split_of(i, 0.1) for i in ids]
    assert first == [split_of(i, 0.1) for i in ids]
    share = first.count("test") / len(ids)
    assert 0.08 < share < 0.12
    assert all(split_of(i, 0.0) == "train" for i in ids[:100])
