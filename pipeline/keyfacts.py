"""What the duplicate check needs to know of a task's key, computed in the map step.

- ``identity``: what the key says. The canonical key, except for a choice problem whose options
  are rendered into it: the chosen option's content (two problems answered "C" may mean
  different things).
- ``variant``: which instance of a problem this is: the content of its stem (words, CJK
  characters, numbers, math operators and commands, in order; punctuation, layout markup such as
  ``\\uline{~~}`` and a leading label such as "（10分）" or a contest's name left out) and its
  set of option contents. Near duplicates of the same variant are the same problem (so a
  different key is a conflict); another variant (``f(-7)`` vs ``f(3)``, ``\\sin`` vs ``\\cos``,
  COMBINATION vs PROOF) is another problem.
- ``solution_answer``: the final answer of the row's own worked solution, if it has one, which
  settles a conflict when it agrees with exactly one of the keys.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from verifiers import extract_answer, verify
from verifiers.extract import extract_choice

from .recipes import split_options
from .schema import normalize_text

_LAYOUT_RE = re.compile(
    r"\\(?:uline|underline|quad|qquad|text|textbf|textit|mathrm|mbox|left|right|displaystyle|[,;:!])(?![a-zA-Z])|~"
)
_CONTENT_RE = re.compile(
    r"\\[a-zA-Z]+|[\u3040-\u30ff\u4e00-\u9fff]|[^\W_\u3040-\u30ff\u4e00-\u9fff]+|[-+*/^=<>!|()\[\]]"
)
_BLANK_RE = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")  # an answer blank: ( ), [ ], \uline{ }
_LABEL_RE = re.compile(
    r"^\s*(?:[（(][^()（）]{0,12}[分点][）)]|[（(]\d+\s*points?[）)]|(?:question|problem|题目)\s*[:：]"
    r"|[^\n]{0,60}?(?:\d{4}|AMC)[^\n]{0,60}?(?:届|年|赛|题|杯|AMC|League|Olympi|Question|Grade|Primary)"
    r"[^\n]{0,30}?(?:\s{2,}|\n))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class KeyFacts:
    """A task's key as the duplicate check compares it (see the module docstring)."""

    identity: str
    variant: int
    solution_answer: str | None = None


def key_facts(problem: str, key: str, answer_type: str, solution: str | None) -> KeyFacts:
    """The facts of one task; pure, so it runs in the workers."""
    stem, options = split_options(problem)
    chosen = options.get(key) if answer_type == "choice" else None
    identity = key if chosen is None else f"option: {normalize_text(chosen)}"
    contents = sorted(normalize_text(content) for content in options.values())
    digest = hashlib.blake2b("\x1f".join([*content_tokens(stem), "\x1e", *contents]).encode(), digest_size=8).digest()
    final = None
    if solution:
        final = extract_choice(solution) if answer_type == "choice" else extract_answer(solution)
    return KeyFacts(identity, int.from_bytes(digest, "big"), final)


def content_tokens(stem: str) -> list[str]:
    """What a problem says, token by token, whatever its punctuation, layout and label."""
    text = normalize_text(_LAYOUT_RE.sub(" ", _LABEL_RE.sub("", stem, count=1))).replace("$", " ")
    return _CONTENT_RE.findall(_BLANK_RE.sub(" ", text))


def solution_agrees(facts: KeyFacts, key: str, answer_type: str, timeout: float) -> bool:
    """Whether the row's own solution ends in its key."""
    if facts.solution_answer is None:
        return False
    hint = answer_type if answer_type in ("choice", "text") else None
    return verify(facts.solution_answer, key, answer_type=hint, timeout=timeout).correct
