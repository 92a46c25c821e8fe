"""The demo's claims, measured: ``answerkey demo`` over several seeds (3 by default).

For each seed it runs the full demo (``--quick`` to try the script out) and prints each stage's
greedy accuracy, sampled pass@1 (T=1) and pass@8, the RL-minus-SFT gain in sampled accuracy, the
share of leaps before and after RL, and the wall time against the 10-minute budget: the mean and
the range over the seeds, all from this run. ``--json FILE`` writes every figure.

    .venv/bin/python benchmarks/demo_seeds.py --seeds 0 1 2 --out build/demo-seeds
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BUDGET_SECONDS = 600


def run_seed(seed: int, out: Path, quick: bool, algo: str) -> dict:
    target = out / f"seed-{seed}"
    command = [sys.executable, "-m", "answerkey", "demo", "--seed", str(seed), "--out", str(target), "--algo", algo,
               "--quiet"] + (["--quick"] if quick else [])  # fmt: skip
    began = time.perf_counter()
    subprocess.run(command, check=True)
    report = json.loads((target / "report.json").read_text())
    report["wall_seconds"] = time.perf_counter() - began
    return report


def spread(values: list[float]) -> str:
    return f"{sum(values) / len(values):6.1%} ({min(values):.1%}-{max(values):.1%})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", type=Path, default=Path("build/demo-seeds"))
    parser.add_argument("--quick", action="store_true", help="The quick demo (tries the script, proves nothing).")
    parser.add_argument("--algo", choices=["grpo", "rft"], default="grpo")
    parser.add_argument("--json", type=Path, help="Write the reports and the summary here.")
    args = parser.parse_args()

    reports = [run_seed(seed, args.out, args.quick, args.algo) for seed in args.seeds]
    by_stage = {s["name"]: [] for s in reports[0]["stages"]}
    for report in reports:
        for stage in report["stages"]:
            by_stage[stage["name"]].append(stage)
    print(f"\nanswerkey demo over seeds {args.seeds} ({args.algo}{', quick' if args.quick else ''}): mean (range)")
    print(f"{'stage':10}{'greedy':>24}{'pass@1 T=1':>24}{'pass@8':>24}")
    for name, stages in by_stage.items():
        print(
            f"{name:10}{spread([s['accuracy'] for s in stages]):>24}"
            f"{spread([s['sampled_accuracy'] for s in stages]):>24}{spread([s['pass_at_8'] for s in stages]):>24}"
        )
    gains = [
        rl["sampled_accuracy"] - sft["sampled_accuracy"]
        for sft, rl in zip(by_stage["sft"], by_stage["rl"], strict=True)
    ]
    greedy_order = [p["accuracy"] < s["accuracy"] <= r["accuracy"]
                    for p, s, r in zip(by_stage["pretrain"], by_stage["sft"], by_stage["rl"], strict=True)]  # fmt: skip
    leaps = {name: [s["styles"].get("leap", 0.0) for s in by_stage[name]] for name in ("sft", "rl")}
    walls = [r["wall_seconds"] for r in reports]
    print(f"\nRL - SFT, sampled accuracy: {spread(gains)} points (claim: at least +10 points)")
    print(f"pretrain < SFT <= RL (greedy) held in {sum(greedy_order)} of {len(greedy_order)} seeds")
    print(f"share of leaps in greedy answers: after SFT {spread(leaps['sft'])}, after RL {spread(leaps['rl'])}")
    print(
        f"wall time: mean {sum(walls) / len(walls):.0f} s, max {max(walls):.0f} s "
        f"({max(walls) / BUDGET_SECONDS:.2f}x the {BUDGET_SECONDS} s budget)"
    )
    if args.json:
        summary = {
            "seeds": args.seeds,
            "gains": gains,
            "greedy_order_held": greedy_order,
            "leaps": leaps,
            "wall_seconds": walls,
            "reports": reports,
        }
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
