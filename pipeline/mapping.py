"""The per-row map step of a build: recipe, verifiability, id and MinHash, free of shared state.

Being a pure function of its input, it runs in worker processes (or Ray tasks) while the
order-dependent reduce (duplicates, decontamination, counts) stays in one place.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from .checks import MINHASH_SCHEME, CheckFailed, check_verifiable, shingles, split_of
from .recipes import Recipe, get_recipe
from .schema import Rejection, RowError, task_id, to_json

NUM_PERM = 64
SHINGLE = 3


@dataclass(frozen=True)
class MapJob:
    """One raw row and how to read it."""

    origin: str
    row: dict
    recipe: str
    mapping: tuple
    timeout: float
    test_fraction: float


@dataclass(frozen=True)
class Mapped:
    """A task ready for the reduce (with its MinHash signature), or a rejection."""

    task: dict | None = None
    signature: np.ndarray | None = None
    rejection: Rejection | None = None


@lru_cache(maxsize=1)
def _permutations():
    """The permutations are the same for every signature: draw them once per process."""
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME).permutations


def minhash_of(problem: str) -> MinHash:
    """datasketch's MinHash of the problem's shingles."""
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME, permutations=_permutations())
    grams = sorted(shingles(problem, SHINGLE))
    if grams:
        minhash.update_batch([g.encode() for g in grams])
    return minhash


def map_item(item: "MapJob | Mapped") -> Mapped:
    """A job is mapped; a row already rejected while reading passes through in its place."""
    return item if isinstance(item, Mapped) else map_row(item)


@lru_cache(maxsize=64)
def _recipe(name: str, mapping: tuple) -> Recipe:
    return get_recipe(name, **dict(mapping))


def map_row(job: MapJob) -> Mapped:
    """Exercise -> checked task row, or the reason it cannot be one."""
    raw = to_json(job.row)
    try:
        exercise = _recipe(job.recipe, job.mapping).to_exercise(job.origin, job.row)
        checked = check_verifiable(exercise.answer, exercise.answer_type, job.timeout)
    except RowError as exc:
        return Mapped(rejection=Rejection(job.origin, "malformed_row", f"{job.origin}: {exc}", raw))
    except CheckFailed as exc:
        return Mapped(rejection=Rejection(job.origin, exc.reason, f"{job.origin}: {exc.detail}", raw))
    except Exception as exc:  # noqa: BLE001 - a bad row never stops the build: it is rejected
        detail = f"{job.origin}: {type(exc).__name__}: {exc}"[:500]
        return Mapped(rejection=Rejection(job.origin, "check_error", detail, raw))
    tid = task_id(exercise.problem, checked.answer)
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
        "split": split_of(tid, job.test_fraction),
        "difficulty": None,
        "metadata": to_json(exercise.metadata),
        "lineage": to_json({"origin": job.origin, "original_answer": exercise.answer}),
        "verifier": to_json({"name": "answerkey", "answer_type": checked.answer_type}),
    }
    return Mapped(task=task, signature=minhash_of(exercise.problem).hashvalues)
