"""Rejection-sampling fine-tuning: sample k per problem, keep the correct ones, fine-tune on them.

Each round samples ``group_size`` completions for every training task with the current model,
verifies them, keeps the correct ones, drops duplicate texts, selects ``all`` of them, the
``shortest`` per task, or ``one`` at random per task, and fine-tunes on the selection with the
supervised loop. ``rounds`` repeats this with the improved model (online RFT / expert iteration).
Every sample goes to ``rollouts.jsonl``; its ``step`` is the last optimizer step before it was drawn.

A run resumes round by round: after each round the model is saved and ``rft_state.json`` records
the rounds done, the logged steps and the selection RNG. ``--resume`` starts the next round from
that model (a round cut short by a kill is done again, from its start, as it would have been).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm.auto import tqdm

from pipeline.atomic import atomic_write_text

from .chat import Encoded
from .data import Task, manifest_hash
from .errors import TrainerError
from .grpo import (
    ROLLOUTS,
    RLConfig,
    Sample,
    check_rl_config,
    decoders,
    encode_tasks,
    rollout_record,
    score_groups,
    training_tasks,
)
from .models import context_length, load_model
from .parallel_sampler import open_sampler
from .plots import plot_run
from .rewards import Rewarder
from .runtime import RunDir, all_sum, gather, seed_everything, setup_distributed
from .sampler import SamplingParams
from .supervised import SupervisedConfig, train_supervised

SELECTIONS = ("all", "shortest", "one")
STATE = "rft_state.json"


@dataclass(frozen=True)
class RoundState:
    """Where a run stands after its last whole round."""

    rounds_done: int
    steps: int  # optimizer steps logged so far
    select_rng: list  # random.Random.getstate(), as JSON

    @classmethod
    def read(cls, run: Path) -> RoundState | None:
        path = run / STATE
        return cls(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None

    def write(self, run: RunDir) -> None:
        if run.world.main:
            atomic_write_text(run.path / STATE, json.dumps(asdict(self)) + "\n")

    def rng(self) -> random.Random:
        rng = random.Random()
        version, internal, gauss = self.select_rng
        rng.setstate((version, tuple(internal), gauss))
        return rng


def select(samples: list[Sample], how: str, rng: random.Random) -> list[Sample]:
    """The correct samples of one task's group, distinct by text, chosen by ``how``.

    Two samples can spell one text in different tokens; the one with fewer tokens stands for it.
    """
    distinct: dict[str, Sample] = {}
    for s in samples:
        if s.scored.correct and s.completion.finished:
            text = s.completion.text.strip()
            if text not in distinct or len(s.completion.ids) < len(distinct[text].completion.ids):
                distinct[text] = s
    kept = list(distinct.values())
    if not kept or how == "all":
        return kept
    if how == "shortest":
        return [min(kept, key=lambda s: len(s.completion.ids))]
    return [rng.choice(kept)]


def rft(config: RLConfig) -> list[dict]:
    """Run rejection-sampling fine-tuning; returns the per-step metrics of every round."""
    if config.select not in SELECTIONS:
        raise TrainerError(f"--select must be one of {', '.join(SELECTIONS)}, not {config.select!r}")
    world = setup_distributed()
    check_rl_config(config, world)
    seed_everything(config.seed)
    state = RoundState.read(Path(config.out)) if config.resume else None
    if config.resume and state is None:
        raise TrainerError(f"{config.out}: nothing to resume (no {STATE}: no round of an rft run finished there)")
    # resumed: the model the last whole round saved in the run folder, and the RNG it left
    model, tokenizer = load_model(config.out if state else config.model)
    tasks = training_tasks(config)
    prompts = encode_tasks(tokenizer, tasks, context_length(model), config.max_new_tokens)
    run = RunDir(config.out, world)
    done, steps = (state.rounds_done, state.steps) if state else (0, 0)
    run.start_metrics(steps)
    # a round's samples are logged at the step before it: keep those of the whole rounds only
    run.truncate(ROLLOUTS, steps - config.rft_steps if state else -1)
    if not state:
        run.write_run("rl", config, manifest_hash(config.tasks), {"tasks": len(tasks)})
    params = SamplingParams(config.max_new_tokens, config.temperature, config.top_p, config.top_k)
    rng = state.rng() if state else random.Random(config.seed)
    history: list[dict] = []
    with Rewarder(config.workers, config.reward_timeout, config.format_reward) as rewarder:
        for round_index in range(done, config.rounds):
            began = time.perf_counter()
            mine = list(range(world.rank, len(tasks), world.world))
            scored = _sample_all(
                model,
                tokenizer,
                [tasks[i] for i in mine],
                [prompts[i] for i in mine],
                rewarder,
                params,
                config,
                round_index,
                world.main,
                decoders(config, world),
            )
            generation_seconds = time.perf_counter() - began
            chosen = [s for group in scored for s in select(group, config.select, rng)]
            # all_gather: every rank trains on the whole selection, each on its share of a batch
            examples = gather(
                [
                    Encoded(
                        s.prompt_ids + s.completion.ids, [False] * len(s.prompt_ids) + [True] * len(s.completion.ids)
                    )
                    for s in chosen
                ],
                world,
            )
            rewards = [s.scored.reward for group in scored for s in group]
            lengths = [len(s.completion.ids) for group in scored for s in group]
            totals = all_sum(
                [
                    sum(rewards),
                    sum(r * r for r in rewards),
                    len(rewards),
                    sum(lengths),
                    sum(len({s.scored.reward for s in g}) == 1 for g in scored),
                ],
                world,
            )
            mean = totals[0] / totals[2]
            round_metrics = {
                "round": round_index + 1,
                "reward_mean": mean,
                "reward_std": max(0.0, totals[1] / totals[2] - mean * mean) ** 0.5,
                "zero_variance_groups": int(totals[4]),
                "generation_seconds": round(generation_seconds, 4),
                "completion_length": totals[3] / totals[2],
                "kept_samples": len(examples),
                "kl": None,
            }
            run.append(ROLLOUTS, gather([rollout_record(steps, s) for g in scored for s in g], world))
            if not examples:
                raise TrainerError(
                    f"round {round_index + 1}: no correct sample to fine-tune on "
                    f"(mean reward {mean:.3f}); sample more (--group-size) or start from a better model"
                )
            settings = SupervisedConfig(
                steps=config.rft_steps,
                batch_size=config.rft_batch_size,
                lr=config.rft_lr,
                warmup=min(10, config.rft_steps // 10),
                seed=config.seed + round_index,
                progress=config.progress,
                save_every=config.rft_steps,
            )
            trained = train_supervised(
                model,
                tokenizer,
                examples,
                settings,
                run,
                world,
                f"rft round {round_index + 1}",
                first_step=steps,
                extra=round_metrics,
            )
            history.extend(trained)
            steps += len(trained)
            RoundState(round_index + 1, steps, list(rng.getstate())).write(run)
    if world.main:
        plot_run(run.path)
    return history


def _sample_all(
    model: torch.nn.Module,
    tokenizer: object,
    tasks: list[Task],
    prompts: list[list[int]],
    rewarder: Rewarder,
    params: SamplingParams,
    config: RLConfig,
    round_index: int,
    show: bool,
    decoders: int | None,
) -> list[list[Sample]]:
    """``group_size`` scored samples for every task, ``prompts_per_step`` tasks at a time."""
    generator = torch.Generator().manual_seed(config.seed * 1_000_003 + round_index)
    out: list[list[Sample]] = []
    size = config.prompts_per_step
    with open_sampler(model, tokenizer, decoders) as sampler:  # type: ignore[arg-type]
        for start in tqdm(
            range(0, len(tasks), size), desc=f"rft sample {round_index + 1}", disable=not (config.progress and show)
        ):
            chunk_tasks, chunk_prompts = tasks[start : start + size], prompts[start : start + size]
            groups = sampler.sample(chunk_prompts, config.group_size, params, generator)
            out.extend(score_groups(groups, chunk_tasks, chunk_prompts, rewarder, config))
    return out
