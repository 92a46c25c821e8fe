"""reward(): TRL's reward-function convention, called directly and from a real GRPOTrainer step."""

from __future__ import annotations

import inspect
import math

import pytest
from conftest import word_level_tokenizer

from verifiers import reward, verify


def _conv(text: str) -> list[dict]:
    return [{"role": "assistant", "content": text}]


def _assert_rewards(got, expected):
    assert isinstance(got, list), type(got)
    assert len(got) == len(expected)
    for r in got:
        assert type(r) is float, f"reward {r!r} is a {type(r).__name__}, not a float"
        assert math.isfinite(r)
    assert got == expected


COMPLETIONS = [
    "3 + 1 = 4, so the answer is \\boxed{4}.",
    "I think it is \\boxed{5}.",
    "小明一共有 7 个苹果。答：小明一共有7个苹果。",
    "Since 2/4 reduces, the answer is $\\frac{1}{2}$.",
    "There are 5 apples, so I cannot determine the answer.",
    "",
]
ANSWERS = ["4", "4", "7", "0.5", "5", "3"]
EXPECTED = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0]


def test_plain_completions():
    _assert_rewards(reward(COMPLETIONS, ANSWERS), EXPECTED)


def test_conversational_completions():
    _assert_rewards(reward([_conv(c) for c in COMPLETIONS], ANSWERS), EXPECTED)


def test_conversational_single_example_from_the_brief():
    _assert_rewards(reward([[{"role": "assistant", "content": "... \\boxed{4}"}]], answer=["4"]), [1.0])


def test_keyword_only_call_with_extra_columns():
    """TRL passes everything as keywords, including columns the function does not know."""
    n = len(COMPLETIONS)
    got = reward(
        prompts=[f"problem {i}" for i in range(n)],
        completions=COMPLETIONS,
        completion_ids=[[1, 2, 3]] * n,
        answer=ANSWERS,
        answer_type=[None] * n,
        source=["unit-test"] * n,
        trainer_state=None,
        log_extra=lambda *a, **k: None,
        log_metric=lambda *a, **k: None,
    )
    _assert_rewards(got, EXPECTED)


def test_agrees_with_verify():
    got = reward(COMPLETIONS, ANSWERS)
    assert got == [1.0 if verify(c, a).correct else 0.0 for c, a in zip(COMPLETIONS, ANSWERS, strict=True)]


def test_hostile_completion_gets_zero_without_raising():
    got = reward(["\\boxed{9^{9^{9^9}}}", "__import__('os').system('true')", "\\frac{" * 5000], ["42", "42", "42"])
    _assert_rewards(got, [0.0, 0.0, 0.0])


def test_empty_batch():
    assert reward([], answer=[]) == []


def test_signature_fits_trl():
    sig = inspect.signature(reward)
    params = sig.parameters
    assert "completions" in params and "answer" in params
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()), "must accept **columns"
    assert reward.__name__  # TRL names each reward function's logged metric by __name__


# --------------------------------------------------------------------------------------------
# Exactly as TRL calls it (trl/trainer/grpo_trainer.py, GRPOTrainer._calculate_rewards):
#   keys = [k for k in inputs[0] if k not in ["prompt", "completion", "completion_ids"]]
#   reward_kwargs = {k: [ex[k] for ex in inputs] for k in keys}
#   reward_kwargs["trainer_state"] = self.state; ["log_extra"]; ["log_metric"]
#   reward_func(prompts=prompts, completions=completions, completion_ids=completion_ids_list, **reward_kwargs)
# --------------------------------------------------------------------------------------------
def _call_like_trl(func, inputs, completions):
    from transformers import TrainerState

    prompts = [ex["prompt"] for ex in inputs]
    keys = [k for k in inputs[0] if k not in ["prompt", "completion", "completion_ids"]]
    reward_kwargs = {k: [ex[k] for ex in inputs] for k in keys}
    reward_kwargs["trainer_state"] = TrainerState()
    reward_kwargs["log_extra"] = lambda column, values: None
    reward_kwargs["log_metric"] = lambda name, value: None
    completion_ids = [[5, 6, 7] for _ in completions]
    return func(prompts=prompts, completions=completions, completion_ids=completion_ids, **reward_kwargs)


