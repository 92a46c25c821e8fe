"""GRPO: sample a group of solutions per practice problem, reward the right ones, push toward them.

One step: take ``prompts_per_step`` tasks, sample ``group_size`` completions each (one batched
decode), score them with the verifiers, and give each completion its advantage: reward minus the
group's mean, divided by the group's std unless ``std_scaling`` is off (Dr. GRPO). Groups whose
rewards are all equal carry no signal and are skipped before the backward pass (and counted).
The loss is PPO's clipped surrogate with separate low/high clip ranges, aggregated over tokens
(or per sequence), plus ``beta`` times a k3 KL estimate to the frozen starting model when beta > 0.
``updates_per_batch`` optimizer passes reuse one batch of samples.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

import torch
from torch.nn.parallel import DistributedDataParallel
from tqdm.auto import tqdm
from transformers import DynamicCache

from .chat import encode_prompt
from .data import Task, in_pass_range, manifest_hash, rl_tasks
from .errors import TrainerError
from .models import context_length, load_model, save_model
from .optim import make_optimizer, make_schedule
from .parallel_sampler import open_sampler
from .plots import plot_run
from .rewards import Rewarder, Scored
from .runtime import Dist, RunDir, all_sum, gather, replicas_in_sync, seed_everything, setup_distributed
from .sampler import Completion, SamplingParams, cache_argument
from .supervised import batch_indices

ROLLOUTS = "rollouts.jsonl"


@dataclass
class RLConfig:
    model: str
    tasks: str
    out: str
    algo: str = "grpo"
    steps: int = 150
    prompts_per_step: int = 8
    group_size: int = 8
    max_new_tokens: int = 48
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    lr: float = 3e-5
    beta: float = 0.0
    seed: int = 0
    split: str = "train"
    min_pass: float = 0.0  # train only on tasks whose calibrated pass rate lies in [min_pass, max_pass]
    max_pass: float = 1.0
    epsilon_low: float = 0.2
    epsilon_high: float = 0.28
    std_scaling: bool = True
    updates_per_batch: int = 1
    loss_aggregation: str = "token"
    mask_truncated: bool = False
    format_reward: float = 0.0
    warmup: int = 0
    grad_clip: float = 1.0
    save_every: int = 50
    resume: bool = False
    workers: int = 2
    decode_processes: int | None = None  # None: one per torch thread for a small model on the CPU
    reward_timeout: float = 2.0
    progress: bool = True
    # rft only
    rounds: int = 1
    select: str = "all"
    rft_steps: int = 100
    rft_batch_size: int = 32
    rft_lr: float = 1e-3


@dataclass(frozen=True)
class Sample:
    """One completion of one task in a step, scored, with its advantage."""

    task: Task
    prompt_ids: list[int]
    completion: Completion
    scored: Scored
    advantage: float


def check_rl_config(config: RLConfig, world: Dist) -> None:
    """Settings that cannot work, refused before any step."""
    if config.prompts_per_step % world.world:
        raise TrainerError(
            f"--prompts-per-step {config.prompts_per_step} does not divide over {world.world} processes "
            "(a prompt's group stays whole on one rank)"
        )
    if config.group_size < 2 and config.algo == "grpo":
        raise TrainerError("--group-size must be at least 2 for grpo (advantages are relative to the group)")
    if config.loss_aggregation not in ("token", "sequence"):
        raise TrainerError(f"--loss-aggregation must be token or sequence, not {config.loss_aggregation!r}")
    if not 0.0 <= config.min_pass <= config.max_pass <= 1.0:
        raise TrainerError(
            f"--min-pass {config.min_pass} and --max-pass {config.max_pass}: need 0 <= min-pass <= max-pass <= 1"
        )


def decoders(config: RLConfig, world: Dist) -> int | None:
    """The processes that sample (``open_sampler``): one under torch.distributed, where each rank is
    already a process of its own; else the configured number."""
    return 1 if world.world > 1 else config.decode_processes


def training_tasks(config: RLConfig) -> list[Task]:
    """The tasks of the run: the split, limited to the calibrated pass-rate range when one is given."""
    return in_pass_range(rl_tasks(config.tasks, config.split), config.min_pass, config.max_pass, config.tasks)


def encode_tasks(tokenizer: Any, tasks: list[Task], context: int, max_new_tokens: int) -> list[list[int]]:
    """Every task's prompt ids; a clear error for a prompt that leaves no room for the completion."""
    prompts = [encode_prompt(tokenizer, t.prompt) for t in tasks]
    for task, ids in zip(tasks, prompts, strict=True):
        if len(ids) + max_new_tokens > context:
            raise TrainerError(
                f"task {task.id}: its prompt has {len(ids)} tokens, plus --max-new-tokens {max_new_tokens} "
                f"is over the model's context ({context})"
            )
    return prompts


