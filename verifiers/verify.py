"""``verify``: one prediction against one gold answer, bounded in time, never raising."""

from __future__ import annotations

import re
import time
from fractions import Fraction
from itertools import permutations

from .answers import (
    NEGATION_RE,
    TOO_LONG,
    Parsed,
    is_text_answer,
    judgement_mark,
    parse_answer,
    part_texts,
    simplify_text,
    solution_verdict,
    stated_modulus,
    zh_clock_times,
)
from .choices import (
    LabelledOption,
    choice_letter,
    choice_letters,
    chosen_letters,
    labelled_option,
    letter_in_arithmetic,
    letters_stated_correct,
    options_offered_instead,
)
from .compare import Comparer, Outcome
from .evaluate import NotExact, NotNumeric, exact_value
from .extract import (
    answers_in_a_row,
    closing_list,
    cut_off_in_thinking,
    extract_answer,
    extract_choice,
    last_line_boxes,
    sets_the_task,
    worked_value,
)
from .limits import MAX_TEXT_CHARS, Deadline, TooLarge, VerifierTimeout
from .nodes import ClockTime, Const, Div, ListOf, Mul, Neg, Node, Num, Rel, Sym, replaced
from .normalize import clean_latex, plain_characters
from .restated import (
    PI_AS_DECIMAL,
    approximated_by,
    hedged,
    in_degrees,
    in_other_units,
    key_unit_factor,
    offered_instead,
    restates_inside,
    ruled_out,
    stated_equivalents,
)
from .verdict import Verdict

DEFAULT_TIMEOUT = 2.0
ANSWER_TYPES = {"number", "expression", "choice", "set", "interval", "tuple", "matrix", "text", "equation"}
_DECIMAL_COMMA_RE = re.compile(r"^-?(?:0|[1-9]\d*),(?!\d{3}$)\d+$|^-?0,\d+$")


