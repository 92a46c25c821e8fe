"""The per-row map step of a build: recipe, verifiability, id and fingerprint, free of shared state.

Being a pure function of its input, it runs in worker processes (or Ray tasks) while the
order-dependent reduce (duplicates, decontamination, counts) stays in one place and only looks
up the keys computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from .checks import CheckFailed, check_problem, check_verifiable, split_of
from .contamination import passages
from .fingerprint import Fingerprint, fingerprint
from .keyfacts import KeyFacts, key_facts
from .recipes import Recipe, get_recipe
from .schema import Rejection, RowError, content_id, normalize_text, to_json

_MAX_ERROR_CHARS = 400  # an exception's message can be huge (a 4,300-digit integer): cut it


@dataclass(frozen=True)
class MapSettings:
    """The part of a build's configuration the map step needs (``ngram`` 0: no evaluation sets)."""

    timeout: float
    test_fraction: float
    near_duplicate_threshold: float
    ngram: int
    max_problem_chars: int = 100_000
    cjk_ngram: int = 10


@dataclass(frozen=True)
class MapJob:
    """One raw row and how to read it."""

    origin: str
    row: dict
    recipe: str
    mapping: tuple
    settings: MapSettings


@dataclass(frozen=True)
class Mapped:
    """A task ready for the reduce (with its fingerprint), or a rejection."""

    task: dict | None = None
    keys: Fingerprint | None = None
    rejection: Rejection | None = None
    facts: KeyFacts | None = None
    failed_field: str | None = None  # the field a row rejected at the recipe failed on


def map_item(item: MapJob | Mapped) -> Mapped:
    """A job is mapped; a row already rejected while reading passes through in its place."""
    return item if isinstance(item, Mapped) else map_row(item)


@lru_cache(maxsize=64)
def _recipe(name: str, mapping: tuple) -> Recipe:
    return get_recipe(name, **dict(mapping))


def map_row(job: MapJob) -> Mapped:
    """Exercise -> checked task row, or the reason it cannot be one."""
    settings = job.settings
    try:
        exercise = _recipe(job.recipe, job.mapping).to_exercise(job.origin, job.row)
        check_problem(exercise.problem, settings.max_problem_chars)
        checked = check_verifiable(exercise.answer, exercise.answer_type, settings.timeout, exercise.problem)
        facts = key_facts(exercise.problem, checked.answer, checked.answer_type, exercise.solution)
    except RowError as exc:
        return replace(_rejected(job, "malformed_row", str(exc)), failed_field=exc.field)
    except CheckFailed as exc:
        return _rejected(job, exc.reason, exc.detail)
    except Exception as exc:
        return _rejected(job, "check_error", f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS])
    normalized = normalize_text(exercise.problem)
    grams = passages(exercise.problem, settings.ngram, settings.cjk_ngram).keys if settings.ngram else ()
    tid = content_id(normalized, checked.answer)
    task = {
        "id": tid,
        "problem": exercise.problem,
        "prompt": exercise.problem,
        "answer": checked.answer,
        "answer_type": checked.answer_type,
        "solution": exercise.solution,
        "source": exercise.source,
        "license": exercise.license,
        "lang": exercise.lang,
        "split": split_of(tid, settings.test_fraction),
        "difficulty": None,
        "metadata": to_json(exercise.metadata),
        "lineage": to_json({**exercise.lineage, "origin": job.origin, "original_answer": exercise.answer}),
        "verifier": to_json({"name": "answerkey", "answer_type": checked.answer_type}),
    }
    return Mapped(
        task=task,
        keys=fingerprint(normalized, settings.near_duplicate_threshold, grams),
        facts=facts,
    )


def _rejected(job: MapJob, reason: str, detail: str) -> Mapped:
    """A rejection of the job's row; the raw row is serialized only here."""
    return Mapped(rejection=Rejection(job.origin, reason, f"{job.origin}: {detail}", to_json(job.row)))
