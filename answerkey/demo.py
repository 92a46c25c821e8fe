"""``answerkey demo``: how an assistant is taught, end to end on a CPU, measured at every stage.

1. A seeded bilingual textbook (``pipeline.textbook``): explanations, worked examples written the
   way a pool of annotators writes them (steps, equations, prose, leaps, slips), practice problems
   with the answer key, and a held-out test; each part built into a dataset version.
2. The embedded Argilla starts (in a child process, while the rest goes on); a sample of the
   practice problems (exercise template) and of the SFT prompts (sft template) is pushed.
3. A tiny model is trained from scratch: pretrain on the explanations, SFT on the worked
   examples, RL on the practice problems (GRPO, or rejection sampling with ``--algo rft``), each
   stage evaluated on the held-out test by the verifiers.
4. The SFT model drafts responses for the pushed prompts, logged as suggestions for annotators.
5. A table, ``report.md`` with plots and ``report.json``.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

# On a shared CPU, spinning OpenMP threads collapse throughput (trainer-cpu-facts); set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@dataclass(frozen=True)
class Plan:
    """How big each part of the demo is; ``QUICK`` runs the same code on less of everything."""

    pretrain_steps: int = 300
    sft_steps: int = 400
    rl_steps: int = 150
    rft_rounds: int = 2
    rft_steps: int = 120
    rft_group_size: int = 4
    eval_k: int = 8
    max_new_tokens: int = 48
    pushed: int = 20
    drafts: int = 8
    quick: bool = False


FULL = Plan()
QUICK = Plan(
    pretrain_steps=30,
    sft_steps=100,
    rl_steps=12,
    rft_rounds=1,
    rft_steps=30,
    rft_group_size=4,
    pushed=6,
    drafts=3,
    quick=True,
)


@dataclass(frozen=True)
class StageResult:
    """One stage's figures on the held-out test (``accuracy`` is greedy; the others sample at T=1)."""

    name: str
    accuracy: float
    sampled_accuracy: float
    pass_at_8: float
    mean_reward: float
    seconds: float
    styles: dict[str, float] = field(default_factory=dict)


@dataclass
class DemoConfig:
    out: Path = Path("runs/demo")
    seed: int = 0
    quick: bool = False
    with_ui: bool = False
    algo: str = "grpo"
    progress: bool = True

    @property
    def plan(self) -> Plan:
        return QUICK if self.quick else FULL


def run_demo(config: DemoConfig, echo: Callable[[str], None] = click.echo) -> dict:
    """Run the whole story; returns what ``report.json`` holds."""
    from transformers.utils import logging as hf_logging

    from answerkey.demo_annotation import log_drafts, push_samples, start_argilla
    from answerkey.demo_report import write_report
    from pipeline.textbook import Sizes, build_textbook, write_textbook

    hf_logging.disable_progress_bar()
    began = time.perf_counter()
    out, plan = config.out, config.plan
    out.mkdir(parents=True, exist_ok=True)
    server = start_argilla(out / "argilla")  # starts while the textbook is written and built
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated demo still stops its server (finally below)
    try:
        echo(f"1. the textbook (seed {config.seed}) -> {out / 'textbook'}, built into {out / 'data'}")
        files = write_textbook(out / "textbook", config.seed, Sizes.quick() if plan.quick else Sizes())
        built = build_textbook(files, out / "data")
        counts = {name: m["counts"]["kept"] for name, m in built.manifests.items()}
        echo(
            f"   kept: {counts['sft']} worked examples, {counts['practice']} practice problems, "
            f"{counts['test']} held-out test problems"
        )

        server.wait_ready()
        echo(f"2. Argilla at {server.url}: pushing practice problems and SFT prompts")
        pushed = push_samples(
            server,
            _rows(built.practice, plan.pushed, "problem", "answer"),
            _rows(built.sft, plan.pushed, "prompt"),
            out / "argilla-samples",
        )
        echo(f"   pushed {pushed['exercises']} exercises and {pushed['sft_prompts']} SFT prompts")

        echo("3. training a tiny model from scratch: pretrain -> SFT -> RL")
        stages = _train(config, files.explanations, built.sft, built.practice, built.test, echo)

        echo("4. the SFT model drafts responses for the pushed prompts (suggestions in Argilla)")
        drafts = log_drafts(server, out / "models" / "sft", plan.drafts, plan.max_new_tokens)
        for d in drafts[:3]:
            echo(f"   {_short(d['prompt'], 60)} -> {_short(d['draft'], 60)}")
        report = {
            "stages": [asdict(s) for s in stages],
            "n_test": counts["test"],
            "seed": config.seed,
            "algo": config.algo,
            "quick": plan.quick,
            "plan": asdict(plan),
            "data": counts,
            "annotation": {"url": server.url, **pushed, "drafts": drafts},
            "seconds": round(time.perf_counter() - began, 1),
        }
        write_report(out, report)
        echo("5. results on the held-out test\n")
        echo(format_table(stages))
        echo(f"\nreport: {out / 'report.md'} (and report.json); total {report['seconds']:.0f} s")
        if config.with_ui:
            _keep_serving(server, echo)
    finally:
        server.stop()
    return report


