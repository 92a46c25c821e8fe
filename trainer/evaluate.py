"""Held-out evaluation: greedy accuracy, pass@1 and pass@k at a temperature, mean reward, by source.

pass@1 and pass@k are the unbiased estimators over the k samples drawn per task
(``1 - C(k - c, j) / C(k, j)`` for j = 1 and j = k, where c of the k samples are correct); the same
verifiers that give the RL reward decide.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from pipeline.atomic import atomic_write_text

from .chat import encode_prompt
from .data import Task, rl_tasks
from .errors import TrainerError
from .models import context_length, load_model
from .parallel_sampler import open_sampler
from .rewards import Rewarder
from .sampler import SamplingParams


@dataclass
class EvalConfig:
    model: str
    tasks: str
    split: str = "test"
    k: int = 8
    temperature: float = 1.0
    max_new_tokens: int = 64
    prompts_per_batch: int = 16
    seed: int = 0
    workers: int = 2
    decode_processes: int | None = None  # None: one per torch thread for a small model on the CPU
    json_path: str | None = None
    progress: bool = True


@dataclass(frozen=True)
class TaskResult:
    """One task's evaluation: the greedy completion and how many of the k samples were right."""

    task: Task
    greedy: str
    greedy_correct: bool
    samples: list[str]
    correct: int
    rewards: list[float]


def pass_at(k: int, correct: int, j: int) -> float:
    """The unbiased pass@j estimate from ``correct`` right answers among ``k`` samples."""
    if k - correct < j:
        return 1.0
    return 1.0 - math.comb(k - correct, j) / math.comb(k, j)


def run_tasks(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    tasks: Sequence[Task],
    rewarder: Rewarder,
    k: int,
    temperature: float,
    max_new_tokens: int,
    seed: int = 0,
    prompts_per_batch: int = 16,
    progress: bool = True,
    decode_processes: int | None = None,
) -> list[TaskResult]:
    """Greedy and k sampled completions for each task, all verified; ``decode_processes`` as in
    ``parallel_sampler.open_sampler`` (None: one per torch thread for a small model on the CPU)."""
    generator = torch.Generator().manual_seed(seed)
    sampled = SamplingParams(max_new_tokens=max_new_tokens, temperature=temperature)
    greedy = SamplingParams(max_new_tokens=max_new_tokens, temperature=0.0)
    context = context_length(model)
    limit = context - max_new_tokens  # prompts keep their last ``limit`` tokens
    if limit < 1:  # prompt[-limit:] would keep the whole prompt (0) or cut off its start (< 0)
        raise TrainerError(
            f"--max-new-tokens {max_new_tokens} leaves no room for a prompt in the model's context ({context})"
        )
    results: list[TaskResult] = []
    bar = tqdm(total=len(tasks), desc="eval", unit="task", disable=not progress)
    with open_sampler(model, tokenizer, decode_processes) as sampler:
        for start in range(0, len(tasks), prompts_per_batch):
            chunk = list(tasks[start : start + prompts_per_batch])
            prompts = [encode_prompt(tokenizer, t.prompt)[-limit:] for t in chunk]
            firsts = [g[0] for g in sampler.sample(prompts, 1, greedy, generator)]
            groups = sampler.sample(prompts, k, sampled, generator) if k else [[] for _ in chunk]
            flat = firsts + [c for g in groups for c in g]
            flat_tasks = chunk + [t for t in chunk for _ in range(k)]
            scores = rewarder.score([c.text for c in flat], flat_tasks, [c.finished for c in flat])
            for i, task in enumerate(chunk):
                mine = scores[len(chunk) + i * k : len(chunk) + (i + 1) * k]
                results.append(
                    TaskResult(
                        task,
                        firsts[i].text,
                        scores[i].correct,
                        [c.text for c in groups[i]],
                        sum(s.correct for s in mine),
                        [s.reward for s in mine],
                    )
                )
            bar.update(len(chunk))
    bar.close()
    return results


def summarize(results: Sequence[TaskResult], k: int, temperature: float) -> dict:
    """The evaluation's figures, overall and by source."""

    def figures(rows: Sequence[TaskResult]) -> dict:
        n = len(rows)
        rewards = [r for row in rows for r in row.rewards]
        return {
            "n": n,
            "greedy_accuracy": sum(r.greedy_correct for r in rows) / n if n else 0.0,
            "pass_at_1": sum(pass_at(k, r.correct, 1) for r in rows) / n if n and k else 0.0,
            "pass_at_k": sum(pass_at(k, r.correct, k) for r in rows) / n if n and k else 0.0,
            "mean_reward": sum(rewards) / len(rewards) if rewards else 0.0,
        }

    by_source: dict[str, list[TaskResult]] = defaultdict(list)
    for r in results:
        by_source[r.task.source].append(r)
    overall = figures(results)
    return {
        **overall,
        "k": k,
        "temperature": temperature,
        "by_source": {s: figures(rows) for s, rows in sorted(by_source.items())},
    }


def evaluate(config: EvalConfig) -> dict:
    """``answerkey train eval``: evaluate a checkpoint on a task set; writes ``--json`` when given."""
    model, tokenizer = load_model(config.model)
    tasks = rl_tasks(config.tasks, config.split)
    began = time.perf_counter()
    with Rewarder(workers=config.workers) as rewarder:
        results = run_tasks(
            model,
            tokenizer,
            tasks,
            rewarder,
            config.k,
            config.temperature,
            config.max_new_tokens,
            config.seed,
            config.prompts_per_batch,
            config.progress,
            config.decode_processes,
        )
    summary = summarize(results, config.k, config.temperature)
    summary["seconds"] = round(time.perf_counter() - began, 2)
    if config.json_path:
        atomic_write_text(Path(config.json_path), json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary
