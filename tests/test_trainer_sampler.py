"""The batched KV-cache sampler against ``model.generate`` on the same model: greedy equality on
prompts of unequal length, seeded sampling, top-k/top-p, the end token and ``max_new_tokens``."""

from __future__ import annotations

import pytest
import torch
from trainer_fixtures import shared

from trainer.chat import encode_prompt
from trainer.models import load_model
from trainer.sampler import GenerateSampler, SamplingParams, TorchSampler

QUESTIONS = [
    "What is 3 plus 4?",
    "Add 2 and 2.",
    "Compute 4 plus 1.",
    "What is 0 added to 3? Tell me, please, the sum of these two numbers",
    "Hi",
]


def _setup(path):
    model, tokenizer = load_model(path)
    prompts = [encode_prompt(tokenizer, [{"role": "user", "content": q}]) for q in QUESTIONS]
    assert len({len(p) for p in prompts}) > 2  # unequal lengths: left padding is exercised
    return model, tokenizer, prompts


@pytest.fixture(scope="module", params=["untrained", pytest.param("sft", marks=pytest.mark.slow)])
def setup(request, tmp_path_factory):
    """The untrained tiny model (fast), and the SFT'd one (slow: it is trained first), whose
    completions reach the end token."""
    artifacts = shared(tmp_path_factory)
    return _setup(artifacts.base if request.param == "untrained" else artifacts.sft)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return _setup(shared(tmp_path_factory).sft)


