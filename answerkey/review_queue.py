"""Send what the model's attempts put in doubt to the Argilla review queue.

Glue between the trainer (which never imports ``annotation``) and the annotation side:
``calibrate --review NAME`` pushes ``flags.jsonl``; ``train rl --review-failures NAME`` first writes
the tasks the run never solved as flags (``never_solved.jsonl`` in the run folder), then pushes
them. The server is the one ``ARGILLA_API_URL``/``ARGILLA_API_KEY`` name, or the local
``answerkey annotate serve``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import click

NEVER_SOLVED = "never_solved.jsonl"


def review_flags(flags_file: Path, name: str) -> None:
    """Push the flags in ``flags_file`` to the review dataset ``name`` (again: updates, no duplicates)."""
    from annotation.connect import ConnectionSettingsError, connect
    from annotation.key_review import ReviewError
    from annotation.push import PushError, push

    if not flags_file.read_text(encoding="utf-8").strip():
        click.echo(f"review: no flags in {flags_file}; nothing sent to {name!r}")
        return
    try:
        report = push(connect(), flags_file, name, "review", progress=False)
    except (ConnectionSettingsError, PushError, ReviewError) as error:
        raise click.ClickException(
            f"{error} (the flags are in {flags_file}; send them later with `answerkey "
            f"annotate push {flags_file} --name {name} --template review`)"
        ) from error
    click.echo(f"review: {report.sent} tasks sent to the Argilla dataset {name!r}")


def never_solved_flags(run: Path, tasks: Path) -> list[dict]:
    """Flags for the tasks that the run's rollouts (``rollouts.jsonl``) tried and never solved."""
    from pipeline.derive import read_version

    attempts: dict[str, list[dict]] = defaultdict(list)
    with (run / "rollouts.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            rollout = json.loads(line)
            attempts[rollout["task_id"]].append(rollout)
    version = read_version(tasks)
    rows = {row["id"]: row for row in version.rows}
    flags = []
    for task_id, tried in attempts.items():
        if any(r["correct"] for r in tried) or task_id not in rows:
            continue
        answers = Counter(r["extracted"] for r in tried if r["extracted"] is not None)
        majority, count = answers.most_common(1)[0] if answers else (None, 0)
        flags.append(
            {
                "kind": "never_solved",
                "id": task_id,
                "problem": rows[task_id]["problem"],
                "version": str(version.path.resolve()),
                "key": rows[task_id]["answer"],
                "majority_answer": majority,
                "majority_count": count,
                "k": len(tried),
                "correct": 0,
                "detail": f"none of {len(tried)} samples during training matched the key",
                "solutions": [r["completion"] for r in tried[:2]],
            }
        )
    return flags


def review_never_solved(run: Path, tasks: Path, name: str) -> None:
    """Write the run's never-solved tasks to ``run/never_solved.jsonl`` and push them for review."""
    from pipeline.atomic import atomic_write_text
    from pipeline.schema import to_json

    flags = never_solved_flags(run, tasks)
    path = run / NEVER_SOLVED
    atomic_write_text(path, "".join(to_json(flag) + "\n" for flag in flags))
    click.echo(f"review: {len(flags)} tasks never solved during the run -> {path}")
    review_flags(path, name)
