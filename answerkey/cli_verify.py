"""``answerkey verify``: judge one answer against its key, or score a labelled case file."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from verifiers import verify as verify_answer
from verifiers import verify_batch
from verifiers.scoring import CaseFileError, Report, load_cases, score, summarize, to_outcome
from verifiers.verify import DEFAULT_TIMEOUT


@click.command("verify")
@click.argument("prediction", required=False)
@click.argument("gold", required=False)
@click.option(
    "--cases",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSONL file of labelled cases (prediction, gold, expected) to score instead.",
)
@click.option("--answer-type", help="Answer type hint for one pair (number, set, choice, ...).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds allowed per verification (default: the API's).",
)
@click.option(
    "--workers", type=click.IntRange(min=1), help="With --cases: verify in a pool of N processes (verify_batch)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def verify_command(
    prediction: str | None,
    gold: str | None,
    cases: Path | None,
    answer_type: str | None,
    timeout: float | None,
    workers: int | None,
    as_json: bool,
) -> None:
    """Judge PREDICTION (a bare answer or a whole solution) against GOLD, or score --cases FILE.

    \b
    Exit codes:
      0  the prediction is correct (with --cases: every case judged as labelled)
      1  it is not, including timeouts and errors (with --cases: any case judged wrongly)
      2  bad usage or an unreadable case file
    """
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if cases is not None:
        if prediction is not None or gold is not None:
            raise click.UsageError("give either PREDICTION GOLD or --cases FILE, not both")
        if answer_type is not None:
            raise click.UsageError(
                "--answer-type applies to one PREDICTION GOLD pair; case files carry an answer_type column"
            )
        _score_cases(cases, workers, timeout, as_json)
        return
    if prediction is None or gold is None:
        raise click.UsageError("give PREDICTION and GOLD, or --cases FILE")
    if workers is not None:
        raise click.UsageError("--workers applies to --cases only")
    verdict = verify_answer(prediction, gold, answer_type=answer_type, timeout=timeout)
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        for label, value in [
            ("correct", "yes" if verdict.correct else "no"),
            ("method", verdict.method),
            ("extracted", verdict.extracted),
            ("normalized", " | ".join(verdict.normalized)),
            ("reason", verdict.reason),
            ("status", verdict.status),
            ("elapsed", f"{verdict.elapsed_ms:.2f} ms"),
        ]:
            click.echo(f"{label:11}{value}")
    click.get_current_context().exit(0 if verdict.correct else 1)


def _score_cases(path: Path, workers: int | None, timeout: float, as_json: bool) -> None:
    """Score verify over a case file and print the report; exits 1 unless every case agrees."""
    try:
        cases = load_cases(path)
    except CaseFileError as exc:
        raise click.BadParameter(str(exc), param_hint="--cases") from exc
    start = time.perf_counter()
    if workers and workers > 1:
        verdicts = verify_batch(
            [(c.prediction, c.gold, c.answer_type) for c in cases], workers=workers, timeout=timeout
        )
        report = summarize([to_outcome(c, v, v.elapsed_ms) for c, v in zip(cases, verdicts, strict=True)])
    else:
        report = score(lambda pred, gold, **kw: verify_answer(pred, gold, **kw, timeout=timeout), cases)
    wall_s = time.perf_counter() - start
    if as_json:
        click.echo(json.dumps(_report_dict(report, wall_s), ensure_ascii=False))
    else:
        click.echo(_format_report(path, report, wall_s, workers or 1))
    click.get_current_context().exit(0 if report.right == report.n else 1)


def _report_dict(report: Report, wall_s: float) -> dict:
    return {
        "n": report.n,
        "accuracy": report.accuracy,
        "false_positives": list(report.false_positives),
        "false_negatives": list(report.false_negatives),
        "timeouts": list(report.timeouts),
        "errors": list(report.errors),
        "ms_per_call": {"mean": report.mean_ms, "median": report.median_ms, "p95": report.p95_ms},
        "wall_s": wall_s,
        "by_category": {k: {"right": r, "total": t} for k, (r, t) in report.by_category.items()},
    }


def _format_report(path: Path, report: Report, wall_s: float, workers: int) -> str:
    def ids(found: tuple[str, ...]) -> str:
        return f"{len(found)}" + (f": {', '.join(found)}" if found else "")

    lines = [
        f"{'cases':17}{report.n} ({path})",
        f"{'accuracy':17}{report.accuracy:.1%} ({report.right}/{report.n})",
        f"{'false positives':17}{ids(report.false_positives)}",
        f"{'false negatives':17}{ids(report.false_negatives)}",
        f"{'timeouts':17}{ids(report.timeouts)}",
        f"{'errors':17}{ids(report.errors)}",
        f"{'time per call':17}mean {report.mean_ms:.2f} ms, median {report.median_ms:.2f} ms, "
        f"p95 {report.p95_ms:.2f} ms",
        f"{'wall time':17}{wall_s:.2f} s ({workers} worker{'s' if workers > 1 else ''})",
        "by category",
    ]
    lines += [f"  {cat:26}{r / t:7.1%} ({r}/{t})" for cat, (r, t) in report.by_category.items()]
    return "\n".join(lines)
