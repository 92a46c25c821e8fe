"""Option letters: a single choice (``(B)``, ``选B``), several (``A、C``, ``ACD``), a labelled option (``(C) 12``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHOICE_RE = re.compile(
    # Each optional token carries the spaces after it, so no two ``\s*`` meet (linear on any spaces).
    r"^\s*(?:\\(?:text|textbf|mathrm)\s*\{\s*)?(?:(?:option|choice|选项|选)\s*)?(?:[(\[]\s*)?([A-J])\s*(?:[)\]]\s*)?(?:\}\s*)?(?:[.:)．。]\s*)?$",
    re.IGNORECASE,
)
_TEXT_WRAPPER_RE = re.compile(r"\\(?:text|textbf|mathrm)\s*\{([^{}]{0,200})\}")
# Two or more letters apart by separators (``A, C``, ``A、C``, ``(A)(C)``, ``B and D``), or run
# together in alphabetical order (``ACD``, as multi-select keys are written; ``BAC`` may be an angle).
_LETTER_ITEM = r"[(\[]?\s?([A-J])\s?[)\]]?"
_SEPARATED_RE = re.compile(
    r"^(?:(?i:options?|choices?)\s?:?\s?|(?:选项|选择?)\s?[:：]?\s?)?"
    + _LETTER_ITEM
    + r"(?:\s{0,2}(?:[,，、;；/&]|and|和|及|与|\s|(?<=[)\]]))\s{0,2}"
    + _LETTER_ITEM
    + r"){1,9}\s?[.。]?$"
)
_OPTION_LETTER_RE = re.compile(r"(?<![a-zA-Z])[A-J](?![a-zA-Z])")
_RUN_TOGETHER_RE = re.compile(r"^(?:(?:选项|选择?)\s?[:：]?\s?)?([A-J]{2,10})\s?[.。]?$")
# The option and its content apart by spaces or a LaTeX space (``(C)\\ 12``, ``(C)\\,12``, ``(C)~12``).
# After a full-width stop (``B．12``) no space is needed.
_LABEL_SPACE = r"(?:\s|~|\\[ ,;:]|\\q?quad(?![a-zA-Z]))"
_LABELLED_RE = re.compile(
    rf"^\s*(?:(?:\(([A-J])\)|([A-J])[.:：)]){_LABEL_SPACE}{{1,12}}|([A-J])．{_LABEL_SPACE}{{0,12}})(\S.{{0,400}})$",
    re.DOTALL,
)
# Another option's label inside an option's content: "(A) 3 (B) 4", "A. 3  B. 4".
_ANOTHER_LABEL_RE = re.compile(r"(?:^|\s)(?:\([A-J]\)|[A-J][.:：)])(?:\s|$)")
_ARITHMETIC = r"(?:[-+*/^=<>\d]|\\(?:cdot|times|div|frac|sqrt|pm)(?![a-zA-Z]))"
_LETTER_IN_ARITHMETIC_RE = re.compile(
    _ARITHMETIC + r"\s?[(\[{]?\s?[A-J](?![a-zA-Z])|(?<![a-zA-Z\\])[A-J]\s?[)\]}]?\s?" + _ARITHMETIC
)


# Options a closing sentence says are right: 选项A、B、D正确, A和C都正确, ABCD都对, 正确的是B和C,
# "options A, B, and D are correct", "the correct options are A, B and D" (不正确 / "are not correct" /
# incorrect never match).
_LETTER_LIST = (
    r"[(\[（]?[A-J][)\]）]?(?:\s{0,2}[,，、;；/&]?\s{0,2}(?:and\s|和|及|与)?\s{0,2}[(\[（]?[A-J][)\]）]?){0,9}"
)
_STATED_CORRECT_RE = re.compile(
    rf"(?<![a-zA-Z])(?:选项)?({_LETTER_LIST})\s?(?:三项|两项|项|选项)?(?:(?:都|均)?(?:是正确的|正确|符合题意)|(?:都|均)对(?![应称于象]))"
    rf"|(?<!不)(?:正确|符合题意)的(?:选项|答案|说法|结论|命题|序号)?(?:是|有|为)[:：]?\s?({_LETTER_LIST})(?![a-zA-Z])"
    rf"|(?<![a-zA-Z])(?i:options?|choices?|statements?)\s({_LETTER_LIST})\s(?i:are|is)\s(?i:all\s)?(?i:correct|true|right)\b"
    rf"|(?<![a-zA-Z])(?i:correct)\s(?i:options?|answers?|choices?|statements?)\s(?i:are|is)\s?:?\s({_LETTER_LIST})(?![a-zA-Z])"
)
_STATED_CORRECT_CHARS = 300


def letters_stated_correct(text: str) -> frozenset[str] | None:
    """The options the last sentence about options says are right, if no option is named after it."""
    return _last_letters(text[-_STATED_CORRECT_CHARS:], _STATED_CORRECT_RE)


def _last_letters(tail: str, pattern: re.Pattern) -> frozenset[str] | None:
    """The letters of ``pattern``'s last match in ``tail`` (its first group that matched), if no
    option letter follows it."""
    last = max(pattern.finditer(tail), key=lambda m: m.start(), default=None)
    if last is None or _OPTION_LETTER_RE.search(tail, last.end()):
        return None
    return frozenset(re.findall(r"[A-J]", next(g for g in last.groups() if g))) or None  # ABCD都对: run together


@dataclass(frozen=True, slots=True)
class LabelledOption:
    """An option written with its content: ``(C) 12`` is option C, whose value is 12."""

    letter: str
    value: str


def _unboxed(text: str) -> str:
    return text.replace("$", "").replace("\\boxed", "").replace("**", "")  # ** : markdown bold


def _bare(text: str) -> str:
    return _TEXT_WRAPPER_RE.sub(r"\1", _unboxed(text)).strip()


def choice_letter(text: str) -> str | None:
    """The option letter if the whole answer is one (``(B)``, ``\\text{C}``, ``选B``)."""
    m = _CHOICE_RE.match(_unboxed(text))
    return m.group(1).upper() if m else None


def choice_letters(text: str) -> frozenset[str] | None:
    """The option letters if the whole answer is one or more of them (``B``, ``A、C``, ``ACD``)."""
    letter = choice_letter(text)
    if letter is not None:
        return frozenset(letter)
    bare = _bare(text)
    separated = _SEPARATED_RE.match(bare)
    if separated:
        return frozenset(_OPTION_LETTER_RE.findall(bare))
    run = _RUN_TOGETHER_RE.match(bare)
    if run and list(run.group(1)) == sorted(set(run.group(1))):
        return frozenset(run.group(1))
    return None


def labelled_option(text: str, *, colon: bool = True) -> LabelledOption | None:
    """``(C) 12`` / ``C. 12``: the option's letter and the content written after it; without
    ``colon``, not ``C: 12`` (a key ``C: x^2+y^2=1`` names a curve)."""
    m = _LABELLED_RE.match(_bare(text))
    if not m or _ANOTHER_LABEL_RE.search(m.group(4)):  # (A) 3 (B) 4 (C) 5: the options listed
        return None
    if not colon and m.group(2) and _bare(text)[m.end(2) : m.end(2) + 1] in ":：":
        return None  # C: x^2+y^2=1 names a curve
    return LabelledOption((m.group(1) or m.group(2) or m.group(3)).upper(), m.group(4).strip().rstrip("."))


# One option of a list written out in the text (``A．70  B．80``, ``(C) 12``, ``D、$\\frac12$``): its letter
# and its content, up to the next option, the line's end or 60 characters.
_OPTION_MARK = r"(?:[(（][A-E][)）]|[A-E][.．、:：)）])"
_LISTED_OPTION_RE = re.compile(
    r"(?:^|(?<=[\s:：，,]))(?:[(（]([A-E])[)）]|([A-E])[.．、:：)）])[^\S\n]{0,3}([^\s][^\n]{0,59}?)[^\S\n]{0,3}"
    rf"(?=[^\S\n]{{1,8}}{_OPTION_MARK}|\n|$)",
    re.MULTILINE,
)
_MIN_LISTED_OPTIONS = 3


def listed_option(text: str, letter: str) -> str | None:
    """The content of option ``letter`` in the last list of options the text writes out (at least
    A, B and C, each with its content), or None where the text lists no such options."""
    contents: dict[str, str] = {}
    for m in _LISTED_OPTION_RE.finditer(text):
        contents[m.group(1) or m.group(2)] = m.group(3)
    if len(contents) < _MIN_LISTED_OPTIONS or not {"A", "B", "C"} <= contents.keys():
        return None
    return contents.get(letter)


# Several options chosen after the verb 选 (本题选 A、C); not after 不选, not the noun 选项 (选项A、C不正确),
# not a list ruled out after it (选 A、C 都不对).
_CHOSEN_LIST_RE = re.compile(
    r"(?<!不)选(?:择)?[为是:：]?[^\S\n]{0,2}([A-J](?:[^\S\n]{0,2}[、,，和及与][^\S\n]{0,2}[A-J]){1,9})(?![a-zA-Z])"
    r"(?![^\S\n]{0,2}(?:都|均|两项|项)?[^\S\n]{0,2}(?:不|错|排除|舍))"
)
_CHOSEN_LIST_CHARS = 300


def chosen_letters(text: str) -> frozenset[str] | None:
    """The options the last ``选 A、C`` of the text chooses, two or more, if no option is named after it."""
    return _last_letters(text[-_CHOSEN_LIST_CHARS:], _CHOSEN_LIST_RE)


def letter_in_arithmetic(text: str) -> bool:
    """Whether an option letter stands inside arithmetic (``A+1``, ``2B``, ``C^2``): not a bare choice."""
    return _LETTER_IN_ARITHMETIC_RE.search(_unboxed(text)) is not None


# Options offered as alternatives to one another: "A or B", "A、B或C", "选A或选B", "B, or possibly C",
# "\\text{A or B}", "(A) or (C)", "A（也可能是B）".
_OR_OPTION = r"[(\[（]?(?:\\text\s?\{\s?)?([A-J])\s?\}?[)\]）]?"
_LETTER_OR_RE = re.compile(
    r"(?<![a-zA-Z\\])"
    + _OR_OPTION
    + r"(?:\s{0,2}[,(（]?\s{0,2}(?:\\text\s?\{\s?)?or(?:\s(?:possibly|maybe|perhaps))?\s?\}?\s{0,2}"
    + r"|\s{0,2}[，,(（]?\s{0,2}(?:或者?|还是|也?可能是|也许是|或许是)\s{0,2}(?:选\s{0,2})?)"
    + _OR_OPTION
    + r"(?![a-zA-Z])"
)
# An option letter named after the hedge ("I", a pronoun, is none).
_LATER_OPTION_RE = re.compile(r"(?<![a-zA-Z])[A-HJ](?![a-zA-Z])")
_OR_CHARS = 300


# Another option said to be right as well: "B也对", "B也可以", "D is also correct", "D is also possible".
_ALSO_RIGHT_RE = re.compile(
    r"(?<![a-zA-Z])[(\[（]?([A-J])[)\]）]?\s?(?:也(?:是对的|对|正确|可以|行|符合题意)"
    r"|(?i:is|are|seems|looks)\s(?i:also\s)(?i:correct|right|true|valid|possible|plausible|acceptable))"
)


def options_offered_instead(text: str, chosen: frozenset[str]) -> bool:
    """Whether the solution closes by offering another option as an alternative to the one it
    chose (``故选A或B``, ``The answer is B, or possibly C``, ``选A，B也对``): a hedge, never paid.
    An ``or`` that a later option answers (``A or B fails, so C``) is no hedge."""
    tail = text[-_OR_CHARS:]
    named = [m.start() for m in _OPTION_LETTER_RE.finditer(tail) if m.group(0) in chosen]
    if named and any(m.group(1) not in chosen and m.start() > named[-1] for m in _ALSO_RIGHT_RE.finditer(tail)):
        return True  # 选A，B也对; not "A is true. B is also true. So the answer is D."
    last = max(_LETTER_OR_RE.finditer(tail), key=lambda m: m.start(), default=None)
    if last is None or _LATER_OPTION_RE.search(tail, last.end()):
        return False
    return bool({last.group(1), last.group(2)} & chosen)
