"""answerkey's trainer against TRL 1.16 on the same tiny model, tasks and hyperparameters, in one run.

The demo textbook (``pipeline.textbook``: bilingual two-product word problems) is built in the
``trl`` format, so both frameworks read the same rows. A BPE tokenizer and an ``xs`` Llama are made
locally (nothing is downloaded) and pretrained briefly on the textbook's explanations
(``--pretrain-steps``, answerkey's pretrain: the shared start). Then, with the same torch thread
count for both:

1. SFT from the same weights through ``trainer.sft`` and TRL's ``SFTTrainer``, on the same batches
   in the same order: tokens/s (non-pad tokens over the wall time between step ends).
2. The sampler: ``TorchSampler`` (one process) and ``ParallelSampler`` (one process per torch
   thread, what GRPO uses on the CPU) against ``GenerateSampler`` (``model.generate``) on the SFT
   model, the GRPO batch (8 prompts x 8 samples x 40 tokens at T=1): generated tokens/s.
3. GRPO from the same SFT checkpoint (answerkey's) through ``trainer.grpo`` and TRL's
   ``GRPOTrainer`` (CPU settings of trainer-cpu-facts.md, loss ``dapo``, no KL, clip 0.2/0.28,
   constant lr 3e-5), the same prompts at each step, ``verifiers.reward`` as TRL's reward: seconds
   per step (wall time between step ends, so the first step is left out), split into generation,
   reward and the rest. ``--grpo-repeats 2`` runs A B B A against a drifting load.
4. Held-out accuracy (``trainer.evaluate``: greedy and pass@1 at T=1) of the SFT start and of both
   GRPO results after the same number of steps.
5. With ``--profile FILE``: cProfile of answerkey's GRPO steps, seconds per step in each part.

Every figure is measured in this run; ratios are printed, never compared with absolute targets.

    python benchmarks/trainer_vs_trl.py [--steps 30] [--pretrain-steps 300] [--sft-steps 600] [--grpo-repeats 2]
        [--json FILE] [--plot FILE.png] [--profile FILE.prof]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import itertools
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, cast

# Before torch loads: spinning OpenMP threads collapse throughput on a shared CPU (trainer-cpu-facts.md).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
for _var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(_var, "1")  # nothing is downloaded: the model and tokenizer are built here
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyarrow.parquet as pq  # noqa: E402
import torch  # noqa: E402

import trainer.grpo as ak_grpo  # noqa: E402
from pipeline.textbook import Sizes, StyleMix, build_textbook, read_explanations, write_textbook  # noqa: E402
from trainer.chat import encode_prompt  # noqa: E402
from trainer.data import rl_tasks  # noqa: E402
from trainer.evaluate import run_tasks, summarize  # noqa: E402
from trainer.models import build_model, count_parameters, load_model, save_model  # noqa: E402
from trainer.parallel_sampler import ParallelSampler, decode_processes  # noqa: E402
from trainer.pretrain import PretrainConfig, pretrain  # noqa: E402
from trainer.rewards import Rewarder  # noqa: E402
from trainer.runtime import RunDir  # noqa: E402
from trainer.sampler import GenerateSampler, Sampler, SamplingParams, TorchSampler  # noqa: E402
from trainer.sft import SFTConfig, sft  # noqa: E402
from trainer.supervised import batch_indices  # noqa: E402
from trainer.tokenizer import train_tokenizer  # noqa: E402

# The GRPO shape the issue fixes: 8 prompts x 8 samples x 40 tokens, T=1, lr 3e-5 constant, no KL.
PROMPTS, GROUP, MAX_NEW, TEMPERATURE, RL_LR = 8, 8, 40, 1.0, 3e-5
EPS_LOW, EPS_HIGH, GRAD_CLIP, ADAM_BETAS = 0.2, 0.28, 1.0, (0.9, 0.95)
# SFT as answerkey's defaults: batch 64, lr 3e-3, 20 warm-up steps, cosine to a tenth.
SFT_BATCH, SFT_LR, SFT_WARMUP = 64, 3e-3, 20


# ---------------------------------------------------------------------------------------------
# timing helpers
# ---------------------------------------------------------------------------------------------
@dataclass
class StepClock:
    """Wall-clock times at each step's end, and what each step did (tokens, phases)."""

    ends: list[float] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    phases: dict[str, list[float]] = field(default_factory=dict)

    def add(self, phase: str, seconds: float) -> None:
        self.phases.setdefault(phase, []).append(seconds)

    def intervals(self) -> list[float]:
        """Seconds between consecutive step ends: every step but the first (its warm-up excluded)."""
        return [b - a for a, b in itertools.pairwise(self.ends)]


def steady(values: Sequence[float]) -> dict[str, float]:
    """Mean and median of a series, and its length."""
    if not values:
        return {"mean": float("nan"), "median": float("nan"), "n": 0}
    return {"mean": statistics.fmean(values), "median": statistics.median(values), "n": len(values)}