def verify(prediction: str, gold: str, *, answer_type: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> Verdict:
    """Judge ``prediction`` (a bare answer or a whole solution) against the key ``gold``."""
    if answer_type is not None and answer_type not in ANSWER_TYPES:
        raise ValueError(f"unknown answer_type {answer_type!r}; expected one of {sorted(ANSWER_TYPES)}")
    if not isinstance(prediction, str) or not isinstance(gold, str):
        raise TypeError("prediction and gold must be strings")
    start = time.perf_counter()
    deadline = Deadline(timeout)  # before any work: the clock covers the input checks too
    try:
        verdict = _judge(bounded_text(prediction), bounded_text(gold), answer_type, deadline)
    except VerifierTimeout as exc:
        verdict = Verdict(False, "none", None, ("", ""), str(exc), "timeout")
    except TooLarge as exc:
        verdict = Verdict(False, "none", None, ("", ""), f"could not compare: {exc}", "error")
    except Exception as exc:
        verdict = Verdict(False, "none", None, ("", ""), f"could not compare: {type(exc).__name__}: {exc}", "error")
    elapsed = (time.perf_counter() - start) * 1000
    return Verdict(
        verdict.correct, verdict.method, verdict.extracted, verdict.normalized, verdict.reason, verdict.status, elapsed
    )


def bounded_text(text: str) -> str:
    """The last ``MAX_TEXT_CHARS`` of ``text`` (the answer is at the end), lone surrogates dropped.

    Every later scan is linear in this length, and a lone surrogate (``"\\ud800"``, not a character
    on its own) cannot reach an encoder (a worker's output, a JSON file) and fail there. Characters
    that print nothing, HTML references and markdown escapes are read as printed (``plain_characters``).
    """
    text = text[-MAX_TEXT_CHARS:]
    return plain_characters(text.encode("utf-8", "ignore").decode("utf-8"))


def _judge(prediction: str, gold: str, answer_type: str | None, deadline: Deadline) -> Verdict:
    gold_text = extract_answer(gold, fallback=False) or gold.strip()
    gold_text = judgement_mark(gold_text) or gold_text  # √ / ×: a true-or-false key, yes / no
    if cut_off_in_thinking(prediction):  # <think> ... So maybe the answer is 40. But wait, let me che
        return Verdict(False, "none", None, ("", gold_text), "the reasoning was cut off before a final answer")
    if answer_type == "choice" or (answer_type is None and _is_choice_key(gold_text)):
        return _judge_choice(prediction, gold_text)
    option = labelled_option(gold_text, colon=False) if answer_type in (None, "choice") else None
    if option is not None and not _is_choice_key(option.value):  # B. 12, (B) 12, \\textbf{(B) } 12
        return _judge_labelled_key(prediction, option, deadline)
    pred_text = extract_answer(prediction, value=True)
    if pred_text is None and answer_type in (None, "text") and simplify_text(gold_text) in ("yes", "no"):
        return _judge_text("", gold_text, prediction)  # ... "Yes, it is.": no value, but a verdict
    if pred_text is None:
        return Verdict(False, "none", None, ("", gold_text), "no answer found in the prediction")
    if ")," in gold_text and "permutation" in prediction[-_ALL_ORDERS_CHARS:].lower():
        pred_text = _in_all_orders(prediction, pred_text) or pred_text  # (1,2,3) and permutations
    gold_parsed = parse_answer(gold_text, deadline)
    if ruled_out(prediction, pred_text):  # The answer is not 7; 答案不是7: no answer
        return Verdict(False, "none", pred_text, (pred_text, gold_text), "the value is ruled out, not given")
    if _goes_on(pred_text, prediction) and not _goes_on(gold_text, gold):  # 3, \ldots against 3
        return Verdict(False, "none", pred_text, (pred_text, gold_text), "a list that goes on, not the answer")
    stated_list = _closing_list_for_listed_key(prediction, pred_text, gold_parsed, deadline)
    if stated_list is not None:  # The roots are 1 and 2. / There could be 12 or 13 students.
        return stated_list
    if (
        offered_instead(prediction, pred_text, deadline)
        or hedged(prediction)
        or _other_answers_in_a_row(prediction, pred_text, deadline)
    ):
        reason = "another value offered as an alternative (a hedge)"  # 12, or 13; Answer: 12\nAnswer: 13
        return Verdict(False, "none", pred_text, (pred_text, gold_text), reason)
    single = gold_parsed.node is not None and Comparer(deadline).kind(gold_parsed.node) == "scalar"
    if single and _closing_values(prediction, pred_text):  # The solutions are 2, 3, and 4. against 4
        return Verdict(False, "none", pred_text, (pred_text, gold_text), "the closing sentence lists several values")
    # Identical text is the same answer, however long (a 100,000-digit number against itself),
    # unless a unit after it makes it another quantity (50 cents against $50).
    if (
        (gold_parsed.node is not None or gold_parsed.error == TOO_LONG)
        and _exact_form(pred_text) == _exact_form(gold_text)
        and not in_other_units(prediction, pred_text, gold, gold_text)
    ):
        return Verdict(True, "exact", pred_text, (pred_text, gold_text), "identical after normalization")
    if gold_parsed.node is None:
        if answer_type == "text" or is_text_answer(gold_parsed):
            return _judge_text(pred_text, gold_text, prediction)
        return Verdict(
            False,
            "none",
            pred_text,
            ("", gold_parsed.text),
            f"the gold answer could not be parsed ({gold_parsed.error})",
            "error",
        )
    pred_parsed = _parse_prediction(pred_text, deadline, prediction)
    last_clause = _last_zh_clause_number(pred_text, pred_parsed)
    if isinstance(gold_parsed.node, Num) and last_clause is not None:
        # 每组有8人，可以分成6组 against one value: the last clause carries the answer
        pred_parsed = Parsed(pred_parsed.text, last_clause, pred_parsed.percent)
    restated = (
        _judge_restated(prediction, pred_text, gold_parsed, gold_text, deadline) if pred_parsed.node is None else None
    )
    if restated is not None:
        return restated
    if pred_parsed.node is None:
        return Verdict(
            False,
            "none",
            pred_text,
            (pred_parsed.text, gold_parsed.text),
            f"the predicted answer could not be parsed ({pred_parsed.error})",
        )
    degrees = (in_degrees(prediction, pred_text), in_degrees(gold, gold_text))  # \boxed{120} degrees
    european = _EUROPEAN_RE.search(prediction) is not None
    outcome = _compare_readings(pred_parsed, gold_parsed, deadline, degrees, european)
    if outcome.correct and in_other_units(prediction, pred_text, gold, gold_text):  # 2.5 minutes vs 2.5 hours
        return Verdict(False, outcome.method, pred_text, (pred_parsed.text, gold_parsed.text), "another unit")
    if outcome.correct and _other_modulus(pred_text, gold_text):  # n ≡ 1 (mod 5) against n ≡ 1 (mod 3)
        return Verdict(False, outcome.method, pred_text, (pred_parsed.text, gold_parsed.text), "another modulus")
    if outcome.correct and _other_quantities_valued(
        pred_text, gold_text
    ):  # 鸡有12只，兔有23只 against 鸡有23只，兔有12只
        reason = "each quantity's value against the key's for that quantity"
        return Verdict(False, outcome.method, pred_text, (pred_parsed.text, gold_parsed.text), reason)
    converted = (
        None
        if outcome.correct
        else _in_key_units((prediction, pred_text), pred_parsed, (gold, gold_text), gold_parsed, deadline)
    )
    if converted is not None:  # 120 minutes against the key 2 hours
        return converted
    listed = None if outcome.correct else _boxes_for_listed_key(prediction, gold_parsed, deadline)
    if listed is not None:
        return listed
    if not outcome.correct and isinstance(gold_parsed.node, ClockTime):
        clock = _zh_clock_time(pred_text)
        if clock is not None:  # 火车在12时15分到达 against the clock key 12:15
            second = _compare_readings(parse_answer(clock, deadline), gold_parsed, deadline)
            return Verdict(second.correct, second.method, pred_text, (clock, gold_parsed.text), second.reason)
    approximated = _APPROXIMATED_RE.search(prediction[-_APPROXIMATED_CHARS:]) is not None  # ...，约 28.26
    if not (outcome.correct or approximated) and _with_pi_as_314(pred_parsed.node, gold_parsed.node, deadline):
        reason = "equal with π = 3.14, as the key computes"  # 25π against the CMATH key 78.5
        return Verdict(True, "exact", pred_text, (pred_parsed.text, gold_parsed.text), reason)
    if (
        not outcome.correct
        and _KEY_APPROXIMATION_RE.match(gold_text)
        and approximated_by(pred_parsed.node, gold_parsed.node, deadline)
        and not in_other_units(prediction, pred_text, gold, gold_text)
    ):  # 3.14159 or \pi against the key \approx 3.14
        reason = "the key approximates the answer"
        return Verdict(True, "numeric", pred_text, (pred_parsed.text, gold_parsed.text), reason)
    restated = None if outcome.correct else _judge_restated(prediction, pred_text, gold_parsed, gold_text, deadline)
    if restated is not None:  # $3 \mid n-1$, i.e. for all $n \equiv 1 \pmod 3$: the same answer in the key's form
        return restated
    if not outcome.correct and _is_number(gold_parsed.node):
        for stated in stated_equivalents(prediction, pred_text, pred_parsed, deadline):
            second = _compare_readings(stated, gold_parsed, deadline)
            if second.correct:  # 9π ≈ 28.26 against a key computed with π = 3.14; 3小时，即180分钟
                reason = "the same quantity stated again"
                return Verdict(True, second.method, pred_text, (stated.text, gold_parsed.text), reason)
    return Verdict(outcome.correct, outcome.method, pred_text, (pred_parsed.text, gold_parsed.text), outcome.reason)


# A number, a few words and 或 / 也可能 (12个苹果或13个苹果; 12，但也可能是13): an alternative offered, a hedge.
_ALTERNATIVE_RE = re.compile(r"\d[^\d\n]{0,8}(?:或|也?可能|也许)")


def _other_answers_in_a_row(prediction: str, pred_text: str, deadline: Deadline) -> bool:
    """Whether answer statements just before the final one give other values (``Answer: 1\nAnswer:
    2\nAnswer: 3``): a hedge, whichever the key is. The same value stated twice is none."""
    earlier = answers_in_a_row(prediction)
    if not earlier:
        return False
    final = parse_answer(pred_text, deadline)
    # The final answer may list the earlier boxes itself (\boxed{1}, \boxed{2}: the list 1, 2).
    readings = [final] + (
        [Parsed(pred_text, item) for item in final.node.items] if isinstance(final.node, ListOf) else []
    )
    for answer in earlier:
        parsed = parse_answer(answer, deadline)
        if final.node is None or parsed.node is None:
            if _exact_form(answer) != _exact_form(pred_text):
                return True
        elif not any(_compare_readings(parsed, reading, deadline).correct for reading in readings):
            return True
    return False


# A list that trails off (3, \ldots; 1, 2, 3, ...; 3,…): it goes on past what it names.
_OPEN_LIST_RE = re.compile(
    r",\s{0,3}(?:\\[lc]?dots[bc]?(?![a-zA-Z])|\.\.\.|…)\s{0,3}(?:(?:\\?[)\]}]|\$)\s{0,3}){0,3}[.。]?\s{0,3}$"
)
_OPEN_LIST_CHARS = 40


def _goes_on(answer: str, text: str) -> bool:
    """Whether the answer is a list that trails off, or one whose dots the extraction cut (``3,``
    from ``The answer is 3, ...``)."""
    if _OPEN_LIST_RE.search(answer):
        return True
    return answer.rstrip().endswith(",") and _OPEN_LIST_RE.search(text[-_OPEN_LIST_CHARS:]) is not None


# The answer said again in math closing its sentence: "$X$, i.e. for all $Y$.", "$X$ (that is, $Y$)".
_RESTATED_MATH_RE = re.compile(
    r"\$?[^\S\n]{0,3},?[^\S\n]{0,3}\(?(?:i\.\s?e\.|that\sis|namely|equivalently),?[^\S\n]{1,3}"
    r"(?:[a-zA-Z]{1,12}[^\S\n]{1,3}){0,4}\$([^$\n]{1,200})\$\)?[^\S\n]{0,3}\.?\s*$",
    re.IGNORECASE,
)


def _restated_math(prediction: str, pred_text: str) -> str | None:
    """The math that restates the answer right after it, closing the solution, if any."""
    end = prediction.rfind(pred_text, max(0, len(prediction) - 400))
    if end < 0 or "i" not in prediction[-300:]:
        return None
    m = _RESTATED_MATH_RE.match(prediction, end + len(pred_text))
    return None if m is None else m.group(1).strip()


def _judge_restated(
    prediction: str, pred_text: str, gold: Parsed, gold_text: str, deadline: Deadline
) -> Verdict | None:
    """A verdict of right where the math restating the answer after it equals the key; None otherwise."""
    restated = _restated_math(prediction, pred_text)
    if restated is None:
        return None
    second = _compare_readings(parse_answer(restated, deadline), gold, deadline)
    if not second.correct or _other_modulus(restated, gold_text):
        return None
    return Verdict(True, second.method, pred_text, (restated, gold.text), "the answer restated")


def _other_modulus(pred_text: str, gold_text: str) -> bool:
    """Whether the answer and the key each close on a modulus, and they differ."""
    gold_modulus = stated_modulus(gold_text) if "mod" in gold_text else None
    pred_modulus = stated_modulus(pred_text) if gold_modulus is not None else None
    return pred_modulus is not None and pred_modulus != gold_modulus


# A tuple given with all its orders ("$(a,b,c) = (1,2,3)$ and permutations", "up to permutation").
_ALL_ORDERS_CHARS = 200
_ALL_ORDERS_RE = re.compile(
    r"\b(?:and|with|or)\s{1,3}(?:all\s{1,3})?(?:its\s{1,3}|their\s{1,3})?permutations\b|\bup\s{1,3}to\s{1,3}permutations?\b",
    re.IGNORECASE,
)
_LAST_TUPLE_RE = re.compile(r"\(([^()=,]{1,20}(?:,[^()=,]{1,20}){1,3})\)\s{0,3}$")


def _in_all_orders(prediction: str, pred_text: str) -> str | None:
    """The tuple that closes ``pred_text`` listed in each of its orders, where the solution
    gives it with all its permutations; None otherwise."""
    if not _ALL_ORDERS_RE.search(prediction[-_ALL_ORDERS_CHARS:]):
        return None
    m = _LAST_TUPLE_RE.search(pred_text)
    if m is None:
        return None
    items = [item.strip() for item in m.group(1).split(",")]
    orders = dict.fromkeys(permutations(items))
    return ", ".join(f"({','.join(order)})" for order in orders)


def _is_number(node: Node | None) -> bool:
    """A number key, negative ones included (``-3``)."""
    return isinstance(node, Num) or (isinstance(node, Neg) and isinstance(node.operand, Num))


_ZH_BOUND_RE = re.compile(r"至少|至多|最少|最多|不少于|不多于|不超过|不低于|不高于|以上|以下")
_ZH_CLAUSE_SEPARATOR_RE = re.compile(r"[\u4e00-\u9fff\d][，；][\u4e00-\u9fff]")


def _last_zh_clause_number(text: str, parsed: Parsed) -> Node | None:
    """The last number of a Chinese sentence whose clauses each hold one (``甲有12本，乙有24本``,
    parsed as the list 12, 24); None for any other answer, and for one whose second clause states
    the first's value again (``3个小时，即180分钟``: ``restated`` judges it)."""
    node = parsed.node
    if (
        isinstance(node, ListOf)
        and not restates_inside(text)
        and not _ALTERNATIVE_RE.search(text)  # 12个，或13个: a hedge, not clauses
        and len(_ZH_BOUND_RE.findall(text)) < 2  # 至少3个，至多5个: a range, not clauses
        and all(isinstance(item, Num) for item in node.items)
        and len(_ZH_CLAUSE_SEPARATOR_RE.findall(text)) == len(node.items) - 1
    ):
        return node.items[-1]
    return None


def _is_choice_key(text: str) -> bool:
    letters = choice_letters(text)
    return letters is not None and re.search(r"[A-J]", text) is not None


def _judge_choice(prediction: str, gold_text: str) -> Verdict:
    """An option key (``B``, or several: ``ACD``) against the options the solution commits to."""
    gold = choice_letters(gold_text)
    if gold is None:
        return Verdict(False, "choice", None, ("", gold_text), "the gold answer is not an option letter", "error")
    pred = _committed_letters(prediction)
    shown, key = "".join(sorted(pred or ())), "".join(sorted(gold))
    earlier = [choice_letters(answer) for answer in answers_in_a_row(prediction)]  # Answer: A\nAnswer: B
    if pred is not None and (
        options_offered_instead(prediction, pred) or any(e is not None and not e <= pred for e in earlier)
    ):  # 故选A或B
        return Verdict(False, "choice", shown, (shown, key), "another option offered as an alternative (a hedge)")
    reason = f"option {shown or 'none'} vs key {key}"
    return Verdict(pred == gold, "choice", shown or None, (shown, key), reason)


def _judge_labelled_key(prediction: str, option: LabelledOption, deadline: Deadline) -> Verdict:
    """A key that writes its option with the content (``B. 12``, ``\\textbf{(B) } 12``): a final answer
    that is that option with content (``(B) 12``) is judged by the content too, one that is an option
    (``故选B``, ``(C) 15``) by the letter, any other by the content."""
    final = extract_answer(prediction)
    written = labelled_option(final) if final is not None else None
    if written is not None and written.letter == option.letter:
        return _judge(prediction, option.value, None, deadline)  # (B) 13 against (B) 12: both must hold
    if final is not None and (choice_letters(final) is not None or written is not None):
        return _judge_choice(prediction, option.letter)
    return _judge(prediction, option.value, None, deadline)


def _committed_letters(prediction: str) -> frozenset[str] | None:
    """The options a solution chooses; none when its final answer has arithmetic around a letter.

    Several letters (``答案是 A、C``) are all chosen; an option written with its content
    (``The answer is (C) 12``) is that option.
    """
    single = choice_letter(prediction)
    if single is not None:
        return frozenset(single)
    final = extract_answer(prediction)
    if final is not None:
        letters = choice_letters(final)
        if letters is not None and len(letters) > 1:
            return letters
        option = labelled_option(final)
        if option is not None:
            return frozenset(option.letter)
        if letters is None and letter_in_arithmetic(final):
            return None
    stated = letters_stated_correct(prediction) or chosen_letters(prediction)  # 选项A、B、D正确; 本题选 A、C
    if stated is not None:
        return stated
    letter = extract_choice(prediction)
    return frozenset(letter) if letter else None


_MAX_TEXT_SENTENCE = 120
_AFTER_COPULA_RE = re.compile(r"^.*(?:\b(?:is|are|was|were)\s+|是|为)", re.DOTALL)


def _judge_text(pred_text: str, gold_text: str, prediction: str) -> Verdict:
    """Prose answers compared loosely; a short sentence's words after its copula may be the answer
    (``The triangle is a right triangle.``); a yes/no key reads the solution's verdict."""
    p, g = simplify_text(pred_text), simplify_text(gold_text)
    if g in ("yes", "no"):
        p = solution_verdict(pred_text, prediction) or p
    elif p != g and len(pred_text) <= _MAX_TEXT_SENTENCE and not NEGATION_RE.search(pred_text):
        p = simplify_text(_AFTER_COPULA_RE.sub("", pred_text))
    if p != g and (_BOUND_NAME_RE.fullmatch(pred_text[:80]) or _BOUND_NAME_RE.fullmatch(gold_text[:80])):
        p, g = simplify_text(_without_bound_name(pred_text)), simplify_text(_without_bound_name(gold_text))
    if p != g and len(pred_text) <= _MAX_TEXT_SENTENCE and _closes_with_key(pred_text, gold_text):
        p = g  # Hence the limit does not exist. against the key "does not exist"
    ok = bool(g) and p == g
    return Verdict(ok, "text", pred_text, (p, g), "same text" if ok else "different text")


# Spaces, and those between two digits: a mixed number's (3 1/2) or a thousands separator's (1 000),
# kept as one space so that 3 1/2 is never the same text as 31/2.
_SPACES_RE = re.compile(r"(?<=\d)(\s+)(?=\d)|\s+")


# The name of a set's members after the words that name the set (all primes p, \text{all primes } p).
_BOUND_NAME_RE = re.compile(
    r"\s{0,3}(?:\\text\s?\{\s?)?((?:all|every|each|any)(?:\s{1,3}[a-zA-Z]{1,15}){1,3})"
    r"(?=[\s}$])[\s}]{0,4}\$?\s?[a-zA-Z]\s?\$?\s{0,2}\.?\s{0,2}",
    re.IGNORECASE,
)


def _without_bound_name(text: str) -> str:
    """A set named in words without the name of its members (``all primes $p$``: ``all primes``)."""
    m = _BOUND_NAME_RE.fullmatch(text)
    return text if m is None else m.group(1)


_WORD_RE = re.compile(r"(?<!\\)\b[a-zA-Z]+\b")
_MAX_SUBJECT_WORDS = 6


def _closes_with_key(pred_text: str, gold_text: str) -> bool:
    """Whether a short sentence ends on the words of a key phrase of two words or more, after a few
    words that negate nothing (``Hence the limit does not exist.``)."""
    key = [w.lower() for w in _WORD_RE.findall(gold_text)]
    words = [w.lower() for w in _WORD_RE.findall(pred_text)]
    subject = words[: len(words) - len(key)]
    return (
        len(key) >= 2
        and words[-len(key) :] == key
        and len(subject) <= _MAX_SUBJECT_WORDS
        and not NEGATION_RE.search(" ".join(subject))
        and not re.search(r"\d", pred_text)
    )


def _exact_form(text: str) -> str:
    return _SPACES_RE.sub(lambda m: " " if m.group(1) else "", clean_latex(text)).rstrip(".")


def _parse_prediction(pred_text: str, deadline: Deadline, prediction: str = "") -> Parsed:
    parsed = parse_answer(pred_text, deadline)
    if parsed.node is not None:
        return parsed
    if parsed.error != "answer is prose" or _ALTERNATIVE_RE.search(pred_text) or sets_the_task(parsed.text):
        return parsed  # ... \\boxed{\\text{Find the remainder when 17 is divided by 5}}: no answer
    values = [_last_prose_number(part, deadline) for part in part_texts(pred_text)]
    if values and None not in values:  # (1) 买10本需要30元；(2) 买15本需要45元: each part's value
        return parse_answer("; ".join(f"({i}) {value}" for i, value in enumerate(values, 1)), deadline)
    # 答：需要4辆车才能运完30箱货物 after 3+1=4（辆）: the value worked out, not the given after it
    number = worked_value(prediction, pred_text) or _last_prose_number(pred_text, deadline)
    return parse_answer(number, deadline) if number is not None else parsed


def _last_prose_number(text: str, deadline: Deadline) -> str | None:
    """An answer's value: the answer itself where it parses, else the last number of its prose."""
    parsed = parse_answer(text, deadline)
    if parsed.node is not None:
        return parsed.text
    numbers = _PROSE_NUMBER_RE.findall(parsed.text) if parsed.error == "answer is prose" else []
    if len(set(numbers)) > 1 and not _CJK_RE.search(text):
        return None  # \\text{12 apples and 5 oranges}: no one value (Chinese prose closes with its value)
    return numbers[-1] if numbers else None


# A number in prose, with the power of ten a scale word became (12万 = 12\times 10^{4}); not the
# exponent of such a power on its own.
_PROSE_NUMBER_RE = re.compile(
    r"(?<![a-zA-Z\d])(?<!\^\{)-?\d+(?:[.,]\d+)*(?:/\d+)?(?:\\times 10\^\{\d{1,2}\})?%?(?![a-zA-Z])"
)


# A word of a language that writes a decimal comma and may group thousands by dots (Ответ, Antwort,
# respuesta, risposta, resposta, đáp án, donc, quindi, portanto).
_EUROPEAN_RE = re.compile(
    r"(?<![a-zA-Z\u00c0-\u024f])(?:ответ|итак|r[ée]ponse|donc|antwort|lautet|ergebnis|respuesta|entonces|risposta"
    r"|quindi|resposta|portanto|đáp|vậy)(?![a-zA-Z\u00c0-\u024f])",
    re.IGNORECASE,
)
_DOT_THOUSANDS_RE = re.compile(r"-?[1-9]\d{0,2}(?:\.\d{3}){1,4}(?:,\d{1,15})?")


def _in_key_units(
    prediction: tuple[str, str], pred: Parsed, gold: tuple[str, str], key: Parsed, deadline: Deadline
) -> Verdict | None:
    """A number in another unit of the key's measure that converts to the key's number exactly
    (``120 minutes`` against ``2\\text{ hours}``, ``3角`` against ``0.3元``): a right verdict, else None."""
    answer, wanted = pred.node, key.node
    if (
        answer is None
        or wanted is None
        or pred.percent
        or key.percent
        or not (_is_number(answer) and _is_number(wanted))
    ):
        return None
    factor = key_unit_factor(*prediction, *gold)  # each: the whole text and its answer
    if factor is None:
        return None
    try:
        same = exact_value(answer, deadline) * factor == exact_value(wanted, deadline)
    except (NotExact, NotNumeric):
        return None
    reason = "the same quantity in the key's units"
    return Verdict(True, "exact", prediction[1], (pred.text, key.text), reason) if same else None


def _boxes_for_listed_key(prediction: str, gold: Parsed, deadline: Deadline) -> Verdict | None:
    """A key that lists values against the boxes of the last line, one for each (表面积是
    \\boxed{94} 平方厘米，体积是 \\boxed{60} 立方厘米 against 94, 60), in order (each box answers
    its own clause): a right verdict, else None."""
    if not isinstance(gold.node, ListOf):
        return None
    boxes = last_line_boxes(prediction)
    if len(boxes) < 2 or len(boxes) != len(gold.node.items):
        return None
    listed = _parse_prediction(", ".join(boxes), deadline)
    if not isinstance(listed.node, ListOf):
        return None
    outcome = _compare_readings(Parsed(listed.text, listed.node, listed.percent, ordered=True), gold, deadline)
    return (
        Verdict(True, outcome.method, ", ".join(boxes), (listed.text, gold.text), outcome.reason)
        if outcome.correct
        else None
    )


def _closing_values(prediction: str, answer: str) -> list[str]:
    """The two or more values a solution's closing sentence lists (The solutions are 2, 3, and 4.)
    when no marker or box gives an answer and the answer found ends that list; none otherwise."""
    values = closing_list(prediction)
    if len(values) < 2 or values[-1] not in answer[-_LIST_END_CHARS:]:
        return []
    return values if extract_answer(prediction, fallback=False) is None else []


_LIST_END_CHARS = 60


def _closing_list_for_listed_key(prediction: str, answer: str, gold: Parsed, deadline: Deadline) -> Verdict | None:
    """A key listing values (``1 and 2``, ``12 or 13``, ``(1,2),(2,1)``), or values of one name
    (``m=2或m=-3``), against as many values listed by the solution's closing sentence (The roots are
    $-1$ and $\\frac12$.; There could be 12 or 13 students.), in any order: a right verdict, else None."""
    node = gold.node
    if gold.ordered or not isinstance(node, ListOf):
        return None
    named = [item for item in node.items if isinstance(item, Rel)]
    if len({item.operands[0] for item in named}) > 1 or not all(
        item.ops == ("=",) and isinstance(item.operands[0], Sym) for item in named
    ):
        return None  # a = 2, b = 3: values of several names are paired by name, not listed
    values = _closing_values(prediction, answer)
    if len(values) != len(node.items):
        return None
    listed = _parse_prediction(", ".join(values), deadline)
    if not isinstance(listed.node, ListOf):
        return None
    outcome = _compare_readings(listed, gold, deadline)
    reason = outcome.reason + " (the values the closing sentence lists)"
    return (
        Verdict(True, outcome.method, ", ".join(values), (listed.text, gold.text), reason) if outcome.correct else None
    )


_ZH_CLAUSE_SPLIT_RE = re.compile(r"[，,；;]")
_CLAUSE_NUMBER_RE = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?")
_MAX_CLAUSES = 12


def _clause_values(text: str) -> dict[str, Fraction] | None:
    """``鸡有23只，兔有12只``: each Chinese clause's words (its number written ``#``) to its one number;
    None unless the text is two or more such clauses, each with other words."""
    clauses = _ZH_CLAUSE_SPLIT_RE.split(text.strip().rstrip("。."))
    if not 2 <= len(clauses) <= _MAX_CLAUSES:
        return None
    values: dict[str, Fraction] = {}
    for clause in clauses:
        numbers = _CLAUSE_NUMBER_RE.findall(clause)
        words = _CLAUSE_NUMBER_RE.sub("#", clause.strip())
        if len(numbers) != 1 or not re.search(r"[\u4e00-\u9fff]", words) or words in values:
            return None
        values[words] = Fraction(numbers[0])
    return values


def _other_quantities_valued(pred_text: str, gold_text: str) -> bool:
    """Whether answer and key name the same quantities clause by clause (``鸡有#只``, ``兔有#只``) but
    give one of them another value: the same values, as a set, for other quantities."""
    pred, gold = _clause_values(pred_text), _clause_values(gold_text)
    return pred is not None and gold is not None and pred.keys() == gold.keys() and pred != gold


# A time of day in Chinese hours and minutes (12时15分; not 2小时15分 or 15分钟, durations).
def _zh_clock_time(answer: str) -> str | None:
    """The one time of day an answer writes among its other numbers (12时15分到达，晚了5分钟), if one."""
    times = zh_clock_times(answer)
    return times[0] if len(times) == 1 else None


# An approximation the solution states itself is judged as stated (restated.py), not recomputed.
_APPROXIMATED_RE = re.compile(r"约|≈|\\approx|approximately")
# A key that says it is an approximation (\approx 3.14, 约3.14, ≈ 0.33).
_KEY_APPROXIMATION_RE = re.compile(
    r"[\s$]{0,3}(?:\\[(\[]\s{0,2})?(?:≈|\\approx(?![a-zA-Z])|约|(?i:approximately|about|roughly)\s)"
)
_APPROXIMATED_CHARS = 200
_PI = Const("pi")


def _with_pi_as_314(pred: Node | None, gold: Node | None, deadline: Deadline) -> bool:
    """Whether a multiple of π (``25\\pi``) is a decimal key (78.5) computed with π = 3.14, exactly."""
    if not isinstance(gold, Num) or gold.decimals is None or pred is None:
        return False
    with_314 = replaced(pred, _PI, PI_AS_DECIMAL)
    if with_314 == pred:
        return False
    try:
        return exact_value(with_314, deadline) == gold.value
    except (NotExact, NotNumeric):
        return False


def _fraction(node: Node | None, deadline: Deadline) -> bool:
    """Whether ``node`` is a number that is no integer (``3/4``, ``\\frac{1}{4}``)."""
    if node is None:
        return False
    try:
        return exact_value(node, deadline).denominator != 1
    except (NotExact, NotNumeric):
        return False


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")  # Chinese prose closes with its value: 甲乙两地相距480千米
_DEGREES = "\\circ"


def _in_radians(text: str) -> bool:
    return "\\pi" in text and _DEGREES not in text


def _labelled_parts(pred: Parsed, gold: Parsed) -> bool:
    """Parts labelled ((a), (b); (1), (2)) in either answer, as many on both sides: compared in order."""
    p, g = pred.node, gold.node
    return (
        (pred.ordered or gold.ordered)
        and isinstance(p, ListOf)
        and isinstance(g, ListOf)
        and len(p.items) == len(g.items)
    )


def _compare_readings(
    pred: Parsed,
    gold: Parsed,
    deadline: Deadline,
    degrees: tuple[bool, bool] = (False, False),
    european: bool = False,
) -> Outcome:
    """Compare, also trying the decimal-comma reading (``2,74`` = 2.74) of a bare number, and an
    angle in radians against one in degrees (``\\frac{\\pi}{4}`` = ``45^\\circ``; ``degrees``: whether
    a degree word after the prediction or the key makes it one). In a solution written in a
    language that writes numbers so (``european``), ``0,75`` is also 3/4 and ``1.250,5`` is 1250.5."""
    pred_node, gold_node = pred.node, gold.node
    assert pred_node is not None and gold_node is not None  # _judge returns earlier for unparsed answers
    if _labelled_parts(pred, gold) and isinstance(pred_node, ListOf) and isinstance(gold_node, ListOf):
        return Comparer(deadline).parts(pred_node, gold_node)
    outcome = Comparer(deadline).answers(pred_node, gold_node, pred.percent, gold.percent)
    if outcome.correct:
        return outcome
    for radians, other, worded in ((pred, gold, degrees[1]), (gold, pred, degrees[0])):
        if _in_radians(radians.text) and (worded or _DEGREES in other.text):
            assert radians.node is not None
            angle = radians.node
            if isinstance(angle, Rel) and angle.ops == ("=",) and isinstance(angle.operands[0], Sym):
                # A = \frac{\pi}{3}: the named angle's value
                angle = angle.operands[-1]
            as_degrees = Div(Mul((angle, Num(Fraction(180)))), Const("pi"))
            p_node, g_node = (as_degrees, gold_node) if radians is pred else (pred_node, as_degrees)
            second = Comparer(deadline).answers(p_node, g_node, pred.percent, gold.percent)
            if second.correct:
                return Outcome(True, second.method, second.reason + " (radians as degrees)")
    if european and _DOT_THOUSANDS_RE.fullmatch(pred.text):  # 1.250 = 1250, 1.250,5 = 1250.5
        grouped = Num(Fraction(pred.text.replace(".", "").replace(",", ".")))
        second = Comparer(deadline).answers(grouped, gold_node, pred.percent, gold.percent)
        if second.correct:
            return Outcome(True, second.method, second.reason + " (thousands apart by dots)")
    for a, b in ((pred, gold), (gold, pred)):
        if (
            _DECIMAL_COMMA_RE.match(a.text)
            and "," not in b.text
            and ("." in b.text or (european and _fraction(b.node, deadline)))
        ):
            alt = Num(Fraction(a.text.replace(",", ".")))
            p_node, g_node = (alt, gold_node) if a is pred else (pred_node, alt)
            second = Comparer(deadline).answers(p_node, g_node, pred.percent, gold.percent)
            if second.correct:
                return Outcome(True, second.method, second.reason + " (decimal comma)")
    return outcome
