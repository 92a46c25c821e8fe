"""Pulling the final answer out of a model's whole solution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .answers import BELOW_ZERO_RE, HOURS_AND_MINUTES, without_ruled_out
from .choices import choice_letter, labelled_option, listed_option
from .limits import MAX_BOXES_READ, MAX_MARKERS_TRIED, MAX_TEXT_CHARS
from .normalize import brace_pairs, drop_thousands_separators, repair_double_escapes, vulgar_fractions
from .vocabulary import INTEGER_FUNCTIONS
from .words import digits_and_fraction_words, number_word_at_end

# A chat template's special token: the model's turn ends there (``<|eot_id|>``, ``</s>``, Gemma's
# ``<end_of_turn>``, Phi-3's ``<|end|>``); what a model writes after one is never this reply's.
_CHAT_END_RE = re.compile(
    r"<\|(?:im_start|im_end|endoftext|eot_id|eom_id|end_of_text|start_header_id|end|user|assistant|system)\|>"
    r"|</s>|<eos>|<(?:end|start)_of_turn>|<｜end▁of▁sentence｜>"
)
_BOS_RE = re.compile(r"^\s{0,8}(?:<s>|<bos>|<\|begin_of_text\|>)")
_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*")
_REVISION_RE = re.compile(r"\b(?:wait|actually|no,|correction|instead|mistake|wrong)\b|不对|更正|错了", re.I)
_GAP_TOKEN_RE = re.compile(
    r"\\q?quad|\\text\s*\{[^{}]{0,30}\}|\\[\[\]()]|\\,|[a-zA-Z](?:_\{?\w{1,8}\}?)?\s*=|[\s,;.$&/|，、；]|和|或|以及"
    r"|(?<![a-zA-Z])(?:and|or)(?![a-zA-Z])"
)
_GAP_WORD_RE = re.compile(r"(?<![a-zA-Z\\])[a-zA-Z]{1,12}(?![a-zA-Z])")


def _is_connective_gap(gap: str, allow_words: bool) -> bool:
    """Only separators between answers: commas, 'and', '\\quad', ``x =`` (and short words)."""
    rest = _GAP_TOKEN_RE.sub("", gap)
    if allow_words:
        rest = _GAP_WORD_RE.sub("", rest)
    return not rest.strip()


_MARKER_RE = re.compile(
    r"(?:the\s+)?(?:final\s+)?answer\s*(?:is|:|=|should\s+be|would\s+be|will\s+be)\s*:?"
    r"|final\s+answer\**\s*(?=\n|\$|\\\[|\\\()"
    r"|\banswer\b\s*(?=\$|\\\[|\\\()"
    r"|####\s*"
    r"|(?:最终)?答案\s*(?:应该是|应为|为|是|:|：)\s*(?:[:：]\s*)?|答\s*[:：]\s*"  # 答案是：12
    r"|【\s{0,2}(?:最终)?答案\s{0,2}】\s*[:：]?\s*"  # 【答案】B, as keys are written
    r"|(?:所以|因此|综上所述|综上|故|∴)\s*[,，:：]?\s*"
    # Russian, French, German, Spanish, Italian, Portuguese, Japanese, Korean, Vietnamese
    r"|(?:окончательный\s+)?ответ\s*(?:[:：—]|равен|равна|будет)\s*"
    r"|r[ée]ponse\s+(?:finale\s+)?est\s*:?\s*|r[ée]ponse\s*(?:finale\s*)?:\s*"
    r"|antwort\s+(?:ist|lautet)\s*:?\s*|antwort\s*:\s*"
    r"|respuesta\s+(?:final\s+)?es\s*:?\s*|respuesta\s*(?:final\s*)?:\s*"
    r"|risposta\s+(?:finale\s+)?(?:è|e)\s*:?\s*|risposta\s*(?:finale\s*)?:\s*"
    r"|resposta\s+(?:final\s+)?(?:é|e)\s*:?\s*|resposta\s*(?:final\s*)?:\s*"
    r"|答え\s*(?:は|[:：])\s*"
    r"|(?<![\uac00-\ud7a3])(?:정답|답)\s*(?:은|는|[:：])\s*"
    r"|đáp\s+(?:án|số)\s*(?:là|[:：])?\s*",
    re.IGNORECASE,
)
_MATH_START_RE = re.compile(r"^\s*(?:\*\*\s*)?(\$\$|\$|\\\(|\\\[|\\boxed|\\fbox)")
_CLOSERS = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}
# Each segment's content stops at the next opener of its own kind, so no attempt rescans text
# another attempt has scanned: linear on any input (an unclosed ``\\(`` does not read to the end).
# An escaped dollar (``$\\$1,\\!234$``) is content, never an opener or a closer.
_MATH_SEGMENT_RE = re.compile(
    r"(?<!\\)\$\$((?:[^$]|\$(?!\$))+?)\$\$|(?<!\\)\$((?:[^$\\]|\\[\s\S])+?)\$"
    r"|\\\(((?:[^\\]|\\(?![()]))+?)\\\)|\\\[((?:[^\\]|\\(?![\[\]]))+?)\\\]"
)
_SENTENCE_SCAN_RE = re.compile(r"(?<!\\)\$|\n(?:[^\S\n]{0,8}\n)?|。|[.!?](?=\s|$)")
# 最小值 2 (a value after it) states the value as 为 does.
_COPULA_RE = re.compile(r"\b(?:is|are|was|were|be|equals?|of)\b|为|是|最[大小]值(?=\s{0,3}[-\d$\\])")
_NUMBER_RE = re.compile(
    r"(?:上午|下午|晚上)?(?<![\d:])\d{1,2}:\d{2}(?![\d:])(?:\s?[aApP]\.?\s?[mM]\b\.?)?"  # a clock time, whole
    r"|(?:凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上)\s?(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})\s?[点时]"
    r"(?:半|整|[一三]刻|(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})分(?!钟))?"  # 下午3点半: one clock time
    r"|(?<![\d.])(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})\s?[点时]"
    r"(?:半|整|[一三]刻|(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})分(?!钟))"  # 3点半, 8时15分: with its minutes
    r"|(?<![\d.])\d+元\d[角分](?:\d分)?|(?<![\d.])\d角(?:\d分)?(?![\d形星函度])"  # 3元5角, 5角: one amount
    # 3比4: a ratio in words, not a comparison (3比2大)
    r"|(?<![\d.])\d{1,15}(?:\.\d{1,15})?\s?比\s?\d{1,15}(?:\.\d{1,15})?(?!\d|\.\d|\s?[多少大小高低长短重轻快慢])"
    rf"|{HOURS_AND_MINUTES}"  # 6 hours and 30 minutes: one duration
    r"|(?<![\d.])\d+(?:\.\d+)?\s?[:：]\s?\d+(?:\.\d+)?(?:\s?[:：]\s?\d+(?:\.\d+)?)?"  # a ratio, 3:2 or 2:3:5
    r"|(?<![a-zA-Z])-?\$?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d{1,4}(?![\da-zA-Z]|\.\d))?"  # 6.02e23, 1.5E-3
    r"(?:\s?(?i:thousand|million|billion|trillion)(?![a-zA-Z]))?"  # 1.2 million
    r"(?:\s\d+/\d+(?![\d/])|\s*/\s*\d+)?\s*%?|-?\.\d+"  # 7, 1,250.5, 3 1/2, 45%
)
# Words of three letters or more (Latin or Cyrillic), and the short words of a sentence ("So it is 12.").
_PROSE_WORD_RE = re.compile(r"(?<![\\a-zA-Z])(?:[a-zA-Z\u0400-\u04ff]{3,}|(?i:is|it|so)(?![a-zA-Z]))")
_MATH_WORDS = {
    "thousand",
    "million",
    "billion",
    "trillion",
    "and",
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "log",
    "exp",
    "frac",
    "sqrt",
    "text",
    "infty",
    "cup",
    "cap",
    "pmatrix",
    "bmatrix",
    "begin",
    "end",
    "left",
    "right",
    "cdot",
    "times",
    "circ",
    "percent",
    "pct",
    "arcsin",
    "arccos",
    "arctan",
    "dfrac",
    *INTEGER_FUNCTIONS,
}
_REFUSAL_RE = re.compile(
    r"\b(?:cannot|can't|can not|unable to|not enough|impossible to|insufficient|undetermined|not possible)\b"
    r"|无法|不能确定|不确定"
    # a solution that gives up on its last step: "So we must find another approach.", "needs more work"
    r"|\b(?:find|try|need|use)\s(?:a\s)?(?:another|different|new)\s(?:approach|method|idea)\b"
    r"|\b(?:need|needs|require|requires)\s(?:some\s)?more\swork\b",
    re.I,
)
_TRAILING_JUNK_RE = re.compile(
    r"(?<!\s)\s*(?:I hope it is correct\.?|希望.*|です|となります|になります|である)$"
    r"|(?<=[\d%])\s?[\uac00-\ud7a3]{1,8}$",  # 18개입니다, 3/5 이다: a Korean counter and ending
    re.I,
)
_LETTER_RE = re.compile(
    # Each optional token carries the spaces after it, and a line start reads no further than its
    # own line: no two ``\s*`` meet, so the scan is linear on any run of spaces or newlines.
    r"(?i:answer|option|choice)\s*(?:(?i:is|:)\s*)?(?:(?i:option)\s*)?(?:[(\[]\s*)?([A-J])(?![a-zA-Z])"
    r"|(?:答案|选项|选择?|应选)\s*(?:(?:为|是|:|：)\s*)?(?:[(\[（]\s*)?([A-Ja-j])(?![a-zA-Z])"
    r"|^[^\S\n]*[(\[]?([A-J])[)\].:](?:\s|$)|^[^\S\n]*([A-J])[^\S\n]*$|[(\[（]([A-J])[)\]）]",
    re.MULTILINE,
)
_LONE_LETTER_RE = re.compile(r"(?<![a-zA-Z'])([A-E])(?![a-zA-Z'])")


# A model that goes on past its answer with a new exercise (``Question: ... Answer: 5``, as few-shot
# prompts teach): the text from that line on is not this solution's. A numbered one (``Question 2:``,
# ``### Problem 2``, ``题目2：``) is a new exercise too, unless the solution numbered its own first
# (``Question 1: ...``): then it is the next part of the same exercise.
_EXERCISE_WORD = (
    r"(?:(?i:(?:follow[- ]?up|next|new|another|practice)[^\S\n]{1,3})?(?i:question|problem|exercise|q)"
    r"|问题|题目|例题?|下一题|练习题?)"
)
_EXERCISE_NUMBER = r"(?:\d{1,3}|[一二三四五六七八九十]{1,2})"
_NEXT_EXERCISE_RE = re.compile(
    r"\n[^\S\n]{0,8}(?:#{1,4}[^\S\n]{0,3})?(?:\*\*)?(?:【(?:题目|问题|例题?)】"
    r"|第[^\S\n]{0,2}(?P<nth>" + _EXERCISE_NUMBER + r")[^\S\n]{0,2}题[^\S\n]{0,3}(?:\*\*)?[:：.．、]"
    r"|" + _EXERCISE_WORD + r"[^\S\n]{0,3}"
    r"(?:(?P<number>"
    + _EXERCISE_NUMBER
    + r")[^\S\n]{0,3}(?:\*\*)?(?:[:：]|\.(?!\d)|[^\S\n]{0,3}(?=\n))|(?:\*\*)?[:：]))"
)
_FIRST_EXERCISE_RE = re.compile(r"(?:" + _EXERCISE_WORD + r"|第)[^\S\n]{0,3}(?:1|一)(?!\d)")
# A step of the model's own work before the new exercise (``... 20 - 4 = 16 apples``): the solution
# had its go, and the exercise after it is another one even with no answer declared.
_WORKED_RE = re.compile(r"\d[^\S\n]{0,3}=[^\S\n]{0,3}[$\\]?-?\d")
# A new turn of the conversation the model writes itself (``Human:``, ``### Instruction:``, ``USER:``,
# ``用户：``), or a chat template's role name left when its special tokens were decoded away (a line
# ``user``; ``... is 18.assistant``): whatever follows is a prompt and its reply, never this
# solution's, answered before or not.
_NEXT_TURN_RE = re.compile(
    r"\n[^\S\n]{0,8}(?:(?i:human|user)[^\S\n]{0,3}[:：]|#{1,4}[^\S\n]{0,3}(?i:instruction|input)\b"
    r"|(?i:instruction)[^\S\n]{0,3}:|\[INST\]|用户[^\S\n]{0,3}[:：]|(?:user|assistant|model)[^\S\n]{0,3}(?=\n))"
    r"|(?<=[.!?。！？])(?:assistant|user)[^\S\n]{0,3}\n"
)


def _before_next_turn(text: str) -> str:
    """The text before a conversation turn the model went on to write, if it wrote anything first."""
    m = _NEXT_TURN_RE.search(text)
    return text[: m.start()] if m and text[: m.start()].strip() else text


# A dollar sign set as math on its own before the amount (``$\\$$1.25``): the sign, not an answer.
_DOLLAR_AS_MATH_RE = re.compile(r"(?<!\\)\$\s?\\\$\s?\$")
_AND_FRACTION_RE = re.compile(r"(?<![\d./])(\d{1,9})\sand\s(\d{1,9})\s?/\s?(\d{1,9})(?![\d/])")


_FINAL_HEADING_RE = re.compile(r"final\s{1,3}answer|最终答案", re.IGNORECASE)


def cut_off_in_thinking(text: str) -> bool:
    """Whether ``text`` stops inside its reasoning: its last ``<think>`` is never closed and no final
    answer was declared after it. Such a trace was cut off before its final answer; whatever value
    it was trying last is not one. (``**Final Answer** \\boxed{5}`` with the tag left open is an
    answer: the model wrote it and forgot the tag.)"""
    start = text.rfind("<think>")
    return start > text.rfind("</think>") and not _FINAL_HEADING_RE.search(text, start)


def _prepare(text: str) -> str:
    text = text[-MAX_TEXT_CHARS:]
    text = repair_double_escapes(text)
    if "</think>" in text:
        after = text.rsplit("</think>", 1)[1]
        if after.strip():
            text = after
    text = _before_end_token(text)
    text = _before_closing_check(_before_next_exercise(_before_next_turn(_before_loop_cut_off(_before_courtesy(text)))))
    text = without_ruled_out(text)  # x=3 或 x=-1（舍去）: the rejected root is no part of the answer
    text = _DOLLAR_AS_MATH_RE.sub(r"\\$", text)
    text = _AND_FRACTION_RE.sub(r"\1 \2/\3", vulgar_fractions(text))  # 2 and 1/2 = 2 1/2, a mixed number
    text = digits_and_fraction_words(text)  # 2 and a half = 2 1/2
    return BELOW_ZERO_RE.sub(r"-\1", text).strip()  # a sign the extraction would drop


def _before_end_token(text: str) -> str:
    """``text`` up to the special token that ends the model's turn; leading tokens are skipped.
    A ``</s>`` after an ``<s>`` closes a struck-through span (HTML), not the turn."""
    text = _BOS_RE.sub("", text)
    start = 0
    m = _CHAT_END_RE.search(text)
    while m and not text[start : m.start()].strip():  # each gap read once: linear in the tokens
        start = m.end()
        m = _CHAT_END_RE.search(text, start)
    struck = text.find("<s>", start)
    while m and m.group(0) == "</s>" and 0 <= struck < m.start():
        m = _CHAT_END_RE.search(text, m.end())
    return text[start : m.start()] if m else text[start:]


# A line or sentence, for the repetition loop at a text's end; only its last characters are read.
_LOOP_PIECE_RE = re.compile(r"[^\n]+?(?:[.!?](?=\s)|[。！？]|$)", re.MULTILINE)
_LOOP_CHARS = 2_000


def _before_loop_cut_off(text: str) -> str:
    """``text`` without the unfinished copy that ends a repetition loop cut off by the length
    limit (``#### 26\\n#### 26\\n#### 2``, ``The answer is 35. The answer is 35. The answer is 3``):
    a last line or sentence that begins the one a cycle of lines repeated twice or more has in its
    place (a cycle of up to ``_LOOP_PERIOD`` lines: an answer and its explanation, again and again)."""
    stripped = text.rstrip()
    found = _LOOP_PIECE_RE.finditer(stripped, max(0, len(stripped) - _LOOP_CHARS))
    pieces = [p for p in (m.group(0).strip() for m in found) if p]
    last = pieces[-1] if pieces else ""
    for period in range(1, min(_LOOP_PERIOD, (len(pieces) - 1) // 2) + 1):
        whole = pieces[-1 - period]
        if (
            len(last) < len(whole)
            and whole.startswith(last)
            and whole == pieces[-1 - 2 * period]
            and pieces[-period:-1] == pieces[-2 * period : -period - 1]
        ):
            return stripped[: len(stripped) - len(last)]
    return text


_LOOP_PERIOD = 8


# A courtesy closing the reply (``Let me know if you have any questions!``, ``I hope this helps! 😊``,
# ``希望对你有帮助！``): never the answer, whatever number it names (``help with the other 3 problems``).
_COURTESY_CHARS = 400
_COURTESY_RE = re.compile(
    r"(?<=[\n.!?。！？:)$*])[^\S\n]{0,3}[*_]{0,2}[^\S\n]{0,3}"
    r"(?:(?:I\s)?hope\s(?:this|that|it)\s(?:helps|clarifies|was\shelpful|is\shelpful)|let\sme\sknow\s"
    r"|feel\sfree\sto\s|if\syou\shave\s(?:any\s)?(?:other\s|more\s|further\s)?questions|(?:happy|glad)\sto\shelp"
    r"|good\sluck|希望(?:以上|这些?)?(?:解答|回答)?对(?:你|您)有(?:所)?帮助|如(?:果)?(?:还)?有(?:任何|其他)?(?:疑问|问题))"
    r"[^\n]{0,200}$",  # read on text with its closing spaces stripped
    re.IGNORECASE,
)


def _before_courtesy(text: str) -> str:
    """``text`` without the courtesies that close it, each one holding no answer of its own."""
    stripped = text.rstrip()
    for _ in range(3):  # I hope this helps!\n\nLet me know if you have any questions.
        m = _COURTESY_RE.search(stripped, max(0, len(stripped) - _COURTESY_CHARS))
        if (
            m is None
            or _MARKER_RE.search(m.group(0))
            or _BOX_RE.search(m.group(0))
            or not stripped[: m.start()].strip()
        ):
            break
        text = stripped = stripped[: m.start()].rstrip()
    return text


# A check of the answer after it (``Verification: 42 - 30 = 12 ✓``, ``检验：2×6+3=15，正确``): its
# numbers are not the answer. A check that goes on to give an answer (after finding a slip) stays.
_CHECK_RE = re.compile(r"(?:(?<![a-zA-Z])(?:verification|check(?:ing)?)|验证|检验|验算)\s{0,3}[:：]", re.IGNORECASE)


def _before_closing_check(text: str) -> str:
    """``text`` without a check of its answer that closes it."""
    last = max(_CHECK_RE.finditer(text), key=lambda m: m.start(), default=None)
    if last is None or not re.search(r"\d", text[: last.start()]):
        return text
    after = text[last.end() :]
    return text if _MARKER_RE.search(after) or _BOX_RE.search(after) else text[: last.start()]


def _before_next_exercise(text: str) -> str:
    """The text before a new exercise the model went on to, once it has given an answer (a marker,
    a box, or a bare value before it: ``18\\n\\nQuestion: ...``) or worked a step out."""
    first = _NEXT_EXERCISE_RE.search(text)
    if first is None:  # the usual case, and cheaper than a marker scan
        return text
    answered = [m.end() for m in (_MARKER_RE.search(text), _BOX_RE.search(text)) if m]
    if _bare_value_or_worked(text[: first.start()].strip()):
        answered.append(first.start())
    if not answered:
        return text
    m = _NEXT_EXERCISE_RE.search(text, min(answered))
    one = _FIRST_EXERCISE_RE.search(text)
    parts_from = one.start() if one else len(text)  # Question 1: ... Question 2: the parts of one exercise
    while m and (m.group("number") or m.group("nth")) and parts_from < m.start():
        m = _NEXT_EXERCISE_RE.search(text, m.end())
    return text[: m.start()] if m else text


_BARE_ANSWER_CHARS = 40


def _bare_value_or_worked(head: str) -> bool:
    """Whether the text before a new exercise is a value alone (``18``, ``$7$``) or holds a worked
    step (``20 - 4 = 16``); not a restatement (``Restating.``, ``Find x if x > 2.``)."""
    bare = 0 < len(head) <= _BARE_ANSWER_CHARS and not _is_prose(head) and not re.search(r"[=<>]", head)
    return bare or _WORKED_RE.search(head) is not None


_BOX_TOKEN_RE = re.compile(r"[^\s$]{1,200}")  # ``\\boxed 5``: a short unbraced argument


@dataclass(frozen=True, slots=True)
class Box:
    """One ``\\boxed{...}`` / ``\\fbox{...}`` in ``source``: positions only, its content sliced on use.

    Nested boxes overlap, so copying every content would be quadratic in the nesting depth.
    """

    source: str
    start: int
    end: int
    inner_start: int
    inner_end: int

    @property
    def content(self) -> str:
        return self.source[self.inner_start : self.inner_end]


def find_boxes(text: str, *, unclosed_last: bool = False) -> list[Box]:
    """Every ``\\boxed{...}`` / ``\\fbox{...}`` in order, nested braces included; one pass.

    With ``unclosed_last`` (an answer key, written by hand), a last box whose brace is never
    closed holds the rest of the text, its closing math delimiters dropped: ``\\boxed{W(n) = 1``.
    A model's unclosed box stays unread (its answer may have been cut off).
    """
    if "\\boxed" not in text and "\\fbox" not in text:
        return []
    boxes = []
    pairs = brace_pairs(text)
    last_open = -1
    for m in _BOX_RE.finditer(text, _start_of_last_boxes(text)):
        i = m.end()
        last_open = -1
        if i < len(text) and text[i] == "{":
            close = pairs.get(i, -1)
            if close >= 0:
                boxes.append(Box(text, m.start(), close + 1, i + 1, close))
            else:
                last_open = m.start()
        else:
            token = _BOX_TOKEN_RE.match(text, i)
            if token:
                boxes.append(Box(text, m.start(), token.end(), i, token.end()))
    if unclosed_last and last_open >= 0:
        inner_start = text.index("{", last_open) + 1
        inner_end = _without_closing_delimiters(text, inner_start)
        if inner_end > inner_start:
            boxes.append(Box(text, last_open, len(text), inner_start, inner_end))
    return boxes


def _start_of_last_boxes(text: str) -> int:
    """Where the last ``MAX_BOXES_READ`` box commands begin. The answer is at the end, so a text of
    33,000 ``\\boxed`` costs that many box reads, not one per command."""
    commands = [c for c in ("\\boxed", "\\fbox") if c in text]
    start = len(text)
    for _ in range(MAX_BOXES_READ):
        found = max(text.rfind(command, 0, start) for command in commands)
        if found < 0:
            return 0
        start = found
    return start


_CLOSING_DELIMITERS = ("$", "\\]", "\\)")


def _without_closing_delimiters(text: str, start: int) -> int:
    """Where ``text[start:]`` ends once trailing spaces, ``.`` and a few math closers are dropped."""
    end = len(text)
    for _ in range(4):  # ``\\] $.``: a few closers at most; each step moves ``end`` left, no copy
        while end > start and text[end - 1] in " \t\n.":
            end -= 1
        closer = next(
            (c for c in _CLOSING_DELIMITERS if end - len(c) >= start and text.startswith(c, end - len(c))), None
        )
        if closer is None:
            break
        end -= len(closer)
    return end


# Between the boxes of a key: separator symbols and part labels only (``\\boxed{35 cm} ++++++
# \\boxed{4}``, ``(1) $\\boxed{3}$；(2) $\\boxed{4}$``); no relation, arrow or command, which could tie
# one box to the next (``\\boxed{5} \\to \\boxed{6}``). The alternatives start with different
# characters, so the match is one pass.
_KEY_SEPARATOR_GAP_RE = re.compile(r"(?:[\s+*/|;,.~#&$；，、。-]|\(\s?(?:\d{1,2}|[a-z]|[ivx]{1,4})\s?\)){0,60}")
# Between the boxes of a multi-part answer, in a key or a solution: separators, the next part's
# label ((b), （2）, ②, 第二问), a list item's bullet and bold before it (``- **(b)**``), and a few
# words (答案为, the width is).
_PART_GAP_RE = re.compile(
    r"[\s,;.$，；。、]{0,8}(?:[-*•+][^\S\n]{1,3})?(?:\*\*)?(?:part\s?)?"
    r"(?:\(\s?(?:\d{1,2}|[a-h]|[ivx]{1,4})\s?\)|（\s?(?:\d{1,2}|[一二三四五六七八九十])\s?）|[①-⑩]"
    r"|第[一二三四五六七八九十\d]{1,2}(?:问|小题|题|部分|空))"
    r"(?:\*\*)?\s{0,3}[:：.、]?(?:\*\*)?\s{0,3}(?:[a-zA-Z]{1,12}\s{1,2}){0,5}[\u4e00-\u9fff]{0,8}[\s:：=$]{0,6}(?:\\[(\[])?\s{0,3}",
    re.IGNORECASE,
)

# A clause break and a few words ending in a verb between two boxes: " cm, and the perimeter is ", or
# in a label of their own: "$, minimum: $".
_EN_CLAUSE_GAP_RE = re.compile(
    r"(?:[,;]|\band\b)(?:[^\n]{0,40}?\b(?:is|are|was|were|equals)\b|\s{0,3}[a-zA-Z][a-zA-Z ]{0,30}:\s{0,2}\$?\s{0,2}$)",
    re.IGNORECASE,
)
_EN_CLAUSE_GAP_CHARS = 80


def _last_box_group(text: str, boxes: list[Box], key: bool = False) -> tuple[int, str]:
    """The last box, joined with boxes just before it that list further answers.

    Boxes apart only by the next part's label (``(1) \\boxed{3}; (2) \\boxed{4}``) are parts of the
    answer; in a key (``key``), so are boxes apart only by separator symbols.
    """
    group = [boxes[-1]]  # last first
    labelled = True  # every gap holds the next part's label: the parts keep their order
    clauses = False  # a gap holds a clause of its own (and the median is): so do they
    for prev in reversed(boxes[:-1]):
        gap = text[prev.end : group[-1].start]
        if (
            prev.end > group[-1].start
            or len(gap) > 60
            or "\n\n" in gap
            or _REVISION_RE.search(gap)
            or not (
                (connective := _is_connective_gap(gap, True))
                or _PART_GAP_RE.fullmatch(gap)
                or (key and _KEY_SEPARATOR_GAP_RE.fullmatch(gap))
            )
        ):
            break
        labelled = labelled and not connective and _PART_GAP_RE.fullmatch(gap) is not None
        clauses = clauses or _EN_CLAUSE_GAP_RE.search(gap) is not None
        group.append(prev)
    group.reverse()
    names = [_box_name(text, box) for box in group]
    if len(group) > 1 and None not in names and len(set(names)) == len(names):  # x = \boxed{3}, y = \boxed{-2}
        return group[0].start, ", ".join(f"{name} = {b.content.strip()}" for name, b in zip(names, group, strict=True))
    # (1) \boxed{3}; (2) \boxed{4}, or the mean is \boxed{4} and the median is \boxed{5}: parts, in order
    if len(group) > 1 and (labelled or clauses):
        return group[0].start, "; ".join(f"({i}) {b.content.strip()}" for i, b in enumerate(group, 1))
    return group[0].start, ", ".join(b.content.strip() for b in group)


_BOX_NAME_RE = re.compile(r"(?<![a-zA-Z\\])([a-zA-Z])\s{0,2}=\s{0,2}(?:\$|\\\(|\\\[)?\s{0,2}$")


def _box_name(text: str, box: Box) -> str | None:
    """The one-letter name a box is assigned to (``$x = \\boxed{3}$`` -> ``x``), if any."""
    m = _BOX_NAME_RE.search(text, max(0, box.start - 12), box.start)
    return m.group(1) if m else None


def last_line_boxes(text: str) -> list[str]:
    """The boxes of a solution's last line, each after a clause of its own (表面积是 \\boxed{94}
    平方厘米，体积是 \\boxed{60} 立方厘米; the area is \\boxed{24} and the perimeter is \\boxed{20});
    none where a revision or a part label stands between them."""
    line = text.strip()[-MAX_TEXT_CHARS:].rsplit("\n", 1)[-1]
    boxes = find_boxes(line)
    gaps = [line[a.end : b.start] for a, b in pairwise(boxes)]
    if not gaps or any(
        not (_ZH_CLAUSE_GAP_RE.search(gap) or (len(gap) <= _EN_CLAUSE_GAP_CHARS and _EN_CLAUSE_GAP_RE.search(gap)))
        or _REVISION_RE.search(gap)
        or _PART_GAP_RE.search(gap)
        for gap in gaps
    ):
        return []
    return [box.content.strip() for box in boxes]


# The values a solution's closing sentence lists after a copula or a colon ("The solutions are 2, 3,
# and 4.", "All solutions: $(0,0,0)$, $(1,1,1)$.", "There could be 12 or 13 students.", 答案可能是3、4、5,
# 解为 1 或 2。), each a number or a short math segment, a unit word at most after them, the list ending
# the text; a comma before three digits groups thousands (1,234 is one number).
_LISTED_VALUE = r"(?:\$[^$\n]{1,40}\$|(?<![\d.])-?\d{1,15}(?:\.\d{1,15})?(?:/\d{1,15})?)"
_LIST_JOIN = r"\s{0,2}(?:,(?:\s{1,2}(?:(?:and|or)\s{1,2})?|(?!\d{3}(?!\d)))|、|，|\s(?:and|or)\s|和|或)\s{0,2}"
_CLOSING_LIST_RE = re.compile(
    r"(?:(?<![a-zA-Z])(?:are|is|be|was|were)\s{1,3}|[:：]\s{0,3}|[是为有]\s{0,3})"
    rf"({_LISTED_VALUE}(?:{_LIST_JOIN}{_LISTED_VALUE}){{1,15}})"
    r"(?![\d,/]|\.\d)(?:\s(?i:respectively))?(?:\s{1,2}[a-zA-Z]{1,12}|\s{0,2}[\u4e00-\u9fff]{1,3})?"
    r"\s{0,2}[.。!！]?\s*$",
    re.IGNORECASE,
)
_LISTED_VALUE_RE = re.compile(_LISTED_VALUE)
_CLOSING_LIST_CHARS = 400


def closing_list(text: str) -> list[str]:
    """The values listed after a copula or a colon at the very end of a solution (The solutions are
    2, 3, and 4.), math delimiters dropped; none where it ends otherwise."""
    tail = text.strip()[-_CLOSING_LIST_CHARS:]
    m = _CLOSING_LIST_RE.search(tail)
    return [value.group(0).strip("$ ") for value in _LISTED_VALUE_RE.finditer(m.group(1))] if m else []


# A clause break and a Chinese word between two boxes: 平方厘米，体积是.
_ZH_CLAUSE_GAP_RE = re.compile(r"[，；,;][^\S\n]{0,2}[\u4e00-\u9fff]")


def _math_at_start(rest: str) -> str | None:
    m = _MATH_START_RE.match(rest)
    if not m:
        return None
    opener = m.group(1)
    start = m.end()
    if opener in ("\\boxed", "\\fbox"):
        boxes = find_boxes(rest[m.start(1) :])
        return boxes[0].content if boxes else None
    close = _find_unescaped(rest, _CLOSERS[opener], start)
    if opener == "$" and _BLANK_LINE_RE.search(rest, start, max(start, close)):
        return None  # no math spans a blank line: ``$18\n\nExplanation: ... $8`` is money
    return rest[start:close] if close > start else None


_BLANK_LINE_RE = re.compile(r"\n[^\S\n]{0,8}\n")


def _find_unescaped(text: str, needle: str, start: int) -> int:
    i = text.find(needle, start)
    while i > 0 and text[i - 1] == "\\" and needle == "$":
        i = text.find(needle, i + 1)
    return i


# An option's letter and its stop before its value (``B. 8``, ``C. $\\frac12$``): no sentence end.
_OPTION_STOP_RE = re.compile(r"(?<![A-Za-z])[A-J]\.[^\S\n]{1,3}[-\d$\\]")


def _first_sentence(rest: str) -> str:
    """Text up to the first sentence end that is outside ``$...$``, or up to a blank line."""
    inside = False
    for m in _SENTENCE_SCAN_RE.finditer(rest):
        if m.group(0) == "$":
            inside = not inside
            continue
        blank_line = m.group(0).count("\n") > 1  # no math spans a blank line: $18\n\n... is money
        option_stop = m.group(0) == "." and m.start() > 0 and _OPTION_STOP_RE.match(rest, m.start() - 1)
        if blank_line or not (inside or option_stop):
            return rest[: m.start()]
    return rest


# A set named in words with the name of its members: "all primes $p$", "every odd $n$".
_QUANTIFIED_SET_RE = re.compile(
    r"\s{0,3}((?:all|every|each|any)(?:\s{1,3}[a-zA-Z]{1,15}){1,3})\s{1,3}\$\s?([a-zA-Z])\s?\$\s{0,3}\.?\s{0,3}",
    re.IGNORECASE,
)


def _after_marker(text: str, end: int) -> str | None:
    rest = re.sub(r'^[\s*:]*\\?"', "", text[end : end + 1000])
    rest = _after_question_echo(rest)
    sentence = _without_closing_clause(_without_reason(re.sub(r"\\?\"\s*$", "", _first_sentence(rest))))
    condition = _ZH_CONDITION_RE.match(sentence)
    if condition is not None and re.search(r"\d", sentence[condition.end() :]):
        sentence = sentence[condition.end() :]  # 当 x=1 时，f(x) 取得最小值 2: the value, not where
    if _MATH_SEGMENT_RE.search(sentence) and _is_connective_gap(_MATH_SEGMENT_RE.sub(" ", sentence), False):
        return re.sub(r'^\\?"|\\?"$', "", sentence.strip())
    quantified = _QUANTIFIED_SET_RE.fullmatch(sentence)
    if quantified is not None:  # the answer is all primes $p$: the set, in words
        return f"{quantified.group(1)} {quantified.group(2)}"
    named = _named_value(sentence)
    if named is not None:
        return named
    solved = _ZH_SOLVED_AT_END_RE.search(sentence[-_ZH_SOLVED_CHARS:])
    if solved is not None:  # 所以 $2m-4=0$，解得 $m=2$: the value the sentence solves for
        values = _MATH_SEGMENT_RE.findall(solved.group(1))
        return next(s for s in values[0] if s) if len(values) == 1 else solved.group(1)
    if _POSSESSIVE_MATH_RE.match(rest):  # 所以 $f(x)$ 的最小正周期 $T=\pi$: the math after the name
        segments = _MATH_SEGMENT_RE.findall(sentence)
        if len(segments) > 1:
            return next(s for s in segments[-1] if s)
    math = _math_at_start(rest)
    if math is not None:
        return math
    sentence = _TRAILING_JUNK_RE.sub("", sentence).strip(" *:")
    if not sentence:
        return None
    copulas = [
        m  # "a total of 20" reads what follows "of"; "20 cups of feed" holds its value before it
        for m in _COPULA_RE.finditer(sentence)
        if m.group(0).lower() != "of" or not re.search(r"\d", sentence[: m.start()])
    ]
    if copulas and _is_prose(sentence[: copulas[-1].start()]) and not _ZH_VALUED_CLAUSE_RE.search(sentence):
        sentence = sentence[copulas[-1].end() :].strip()
    math = _math_at_start(sentence)
    if math is not None:
        return math
    return _tighten(sentence)


# A closing clause that solves for the value (``，解得 $m=2$``, ``，即 $y=2x+1$``): the answer after a
# marker whose first math is the equation solved. Read from the sentence's last characters.
_ZH_SOLVED_CHARS = 200
_ZH_SOLVED_AT_END_RE = re.compile(
    r"[，,]\s?(?:解得|解之得|可得|求得|得到|即|从而|故|因此)\s?"
    r"(\$[^$]{1,160}\$(?:\s?(?:或|和|,|，)\s?\$[^$]{1,160}\$){0,7})\s?[.。]?\s*$"
)
# A math segment that opens a sentence as the owner of the quantity named after it (``$f(x)$ 的最小正周期``,
# ``$f(x)$ 在 $x=1$ 处取得极小值``).
_POSSESSIVE_MATH_RE = re.compile(r"^\s{0,3}\$[^$]{1,40}\$\s?(?:的|在)")


# An opening clause that says where a value is attained (当 x=1 时，..., 若 a=2 时，...).
_ZH_CONDITION_RE = re.compile(r"\s{0,3}(?:当|若)[^，,。；\n]{1,60}?时\s?[，,]\s?")


# A Chinese answer line that repeats the question before answering it (答：一共走了多少米？1200米。).
_ZH_QUESTION_WORD_RE = re.compile(r"多少|几|什么|哪|怎样|怎么|吗|呢")


def _after_question_echo(rest: str) -> str:
    """The answer after a question the line repeats first (on its first line, before its first 。)."""
    head = rest[:200]
    end = min((i for i in (head.find("。"), head.find("\n")) if i >= 0), default=len(head))
    mark = max(head.rfind("？", 0, end), head.rfind("?", 0, end))
    if mark > 0 and head[mark + 1 : end].strip() and _ZH_QUESTION_WORD_RE.search(head, max(0, mark - 30), mark):
        return rest[mark + 1 :]
    return rest


# A Chinese clause with its own value before the next one (长是8厘米，宽是5厘米): the sentence lists
# answers, and is read whole rather than after its last copula.
_ZH_VALUED_CLAUSE_RE = re.compile(r"\d[^，；。\d]{0,12}[，；][\u4e00-\u9fff]{1,12}(?:是|为)")


def _named_value(sentence: str) -> str | None:
    """``$z$ 的取值范围是 $X$`` / ``$a$ 的值为 $3$`` / ``$f(1)+f(2)$ 的值为 9``: the math, or the
    number closing the sentence, after the copula, not the name before it."""
    copulas = list(_COPULA_RE.finditer(sentence))
    if not copulas:
        return None
    before = _MATH_SEGMENT_RE.sub(" ", sentence[: copulas[-1].start()])
    after = sentence[copulas[-1].end() :]
    segments = _MATH_SEGMENT_RE.findall(after)
    if len(segments) > 1 and _is_prose(before) and _is_connective_gap(_MATH_SEGMENT_RE.sub(" ", after), False):
        return after.strip()  # 的取值范围是 $k>1$ 或 $k<-1$: all the math, as joined
    math = _math_at_start(after) if _is_prose(before) else None
    if math is not None or not _MATH_START_RE.match(sentence) or re.search(r"\d", before):
        return math
    number = _CLOSING_NUMBER_RE.match(after)  # a plain number after a named quantity: 的值为 9，是 12 个
    return number.group(1) if number else None


# A number that closes its sentence, a unit word or a few Chinese characters after it at most (not
# 的: 3 的倍数 names another quantity).
_CLOSING_NUMBER_RE = re.compile(
    r"\s{0,3}(-?\d{1,30}(?:\.\d{1,30})?(?:\s?/\s?\d{1,30})?\s?%?)(?![\d.,/])"
    r"\s?(?:(?:(?!的)[\u4e00-\u9fff]){1,4}|[a-zA-Z]{1,12})?\s?[.。!！]?\s*$"
)


_TEXT_COMMAND_RE = re.compile(r"\\(?:text|mbox|textnormal|mathrm|textrm|textbf|operatorname)\s*\{[^{}]*\}")


# ``W(x)=1orW(x)=-1``: an "or" glued between two answers is a connective (answers.py reads it so).
_GLUED_OR_RE = re.compile(r"(?<=[0-9)\]}])or(?=[A-Z(\[{\\-]|[a-z]\s{0,2}[=(_])")


def _is_prose(text: str) -> bool:
    """Words outside LaTeX commands and ``\\text{}`` labels (or any Chinese) make text prose."""
    text = _GLUED_OR_RE.sub(" ", _TEXT_COMMAND_RE.sub(" ", text))
    return any(w.lower() not in _MATH_WORDS for w in _PROSE_WORD_RE.findall(text)) or bool(
        re.search(r"[\u4e00-\u9fff]", text)
    )


def _tighten(answer: str) -> str | None:
    """A prose answer that also holds math is reduced to its last math segment or number."""
    answer = answer.strip().rstrip(".")
    if not answer:
        return None
    if not _is_prose(answer) or re.search(r"[\u4e00-\u9fff]", answer):
        return answer
    segments = _MATH_SEGMENT_RE.findall(answer)
    if segments:
        return next(s for s in segments[-1] if s)
    numbers = _NUMBER_RE.findall(drop_thousands_separators(answer))  # Ответ: 12 500 руб.
    if numbers:
        return numbers[-1].strip()
    return answer


_CODE_FENCE = "```"
_CODE_LANGUAGES = {"python", "py", "python3", "ipython"}


def drop_code_blocks(text: str) -> str:
    """Tool-integrated reasoning: fenced ````python`` blocks are the model's program, not its answer.

    Their printed output (````output``) stays. One left-to-right pass of ``str.find``.
    """
    if _CODE_FENCE not in text:
        return text
    kept, i = [], 0
    while (start := text.find(_CODE_FENCE, i)) >= 0:
        info_end = text.find("\n", start)
        language = text[start + 3 : info_end].strip().lower() if info_end >= 0 else ""
        close = text.find(_CODE_FENCE, info_end + 1) if info_end >= 0 else -1
        if close < 0:
            break
        kept.append(text[i:start] if language in _CODE_LANGUAGES else text[i : close + 3])
        i = close + 3
    kept.append(text[i:])
    return "".join(kept)


_CODE_RE = re.compile(r"__\w+__|\blambda\b|\bimport\s|\b(?:eval|exec|compile|getattr|open)\s*\(|os\.system")


def extract_answer(text: str, *, fallback: bool = True, value: bool = False) -> str | None:
    """The final answer in a solution: last ``\\boxed{}``, answer markers, or the last number.

    Text that looks like program code (``__import__``, ``lambda``) outside fenced code blocks is
    not an answer. With ``fallback=False`` only a box or an answer marker counts (for answer keys).
    With ``value=True`` (the key is a value, not an option) a final option choice (``故选D``,
    ``The answer is (B)``) gives way to the answer found before it, and an option written with
    its content (``(C) 12``) is that content.
    """
    if not text or not text.strip() or cut_off_in_thinking(text[-MAX_TEXT_CHARS:]):
        return None
    text = drop_code_blocks(text[-MAX_TEXT_CHARS:])
    if _CODE_RE.search(text):
        return None
    text = _prepare(text)
    answer, start = _final_answer(text, fallback)
    option = labelled_option(answer) if value and answer is not None else None
    if option is not None:  # The answer is (C) 12: the value is 12
        return option.value
    letter = choice_letter(answer) if value and answer is not None else None
    listed = listed_option(text, letter) if letter is not None else None
    if listed is not None:  # A．70  B．80  C．90 ... 故选C: the option's content, 90
        return listed
    if value and answer is not None and start > 0 and letter:
        before = _CHOICE_VERB_RE.sub("", text[:start]).rstrip(" ,，;；:：")
        earlier, _ = _final_answer(before, fallback)
        if earlier is not None and not choice_letter(earlier):
            return earlier
    return answer


_CHOICE_VERB_RE = re.compile(
    r"(?:故|所以|因此|答案|应)?\s{0,3}选(?:项|择)?\s{0,3}[为是:：]?\s{0,3}(?:\$|\\\(|\\\[)?\s{0,3}$"
)


def _final_answer(text: str, fallback: bool) -> tuple[str | None, int]:
    """The final answer of prepared text and where its marker or box starts (-1: the fallback)."""
    boxes = find_boxes(text, unclosed_last=not fallback)
    box_start, box_answer = _last_box_group(text, boxes, key=not fallback) if boxes else (-1, None)
    negated = False  # "The answer is not 12.": no answer, unless another marker or a box gives one
    verdict: tuple[str, int] | None = None
    markers = list(_MARKER_RE.finditer(text))[-MAX_MARKERS_TRIED:]
    for i in range(len(markers) - 1, -1, -1):
        m = markers[i]
        if m.start() < box_start:
            break
        if boxes and m.start() < boxes[-1].start:  # a part's marker inside the group: (2) 答案为 \boxed{4}
            continue
        condition = _condition_start(text, m.start()) if "would" in m.group(0).lower() else -1
        if condition >= 0 and (0 <= box_start < condition or (i > 0 and markers[i - 1].start() < condition)):
            return None, -1  # an answer, then "if ..., the answer would be 16": an alternative, a hedge
        if _NEGATED_START_RE.match(text, m.end()):
            correction = _CORRECTION_RE.search(text, m.end(), m.end() + 200)  # 不是12，而是15
            answer = _after_marker(text, correction.end()) if correction else None
            if answer and answer.strip():
                return answer.strip(), m.start()
            negated = True
            continue
        listed = _listed_parts(text[m.end() :], introduced=True) if len(text) - m.end() <= _LIST_CHARS else None
        answer = listed or _unopened_closer_dropped(_after_marker(text, m.end()))
        if answer and _VERDICT_ON_ANSWER_RE.fullmatch(answer):  # "... Verdict: the answer is correct."
            verdict = verdict or (answer.strip(), m.start())  # the answer only if no other is given
            continue
        if answer and answer.strip():
            return answer.strip(), m.start()
    if box_answer is not None:
        return box_answer.strip(), box_start
    if verdict is not None:
        return verdict
    return (_fallback(text) if fallback and not negated else None), -1


# A sentence that puts a condition on the answer it would have: "Note: if the discount were 20%
# instead, the answer would be 16." (Chinese 如果 opens a solution's own reasoning too often.)
_CONDITIONAL_RE = re.compile(r"(?<![a-zA-Z])if(?![a-zA-Z])", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.!?](?!\d)|[。！？\n]")
_CONDITION_CHARS = 160


def _condition_start(text: str, start: int) -> int:
    """Where the sentence before ``start`` begins when it puts a condition (``if``), else -1.
    Only its last ``_CONDITION_CHARS`` are read."""
    head_start = max(0, start - _CONDITION_CHARS)
    sentence = _SENTENCE_END_RE.split(text[head_start:start])[-1]
    return start - len(sentence) if _CONDITIONAL_RE.search(sentence) else -1


# Answer statements in a row at the end of a solution, each a marker and its answer or a box
# (``Answer: A\nAnswer: B\nAnswer: C``; ``The answer is 1. The answer is 2.``; ``\\boxed{1}\n\n
# \\boxed{2}``; ``\\boxed{3}\n\nAnswer: 4``): between two, punctuation and blank lines alone. A
# corrected answer has words between (``Wait, I mis-added``); ``所以``/``故`` state steps.
_ANSWER_WORD_RE = re.compile(r"answer|答|ответ|r[ée]ponse|antwort|respuesta|####", re.IGNORECASE)
_BETWEEN_ANSWERS_RE = re.compile(
    r"(?:[\s.,;:!。，；：、！$*(（]|\\[\[\]()]|所以|因此|综上所述|综上|故|(?i:so|thus|hence|therefore)(?![a-zA-Z])){0,16}"
)
# An option chosen in Chinese (故选A, 应选B, 选C; not 选项D): a statement of the answer too.
_ZH_CHOSEN_RE = re.compile(r"(?:故|所以|因此|应)?选(?!项)\s{0,2}[:：]?\s{0,2}[(（]?([A-J])[)）]?(?![a-zA-Z])")
_BOX_AFTER_MARKER_RE = re.compile(r"[\s*:]{0,4}(?:\$|\\\(|\\\[)?\s{0,2}\\(?:boxed|fbox)")
_IN_A_ROW_MAX = 8
_STATEMENT_HINT_RE = re.compile(r"\\(?:boxed|fbox)|answer|答|ответ|r[ée]ponse|antwort|respuesta|####|选", re.IGNORECASE)
# Between two statements, words that offer the second as an alternative or doubt the first (``It
# could also be``, ``**Alternative Answer**``, ``but I'm not sure``, ``也可能是``); a revision
# (``Wait, ...``) corrects instead.
_UNCERTAIN_RE = re.compile(
    r"(?<![a-zA-Z])(?:or|alternatively|alternative|otherwise|might|may|could|possibly|maybe|perhaps|probably"
    r"|not\s(?:sure|certain))(?![a-zA-Z])|可能|或者|或许|也许|不确定",
    re.IGNORECASE,
)
_OFFERED_GAP_CHARS = 80
_IN_A_ROW_CHARS = 2_000  # the statements are read from the end of the text


@dataclass(frozen=True, slots=True)
class _Statement:
    """An answer stated in a solution: where the statement starts and ends, and its answer."""

    start: int
    end: int
    answer: str


def _statements(text: str) -> list[_Statement]:
    """The last answer statements of ``text`` in order, none inside another: each box, and each
    marker with an answer word (a marker followed by a box states the box's answer)."""
    found = [_Statement(b.start, b.end, b.content.strip()) for b in find_boxes(text)[-_IN_A_ROW_MAX:]]
    found += [_Statement(m.start(), m.end(), m.group(1)) for m in list(_ZH_CHOSEN_RE.finditer(text))[-_IN_A_ROW_MAX:]]
    markers = [m for m in _MARKER_RE.finditer(text) if _ANSWER_WORD_RE.search(m.group(0))][-_IN_A_ROW_MAX:]
    for m in markers:
        if _NEGATED_START_RE.match(text, m.end()):
            continue  # The answer is not 12.: no answer stated
        if _BOX_AFTER_MARKER_RE.match(text, m.end()):
            boxed = next((s for s in found if s.start >= m.end()), None)
            if boxed is not None:
                found[found.index(boxed)] = _Statement(m.start(), boxed.end, boxed.answer)
            continue
        answer = (_after_marker(text, m.end()) or "").strip()
        at = text.find(answer, m.end()) if answer else -1
        if at >= 0:
            found.append(_Statement(m.start(), at + len(answer), answer))
    kept: list[_Statement] = []
    for statement in sorted(found, key=lambda s: s.start):
        if kept and statement.start < kept[-1].end:
            continue  # inside the one before (Answer: The answer is 3)
        kept.append(statement)
    return kept


def answers_in_a_row(text: str) -> list[str]:
    """The answers stated just before the final answer statement, nothing but punctuation and
    blank lines between them; empty when the final statement stands alone or a value follows it."""
    text = text[-_IN_A_ROW_CHARS:]
    if len(_STATEMENT_HINT_RE.findall(text)) < 2:  # every statement has a box, an answer word or 选
        return []
    text = _prepare(drop_code_blocks(text))
    statements = _statements(text)
    if len(statements) < 2 or re.search(r"\d", text[statements[-1].end :]):
        return []
    earlier: list[str] = []
    for before, after in zip(reversed(statements[:-1]), reversed(statements[1:]), strict=True):
        gap = text[before.end : after.start]
        offered = len(gap) <= _OFFERED_GAP_CHARS and _UNCERTAIN_RE.search(gap) and not _REVISION_RE.search(gap)
        if not (offered or _BETWEEN_ANSWERS_RE.fullmatch(gap)):
            break
        earlier.insert(0, before.answer)
    return earlier


# What a solution says of an answer it gave, no answer itself: "the answer is correct", "is verified".
_VERDICT_ON_ANSWER_RE = re.compile(
    r"\s{0,3}(?:(?:indeed|definitely|therefore|thus)\s{1,3})?(?:correct|right|verified|confirmed|checked)\W{0,3}",
    re.IGNORECASE,
)


def _unopened_closer_dropped(answer: str | None) -> str | None:
    """``answer`` without a closing bracket that no bracket in it opens: the marker stood inside
    a parenthesis (``\\boxed{3} (Answer: 3)``). ``[2, 3)`` opens its own."""
    if not answer:
        return answer
    answer = answer.rstrip()
    opened = answer.count("(") + answer.count("[") + answer.count("（")
    closed = answer.count(")") + answer.count("]") + answer.count("）")
    return answer[:-1] if answer[-1:] in (")", "）") and closed > opened else answer


_NEGATED_START_RE = re.compile(
    r"\s{0,3}(?:(?:答案|the\sanswer\sis)\s{0,2})?(?:not\b|never\b|不是|并非|不对)", re.IGNORECASE
)
_CORRECTION_RE = re.compile(
    r"而是|[，,]\s{0,2}(?:应该|应当|应|其实|实际上)?是(?![否的])|\bbut\s(?:rather\s)?(?:it\s(?:is|was)\s)?",
    re.IGNORECASE,
)


# The values of one variable joined by or/and at the very end: ``so x = 3 or x = -3.``
_ROOTS_CHARS = 200
_ROOT_VALUE = r"\s?=\s?-?\d+(?:\.\d+)?(?:/\d+)?"
_ROOTS_AT_END_RE = re.compile(
    rf"(?<![a-zA-Z])(([a-zA-Z]){_ROOT_VALUE}(?:\s{{0,2}}(?:,|or|and|或|和)\s{{0,2}}\2{_ROOT_VALUE}){{1,8}})\s?[.。]?\s*$"
)


# A reason given after the answer, to the end of its sentence ("The answer is 12, since 3 + 4 = 7";
# "The answer is C, because option B gives 6"): its values and options explain the answer.
# "as" only after a comma: "the same as 12", "written as 12" are no reasons.
_REASON_START = r"(?:[,;]\s{0,3}(?:since|because|as|given\sthat)|\s{1,3}(?:since|because|given\sthat))\s"
_REASON_RE = re.compile(_REASON_START + r"[^\n]{0,300}$", re.IGNORECASE)


def _without_reason(sentence: str) -> str:
    """``sentence`` (what follows an answer marker) without a reason clause after its answer."""
    m = _REASON_RE.search(sentence)
    return sentence[: m.start()] if m is not None and sentence[: m.start()].strip() else sentence


# A closing clause that says where a value is attained (``..., attained at $x = 2$.``, ``，此时x=2``):
# the value before it is the answer. Only the last 160 characters are searched.
_WHERE_ATTAINED_CHARS = 160
_WHERE_ATTAINED_RE = re.compile(
    r"(?:,|;|\s)\s{0,3}(?:(?:which|that|and\s(?:it|this))\s{1,3})?(?:(?:is|are)\s{1,3})?"
    r"(?:occurs?|attained|achieved|reached|obtained|happens)\s{1,3}(?:at|when|for|where|if)\b[^.\n]{0,120}\.?\s*$"
    r"|[，,]\s?(?:此时|当且仅当|当)[^。\n]{0,80}。?\s*$",
    re.IGNORECASE,
)
# A where-attained clause that goes on to state the value (``，当 $x=1$ 时取得最大值，最大值为 $3$``) is
# the answer's sentence, not a remark after it.
_VALUE_AFTER_CONDITION_RE = re.compile(r"时[^，,。\n]{0,20}[，,][^，,。\n]{0,20}(?:为|是|等于)\s?[$\d-]")


# The same value said again another way: "0.5, i.e., 50%", "12 (that is, a dozen)", "12.5, about 13" ...
# ... or a value ruled out after it: "12, not 13", "12 (rather than 13)", "12，而不是13".
# A restating clause stays in its sentence ("Ben has 18, which is 6 more than Sam. So Sam has 12."
# says 12) and holds no equals sign ("..., which is 18 + 21 = 39 miles" works its value out: 39).
_IN_SENTENCE = r"(?:[^\n.!?。=]|[.!?](?![^\S\n]{1,3}[A-Z\d\u4e00-\u9fff]))"
_RESTATED_RE = re.compile(
    rf",?\s{{0,3}}\(?(?:i\.\s?e\.|that\sis|namely|or\sequivalently)[,:]?\s{_IN_SENTENCE}{{0,120}}$"
    # a value ruled out, right after "not" (not "I'm not sure; it could be 8")
    rf"|[,;]?\s{{0,3}}\(?(?<![a-zA-Z])(?:not|rather\sthan|instead\sof)\s(?=\$?\s?(?:-?\d|[a-zA-Z]\s?=|\\))"
    rf"{_IN_SENTENCE}{{0,60}}$|[，,]\s?而?不是[^\n。]{{0,30}}。?$"
    r"|(?<=[\d%a-zA-Z])(?:\s\([^()\n]{1,60}\)|\s?（[^（）\n]{1,60}）)\s?[.。]?$"  # 150 minutes (2.5 hours)
    # 48 slices, which is 3 pizzas' worth (no clause after it)
    rf"|,\s{{0,3}}which\s(?:is|equals|means)\s(?:(?!,\s|;){_IN_SENTENCE}){{0,80}}$"
    rf"|,\s{{0,3}}(?:or\s)?(?:about|approximately|roughly)\s{_IN_SENTENCE}{{0,80}}$"  # 12.5, about 13
    rf"|,\s{{0,3}}or\s(?=\\?\$?\s?-?\d){_IN_SENTENCE}{{0,80}}$",  # 2 hours, or 120 minutes: another value
    re.IGNORECASE,
)


# A closing phrase that qualifies the value with another number: "12 apples left after giving 3
# to Tom", "30 years old in 5 years", "$12 for 4 pounds", "7 out of 10 students", "15 marbles, 3
# more than Jerry". (It can also be the answer: "he reaches $200 in 8 weeks" is read as 200.)
# With no equals sign: "a total of 11 * 110 = 1,210 calories" works a value out, it qualifies none.
_QUALIFIER_BODY = r"(?:[^,;:\n.=]|[.,](?=\d)){0,60}\d(?:[^,;:\n.=]|[.,](?=\d)){0,60}\.?\s*$"
_QUALIFIER_RE = re.compile(
    # "a total of 89 pounds" names its value, qualifying none
    r"(?:(?<!total)(?<!sum)(?<!amount)\s(?:after|before|in|for|from|when|if|because|since|with|out\sof|per|at|of|by|than)\s"
    r"|,\s(?=\d+\s(?:more|less|fewer)\s)"
    # over, on, during, across inside a sentence (not "On Thursday ..." opening one), and "to" a verb
    # of purpose (8 weeks to save $200), not one of result (add 10 and 7 to get 17)
    r"|[^\S\n](?-i:over|on|during|across|to(?=\s(?!(?:get|give|make|obtain|yield|equal|total|find|arrive)"
    r"[a-z]{0,3}\b)[a-z]))\s)" + _QUALIFIER_BODY,
    re.IGNORECASE,
)


# The value a qualifier qualifies, just before it in the same clause and sentence: a sentence that
# ends (``= $72.\nShe sells them for $2 each.``) ends the clause, so its number qualifies nothing.
# A number joined to a word by a hyphen (the 240-page book) describes a thing: no value qualified.
_QUALIFIED_VALUE_RE = re.compile(r"\d(?!-[a-zA-Z])(?:(?![.!?][^\S\n]{1,3}[A-Z])[^\d,;\n]){0,24}$")


def _opens_sentence(paragraph: str, m: re.Match) -> bool:
    """Whether the phrase ``m`` (after its space) opens a sentence: ``... a day. In 3 days ...``, not
    ``11:45 a.m. after 2 hours``."""
    return paragraph[max(0, m.start() - 1) : m.start()] in (".", "!", "?") and m.group(0)[1:2].isupper()


def _qualifying_phrase(paragraph: str, start: int) -> re.Match | None:
    """The first closing qualifier whose qualified value stands just before it, in the same clause
    ("a profit of $450 from 30 sales": not "of $450 ...", whose clause holds no value before it, nor
    one that opens a sentence)."""
    m = _QUALIFIER_RE.search(paragraph, start)
    while m is not None and (
        _opens_sentence(paragraph, m) or not _QUALIFIED_VALUE_RE.search(paragraph[max(0, m.start() - 40) : m.start()])
    ):
        m = _QUALIFIER_RE.search(paragraph, m.start() + 1)
    return m


# A value worked out after an equals sign (``48 ÷ 6 = 8（次）``), ending its expression; a quotient
# with a remainder after it (``50 ÷ 8 = 6 remainder 2``, ``6（个）……2``) is not the result.
_WORKED_VALUE = r"=\s{0,2}\\?\$?\s?(-?(?:(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d{1,15})?|\.\d{1,15}))(?![\d.,]?\d)"
_WORKED_VALUE_RE = re.compile(_WORKED_VALUE)
_RESULT_RE = re.compile(
    _WORKED_VALUE + r"(?!\s{0,2}[-+×xX*/÷^])(?![^\n.。]{0,8}(?:remainder|余|…|\bR\s?\d|\br\s?\d))", re.IGNORECASE
)
_SENTENCE_VALUE_RE = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d{1,15})?(?![\d,]?\d)")
_WORKED_CHARS = 2_000


def _value_key(number: str) -> str:
    """``number`` without thousands separators or trailing decimal zeros (1,200.0 -> 1200)."""
    plain = number.replace(",", "").lstrip("-")
    return plain.rstrip("0").rstrip(".") if "." in plain else plain


def worked_value(text: str, sentence: str, read: str | None = None) -> str | None:
    """The last value ``text`` works out (after an equals sign), where the closing ``sentence``
    states it beside the number read from it, a number never worked out: a given stated beside it
    (``48 ÷ 6 = 8（次）。这辆车要运8次才能运完48吨货物。``, ``240 / 20 = 12. He reads the 240 pages
    in 12 days.``): a number given before the sentence. ``read`` is the value read from the
    sentence (by default its last number)."""
    tail = text[-_WORKED_CHARS:]
    results = [m.group(1) for m in _RESULT_RE.finditer(tail)]
    numbers = [m.group(0) for m in _SENTENCE_VALUE_RE.finditer(sentence)]
    if not results or len(numbers) < 2:
        return None
    read_number = _SENTENCE_VALUE_RE.search(read if read is not None else numbers[-1])
    if read_number is None:
        return None
    candidate, result = _value_key(read_number.group(0)), _value_key(results[-1])
    worked = {_value_key(m.group(1)) for m in _WORKED_VALUE_RE.finditer(tail)}
    at = tail.rfind(sentence.strip())
    given = {_value_key(m.group(0)) for m in _SENTENCE_VALUE_RE.finditer(tail[: max(at, 0)])}
    if candidate in worked or candidate not in given or result == candidate:
        return None  # a new number in the closing sentence (... each gets 2) is worked out in words
    return results[-1].replace(",", "") if result in {_value_key(n) for n in numbers} else None
    return results[-1].replace(",", "")


def _without_closing_clause(paragraph: str) -> str:
    """``paragraph`` without a closing clause that says where its value is attained, says it again
    or qualifies it with another number."""
    tail_start = max(0, len(paragraph) - _WHERE_ATTAINED_CHARS)
    m = (
        _WHERE_ATTAINED_RE.search(paragraph, tail_start)
        or _RESTATED_RE.search(paragraph, tail_start)
        or _qualifying_phrase(paragraph, tail_start)
    )
    if m is None or _VALUE_AFTER_CONDITION_RE.search(m.group(0)):
        return paragraph
    before = paragraph[: m.start()]
    return before if re.search(r"\d|\$", before[-_WHERE_ATTAINED_CHARS:]) else paragraph


# A list of parts closing a solution, one value an item: "- Part (a): 12", "1. 12", "* (b) $10$", "- 第(2)问：10".
_LIST_ITEM_RE = re.compile(
    r"[^\S\n]{0,4}(?:(?P<bullet>[-*•+])[^\S\n]{1,3}|(?P<number>\d{1,2})[.)][^\S\n]{1,3})?(?:\*\*)?"
    r"(?P<label>(?:part[^\S\n]?)?(?:\([^\S\n]?(?:\d{1,2}|[a-h])[^\S\n]?\)|（[^\S\n]?\d{1,2}[^\S\n]?）)"
    r"|第[(（]?[一二三四五六七八九\d]{1,2}[)）]?(?:小题|问|题|部分))?"
    r"(?:\*\*)?[^\S\n]{0,3}[:：]?(?:\*\*)?[^\S\n]{0,3}"
    r"(?P<value>\$[^$\n]{1,60}\$|-?\d{1,15}(?:,\d{3}){0,4}(?:\.\d{1,15})?(?:/\d{1,15})?%?(?:[^\S\n][a-zA-Z]{1,15}){0,2})"
    r"[^\S\n]{0,3}[.。]?[^\S\n]{0,3}",
    re.IGNORECASE,
)
# The line that introduces a list of answers: "Answers:", "**Final answers:**", "答案：", "答：".
_LIST_HEADER_RE = re.compile(r"[\s*#]{0,6}(?:(?:final\s)?(?:answers?|results?)|答案|答|结果)\s?[:：][\s*]{0,4}", re.I)
_LIST_LINES = 12
_LIST_CHARS = 2_000  # the list's lines, read from the end of the text


def _listed_parts(text: str, *, introduced: bool = False) -> str | None:
    """The values of a list of parts closing ``text``, two or more, in order: each item labelled
    (``Part (a)``, ``第(1)问``), or an introduced list (after ``Answers:`` or a marker, ``introduced``)
    of bullets or numbers. Labelled or numbered items are parts in order; bullets alone are not."""
    lines = text[-_LIST_CHARS:].rstrip().split("\n")[-_LIST_LINES:]
    items: list[re.Match] = []
    while lines and (item := _LIST_ITEM_RE.fullmatch(lines[-1])) is not None:
        if not (item.group("bullet") or item.group("number") or item.group("label")):
            break
        items.insert(0, item)
        lines.pop()
    if len(items) < 2 or (introduced and any(line.strip() for line in lines)):
        return None
    labelled = all(item.group("label") for item in items)
    if not (labelled or introduced or (lines and _LIST_HEADER_RE.fullmatch(lines[-1]))):
        return None
    values = [item.group("value").strip() for item in items]
    if labelled or all(item.group("number") for item in items):
        return "; ".join(f"({i}) {value}" for i, value in enumerate(values, 1))
    return ", ".join(values)


# A closing line of labelled parts, each its own clause: （1）甲车每小时行60千米；（2）乙车每小时行45千米。
_PARTS_LINE_RE = re.compile(r"[(（][^\S\n]?1[^\S\n]?[)）]")
_NEXT_PART_RE = re.compile(r"[;；,，][^\S\n]{0,3}[(（][^\S\n]?2[^\S\n]?[)）]")
_PARTS_LINE_CHARS = 300


# The unfinished words a text ends with: after its last sentence end (or Chinese clause end), with no
# closing punctuation; only its last characters are read.
_UNFINISHED_TAIL_RE = re.compile(
    # no sentence ends after a short capitalized word (Mr., Mrs., Dr.): an abbreviation, or a name
    r"(?:(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})[.!?:](?=\s)|[。！？：，；\n])([^.!?。！？：，；\n]{1,200})$"
)
_UNFINISHED_CHARS = 240


# Words of a closing remark about the result, not a new step ("That is the final result").
_CLOSING_REMARK_RE = re.compile(
    r"\b(?:answers?|results?|solutions?|correct|done|total)\b|答案|结果|正确", re.IGNORECASE
)


# A step begun (Then, Next, Now we ..., 然后, 再) or a sentence stopped on a word that cannot end one
# (the, to her, and; 分给, 小红有): unfinished, where "That is how much he pays" is a closing remark.
_STEP_OPENER_RE = re.compile(
    r"\s{0,3}(?:(?i:then|next|now|first|second|after|finally|to|we|let|step)\b|然后|接着|接下来|再|最后|下面)"
)
_DANGLING_WORD_RE = re.compile(
    r"(?:\b(?i:the|a|an|of|to|and|or|but|for|with|by|from|in|into|on|at|her|his|their|its|our|is|are|was|were"
    r"|be|will|would|can|could|should|that|than|as|each|per|if|we|she|he|they)|[给把和与是为将被在到从用以再要有比乘加减共还又就每各])"
    r"\s{0,3}$"
)


def _cut_off_mid_step(text: str) -> bool:
    """Whether a solution with no answer declared stops inside a new step, cut off by the length
    limit: its last words begin a sentence or clause that holds no value yet (three English words or
    four Chinese characters or more, opening a step or stopped on a word that ends none).
    The number before them is a step's, not an answer."""
    tail = text.rstrip()
    m = _UNFINISHED_TAIL_RE.search(tail, max(0, len(tail) - _UNFINISHED_CHARS))
    if m is None or re.search(r"[\d$\\=%]", m.group(1)) or _CLOSING_REMARK_RE.search(m.group(1)):
        return False
    words = m.group(1)
    long_enough = len(re.findall(r"[a-zA-Z]+", words)) >= 3 or len(re.findall(r"[\u4e00-\u9fff]", words)) >= 4
    return long_enough and (_STEP_OPENER_RE.match(words) is not None or _DANGLING_WORD_RE.search(words) is not None)


_PARAGRAPH_CHARS = 4_000


def _last_paragraph(text: str) -> str:
    """The text after its last blank line; of a longer one (no ordinary answer's), its last
    ``_PARAGRAPH_CHARS`` from a line start where one falls in them, so every scan of it is short."""
    paragraph = text.strip().split("\n\n")[-1]
    return paragraph if len(paragraph) <= _PARAGRAPH_CHARS else paragraph[-_PARAGRAPH_CHARS:].split("\n", 1)[-1]


def _fallback(text: str) -> str | None:
    """No box or marker: a bare answer as is, else the last math segment or number."""
    count = _closing_count(text)
    if count is not None:  # ..., so there are infinitely many such $n$. / ..., so no such $x$ exists.
        return count
    if not _is_prose(text) or (
        len(text) <= 80
        and "\n" not in text
        and (not re.search(r"\d", text) or 0 < len(re.findall(r"[\u4e00-\u9fff]", text)) <= 2)
        and not _ends_in_math(text)  # The solution set is $\emptyset$.: the segment
        and _bare_math_at_end(text) is None  # A ∩ B = ∅.
    ):
        return text.strip().rstrip(".")
    listed = _listed_parts(text)  # - Part (a): 12 / - Part (b): 10
    if listed is not None:
        return listed
    last_line = text.strip()[-_PARTS_LINE_CHARS:].split("\n")[-1].strip()
    if _PARTS_LINE_RE.match(last_line) and _NEXT_PART_RE.search(last_line):  # （1）...60千米；（2）...45千米。
        return last_line.rstrip("。.")
    last_paragraph = _last_paragraph(text)
    if _REFUSAL_RE.search(last_paragraph) or sets_the_task(_last_sentence(last_paragraph)):
        return None
    worded = number_word_at_end(last_paragraph)  # ... 5 + 7 = 12 in all. So she has twelve apples left.
    if worded is not None:
        return worded
    if _cut_off_mid_step(last_paragraph):  # ... = 48 cookies left. Then she gives some to her
        return None
    last_paragraph = _without_closing_clause(last_paragraph)
    roots = _ROOTS_AT_END_RE.search(last_paragraph[-_ROOTS_CHARS:])
    if roots:  # ... so x = 3 or x = -3.
        return roots.group(1)
    values = closing_list(last_paragraph)
    if values:  # The answers are 3 and 4.: all of them, not the last alone
        return ", ".join(values)
    bare = _bare_math_at_end(_last_sentence(last_paragraph))
    if bare is not None:  # ... so the diagonal is 2√3.
        return bare
    segments = _without_bound_variables(last_paragraph, list(_MATH_SEGMENT_RE.finditer(last_paragraph)))
    outside = _MATH_SEGMENT_RE.sub(lambda m: " " * len(m.group(0)), last_paragraph)
    numbers = list(_NUMBER_RE.finditer(outside))
    if numbers and (not segments or numbers[-1].start() > segments[-1].start()):
        read = numbers[-1].group(0).strip()
        return worked_value(text, _last_sentence(text.strip().split("\n\n")[-1]), read) or read
    if segments:
        return (
            _joined_inequalities(last_paragraph, segments)
            or _assigned_values(last_paragraph, segments)
            or next(s for s in segments[-1].groups() if s).strip()
        )
    return None


# A sentence that asks the question or sets the task rather than answering it ("How many are
# left?", "Find the remainder when 17 is divided by 5", "We need to find how many apples remain if
# Tom eats 5", 还剩多少个？): its numbers are the question's. One that works the task out (an
# equals sign, "gives", "so") is no echo.
_QUESTION_END_RE = re.compile(r"[?？]\s{0,3}$")
_TASK_RE = re.compile(
    r"^[\W_]{0,4}(?:(?:the\s)?(?:question|problem|task|exercise)\s(?:asks|is\sasking|wants)"
    r"|(?:(?:we|i)\s(?:need|want|have|are\sasked|were\sasked|must)\s(?:to\s)?)?"
    r"(?:find|determine|compute|calculate|evaluate|work\sout|figure\sout|how\s(?:many|much|long|far|old)))"
    r"(?![a-zA-Z])",
    re.IGNORECASE,
)
_WORKED_OUT_RE = re.compile(
    r"=|[:：]\s{0,3}[-\d$\\]"
    r"|(?<![a-zA-Z])(?:gives?|giving|equals?|yields?|get|got|so|thus|hence|therefore|result)(?![a-zA-Z])",
    re.IGNORECASE,
)
_LAST_SENTENCE_CHARS = 300
_SENTENCE_BREAK_RE = re.compile(r"[.!?。！？；;](?=\s|$)|\n|[。！？；]")


# Math written without delimiters, in Unicode or LaTeX commands, closing a sentence: "the diagonal
# is 2√3.", "so x ≥ −2.", "A ∩ B = ∅.". A mark of math (not a bare number) makes it math.
_BARE_MATH_MARK_RE = re.compile(
    r"[√∛∜π±∓≤≥≠<>∞∪∩∅×÷⁰¹²³⁴⁵⁶⁷⁸⁹⁻]|\\(?:sqrt|pi|pm|mp|le|ge|ne|infty|cup|cap|emptyset|times)"
)
_BARE_MATH_TOKEN_RE = re.compile(r"\\[a-zA-Z]{1,12}|[a-zA-Z][a-zA-Z'’]*|[^\sa-zA-Z]")
_BARE_MATH_CHARS = set("0123456789.,{}()[]^_+-*/|=<>√∛∜π±∓≤≥≠∞∪∩∅×÷·−–°′″⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺₀₁₂₃₄₅₆₇₈₉\\")
_ANGLE_NOT_RELATION_RE = re.compile(r"<<|>>|</?[a-zA-Z][a-zA-Z0-9]{0,10}\s?/?>")
# A unit after the value (3 × 10⁸ m/s., 2√3 cm., 12.5m²): no part of the math.
_TRAILING_UNIT_RE = re.compile(
    r"(?<=[\dπ⁰¹²³⁴⁵⁶⁷⁸⁹}])(?:\s[a-zA-Z]{1,6}(?:/[a-zA-Z]{1,6})?(?:\^?[23²³])?|[a-zA-Z]{1,3}[²³])\s?\.?$"
)


def _bare_math_token(token: str) -> bool:
    """Whether ``token`` may be part of bare math: a LaTeX command, one letter, or a math character."""
    return token.startswith("\\") or (token.isalpha() and len(token) == 1) or token in _BARE_MATH_CHARS


def _bare_math_at_end(sentence: str) -> str | None:
    """The math that closes ``sentence`` when it is written without delimiters and holds a mark
    of math (``The length is 2√3.`` -> ``2√3``); ``None`` for a plain number or a word at the end."""
    sentence = sentence.rstrip().rstrip(".。")[-_LAST_SENTENCE_CHARS:]
    if not _BARE_MATH_MARK_RE.search(sentence) or _ANGLE_NOT_RELATION_RE.search(sentence):
        return None  # <<4*5=20>>20, <s>16</s> 18: a calculator note or markup, no relation
    unit = _TRAILING_UNIT_RE.search(sentence)
    if unit is not None:
        sentence = sentence[: unit.start()]
    start = len(sentence)
    for token in reversed(list(_BARE_MATH_TOKEN_RE.finditer(sentence))):
        if not _bare_math_token(token.group(0)):
            break
        start = token.start()
    run = sentence[start:].strip().lstrip(",.;:)]} ")
    if not _BARE_MATH_MARK_RE.search(run) or not re.search(r"[\d∅∞π]|\\(?:emptyset|infty|pi)", run):
        return None
    return run


# A math segment that only names the variable a closing quantifier binds ("$f(x) = -x$ for all real
# $x$", "for every $n \\in \\mathbb{N}$", "infinitely many such $n$"): no answer, the math before it is.
_BOUND_VARIABLE_RE = re.compile(r"\s{0,2}[a-zA-Z](?:\s{0,2}\\in\s{0,2}\\mathbb\s?\{?[A-Z]\}?)?\s{0,2}")
_QUANTIFIER_BEFORE_RE = re.compile(
    r"(?<![a-zA-Z])(?:for\s(?:all|every|each|any|some)|such)(?:\s[a-zA-Z]{1,12}){0,2}\s{1,2}$", re.IGNORECASE
)
_QUANTIFIER_CHARS = 60
# A closing clause that counts the solutions as infinitely many or none: "there are infinitely many
# such $n$", "no such $x$ exists", "there are no real solutions". Group 1: infinitely many.
_CLOSING_COUNT_RE = re.compile(
    r"(?:^|[,;:]\s{0,3}|(?<![a-zA-Z])(?:so|hence|thus|therefore)\s{1,3})(?:"
    r"(there\s{1,3}(?:are|exist)\s{1,3}infinitely\s{1,3}many)(?:\s{1,3}(?:[a-zA-Z]{1,15}|\$[a-zA-Z]\$)){0,3}"
    r"|no\s{1,3}(?:such\s{1,3}(?:[a-zA-Z]{1,15}|\$[a-zA-Z]\$)|\$[a-zA-Z]\$)\s{1,3}(?:exists?|works?)"
    r"|there\s{1,3}(?:is|are|exists?)\s{1,3}no\s{1,3}(?:such\s{1,3}(?:[a-zA-Z]{1,15}|\$[a-zA-Z]\$)"
    r"|(?:(?:real|integer|positive)\s{1,3})?solutions?))"
    r"\s{0,3}[.!]?$",
    re.IGNORECASE,
)


def _closing_count(text: str) -> str | None:
    """``infinitely many`` or ``no solution`` where the last sentence counts the solutions so."""
    tail = text[-_LAST_SENTENCE_CHARS:].lower()
    if "no" not in tail and "infinitely" not in tail:
        return None
    count = _CLOSING_COUNT_RE.search(_last_sentence(text.strip().split("\n\n")[-1]))
    return None if count is None else "infinitely many" if count.group(1) else "no solution"


def _without_bound_variables(paragraph: str, segments: list[re.Match]) -> list[re.Match]:
    """``segments`` less the last ones that name a quantifier's bound variable (``for all $x$``)."""
    while segments:
        last = segments[-1]
        content = next((s for s in last.groups() if s), "")
        head = paragraph[max(0, last.start() - _QUANTIFIER_CHARS) : last.start()]
        if not (_BOUND_VARIABLE_RE.fullmatch(content) and _QUANTIFIER_BEFORE_RE.search(head)):
            break
        segments = segments[:-1]
    return segments


def _last_sentence(paragraph: str) -> str:
    """The last sentence of ``paragraph``, read from its last ``_LAST_SENTENCE_CHARS`` characters."""
    tail = paragraph[-_LAST_SENTENCE_CHARS:].rstrip()
    breaks = [m.end() for m in _SENTENCE_BREAK_RE.finditer(tail, 0, max(0, len(tail) - 1))]
    return tail[breaks[-1] :].strip() if breaks else tail.strip()


def sets_the_task(sentence: str) -> bool:
    """Whether ``sentence`` asks the question or sets the task (``How many are left?``, ``Find
    the remainder when 17 is divided by 5``) rather than giving an answer."""
    if _WORKED_OUT_RE.search(sentence):
        return False
    return _QUESTION_END_RE.search(sentence) is not None or _TASK_RE.match(sentence) is not None


def _ends_in_math(text: str) -> bool:
    """Whether a sentence's last math segment ends it (``The domain is $\\mathbb{R}$.``)."""
    segments = list(_MATH_SEGMENT_RE.finditer(text))
    return bool(segments) and segments[-1].start() > 0 and not text[segments[-1].end() :].strip(" .。!")


_INEQUALITY_RE = re.compile(r"<|>|≤|≥|\\[lg]eq?(?![a-zA-Z])|\\[lg]t(?![a-zA-Z])")
_JOINED_MAX = 8  # x < -3, or -1 < x < 1, or x > 3: a few pieces
_OR_AND_GAP_RE = re.compile(r"[^\S\n]{0,3},?[^\S\n]{0,3}(?:or|and|或|且|和|或者)[^\S\n]{0,3}")


# A value of one name in a math segment: $x = 1$, $x=-\\frac{1}{2}$.
_NAMED_VALUE_SEGMENT_RE = re.compile(r"[$(\\\[]{1,2}\s?([a-zA-Z])\s?=\s?-?[^=<>$,]{1,40}?[$)\\\]]{1,2}")


def _joined_inequalities(paragraph: str, segments: list[re.Match]) -> str | None:
    """The last math segments when they are inequalities joined by or/and (``$x \\le -2$ or
    $x \\ge 3$``), or values of one name (``$x=1$ 或 $x=2$``): the answer is all of them, as the
    text joins them."""
    last = segments[-1].group(0)
    name = _NAMED_VALUE_SEGMENT_RE.fullmatch(last)

    def joins(segment: re.Match) -> bool:
        if name is None:
            return _INEQUALITY_RE.search(segment.group(0)) is not None
        value = _NAMED_VALUE_SEGMENT_RE.fullmatch(segment.group(0))
        return value is not None and value.group(1) == name.group(1)

    first = len(segments) - 1
    while (
        first > max(0, len(segments) - _JOINED_MAX)
        and joins(segments[first])
        and _OR_AND_GAP_RE.fullmatch(paragraph, segments[first - 1].end(), segments[first].start())
    ):
        first -= 1
    if first == len(segments) - 1 or not joins(segments[first]):
        return None
    return paragraph[segments[first].start() : segments[-1].end()]


# Between the values of different names that close a solution (``$x = 3$, $y = -2$``): a comma or
# semicolon, "and", or both; never "or" (an alternative).
_ASSIGNMENT_GAP_RE = re.compile(r"[^\S\n]{0,3}[,;][^\S\n]{0,3}(?:and[^\S\n]{1,3})?|[^\S\n]{1,3}and[^\S\n]{1,3}")


def _assigned_values(paragraph: str, segments: list[re.Match]) -> str | None:
    """The last math segments when each gives the value of another name and they are listed
    (``so $x = 3$, $y = -2$``): the answer is all of them, as ``x = 3, y = -2``."""
    names: list[str] = []
    first = len(segments)
    while first > max(0, len(segments) - _JOINED_MAX):
        value = _NAMED_VALUE_SEGMENT_RE.fullmatch(segments[first - 1].group(0))
        if value is None or value.group(1) in names:
            break
        if names and not _ASSIGNMENT_GAP_RE.fullmatch(paragraph, segments[first - 1].end(), segments[first].start()):
            break
        names.append(value.group(1))
        first -= 1
    if len(names) < 2:
        return None
    return ", ".join(next(s for s in m.groups() if s).strip() for m in segments[first:])


_BOLD_LETTER_RE = re.compile(r"\*\*\s?([A-J])\s?\*\*")  # markdown bold around an option: **B**
# An option named to be ruled out: "(D) 42, not (B) 24", "rather than B", "而不是B".
_REJECTED_BEFORE_RE = re.compile(r"(?:\bnot|\bthan|\binstead\sof|不是|而非|并非)\s{0,2}$", re.IGNORECASE)


def extract_choice(text: str) -> str | None:
    """The option letter a solution commits to (``The answer is (B)``, ``选B``, ``B.``)."""
    if cut_off_in_thinking(text[-MAX_TEXT_CHARS:]):
        return None
    text = _prepare(text)
    boxes = find_boxes(text)
    if boxes:
        letter = choice_letter(boxes[-1].content)
        if letter:
            return letter
    text = _BOLD_LETTER_RE.sub(r"\1", text)
    listed = _option_list_labels(text)
    matches = [
        m
        for m in _LETTER_RE.finditer(text)
        if not _ruled_out(text, m) and _letter_at(m) not in listed  # A. 3  B. 4  C. 5: the options
    ]
    kept = _outside_reasons(text, matches)
    committed = [m for m in kept if _COMMITTED_RE.match(m.group(0)) or m.group(4)]
    found = [next(g for g in m.groups() if g) for m in committed or kept]
    if found:
        return found[-1].upper()
    lone = [m.group(1) for m in _LONE_LETTER_RE.finditer(text) if not _ruled_out(text, m) and m.start(1) not in listed]
    return lone[-1] if lone else None


def _letter_at(m: re.Match) -> int:
    """Where the option letter of a ``_LETTER_RE`` match stands."""
    return next(m.start(i) for i in range(1, (m.lastindex or 0) + 1) if m.group(i))


# An option chosen, not just named: "answer is B", "choice C", 答案B, 选B, 应选B (not "option D", 选项D).
_COMMITTED_RE = re.compile(r"(?i:answer|choice)|答案|应选|选(?!项)")
# An option's label with its content after it: "A. 3", "(B) 4", "C：5". Labels A, B, C, ... in a
# row, each near the last, are the question's options listed, not a choice.
_OPTION_LABEL_RE = re.compile(r"(?<![A-Za-z(\[])(?:\(([A-J])\)|([A-J])[.．:：、)])[^\S\n]{0,3}(?=[^\s(\[])")
_OPTION_LIST_MIN = 3
_OPTION_LIST_GAP = 200


def _option_list_labels(text: str) -> set[int]:
    """Where the letters of listed options (three or more labels A, B, C, ... in a row) stand."""
    labels = [
        (m.start(1) if m.group(1) else m.start(2), m.group(1) or m.group(2)) for m in _OPTION_LABEL_RE.finditer(text)
    ]
    listed: set[int] = set()
    run: list[int] = []
    previous = ("", -_OPTION_LIST_GAP - 1)
    for at, letter in labels:
        if previous[0] and ord(letter) == ord(previous[0]) + 1 and at - previous[1] <= _OPTION_LIST_GAP:
            run.append(at)
        else:
            if len(run) >= _OPTION_LIST_MIN:
                listed.update(run)
            run = [at]
        previous = (letter, at)
    if len(run) >= _OPTION_LIST_MIN:
        listed.update(run)
    return listed


# An answer stated with a marker (``The answer is C``, ``答案是C``), which a reason may follow.
_STATED_ANSWER_RE = re.compile(r"(?i:answer)|答案|应选")
# The reason after a stated option, to its sentence's end: ", since option B gives only 6."
_REASON_AFTER_RE = re.compile(
    r"[)\]]?\s{0,2}" + _REASON_START + r"[^\n]{0,300}?(?:[.!?](?=\s|$)|\n|$)",
    re.IGNORECASE,
)


def _outside_reasons(text: str, matches: list[re.Match]) -> list[re.Match]:
    """``matches`` without the options named in a reason given after a stated answer (``The
    answer is C, since option B gives only 6``: C, not B)."""
    kept: list[re.Match] = []
    reason_end = -1
    for m in matches:
        if m.start() < reason_end:
            continue
        kept.append(m)
        reason = _REASON_AFTER_RE.match(text, m.end()) if _STATED_ANSWER_RE.match(m.group(0)) else None
        if reason is not None:
            reason_end = reason.end()
    return kept


def _ruled_out(text: str, m: re.Match) -> bool:
    return _REJECTED_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()) is not None