def timed(fn: Callable[..., Any], clock: StepClock, phase: str) -> Callable[..., Any]:
    """``fn`` with its wall time added to ``clock`` under ``phase``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            clock.add(phase, time.perf_counter() - began)

    return wrapper


@contextlib.contextmanager
def patched(owner: Any, name: str, value: Any) -> Iterator[None]:
    """Set ``owner.name`` for the duration (instrumentation only, the modules are not edited)."""
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextlib.contextmanager
def answerkey_clock(clock: StepClock, phases: bool) -> Iterator[None]:
    """Step ends from ``RunDir.log`` (called once per step); with ``phases``, GRPO's reward and update."""
    original_log = RunDir.log

    def log(self: RunDir, metrics: dict) -> None:
        original_log(self, metrics)
        clock.ends.append(time.perf_counter())
        clock.tokens.append(round(metrics["tokens_per_second"] * metrics["seconds"]))
        if "generation_seconds" in metrics:
            clock.add("generation", metrics["generation_seconds"])

    with contextlib.ExitStack() as stack:
        stack.enter_context(patched(RunDir, "log", log))
        if phases:
            stack.enter_context(patched(ak_grpo, "score_groups", timed(ak_grpo.score_groups, clock, "reward")))
            stack.enter_context(patched(ak_grpo, "_update", timed(ak_grpo._update, clock, "update")))
        yield


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------------------------------------
# data and the tiny model
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Data:
    sft: Path  # trl format: sft/ (messages) and data/
    practice: Path  # data/ train split: prompt (messages), answer, answer_type
    test: Path  # data/ test split
    explanations: Path


def make_data(work: Path, seed: int, sizes: Sizes, mix: StyleMix) -> Data:
    """The textbook, written and built in the trl format."""
    files = write_textbook(work / "textbook", seed=seed, sizes=sizes, mix=mix)
    built = build_textbook(files, work / "datasets", fmt="trl")
    return Data(built.sft, built.practice, built.test, files.explanations)


def parquet_rows(folder: Path, split: str) -> list[dict]:
    rows: list[dict] = []
    for path in sorted(folder.glob(f"{split}-*.parquet")):
        rows.extend(pq.read_table(path).to_pylist())
    return rows


def make_initial_model(data: Data, out: Path, seed: int) -> int:
    """A BPE tokenizer on the textbook and a fresh xs Llama, saved to ``out``; returns its parameter count."""
    texts = list(read_explanations(data.explanations))
    for row in parquet_rows(data.sft / "sft", "train"):
        texts.extend(m["content"] for m in row["messages"])
    tokenizer = train_tokenizer(texts)
    torch.manual_seed(seed)
    model = build_model("xs", tokenizer)
    save_model(model, tokenizer, out)
    return count_parameters(model)


# ---------------------------------------------------------------------------------------------
# SFT
# ---------------------------------------------------------------------------------------------
def answerkey_sft(init: Path, data: Data, out: Path, steps: int, seed: int) -> dict:
    clock = StepClock()
    with answerkey_clock(clock, phases=False):
        history = sft(
            SFTConfig(
                model=str(init),
                data=str(data.sft),
                out=str(out),
                steps=steps,
                batch_size=SFT_BATCH,
                lr=SFT_LR,
                warmup=SFT_WARMUP,
                seed=seed,
                save_every=steps,
                progress=False,
            )
        )
    return sft_figures(clock, [h["loss"] for h in history])


