"""The demo's report: ``report.json`` with every figure, ``report.md`` with PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.atomic import atomic_write_text

STYLES = ("steps", "equation", "prose", "leap", "other")


def _read_metrics(run: Path) -> list[dict]:
    path = run / "metrics.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def _smooth(values: list[float], window: int) -> list[float]:
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v - (values[i - window] if i >= window else 0.0)
        out.append(total / min(i + 1, window))
    return out


def write_plots(out: Path, report: dict) -> dict[str, str]:
    """Loss curves, the RL reward curve, accuracy by stage and solution styles; returns name -> path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = out / "plots"
    folder.mkdir(parents=True, exist_ok=True)
    models = out / "models"
    paths: dict[str, str] = {}

    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    for ax, stage in zip(axes, ("pretrain", "sft", "rl"), strict=True):
        rows = _read_metrics(models / stage)
        ax.plot([r["step"] for r in rows], [r["loss"] for r in rows], linewidth=1)
        ax.set_title(f"{stage} loss")
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    paths["loss"] = _save(fig, folder / "loss.png", plt)

    rows = [r for r in _read_metrics(models / "rl") if "reward_mean" in r]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    rewards = [r["reward_mean"] for r in rows]
    ax.plot([r["step"] for r in rows], rewards, alpha=0.35, label="per step")
    ax.plot([r["step"] for r in rows], _smooth(rewards, 10), label="mean of 10")
    ax.set_title(f"RL ({report['algo']}) mean reward on practice problems")
    ax.set_xlabel("step")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    paths["reward"] = _save(fig, folder / "reward.png", plt)

    stages = report["stages"]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    width = 0.27
    for k, (key, label) in enumerate(
        [("accuracy", "greedy"), ("sampled_accuracy", "pass@1, T=1"), ("pass_at_8", "pass@8")]
    ):
        xs = [i + (k - 1) * width for i in range(len(stages))]
        ax.bar(xs, [s[key] for s in stages], width, label=label)
    ax.set_xticks(range(len(stages)), [s["name"] for s in stages])
    ax.set_ylim(0, 1)
    ax.set_title(f"held-out accuracy by stage (n={report['n_test']})")
    ax.legend()
    fig.tight_layout()
    paths["accuracy"] = _save(fig, folder / "accuracy.png", plt)

    shown = [s for s in stages if s["name"] in ("sft", "rl")]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for i, s in enumerate(shown):
        left = 0.0
        for style in STYLES:
            share = s["styles"].get(style, 0.0)
            ax.barh(i, share, left=left, label=style if i == 0 else None)
            left += share
    ax.set_yticks(range(len(shown)), [f"after {s['name']}" for s in shown])
    ax.set_xlim(0, 1)
    ax.set_title("solution styles of the greedy answers (test)")
    ax.legend(ncol=5, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    fig.tight_layout()
    paths["styles"] = _save(fig, folder / "styles.png", plt)
    return paths


def _save(fig: Any, path: Path, plt: Any) -> str:
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path.relative_to(path.parent.parent))


def write_report(out: Path, report: dict) -> None:
    """``report.json`` and ``report.md`` (with the plots) in ``out``."""
    report["plots"] = write_plots(out, report)
    atomic_write_text(out / "report.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out / "report.md", markdown(report))


def markdown(report: dict) -> str:
    """The report as a page: the table, the styles, the plots, where everything is."""
    stages = report["stages"]
    rows = "\n".join(
        f"| {s['name']} | {s['accuracy']:.1%} | {s['sampled_accuracy']:.1%} | {s['pass_at_8']:.1%} | "
        f"{s['mean_reward']:.3f} | {s['seconds']:.0f} |"
        for s in stages
    )
    styles = "\n".join(
        f"| {s['name']} | " + " | ".join(f"{s['styles'].get(style, 0.0):.0%}" for style in STYLES) + " |"
        for s in stages
        if s["name"] != "pretrain"
    )
    plots = "\n".join(f"![{name}]({path})" for name, path in report["plots"].items())
    return f"""# answerkey demo: how an assistant is taught

Seed {report["seed"]}, RL algorithm `{report["algo"]}`{" (quick)" if report["quick"] else ""}; \
{report["n_test"]} held-out test problems whose number tuples never appear in training; total \
{report["seconds"]:.0f} s.

| stage | greedy accuracy | pass@1 (T=1) | pass@8 | mean reward | seconds |
|---|---|---|---|---|---|
{rows}

Greedy accuracy: the most likely answer. pass@1 at T=1: the chance that one sampled solution is
right (what RL rewards). pass@8: at least one of 8 samples is right. All judged by answerkey's
verifiers against the answer key.

Solution styles of the greedy answers (the annotators wrote 30% steps, 20% equations, 20% prose,
30% leaps, with 10% slips):

| after | {" | ".join(STYLES)} |
|---|{"---|" * len(STYLES)}
{styles}

{plots}

Artifacts: `models/{{pretrain,sft,rl}}` (HF checkpoints: `answerkey train eval --model ...`),
`data/{{sft,practice,test}}` (dataset versions), `textbook/` (the generated source files).
"""
