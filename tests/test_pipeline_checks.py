"""The checks that make an exercise a task: verifiability, duplicates, contamination, splits."""

import numpy as np
import pytest
from datasketch import MinHash

from pipeline.checks import CheckFailed, check_problem, check_verifiable, split_of
from pipeline.contamination import Decontaminator, passages
from pipeline.duplicates import Candidate, Deduplicator
from pipeline.fingerprint import SHINGLE, fingerprint, gram_keys, tokens
from pipeline.keyfacts import key_facts
from pipeline.minhash import NUM_PERM, SCHEME, SEED, permutations, signature
from pipeline.schema import RowError, normalize_text
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


@pytest.mark.parametrize(
    "answer,kind,why",
    [
        ("\\frac{1}{0}", "number", "undefined (division by zero)"),
        ("\\frac{1}{0}", None, "undefined (division by zero)"),
        ("x + \\frac{3}{2-2}", None, "undefined (division by zero)"),
        ("\\log 0", None, "undefined (logarithm of zero)"),
        ("3 + 0^{-2}", None, "undefined (zero to a non-positive power)"),
        ("seventeen-ish", "number", "is hedged (ish)"),
        ("Tuesday", "number", "is not a number (it reads as text)"),
        ("n/a", "number", "a placeholder"),
        ("N/A", None, "a placeholder"),
        ("?", None, "a placeholder"),
        ("17 or so", None, "words left over once read as a set: so"),
        ("seventeen-ish", None, "is hedged (ish)"),
        ("4 \\text{ or more}", None, "is hedged (more)"),
        ("x+1", "number", "is not a number (it reads as expression)"),
    ],
)
def test_a_gold_that_is_not_one_defined_value_of_its_type_is_unverifiable(answer, kind, why):
    with pytest.raises(CheckFailed) as info:
        check_verifiable(answer, kind)
    assert info.value.reason == "unverifiable_answer"
    assert why in info.value.detail and repr(answer) in info.value.detail


@pytest.mark.parametrize(
    "answer,problem,key",
    [
        ("52_8", "Write 42 in base 8.", "52_8"),
        ("$1011_2$", "Express eleven in base 2.", "1011_2"),
        ("0.375", "Express 3/8 as a decimal.", "0.375"),
        ("0.375", "What is 3/8 of 1?", "3/8"),
        ("2.50", "把分数化成小数。", "2.50"),
        ("5\\frac{1}{3}", "Write 16/3 as a mixed number.", "16/3"),
    ],
)
def test_keys_keep_a_base_and_an_asked_for_decimal(answer, problem, key):
    checked = check_verifiable(answer, None, problem=problem)
    assert checked.answer == key and checked.answer_type == "number"
    assert verify(checked.answer, answer).correct


def test_a_mixed_number_in_parentheses_is_stored_as_its_value():
    assert check_verifiable("5(1/3)", "number").answer == "16/3"


def test_a_problem_without_letters_or_digits_or_over_the_size_cap_is_refused():
    check_problem("What is 2 + 3?", 100)
    for problem in ("?", "  ...  ", "$$ \\quad $$"[:2]):
        with pytest.raises(RowError, match="no letters or digits"):
            check_problem(problem, 100)
    with pytest.raises(CheckFailed) as info:
        check_problem("x" * 101, 100)
    assert info.value.reason == "too_long" and "101 characters" in info.value.detail


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


def test_ngram_keys_are_polynomial_hashes_of_the_token_keys():
    words = tokens("one two three four five six seven eight nine ten eleven twelve thirteen fourteen")
    single = [int(k) for k in gram_keys(words, 1)]
    base = 0x9E3779B97F4A7C15
    assert gram_keys(words, 13).tolist() == [
        sum(single[i + j] * pow(base, j, 1 << 64) for j in range(13)) % (1 << 64) for i in range(2)
    ]
    assert len(gram_keys(["too", "short"], 5)) == 1 and len(gram_keys([], 3)) == 0


def test_passages_leave_out_latex_markup_and_rendered_options():
    found = passages("Compute $$\\frac{3}{4} + x$$ when x is 2.\nA. $$4$$\nB. $$5$$", 4, 6)
    assert [found.text(i) for i in range(len(found.keys))] == [
        "compute 3 4 x",
        "3 4 x when",
        "4 x when x",
        "x when x is",
        "when x is 2",
    ]
    chinese = passages("小明有$$5$$个苹果，又买了3个。", 4, 6)
    assert chinese.cjk and chinese.unit == "6-character" and chinese.text(0) == "小明有5个苹"


def _keys(problem: str, threshold: float = 0.7):
    return fingerprint(normalize_text(problem), threshold)


def _check(dedup, task_id, key, problem, threshold=0.7, solution=None, answer_type="number"):
    facts = key_facts(problem, key, answer_type, solution)
    return dedup.check(Candidate(task_id, f"src:{task_id}", key, answer_type, facts), _keys(problem, threshold))


