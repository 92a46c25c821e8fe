"""What the duplicate check needs to know of a task's key, computed in the map step.

- ``identity``: what the key says. The canonical key, except for a choice problem whose options
  are rendered into it: the chosen option's content (two problems answered "C" may mean
  different things).
- ``variant``: which instance of a problem this is: the numbers of its stem, in order, and its
  set of option contents. Near duplicates of the same variant are the same problem (so a
  different key is a conflict); another variant (``f(-7)`` vs ``f(3)``) is another problem.
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

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


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
    numbers = _NUMBER_RE.findall(normalize_text(stem))
    contents = sorted(normalize_text(content) for content in options.values())
    digest = hashlib.blake2b("\x1f".join([*numbers, "\x1e", *contents]).encode(), digest_size=8).digest()
    final = None
    if solution:
        final = extract_choice(solution) if answer_type == "choice" else extract_answer(solution)
    return KeyFacts(identity, int.from_bytes(digest, "big"), final)


def solution_agrees(facts: KeyFacts, key: str, answer_type: str, timeout: float) -> bool:
    """Whether the row's own solution ends in its key."""
    if facts.solution_answer is None:
        return False
    hint = answer_type if answer_type in ("choice", "text") else None
    return verify(facts.solution_answer, key, answer_type=hint, timeout=timeout).correct
