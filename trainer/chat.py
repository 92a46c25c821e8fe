"""Prompts and conversations as token ids, through the tokenizer's chat template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from transformers import BatchEncoding, PreTrainedTokenizerBase

from .data import Messages


@dataclass(frozen=True)
class Encoded:
    """A conversation's token ids and which of them are learned (the assistant's)."""

    ids: list[int]
    learn: list[bool]


def _chat(
    tokenizer: PreTrainedTokenizerBase, messages: Messages, generation_prompt: bool = False, masks: bool = False
) -> BatchEncoding:
    encoded = tokenizer.apply_chat_template(
        messages,
        tokenize=True,
        return_dict=True,
        add_generation_prompt=generation_prompt,
        return_assistant_tokens_mask=masks,
    )
    return cast(BatchEncoding, encoded)  # tokenize=True with return_dict=True gives a BatchEncoding


def encode_prompt(tokenizer: PreTrainedTokenizerBase, messages: Messages) -> list[int]:
    """The ids a completion follows: the messages and the assistant's opening."""
    if tokenizer.chat_template:
        return list(_chat(tokenizer, messages, generation_prompt=True)["input_ids"])
    # A plain language model: the user's text on a line, then the answer.
    return list(tokenizer("\n".join(m["content"] for m in messages) + "\n")["input_ids"])


def encode_conversation(tokenizer: PreTrainedTokenizerBase, messages: Messages) -> Encoded:
    """Token ids of a whole conversation; the assistant's tokens (with their end token) are learned.

    Uses the template's ``{% generation %}`` marks; a template without them falls back to learning
    everything after the prompt of the last assistant turn.
    """
    if tokenizer.chat_template:
        encoded = _chat(tokenizer, messages, masks=True)
        ids = list(encoded["input_ids"])
        mask = [bool(m) for m in encoded["assistant_masks"]]
        if any(mask):
            return Encoded(ids, mask)
        prompt = encode_prompt(tokenizer, messages[:-1])
    else:
        prompt = encode_prompt(tokenizer, messages[:-1])
        ids = prompt + list(tokenizer(messages[-1]["content"])["input_ids"])
        if tokenizer.eos_token_id is not None:
            ids.append(tokenizer.eos_token_id)
    return Encoded(ids, [i >= len(prompt) for i in range(len(ids))])
