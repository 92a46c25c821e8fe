"""Batched sampling with a KV cache, built for small models; one interface for every backend.

``TorchSampler`` prefills each prompt once, copies its cache to the prompt's ``n`` samples, and
decodes all samples of all prompts together, one token per forward pass (for Llama-shaped models
through ``static_decode``: a preallocated cache and a lean step; others through transformers). A sample is done at the
end token; finished samples are dropped from the batch (the cache rows with them) once a quarter
of the batch has finished, and the loop stops when every sample is done or at ``max_new_tokens``.
Small models on the CPU decode on one thread, which is faster for them than splitting each step.
``GenerateSampler`` does the same through ``model.generate``: the reference in the benchmark and
tests. A vLLM sampler on a GPU would implement the same ``Sampler`` protocol.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, cast

import torch
from transformers import DynamicCache, GenerationMixin, PreTrainedModel, PreTrainedTokenizerBase

from .models import count_parameters
from .static_decode import StaticDecoder, supports

# Below this size a decode step is too small to split across threads: on 2 CPU cores one thread
# decoded 1.55x faster at 1.1M parameters, 1.3x at 3.6M and the same at 8.5M (8 prompts x 8 samples).
ONE_THREAD_BELOW_PARAMETERS = 10_000_000


def decodes_on_one_thread(model: torch.nn.Module) -> bool:
    """Whether ``model`` is small enough on the CPU that one thread decodes it fastest."""
    on_cpu = next(model.parameters()).device.type == "cpu"
    return on_cpu and count_parameters(model) < ONE_THREAD_BELOW_PARAMETERS


@contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run the block on ``count`` torch threads (None: as configured), then restore the setting."""
    before = torch.get_num_threads()
    if count is not None:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass(frozen=True)
class SamplingParams:
    """How to sample: ``temperature`` 0 is greedy; ``top_k`` 0 and ``top_p`` 1 keep every token."""

    max_new_tokens: int = 48
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0


@dataclass(frozen=True)
class Completion:
    """One sampled continuation of a prompt."""

    ids: list[int]  # the new tokens, the end token included when the sample reached it
    text: str  # decoded, special tokens left out
    finished: bool  # it reached the end token (False: cut at max_new_tokens)


class Sampler(Protocol):
    """Samples ``n`` completions for each prompt (token ids); returns them grouped by prompt."""

    def sample(
        self, prompts: Sequence[Sequence[int]], n: int, params: SamplingParams, generator: torch.Generator
    ) -> list[list[Completion]]: ...


def prompt_seeds(count: int, generator: torch.Generator) -> list[int]:
    """One seed per prompt, drawn in order from the caller's generator. Each prompt's samples draw
    from their own stream, so they are the same however a batch of prompts is split up."""
    return [int(s) for s in torch.randint(0, 2**62, (count,), generator=generator)]


def uniform_draws(streams: Sequence[torch.Generator], n: int) -> torch.Tensor:
    """One uniform number for each of the ``n`` samples of each prompt's stream, in sample order."""
    return torch.cat([torch.rand(n, generator=stream) for stream in streams])