@pytest.mark.parametrize("conversational", [False, True], ids=["standard", "conversational"])
def test_called_exactly_as_trl_calls_it(conversational):
    inputs = [
        {"prompt": "What is 2+2?", "answer": "4", "id": "a", "answer_type": "number", "source": "t"},
        {"prompt": "What is 2+2?", "answer": "4", "id": "a", "answer_type": "number", "source": "t"},
        {"prompt": "Half of one?", "answer": "\\frac{1}{2}", "id": "b", "answer_type": "number", "source": "t"},
        {"prompt": "Half of one?", "answer": "\\frac{1}{2}", "id": "b", "answer_type": "number", "source": "t"},
    ]
    texts = ["\\boxed{4}", "\\boxed{5}", "The answer is 0.5.", "The answer is 2."]
    if conversational:
        for ex in inputs:
            ex["prompt"] = [{"role": "user", "content": ex["prompt"]}]
        completions = [_conv(t) for t in texts]
    else:
        completions = texts
    _assert_rewards(_call_like_trl(reward, inputs, completions), [1.0, 0.0, 1.0, 0.0])


def test_trl_still_calls_reward_functions_this_way():
    """Guard for the test above: TRL's source still has the call it mirrors."""
    from trl.trainer import grpo_trainer

    src = inspect.getsource(grpo_trainer.GRPOTrainer._calculate_rewards)
    assert "prompts=prompts, completions=completions, completion_ids=completion_ids_list, **reward_kwargs" in src
    assert 'reward_kwargs["trainer_state"]' in src


# --------------------------------------------------------------------------------------------
# A real GRPOTrainer step on CPU with a tiny local model: reward_funcs=[reward], nothing downloaded.
#
# The tokenizer is a word-level one built here; one of its tokens is a whole sentence with a boxed
# answer. Generation is forced to that one token (sequence_bias, max_completion_length=1), so the
# completions are known and the reward TRL logs must be exactly the share of prompts whose gold
# the sentence answers.
# --------------------------------------------------------------------------------------------
FORCED = "So the answer is \\boxed{4}."
GRPO_ROWS = [("What is 2+2?", "4"), ("What is 2+3?", "5"), ("What is 8/2?", "\\dfrac{8}{2}")]
EXPECTED_MEAN = 2 / 3  # "4" and "\dfrac{8}{2}" are answered by FORCED, "5" is not


def _tiny_tokenizer():
    words = ["What", "is", FORCED, *sorted({w for prompt, _ in GRPO_ROWS for w in prompt.split()})]
    tok = word_level_tokenizer(words)
    return tok, tok.convert_tokens_to_ids(FORCED)


@pytest.mark.slow  # imports TRL and runs a trainer step
@pytest.mark.filterwarnings("ignore::FutureWarning")  # transformers' own deprecations, inside TRL
@pytest.mark.parametrize("conversational", [False, True], ids=["standard", "conversational"])
def test_real_grpo_trainer_step(conversational, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRL_EXPERIMENTAL_SILENCE", "1")
    import torch
    from datasets import Dataset
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl import GRPOConfig, GRPOTrainer

    tok, forced_id = _tiny_tokenizer()
    assert tok.decode([forced_id]) == FORCED
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=64,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        bos_token_id=None,
    )
    model = LlamaForCausalLM(config)

    def prompt(p):
        return [{"role": "user", "content": p}] if conversational else p

    dataset = Dataset.from_list([{"prompt": prompt(p), "answer": a} for p, a in GRPO_ROWS])
    args = GRPOConfig(
        output_dir=str(tmp_path),
        per_device_train_batch_size=6,
        num_generations=2,
        max_completion_length=1,
        max_steps=1,
        learning_rate=1e-3,
        logging_steps=1,
        report_to="none",
        save_strategy="no",
        use_cpu=True,
        bf16=False,
        fp16=False,
        seed=0,
        dataloader_num_workers=0,
        disable_tqdm=True,
        generation_kwargs={"sequence_bias": {(forced_id,): 100.0}},
    )
    trainer = GRPOTrainer(model=model, reward_funcs=[reward], args=args, train_dataset=dataset, processing_class=tok)
    trainer.train()

    logged = [h for h in trainer.state.log_history if f"rewards/{reward.__name__}/mean" in h]
    assert logged, f"no reward logged: {trainer.state.log_history}"
    assert logged[0][f"rewards/{reward.__name__}/mean"] == pytest.approx(EXPECTED_MEAN, abs=1e-6)
