"""Drafts written by a local causal LM, offered to annotators as editable suggestions.

``load_drafter`` opens any local checkpoint (never downloads); ``Drafter.draft`` writes one
draft per prompt in left-padded batches. How much an annotator changed a draft is measured in
``annotation.edits`` (kept apart so that a pull does not import torch and transformers).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from tqdm.auto import tqdm
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    GenerationMixin,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)


@dataclass
class Drafter:
    """A causal LM and its tokenizer; ``name`` is the suggestion's agent in Argilla."""

    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    name: str

    def prompt_text(self, prompt: str) -> str:
        """The text the model sees: the chat template around a user message, when there is one."""
        if not self.tokenizer.chat_template:
            return prompt
        messages = [{"role": "user", "content": prompt}]
        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        assert isinstance(text, str)  # tokenize=False: the text, not ids
        return text

    def encode(self, prompts: Sequence[str], max_prompt_tokens: int | None = None) -> list[list[int]]:
        """Token ids of each prompt, keeping the last ``max_prompt_tokens`` of a longer one."""
        texts = [self.prompt_text(p) for p in prompts]
        # A chat template writes its own special tokens (BOS and the like).
        ids = self.tokenizer(texts, add_special_tokens=not self.tokenizer.chat_template)["input_ids"]
        if max_prompt_tokens is None:
            return ids
        too_long = [row for row in ids if len(row) > max_prompt_tokens]
        if too_long:
            warnings.warn(
                f"{len(too_long)} prompt(s) longer than {max_prompt_tokens} tokens (the model's "
                f"{self.max_positions} positions less the new tokens) lose their beginning",
                stacklevel=3,
            )
        return [row[-max_prompt_tokens:] for row in ids]

    @property
    def max_positions(self) -> int | None:
        """How many tokens the model can attend to, when its config says."""
        return getattr(self.model.config, "max_position_embeddings", None)

    def draft(
        self,
        prompts: Sequence[str],
        *,
        batch_size: int = 8,
        max_new_tokens: int = 256,
        temperature: float = 0.0,
        seed: int = 0,
    ) -> list[str]:
        """One draft per prompt, in order: only the new text, special tokens stripped, trimmed.

        Greedy when ``temperature`` is 0, else sampled; the same ``seed`` gives the same drafts.
        """
        max_new_tokens, max_prompt_tokens = self._token_budget(max_new_tokens)
        torch.manual_seed(seed)
        batches = [prompts[i : i + batch_size] for i in range(0, len(prompts), batch_size)]
        drafts: list[str] = []
        for batch in tqdm(batches, desc="drafting", unit="batch", disable=len(batches) < 2):
            ids = self.encode(batch, max_prompt_tokens)
            drafts += self._generate(ids, max_new_tokens, temperature)
        return drafts

    def _token_budget(self, max_new_tokens: int) -> tuple[int, int | None]:
        """``(new tokens, prompt tokens)`` that fit the model's positions together.

        New tokens get at most half the positions, so a long prompt always keeps the other half.
        """
        limit = self.max_positions
        if limit is None:
            return max_new_tokens, None
        if max_new_tokens > limit // 2:
            warnings.warn(
                f"max_new_tokens={max_new_tokens} leaves too little of the model's {limit} "
                f"positions for the prompt; using {limit // 2}",
                stacklevel=3,
            )
            max_new_tokens = limit // 2
        return max_new_tokens, limit - max_new_tokens

    @torch.inference_mode()
    def _generate(self, ids: list[list[int]], max_new_tokens: int, temperature: float) -> list[str]:
        """Generate from left-padded ``ids`` and decode the new tokens."""
        tok, model = self.tokenizer, self.model
        assert isinstance(model, GenerationMixin)  # every AutoModelForCausalLM class generates
        inputs = tok.pad({"input_ids": ids}, padding_side="left", return_tensors="pt").to(self.model.device)
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        out = model.generate(
            **inputs,
            max_new_tokens=max_new_tokens,
            pad_token_id=tok.pad_token_id,
            **sampling,
        )
        new = out[:, inputs["input_ids"].shape[1] :]
        return [text.strip() for text in tok.batch_decode(new, skip_special_tokens=True)]


def load_drafter(model_path: str | Path, device: str = "cpu") -> Drafter:
    """Open the checkpoint at ``model_path`` (local files only) for drafting on ``device``."""
    path = Path(model_path).expanduser()
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"no model at {path}: expected a checkpoint folder with a config.json")
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise OSError(f"cannot load a causal LM and its tokenizer from {path}: {exc}") from exc
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is None:
            raise ValueError(f"the tokenizer at {path} has neither a pad nor an eos token to pad with")
        tokenizer.pad_token = tokenizer.eos_token
    # transformers wraps PreTrainedModel.to in functools.wraps, whose stub loses the method binding for mypy.
    model = model.to(device)  # type: ignore[arg-type]
    return Drafter(model=model.eval(), tokenizer=tokenizer, name=model_name(path))


def model_name(path: Path) -> str:
    """A short, stable name for the checkpoint at ``path``.

    The folder's name; ``org/name`` for a Hugging Face cache snapshot; ``run/checkpoint-N`` for a
    trainer's checkpoint.
    """
    path = path.resolve()
    if path.parent.name == "snapshots" and path.parent.parent.name.startswith("models--"):
        return path.parent.parent.name.removeprefix("models--").replace("--", "/")
    if re.fullmatch(r"checkpoint-\d+", path.name):
        return f"{path.parent.name}/{path.name}"
    return path.name
