"""A tiny model whose answers the test decides, and small task sets for ``answerkey calibrate``.

``rigged_model`` is a real one-layer Llama (saved with ``save_pretrained``, loaded by every HF tool)
whose weights make it a bigram model: attention and MLP outputs are zero, so the hidden state is
the current token's embedding, and the embeddings are one-hot on a few states. After the chat
template's assistant opening it says "7" with probability ``p7`` and "8" otherwise, then ends.
Every task therefore gets the same answer distribution, whatever its problem, and the pass rate
of a task is known in advance: ``p7`` for a key of 7, ``1 - p7`` for 8, 0 for anything else.
"""

from __future__ import annotations

import math
import random
import string
from pathlib import Path

import torch
from trainer_fixtures import build_dataset
from transformers import LlamaConfig, LlamaForCausalLM

from trainer.chat import encode_prompt
from trainer.models import save_model
from trainer.tokenizer import train_tokenizer

HIDDEN = 8
_NEVER = -30.0  # a logit that is never sampled (e^-30 against 0)


def rigged_model(out: Path, p7: float) -> Path:
    """The bigram model described above, saved in ``out``."""
    tokenizer = train_tokenizer([f"What is {a} plus {b}? The answer is {a + b}." for a in range(10) for b in range(10)])
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=HIDDEN,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        intermediate_size=16,
        max_position_embeddings=128,
        tie_word_embeddings=False,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
    )
    model = LlamaForCausalLM(config)
    start = encode_prompt(tokenizer, [{"role": "user", "content": "What is 3 plus 4?"}])[-1]  # the assistant opening
    seven, eight = tokenizer.convert_tokens_to_ids(["7", "8"])
    # After RMSNorm a one-hot state is sqrt(HIDDEN) on its axis: lm_head columns are scaled to match.
    scale = 1 / math.sqrt(HIDDEN)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.zero_()
        for module in model.modules():
            if type(module).__name__.endswith("RMSNorm"):
                module.weight.fill_(1.0)
        embeddings = model.model.embed_tokens.weight
        embeddings[:, 3] = 1.0  # every other token: the "end now" state
        for token, axis in ((start, 0), (seven, 1), (eight, 2)):
            embeddings[token] = 0.0
            embeddings[token, axis] = 1.0
        head = model.lm_head.weight
        head.fill_(_NEVER * scale)
        head[seven, 0] = (math.log(p7) if p7 > 0 else _NEVER) * scale
        head[eight, 0] = (math.log(1 - p7) if p7 < 1 else _NEVER) * scale
        head[tokenizer.eos_token_id, 1:4] = 0.0
    save_model(model, tokenizer, out)
    return out


def keyed_tasks(out: Path, keys: list[str], source: str = "rigged") -> Path:
    """A built task set with one problem per key, each worded apart (made-up words, so that no two
    are near duplicates)."""
    rng = random.Random(len(keys))
    rows = []
    for n, key in enumerate(keys):
        words = " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(6))
        rows.append({"problem": f"{words}: what is {n} plus {int(key) - n}?", "answer": key, "solution": ""})
    return build_dataset(rows, out, source=source)
