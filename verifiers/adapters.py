"""Reward functions in the call conventions of other trainers: verl and OpenRLHF.

verl: ``custom_reward_function.path=<this file> custom_reward_function.name=compute_score``.
OpenRLHF: ``--remote_rm_url <this file>`` (or ``--reward_func``) with ``--label_key`` naming the
answer column. torch is imported only when OpenRLHF's function runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .reward import REWARD_TIMEOUT
from .verify import verify


def compute_score(data_source: str, solution_str: str, ground_truth: str, extra_info: dict | None = None) -> float:
    """verl's reward: 1.0 when ``solution_str``'s final answer matches ``ground_truth``, else 0.0.

    ``extra_info["answer_type"]``, when given, names the answer's type (``choice``, ``set``, ...).
    """
    answer_type = (extra_info or {}).get("answer_type") or None
    return (
        1.0 if verify(solution_str, str(ground_truth), answer_type=answer_type, timeout=REWARD_TIMEOUT).correct else 0.0
    )


def response_of(query: str, prompt: str) -> str:
    """OpenRLHF's query is the prompt followed by the response: the response alone."""
    return query[len(prompt) :] if query.startswith(prompt) else query


def reward_func(queries: Sequence[str], prompts: Sequence[str], labels: Sequence[str]) -> Any:
    """OpenRLHF's custom reward: a float tensor with 1.0 for each response that matches its label."""
    import torch  # lazy: the verifiers import without torch

    if not len(queries) == len(prompts) == len(labels):
        raise ValueError(f"{len(queries)} queries, {len(prompts)} prompts and {len(labels)} labels")
    scores = [
        compute_score("openrlhf", response_of(q, p), str(label))
        for q, p, label in zip(queries, prompts, labels, strict=True)
    ]
    return torch.tensor(scores, dtype=torch.float32)