def pick_tokens(logits: torch.Tensor, params: SamplingParams, draws: torch.Tensor) -> torch.Tensor:
    """The next token of each row of ``logits`` (rows x vocabulary) under ``params``; ``draws``
    holds a uniform number per row (unused when greedy)."""
    if params.temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits / params.temperature
    if 0 < params.top_k < logits.shape[-1]:
        kth = torch.topk(logits, params.top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if params.top_p < 1.0:
        ordered, order = torch.sort(logits, descending=True, dim=-1)
        cumulative = ordered.softmax(dim=-1).cumsum(dim=-1)
        drop = cumulative - ordered.softmax(dim=-1) >= params.top_p  # keep the smallest set reaching top_p
        logits = logits.masked_fill(drop.scatter(-1, order, drop), float("-inf"))
    return inverse_cdf_sample(logits.softmax(dim=-1), draws)


def inverse_cdf_sample(probs: torch.Tensor, draws: torch.Tensor) -> torch.Tensor:
    """One token per row of ``probs``: the first whose cumulative probability passes the row's
    uniform number in ``draws``. One random number per row, where ``torch.multinomial`` costs 8x as
    much on the CPU.

    The draw is scaled by the row's total, so rounding in the sum never runs past the last token,
    and a token of probability 0 is never chosen (its cumulative sum equals the one before it).
    """
    cumulative = probs.cumsum(dim=-1)
    draw = draws[:, None].to(probs.dtype) * cumulative[:, -1:]
    return (cumulative <= draw).sum(dim=-1)


def left_pad(prompts: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Prompts as one left-padded batch: (ids, attention mask)."""
    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for row, prompt in enumerate(prompts):
        if prompt:
            ids[row, width - len(prompt) :] = torch.tensor(list(prompt), dtype=torch.long)
            mask[row, width - len(prompt) :] = 1
    return ids, mask


def cache_argument(model: torch.nn.Module) -> str:
    """The name of the forward argument that takes a KV cache: transformers 5 renamed
    ``past_key_values`` to ``cache``."""
    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


class TorchSampler:
    """The default sampler: a shared prefill per prompt, then one batched decode of every sample."""

    def __init__(self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase):
        self.model, self.tokenizer = model, tokenizer
        self.end_id = int(tokenizer.eos_token_id)
        self.pad_id = int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.end_id)
        self.cache_arg = cache_argument(model)
        self.threads = 1 if decodes_on_one_thread(model) else None  # decode threads (None: torch's setting)

    def sample(
        self, prompts: Sequence[Sequence[int]], n: int, params: SamplingParams, generator: torch.Generator
    ) -> list[list[Completion]]:
        return self.sample_seeded(prompts, n, params, prompt_seeds(len(prompts), generator))

    @torch.no_grad()
    def sample_seeded(
        self, prompts: Sequence[Sequence[int]], n: int, params: SamplingParams, seeds: Sequence[int]
    ) -> list[list[Completion]]:
        """``n`` completions of each prompt, the samples of prompt i drawn from the stream ``seeds[i]``."""
        was_training = self.model.training
        self.model.eval()
        try:
            with torch_threads(self.threads):
                tokens, lengths, finished = self._decode(prompts, n, params, seeds)
        finally:
            self.model.train(was_training)
        completions = []
        for row in range(len(prompts) * n):
            ids = tokens[row, : lengths[row]].tolist()
            text = str(self.tokenizer.decode(ids, skip_special_tokens=True))
            completions.append(Completion(ids, text, bool(finished[row])))
        return [completions[i * n : (i + 1) * n] for i in range(len(prompts))]

    def _decode(
        self, prompts: Sequence[Sequence[int]], n: int, params: SamplingParams, seeds: Sequence[int]
    ) -> tuple[torch.Tensor, list[int], torch.Tensor]:
        streams = [torch.Generator().manual_seed(seed) for seed in seeds]
        ids, mask = left_pad(prompts, self.pad_id)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        cache = DynamicCache()
        out = self.model(
            input_ids=ids, attention_mask=mask, position_ids=positions, logits_to_keep=1, **{self.cache_arg: cache}
        )
        logits = out.logits[:, -1, :].repeat_interleave(n, dim=0)
        position = positions[:, -1:].repeat_interleave(n, dim=0)
        mask = mask.repeat_interleave(n, dim=0)
        static = None
        if supports(self.model):
            static = StaticDecoder(self.model, len(prompts) * n, ids.shape[1] + params.max_new_tokens)
            static.load(cache, mask, n)
        else:
            cache.batch_repeat_interleave(n)

        total = len(prompts) * n
        tokens = torch.full((total, params.max_new_tokens), self.pad_id, dtype=torch.long)
        lengths = [params.max_new_tokens] * total
        finished = torch.zeros(total, dtype=torch.bool)
        rows = torch.arange(total)  # the sample each batch row holds
        for step in range(params.max_new_tokens):
            # every prompt's stream draws for all its samples at every step, finished or not, so a
            # sample's draws do not depend on which other samples are still in the batch
            draws = uniform_draws(streams, n)[rows] if params.temperature > 0 else logits.new_zeros(0)
            chosen = pick_tokens(logits, params, draws)
            live = ~finished[rows]
            tokens[rows[live], step] = chosen[live]
            ended = live & (chosen == self.end_id)
            for row in rows[ended].tolist():
                lengths[row] = step + 1
            finished[rows[ended]] = True
            live &= ~ended
            if not live.any() or step + 1 == params.max_new_tokens:
                break
            if (~live).sum() * 4 >= len(rows):  # drop finished rows once they are a quarter of the batch
                keep = live.nonzero().squeeze(-1)
                if static is not None:
                    static.select(keep)
                else:
                    cache.batch_select_indices(keep)
                rows, chosen, mask, position = rows[keep], chosen[keep], mask[keep], position[keep]
            position = position + 1
            if static is not None:
                logits = static.step(chosen, position[:, 0])
            else:
                mask = torch.cat([mask, mask.new_ones((len(rows), 1))], dim=1)
                out = self.model(
                    input_ids=chosen[:, None], attention_mask=mask, position_ids=position, **{self.cache_arg: cache}
                )
                logits = out.logits[:, -1, :]
        return tokens, lengths, finished


class GenerateSampler:
    """The same contract through ``model.generate``: the reference the torch sampler is measured against."""

    def __init__(self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase):
        self.model, self.tokenizer = model, tokenizer
        self.end_id = int(tokenizer.eos_token_id)
        self.pad_id = int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.end_id)

    @torch.no_grad()
    def sample(
        self, prompts: Sequence[Sequence[int]], n: int, params: SamplingParams, generator: torch.Generator
    ) -> list[list[Completion]]:
        # generate's greedy mode takes no num_return_sequences: repeat the prompts instead
        ids, mask = left_pad([p for p in prompts for _ in range(n)], self.pad_id)
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=generator)))  # generate has no generator
        sampled = params.temperature > 0
        out = cast(GenerationMixin, self.model).generate(
            input_ids=ids,
            attention_mask=mask,
            max_new_tokens=params.max_new_tokens,
            do_sample=sampled,
            temperature=params.temperature if sampled else None,
            top_p=params.top_p if sampled else None,
            top_k=params.top_k if sampled else None,
            pad_token_id=self.pad_id,
            eos_token_id=self.end_id,
        )[:, ids.shape[1] :]
        completions = []
        for row in out.tolist():
            end = row.index(self.end_id) + 1 if self.end_id in row else len(row)
            new = row[:end]
            completions.append(
                Completion(new, str(self.tokenizer.decode(new, skip_special_tokens=True)), self.end_id in new)
            )
        return [completions[i * n : (i + 1) * n] for i in range(len(prompts))]
