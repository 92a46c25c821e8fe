"""Tiny Llama models from a config (sizes xs, s, m) and loading any local causal-LM checkpoint.

Everything is saved with ``save_pretrained``, so ``AutoModelForCausalLM.from_pretrained`` and
``AutoTokenizer.from_pretrained`` (and so TRL, vLLM, ...) load what the trainer writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from .errors import TrainerError

DEFAULT_CONTEXT = 256
# What a checkpoint's tokenizer is saved as (fast, sentencepiece, BPE, WordPiece), one of them at least.
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.json", "vocab.txt")


@dataclass(frozen=True)
class ModelSize:
    """The shape of a tiny Llama: hidden width, layers, attention heads, feed-forward width."""

    hidden: int
    layers: int
    heads: int
    ff: int


SIZES: dict[str, ModelSize] = {
    "xs": ModelSize(hidden=128, layers=4, heads=4, ff=512),  # ~1.1M parameters with a 768-token vocabulary
    "s": ModelSize(hidden=192, layers=6, heads=6, ff=768),  # ~3.6M
    "m": ModelSize(hidden=256, layers=8, heads=8, ff=1024),  # ~8.5M
}


def build_model(size: str, tokenizer: PreTrainedTokenizerBase, context: int = DEFAULT_CONTEXT) -> LlamaForCausalLM:
    """A freshly initialised Llama of ``size`` for ``tokenizer`` (tied embeddings, fp32)."""
    if size not in SIZES:
        raise TrainerError(f"unknown model size {size!r}; expected one of {', '.join(SIZES)}")
    shape = SIZES[size]
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=shape.hidden,
        num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads,
        num_key_value_heads=shape.heads,
        intermediate_size=shape.ff,
        max_position_embeddings=context,
        tie_word_embeddings=True,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
    )
    return LlamaForCausalLM(config)


def count_parameters(model: torch.nn.Module) -> int:
    """Distinct parameters (tied weights counted once)."""
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def load_model(path: str | Path) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A local causal-LM checkpoint and its tokenizer, in fp32 on the CPU; never downloads.

    Raises ``TrainerError`` for a path that is not a folder with a causal-LM config and a tokenizer.
    """
    folder = Path(path)
    config_file = folder / "config.json"
    if not config_file.is_file():
        raise TrainerError(f"{folder}: not a model folder (no config.json)")
    try:
        architectures = json.loads(config_file.read_text()).get("architectures") or []
    except json.JSONDecodeError as exc:
        raise TrainerError(f"{config_file}: not JSON ({exc.msg}, line {exc.lineno})") from exc
    if architectures and not any(name.endswith("ForCausalLM") for name in architectures):
        raise TrainerError(f"{folder}: not a causal language model (architectures: {', '.join(architectures)})")
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise TrainerError(f"{folder}: no tokenizer beside the model (none of {', '.join(TOKENIZER_FILES)})")
    try:
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=torch.float32)
    except (OSError, ValueError) as exc:
        raise TrainerError(f"{folder}: cannot load a causal LM: {_one_line(exc)}") from exc
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise TrainerError(f"{folder}: cannot load its tokenizer: {_one_line(exc)}") from exc
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    return model, tokenizer


def _one_line(exc: Exception) -> str:
    """An exception's message on one line (transformers' messages span several)."""
    return " ".join(str(exc).split())


def context_length(model: PreTrainedModel) -> int:
    """The longest sequence the model takes (its position table)."""
    return int(getattr(model.config, "max_position_embeddings", 0) or DEFAULT_CONTEXT)


def save_model(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, out: str | Path) -> None:
    """``save_pretrained`` for both (safetensors); loadable with the Auto classes."""
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
