"""PNG plots of a run's curves, from its ``metrics.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path

# The curves worth looking at, in this order, when the run logged them.
CURVES = [
    ("loss", "loss"),
    ("reward_mean", "mean reward"),
    ("zero_variance_groups", "groups with equal rewards"),
    ("completion_length", "completion tokens"),
    ("entropy", "entropy (nats/token)"),
    ("kl", "KL to reference"),
    ("tokens_per_second", "tokens / s"),
]


def plot_run(out: str | Path, name: str = "curves.png") -> Path | None:
    """One figure with a panel per logged curve; returns its path (None when there is nothing to plot)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(out)
    path = folder / "metrics.jsonl"
    if not path.exists():
        return None
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    curves = [(key, label) for key, label in CURVES if any(key in r for r in rows)]
    if not rows or not curves:
        return None
    fig, axes = plt.subplots(1, len(curves), figsize=(3.6 * len(curves), 3.0), squeeze=False)
    for ax, (key, label) in zip(axes[0], curves, strict=True):
        points = [(r["step"], r[key]) for r in rows if r.get(key) is not None]
        ax.plot([s for s, _ in points], [v for _, v in points], linewidth=1.2)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    fig.suptitle(folder.name)
    fig.tight_layout()
    target = folder / name
    fig.savefig(target, dpi=110)
    plt.close(fig)
    return target
