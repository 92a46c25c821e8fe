"""LLM drafts for annotators: real generation with a tiny model saved locally."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from annotation_models import MAX_POSITIONS, save_tiny_chat_model

from annotation.drafting import Drafter, load_drafter, model_name

PROMPTS = [
    "what is two plus three",
    "five",
    "so the answer is a number and what equals six seven",
    "two plus two equals",
    "what is the answer",
]
NEW = 6  # new tokens per draft: short, so the suite stays quick


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("models")
    save_tiny_chat_model(root / "tiny")
    save_tiny_chat_model(root / "plain", chat_template=False)
    save_tiny_chat_model(root / "nopad", pad_token=False)
    return root


@pytest.fixture(scope="module")
def drafter(models) -> Drafter:
    return load_drafter(models / "tiny")


def one_by_one(drafter: Drafter, prompts: list[str], **kw) -> list[str]:
    return [drafter.draft([p], max_new_tokens=NEW, **kw)[0] for p in prompts]


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------
def test_loads_a_local_checkpoint_named_after_its_folder(drafter):
    assert drafter.name == "tiny"
    assert not drafter.model.training
    assert drafter.tokenizer.pad_token == "[PAD]"


@pytest.mark.parametrize(
    "path, name",
    [
        ("/hf/hub/models--Qwen--Qwen2.5-0.5B-Instruct/snapshots/0123abcd", "Qwen/Qwen2.5-0.5B-Instruct"),
        ("/runs/sft-math/checkpoint-500", "sft-math/checkpoint-500"),
        ("/models/llama-tiny", "llama-tiny"),
    ],
)
def test_model_name_is_short_and_stable(path, name):
    assert model_name(Path(path)) == name


def test_missing_model_folder_names_the_path(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(FileNotFoundError, match=str(missing)):
        load_drafter(missing)
    missing.mkdir()
    with pytest.raises(FileNotFoundError, match=str(missing)):
        load_drafter(str(missing))


def test_folder_without_weights_or_tokenizer_names_the_path(models, tmp_path):
    broken = tmp_path / "config-only"
    broken.mkdir()
    shutil.copy(models / "tiny" / "config.json", broken)
    with pytest.raises(OSError, match=str(broken)):
        load_drafter(broken)


def test_tokenizer_without_pad_token_pads_with_eos(models):
    drafter = load_drafter(models / "nopad")
    assert drafter.tokenizer.pad_token == drafter.tokenizer.eos_token == "[EOS]"
    assert drafter.draft(PROMPTS, batch_size=3, max_new_tokens=NEW) == one_by_one(drafter, PROMPTS)


# --------------------------------------------------------------------------------------------
# Drafting
# --------------------------------------------------------------------------------------------
def test_one_draft_per_prompt_in_order(drafter):
    drafts = drafter.draft(PROMPTS, batch_size=2, max_new_tokens=NEW)
    assert len(drafts) == len(PROMPTS)
    assert all(isinstance(d, str) and d == d.strip() and d for d in drafts)
    assert len(set(drafts)) == len(drafts), "the tiny model should draft differently per prompt"
    assert drafter.draft(PROMPTS[::-1], batch_size=2, max_new_tokens=NEW) == drafts[::-1]
    assert drafter.draft([], max_new_tokens=NEW) == []


def test_batched_equals_one_by_one(drafter):
    lengths = {len(ids) for ids in drafter.encode(PROMPTS)}
    assert len(lengths) > 1, "prompts of different lengths, so a batch is padded"
    assert drafter.draft(PROMPTS, batch_size=len(PROMPTS), max_new_tokens=NEW) == one_by_one(drafter, PROMPTS)


@pytest.mark.parametrize("new_tokens", [1, 3])
def test_only_the_new_text_comes_back(drafter, new_tokens):
    for draft in drafter.draft(PROMPTS, max_new_tokens=new_tokens):
        assert len(draft.split()) <= new_tokens  # one word per token; the prompts are longer
        assert "[PAD]" not in draft and "[EOS]" not in draft


def test_chat_template_wraps_the_prompt(drafter, models):
    plain = load_drafter(models / "plain")  # the same weights, no chat template
    assert drafter.prompt_text("what is two") == "user : what is two assistant : "
    assert plain.prompt_text("what is two") == "what is two"
    templated = [drafter.prompt_text(p) for p in PROMPTS]
    assert drafter.draft(PROMPTS, max_new_tokens=NEW) == plain.draft(templated, max_new_tokens=NEW)
    assert drafter.draft(PROMPTS, max_new_tokens=NEW) != plain.draft(PROMPTS, max_new_tokens=NEW)


def test_same_seed_same_drafts(drafter):
    sample = {"max_new_tokens": NEW, "temperature": 1.0, "batch_size": 2}
    first = drafter.draft(PROMPTS, seed=1, **sample)
    torch.manual_seed(12345)  # the global generator's state does not matter
    assert drafter.draft(PROMPTS, seed=1, **sample) == first
    assert drafter.draft(PROMPTS, seed=2, **sample) != first
    assert drafter.draft(PROMPTS, max_new_tokens=NEW) == drafter.draft(PROMPTS, max_new_tokens=NEW, seed=7)


def test_long_prompt_keeps_its_end_with_a_warning(drafter, models):
    long_prompt = "two plus " * MAX_POSITIONS + "three"
    with pytest.warns(UserWarning, match="1 prompt.* lose their beginning"):
        drafts = drafter.draft([long_prompt, "five"], max_new_tokens=NEW)
    assert drafts[1] == drafter.draft(["five"], max_new_tokens=NEW)[0]
    # What the model saw: the templated prompt's last tokens, as many as fit with the new ones.
    kept = drafter.prompt_text(long_prompt).split()[-(MAX_POSITIONS - NEW) :]
    assert kept[-3:] == ["three", "assistant", ":"]
    plain = load_drafter(models / "plain")
    assert drafts[0] == plain.draft([" ".join(kept)], max_new_tokens=NEW)[0]


def test_too_many_new_tokens_are_capped_with_a_warning(drafter):
    with pytest.warns(UserWarning, match=f"using {MAX_POSITIONS // 2}"):
        (draft,) = drafter.draft(["five"], max_new_tokens=10 * MAX_POSITIONS)
    assert 0 < len(draft.split()) <= MAX_POSITIONS // 2


def test_progress_bar_only_for_several_batches(drafter, capsys):
    drafter.draft(PROMPTS[:2], batch_size=2, max_new_tokens=1)
    assert "drafting" not in capsys.readouterr().err
    drafter.draft(PROMPTS[:2], batch_size=1, max_new_tokens=1)
    assert "drafting" in capsys.readouterr().err
