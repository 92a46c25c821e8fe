"""``answerkey build`` and ``answerkey inspect``: exercises in, a verified dataset version out."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.build import BuildConfig, SourceSpec, build, load_config
from pipeline.engines import ENGINES
from pipeline.export import FORMATS
from pipeline.recipes import RECIPES

_RECIPES = tuple(RECIPES)


@click.command("build")
@click.option("--source", "sources", multiple=True, help="Input file, HF dataset folder or hf:NAME (repeatable).")
@click.option("--recipe", type=click.Choice(_RECIPES), default="auto", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output dataset folder.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="YAML config with the same keys (flags given here override it).",
)
@click.option("--decontaminate", multiple=True, help="Evaluation set whose problems must not appear (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Export format [answerkey].")
@click.option(
    "--test-fraction",
    type=click.FloatRange(0, 1),
    default=None,
    help="Share of tasks put in the test split, by id hash [0]; 1 puts every task in it.",
)
@click.option(
    "--near-dup-threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    help="MinHash Jaccard threshold for near duplicates [0.85]; 1 turns it off.",
)
@click.option(
    "--near-dups-with-other-answers",
    "keep_other_answers",
    flag_value="keep",
    default=None,
    help="Keep a near duplicate whose canonical answer differs from the kept task's (the default).",
)
@click.option(
    "--drop-near-dups-with-other-answers",
    "keep_other_answers",
    flag_value="drop",
    help="Drop every near duplicate, whatever its answer.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    default=None,
    help="Seconds per verifier self-check step [10]; a gold over it is rejected as verifier_timeout.",
)
@click.option(
    "--max-problem-chars",
    type=click.IntRange(min=1),
    default=None,
    help="Longest problem kept, in characters [100000]; a longer one is rejected as too_long.",
)
@click.option("--allow-empty", is_flag=True, default=None, help="Build even from an empty source file.")
@click.option("--lang", help="Language code of every problem (default: the recipe's, or detected per problem).")
@click.option("--license", "license_name", help="License recorded for every task (default: the recipe's).")
@click.option("--source-name", help="Source name recorded for every task (default: the recipe's name).")
@click.option("--problem-col", help="Column holding the problem (generic recipe).")
@click.option("--answer-col", help="Column holding the final answer (generic recipe).")
@click.option("--solution-col", help="Column holding a worked solution (generic recipe).")
@click.option("--answer-type-col", help="Column holding the answer type (generic recipe).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Processes for the per-row checks [1].")
@click.option(
    "--engine", "engine_name", type=click.Choice(ENGINES), default=None, help="Where the per-row checks run [local]."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def build_command(
    sources,
    recipe,
    out,
    config_path,
    decontaminate,
    fmt,
    test_fraction,
    near_dup_threshold,
    keep_other_answers,
    timeout,
    max_problem_chars,
    allow_empty,
    lang,
    license_name,
    source_name,
    problem_col,
    answer_col,
    solution_col,
    answer_type_col,
    workers,
    engine_name,
    quiet,
) -> None:
    """Build a verified, deduplicated, decontaminated task set from exercise sources."""
    config = load_config(config_path) if config_path else BuildConfig(sources=[], out="")
    mapping = {
        k: v
        for k, v in {
            "problem_col": problem_col,
            "answer_col": answer_col,
            "solution_col": solution_col,
            "answer_type_col": answer_type_col,
        }.items()
        if v
    }
    if mapping and recipe == "auto":
        recipe = "generic"
    overrides = {"lang": lang, "license": license_name, "source": source_name}
    mapping.update({key: value for key, value in overrides.items() if value})
    if sources:
        config.sources = [SourceSpec(s, recipe, mapping) for s in sources]
    for key, value in {
        "out": str(out) if out else None,
        "format": fmt,
        "test_fraction": test_fraction,
        "near_duplicate_threshold": near_dup_threshold,
        "workers": workers,
        "engine": engine_name,
        "timeout": timeout,
        "max_problem_chars": max_problem_chars,
        "allow_empty": allow_empty or None,
        "keep_near_duplicates_with_different_answers": None
        if keep_other_answers is None
        else keep_other_answers == "keep",
    }.items():
        if value is not None:
            setattr(config, key, value)
    if decontaminate:
        config.decontaminate = list(decontaminate)
    if not config.out:
        raise click.UsageError("give --out DIR (or 'out' in the config)")
    try:
        manifest = build(config, progress=not quiet)
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    counts = manifest["counts"]
    click.echo(
        f"read {counts['read']}, kept {counts['kept']}, rejected {sum(counts['rejected'].values())} -> {config.out}"
    )
    for reason, n in counts["rejected"].items():
        click.echo(f"  {reason:22}{n}")


@click.command("inspect")
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--rows", default=3, show_default=True, help="How many task rows and rejections to show.")
def inspect_command(directory: Path, rows: int) -> None:
    """Print a dataset version's manifest, its rejection reasons and a few rows."""
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        raise click.ClickException(f"{manifest_path} not found: not an answerkey dataset folder")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    counts = manifest["counts"]
    click.echo(f"{manifest['name']}  format={manifest['format']}  answerkey {manifest['answerkey_version']}")
    click.echo(f"read {counts['read']} = kept {counts['kept']} + rejected {sum(counts['rejected'].values())}")
    click.echo(f"splits {manifest['splits']}")
    for reason, n in counts["rejected"].items():
        click.echo(f"  rejected {reason:20}{n}")
    for source in manifest["sources"]:
        click.echo(f"source {source['path']} ({source['recipe']}): read {source['read']}, kept {source['kept']}")
    _show_rows(directory, rows)
    rejected = directory / "rejected.jsonl"
    if rejected.exists():
        with rejected.open(encoding="utf-8") as f:
            for _, line in zip(range(rows), f, strict=False):
                item = json.loads(line)
                click.echo(f"rejected [{item['reason']}] {item['detail'][:160]}")


def _show_rows(directory: Path, rows: int) -> None:
    import pyarrow.parquet as pq

    shards = sorted((directory / "data").glob("*.parquet"))
    if shards:
        table = pq.read_table(shards[0]).slice(0, rows)
        for row in table.to_pylist():
            click.echo(json.dumps(row, ensure_ascii=False)[:300])