def test_exact_duplicates_with_the_same_key_keep_the_first_and_name_it():
    dedup = Deduplicator()
    assert _check(dedup, "a", "4", "What is 2 + 2?", 1.0).reason is None
    outcome = _check(dedup, "b", "4", "  what is 2   +  2? ", 1.0)
    assert outcome.reason == "duplicate" and "task a" in outcome.detail
    assert outcome.record == {
        "reason": "duplicate",
        "kept": "a",
        "duplicate": "b",
        "kept_answer": "4",
        "duplicate_answer": "4",
    }
    assert _check(dedup, "c", "5", "What is 2 + 3?", 1.0).reason is None


def test_exact_duplicates_with_other_keys_are_both_rejected_as_conflicting():
    dedup = Deduplicator()
    assert _check(dedup, "a", "4", "What is 2 + 2?").reason is None
    outcome = _check(dedup, "b", "5", "what is 2 + 2?")
    assert outcome.reason == "conflicting_answers"
    assert outcome.record["rows"] == [
        {"id": "a", "origin": "src:a", "answer": "4"},
        {"id": "b", "origin": "src:b", "answer": "5"},
    ]
    assert outcome.record["kept"] is None and "both rejected" in outcome.record["decision"]
    assert set(outcome.withdraw) == {"a"} and outcome.withdraw["a"]["rows"] == outcome.record["rows"]
    later = _check(dedup, "c", "4", "What is 2 + 2?")  # the problem stays contested
    assert later.reason == "conflicting_answers" and not later.withdraw


@pytest.mark.parametrize("first_agrees", [True, False])
def test_a_conflict_goes_to_the_only_key_its_own_solution_supports(first_agrees):
    dedup = Deduplicator()
    right, wrong = "So 2 + 2 = \\boxed{4}.", "So 2 + 2 = \\boxed{5}."
    _check(dedup, "a", "4", "What is 2 + 2?", solution=right if first_agrees else wrong)
    outcome = _check(dedup, "b", "5", "What is 2 + 2?", solution=right if first_agrees else wrong)
    winner = "a" if first_agrees else "b"
    assert outcome.record["kept"] == winner and f"kept {winner}" in outcome.record["decision"]
    assert "only its key matches its own solution" in outcome.record["decision"]
    if first_agrees:
        assert outcome.reason == "conflicting_answers" and not outcome.withdraw
    else:
        assert outcome.reason is None and set(outcome.withdraw) == {"a"}
        assert _check(dedup, "c", "5", "What is 2 + 2?").reason == "duplicate"  # now a duplicate of b


BASE = (
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many "
    "clips in May. How many clips did Natalia sell altogether in April and May?"
)
VARIANT = "Problem: " + BASE.replace(", and", "; and")  # a label and punctuation: the same problem
OTHER_NUMBERS = BASE.replace("48", "50")  # another variant of it (other numbers or words): another problem
OTHER = "A train travels 60 miles per hour for 3 hours. How far does it go in total?"


def test_near_duplicates_are_found_by_minhash_and_distinct_problems_kept():
    dedup = Deduplicator()
    _check(dedup, "first", "72", BASE)
    outcome = _check(dedup, "second", "72", VARIANT)
    assert outcome.reason == "near_duplicate" and outcome.record["kept"] == "first"
    assert _check(dedup, "other", "180", OTHER).reason is None


def test_near_duplicates_of_the_same_variant_with_another_key_conflict():
    dedup = Deduplicator()
    _check(dedup, "first", "72", BASE)
    outcome = _check(dedup, "second", "73", VARIANT)
    assert outcome.reason == "conflicting_answers" and set(outcome.withdraw) == {"first"}


def test_near_duplicates_of_another_variant_are_kept_unless_configured_otherwise():
    keeping = Deduplicator(keep_differing_answers=True)
    _check(keeping, "first", "72", BASE)
    assert _check(keeping, "variant", "75", OTHER_NUMBERS).reason is None  # another problem
    again = _check(keeping, "again", "75", OTHER_NUMBERS + " Answer in clips.")
    assert again.reason == "near_duplicate" and again.record["kept"] == "variant"
    dropping = Deduplicator(keep_differing_answers=False)
    _check(dropping, "first", "72", BASE)
    dropped = _check(dropping, "variant", "75", OTHER_NUMBERS)
    assert dropped.reason == "near_duplicate" and dropped.record["kept"] == "first"


CHOICE = (
    "Which number is the smallest prime? A prime has exactly two divisors, one and itself. Look at "
    "each of the numbers below in turn, decide whether it is prime, and pick the smallest prime among them."
)