def advantages(rewards: list[float], std_scaling: bool) -> list[float]:
    """Group-relative advantages: reward minus the group mean, over the group std when scaling."""
    mean = sum(rewards) / len(rewards)
    centred = [r - mean for r in rewards]
    if not std_scaling:
        return centred
    std = (sum(c * c for c in centred) / max(1, len(rewards) - 1)) ** 0.5
    return [c / (std + 1e-4) for c in centred]


def sequences(samples: list[Sample], pad_id: int, mask_truncated: bool) -> dict[str, torch.Tensor]:
    """The batch of a policy update, with each prompt stored once for its whole group of samples
    (consecutive samples with the same prompt): the prompts left-padded, the completions
    right-padded, ``group`` (which prompt each completion follows), the learned tokens (batch x
    completion width) and the advantages."""
    prompts: list[list[int]] = []
    group = []
    for s in samples:
        if not prompts or prompts[-1] != s.prompt_ids:
            prompts.append(s.prompt_ids)
        group.append(len(prompts) - 1)
    prompt_width = max(len(p) for p in prompts)
    prompt_ids = torch.full((len(prompts), prompt_width), pad_id, dtype=torch.long)
    prompt_mask = torch.zeros_like(prompt_ids)
    for row, prompt in enumerate(prompts):
        prompt_ids[row, prompt_width - len(prompt) :] = torch.tensor(prompt)
        prompt_mask[row, prompt_width - len(prompt) :] = 1
    width = max(len(s.completion.ids) for s in samples)
    completion_ids = torch.full((len(samples), width), pad_id, dtype=torch.long)
    completion_mask = torch.zeros_like(completion_ids)
    learn = torch.zeros((len(samples), width), dtype=torch.bool)
    for row, s in enumerate(samples):
        c = len(s.completion.ids)
        completion_ids[row, :c] = torch.tensor(s.completion.ids)
        completion_mask[row, :c] = 1
        if not (mask_truncated and not s.completion.finished):
            learn[row, :c] = True
    return {
        "prompt_ids": prompt_ids,
        "prompt_mask": prompt_mask,
        "group": torch.tensor(group),
        "completion_ids": completion_ids,
        "completion_mask": completion_mask,
        "learn": learn,
        "advantage": torch.tensor([s.advantage for s in samples]),
    }


class CompletionLogits(torch.nn.Module):
    """The logits that predict each completion token, with every prompt run once for its group.

    The prompts go through the model first (their keys and values kept, with their autograd
    graph), the cache is then repeated to one row per completion, and the completions run on top
    of it: the same logits and gradients as running each full sequence, with the prompt's share
    of the work divided by the group size. One module, so DDP sees a single forward per backward.
    """

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model
        self.cache_arg = cache_argument(model)

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        prompt_mask, group = batch["prompt_mask"], batch["group"]
        cache = DynamicCache()
        last = self.model(
            input_ids=batch["prompt_ids"],
            attention_mask=prompt_mask,
            position_ids=(prompt_mask.cumsum(-1) - 1).clamp(min=0),
            logits_to_keep=1,  # the last prompt position predicts the first completion token
            use_cache=True,
            **{self.cache_arg: cache},
        ).logits
        cache.batch_select_indices(group)  # one row per completion (indexing keeps the graph)
        lengths = prompt_mask.sum(-1)[group]
        width = batch["completion_ids"].shape[1]
        rest = self.model(
            input_ids=batch["completion_ids"],
            attention_mask=torch.cat([prompt_mask[group], batch["completion_mask"]], dim=1),
            position_ids=lengths[:, None] + torch.arange(width)[None],
            use_cache=True,
            **{self.cache_arg: cache},
        ).logits[:, :-1]
        return torch.cat([last[group], rest], dim=1)


