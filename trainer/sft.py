"""Supervised fine-tuning on ideal responses: the assistant's tokens of each conversation are learned."""

from __future__ import annotations

from dataclasses import dataclass

from .chat import encode_conversation
from .data import manifest_hash, sft_conversations
from .errors import TrainerError
from .models import context_length, load_model
from .runtime import RunDir, seed_everything, setup_distributed
from .supervised import check_lengths, steps_for_epochs, train_stage


@dataclass
class SFTConfig:
    model: str
    data: str
    out: str
    steps: int | None = None
    epochs: float | None = None
    batch_size: int = 64
    lr: float = 3e-3
    warmup: int = 20
    seed: int = 0
    split: str = "train"
    save_every: int = 100
    resume: bool = False
    progress: bool = True


DEFAULT_STEPS = 350


def sft(config: SFTConfig) -> list[dict]:
    """Run SFT; returns the per-step metrics."""
    if config.steps is not None and config.epochs is not None:
        raise TrainerError("give steps or epochs, not both")
    world = setup_distributed()
    seed_everything(config.seed)
    model, tokenizer = load_model(config.model)
    conversations = sft_conversations(config.data, config.split)
    examples = [encode_conversation(tokenizer, c.messages) for c in conversations]
    check_lengths(examples, context_length(model), "conversation")
    steps = config.steps
    if steps is None:
        steps = steps_for_epochs(config.epochs, len(examples), config.batch_size) if config.epochs else DEFAULT_STEPS
    run = RunDir(config.out, world)
    run.write_run("sft", config, manifest_hash(config.data), {"examples": len(examples), "steps": steps})
    return train_stage(model, tokenizer, examples, config, steps, run, world, "sft")