def test_choice_near_duplicates_compare_option_content_not_letters():
    dedup = Deduplicator()
    _check(dedup, "a", "B", CHOICE + "\nA. 1\nB. 2\nC. 3", threshold=0.5, answer_type="choice")
    shuffled = _check(dedup, "b", "A", CHOICE + "!\nA. 2\nB. 1\nC. 3", threshold=0.5, answer_type="choice")
    assert shuffled.reason == "near_duplicate"  # the same option, under another letter
    other_options = _check(dedup, "c", "B", CHOICE + "\nA. 4\nB. 5\nC. 7", threshold=0.5, answer_type="choice")
    assert other_options.reason is None  # same letter, other options: another problem
    contradicting = _check(dedup, "d", "C", CHOICE + "\nA. 1\nB. 2\nC. 3", threshold=0.5, answer_type="choice")
    assert contradicting.reason == "conflicting_answers"


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("（10分）过年了，妈妈买了$$7$$件礼物．", "过年了，妈妈买了$$7$$件礼物．", True),  # a score label
        ("2020第$$24$$届$$YMO$$决赛  小$$Y$$会开车吗？", "小$$Y$$会开车吗？", True),  # a contest's name
        ("将$$1,2,3$$排成一行，第二项是（~~~ ）．", "将$$1$$，$$2$$，$$3$$排成一行，第二项是~\\uline{~~~~}~。", True),
        ("Find 2004 mod 7.  Say why.", "Find 2005 mod 7.  Say why.", False),  # a year-like number is no label
        ("Compute $\\sin 60^\\circ$.", "Compute $\\cos 60^\\circ$.", False),
        ("Compute $\\sin 60^\\circ$.", "Compute $\\sin(-60^\\circ)$.", False),
        ("Arrange the letters of the word COMBINATION.", "Arrange the letters of the word PROOF.", False),
    ],
)
def test_variants_ignore_labels_punctuation_and_blanks_but_not_content(a, b, same):
    assert (key_facts(a, "1", "number", None).variant == key_facts(b, "1", "number", None).variant) is same


def test_a_threshold_of_one_turns_near_duplicates_off():
    dedup = Deduplicator(keep_differing_answers=False)
    assert _keys(BASE, 1.0).bands == ()
    _check(dedup, "first", "72", BASE, 1.0)
    assert _check(dedup, "variant", "72", VARIANT, 1.0).reason is None


EVAL = (
    "Janet's ducks lay 16 eggs per day. She eats three for breakfast every morning and "
    "bakes muffins for her friends every day with four."
)


def _passage_keys(problem: str, n: int = 8) -> tuple[int, ...]:
    return passages(problem, n, 12).keys


def test_decontamination_names_the_eval_row_and_the_shared_passages():
    decon = Decontaminator([("gsm8k_test.jsonl:3", EVAL)], ngram=8, cjk_ngram=12)
    copied = decon.hits(
        _passage_keys(
            "Problem: JANET'S ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes"
        )
    )
    opening = decon.hits(_passage_keys("Janet's ducks lay 16 eggs per day. How many eggs do they lay in a week?"))
    other = decon.hits(_passage_keys("Janet has 16 apples and eats three every morning. How many are left?"))
    assert other == () and opening  # the opening is shared, but it is not a copy
    assert decon.contamination(opening) is None
    assert decon.contamination(copied) == (
        "shares 10 of the 18 8-word passages of gsm8k_test.jsonl:3, such as 'janet s ducks lay 16 eggs per day'"
    )


def test_passages_frequent_in_the_training_set_are_boilerplate_not_contamination():
    boiler = "where m and n are relatively prime positive integers, find m+n"
    evaluation = f"A coin is tossed 5 times; the chance of 3 heads is m/n, {boiler}."
    decon = Decontaminator([("math500.jsonl:1", evaluation)], ngram=8, cjk_ngram=12)
    rows = [decon.hits(_passage_keys(f"A die is rolled {k} times; the chance is m/n, {boiler}.")) for k in range(6)]
    copy = decon.hits(_passage_keys(evaluation))
    assert all(rows) and all(decon.contamination(hits) is None for hits in rows)
    assert "math500.jsonl:1" in decon.contamination(copy)  # its own passages are not boilerplate


def test_chinese_problems_are_compared_by_characters():
    evaluation = "小明有5个苹果，又买了3个，现在一共有几个苹果？"
    decon = Decontaminator([("cmath_test.jsonl:7", evaluation)], ngram=13, cjk_ngram=8)
    hits = decon.hits(passages("问题：小明有5个苹果，又买了3个，现在一共有几个？", 13, 8).keys)
    assert decon.contamination(hits).startswith("shares 12 of the 14 8-character passages of cmath_test.jsonl:7")


def test_splits_are_deterministic_and_close_to_the_fraction():
    ids = [f"{i:016x}" for i in range(4000)]
    first = [split_of(i, 0.1) for i in ids]
    assert first == [split_of(i, 0.1) for i in ids]
    share = first.count("test") / len(ids)
    assert 0.08 < share < 0.12
    assert all(split_of(i, 0.0) == "train" for i in ids[:100])
