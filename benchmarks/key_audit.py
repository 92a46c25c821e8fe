"""Does ``answerkey calibrate`` find wrong answer keys? Measured by planting them.

Takes the demo's practice set and RL model (``answerkey demo --out DIR``; run here when DIR has
none), corrupts a share of the keys (5% by default) with the slips people make when they write a
key: off by one, two digits swapped, a wrong step (a value off by ten, or a step repeated). The
corrupted set is written as a real dataset version (its manifest lists every planted change);
then ``calibrate`` runs on it for each k, and the ``key_suspect`` flags are scored against the
planted list:

- recall: the share of corrupted keys that were flagged;
- precision: the share of flagged keys that were corrupted (the rest are right keys on which the
  model agrees with itself on a wrong answer).

Each k is a separate calibration (its own samples). The flags are also recomputed from the same
samples for every ``--min-agree`` threshold, which is how the default (``default_agreement``) was
chosen. Prints a table, writes ``key_audit.json`` and ``key_audit.png`` under ``--out``.

    .venv/bin/python benchmarks/key_audit.py --demo runs/demo --ks 4 8 16 --out build/key-audit
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads: spinning threads stall a shared CPU

from pipeline.derive import Derivation, read_version, write_derived
from trainer.calibrate import (
    CalibrateConfig,
    CalibrationReport,
    SuspectRule,
    calibrate,
    default_agreement,
    flags_of,
)
from verifiers import verify


@dataclass(frozen=True)
class Planted:
    """One corrupted key: the task, the right key, the wrong one and the kind of slip."""

    id: str
    right: str
    wrong: str
    slip: str


def slips(value: int, rng: random.Random) -> list[tuple[str, int]]:
    """Plausible wrong values for an integer key, each with the name of its slip."""
    digits = str(abs(value))
    candidates = [("off_by_one", value + rng.choice((-1, 1)))]
    swaps = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1]]
    if swaps:
        i = rng.choice(swaps)
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        candidates.append(("digits_swapped", int(swapped) * (-1 if value < 0 else 1)))
    candidates.append(("wrong_step", value + rng.choice((-10, 10)) if abs(value) >= 10 else value * 2 or 2))
    return [(slip, wrong) for slip, wrong in candidates if wrong != value]


def corrupt(practice: Path, out: Path, share: float, seed: int) -> list[Planted]:
    """Write ``practice`` with a share of its integer keys corrupted to ``out``; the planted list."""
    parent = read_version(practice)
    rng = random.Random(seed)
    integer_rows = [r for r in parent.rows if r["answer"].lstrip("-").isdigit()]
    chosen = {r["id"] for r in rng.sample(integer_rows, round(share * len(parent.rows)))}
    planted, rows = [], []
    for row in parent.rows:
        if row["id"] in chosen:
            slip, wrong = rng.choice(slips(int(row["answer"]), rng))
            assert not verify(str(wrong), row["answer"]).correct
            planted.append(Planted(row["id"], row["answer"], str(wrong), slip))
            row = {**row, "answer": str(wrong)}
        rows.append(row)
    changes = [{"id": p.id, "old_answer": p.right, "new_answer": p.wrong, "slip": p.slip} for p in planted]
    write_derived(parent, out, rows, [], Derivation("corruption", {"share": share, "seed": seed}, changes))
    return planted


@dataclass(frozen=True)
class Score:
    temperature: float
    k: int
    min_agree: int
    max_key_matches: int
    by_work: bool
    flagged: int
    caught: int
    planted: int

    @property
    def recall(self) -> float:
        return self.caught / self.planted if self.planted else 0.0

    @property
    def precision(self) -> float:
        return self.caught / self.flagged if self.flagged else 1.0


@dataclass(frozen=True)
class Run:
    """One calibration of the corrupted set: its sampling settings and what it took."""

    temperature: float
    k: int
    seconds: float
    tasks: int
    mean_pass_rate: float


def score(report: CalibrationReport, planted: list[Planted], run: Run, rule: SuspectRule) -> Score:
    wrong = {p.id for p in planted}
    flagged = {f.id for r in report.results for f in flags_of(r, rule, "", "") if f.kind == "key_suspect"}
    return Score(run.temperature, run.k, rule.agree, rule.max_key_matches, rule.by_work, len(flagged),
                 len(flagged & wrong), len(wrong))  # fmt: skip


def is_default(s: Score) -> bool:
    return s.min_agree == default_agreement(s.k) and s.max_key_matches == 0 and s.by_work


def ensure_demo(demo: Path) -> None:
    if (demo / "models" / "rl" / "config.json").is_file() and (demo / "data" / "practice").is_dir():
        return
    from answerkey.demo import DemoConfig, run_demo

    print(f"no demo run in {demo}: running `answerkey demo --out {demo}` first")
    run_demo(DemoConfig(out=demo))


def train_further(model: Path, tasks: Path, out: Path, steps: int, seed: int, workers: int) -> Path:
    """Go on with GRPO from ``model`` on the (corrupted) practice set, as a team would before
    auditing: a planted key never rewards a sample, so it teaches nothing either way."""
    if (out / "config.json").is_file():
        return out
    from trainer.grpo import RLConfig, grpo

    print(f"training the audit model: {steps} more GRPO steps from {model} -> {out}")
    grpo(RLConfig(model=str(model), tasks=str(tasks), out=str(out), steps=steps, seed=seed, workers=workers))
    return out


def plot(scores: list[Score], path: Path, model: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    default = [s for s in scores if is_default(s)]
    ks = sorted({s.k for s in default})
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for temperature in sorted({s.temperature for s in default}, reverse=True):
        line = sorted((s for s in default if s.temperature == temperature), key=lambda s: s.k)
        shown = ax.plot([s.k for s in line], [s.recall for s in line], "o-", label=f"recall, T={temperature:g}")
        ax.plot([s.k for s in line], [s.precision for s in line], "s--", color=shown[0].get_color(),
                label=f"precision, T={temperature:g}")  # fmt: skip
    ax.axhline(0.9, color="gray", lw=0.8, ls=":")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("samples per task (k); default rule (see calibrate --help)")
    ax.set_title(f"planted wrong keys found by calibrate ({model})", fontsize=10)
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", type=Path, default=Path("runs/demo"), help="An `answerkey demo` output folder.")
    parser.add_argument("--ks", type=int, nargs="+", default=[4, 8, 16])
    parser.add_argument("--temperatures", type=float, nargs="+", default=[1.0], help="Sampling temperatures.")
    parser.add_argument("--rl-steps", type=int, default=0, help="More GRPO steps on the corrupted set first.")
    parser.add_argument("--share", type=float, default=0.05, help="Share of the keys to corrupt.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("build/key-audit"))
    args = parser.parse_args()

    ensure_demo(args.demo)
    model = args.demo / "models" / "rl"
    corrupted = args.out / "corrupted"
    planted = corrupt(args.demo / "data" / "practice", corrupted, args.share, args.seed)
    print(f"planted {len(planted)} wrong keys in {corrupted} ({', '.join(sorted({p.slip for p in planted}))})")
    described = "the demo's RL model"
    if args.rl_steps:
        model = train_further(model, corrupted, args.out / f"model-rl{args.rl_steps}", args.rl_steps, args.seed,
                              args.workers)  # fmt: skip
        described += f" + {args.rl_steps} GRPO steps"
    scores, runs = [], []
    for temperature in args.temperatures:
        for k in args.ks:
            began = time.perf_counter()
            config = CalibrateConfig(
                model=str(model), tasks=str(corrupted), out=str(args.out / f"t{temperature:g}-k{k}"), k=k,
                temperature=temperature, max_new_tokens=48, workers=args.workers, seed=args.seed,
                prompts_per_batch=64,
            )  # fmt: skip
            report = calibrate(config)
            mean_pass = sum(r.pass_rate for r in report.results) / len(report.results)
            run = Run(temperature, k, round(time.perf_counter() - began, 1), len(report.results), mean_pass)
            runs.append(run)
            rules = [
                SuspectRule(agree, most, by_work)
                for agree in range(1, k + 1)
                for most in (0, k)
                for by_work in (True, False)
            ]
            scores += [score(report, planted, run, rule) for rule in rules]
            print(f"T={temperature:g} k={k}: {run.tasks} tasks in {run.seconds:.0f} s, mean pass rate {mean_pass:.3f}")

    print(
        f"\n{'T':>4} {'k':>3} {'min agree':>9} {'key matches':>11} {'vote':>10} {'flagged':>7} {'caught':>6} "
        f"{'recall':>7} {'precision':>9}"
    )
    for s in scores:
        mark = "  <- default" if is_default(s) else ""
        most = "any" if s.max_key_matches == s.k else f"<= {s.max_key_matches}"
        print(
            f"{s.temperature:>4g} {s.k:>3} {s.min_agree:>9} {most:>11} {'work' if s.by_work else 'as written':>10} "
            f"{s.flagged:>7} {s.caught:>6} {s.recall:>7.1%} {s.precision:>9.1%}{mark}"
        )
    print(f"\ndefault rule ({described}):")
    for s in (s for s in scores if is_default(s)):
        print(f"  T={s.temperature:g} k={s.k}: recall {s.recall:.1%}, precision {s.precision:.1%}")
    by_slip = {slip: sum(p.slip == slip for p in planted) for slip in sorted({p.slip for p in planted})}
    result = {
        "model": str(model),
        "described": described,
        "planted": len(planted),
        "by_slip": by_slip,
        "runs": [asdict(r) for r in runs],
        "scores": [{**asdict(s), "recall": s.recall, "precision": s.precision} for s in scores],
    }
    (args.out / "key_audit.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(scores, args.out / "key_audit.png", described)
    print(f"\n-> {args.out / 'key_audit.json'}, {args.out / 'key_audit.png'}")


if __name__ == "__main__":
    main()
