"""The supervised loop that pretraining, SFT and rejection-sampling fine-tuning share.

Examples are token sequences with a mask of the tokens to learn. The order is a fresh seeded
permutation per epoch, a function of the step alone, so a resumed run sees exactly the batches an
uninterrupted one would. Under torchrun each rank takes every ``world``-th example of the global
batch, and the loss is normalised by the global count of learned tokens: the gradient is the one a
single process would compute on the whole batch.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import torch
from torch.nn.parallel import DistributedDataParallel
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from .chat import Encoded
from .errors import TrainerError
from .models import save_model
from .optim import make_optimizer, make_schedule
from .plots import plot_run
from .runtime import Dist, RunDir, all_sum, replicas_in_sync


@dataclass(frozen=True)
class SupervisedConfig:
    """One supervised run: how many steps, the global batch, the learning rate and its warm-up."""

    steps: int
    batch_size: int
    lr: float
    warmup: int
    seed: int = 0
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    save_every: int = 100
    resume: bool = False
    progress: bool = True


def steps_for_epochs(epochs: float, examples: int, batch_size: int) -> int:
    return max(1, math.ceil(epochs * examples / batch_size))


@functools.lru_cache(maxsize=4)
def epoch_order(n: int, seed: int, epoch: int) -> list[int]:
    """The seeded permutation of ``n`` examples for ``epoch``."""
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed * 100_003 + epoch)).tolist()


def batch_indices(n: int, batch_size: int, step: int, seed: int) -> list[int]:
    """The examples of global batch ``step``: consecutive positions in per-epoch permutations."""
    return [epoch_order(n, seed, p // n)[p % n] for p in range(step * batch_size, (step + 1) * batch_size)]


def collate(examples: Sequence[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded ids, attention mask and labels (-100 where nothing is learned)."""
    width = max(len(e.ids) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    for row, e in enumerate(examples):
        ids[row, : len(e.ids)] = torch.tensor(e.ids)
        mask[row, : len(e.ids)] = 1
        learn = torch.tensor(e.learn, dtype=torch.bool)
        labels[row, : len(e.ids)] = torch.where(learn, torch.tensor(e.ids), -100)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def token_loss_sum(model: torch.nn.Module, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, int]:
    """Summed cross-entropy of the learned next tokens and how many there were."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
    targets = batch["labels"][:, 1:]
    loss = torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100, reduction="sum"
    )
    return loss, int((targets != -100).sum())


def check_lengths(examples: Sequence[Encoded], context: int, what: str) -> None:
    """A clear error before any step when an example does not fit the model's context."""
    for i, e in enumerate(examples):
        if len(e.ids) > context:
            raise TrainerError(f"{what} {i} has {len(e.ids)} tokens; the model's context is {context}")


def train_supervised(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    examples: Sequence[Encoded],
    config: SupervisedConfig,
    run: RunDir,
    world: Dist,
    desc: str,
    first_step: int = 0,
    extra: dict | None = None,
) -> list[dict]:
    """Train on ``examples`` for ``config.steps`` steps; write metrics, checkpoints and the final model.

    ``first_step`` numbers the logged steps after earlier rounds of the same run (their metrics are
    kept); ``extra`` is added to every logged line.
    """
    if config.batch_size % world.world:
        raise TrainerError(f"--batch-size {config.batch_size} does not divide over {world.world} processes")
    if not examples:
        raise TrainerError("no training examples")
    model.train()
    optimizer = make_optimizer(model, config.lr, config.weight_decay)
    scheduler = make_schedule(optimizer, config.steps, config.warmup)
    start = run.load_checkpoint(model, optimizer, scheduler)["step"] if config.resume else 0
    if first_step == 0:
        run.start_metrics(start)
    trained = DistributedDataParallel(model) if world.world > 1 else model
    pad_id = int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id)
    history = []
    bar = tqdm(total=config.steps, initial=start, desc=desc, disable=not (config.progress and world.main))
    for step in range(start, config.steps):
        began = time.perf_counter()
        mine = batch_indices(len(examples), config.batch_size, step, config.seed)[world.rank :: world.world]
        batch = collate([examples[i] for i in mine], pad_id)
        loss_sum, learned = token_loss_sum(trained, batch)
        local_tokens = int(batch["attention_mask"].sum())
        total_learned, total_tokens = all_sum([float(learned), float(local_tokens)], world)
        # DDP averages gradients over ranks: scale so the result is the global token mean.
        (loss_sum * world.world / max(1.0, total_learned)).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        lr = scheduler.get_last_lr()[0]
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        (global_loss,) = all_sum([float(loss_sum.detach())], world)
        seconds = time.perf_counter() - began
        metrics = {
            "step": first_step + step + 1,
            "seconds": round(seconds, 4),
            "tokens_per_second": round(total_tokens / seconds, 1),
            "loss": global_loss / max(1.0, total_learned),
            "lr": lr,
            "epoch": round((step + 1) * config.batch_size / len(examples), 4),
            **(extra or {}),
        }
        run.log(metrics)
        history.append(metrics)
        bar.set_postfix(loss=f"{metrics['loss']:.3f}")
        bar.update(1)
        if (step + 1) % config.save_every == 0 or step + 1 == config.steps:
            run.save_checkpoint(model, optimizer, scheduler, step + 1)
    bar.close()
    if world.world > 1:
        run.update_run({"replicas_in_sync": replicas_in_sync(model, world)})
    if world.main:
        save_model(model, tokenizer, run.path)
    return history


class StageSettings(Protocol):
    """What a pretrain or SFT config holds for the supervised loop."""

    batch_size: int
    lr: float
    warmup: int
    seed: int
    save_every: int
    resume: bool
    progress: bool


def train_stage(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    examples: Sequence[Encoded],
    stage: StageSettings,
    steps: int,
    run: RunDir,
    world: Dist,
    desc: str,
) -> list[dict]:
    """A pretrain or SFT stage: the supervised loop with the stage's settings, then its plots."""
    settings = SupervisedConfig(
        steps=steps,
        batch_size=stage.batch_size,
        lr=stage.lr,
        warmup=stage.warmup,
        seed=stage.seed,
        save_every=stage.save_every,
        resume=stage.resume,
        progress=stage.progress,
    )
    history = train_supervised(model, tokenizer, examples, settings, run, world, desc)
    if world.main:
        plot_run(run.path)
    return history
