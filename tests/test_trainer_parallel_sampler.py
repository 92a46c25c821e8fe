"""Decoding across worker processes that share the model's weights: the same completions as one
process, weights updated in place seen by every worker, per-prompt sample streams, clear errors."""

from __future__ import annotations

import pytest
import torch
from trainer_fixtures import shared

from trainer.chat import encode_prompt
from trainer.errors import TrainerError
from trainer.models import load_model
from trainer.parallel_sampler import ParallelSampler, decode_processes, open_sampler, shards
from trainer.sampler import SamplingParams, TorchSampler, prompt_seeds

QUESTIONS = ["What is 3 plus 4?", "Add 2 and 2.", "Compute 4 plus 1.", "What is 0 added to 3?", "Hi"]


def _setup(path):
    model, tokenizer = load_model(path)
    prompts = [encode_prompt(tokenizer, [{"role": "user", "content": q}]) for q in QUESTIONS]
    return model, tokenizer, prompts


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The untrained tiny model (fast to make) and prompts."""
    return _setup(shared(tmp_path_factory).base)


@pytest.fixture(scope="module")
def finishing(tmp_path_factory):
    """The SFT'd tiny model, whose samples reach the end token at different lengths (slow: trained first)."""
    return _setup(shared(tmp_path_factory).sft)


def _seed(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("processes", [2, 3])
@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_the_same_completions_as_one_process(trained, processes, temperature):
    model, tokenizer, prompts = trained
    params = SamplingParams(max_new_tokens=20, temperature=temperature)
    alone = TorchSampler(model, tokenizer)
    with ParallelSampler(model, tokenizer, processes) as parallel:
        for seed in range(3):
            ours = parallel.sample(prompts, 4, params, _seed(seed))
            assert ours == alone.sample(prompts, 4, params, _seed(seed))
    if temperature:
        assert len({c.text for g in ours for c in g}) > len(prompts)  # really sampled


@pytest.mark.slow
def test_the_same_completions_as_one_process_when_samples_finish_early(finishing):
    model, tokenizer, prompts = finishing
    params = SamplingParams(max_new_tokens=24, temperature=1.0)
    with ParallelSampler(model, tokenizer, 2) as parallel:
        ours = [parallel.sample(prompts, 8, params, _seed(seed)) for seed in range(4)]
    assert ours == [TorchSampler(model, tokenizer).sample(prompts, 8, params, _seed(seed)) for seed in range(4)]
    lengths = {len(c.ids) for groups in ours for g in groups for c in g if c.finished}
    assert len(lengths) > 2  # finished rows left the batch at several steps


def test_workers_see_weights_changed_in_place(trained):
    model, tokenizer, prompts = trained
    params = SamplingParams(max_new_tokens=12, temperature=0.0)
    saved = {name: p.detach().clone() for name, p in model.named_parameters()}
    try:
        with ParallelSampler(model, tokenizer, 2) as parallel:
            before = parallel.sample(prompts, 1, params, _seed(0))
            with torch.no_grad():  # what an optimizer step does: the same tensors, new values
                for p in model.parameters():
                    p.add_(torch.randn(p.shape, generator=_seed(1)) * 0.5)
            after = parallel.sample(prompts, 1, params, _seed(0))
            assert after == TorchSampler(model, tokenizer).sample(prompts, 1, params, _seed(0))
            assert after != before
    finally:
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(saved[name])


def test_a_prompt_samples_the_same_alone_or_in_a_batch(trained):
    """Each prompt's samples come from its own stream: batch composition does not change them."""
    model, tokenizer, prompts = trained
    params = SamplingParams(max_new_tokens=16, temperature=1.0)
    sampler = TorchSampler(model, tokenizer)
    seeds = prompt_seeds(len(prompts), _seed(5))
    batch = sampler.sample_seeded(prompts, 3, params, seeds)
    assert batch == sampler.sample(prompts, 3, params, _seed(5))
    for i in (0, len(prompts) - 1):
        assert sampler.sample_seeded([prompts[i]], 3, params, [seeds[i]]) == [batch[i]]


def test_a_dead_worker_is_a_clear_error(trained):
    model, tokenizer, prompts = trained
    with ParallelSampler(model, tokenizer, 2) as parallel:
        parallel.sample(prompts, 1, SamplingParams(4), _seed(0))
        worker = parallel.workers[0]
        worker.process.kill()
        worker.process.join()
        with pytest.raises(TrainerError, match="decoding worker process"):
            parallel.sample(prompts, 1, SamplingParams(4), _seed(0))


def test_an_error_in_a_worker_is_raised_here_and_the_sampler_goes_on(trained):
    model, tokenizer, prompts = trained
    params = SamplingParams(4, 0.0)
    with ParallelSampler(model, tokenizer, 2) as parallel:
        # the second prompt (the worker's shard) holds a token id outside the vocabulary
        with pytest.raises(TrainerError, match="decoding worker process failed: IndexError"):
            parallel.sample([prompts[0], [len(tokenizer) + 10]], 1, params, _seed(0))
        assert parallel.sample(prompts, 1, params, _seed(0)) == TorchSampler(model, tokenizer).sample(
            prompts, 1, params, _seed(0)
        )


def test_closing_stops_the_workers(trained):
    model, tokenizer, prompts = trained
    with ParallelSampler(model, tokenizer, 3) as parallel:
        parallel.sample(prompts, 1, SamplingParams(4), _seed(0))
        processes = [w.process for w in parallel.workers]
        assert all(p.is_alive() for p in processes)
    assert not any(p.is_alive() for p in processes)


@pytest.mark.parametrize(("count", "parts"), [(8, 2), (5, 3), (2, 4), (1, 1), (7, 7)])
def test_shards_cover_every_prompt_once_in_order(count, parts):
    pieces = shards(count, parts)
    assert [i for piece in pieces for i in piece] == list(range(count))
    assert len(pieces) == min(count, parts) and all(len(p) for p in pieces)
    assert max(map(len, pieces)) - min(map(len, pieces)) <= 1


def test_how_many_processes_decode(trained, monkeypatch):
    import trainer.sampler as module

    model, tokenizer, _ = trained
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        assert decode_processes(model) == 2  # small model on the CPU: one process per thread
        torch.set_num_threads(1)
        assert decode_processes(model) == 1
        torch.set_num_threads(2)
        monkeypatch.setattr(module, "ONE_THREAD_BELOW_PARAMETERS", 10)  # as if the model were large
        assert decode_processes(model) == 1
    finally:
        torch.set_num_threads(before)
    with open_sampler(model, tokenizer, 1) as sampler:
        assert isinstance(sampler, TorchSampler)
    with open_sampler(model, tokenizer, 2) as sampler:
        assert isinstance(sampler, ParallelSampler)
