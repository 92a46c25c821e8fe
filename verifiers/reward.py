"""A reward function in TRL's convention: ``f(completions, **columns) -> list[float]``.

TRL's GRPOTrainer calls reward functions with the keyword arguments ``prompts``,
``completions``, ``completion_ids``, ``trainer_state`` and every dataset column; completions are
strings, or lists of messages for conversational datasets. answerkey's trainer calls it the same
way, so one function serves both.
"""

from __future__ import annotations

from collections.abc import Sequence

from .verify import verify

REWARD_TIMEOUT = 2.0


def completion_text(completion: str | Sequence[dict]) -> str:
    """The text of a completion: a string, or the last assistant message of a conversation."""
    if isinstance(completion, str):
        return completion
    for message in reversed(list(completion)):
        if message.get("role", "assistant") == "assistant":
            content = message.get("content", "")
            if isinstance(content, list):  # multimodal content parts
                return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
            return str(content)
    return ""


def reward(completions: Sequence, answer: Sequence[str] | str, **columns) -> list[float]:
    """1.0 for each completion whose final answer matches its ``answer``, else 0.0."""
    answers = [answer] * len(completions) if isinstance(answer, str) else list(answer)
    if len(answers) != len(completions):
        raise ValueError(f"{len(completions)} completions but {len(answers)} answers")
    types = columns.get("answer_type")
    if types is None or isinstance(types, str):
        types = [types] * len(completions)
    return [
        1.0 if verify(completion_text(c), str(a), answer_type=t or None, timeout=REWARD_TIMEOUT).correct else 0.0
        for c, a, t in zip(completions, answers, types, strict=True)
    ]
