"""Tiny models and their tokenizer: digits one per token, the chat template's assistant mask,
save/load through the Auto classes, and the sizes xs/s/m."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
import torch
from trainer_fixtures import one_thread
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerFast

from trainer.chat import encode_conversation, encode_prompt
from trainer.errors import TrainerError
from trainer.models import SIZES, build_model, count_parameters, load_model, save_model
from trainer.tokenizer import END, train_tokenizer

CORPUS = [
    "The answer is 128. We add 128 and 128 to get 256.",
    "In 2024 there were 1999 apples; 128 of them were red.",
    "What is 3 plus 4? 3 + 4 = 7. The answer is 7.",
] * 50


@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerFast:
    one_thread()
    return train_tokenizer(CORPUS)


def test_digits_are_one_token_each(tokenizer):
    text = "In 2024, 128 + 512 = 640 and 1999 - 7 = 1992."
    tokens = tokenizer.convert_ids_to_tokens(tokenizer(text)["input_ids"])
    digit_tokens = [t for t in tokens if any(c.isdigit() for c in t)]
    assert digit_tokens == [c for c in text if c.isdigit()], tokens
    # BPE did merge what is frequent (a word), just not numbers, however frequent ("128" is everywhere).
    assert "Ġanswer" in tokenizer.get_vocab()
    assert not any(len(t) > 1 and t.isdigit() for t in tokenizer.get_vocab())
    assert tokenizer.decode(tokenizer(text)["input_ids"]) == text


def test_any_text_encodes_through_the_byte_fallback(tokenizer):
    text = "Zebras quixotically jump: ½ ≈ 0.5, café!"
    ids = tokenizer(text)["input_ids"]
    assert tokenizer.unk_token_id not in ids
    assert tokenizer.decode(ids) == text.replace("½", "1⁄2")  # NFKC, the tokenizer's normaliser


CONVERSATION = [
    {"role": "system", "content": "Answer briefly."},
    {"role": "user", "content": "What is 3 plus 4?"},
    {"role": "assistant", "content": "3 + 4 = 7. The answer is 7."},
    {"role": "user", "content": "And 5 plus 6?"},
    {"role": "assistant", "content": "5 + 6 = 11. The answer is 11."},
]


def _spans(mask: list[bool]) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, m in enumerate([*mask, False]):
        if m and start is None:
            start = i
        elif not m and start is not None:
            spans.append((start, i))
            start = None
    return spans


def test_assistant_mask_is_exactly_the_assistant_content_and_end_token(tokenizer):
    encoded = encode_conversation(tokenizer, CONVERSATION)
    assert len(encoded.ids) == len(encoded.learn)
    end_id = tokenizer.convert_tokens_to_ids(END)
    assistant_id = tokenizer.convert_tokens_to_ids("<|assistant|>")
    spans = _spans(encoded.learn)
    contents = [m["content"] for m in CONVERSATION if m["role"] == "assistant"]
    assert len(spans) == len(contents)
    for (start, stop), content in zip(spans, contents, strict=True):
        assert encoded.ids[start - 1] == assistant_id  # the span starts right after the role token
        assert encoded.ids[stop - 1] == end_id  # and ends with (includes) the end token
        assert tokenizer.decode(encoded.ids[start:stop], skip_special_tokens=False) == content + END
    unlearned = [i for i, learn in zip(encoded.ids, encoded.learn, strict=True) if not learn]
    assert tokenizer.decode(unlearned, skip_special_tokens=False) == (
        "<|system|>Answer briefly.<|end|><|user|>What is 3 plus 4?<|end|><|assistant|>"
        "<|user|>And 5 plus 6?<|end|><|assistant|>"
    )


def test_prompt_ids_are_a_prefix_of_the_conversation(tokenizer):
    """What RL samples after (the prompt) and what SFT learns from line up token for token."""
    messages = CONVERSATION[:3]
    prompt = encode_prompt(tokenizer, messages[:2])
    encoded = encode_conversation(tokenizer, messages)
    completion = tokenizer(messages[2]["content"])["input_ids"] + [tokenizer.eos_token_id]
    assert encoded.ids == prompt + completion
    assert encoded.learn == [False] * len(prompt) + [True] * len(completion)


def test_save_load_round_trip_through_auto_classes(tokenizer, tmp_path: Path):
    torch.manual_seed(0)
    model = build_model("xs", tokenizer, context=64).eval()
    save_model(model, tokenizer, tmp_path)
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in tmp_path.iterdir()}
    loaded_tokenizer = AutoTokenizer.from_pretrained(tmp_path, local_files_only=True)
    loaded = AutoModelForCausalLM.from_pretrained(tmp_path, local_files_only=True).eval()
    text = "What is 12 plus 30? The answer is 42."
    assert loaded_tokenizer(text)["input_ids"] == tokenizer(text)["input_ids"]
    assert encode_conversation(loaded_tokenizer, CONVERSATION) == encode_conversation(tokenizer, CONVERSATION)
    assert (loaded_tokenizer.eos_token_id, loaded_tokenizer.pad_token_id) == (
        tokenizer.eos_token_id,
        tokenizer.pad_token_id,
    )
    ids = torch.tensor([encode_conversation(tokenizer, CONVERSATION).ids])
    with torch.no_grad():
        assert torch.equal(loaded(input_ids=ids).logits, model(input_ids=ids).logits)
    ours, our_tokenizer = load_model(tmp_path)
    with torch.no_grad():
        assert torch.equal(ours(input_ids=ids).logits, model(input_ids=ids).logits)
    assert our_tokenizer.padding_side == "left"


def _expected_parameters(vocab: int, hidden: int, layers: int, ff: int) -> int:
    """A Llama with tied embeddings and no biases: embeddings, then per layer q/k/v/o, gate/up/down
    and two norms, then the final norm."""
    return vocab * hidden + layers * (4 * hidden * hidden + 3 * hidden * ff + 2 * hidden) + hidden


@pytest.fixture(scope="module")
def vocab_700() -> PreTrainedTokenizerFast:
    """A tokenizer with a realistic 700-token vocabulary (trained on varied made-up words)."""
    rng = random.Random(0)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(3000)]
    texts = [" ".join(rng.choices(words, k=30)) for _ in range(300)]
    return train_tokenizer(texts, vocab_size=700)


@pytest.mark.parametrize(("size", "nominal"), [("xs", 1.0e6), ("s", 3.5e6), ("m", 8.0e6)])
def test_model_sizes(vocab_700, size, nominal):
    assert len(vocab_700) == 700
    model = build_model(size, vocab_700)
    shape = SIZES[size]
    count = count_parameters(model)
    assert count == _expected_parameters(700, shape.hidden, shape.layers, shape.ff)
    assert 0.85 * nominal <= count <= 1.15 * nominal, f"{size}: {count:,} parameters"
    # tied: the output layer is the embedding, counted once
    assert model.get_output_embeddings().weight is model.get_input_embeddings().weight


def test_unknown_size_is_refused(tokenizer):
    with pytest.raises(TrainerError, match="unknown model size 'xl'"):
        build_model("xl", tokenizer)
