"""``answerkey train pretrain|sft|rl|eval``: the trainer's command line (a contract: keep the flags).

Run under ``torchrun --nproc_per_node N answerkey train ...`` for data-parallel training.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

# On a shared CPU, spinning OpenMP threads collapse throughput (trainer-cpu-facts); set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_OUT = click.Path(file_okay=False, path_type=Path)
_DIR = click.Path(file_okay=False, exists=True, path_type=Path)
_POSITIVE = click.IntRange(min=1)
_RATE = click.FloatRange(min=0, min_open=True)
# Shared with `answerkey calibrate`: how many processes sample (the samples do not depend on it).
decode_processes_option = click.option(
    "--decode-processes",
    type=_POSITIVE,
    default=None,
    help="Processes that sample, each on one thread [one per torch thread for a model under 10M parameters "
    "on the CPU, else 1]; the samples are the same for any number.",
)


def _threads(value: int | None) -> None:
    if value:
        import torch

        torch.set_num_threads(value)


def _run(stage: Callable[[Any], list[dict] | dict], config: Any) -> Any:
    """Run a stage; trainer errors become one clear message, not a traceback."""
    from transformers.utils import logging as hf_logging

    from trainer.errors import TrainerError

    hf_logging.disable_progress_bar()  # our bars show progress; not every weight load and shard write
    try:
        return stage(config)
    except TrainerError as exc:
        raise click.ClickException(str(exc)) from exc


def _summary(history: list[dict], out: Path, stage: str) -> None:
    if not history:
        click.echo(f"{stage}: nothing to do (already at the last step) -> {out}")
        return
    last = history[-1]
    speed = sum(h["tokens_per_second"] for h in history) / len(history)
    extra = f", reward {last['reward_mean']:.3f}" if "reward_mean" in last else ""
    click.echo(f"{stage}: {last['step']} steps, loss {last['loss']:.4f}{extra}, {speed:,.0f} tokens/s -> {out}")


@click.group("train")
def train_command() -> None:
    """Train on answerkey datasets: pretrain, SFT, RL with the verifiers as reward, evaluate."""


common = [
    click.option("--seed", type=int, default=0, show_default=True),
    click.option("--resume", is_flag=True, help="Continue the run in OUT from its last checkpoint."),
    click.option("--save-every", type=_POSITIVE, default=None, help="Checkpoint every N steps."),
    click.option("--threads", type=_POSITIVE, default=None, help="torch threads (default: torch's choice)."),
    click.option("--quiet", is_flag=True, help="No progress bars."),
]


def _common(fn: Callable) -> Callable:
    for option in reversed(common):
        fn = option(fn)
    return fn


@train_command.command("pretrain")
@click.option("--corpus", "corpus", multiple=True, help="Text (.txt/.md) or JSONL (text field) file; repeatable.")
@click.argument("more_corpus", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--out", type=_OUT, required=True, help="Run folder (the checkpoint, metrics, plots).")
@click.option("--size", type=click.Choice(["xs", "s", "m"]), default=None, help="A tiny model from scratch [xs].")
@click.option("--model", type=_DIR, default=None, help="Continue pretraining this checkpoint instead.")
@click.option("--steps", type=_POSITIVE, default=150, show_default=True)
@click.option("--batch-size", type=_POSITIVE, default=32, show_default=True)
@click.option("--seq-len", type=_POSITIVE, default=128, show_default=True)
@click.option("--lr", type=_RATE, default=3e-3, show_default=True)
@click.option("--vocab-size", type=_POSITIVE, default=768, show_default=True, help="BPE vocabulary (with --size).")
@_common
def pretrain_command(
    corpus: tuple[str, ...],
    more_corpus: tuple[str, ...],
    out: Path,
    size: str | None,
    model: Path | None,
    steps: int,
    batch_size: int,
    seq_len: int,
    lr: float,
    vocab_size: int,
    seed: int,
    resume: bool,
    save_every: int | None,
    threads: int | None,
    quiet: bool,
) -> None:
    """Next-token pretraining on text: --corpus PATH [PATH...] (a tiny model from scratch, or --model)."""
    from trainer.pretrain import PretrainConfig, pretrain

    paths = [*corpus, *more_corpus]
    if not paths:
        raise click.UsageError("give --corpus PATH [PATH...]")
    if size and model:
        raise click.UsageError("give --size (a new model) or --model DIR (continue one), not both")
    _threads(threads)
    config = PretrainConfig(
        corpus=paths,
        out=str(out),
        size=None if model else (size or "xs"),
        model=str(model) if model else None,
        steps=steps,
        batch_size=batch_size,
        seq_len=seq_len,
        lr=lr,
        seed=seed,
        vocab_size=vocab_size,
        save_every=save_every or 100,
        resume=resume,
        progress=not quiet,
    )
    _summary(_run(pretrain, config), out, "pretrain")


@train_command.command("sft")
@click.option("--model", type=_DIR, required=True, help="Checkpoint to fine-tune.")
@click.option("--data", type=_DIR, required=True, help="Dataset folder (answerkey build / annotate pull).")
@click.option("--out", type=_OUT, required=True)
@click.option("--steps", type=_POSITIVE, default=None, help="Optimizer steps [350].")
@click.option("--epochs", type=_RATE, default=None, help="Passes over the data (instead of --steps).")
@click.option("--batch-size", type=_POSITIVE, default=64, show_default=True)
@click.option("--lr", type=_RATE, default=3e-3, show_default=True)
@click.option("--split", default="train", show_default=True)
@_common
def sft_command(
    model: Path,
    data: Path,
    out: Path,
    steps: int | None,
    epochs: float | None,
    batch_size: int,
    lr: float,
    split: str,
    seed: int,
    resume: bool,
    save_every: int | None,
    threads: int | None,
    quiet: bool,
) -> None:
    """Supervised fine-tuning on `messages`, or problem + solution through the chat template."""
    from trainer.sft import SFTConfig, sft

    if steps and epochs:
        raise click.UsageError("give --steps or --epochs, not both")
    _threads(threads)
    config = SFTConfig(
        model=str(model),
        data=str(data),
        out=str(out),
        steps=steps,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        seed=seed,
        split=split,
        save_every=save_every or 100,
        resume=resume,
        progress=not quiet,
    )
    _summary(_run(sft, config), out, "sft")


@train_command.command("rl")
@click.option("--model", type=_DIR, required=True)
@click.option("--tasks", type=_DIR, required=True, help="Dataset folder with prompt, answer, answer_type.")
@click.option("--out", type=_OUT, required=True)
@click.option("--algo", type=click.Choice(["grpo", "rft"]), default="grpo", show_default=True)
@click.option("--steps", type=_POSITIVE, default=150, show_default=True, help="GRPO steps.")
@click.option("--prompts-per-step", type=_POSITIVE, default=8, show_default=True)
@click.option("--group-size", type=_POSITIVE, default=8, show_default=True, help="Samples per prompt.")
@click.option("--max-new-tokens", type=_POSITIVE, default=48, show_default=True)
@click.option("--temperature", type=click.FloatRange(min=0), default=1.0, show_default=True)
@click.option("--top-p", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True)
@click.option("--top-k", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--lr", type=_RATE, default=3e-5, show_default=True)
@click.option("--beta", type=click.FloatRange(min=0), default=0.0, show_default=True, help="KL to the start model.")
@click.option("--no-std-scaling", is_flag=True, help="Advantages not divided by the group std (Dr. GRPO).")
@click.option("--epsilon-low", type=click.FloatRange(min=0), default=0.2, show_default=True)
@click.option("--epsilon-high", type=click.FloatRange(min=0), default=0.28, show_default=True)
@click.option("--updates-per-batch", type=_POSITIVE, default=1, show_default=True)
@click.option("--loss-aggregation", type=click.Choice(["token", "sequence"]), default="token", show_default=True)
@click.option("--mask-truncated", is_flag=True, help="Learn nothing from completions cut at --max-new-tokens.")
@click.option(
    "--format-reward",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Added for a completion that ends with an extractable answer.",
)
@click.option("--rounds", type=_POSITIVE, default=1, show_default=True, help="rft: sample-and-fine-tune rounds.")
@click.option(
    "--select",
    type=click.Choice(["all", "shortest", "one"]),
    default="all",
    show_default=True,
    help="rft: which correct samples of a prompt to keep.",
)
@click.option("--rft-steps", type=_POSITIVE, default=100, show_default=True, help="rft: fine-tuning steps a round.")
@click.option("--rft-lr", type=_RATE, default=1e-3, show_default=True)
@click.option("--workers", type=_POSITIVE, default=2, show_default=True, help="Verifier processes.")
@decode_processes_option
@click.option("--reward-timeout", type=_RATE, default=2.0, show_default=True, help="Seconds per verification.")
@click.option("--split", default="train", show_default=True)
@click.option(
    "--min-pass",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Train only on tasks whose calibrated pass rate is at least this (see `answerkey calibrate`).",
)
@click.option("--max-pass", type=click.FloatRange(0, 1), default=1.0, show_default=True, help="... and at most this.")
@click.option(
    "--review-failures",
    metavar="NAME",
    help="After the run, send the tasks the model never solved to the Argilla review dataset NAME.",
)
@_common
def rl_command(
    model: Path,
    tasks: Path,
    out: Path,
    algo: str,
    steps: int,
    prompts_per_step: int,
    group_size: int,
    max_new_tokens: int,
    temperature: float,
    top_p: float,
    top_k: int,
    lr: float,
    beta: float,
    no_std_scaling: bool,
    epsilon_low: float,
    epsilon_high: float,
    updates_per_batch: int,
    loss_aggregation: str,
    mask_truncated: bool,
    format_reward: float,
    rounds: int,
    select: str,
    rft_steps: int,
    rft_lr: float,
    workers: int,
    decode_processes: int | None,
    reward_timeout: float,
    split: str,
    min_pass: float,
    max_pass: float,
    review_failures: str | None,
    seed: int,
    resume: bool,
    save_every: int | None,
    threads: int | None,
    quiet: bool,
) -> None:
    """RL on practice problems with the verifiers as reward: GRPO, or rejection sampling (rft)."""
    from trainer.grpo import RLConfig, grpo
    from trainer.rft import rft

    _threads(threads)
    config = RLConfig(
        model=str(model),
        tasks=str(tasks),
        out=str(out),
        algo=algo,
        steps=steps,
        prompts_per_step=prompts_per_step,
        group_size=group_size,
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        top_p=top_p,
        top_k=top_k,
        lr=lr,
        beta=beta,
        seed=seed,
        split=split,
        min_pass=min_pass,
        max_pass=max_pass,
        epsilon_low=epsilon_low,
        epsilon_high=epsilon_high,
        std_scaling=not no_std_scaling,
        updates_per_batch=updates_per_batch,
        loss_aggregation=loss_aggregation,
        mask_truncated=mask_truncated,
        format_reward=format_reward,
        save_every=save_every or 50,
        resume=resume,
        workers=workers,
        decode_processes=decode_processes,
        reward_timeout=reward_timeout,
        progress=not quiet,
        rounds=rounds,
        select=select,
        rft_steps=rft_steps,
        rft_lr=rft_lr,
    )
    _summary(_run(grpo if algo == "grpo" else rft, config), out, algo)
    if review_failures:
        from answerkey.review_queue import review_never_solved

        review_never_solved(out, tasks, review_failures)


@train_command.command("eval")
@click.option("--model", type=_DIR, required=True)
@click.option("--tasks", type=_DIR, required=True)
@click.option("--split", default="test", show_default=True)
@click.option("-k", "k", type=_POSITIVE, default=8, show_default=True, help="Samples per task for pass@k.")
@click.option("--temperature", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True)
@click.option("--max-new-tokens", type=_POSITIVE, default=64, show_default=True)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the figures to this JSON file.",
)
@click.option("--workers", type=_POSITIVE, default=2, show_default=True, help="Verifier processes.")
@decode_processes_option
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=_POSITIVE, default=None)
@click.option("--quiet", is_flag=True)
def eval_command(
    model: Path,
    tasks: Path,
    split: str,
    k: int,
    temperature: float,
    max_new_tokens: int,
    json_path: Path | None,
    workers: int,
    decode_processes: int | None,
    seed: int,
    threads: int | None,
    quiet: bool,
) -> None:
    """Greedy accuracy, pass@1 and pass@k (unbiased, over k samples), mean reward, by source."""
    from trainer.evaluate import EvalConfig, evaluate

    _threads(threads)
    config = EvalConfig(
        model=str(model),
        tasks=str(tasks),
        split=split,
        k=k,
        temperature=temperature,
        max_new_tokens=max_new_tokens,
        seed=seed,
        workers=workers,
        decode_processes=decode_processes,
        json_path=str(json_path) if json_path else None,
        progress=not quiet,
    )
    summary = _run(evaluate, config)
    click.echo(f"{'tasks':16}{summary['n']} ({tasks}, split {split})")
    click.echo(f"{'greedy accuracy':16}{summary['greedy_accuracy']:.1%}")
    click.echo(f"{'pass@1':16}{summary['pass_at_1']:.1%} (T={temperature}, k={k})")
    click.echo(f"{f'pass@{k}':16}{summary['pass_at_k']:.1%}")
    click.echo(f"{'mean reward':16}{summary['mean_reward']:.3f}")
    for source, figures in summary["by_source"].items():
        click.echo(
            f"  {source:24}n={figures['n']:<6} greedy {figures['greedy_accuracy']:.1%}  "
            f"pass@1 {figures['pass_at_1']:.1%}  pass@{k} {figures['pass_at_k']:.1%}"
        )
    if json_path:
        click.echo(f"-> {json_path}")
