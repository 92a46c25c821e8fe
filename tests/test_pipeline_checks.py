"""The checks that make an exercise a task: verifiability, duplicates, contamination, splits."""

import numpy as np
import pytest
from datasketch import MinHash

from pipeline.checks import CheckFailed, check_verifiable, split_of
from pipeline.duplicates import Decontaminator, Deduplicator
from pipeline.fingerprint import SHINGLE, fingerprint, gram_keys, ngrams, tokens
from pipeline.minhash import NUM_PERM, SCHEME, SEED, permutations, signature
from pipeline.schema import normalize_text
from verifiers import verify
from verifiers.canonical import canonical_answer, infer_answer_type, perturbed_answer


@pytest.mark.parametrize(
    "answer,kind,canonical",
    [
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
    ],
)
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


@pytest.mark.parametrize("answer", ["72", "\\sqrt{2}+1", "(1,2)", "\\frac{1}{7}"])
def test_a_gold_out_of_time_is_a_verifier_timeout_not_an_unverifiable_answer(answer):
    assert check_verifiable(answer, None).answer_type  # checkable given time
    with pytest.raises(CheckFailed) as info:
        check_verifiable(answer, None, timeout=1e-9)
    assert info.value.reason == "verifier_timeout" and "took over" in info.value.detail


@pytest.mark.parametrize(
    "text",
    [
        "",
        "one",
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.",
        "小明有5个苹果，又买了3个，现在有几个？",
        " ".join(str(i) for i in range(5000)),
    ],
)
def test_numpy_signatures_equal_datasketch_minhash(text):
    hashes = gram_keys(tokens(normalize_text(text)), SHINGLE).astype(np.uint32)
    reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int)
    reference.update_batch(hashes.tolist())
    ours = signature(hashes)
    assert ours.dtype == reference.hashvalues.dtype
    assert np.array_equal(ours, reference.hashvalues)


def test_permutations_are_datasketchs():
    a, b = permutations()
    reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    assert np.array_equal(a[0], reference[0]) and np.array_equal(b[0], reference[1])


def test_ngram_keys_name_each_distinct_ngram_once_in_text_order():
    grams = ngrams("a b c a b c d", 3)
    assert [text for _, text in grams] == ["a b c", "b c a", "c a b", "b c d"]
    assert len({key for key, _ in grams}) == 4
    assert [text for _, text in ngrams("too short", 5)] == ["too short"]
    words = tokens("one two three four five six seven eight nine ten eleven twelve thirteen fourteen")
    single = [int(k) for k in gram_keys(words, 1)]
    base = 0x9E3779B97F4A7C15
    assert gram_keys(words, 13).tolist() == [
        sum(single[i + j] * pow(base, j, 1 << 64) for j in range(13)) % (1 << 64) for i in range(2)
    ]
    assert ngrams("", 3) == []


def _keys(problem: str, threshold: float = 0.7, ngram: int = 0):
    return fingerprint(normalize_text(problem), threshold, ngram)


def test_exact_duplicates_keep_the_first_and_name_it_whatever_their_answers():
    dedup = Deduplicator()
    dedup.check("a", "4", _keys("What is 2 + 2?", 1.0))
    with pytest.raises(CheckFailed) as info:
        dedup.check("b", "5", _keys("  what is 2   +  2? ", 1.0))
    assert info.value.reason == "duplicate" and "task a" in info.value.detail and info.value.kept == "a"
    dedup.check("c", "5", _keys("What is 2 + 3?", 1.0))


BASE = (
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many "
    "clips in May. How many clips did Natalia sell altogether in April and May?"
)
VARIANT = BASE.replace("Natalia", "Natalie")
OTHER = "A train travels 60 miles per hour for 3 hours. How far does it go in total?"


def test_near_duplicates_are_found_by_minhash_and_distinct_problems_kept():
    dedup = Deduplicator()
    dedup.check("first", "72", _keys(BASE))
    with pytest.raises(CheckFailed) as info:
        dedup.check("second", "72", _keys(VARIANT))
    assert info.value.reason == "near_duplicate" and info.value.kept == "first"
    dedup.check("other", "180", _keys(OTHER))


def test_near_duplicates_with_another_answer_are_kept_unless_configured_otherwise():
    keeping = Deduplicator(keep_differing_answers=True)
    keeping.check("first", "72", _keys(BASE))
    keeping.check("variant", "73", _keys(VARIANT))  # another answer: another task
    with pytest.raises(CheckFailed) as info:  # same answer as the kept variant
        keeping.check("again", "73", _keys(VARIANT + " Answer in clips."))
    assert info.value.reason == "near_duplicate" and info.value.kept == "variant"
    with pytest.raises(CheckFailed) as info:  # exact duplicates drop whatever the answer
        keeping.check("exact", "99", _keys(BASE.upper()))
    assert info.value.reason == "duplicate"

    dropping = Deduplicator(keep_differing_answers=False)
    dropping.check("first", "72", _keys(BASE))
    with pytest.raises(CheckFailed) as info:
        dropping.check("variant", "73", _keys(VARIANT))
    assert info.value.reason == "near_duplicate" and info.value.kept == "first"


def test_a_threshold_of_one_turns_near_duplicates_off():
    dedup = Deduplicator(keep_differing_answers=False)
    assert _keys(BASE, 1.0).bands == ()
    dedup.check("first", "72", _keys(BASE, 1.0))
    dedup.check("variant", "72", _keys(VARIANT, 1.0))


def test_decontamination_rejects_shared_ngrams_only():
    evalset = [
        "Janet's ducks lay 16 eggs per day. She eats three for breakfast every morning and "
        "bakes muffins for her friends every day with four."
    ]
    decon = Decontaminator({"gsm8k_test.jsonl": evalset}, n=8)
    with pytest.raises(CheckFailed) as info:
        decon.check(
            _keys(
                "Problem: Janet's ducks lay 16 eggs per day. She eats three for breakfast every "
                "morning, how many are left?",
                ngram=8,
            )
        )
    assert info.value.reason == "contaminated" and "gsm8k_test.jsonl" in info.value.detail
    assert info.value.detail.startswith("shares the 8-gram 'janet s ducks lay 16 eggs per day")
    decon.check(_keys("Janet has 16 apples and eats three every morning. How many are left after a day?", ngram=8))


def test_splits_are_deterministic_and_close_to_the_fraction():
    ids = [f"{i:016x}" for i in range(4000)]
    first = [split_of(i, 0.1) for i in ids]
    assert first == [split_of(i, 0.1) for i in ids]
    share = first.count("test") / len(ids)
    assert 0.08 < share < 0.12
    assert all(split_of(i, 0.0) == "train" for i in ids[:100])
