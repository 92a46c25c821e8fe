"""Bounded means bounded: hostile shapes at growing sizes return within their timeout.

Each shape is an input a hostile user (or a broken model) sends: separators, boxes, unclosed math
openers, markers, braces and digits repeated many times. Every call must return within
``TIMEOUT`` plus a margin for the interpreter's own overhead, alone and from eight threads at once
(a long C-level loop in one thread holds the GIL and would stall the others' deadlines), and
memory must not grow with the number of different inputs seen.
"""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import import_module

import pytest
from conftest import STATUSES, describe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.recipes import ape210k_value
from verifiers import answers, choices, extract, extract_answer, normalize, restated, verify, verify_batch
from verifiers.answers import prepare
from verifiers.cache import text_cache
from verifiers.choices import choice_letter, choice_letters, labelled_option, letters_stated_correct
from verifiers.extract import extract_choice, find_boxes
from verifiers.limits import CLEAN_CACHE_CHARS, MAX_BOXES_READ
from verifiers.long_answers import strip_outer_groups
from verifiers.normalize import clean_latex
from verifiers.parser import replace_environments
from verifiers.words import _ZH_FRACTION_RE, EN_FRACTION_RE, digits_and_fraction_words, replace_chinese_numbers

verifiers_verify = import_module("verifiers.verify")  # the module; ``verifiers.verify`` is the function

TIMEOUT = 1.0
# What a call may take beyond its timeout: the interpreter's overhead and, from eight threads, the
# wait for the GIL. An input whose work is not bounded takes tens of seconds (it did before).
MARGIN = 1.5


@dataclass(frozen=True)
class Shape:
    """A hostile input family: ``make(n)`` is the input at size ``n``; ``gold`` is the key."""

    name: str
    make: Callable[[int], str]
    gold: str = "1"


SHAPES = [
    Shape("thousands separators", lambda n: "1" + ",234" * n + ",12"),
    Shape("spaced separators", lambda n: "1" + " 234" * n + " 12"),
    Shape("boxed repeated", lambda n: r"\boxed" * n),
    Shape("boxed nested", lambda n: r"\boxed{" * n + "1" + "}" * n),
    Shape("unclosed inline math", lambda n: "word \\( " * n),
    Shape("unclosed display math", lambda n: "word \\[ " * n),
    Shape("dollars", lambda n: "$" * n),
    Shape("dollar pairs", lambda n: "$1$ " * n),
    Shape("markers", lambda n: "the answer is " * n),
    Shape("chinese markers", lambda n: "答案是" * n),
    Shape("open braces", lambda n: "{" * n),
    Shape("open parens", lambda n: "(" * n + "1"),
    Shape("nested fractions", lambda n: r"\frac{" * n + "1" + "}{2}" * n),
    Shape("long sum", lambda n: "+".join(["1"] * n)),
    Shape("digits", lambda n: "9" * n),
    Shape("exponent tower", lambda n: "2^" * n + "2"),
    Shape("factorials", lambda n: "9" + "!" * n),
    Shape("backslashes", lambda n: "\\" * n),
    Shape("lone surrogates", lambda n: "\ud800" * n + "12", "12"),
    Shape("text wrappers", lambda n: r"\text{" * n + "1" + "}" * n),
    Shape("unclosed thinking", lambda n: "<think>" * n + "1"),
    Shape("courtesies", lambda n: "1. Hope this helps!\n" * n),
]
SIZES = [1_000, 10_000, 66_000]


def _timed(pred: str, gold: str) -> tuple[float, str]:
    began = time.perf_counter()
    verdict = verify(pred, gold, timeout=TIMEOUT)
    assert verdict.status in STATUSES, describe(verdict)
    return time.perf_counter() - began, verdict.status


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_hostile_shape_returns_within_its_timeout(shape, size):
    for pred, gold in ((shape.make(size), shape.gold), (shape.gold, shape.make(size))):
        seconds, _ = _timed(pred, gold)
        assert seconds < TIMEOUT + MARGIN, f"{shape.name} x{size}: {seconds:.1f} s"


def test_hostile_shapes_from_eight_threads_each_return_within_the_timeout():
    inputs = [(shape.make(size), shape.gold) for shape in SHAPES for size in SIZES]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda pair: _timed(*pair), inputs * 2))
    slow = [
        (pair[0][:30], round(s, 1)) for pair, (s, _) in zip(inputs * 2, results, strict=True) if s > TIMEOUT + MARGIN
    ]
    assert not slow, f"calls over {TIMEOUT + MARGIN} s: {slow}"