def token_logprobs(
    scorer: torch.nn.Module, batch: dict[str, torch.Tensor], temperature: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-probabilities of the completion tokens under the sampling temperature, and the entropy
    of the model's distribution at each of them (batch x completion width); ``scorer`` is a
    ``CompletionLogits`` (or DDP around one)."""
    logits = scorer(batch)
    logp_all = torch.log_softmax(logits.float() / max(temperature, 1e-6), dim=-1)
    logp = logp_all.gather(-1, batch["completion_ids"].unsqueeze(-1)).squeeze(-1)
    with torch.no_grad():  # a metric: no autograd graph for it
        entropy = -(logp_all.exp() * logp_all).sum(-1)
    return logp, entropy


def policy_loss(
    logp: torch.Tensor, old: torch.Tensor, batch: dict[str, torch.Tensor], config: RLConfig, normaliser: float
) -> tuple[torch.Tensor, float]:
    """The clipped surrogate summed over learned tokens, divided by ``normaliser``; and the clip fraction."""
    learn = batch["learn"].float()
    ratio = torch.exp(logp - old)
    adv = batch["advantage"].unsqueeze(-1)
    clipped = torch.clamp(ratio, 1 - config.epsilon_low, 1 + config.epsilon_high)
    per_token = -torch.minimum(ratio * adv, clipped * adv)
    if config.loss_aggregation == "sequence":
        per_token = per_token / learn.sum(-1, keepdim=True).clamp(min=1)
    loss = (per_token * learn).sum() / normaliser
    clip_fraction = float(((ratio - clipped).abs() > 1e-6).float().mul(learn).sum() / learn.sum().clamp(min=1))
    return loss, clip_fraction


def score_groups(
    groups: list[list[Completion]], tasks: list[Task], prompts: list[list[int]], rewarder: Rewarder, config: RLConfig
) -> list[list[Sample]]:
    """Verify every completion and give it its group-relative advantage."""
    flat = [(task, c) for task, group in zip(tasks, groups, strict=True) for c in group]
    scores = rewarder.score([c.text for _, c in flat], [t for t, _ in flat], [c.finished for _, c in flat])
    out: list[list[Sample]] = []
    for g, (task, group) in enumerate(zip(tasks, groups, strict=True)):
        mine = scores[g * len(group) : (g + 1) * len(group)]
        advs = advantages([s.reward for s in mine], config.std_scaling)
        out.append([Sample(task, prompts[g], c, s, a) for c, s, a in zip(group, mine, advs, strict=True)])
    return out


def grpo(config: RLConfig) -> list[dict]:
    """Run GRPO; returns the per-step metrics."""
    world = setup_distributed()
    check_rl_config(config, world)
    seed_everything(config.seed)
    model, tokenizer = load_model(config.model)
    tasks = training_tasks(config)
    prompts = encode_tasks(tokenizer, tasks, context_length(model), config.max_new_tokens)
    reference = copy.deepcopy(model).eval().requires_grad_(False) if config.beta > 0 else None
    optimizer = make_optimizer(model, config.lr)
    scheduler = make_schedule(optimizer, config.steps, config.warmup, cosine=False)
    run = RunDir(config.out, world)
    start = run.load_checkpoint(model, optimizer, scheduler)["step"] if config.resume else 0
    run.start_metrics(start)
    run.truncate(ROLLOUTS, start)
    run.write_run("rl", config, manifest_hash(config.tasks), {"tasks": len(tasks)})
    scorer = CompletionLogits(model)
    trained = DistributedDataParallel(scorer) if world.world > 1 else scorer
    params = SamplingParams(config.max_new_tokens, config.temperature, config.top_p, config.top_k)
    pad_id = int(tokenizer.pad_token_id)
    history = []
    bar = tqdm(total=config.steps, initial=start, desc="grpo", disable=not (config.progress and world.main))
    with (
        Rewarder(config.workers, config.reward_timeout, config.format_reward) as rewarder,
        open_sampler(model, tokenizer, decoders(config, world)) as sampler,
    ):
        for step in range(start, config.steps):
            began = time.perf_counter()
            chosen = batch_indices(len(tasks), config.prompts_per_step, step, config.seed)[world.rank :: world.world]
            step_tasks = [tasks[i] for i in chosen]
            step_prompts = [prompts[i] for i in chosen]
            generator = torch.Generator().manual_seed(config.seed * 1_000_003 + step * 101 + world.rank)
            groups = sampler.sample(step_prompts, config.group_size, params, generator)
            generation_seconds = time.perf_counter() - began
            scored = score_groups(groups, step_tasks, step_prompts, rewarder, config)
            informative = [s for group in scored for s in group if len({x.scored.reward for x in group}) > 1]
            metrics = _update(
                trained, model, reference, optimizer, scheduler, informative, scored[0][0], config, world, pad_id
            )
            rewards = [s.scored.reward for group in scored for s in group]
            zero_variance = sum(len({s.scored.reward for s in group}) == 1 for group in scored)
            lengths = [len(s.completion.ids) for group in scored for s in group]
            totals = all_sum(
                [
                    sum(rewards),
                    sum(r * r for r in rewards),
                    len(rewards),
                    zero_variance,
                    sum(lengths),
                    generation_seconds,
                ],
                world,
            )
            n = totals[2]
            mean = totals[0] / n
            seconds = time.perf_counter() - began
            record = {
                "step": step + 1,
                "seconds": round(seconds, 4),
                "tokens_per_second": round(totals[4] / seconds, 1),
                **metrics,
                "reward_mean": mean,
                "reward_std": max(0.0, totals[1] / n - mean * mean) ** 0.5,
                "zero_variance_groups": int(totals[3]),
                "generation_seconds": round(totals[5] / world.world, 4),
                "completion_length": totals[4] / n,
            }
            run.log(record)
            run.append(ROLLOUTS, gather([rollout_record(step + 1, s) for group in scored for s in group], world))
            history.append(record)
            bar.set_postfix(reward=f"{mean:.2f}", loss=f"{record['loss']:.3f}")
            bar.update(1)
            if (step + 1) % config.save_every == 0 or step + 1 == config.steps:
                run.save_checkpoint(model, optimizer, scheduler, step + 1)
    bar.close()
    if world.world > 1:
        run.update_run({"replicas_in_sync": replicas_in_sync(model, world)})
    if world.main:
        save_model(model, tokenizer, run.path)
        plot_run(run.path)
    return history


def _update(
    trained: torch.nn.Module,
    model: torch.nn.Module,
    reference: torch.nn.Module | None,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    samples: list[Sample],
    placeholder: Sample,
    config: RLConfig,
    world: Dist,
    pad_id: int,
) -> dict:
    """``updates_per_batch`` optimizer steps on the informative samples; the step's loss metrics.
    ``trained`` is the ``CompletionLogits`` of ``model`` (in DDP when distributed).

    A rank without informative samples still runs forward and backward (on ``placeholder``, with
    nothing learned), because DDP's gradient all-reduce needs every rank.
    """
    lr = scheduler.get_last_lr()[0]
    batch = sequences(samples or [placeholder], pad_id, config.mask_truncated)
    if not samples:
        batch["learn"].zero_()
    local_tokens = float(batch["learn"].sum())
    global_tokens, global_samples = all_sum([local_tokens, float(len(samples))], world)
    if global_samples == 0:  # every group on every rank had equal rewards: no optimizer step
        return {"loss": 0.0, "lr": lr, "kl": None, "entropy": None, "clip_fraction": 0.0, "trained_samples": 0}
    normaliser = (global_tokens if config.loss_aggregation == "token" else global_samples) / world.world
    passes = config.updates_per_batch
    old = ref = None
    with torch.no_grad():
        if passes > 1:
            old = token_logprobs(CompletionLogits(model), batch, config.temperature)[0]
        if reference is not None:
            ref = token_logprobs(CompletionLogits(reference), batch, config.temperature)[0]
    loss_total = kl_total = entropy_total = clip_total = 0.0
    for _ in range(passes):
        logp, entropy = token_logprobs(trained, batch, config.temperature)
        loss, clip = policy_loss(logp, old if old is not None else logp.detach(), batch, config, normaliser)
        learn = batch["learn"].float()
        entropy_sum = float((entropy * learn).sum())
        kl_sum = 0.0
        if ref is not None:
            delta = ref - logp
            kl = (torch.exp(delta) - delta - 1) * learn
            loss = loss + config.beta * kl.sum() / normaliser
            kl_sum = float(kl.sum().detach())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss_total += float(loss.detach())
        kl_total, entropy_total, clip_total = kl_total + kl_sum, entropy_total + entropy_sum, clip_total + clip
    scheduler.step()
    loss_sum, kl_sum, entropy_sum, clip_sum = all_sum([loss_total, kl_total, entropy_total, clip_total], world)
    return {
        "loss": loss_sum / world.world / passes,
        "lr": lr,
        "kl": kl_sum / global_tokens / passes if reference is not None else None,
        "entropy": entropy_sum / global_tokens / passes,
        "clip_fraction": clip_sum / world.world / passes,
        "trained_samples": int(global_samples),
    }


def rollout_record(step: int, s: Sample) -> dict:
    """A sample as a line of ``rollouts.jsonl``."""
    return {
        "step": step,
        "task_id": s.task.id,
        "source": s.task.source,
        "answer": s.task.answer,
        "completion": s.completion.text,
        "finished": s.completion.finished,
        "tokens": len(s.completion.ids),
        "reward": s.scored.reward,
        "correct": s.scored.correct,
        "status": s.scored.status,
        "reason": s.scored.reason,
        "extracted": s.scored.extracted,
        "advantage": s.advantage,
    }