def _seed(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_greedy_equals_generate(setup):
    model, tokenizer, prompts = setup
    params = SamplingParams(max_new_tokens=16, temperature=0.0)
    ours = TorchSampler(model, tokenizer).sample(prompts, 2, params, _seed(0))
    reference = GenerateSampler(model, tokenizer).sample(prompts, 2, params, _seed(0))
    assert [[c.ids for c in g] for g in ours] == [[c.ids for c in g] for g in reference]
    assert [[c.finished for c in g] for g in ours] == [[c.finished for c in g] for g in reference]
    assert [[c.text for c in g] for g in ours] == [[c.text for c in g] for g in reference]


@pytest.mark.slow
def test_greedy_equals_generate_on_finished_and_cut_off_samples(trained):
    model, tokenizer, prompts = trained
    params = SamplingParams(max_new_tokens=12, temperature=0.0)  # cuts the worked solutions, not "I am not sure."
    ours = TorchSampler(model, tokenizer).sample(prompts, 3, params, _seed(0))
    reference = GenerateSampler(model, tokenizer).sample(prompts, 3, params, _seed(0))
    assert ours == reference
    # both kinds of ending are in the comparison: samples that reached the end token, and one cut off
    flags = {c.finished for g in ours for c in g}
    assert flags == {True, False}, [c.text for g in ours for c in g]


def test_greedy_groups_are_the_prompt_greedy_repeated(setup):
    model, tokenizer, prompts = setup
    params = SamplingParams(max_new_tokens=24, temperature=0.0)
    sampler = TorchSampler(model, tokenizer)
    groups = sampler.sample(prompts, 3, params, _seed(0))
    assert len(groups) == len(prompts) and all(len(g) == 3 for g in groups)
    for prompt, group in zip(prompts, groups, strict=True):
        (alone,) = sampler.sample([prompt], 1, params, _seed(0))[0]
        assert all(c == alone for c in group)


def test_sampling_is_reproducible_with_the_same_seed(setup):
    model, tokenizer, prompts = setup
    params = SamplingParams(max_new_tokens=24, temperature=1.0)
    sampler = TorchSampler(model, tokenizer)
    first = sampler.sample(prompts, 4, params, _seed(7))
    again = sampler.sample(prompts, 4, params, _seed(7))
    other = sampler.sample(prompts, 4, params, _seed(8))
    assert first == again
    assert first != other
    assert len({c.text for g in first for c in g}) > len(prompts)  # samples of one prompt differ


@pytest.mark.parametrize("params", [SamplingParams(24, 1.0, top_k=1), SamplingParams(24, 1.5, top_p=1e-6)])
def test_top_k_1_and_tiny_top_p_are_greedy(setup, params):
    model, tokenizer, prompts = setup
    sampler = TorchSampler(model, tokenizer)
    greedy = sampler.sample(prompts, 2, SamplingParams(24, 0.0), _seed(0))
    assert sampler.sample(prompts, 2, params, _seed(3)) == greedy


def _reference_probs(logits: torch.Tensor, temperature: float, top_k: int, top_p: float) -> torch.Tensor:
    """The distribution sampling should follow, written out plainly: softmax(logits / T), cut to the
    top k tokens or to the smallest most-likely set whose probability reaches top_p, renormalised."""
    probs = (logits.double() / temperature).softmax(-1)
    order = probs.argsort(descending=True).tolist()
    keep, total = [], 0.0
    for rank, token in enumerate(order):
        if (top_k and rank >= top_k) or total >= top_p:
            break
        keep.append(token)
        total += float(probs[token])
    cut = torch.zeros_like(probs)
    cut[keep] = probs[keep]
    return cut / cut.sum()


@pytest.mark.parametrize(
    ("temperature", "top_k", "top_p"), [(1.0, 0, 1.0), (1.5, 0, 1.0), (1.5, 3, 1.0), (1.5, 0, 0.9)]
)
@pytest.mark.slow
def test_first_token_frequencies_follow_the_model(trained, temperature, top_k, top_p):
    """20,000 one-token samples of a prompt: the frequency of each likely token, and of all the
    others together, is within 5 standard errors of the model's probability."""
    model, tokenizer, prompts = trained
    with torch.no_grad():
        firsts = [model(input_ids=torch.tensor([p])).logits[0, -1] for p in prompts]
    # the prompt whose next token is least certain, so the comparison means something
    entropies = [float(-(x.log_softmax(-1).exp() * x.log_softmax(-1)).sum()) for x in firsts]
    which = entropies.index(max(entropies))
    probs = _reference_probs(firsts[which], temperature, top_k, top_p)
    assert float(probs.max()) < 0.9 and int((probs > 0.02).sum()) >= 2
    sampler, generator, params = TorchSampler(model, tokenizer), _seed(11), SamplingParams(1, temperature, top_p, top_k)
    drawn = [c.ids[0] for _ in range(5) for c in sampler.sample([prompts[which]], 4000, params, generator)[0]]
    counts = torch.bincount(torch.tensor(drawn), minlength=len(tokenizer)).double()
    assert not bool(((counts > 0) & (probs == 0)).any()), "a token outside top-k/top-p was sampled"
    likely = probs > 0.02
    buckets = [(f"token {i}", float(probs[i]), float(counts[i])) for i in torch.nonzero(likely).flatten().tolist()]
    buckets.append(("the rest", float(probs[~likely].sum()), float(counts[~likely].sum())))
    n = len(drawn)
    for name, p, count in buckets:
        error = (p * (1 - p) / n) ** 0.5
        assert abs(count / n - p) <= 5 * error + 1e-4, f"{name}: frequency {count / n:.4f}, probability {p:.4f}"


@pytest.mark.slow
def test_samples_stop_at_the_end_token(trained):
    model, tokenizer, prompts = trained
    end = tokenizer.eos_token_id
    sampler = TorchSampler(model, tokenizer)
    completions = [
        c for seed in range(4) for g in sampler.sample(prompts, 4, SamplingParams(24, 1.0), _seed(seed)) for c in g
    ]
    assert any(c.finished for c in completions) and any(not c.finished for c in completions)
    for c in completions:
        if c.finished:
            assert c.ids[-1] == end and end not in c.ids[:-1]
            assert len(c.ids) <= 24
        else:
            assert len(c.ids) == 24 and end not in c.ids
        assert c.text == tokenizer.decode(c.ids, skip_special_tokens=True)
        assert "<|end|>" not in c.text


@pytest.mark.parametrize("limit", [1, 5])
def test_max_new_tokens_is_respected(setup, limit):
    model, tokenizer, prompts = setup
    for temperature in (0.0, 1.0):
        groups = TorchSampler(model, tokenizer).sample(prompts, 3, SamplingParams(limit, temperature), _seed(1))
        assert all(len(c.ids) == limit and not c.finished for g in groups for c in g)


def test_generate_sampler_samples(setup):
    """The reference sampler's sampled path (the benchmark uses it) keeps the same contract."""
    model, tokenizer, prompts = setup
    groups = GenerateSampler(model, tokenizer).sample(prompts[:2], 3, SamplingParams(24, 1.0), _seed(2))
    assert [len(g) for g in groups] == [3, 3]
    for c in (c for g in groups for c in g):
        assert len(c.ids) <= 24
        assert c.finished == (c.ids[-1] == tokenizer.eos_token_id)


@pytest.mark.parametrize("limit, expected", [(10**12, 1), (1, None)])
def test_small_models_decode_on_one_thread_and_the_setting_is_restored(setup, monkeypatch, limit, expected):
    import trainer.sampler as sampler_module

    model, tokenizer, prompts = setup
    monkeypatch.setattr(sampler_module, "ONE_THREAD_BELOW_PARAMETERS", limit)
    sampler = TorchSampler(model, tokenizer)
    assert sampler.threads == expected
    torch.set_num_threads(2)
    seen: list[int] = []
    hook = model.register_forward_pre_hook(lambda module, args: seen.append(torch.get_num_threads()))
    try:
        sampler.sample(prompts[:2], 2, SamplingParams(max_new_tokens=3), torch.Generator().manual_seed(0))
    finally:
        hook.remove()
    assert seen and set(seen) == {expected or 2}
    assert torch.get_num_threads() == 2