def test_a_hostile_thread_does_not_stall_an_ordinary_call_in_another():
    hostile = [shape.make(66_000) for shape in SHAPES] * 3
    with ThreadPoolExecutor(8) as pool:
        busy = [pool.submit(verify, text, "1", timeout=TIMEOUT) for text in hostile]
        ordinary = [_timed("1+10^{-60}", "1") for _ in range(5)]
        for future in busy:
            future.result()
    assert all(status == "ok" for _, status in ordinary)
    assert max(seconds for seconds, _ in ordinary) < TIMEOUT + MARGIN


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_many_different_answers_leave_memory_bounded():
    """clean_latex's memo holds at most its character budget however many answers pass through."""
    verify("warm up", "1")
    gc.collect()
    before = _rss_mb()
    for i in range(2_000):  # 2,000 x ~5,600 characters cached: 1.4 times the budget
        verify(f"{i} " + "x + " * 700, "1", timeout=TIMEOUT)
    gc.collect()
    assert clean_latex.cache_chars() <= CLEAN_CACHE_CHARS  # type: ignore[attr-defined]
    assert clean_latex.cache_chars() > CLEAN_CACHE_CHARS // 2  # type: ignore[attr-defined]  # it was filled
    assert _rss_mb() - before < 150, f"RSS grew {_rss_mb() - before:.0f} MB"


def test_text_cache_evicts_the_least_recently_used_and_skips_oversized_entries():
    calls: list[str] = []

    @text_cache(max_chars=1_000, max_entry_chars=300)
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    for i in range(10):
        upper(f"{i:03d}" + "a" * 97)  # 200 characters held per entry
    assert upper.cache_chars() == 1_000  # type: ignore[attr-defined]  # the last five
    upper("009" + "a" * 97)
    assert len(calls) == 10  # a hit
    upper("000" + "a" * 97)
    assert len(calls) == 11  # evicted long ago: computed again
    upper("b" * 200)  # 400 characters with its value: never kept
    upper("b" * 200)
    assert calls[-2:] == ["b" * 200] * 2
    assert upper.cache_chars() <= 1_000  # type: ignore[attr-defined]


def test_a_lone_surrogate_does_not_kill_a_batch_worker():
    pairs = [("\ud800" + "12", "12"), ("12", "\udfff12"), ("7", "7")]
    verdicts = verify_batch(pairs, workers=1, progress=False)
    assert [v.status for v in verdicts] == ["ok", "ok", "ok"]
    assert verdicts[2].correct


TOKENS = [*"0123456789+-*/^(){}[],. $\\_!=<>xyzab答案是元", r"\frac", r"\boxed{", r"\(", "the answer is "]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(TOKENS), max_size=400).map(lambda tokens: "".join(tokens) * 50),
    st.sampled_from(["1", r"\frac{1}{2}", "x^2+1", "3元", "(1,2)", "A"]),
)
def test_fuzzed_text_returns_within_its_timeout(pred, gold):
    seconds, _ = _timed(pred, gold)
    assert seconds < TIMEOUT + MARGIN, f"{seconds:.1f} s on {pred[:60]!r}"


DIGITS = "7" * 100_000
WELL_FORMED = [
    ("(" * 3000 + "1" + ")" * 3000, "1", True),
    ("(" * 3000 + "2" + ")" * 3000, "1", False),
    ("{" * 3000 + "2" + "}" * 3000, "2", True),
    ("+".join(["1"] * 20_000), "20000", True),
    ("+".join(["1"] * 20_000), "19999", False),
    ("1-2+3" + "+1" * 5_000, "5002", True),
    (DIGITS, DIGITS, True),
    (DIGITS, DIGITS[:-1] + "8", False),
]


@pytest.mark.parametrize("pred, gold, expected", WELL_FORMED, ids=lambda v: str(v)[:12])
def test_well_formed_long_answers_get_the_right_verdict_within_the_bound(pred, gold, expected):
    began = time.perf_counter()
    verdict = verify(pred, gold, timeout=TIMEOUT)
    assert time.perf_counter() - began < TIMEOUT + MARGIN
    assert verdict.correct is expected, describe(verdict)


@pytest.mark.parametrize(
    "text, stripped",
    [
        ("((x))", "x"),
        ("(1)+(2)", "(1)+(2)"),
        ("((1)+(2))", "(1)+(2)"),
        ("((1", "((1"),
        ("{[1]}", "[1]"),
        ("(" * 5000 + "a" + ")" * 5000, "a"),
        ("x", "x"),
    ],
)
def test_strip_outer_groups(text, stripped):
    assert strip_outer_groups(text) == stripped


# Each pattern family that once backtracked super-linearly (adjacent ``\s*`` around optional tokens,
# a repeated group that could split its spaces two ways, a lazy scan per unclosed opener, a run
# rescanned from every position), called directly on a 100,000-character adversarial string.
ADVERSARIAL_CHARS = 100_000