def trl_sft(init: Path, data: Data, out: Path, steps: int, seed: int) -> dict:
    """TRL's SFTTrainer on the same conversations in answerkey's batch order (no shuffling)."""
    from datasets import Dataset
    from torch.utils.data import SequentialSampler
    from transformers import AutoModelForCausalLM, AutoTokenizer, PrinterCallback, TrainerCallback
    from trl import SFTConfig as TRLSFTConfig
    from trl import SFTTrainer

    rows = parquet_rows(data.sft / "sft", "train")
    order = [i for step in range(steps) for i in batch_indices(len(rows), SFT_BATCH, step, seed)]
    dataset = Dataset.from_list([{"messages": rows[i]["messages"]} for i in order])
    clock = StepClock()
    pending = [0]

    class Counted(SFTTrainer):
        def _get_train_sampler(self, dataset: Any = None) -> Any:
            return SequentialSampler(cast(Sized, dataset if dataset is not None else self.train_dataset))

        def training_step(self, model: Any, inputs: Any, num_items_in_batch: Any = None) -> torch.Tensor:
            if "attention_mask" in inputs:
                pending[0] += int(inputs["attention_mask"].sum())
            else:
                pending[0] += int((inputs["input_ids"] != pad_id).sum())
            return super().training_step(model, inputs, num_items_in_batch)

    class Clock(TrainerCallback):
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            clock.ends.append(time.perf_counter())
            clock.tokens.append(pending[0])
            pending[0] = 0

    config = TRLSFTConfig(
        output_dir=str(out),
        use_cpu=True,
        bf16=False,
        gradient_checkpointing=False,
        per_device_train_batch_size=SFT_BATCH,
        max_steps=steps,
        learning_rate=SFT_LR,
        lr_scheduler_type="cosine_with_min_lr",
        lr_scheduler_kwargs={"min_lr_rate": 0.1},
        warmup_steps=SFT_WARMUP,
        adam_beta1=ADAM_BETAS[0],
        adam_beta2=ADAM_BETAS[1],
        weight_decay=0.0,
        max_grad_norm=GRAD_CLIP,
        assistant_only_loss=True,
        packing=False,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        seed=seed,
        dataloader_num_workers=0,
    )
    model = AutoModelForCausalLM.from_pretrained(init, local_files_only=True, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(init, local_files_only=True)
    pad_id = tokenizer.pad_token_id
    began = time.perf_counter()
    run = Counted(model=model, args=config, train_dataset=dataset, processing_class=tokenizer, callbacks=[Clock()])
    run.remove_callback(PrinterCallback)  # no log dict printed per step
    setup = time.perf_counter() - began
    run.train()
    run.save_model(str(out))
    losses = [float(r["loss"]) for r in run.state.log_history if "loss" in r]
    return {**sft_figures(clock, losses), "setup_seconds": round(setup, 2)}


def sft_figures(clock: StepClock, losses: list[float]) -> dict:
    intervals = clock.intervals()
    tokens = clock.tokens[1:]
    return {
        "steps": len(clock.ends),
        "tokens_per_second": sum(tokens) / sum(intervals) if intervals else float("nan"),
        "tokens_per_step": statistics.fmean(clock.tokens) if clock.tokens else 0.0,
        "seconds_per_step": steady(intervals),
        "loss_first": losses[0] if losses else None,
        "loss_last": statistics.fmean(losses[-10:]) if losses else None,
        "losses": losses,
    }


# ---------------------------------------------------------------------------------------------
# the sampler against model.generate
# ---------------------------------------------------------------------------------------------
def sampler_speed(model_dir: Path, data: Data, repeats: int, seed: int) -> dict:
    """Generated tokens/s of both samplers on the GRPO batch, alternating, after one warm-up each."""
    model, tokenizer = load_model(model_dir)
    tasks = rl_tasks(data.practice)
    prompts = [encode_prompt(tokenizer, tasks[i].prompt) for i in batch_indices(len(tasks), PROMPTS, 0, seed)]
    params = SamplingParams(max_new_tokens=MAX_NEW, temperature=TEMPERATURE)
    processes = max(2, decode_processes(model))
    with ParallelSampler(model, tokenizer, processes) as parallel:
        samplers: dict[str, Sampler] = {
            "torch_sampler": TorchSampler(model, tokenizer),
            "parallel_sampler": parallel,
            "generate": GenerateSampler(model, tokenizer),
        }
        results: dict[str, dict[str, list[float]]] = {name: {"seconds": [], "tokens": []} for name in samplers}
        for round_ in range(repeats + 1):
            for name, sampler in samplers.items():
                generator = torch.Generator().manual_seed(seed + round_)
                began = time.perf_counter()
                groups = sampler.sample(prompts, GROUP, params, generator)
                seconds = time.perf_counter() - began
                if round_:  # round 0 warms up (and starts the parallel sampler's workers)
                    results[name]["seconds"].append(seconds)
                    results[name]["tokens"].append(sum(len(c.ids) for g in groups for c in g))
    speeds: dict[str, Any] = {
        name: {
            "tokens_per_second": sum(r["tokens"]) / sum(r["seconds"]),
            "seconds_per_batch": statistics.median(r["seconds"]),
            "tokens_per_batch": statistics.fmean(r["tokens"]),
        }
        for name, r in results.items()
    }
    return {**speeds, "parallel_processes": processes}


# ---------------------------------------------------------------------------------------------
# GRPO
# ---------------------------------------------------------------------------------------------
def answerkey_grpo(start: Path, data: Data, out: Path, steps: int, seed: int) -> dict:
    clock = StepClock()
    config = ak_grpo.RLConfig(
        model=str(start),
        tasks=str(data.practice),
        out=str(out),
        steps=steps,
        prompts_per_step=PROMPTS,
        group_size=GROUP,
        max_new_tokens=MAX_NEW,
        temperature=TEMPERATURE,
        lr=RL_LR,
        beta=0.0,
        seed=seed,
        epsilon_low=EPS_LOW,
        epsilon_high=EPS_HIGH,
        grad_clip=GRAD_CLIP,
        save_every=steps,
        progress=False,
    )
    with answerkey_clock(clock, phases=True):
        history = ak_grpo.grpo(config)
    return grpo_figures(
        clock,
        rewards=[h["reward_mean"] for h in history],
        lengths=[h["completion_length"] for h in history],
        zero_variance=[h["zero_variance_groups"] / PROMPTS for h in history],
    )


def trl_grpo(start: Path, data: Data, out: Path, steps: int, seed: int) -> dict:
    """TRL's GRPOTrainer with answerkey's reward, on answerkey's prompts in answerkey's order."""
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer, PrinterCallback, TrainerCallback
    from trl import GRPOConfig, GRPOTrainer

    from verifiers import reward

    rows = parquet_rows(data.practice / "data", "train")
    order = [i for step in range(steps) for i in batch_indices(len(rows), PROMPTS, step, seed)]
    dataset = Dataset.from_list([rows[i] for i in order])
    clock = StepClock()

    class Timed(GRPOTrainer):
        def _generate(self, prompts: list) -> Any:
            return timed(super()._generate, clock, "generation")(prompts)

        def _calculate_rewards(self, *args: Any) -> Any:
            return timed(super()._calculate_rewards, clock, "reward")(*args)

        def _generate_and_score_completions(self, *args: Any) -> Any:
            return timed(super()._generate_and_score_completions, clock, "rollout")(*args)

    class Clock(TrainerCallback):
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            clock.ends.append(time.perf_counter())

    config = GRPOConfig(
        output_dir=str(out),
        # the settings that run on CPU (trainer-cpu-facts.md)
        use_cpu=True,
        bf16=False,
        gradient_checkpointing=False,
        use_vllm=False,
        per_device_train_batch_size=PROMPTS * GROUP,
        num_generations=GROUP,
        max_completion_length=MAX_NEW,
        temperature=TEMPERATURE,
        learning_rate=RL_LR,
        lr_scheduler_type="constant",
        beta=0.0,
        loss_type="dapo",
        report_to="none",
        # answerkey's values for the rest
        epsilon=EPS_LOW,
        epsilon_high=EPS_HIGH,
        max_grad_norm=GRAD_CLIP,
        adam_beta1=ADAM_BETAS[0],
        adam_beta2=ADAM_BETAS[1],
        weight_decay=0.0,
        scale_rewards="group",
        num_iterations=1,
        max_steps=steps,
        shuffle_dataset=False,  # the dataset is already in answerkey's order
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        seed=seed,
        dataloader_num_workers=0,
    )
    model = AutoModelForCausalLM.from_pretrained(start, local_files_only=True, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(start, local_files_only=True)
    run = Timed(
        model=model,
        reward_funcs=[cast(Any, reward)],  # returns list[float]; TRL's alias says list[float | None]
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=[Clock()],
    )
    run.remove_callback(PrinterCallback)
    run.train()
    run.save_model(str(out))
    logs = [r for r in run.state.log_history if "reward" in r]
    figures = grpo_figures(
        clock,
        rewards=[float(r["reward"]) for r in logs],
        lengths=[float(r.get("completions/mean_length", 0.0)) for r in logs],
        zero_variance=[float(r.get("frac_reward_zero_std", 0.0)) for r in logs],
    )
    return figures


def grpo_figures(clock: StepClock, rewards: list[float], lengths: list[float], zero_variance: list[float]) -> dict:
    intervals = clock.intervals()
    phases = {name: steady(values[1:]) for name, values in clock.phases.items()}
    return {
        "steps": len(clock.ends),
        "seconds_per_step": steady(intervals),
        "phases": phases,
        "rewards": rewards,
        "completion_length": steady(lengths),
        "zero_variance_fraction": steady(zero_variance),
        "intervals": intervals,
        "phase_values": {name: values[1:] for name, values in clock.phases.items()},
    }


def pooled(results: list[dict]) -> dict:
    """The first run's figures (its model is the one evaluated), with the step times of every run pooled."""
    first = dict(results[0])
    if len(results) > 1:
        intervals = [x for r in results for x in r["intervals"]]
        first["seconds_per_step"] = steady(intervals)
        first["phases"] = {
            phase: steady([x for r in results for x in r["phase_values"].get(phase, [])]) for phase in first["phases"]
        }
        first["runs_median_seconds_per_step"] = [r["seconds_per_step"]["median"] for r in results]
    return first


# ---------------------------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------------------------
def evaluate(model_dir: Path, data: Data, k: int, seed: int, rewarder: Rewarder) -> dict:
    model, tokenizer = load_model(model_dir)
    tasks = rl_tasks(data.test, "test")
    results = run_tasks(model, tokenizer, tasks, rewarder, k, TEMPERATURE, 64, seed=seed, progress=False)
    summary = summarize(results, k, TEMPERATURE)
    return {key: summary[key] for key in ("n", "k", "greedy_accuracy", "pass_at_1", "pass_at_k", "mean_reward")}


# ---------------------------------------------------------------------------------------------
# profile of answerkey's GRPO step
# ---------------------------------------------------------------------------------------------
# (label, file suffix, function, the caller it is counted under or None for all calls, self time only)
PROFILED = [
    ("generation: this process's shard (sample_seeded)", "trainer/sampler.py", "sample_seeded", None, False),
    ("  model forward, prefill + decode steps", "torch/nn/modules/module.py", "_wrapped_call_impl", "_decode", False),
    ("  static decode steps (StaticDecoder.step)", "trainer/static_decode.py", "step", None, False),
    ("  static cache load/select", "trainer/static_decode.py", "load", None, False),
    ("", "trainer/static_decode.py", "select", None, False),
    ("  pick_tokens (softmax, multinomial)", "trainer/sampler.py", "pick_tokens", None, False),
    ("  cache repeat/select rows", "cache_utils.py", "batch_select_indices", None, False),
    ("", "cache_utils.py", "batch_repeat_interleave", None, False),
    ("  tokenizer.decode of the completions", "tokenization_utils_base.py", "decode", "sample_seeded", False),
    ("  _decode's own Python (bookkeeping)", "trainer/sampler.py", "_decode", None, True),
    ("reward: score_groups (verifier pool)", "trainer/grpo.py", "score_groups", None, False),
    ("update: _update", "trainer/grpo.py", "_update", None, False),
    ("  token_logprobs (forward, log_softmax, entropy)", "trainer/grpo.py", "token_logprobs", None, False),
    ("  loss.backward()", "torch/_tensor.py", "backward", "_update", False),
    ("  optimizer.step()", "torch/optim/optimizer.py", "wrapper", "_update", False),
    ("", "torch/optim/lr_scheduler.py", "wrapper", "_update", False),  # step() as the scheduler patches it
    ("  clip_grad_norm_", "torch/nn/utils/clip_grad.py", "_no_grad_wrapper", "_update", False),
    ("  sequences (batch building)", "trainer/grpo.py", "sequences", None, False),
    ("logging: metrics and rollouts.jsonl", "trainer/runtime.py", "log", None, False),
    ("", "trainer/runtime.py", "append", None, False),
    ("", "trainer/grpo.py", "rollout_record", None, False),
]
KV_UPDATE = ("cache_utils.py", "update")  # DynamicLayer.update: torch.cat of the new keys/values per layer and step


def profile_grpo(start: Path, data: Data, out: Path, steps: int, seed: int, path: Path) -> dict:
    """cProfile of answerkey's GRPO steps 2..``steps`` (setup and the first step left out): seconds per step
    in each part, and the functions with the most self time."""
    config = ak_grpo.RLConfig(
        model=str(start),
        tasks=str(data.practice),
        out=str(out),
        steps=steps,
        prompts_per_step=PROMPTS,
        group_size=GROUP,
        max_new_tokens=MAX_NEW,
        temperature=TEMPERATURE,
        lr=RL_LR,
        seed=seed,
        save_every=10**9,
        progress=False,
    )
    profiler = cProfile.Profile()
    calls = {"sample": 0, "log": 0}
    window: dict[str, float] = {}
    original_sample, original_log = TorchSampler.sample_seeded, RunDir.log

    def sample(self: TorchSampler, *args: Any, **kwargs: Any) -> Any:
        calls["sample"] += 1
        if calls["sample"] == 2:
            window["began"] = time.perf_counter()
            profiler.enable()
        return original_sample(self, *args, **kwargs)

    def log(self: RunDir, metrics: dict) -> None:
        original_log(self, metrics)
        calls["log"] += 1
        if calls["log"] == steps:
            profiler.disable()
            window["ended"] = time.perf_counter()

    with patched(TorchSampler, "sample_seeded", sample), patched(RunDir, "log", log):
        history = ak_grpo.grpo(config)
    profiled = steps - 1
    profiler.dump_stats(str(path))
    stats: dict = pstats.Stats(profiler).stats  # type: ignore[attr-defined]  # {(file, line, name): (cc, nc, tt, ct, callers)}

    def seconds(file: str, name: str, caller: str | None, own: bool) -> float:
        total = 0.0
        for (f, _line, n), (_cc, _nc, tt, ct, callers) in stats.items():
            if f.endswith(file) and n == name:
                if caller is None:
                    total += tt if own else ct
                else:
                    total += sum(c[3] for (_f, _l, cn), c in callers.items() if cn == caller)
        return total / profiled

    breakdown: dict[str, float] = {}
    label = ""
    for name, file, function, caller, own in PROFILED:
        label = name or label
        breakdown[label] = breakdown.get(label, 0.0) + seconds(file, function, caller, own)
    step = (window["ended"] - window["began"]) / profiled
    breakdown["other (the rest of the step)"] = step - sum(v for k, v in breakdown.items() if not k.startswith(" "))
    by_self_time = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)
    return {
        "steps_profiled": profiled,
        "profiled_seconds_per_step": step,
        "trained_samples_per_step": steady([h["trained_samples"] for h in history[1:]]),
        "breakdown_seconds_per_step": breakdown,
        "kv_cache_update_seconds_per_step": seconds(*KV_UPDATE, None, False),
        "self_time_seconds_per_step": {
            f"{Path(f).name}:{line}({n})": tt / profiled for (f, line, n), (_c, _n, tt, *_r) in by_self_time[:15]
        },
        "pstats": str(path),
    }


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------
def ratio(fast: float, slow: float) -> float:
    return slow / fast if fast else float("nan")


def report(figures: dict) -> list[str]:
    sft_a, sft_t = figures["sft"]["answerkey"], figures["sft"]["trl"]
    gen = figures["sampler"]
    rl_a, rl_t = figures["grpo"]["answerkey"], figures["grpo"]["trl"]
    ev = figures["eval"]
    tps_ratio = sft_a["tokens_per_second"] / sft_t["tokens_per_second"]
    step_a, step_t = rl_a["seconds_per_step"]["median"], rl_t["seconds_per_step"]["median"]
    grpo_ratio = ratio(step_a, step_t)
    sampler_ratio = gen["torch_sampler"]["tokens_per_second"] / gen["generate"]["tokens_per_second"]
    parallel_ratio = gen["parallel_sampler"]["tokens_per_second"] / gen["generate"]["tokens_per_second"]
    faster = "faster" if grpo_ratio >= 1 else "slower"
    lines = [
        f"setup: xs Llama {figures['parameters']:,} parameters, {figures['threads']} torch thread(s), "
        f"load {figures['load']['start']} at the start",
        f"SFT tokens/s: answerkey {sft_a['tokens_per_second']:,.0f}, TRL {sft_t['tokens_per_second']:,.0f} "
        f"-> {tps_ratio:.2f}x ({sft_a['steps']} steps of {SFT_BATCH}; {sft_a['tokens_per_step']:.0f} vs "
        f"{sft_t['tokens_per_step']:.0f} tokens/step; final loss {sft_a['loss_last']:.3f} vs {sft_t['loss_last']:.3f})",
        f"sampler tokens/s ({PROMPTS} prompts x {GROUP} samples x {MAX_NEW} tokens, T={TEMPERATURE}): "
        f"TorchSampler {gen['torch_sampler']['tokens_per_second']:,.0f}, model.generate "
        f"{gen['generate']['tokens_per_second']:,.0f} -> {sampler_ratio:.2f}x; ParallelSampler "
        f"({gen['parallel_processes']} processes) {gen['parallel_sampler']['tokens_per_second']:,.0f} -> "
        f"{parallel_ratio:.2f}x",
        f"GRPO s/step: answerkey {step_a:.2f}, TRL {step_t:.2f} -> {grpo_ratio:.2f}x {faster} "
        f"(median of {rl_a['seconds_per_step']['n']} steps; means {rl_a['seconds_per_step']['mean']:.2f} vs "
        f"{rl_t['seconds_per_step']['mean']:.2f})",
    ]
    for name, rl in (("answerkey", rl_a), ("TRL", rl_t)):
        parts = ", ".join(f"{phase} {v['median']:.3f}" for phase, v in rl["phases"].items())
        lines.append(
            f"  {name:9} per step (median s): {parts}; completion {rl['completion_length']['mean']:.1f} tokens, "
            f"reward {rl['rewards'][0]:.2f} -> {statistics.fmean(rl['rewards'][-5:]):.2f} (last 5)"
        )
    lines.append(f"held-out accuracy ({ev['start']['n']} test tasks, greedy / pass@1 at T={TEMPERATURE}):")
    for name in ("start", "answerkey", "trl", "trl_sft"):
        if name in ev:
            e = ev[name]
            gain = ""
            if name in ("answerkey", "trl"):
                gain = (
                    f"  (gain {100 * (e['greedy_accuracy'] - ev['start']['greedy_accuracy']):+.1f} / "
                    f"{100 * (e['pass_at_1'] - ev['start']['pass_at_1']):+.1f} points)"
                )
            label = {
                "start": "SFT start (answerkey SFT)",
                "answerkey": f"answerkey GRPO {rl_a['steps']} steps",
                "trl": f"TRL GRPO {rl_t['steps']} steps",
                "trl_sft": "TRL SFT (not the RL start)",
            }[name]
            lines.append(f"  {label:28} {e['greedy_accuracy']:6.1%} / {e['pass_at_1']:6.1%}{gain}")
    lines.append(f"load average: start {figures['load']['start']}, end {figures['load']['end']}")
    return lines


def profile_report(prof: dict, unprofiled: float) -> list[str]:
    lines = [
        f"profile of answerkey's GRPO step (cProfile, steps 2-{prof['steps_profiled'] + 1}): "
        f"{prof['profiled_seconds_per_step']:.3f} s/step profiled ({unprofiled:.3f} unprofiled in the run above); "
        f"{prof['trained_samples_per_step']['mean']:.0f} of {PROMPTS * GROUP} samples trained per step"
    ]
    step = prof["profiled_seconds_per_step"]
    for label, value in prof["breakdown_seconds_per_step"].items():
        if label.startswith(" ") and value < 0.0005:
            continue  # a part this code has no call of (another sampler version)
        lines.append(f"  {label:50} {value:7.3f} s/step {100 * value / step:5.1f}%")
    kv = prof["kv_cache_update_seconds_per_step"]
    lines.append(f"  {'KV-cache torch.cat (DynamicLayer.update), all forwards':50} {kv:7.3f} s/step")
    lines.append(
        "  most self time (s/step): "
        + "; ".join(f"{name} {value:.3f}" for name, value in list(prof["self_time_seconds_per_step"].items())[:10])
    )
    return lines


def plot(figures: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(18, 4))
    rl = figures["grpo"]
    ax = axes[0]
    for name, color in (("answerkey", "tab:blue"), ("trl", "tab:orange")):
        rewards = rl[name]["rewards"]
        ax.plot(range(1, len(rewards) + 1), rewards, color=color, label=name, linewidth=1.2)
    ax.set(title="GRPO mean reward per step", xlabel="step", ylabel="reward")
    ax.legend()
    ax.grid(alpha=0.3)

    ax = axes[1]
    phases = ["generation", "reward", "other"]
    colors = {"generation": "tab:green", "reward": "tab:purple", "other": "tab:gray"}
    for x, name in enumerate(("answerkey", "trl")):
        total = rl[name]["seconds_per_step"]["median"]
        gen = rl[name]["phases"].get("generation", {}).get("median", 0.0)
        rew = rl[name]["phases"].get("reward", {}).get("median", 0.0)
        bottom = 0.0
        for phase, value in zip(phases, (gen, rew, max(0.0, total - gen - rew)), strict=True):
            ax.bar(x, value, bottom=bottom, color=colors[phase], label=phase if x == 0 else None)
            bottom += value
        ax.text(x, total, f"{total:.2f}", ha="center", va="bottom")
    ax.set_xticks([0, 1], ["answerkey", "TRL"])
    ax.set(title="GRPO seconds per step (median)", ylabel="s")
    ax.legend()

    ax = axes[2]
    for name, color in (("answerkey", "tab:blue"), ("trl", "tab:orange")):
        losses = figures["sft"][name]["losses"]
        ax.plot(range(1, len(losses) + 1), losses, color=color, label=name, linewidth=1.0)
    ax.set(title="SFT loss", xlabel="step", yscale="log")
    ax.legend()
    ax.grid(alpha=0.3)

    ax = axes[3]
    labels = ["SFT\nanswerkey", "SFT\nTRL", "sampler\nTorch", "sampler\nParallel", "sampler\ngenerate"]
    values = [
        figures["sft"]["answerkey"]["tokens_per_second"],
        figures["sft"]["trl"]["tokens_per_second"],
        figures["sampler"]["torch_sampler"]["tokens_per_second"],
        figures["sampler"]["parallel_sampler"]["tokens_per_second"],
        figures["sampler"]["generate"]["tokens_per_second"],
    ]
    ax.bar(range(5), values, color=["tab:blue", "tab:orange", "tab:blue", "tab:blue", "tab:orange"])
    ax.set_xticks(range(5), labels)
    ax.set(title="tokens / s", ylabel="tokens/s")
    fig.suptitle(f"answerkey vs TRL {figures['versions'].get('trl', '')}, xs model, {figures['threads']} thread(s)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def versions() -> dict[str, str]:
    found = {}
    for name in ("torch", "transformers", "trl", "accelerate", "datasets"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def code_state() -> dict:
    """Which code was measured: the commit, and a hash of trainer/ as it is in the working tree."""
    import hashlib
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    digest = hashlib.sha256()
    for path in sorted((ROOT / "trainer").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return {
        "commit": git("rev-parse", "HEAD"),
        "trainer_modified": git("status", "--porcelain", "--", "trainer").splitlines(),
        "trainer_sha256": digest.hexdigest(),
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="GRPO steps for each framework")
    parser.add_argument("--sft-steps", type=int, default=600, help="SFT steps for each framework")
    parser.add_argument("--pretrain-steps", type=int, default=300, help="pretraining on the explanations (0: none)")
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1), help="torch threads (both)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--explanations", type=int, default=2000, help="pretraining passages in the textbook")
    parser.add_argument("--worked", type=int, default=4000, help="SFT examples in the textbook")
    parser.add_argument("--practice", type=int, default=2000, help="RL practice problems")
    parser.add_argument("--test", type=int, default=200, help="held-out test problems")
    parser.add_argument(
        "--style-mix",
        default="0.5,0.3,0.1,0.1,0.1",
        help="shares of the worked solutions' styles steps,equation,prose,leap and of slips: fewer leaps than "
        "the demo's 0.3,0.2,0.2,0.3,0.1, so a few hundred SFT steps leave a model that gets some right (GRPO needs "
        "groups with unequal rewards)",
    )
    parser.add_argument("-k", type=int, default=8, help="samples per test task for pass@1")
    parser.add_argument("--sampler-repeats", type=int, default=5)
    parser.add_argument(
        "--grpo-repeats", type=int, default=2, help="GRPO runs per framework, in alternating order (timing only)"
    )
    parser.add_argument("--no-trl-sft-eval", action="store_true", help="skip evaluating TRL's SFT model")
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    parser.add_argument("--plot", type=Path, default=None, help="write a PNG of the curves and bars here")
    parser.add_argument("--profile", type=Path, default=None, help="also cProfile answerkey's GRPO into this file")
    parser.add_argument("--profile-steps", type=int, default=10)
    parser.add_argument("--work", type=Path, default=None, help="keep the run folders here (default: a temp dir)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    warnings.filterwarnings("ignore")
    from datasets.utils.logging import disable_progress_bar
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    disable_progress_bar()
    torch.set_num_threads(args.threads)
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="trainer_vs_trl-")))
        work.mkdir(parents=True, exist_ok=True)
        figures: dict[str, Any] = {"threads": args.threads, "versions": versions(), "load": {"start": load()}}
        figures["code"] = code_state()
        figures["args"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        seconds: dict[str, float] = {}

        def stage(name: str) -> None:
            seconds[name] = time.perf_counter()
            figures["load"][name] = load()
            torch.set_num_threads(args.threads)  # the same for every stage, whatever a library set
            print(f"[{time.strftime('%H:%M:%S')}] {name} (load {figures['load'][name]})", flush=True)

        stage("data")
        sizes = Sizes(args.explanations, args.worked, args.practice, args.test)
        data = make_data(work, args.seed, sizes, StyleMix(*(float(x) for x in args.style_mix.split(","))))
        init = work / "init"
        figures["parameters"] = make_initial_model(data, init, args.seed)
        if args.pretrain_steps:
            stage("pretrain")
            pretrain(
                PretrainConfig(
                    corpus=[str(data.explanations)],
                    out=str(work / "pretrain"),
                    size=None,
                    model=str(init),
                    steps=args.pretrain_steps,
                    seed=args.seed,
                    progress=False,
                )
            )
            init = work / "pretrain"
        stage("sft answerkey")
        figures["sft"] = {"answerkey": answerkey_sft(init, data, work / "sft-answerkey", args.sft_steps, args.seed)}
        stage("sft trl")
        figures["sft"]["trl"] = trl_sft(init, data, work / "sft-trl", args.sft_steps, args.seed)
        start = work / "sft-answerkey"
        stage("sampler")
        figures["sampler"] = sampler_speed(start, data, args.sampler_repeats, args.seed)
        runs: dict[str, list[dict]] = {"answerkey": [], "trl": []}
        for repeat in range(args.grpo_repeats):  # A B, then B A, ...: a drifting load hits both alike
            order = ["answerkey", "trl"] if repeat % 2 == 0 else ["trl", "answerkey"]
            for name in order:
                stage(f"grpo {name} {repeat + 1}")
                run = answerkey_grpo if name == "answerkey" else trl_grpo
                runs[name].append(run(start, data, work / f"grpo-{name}-{repeat + 1}", args.steps, args.seed))
        figures["grpo"] = {name: pooled(results) for name, results in runs.items()}
        stage("eval")
        with Rewarder(workers=2) as rewarder:
            figures["eval"] = {
                name: evaluate(folder, data, args.k, args.seed, rewarder)
                for name, folder in (
                    ("start", start),
                    ("answerkey", work / "grpo-answerkey-1"),
                    ("trl", work / "grpo-trl-1"),
                    *([] if args.no_trl_sft_eval else [("trl_sft", work / "sft-trl")]),
                )
            }
        if args.profile:
            stage("profile")
            figures["profile"] = profile_grpo(
                start, data, work / "grpo-profile", args.profile_steps, args.seed, args.profile
            )
        stage("end")
        names = list(seconds)
        figures["stage_seconds"] = {a: round(seconds[b] - seconds[a], 1) for a, b in itertools.pairwise(names)}
        lines = report(figures)
        print("\n".join(lines))
        if "profile" in figures:
            prof = figures["profile"]
            print("\n".join(profile_report(prof, figures["grpo"]["answerkey"]["seconds_per_step"]["median"])))
        figures["report"] = lines
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
            print(f"-> {args.json}")
        if args.plot:
            plot(figures, args.plot)
            print(f"-> {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
