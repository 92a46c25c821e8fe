"""A lean decode step for Llama-shaped models (Llama, Qwen2, Mistral) over a preallocated KV cache.

For a 1-10M-parameter model a decode step costs far more in framework overhead than in arithmetic:
transformers' forward builds masks and position tables, and its dynamic cache copies every
layer's keys and values at every step (``torch.cat``). Here the cache is allocated once for the
whole generation, a step writes one column, attention reads the filled part, and the model's own
modules (norms, projections, MLP, rotary table) do the arithmetic, so the result is the model's.
``supports(model)`` says whether a model has this shape; other models decode through transformers.
"""

from __future__ import annotations

from typing import Any, cast

import torch
from torch import nn
from transformers import PreTrainedModel

_SHAPED = ("LlamaForCausalLM", "Qwen2ForCausalLM", "MistralForCausalLM")


def supports(model: PreTrainedModel) -> bool:
    """Llama-shaped, default rotary scaling only, no sliding window: what this decoder reproduces exactly."""
    config = model.config
    rope = getattr(config, "rope_scaling", None) or getattr(config, "rope_parameters", None) or {}
    rope_type = rope.get("rope_type", rope.get("type", "default")) if isinstance(rope, dict) else "default"
    return (
        type(model).__name__ in _SHAPED
        and rope_type == "default"
        and not getattr(config, "use_sliding_window", False)
        and getattr(config, "sliding_window", None) in (None, 0)
    )


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class StaticDecoder:
    """Decodes one token per row per ``step`` after a prefill copied in with ``load``."""

    def __init__(self, model: PreTrainedModel, rows: int, length: int):
        config = model.config
        inner = cast(nn.Module, model.model)  # the decoder stack of every Llama-shaped model
        self.embed = cast(nn.Module, inner.embed_tokens)
        self.norm = cast(nn.Module, inner.norm)
        self.head = cast(nn.Module, model.lm_head)
        self.layers: list[Any] = list(cast(nn.ModuleList, inner.layers))  # each: attention, MLP, two norms
        self.heads = config.num_attention_heads
        self.kv_heads = getattr(config, "num_key_value_heads", None) or self.heads
        self.head_dim = getattr(config, "head_dim", None) or config.hidden_size // self.heads
        self.scale = self.head_dim**-0.5
        dtype = next(model.parameters()).dtype
        shape = (len(self.layers), rows, self.kv_heads, length, self.head_dim)
        self.keys = torch.zeros(shape, dtype=dtype)
        self.values = torch.zeros(shape, dtype=dtype)
        self.bias = torch.zeros((rows, length), dtype=dtype)  # 0 where a key may be attended, -inf where not
        positions = torch.arange(length)[None]
        cos, sin = cast(nn.Module, inner.rotary_emb)(self.keys[0, :1, 0], positions)  # tables for every position
        self.cos, self.sin = cos[0], sin[0]
        self.filled = 0

    def load(self, cache: Any, mask: torch.Tensor, repeats: int) -> None:
        """Copy a prefill's dynamic cache in, each row ``repeats`` times, with the attention mask
        of the repeated rows (1 = a real token)."""
        width = mask.shape[1]
        for i, layer in enumerate(cache.layers):
            self.keys[i, :, :, :width] = layer.keys.repeat_interleave(repeats, dim=0)
            self.values[i, :, :, :width] = layer.values.repeat_interleave(repeats, dim=0)
        self.bias[:, :width] = torch.where(mask.bool(), 0.0, float("-inf"))
        self.filled = width

    def select(self, keep: torch.Tensor) -> None:
        """Keep only the rows ``keep`` (indices), in that order."""
        self.keys, self.values = self.keys[:, keep], self.values[:, keep]
        self.bias = self.bias[keep]

    @torch.no_grad()
    def step(self, tokens: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """Logits of the next token after ``tokens`` (one per row) at rotary ``positions``."""
        rows, t = tokens.shape[0], self.filled
        cos, sin = self.cos[positions][:, None], self.sin[positions][:, None]  # rows x 1 x head_dim
        hidden = self.embed(tokens)
        groups = self.heads // self.kv_heads
        for i, layer in enumerate(self.layers):
            attn = layer.self_attn
            x = layer.input_layernorm(hidden)
            q = attn.q_proj(x).view(rows, self.heads, self.head_dim)
            k = attn.k_proj(x).view(rows, self.kv_heads, self.head_dim)
            v = attn.v_proj(x).view(rows, self.kv_heads, self.head_dim)
            q = q * cos + _rotate_half(q) * sin
            k = k * cos + _rotate_half(k) * sin
            self.keys[i, :, :, t] = k
            self.values[i, :, :, t] = v
            keys, values = self.keys[i, :, :, : t + 1], self.values[i, :, :, : t + 1]  # rows x kv x T x d
            q = q.view(rows, self.kv_heads, groups, self.head_dim)
            scores = torch.matmul(q, keys.transpose(-1, -2)) * self.scale + self.bias[:, None, None, : t + 1]
            out = torch.matmul(torch.softmax(scores, dim=-1), values).reshape(rows, self.heads * self.head_dim)
            hidden = hidden + attn.o_proj(out)
            hidden = hidden + layer.mlp(layer.post_attention_layernorm(hidden))
        self.filled = t + 1
        return self.head(self.norm(hidden))
