"""Do annotators agree? Answers agree when the verifiers judge them equivalent (`1/2` and `0.5`)."""

from __future__ import annotations

from dataclasses import dataclass

from verifiers import verify


def same_answer(first: str, second: str, answer_type: str | None = None) -> bool:
    """True when each answer verifies against the other."""
    return (
        verify(first, second, answer_type=answer_type).correct
        and verify(second, first, answer_type=answer_type).correct
    )


@dataclass(frozen=True)
class Agreement:
    """The outcome for one record: `agreed` (with the answer) or `disagreed` (with the groups)."""

    agreed: bool
    answer: str | None
    groups: list[list[str]]


def agree(answers: list[str], answer_type: str | None = None) -> Agreement:
    """Group the answers by equivalence; one group means the annotators agree."""
    groups: list[list[str]] = []
    for answer in answers:
        for group in groups:
            if same_answer(group[0], answer, answer_type):
                group.append(answer)
                break
        else:
            groups.append([answer])
    if len(groups) == 1:
        return Agreement(agreed=True, answer=groups[0][0], groups=groups)
    return Agreement(agreed=False, answer=None, groups=groups)