def _train(
    config: DemoConfig, corpus: Path, sft_data: Path, practice: Path, test: Path, echo: Callable[[str], None]
) -> list[StageResult]:
    """The three stages, each followed by an evaluation on the held-out test."""
    from trainer.grpo import RLConfig, grpo
    from trainer.pretrain import PretrainConfig, pretrain
    from trainer.rft import rft
    from trainer.sft import SFTConfig, sft

    plan, models, seed = config.plan, config.out / "models", config.seed
    results = []
    timed = _Timer()
    with timed:
        pretrain(
            PretrainConfig(
                corpus=[str(corpus)],
                out=str(models / "pretrain"),
                size="xs",
                steps=plan.pretrain_steps,
                seed=seed,
                progress=config.progress,
            )
        )
    results.append(_evaluate("pretrain", models / "pretrain", test, config, timed.seconds, echo))
    with timed:
        sft(
            SFTConfig(
                model=str(models / "pretrain"),
                data=str(sft_data),
                out=str(models / "sft"),
                steps=plan.sft_steps,
                seed=seed,
                progress=config.progress,
            )
        )
    results.append(_evaluate("sft", models / "sft", test, config, timed.seconds, echo))
    rl = RLConfig(
        model=str(models / "sft"),
        tasks=str(practice),
        out=str(models / "rl"),
        algo=config.algo,
        steps=plan.rl_steps,
        max_new_tokens=plan.max_new_tokens,
        seed=seed,
        progress=config.progress,
        rounds=plan.rft_rounds,
        rft_steps=plan.rft_steps,
        select="all",
    )
    if config.algo == "rft":
        rl.group_size, rl.prompts_per_step = plan.rft_group_size, 32
    with timed:
        (grpo if config.algo == "grpo" else rft)(rl)
    results.append(_evaluate("rl", models / "rl", test, config, timed.seconds, echo))
    return results


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


class _Timer:
    """``with timer:`` measures a block; ``timer.seconds`` is the last block's wall time."""

    seconds = 0.0

    def __enter__(self) -> _Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def _evaluate(
    name: str, model_dir: Path, test: Path, config: DemoConfig, seconds: float, echo: Callable[[str], None]
) -> StageResult:
    from pipeline.textbook import solution_style
    from trainer.data import rl_tasks
    from trainer.evaluate import run_tasks, summarize
    from trainer.models import load_model
    from trainer.rewards import Rewarder

    plan = config.plan
    model, tokenizer = load_model(model_dir)
    tasks = rl_tasks(test, "test")
    with Rewarder() as rewarder:
        results = run_tasks(
            model,
            tokenizer,
            tasks,
            rewarder,
            plan.eval_k,
            1.0,
            plan.max_new_tokens,
            seed=config.seed,
            progress=config.progress,
        )
    figures = summarize(results, plan.eval_k, 1.0)
    styles = Counter(solution_style(r.greedy, _lang(r.task.prompt[-1]["content"])) for r in results)
    stage = StageResult(
        name,
        figures["greedy_accuracy"],
        figures["pass_at_1"],
        figures["pass_at_k"],
        figures["mean_reward"],
        round(seconds, 1),
        {s: n / len(results) for s, n in sorted(styles.items())},
    )
    echo(
        f"   {name:9} greedy {stage.accuracy:6.1%}  sampled {stage.sampled_accuracy:6.1%}  "
        f"pass@{plan.eval_k} {stage.pass_at_8:6.1%}  ({stage.seconds:.0f} s)"
    )
    return stage


def _lang(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def _rows(dataset: Path, limit: int, *columns: str) -> list[dict]:
    """The first ``limit`` rows of a dataset's train split, with ``id`` and the given columns."""
    from trainer.data import read_split

    return [{"id": r["id"], **{c: r[c] for c in columns}} for r in read_split(dataset, "train")[:limit]]


def _short(text: str, width: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def format_table(stages: list[StageResult]) -> str:
    """The stages side by side: greedy accuracy, sampled pass@1 (T=1), pass@8, mean reward, seconds."""
    lines = [f"{'stage':10}{'greedy':>9}{'pass@1 T=1':>12}{'pass@8':>9}{'reward':>9}{'seconds':>9}"]
    for s in stages:
        lines.append(
            f"{s.name:10}{s.accuracy:9.1%}{s.sampled_accuracy:12.1%}{s.pass_at_8:9.1%}"
            f"{s.mean_reward:9.3f}{s.seconds:9.0f}"
        )
    return "\n".join(lines)


def _keep_serving(server: Any, echo: Callable[[str], None]) -> None:
    credentials = server.credentials
    echo(
        f"\nArgilla keeps running at {server.url}: log in as {credentials['username']!r} with password "
        f"{credentials['password']!r} (also in {server.home / 'credentials.json'}). Ctrl-C to stop."
    )
    try:
        while server.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        echo("stopping Argilla")
