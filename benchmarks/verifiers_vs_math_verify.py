"""answerkey's verifiers against math-verify 0.9.0, side by side on labelled case files.

Both judges run one call at a time in the main thread of this process (math-verify's SIGALRM
timeouts only work there), each warmed up with one call first so import and first-call costs are
excluded. Per-call time is wall time around each judge call, measured in the same run.

    python benchmarks/verifiers_vs_math_verify.py [--cases FILE.jsonl ...] [--show-failures]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verifiers import verify  # noqa: E402
from verifiers.scoring import CaseFileError, Report, load_cases, score  # noqa: E402

DEFAULT_CASES = [
    ROOT.parent / "shared" / "bench" / "verifier_public.jsonl",
    ROOT / "benchmarks" / "cases" / "answerkey_cases.jsonl",
]


@dataclass(frozen=True)
class Judged:
    """math-verify's answer in the shape scoring reads (``correct``, ``status``, ``reason``)."""

    correct: bool
    status: str = "ok"
    reason: str = ""


class _TimeoutCounter(logging.Handler):
    """Counts math-verify's "Timeout during ..." warnings: its only sign of a timeout."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Timeout"):
            self.count += 1


def math_verify_judge() -> Callable[..., Judged]:
    """math-verify as shipped: ``verify(parse(gold), parse(prediction))``, default settings."""
    import math_verify

    counter = _TimeoutCounter()
    log = logging.getLogger("math_verify")
    log.addHandler(counter)
    log.propagate = False  # its timeout warnings quote whole inputs; count them, don't print

    def judge(prediction: str, gold: str, answer_type: str | None = None) -> Judged:
        before = counter.count
        correct = math_verify.verify(math_verify.parse(gold), math_verify.parse(prediction))
        timed_out = counter.count > before
        return Judged(correct, "timeout" if timed_out else "ok", "timeout" if timed_out else "")

    return judge


def _ids(ids: tuple[str, ...], limit: int = 8) -> str:
    """A count, then the first ``limit`` ids."""
    shown = ", ".join(ids[:limit]) + (", ..." if len(ids) > limit else "")
    return f"{len(ids)}" + (f" ({shown})" if ids else "")


def print_comparison(name: str, ours: Report, theirs: Report) -> None:
    """The two reports as a plain-text table, then the ratios."""
    rows = [
        (
            "accuracy",
            f"{ours.accuracy:.1%} ({ours.right}/{ours.n})",
            f"{theirs.accuracy:.1%} ({theirs.right}/{theirs.n})",
        ),
        ("false positives", _ids(ours.false_positives), _ids(theirs.false_positives)),
        ("false negatives", _ids(ours.false_negatives), _ids(theirs.false_negatives)),
        ("timeouts", _ids(ours.timeouts), _ids(theirs.timeouts)),
        ("errors", _ids(ours.errors), _ids(theirs.errors)),
        ("ms/call mean", f"{ours.mean_ms:.3f}", f"{theirs.mean_ms:.3f}"),
        ("ms/call median", f"{ours.median_ms:.3f}", f"{theirs.median_ms:.3f}"),
        ("ms/call p95", f"{ours.p95_ms:.3f}", f"{theirs.p95_ms:.3f}"),
    ]
    width = max(len(r[1]) for r in rows) + 2
    print(f"\n== {name}: {ours.n} cases")
    print(f"{'':16}{'answerkey':<{width}}math-verify 0.9.0")
    for label, a, b in rows:
        print(f"{label:16}{a:<{width}}{b}")
    diff = (ours.accuracy - theirs.accuracy) * 100
    print(f"accuracy diff   {diff:+.1f} points (answerkey - math-verify)")
    for stat in ("mean", "median"):
        a, b = getattr(ours, f"{stat}_ms"), getattr(theirs, f"{stat}_ms")
        ratio = f"{b / a:.1f}x" if a > 0 else "n/a"
        print(f"speed ratio     {ratio} by {stat} (math-verify ms/call / answerkey ms/call)")


def print_failures(report: Report) -> None:
    """The cases answerkey judges against their label, with what it said."""
    print(f"answerkey failures ({len(report.failures)}):")
    for o in report.failures:
        c = o.case
        print(
            f"  {c.id} [{c.category}] expected {c.expected}, got {o.judged} ({o.status}): "
            f"pred={_clip(c.prediction)} gold={_clip(c.gold)} :: {_clip(o.detail, 100)}"
        )


def _clip(text: str, limit: int = 60) -> str:
    text = repr(text)
    return text if len(text) <= limit else f"{text[:limit]}...[{len(text)} chars]"


def plot(results: list[tuple[str, Report, Report]], path: Path) -> None:
    """Accuracy and median time per call of both systems, per case file, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [Path(name).stem for name, _, _ in results]
    fig, (acc, speed) = plt.subplots(1, 2, figsize=(10, 4))
    width = 0.38
    xs = range(len(results))
    for offset, label, pick in ((-width / 2, "answerkey", 1), (width / 2, "math-verify 0.9.0", 2)):
        acc.bar([x + offset for x in xs], [r[pick].accuracy * 100 for r in results], width, label=label)
        speed.bar([x + offset for x in xs], [r[pick].median_ms for r in results], width, label=label)
    acc.set(title="accuracy (%)", xticks=list(xs), xticklabels=names, ylim=(0, 100))
    speed.set(title="median ms per call (log)", xticks=list(xs), xticklabels=names, yscale="log")
    acc.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases",
        action="append",
        type=Path,
        metavar="PATH",
        help="case file (JSONL); repeat for several. Default: the public file "
        "and benchmarks/cases/answerkey_cases.jsonl",
    )
    parser.add_argument("--show-failures", action="store_true", help="list the cases answerkey gets wrong")
    parser.add_argument("--plot", type=Path, metavar="PNG", help="also draw the comparison as a PNG")
    args = parser.parse_args(argv)
    try:
        suites = [(path, load_cases(path)) for path in args.cases or DEFAULT_CASES]
    except CaseFileError as exc:
        parser.error(str(exc))

    theirs = math_verify_judge()
    verify("1", "1")
    theirs("1", "1")
    print(
        "Warm-up: one call each to answerkey and math-verify before timing "
        "(imports and first-call costs excluded). Calls run one at a time in the main thread."
    )
    results = []
    for path, cases in suites:
        ours_report = score(verify, cases)
        theirs_report = score(theirs, cases)
        print_comparison(str(path), ours_report, theirs_report)
        if args.show_failures:
            print_failures(ours_report)
        results.append((str(path), ours_report, theirs_report))
    if args.plot:
        plot(results, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
