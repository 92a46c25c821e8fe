"""``answerkey calibrate``: each task's pass rate under a model, the keys it doubts, a review queue."""

from __future__ import annotations

import os
from pathlib import Path

import click

from answerkey.cli_train import decode_processes_option

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads (see trainer-cpu-facts)

_RANGE = click.FloatRange(0, 1)


@click.command("calibrate")
@click.option("--model", type=click.Path(file_okay=False, exists=True, path_type=Path), required=True)
@click.option(
    "--tasks",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    required=True,
    help="Dataset version (answerkey format) to calibrate.",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="The new version.")
@click.option("-k", "k", type=click.IntRange(min=1), default=8, show_default=True, help="Samples per task.")
@click.option("--temperature", type=click.FloatRange(min=0), default=1.0, show_default=True)
@click.option("--max-new-tokens", type=click.IntRange(min=1), default=64, show_default=True)
@click.option("--min-pass", type=_RANGE, default=0.0, show_default=True, help="Keep tasks passed at least this often.")
@click.option("--max-pass", type=_RANGE, default=1.0, show_default=True, help="... and at most this often.")
@click.option("--split", default=None, help="Calibrate only this split [every split].")
@click.option(
    "--min-agree",
    type=click.IntRange(min=1),
    default=None,
    help="Samples that must agree on a non-key answer to flag the key [k // 4, at least 1].",
)
@click.option(
    "--max-key-matches",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="... and at most this many samples match the key (k: no limit).",
)
@click.option(
    "--as-written",
    is_flag=True,
    help="Vote with each sample's final answer as written, not the one its work gives with wrong steps redone.",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True, help="Tasks per batch.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option(
    "--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Verifier processes / actors."
)
@decode_processes_option
@click.option("--reward-timeout", type=click.FloatRange(min=0, min_open=True), default=2.0, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--review", "review", metavar="NAME", help="Send the flagged tasks to the Argilla review dataset NAME.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def calibrate_command(
    model: Path,
    tasks: Path,
    out: Path,
    k: int,
    temperature: float,
    max_new_tokens: int,
    min_pass: float,
    max_pass: float,
    split: str | None,
    min_agree: int | None,
    max_key_matches: int,
    as_written: bool,
    batch_size: int,
    engine: str,
    workers: int,
    decode_processes: int | None,
    reward_timeout: float,
    seed: int,
    review: str | None,
    quiet: bool,
) -> None:
    """Sample k solutions per task, verify them, and write a version with each task's pass rate
    (`difficulty`), calibration.jsonl, flags.jsonl (suspicious keys and verdicts) and pass_rates.png.
    A killed run started again with the same flags resumes."""
    from pipeline.derive import DeriveError
    from trainer.calibrate import CalibrateConfig, calibrate
    from trainer.errors import TrainerError

    config = CalibrateConfig(
        model=str(model),
        tasks=str(tasks),
        out=str(out),
        k=k,
        temperature=temperature,
        max_new_tokens=max_new_tokens,
        min_pass=min_pass,
        max_pass=max_pass,
        split=split,
        min_agree=min_agree,
        max_key_matches=max_key_matches,
        by_work=not as_written,
        prompts_per_batch=batch_size,
        engine=engine,
        workers=workers,
        decode_processes=decode_processes,
        seed=seed,
        reward_timeout=reward_timeout,
        progress=not quiet,
    )
    try:
        report = calibrate(config)
    except (TrainerError, DeriveError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(report.table())
    click.echo(
        f"{len(report.results)} tasks calibrated, {report.kept} rows kept, {report.dropped} outside "
        f"[{min_pass}, {max_pass}]; {len(report.flags)} flags -> {out} (calibration.jsonl, flags.jsonl, pass_rates.png)"
    )
    if review:
        from answerkey.review_queue import review_flags

        review_flags(out / "flags.jsonl", review)
