"""verl's compute_score and OpenRLHF's reward_func: their call conventions."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
import torch

from verifiers.adapters import compute_score, response_of, reward_func


def test_compute_score_as_verl_calls_it() -> None:
    # verl's default reward manager passes these four by keyword and expects a float.
    assert list(inspect.signature(compute_score).parameters) == [
        "data_source",
        "solution_str",
        "ground_truth",
        "extra_info",
    ]
    right = compute_score(
        data_source="gsm8k", solution_str="3 + 4 = 7, so \\boxed{7}.", ground_truth="7", extra_info={"index": 0}
    )
    wrong = compute_score(data_source="gsm8k", solution_str="\\boxed{8}", ground_truth="7", extra_info=None)
    assert (right, wrong) == (1.0, 0.0) and type(right) is float


def test_compute_score_answer_type_from_extra_info() -> None:
    solution = "The roots are $\\boxed{1, 2}$."
    assert compute_score("math", solution, "\\{2, 1\\}", {"answer_type": "set"}) == 1.0
    assert compute_score("math", "所以答案是 B", "B", {"answer_type": "choice"}) == 1.0
    assert compute_score("math", "所以答案是 C", "B", {"answer_type": "choice"}) == 0.0


def test_reward_func_as_openrlhf_calls_it() -> None:
    prompts = ["Q: 2+2? A:", "问：3乘4等于多少？答：", "Q: 1/2 as a decimal? A:"]
    responses = [" \\boxed{4}", "3×4=12，答案是12。", " It is 0.6."]
    labels = ["4", "12", "0.5"]
    rewards = reward_func([p + r for p, r in zip(prompts, responses, strict=True)], prompts, labels)
    assert isinstance(rewards, torch.Tensor) and rewards.dtype == torch.float32
    assert rewards.tolist() == [1.0, 1.0, 0.0]


def test_reward_func_reads_only_the_response() -> None:
    # The prompt's own number must not count as the answer.
    prompt = "The answer is 12. Now compute 5+2."
    assert response_of(prompt + " 7", prompt) == " 7"
    assert reward_func([prompt + " So \\boxed{7}"], [prompt], ["12"]).tolist() == [0.0]


def test_reward_func_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="2 queries, 1 prompts"):
        reward_func(["a", "b"], ["a"], ["1", "2"])


def test_adapters_import_without_torch() -> None:
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from verifiers.adapters import compute_score\n"
        "print(compute_score('x', '\\\\boxed{3}', '3'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "1.0"
