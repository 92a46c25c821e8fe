"""A tiny causal LM saved to a folder, built locally: the drafting tests generate with it."""

from __future__ import annotations

from pathlib import Path

import torch
from conftest import word_level_tokenizer
from transformers import LlamaConfig, LlamaForCausalLM

WORDS = [
    "what",
    "is",
    "two",
    "plus",
    "three",
    "the",
    "answer",
    "five",
    "six",
    "seven",
    "equals",
    "so",
    "and",
    "a",
    "number",
]
MAX_POSITIONS = 64


def save_tiny_chat_model(path: Path, *, chat_template: bool = True, pad_token: bool = True) -> Path:
    """Save a word-level tokenizer (``WORDS``) and a randomly initialised 2-layer Llama to ``path``.

    The weights depend only on a fixed seed, so two folders hold the same model. The tokenizer's
    chat template writes ``user : PROMPT assistant :``; ``chat_template=False`` saves none, and
    ``pad_token=False`` saves a tokenizer with only an eos token.
    """
    tok = word_level_tokenizer(WORDS)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=MAX_POSITIONS,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        bos_token_id=None,
        initializer_range=0.5,  # larger weights than usual: drafts that differ from prompt to prompt
    )
    if not chat_template:
        tok.chat_template = None
    if not pad_token:
        tok.pad_token = None
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = LlamaForCausalLM(config)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path