def _fill(prefix: str, unit: str, suffix: str = "#") -> str:
    return prefix + unit * ((ADVERSARIAL_CHARS - len(prefix)) // len(unit)) + suffix


PATTERN_FAMILIES = [
    ("choice letter, spaces after", lambda: choice_letter(_fill("A", " "))),
    ("choice letter, spaces before", lambda: choice_letter(_fill("", " "))),
    ("choice letter, spaces in text", lambda: choice_letter(_fill("\\text{", " "))),
    ("letter marker, spaces", lambda: extract_choice(_fill("answer", " "))),
    ("chinese letter marker, spaces", lambda: extract_choice(_fill("答案", " "))),
    ("letter at line start, newlines", lambda: extract_choice(_fill("", "\n"))),
    ("units repeated", lambda: answers._UNIT_RE.search(_fill("1", " cm", " #"))),
    ("trailing label, one long word", lambda: answers._TRAILING_LABEL_RE.search(_fill("1\\text{", "a"))),
    ("trailing label, spaces", lambda: answers._TRAILING_LABEL_RE.search(_fill("1\\text{cm}", " "))),
    ("percent number, digits", lambda: answers._PERCENT_NUMBER_RE.fullmatch(_fill("", "1", "x"))),
    ("scale word, digits", lambda: answers._SCALE_RE.search(_fill("", "1", " x"))),
    ("percent word, spaces", lambda: answers._PERCENT_WORDS_RE.sub("%", _fill("", " "))),
    ("repeated commas, spaces", lambda: prepare(_fill("1", " ", "2"))),
    ("chinese numeral, units only", lambda: replace_chinese_numbers(_fill("", "百"))),
    ("chinese numeral, digits one by one", lambda: replace_chinese_numbers(_fill("", "一"))),
    ("connectives, spaces", lambda: answers._CONNECTIVES_RE.sub(", ", _fill("1", " ", "x"))),
    ("chinese fraction, numerals", lambda: _ZH_FRACTION_RE.findall(_fill("", "一"))),
    ("math opener, spaces", lambda: extract_answer(_fill("答案是", " "))),
    ("trailing junk, spaces", lambda: extract_answer(_fill("The answer is 1", " ", "x"))),
    ("unclosed environments", lambda: replace_environments(_fill("", "\\begin{pmatrix}"), lambda e, b: b)),
    ("ape210k percent, digits", lambda: ape210k_value(_fill("", "1"))),
    ("number word at end, spaces", lambda: extract_answer(_fill("5 apples. ", " ", "twelve"))),
    ("key boxes, separators", lambda: extract_answer(_fill("\\boxed{1}", " + \\boxed{2}"), fallback=False)),
    ("key unclosed box, closers", lambda: extract_answer(_fill("\\boxed{1", " $"), fallback=False)),
    ("option letters, separators", lambda: choice_letters(_fill("A", ", A"))),
    ("option letters, spaces", lambda: choice_letters(_fill("A", " "))),
    ("labelled option, spaces", lambda: labelled_option(_fill("(A)", " "))),
    ("labelled option, latex spaces", lambda: labelled_option(_fill("(A)", "~\\,", "x" * 500))),
    ("ratio or amount, digits", lambda: extract_answer(_fill("so it is ", "1", ":"))),
    ("mixed number, digit pairs", lambda: extract_answer(_fill("so it is ", "1 ", "2/"))),
    ("chinese prose numbers, digits", lambda: answers._NUMBERS_IN_ZH_PROSE_RE.findall(_fill("", "1米"))),
    ("yuan and jiao, digits", lambda: answers._YUAN_RE.sub("", _fill("", "1", "元1"))),
    ("hours and minutes, digits", lambda: extract_answer(_fill("it takes ", "1", " hours 1"))),
    ("repeating decimal, digits", lambda: answers.prepare(_fill("0.", "1", "\\overline{"))),
    ("yes or no, solution opening", lambda: verify(_fill("", " ", "yes"), "yes")),
    ("chinese compound unit, digits", lambda: answers._ZH_PER_UNIT_RE.sub("", _fill("", "1千米 /"))),
    ("where attained, spaces", lambda: extract_answer(_fill("so it is 5, attained at", " ", "x"))),
    ("where attained, clauses", lambda: extract_answer(_fill("so it is 5", ", which occurs at x=1"))),
    ("next exercise, question lines", lambda: extract_answer(_fill("The answer is 1.", "\nQuestion  ", ":"))),
    ("next exercise, no answer before", lambda: extract_answer(_fill("1", "\nQuestion:"))),
    ("named boxes, assignments", lambda: extract_answer(_fill("", "$x = \\boxed{1}$ and "))),
    ("chinese valued clauses, digits", lambda: extract_answer(_fill("答：", "长是8，"))),
    ("named set in words, spaces", lambda: prepare(_fill("The range is", " ", "reals"))),
    ("named set in words, long prefix", lambda: prepare(_fill("", "is ", "reals"))),
    ("chinese tenths, digits", lambda: answers._ZH_TENTHS_RE.sub("", _fill("", "1", "折"))),
    ("chinese and a half, digits", lambda: answers._ZH_AND_A_HALF_RE.sub("", _fill("", "1", "个半"))),
    ("below zero, digits", lambda: answers.BELOW_ZERO_RE.sub("", _fill("", "1", " below zero"))),
    ("superscript runs", lambda: prepare(_fill("", "⁻³"))),
    ("restated value, commas", lambda: extract_answer(_fill("The answer is 1", ", i.e.", " 2"))),
    ("closing checks, labels", lambda: extract_answer(_fill("1", " check:"))),
    ("part labels, many", lambda: prepare(_fill("", "(1) 8；"))),
    ("ruled-out options, letters", lambda: extract_choice(_fill("", "not (B) "))),
    ("combinations, digits", lambda: prepare(_fill("C(", "1", ","))),
    ("modulus, spaces", lambda: prepare(_fill("2", " ", "\\pmod{5}"))),
    ("qualifier phrases, spaces", lambda: extract_answer(_fill("She has 12 apples", " after", " 3"))),
    ("mixed number with and, digits", lambda: extract_answer(_fill("", "1 and 1/", "2"))),
    ("restated values, separators", lambda: verify(_fill("答：3", "，即 1"), "4")),
    ("stated approximation, answer repeated", lambda: verify(_fill("", "$9$ 约 "), "28.26")),
    ("qualifier phrases, valueless clauses", lambda: extract_answer(_fill("a profit", " of x", " from 30"))),
    ("degrees in a sine, nested", lambda: verify(_fill("", "\\sin(", "30^\\circ"), "1")),
    ("escaped dollars, after an opener", lambda: extract_answer(_fill("$", "\\$ "))),
    ("escaped dollars, no opener", lambda: extract_answer(_fill("", "a\\$ "))),
    ("dollar sign set as math, repeated", lambda: extract_answer(_fill("", "$\\$$"))),
    ("fraction words, number words", lambda: EN_FRACTION_RE.findall(_fill("", "one two three "))),
    ("fraction words, and", lambda: EN_FRACTION_RE.findall(_fill("", "one and "))),
    ("digits and fraction words, and", lambda: digits_and_fraction_words(_fill("", "1 and one "))),
    ("restated in english, clauses", lambda: verify(_fill("It takes 3 hours", ", which is 4 hours"), "5")),
    ("restated in english, words", lambda: verify(_fill("It takes 3 hours, i.e., 4", " a"), "5")),
    ("amount in cents, repeated", lambda: verify(_fill("", "25 cents "), "0.3")),
    ("percent value of a chain, equalities", lambda: answers._PERCENT_VALUE_RE.search(_fill("", "=1", "%x"))),
    ("percent value of a chain, digits", lambda: prepare(_fill("x=", "1", "%"))),
    ("set builder, long condition", lambda: answers._SET_BUILDER_RE.match(_fill("\\lbrace x \\mid ", "x "))),
    ("set builder, bars", lambda: answers._SET_BUILDER_RE.match(_fill("{x|", "|"))),
    ("reals without points, commas", lambda: answers._REALS_WITHOUT_RE.match(_fill("\\mathbbR -{", "1,"))),
    ("options stated correct, letters", lambda: letters_stated_correct(_fill("", "A、 "))),
    ("options stated correct, spaced", lambda: verify(_fill("options A", " and  B", " are correct"), "AB")),
    ("digits and scale words", lambda: extract_answer(_fill("so it is ", "1 million "))),
    ("chinese marker and colon, spaces", lambda: extract_answer(_fill("答案是", " ", "："))),
    ("approximation inside the answer, markers", lambda: verify(_fill("答：12", "，约 1"), "13")),
    ("approximation after the answer, clauses", lambda: verify(_fill("The answer is 12.5", ", about 13"), "13")),
    ("approximation after the answer, extracted", lambda: extract_answer(_fill("The answer is 1", ", about 2"))),
    ("restated units, chinese pairs", lambda: verify(_fill("答：", "3小时20分", "，即200分。"), "200")),
    (
        "restated units, english pairs",
        lambda: verify(_fill("It takes 2", " hours and 15 minutes", ", i.e., 1 h."), "1"),
    ),
    ("restated units, dollar signs", lambda: verify(_fill("The answer is ", "$5 and ", "$5, i.e., 500 cents."), "500")),
    ("restated units, square words", lambda: verify(_fill("It is 2", " square", " m, i.e., 20000 cm^2."), "20000")),
    ("restated units, thousands", lambda: verify(_fill("The answer is 1", ",000", " m, i.e., 1 km."), "1")),
    ("restated units, chinese unit prefixes", lambda: restated._unit_after(_fill("1", "平方"), 1)),
    ("restated share, chinese nouns", lambda: verify(_fill("答：", "百分之六十的学生", "，即180人"), "180")),
    ("answer inside longer numbers, occurrences", lambda: verify(_fill("The answer is \\boxed{2}", "120 "), "120")),
    ("letter part labels, spaces", lambda: answers._PART_LABEL_RE.sub(",", _fill("(a)", " ", "x"))),
    ("letter part labels, labels", lambda: answers._PART_LABEL_RE.sub(",", _fill("", ", (a) : "))),
    ("number after a named quantity, spaces", lambda: extract._CLOSING_NUMBER_RE.match(_fill("1", " ", "x"))),
    ("number after a named quantity, digits", lambda: extract._CLOSING_NUMBER_RE.match(_fill("", "1", "/"))),
    ("named quantity and its value, copulas", lambda: extract_answer(_fill("所以 $S$ ", "的值为 "))),
    ("inequalities joined by or, segments", lambda: extract_answer(_fill("so ", "$x<1$ or "))),
    ("inequalities joined by or, spaces", lambda: extract._OR_AND_GAP_RE.fullmatch(_fill("", " ", "or"))),
    ("values of a name joined by or, segments", lambda: extract_answer(_fill("so ", "$x=1$ or "))),
    ("value of a name, long segment", lambda: extract._NAMED_VALUE_SEGMENT_RE.fullmatch(_fill("$x=", "1 "))),
    ("degree word after the answer, spaces", lambda: verify(_fill("\\boxed{120}", " ", "degrees"), "\\frac{\\pi}{3}")),
    ("degree word after the answer, repeated", lambda: verify(_fill("", "\\boxed{1} degrees "), "\\frac{\\pi}{3}")),
    ("value of names restated, math", lambda: verify(_fill("The answer is $a+b$", ", which is $1$"), "1")),
    ("alternative after the answer, clauses", lambda: verify(_fill("It took 2 hours", ", or 120 minutes"), "2")),
    ("alternative after the answer, spaces", lambda: restated._OR_RE.match(_fill("12个，或13个", " ", "x"))),
    ("alternative before the answer, words", lambda: verify(_fill("She needs ", "12 or ", "13 boxes."), "13")),
    ("chinese alternatives, digits", lambda: verify(_fill("答：", "1个或", "2个。"), "2")),
    ("list of parts, items", lambda: extract_answer(_fill("Answers:", "\n- Part (a): 1"))),
    ("list of parts, one long item", lambda: extract._LIST_ITEM_RE.fullmatch(_fill("- (a) 1", " a", "x"))),
    ("list of parts after markers", lambda: extract_answer(_fill("", "Answer:\n- (a) 1\n"))),
    ("e-notation, digits", lambda: extract_answer(_fill("so it is 1.5e", "1", "."))),
    ("short words of a sentence", lambda: extract_answer(_fill("", "so it is ", "1."))),
    ("question echoed in the answer line, marks", lambda: verify(_fill("答：", "多少？", "1"), "1")),
    ("question echoed in the answer line, words", lambda: verify(_fill("答：", "多少", "？1"), "1")),
    ("closing line of parts, clauses", lambda: verify(_fill("（1）1", "；（2）2"), "(1) 1 (2) 2")),
    ("closing line of parts, spaces", lambda: extract._NEXT_PART_RE.search(_fill("；", " ", "x"))),
    ("value a qualifier qualifies, spaces", lambda: extract._QUALIFIED_VALUE_RE.search(_fill("1", " ", "x"))),
    ("value a qualifier qualifies, sentence ends", lambda: extract._QUALIFIED_VALUE_RE.search(_fill("1", ". A", ","))),
    ("chinese clock, hours", lambda: answers._ZH_CLOCK_RE.sub("", _fill("下午", "1点"))),
    ("chinese clock, spaces", lambda: answers._ZH_CLOCK_RE.sub("", _fill("下午", " ", "1点"))),
    ("chinese clock in a solution", lambda: verify(_fill("答：", "下午3点半，"), "15:30")),
    ("chinese clock token, hours", lambda: extract._NUMBER_RE.findall(_fill("", "下午1点"))),
    ("chinese ratio in words, digits", lambda: answers._ZH_RATIO_RE.sub("", _fill("", "1", "比x"))),
    ("chinese ratio in words, ratios", lambda: answers._ZH_RATIO_RE.sub("", _fill("", "1比"))),
    ("chinese ratio token, digits", lambda: extract._NUMBER_RE.findall(_fill("1比", "1", "比x"))),
    ("chinese jiao, digits", lambda: answers._JIAO_RE.sub("", _fill("", "1角"))),
    ("conditional alternative, words", lambda: restated._OR_RE.match(_fill("1 (or 2 if", " x", "("))),
    ("chinese half durations", lambda: answers._ZH_HALF_DURATION_RE.sub("", _fill("", "半个"))),
    ("chinese clock, bare hours", lambda: answers._ZH_CLOCK_RE.sub("", _fill("", "3点"))),
    ("chinese clock token, bare hours", lambda: extract._NUMBER_RE.findall(_fill("", "3点"))),
    ("chinese tenths and hundredths", lambda: answers._ZH_TENTHS_RE.sub("", _fill("", "1成"))),
    ("reason after the answer, reasons", lambda: extract._REASON_RE.search(_fill("1", " since", "\n"))),
    ("reason after the answer, spaces", lambda: extract._REASON_RE.search(_fill("1,", " ", "since"))),
    ("reason after an option, options", lambda: extract_choice(_fill("answer is C", ", since option B"))),
    ("listed values of names, spaces", lambda: extract._ASSIGNMENT_GAP_RE.fullmatch(_fill("", " ", "x"))),
    ("listed values of names, segments", lambda: extract_answer(_fill("So ", "$x = 1$, "))),
    ("courtesy, spaces", lambda: extract._COURTESY_RE.search(_fill(".hope this helps", " "))),
    ("courtesy, courtesies", lambda: extract._COURTESY_RE.search(_fill("", ".let me know "))),
    ("part gap, bullets", lambda: extract._PART_GAP_RE.fullmatch(_fill("", "- ", "(b)"))),
    ("sentence ends, periods", lambda: extract._SENTENCE_END_RE.split(_fill("", "."))),
    ("cyrillic unit, letters", lambda: answers._CYRILLIC_UNIT_RE.sub("", _fill("1", "к"))),
    ("korean ending, syllables", lambda: extract_answer(_fill("정답은 1", "개"))),
    ("spaced thousands and a decimal comma", lambda: normalize._SPACED_DECIMAL_COMMA_RE.sub("", _fill("1", " 000"))),
    ("braced decimal commas", lambda: normalize._BRACED_DECIMAL_COMMA_RE.sub(",", _fill("1", "{,}1"))),
    ("alternative in brackets, spaces", lambda: restated._OR_RE.match(_fill("12 (", " ", "или"))),
    ("alternative before the answer, or words", lambda: verify(_fill("Ответ: ", "1 или ", "2"), "2")),
    ("chinese condition clause, spaces", lambda: extract_answer(_fill("所以当", " ", "时，2"))),
    ("european words, letters", lambda: verifiers_verify._EUROPEAN_RE.search(_fill("", "ответ", "x"))),
    ("listed options, options", lambda: choices.listed_option(_fill("", "A. 1 "), "A")),
    ("listed options, one long line", lambda: choices.listed_option(_fill("A. ", "1 "), "A")),
    ("hedged letters, spaces", lambda: choices.options_offered_instead(_fill("A", " ", "x"), frozenset("A"))),
    ("named set builder, unions", lambda: answers._SET_NAME_RE.match(_fill("A", "\\cup B"))),
    ("correction after a negation, commas", lambda: extract_answer(_fill("答：不是1", "，"))),
    ("boxes in clauses, boxes", lambda: extract.last_line_boxes(_fill("", "\\boxed{1}，体积是 "))),
    ("option stops, letters", lambda: extract_answer(_fill("答案为：", "B. 8 "))),
    ("chinese clock in hours and minutes, digits", lambda: verifiers_verify._zh_clock_time(_fill("", "1时1分"))),
    ("closing value of prose, digits", lambda: restated._CLOSING_VALUE_RE.search(_fill("", "1 "))),
    ("chosen options, lists", lambda: choices.chosen_letters(_fill("选", "A、"))),
    ("hedged letters, ruled out", lambda: choices.options_offered_instead(_fill("", "A或C ", "都"), frozenset("A"))),
    ("prose numbers with a scale, digits", lambda: verifiers_verify._PROSE_NUMBER_RE.findall(_fill("", "1.1"))),
    ("end tokens, struck spans", lambda: extract._before_end_token(_fill("<s>", "</s>"))),
    ("end tokens, leading", lambda: extract._before_end_token(_fill("", "</s> ", "1"))),
    ("loop cut off, repeated lines", lambda: extract._before_loop_cut_off(_fill("", "#### 26\n", "#### 2"))),
    ("loop cut off, one long line", lambda: extract._LOOP_PIECE_RE.findall(_fill("", "a"))),
    ("next exercise, numbered parts", lambda: extract._before_next_exercise(_fill("So 1 = 1.", "\nQuestion 2:", "1"))),
    ("next exercise, headings", lambda: extract._NEXT_EXERCISE_RE.findall(_fill("", "\n### Question  ", "x"))),
    ("next exercise, worked steps", lambda: extract._WORKED_RE.search(_fill("", "1 = ", "x"))),
    ("next turn, headers", lambda: extract._before_next_turn(_fill("1", "\n### ", "Instruction"))),
    ("next turn, role names", lambda: extract._before_next_turn(_fill("1", ".user ", "x"))),
    ("unfinished tail, sentence ends", lambda: extract._UNFINISHED_TAIL_RE.search(_fill("", "Mr. a ", "x"))),
    ("unfinished tail, words", lambda: extract._cut_off_mid_step(_fill("1. ", "then the "))),
    ("ruled-out values, remarks", lambda: answers.without_ruled_out(_fill("x=1", " 或 x=2（舍去）"))),
    ("ruled-out values, separators", lambda: answers.without_ruled_out(_fill("", ", ", "x=2（舍去）"))),
    ("money before a blank line", lambda: extract_answer(_fill("Answer: $1", "\n\n$"))),
    ("sentence scan, blank lines", lambda: extract._first_sentence(_fill("$", "\n \n"))),
    ("chinese unit in brackets, digits", lambda: answers._ZH_UNIT_IN_PARENS_RE.sub("", _fill("", "1（个"))),
    ("ruled-out values, negations", lambda: verify(_fill("The answer is ", "not "), "7")),
    ("ruled-out values, inside", lambda: restated._RULED_OUT_INSIDE_RE.match(_fill("\\text{", " ", "not 7"))),
    ("task sentences, spaces", lambda: extract._TASK_RE.match(_fill("we need to", " ", "find"))),
    ("task sentences, questions", lambda: verify(_fill("Tom has 5. ", "How many? "), "5")),
    ("alternative values after, spaces", lambda: restated._ALTERNATIVE_AFTER_RE.match(_fill("1", " ", "or 2"))),
    ("alternative values after, words", lambda: verify(_fill("The answer is 3", " or possibly 4"), "3")),
    ("alternative values before, words", lambda: verify(_fill("", "3, but it might also be "), "4")),
    ("answers in a row, lines", lambda: verify(_fill("", "Answer: 1\nAnswer: 2\n"), "2")),
    ("answers in a row, options", lambda: verify(_fill("", "答案：A\n"), "A")),
    ("values listed at the end, items", lambda: verify(_fill("The answers are ", "1, "), "1")),
    ("options offered instead, letters", lambda: verify(_fill("", "A or "), "A")),
    ("options offered instead, spaces", lambda: choices._LETTER_OR_RE.search(_fill("A", " ", "or B"))),
    ("verdicts on the answer, markers", lambda: verify(_fill("", "the answer is correct. "), "7")),
    ("answers in a row, boxes in paragraphs", lambda: verify(_fill("", "\\boxed{1}\n\n"), "1")),
    ("parenthesised values, spaces", lambda: restated._PARENTHESISED_VALUE_RE.match(_fill("1", " ", "(2?)"))),
    ("lists trailing off, dots", lambda: verify(_fill("\\boxed{1", ", \\ldots", "}"), "1")),
    ("options also right, letters", lambda: verify(_fill("选A，", "B也对，"), "A")),
    ("options listed, labels", lambda: verify(_fill("", "A. 1 B. 2 C. 3 D. 4 "), "A")),
    ("options listed, spaces", lambda: extract._OPTION_LABEL_RE.findall(_fill("A.", " ", "x"))),
    ("closing list, numbers", lambda: extract._CLOSING_LIST_RE.search(_fill("are ", "1, ", "x"))),
    ("closing list, spaces", lambda: extract._CLOSING_LIST_RE.search(_fill("are 1", " ", "x"))),
    ("closing list, copulas", lambda: extract._CLOSING_LIST_RE.search(_fill("", "is 1 or ", "x"))),
    ("options stated correct, lists", lambda: choices._STATED_CORRECT_RE.search(_fill("正确的是", "A和", "x"))),
    ("labelled option key, spaces", lambda: verify("1", _fill("(B)", " ", "12"))),
    ("full-width labelled option, spaces", lambda: labelled_option(_fill("B．", " ", "12"))),
    ("exact form, spaces between digits", lambda: verifiers_verify._exact_form(_fill("1", " ", "1"))),
    ("exact form, digits and spaces", lambda: verifiers_verify._exact_form(_fill("", "1 "))),
    ("vulgar fractions, digits", lambda: normalize.vulgar_fractions(_fill("", "1½"))),
    ("judgement mark, spaces", lambda: answers.judgement_mark(_fill("(", " ", "×)"))),
    ("key approximation, spaces", lambda: verifiers_verify._KEY_APPROXIMATION_RE.match(_fill("", " ", "about"))),
    ("units per unit, slashes", lambda: restated._unit_after(_fill("1", " km/", "h"), 1)),
    ("chinese clause values, clauses", lambda: verifiers_verify._clause_values(_fill("", "鸡有1只，"))),
    (
        "chinese clause values, one long clause",
        lambda: verifiers_verify._clause_values(_fill("鸡有", "1.1", "，兔有2只")),
    ),
    ("solved clause at the end, clauses", lambda: extract_answer(_fill("所以 $x=1$", "，解得 $x=1$"))),
    ("solved clause at the end, dollars", lambda: extract._ZH_SOLVED_AT_END_RE.search(_fill("，解得 ", "$"))),
    ("possessive math, dollars", lambda: extract._POSSESSIVE_MATH_RE.match(_fill("", "$ ", "的"))),
    ("value after a condition, clauses", lambda: extract._VALUE_AFTER_CONDITION_RE.search(_fill("时", "，当x时"))),
    ("complement set builder, braces", lambda: answers._SET_NAME_RE.match(_fill("\\complement_", "{"))),
    ("counting symbols, subscripts", lambda: verify(_fill("", "C_5^2 "), "10")),
    ("blanks between semicolons, brackets", lambda: answers._blanks(_fill("", "(;", ")"))),
    ("blanks between semicolons, keys", lambda: verify(_fill("", "1；"), _fill("", "1；"))),
    ("worked values, equalities", lambda: extract._RESULT_RE.findall(_fill("", "= 1 ", "x"))),
    ("worked values, thousands", lambda: extract._RESULT_RE.findall(_fill("= 1", ",000", "x"))),
    ("sentence values, commas", lambda: extract._SENTENCE_VALUE_RE.findall(_fill("", "1,"))),
    ("worked value of a closing sentence", lambda: extract_answer(_fill("", "1 + 2 = 3. ", "So 3 of 1 left."))),
    ("restated in its sentence, dots", lambda: extract._RESTATED_RE.search(_fill("1, which is ", ".x"))),
    ("qualifier, thousands", lambda: extract._QUALIFIER_RE.search(_fill("1 to fill ", "1,000"))),
]


# Blind round mv: the patterns it added.
MV_PATTERN_FAMILIES = [
    ("english clause between boxes, ands", lambda: extract._EN_CLAUSE_GAP_RE.search(_fill("", "and the "))),
    ("boxes in english clauses, boxes", lambda: extract.last_line_boxes(_fill("", "\\boxed{1} and the area is "))),
    ("curve name, colons", lambda: answers._CURVE_LABEL_RE.match(_fill("C: ", "x+"))),
    ("curve name, equals", lambda: answers._CURVE_LABEL_RE.match(_fill("C: x", "="))),
    ("points left out, inequalities", lambda: verify(_fill("", "x > 1, x \\neq 2, "), "(1, 2)")),
    ("candidate values, modals", lambda: restated.hedged(_fill("", "it might be 7 "))),
    ("candidate values, digits", lambda: restated.hedged(_fill("the answer is ", "1"))),
    ("ruled-out value, nots", lambda: extract_answer(_fill("The answer is 1", ", not "))),
    ("closing list, values", lambda: extract.closing_list(_fill("The roots are 1", ", 1"))),
    ("closing list, segments", lambda: extract.closing_list(_fill("are ", "$1$, "))),
    ("closing list, ands", lambda: verify(_fill("The roots are 1", " and 1"), "1, 2")),
]
PATTERN_FAMILIES += MV_PATTERN_FAMILIES


@pytest.mark.parametrize("call", [c for _, c in PATTERN_FAMILIES], ids=[n for n, _ in PATTERN_FAMILIES])
def test_pattern_family_is_linear_on_a_long_adversarial_string(call):
    began = time.perf_counter()
    call()
    seconds = time.perf_counter() - began
    assert seconds < TIMEOUT + MARGIN, f"{seconds:.1f} s"


REGEX_SHAPES = [
    Shape("units repeated", lambda n: "1" + " cm" * n + " #"),
    Shape("trailing label word", lambda n: "1\\text{" + "a" * n + "#"),
    Shape("letter marker spaces", lambda n: "answer" + " " * n + "#", "A"),
    Shape("newlines", lambda n: "\n" * n + "#", "A"),
    Shape("chinese numeral units", lambda n: "百" * n),
]


@pytest.mark.parametrize("shape", REGEX_SHAPES, ids=lambda s: s.name)
def test_regex_shape_returns_within_its_timeout(shape):
    for pred, gold in (
        (shape.make(ADVERSARIAL_CHARS // 3), shape.gold),
        (shape.gold, shape.make(ADVERSARIAL_CHARS // 3)),
    ):
        seconds, _ = _timed(pred, gold)
        assert seconds < TIMEOUT + MARGIN, f"{shape.name}: {seconds:.1f} s"


def test_only_the_last_boxes_are_read():
    text = "".join(f"\\boxed{{{k}}} " for k in range(1000)) + "so the answer is \\fbox{7}"
    boxes = find_boxes(text)
    assert len(boxes) == MAX_BOXES_READ and boxes[-1].content == "7" and boxes[0].content == "745"
    assert extract_answer(text) == "7"
    assert find_boxes("\\boxed{1} and \\boxed{2}")[0].content == "1"  # fewer than the limit: all of them
