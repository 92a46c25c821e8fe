"""GRPO with TRL's GRPOTrainer on an answerkey dataset, answerkey's verifiers as the reward.

For training a model elsewhere (a GPU box, a cluster) on tasks that ``answerkey build --format trl``
wrote: the dataset folder's ``data/{split}-*.parquet`` rows (``prompt`` as chat messages,
``answer``, ``answer_type``) go to ``GRPOTrainer`` as they are, and ``verifiers.reward`` (TRL's
reward convention: ``f(completions, **columns) -> list[float]``) checks each completion's final
answer against the row's ``answer``. A folder in the ``answerkey`` format works too (its text
``prompt`` becomes one user message).

The defaults suit a real GPU run (bf16, gradient checkpointing, 512 completion tokens, lr 1e-6,
64 completions per step); without a GPU the CPU settings of trainer-cpu-facts.md are used (fp32,
no gradient checkpointing), enough for a couple of steps on a tiny model.

    python examples/trl_grpo.py --model DIR --tasks DATASET --out DIR [--steps N]
    accelerate launch examples/trl_grpo.py ...      # several GPUs; add --use-vllm for vLLM generation
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
if (ROOT / "verifiers").is_dir():  # run from a checkout without installing answerkey
    sys.path.insert(0, str(ROOT))

COLUMNS = ("prompt", "answer", "answer_type", "id")


class DatasetError(ValueError):
    """The tasks folder cannot be trained on; the message says why."""


def load_tasks(folder: Path, split: str) -> Any:
    """The split's rows as a ``datasets.Dataset`` with ``prompt`` (messages), ``answer``, ``answer_type``."""
    from datasets import Dataset

    from trainer.data import read_split
    from trainer.errors import TrainerError

    try:
        rows = read_split(folder, split)
    except TrainerError as exc:
        raise DatasetError(str(exc)) from exc
    if not rows:
        raise DatasetError(f"{folder}: split {split!r} has no rows")
    missing = [c for c in ("prompt", "answer") if c not in rows[0]]
    if missing:
        raise DatasetError(
            f"{folder}: GRPO needs column(s) {', '.join(missing)} (columns found: {', '.join(sorted(rows[0]))}); "
            "write the folder with `answerkey build --format trl`"
        )
    tasks = []
    for row in rows:
        prompt = row["prompt"]
        if isinstance(prompt, str):  # the answerkey format: the problem text
            prompt = [{"role": "user", "content": prompt}]
        tasks.append({**{c: row.get(c) for c in COLUMNS}, "prompt": prompt})
    return Dataset.from_list(tasks)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="local causal-LM checkpoint (with its tokenizer)")
    parser.add_argument("--tasks", type=Path, required=True, help="dataset folder: answerkey build --format trl")
    parser.add_argument("--out", type=Path, required=True, help="output folder: checkpoints, final model, metrics")
    parser.add_argument("--steps", type=int, default=500, help="optimizer steps")
    parser.add_argument("--split", default="train")
    parser.add_argument("--num-generations", type=int, default=8, help="completions per prompt (the group)")
    parser.add_argument("--per-device-batch-size", type=int, default=16, help="completions per device per micro-step")
    parser.add_argument("--grad-accum", type=int, default=4, help="gradient accumulation steps")
    parser.add_argument("--max-completion-length", type=int, default=512)
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=1e-6)
    parser.add_argument("--beta", type=float, default=0.0, help="KL coefficient to the reference model")
    parser.add_argument("--loss-type", default="dapo", help="TRL loss: dapo, grpo, dr_grpo, bnpo, ...")
    parser.add_argument("--use-vllm", action="store_true", help="generate with vLLM (colocated; GPU only)")
    parser.add_argument("--logging-steps", type=int, default=10)
    parser.add_argument("--save-steps", type=int, default=100)
    parser.add_argument("--report-to", default="none", help="none, wandb, trackio, tensorboard, ...")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def grpo_config(args: argparse.Namespace, gpu: bool) -> Any:
    """TRL's GRPOConfig from the arguments; on a CPU the settings that work there."""
    from trl import GRPOConfig

    device = (
        {"bf16": True, "gradient_checkpointing": True, "use_vllm": args.use_vllm}
        if gpu
        else {"use_cpu": True, "bf16": False, "gradient_checkpointing": False, "use_vllm": False}
    )
    return GRPOConfig(
        output_dir=str(args.out),
        max_steps=args.steps,
        per_device_train_batch_size=args.per_device_batch_size,
        gradient_accumulation_steps=args.grad_accum,
        num_generations=args.num_generations,
        max_completion_length=args.max_completion_length,
        temperature=args.temperature,
        learning_rate=args.lr,
        beta=args.beta,
        loss_type=args.loss_type,
        logging_steps=args.logging_steps,
        save_steps=args.save_steps,
        report_to=args.report_to,
        seed=args.seed,
        **device,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:  # before the heavy imports: a wrong folder fails in a second
        dataset = load_tasks(args.tasks, args.split)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOTrainer

    from verifiers import reward

    gpu = torch.cuda.is_available()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    if not tokenizer.chat_template:
        print(
            f"error: {args.model}: the tokenizer has no chat template (the prompts are chat messages)", file=sys.stderr
        )
        return 2
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16 if gpu else torch.float32)
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[cast(Any, reward)],  # list[float]; TRL's alias says list[float | None]
        args=grpo_config(args, gpu),
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    trainer.train()
    trainer.save_model(str(args.out))
    if trainer.is_world_process_zero():
        history = trainer.state.log_history
        (args.out / "log_history.json").write_text(json.dumps(history, indent=2) + "\n")
        rewards = [entry["reward"] for entry in history if "reward" in entry]
        if rewards:
            print(
                f"{len(rewards)} logged steps, mean reward {rewards[0]:.3f} -> {rewards[-1]:.3f}; model -> {args.out}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
