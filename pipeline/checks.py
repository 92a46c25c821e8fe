"""The checks an exercise passes to become a task: verifiable, not a duplicate, not contaminated."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from verifiers import verify
from verifiers.canonical import canonical_answer, infer_answer_type, perturbed_answer

from .schema import normalize_text

MINHASH_SCHEME = "affine32"
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_WORD_RE = re.compile(r"\w+")


class CheckFailed(Exception):
    """An exercise fails a check: ``reason`` is the short code counted in the manifest."""

    def __init__(self, reason: str, detail: str, kept: str | None = None):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.kept = kept  # for duplicates: the id of the task that was kept


@dataclass(frozen=True)
class CheckedAnswer:
    """A gold answer that passed the self-checks, in canonical form with its type."""

    answer: str
    answer_type: str


def check_verifiable(answer: str, answer_type: str | None, timeout: float = 2.0) -> CheckedAnswer:
    """The gold must parse, match itself and its canonical form, and reject a perturbed answer."""
    try:
        kind = answer_type or infer_answer_type(answer, timeout)
    except ValueError as exc:
        raise CheckFailed("unverifiable_answer", f"the gold {answer!r} cannot be checked: {exc}") from exc
    hint = kind if kind in ("choice", "text") else None
    itself = verify(answer, answer, answer_type=hint, timeout=timeout)
    if not itself.correct:
        raise CheckFailed("unverifiable_answer", f"the gold does not verify against itself: {itself.reason}")
    canonical = canonical_answer(answer, timeout)
    against_canonical = verify(canonical, answer, answer_type=hint, timeout=timeout)
    if not against_canonical.correct:
        raise CheckFailed("unverifiable_answer",
                          f"the gold {answer!r} does not match its canonical form {canonical!r}: "
                          f"{against_canonical.reason}")
    wrong = perturbed_answer(answer, timeout)
    against_wrong = verify(wrong, answer, answer_type=hint, timeout=timeout)
    if against_wrong.correct or against_wrong.status != "ok":
        raise CheckFailed("unverifiable_answer",
                          f"the verifier cannot tell the gold {answer!r} from the wrong {wrong!r}")
    return CheckedAnswer(canonical, kind)


def shingles(text: str, n: int) -> set[str]:
    """Word n-grams of normalized text (character n-grams for Chinese)."""
    text = normalize_text(text)
    tokens = list(text.replace(" ", "")) if _CJK_RE.search(text) else _WORD_RE.findall(text)
    if len(tokens) < n:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimizing the chance of missing a pair above ``threshold`` plus that of
    flagging one below it, as in MinHash LSH (Leskovec et al., Mining of Massive Datasets, 3.4)."""
    steps = 200

    def collide(s: float, b: int, r: int) -> float:
        return 1 - (1 - s**r) ** b

    best, best_error = (1, num_perm), float("inf")
    for b in range(1, num_perm + 1):
        r = num_perm // b
        below = sum(collide(threshold * i / steps, b, r) for i in range(steps)) * threshold / steps
        above = sum(1 - collide(threshold + (1 - threshold) * i / steps, b, r)
                    for i in range(steps)) * (1 - threshold) / steps
        if below + above < best_error:
            best, best_error = (b, r), below + above
    return best


class Deduplicator:
    """Keeps the first of exact (normalized text) and near (MinHash LSH) duplicate problems.

    The LSH index is a compact one of our own over datasketch's MinHash signatures: one dict per
    band from an 8-byte band digest to the kept task, about 0.4 KB a task (datasketch's
    MinHashLSH took 1.6 KB and 0.35 ms an insert here), so a million tasks fit in memory.
    """

    def __init__(self, threshold: float = 0.85, num_perm: int = 64):
        self.ids: list[str] = []
        self.exact: dict[bytes, int] = {}
        self.bands, self.rows = lsh_bands(threshold, num_perm) if threshold < 1 else (0, 0)
        self.tables: list[dict[int, int]] = [{} for _ in range(self.bands)]

    def check(self, task_id: str, problem: str, signature: np.ndarray) -> None:
        """Raise CheckFailed for a duplicate; otherwise remember this problem and its MinHash."""
        key = hashlib.blake2b(normalize_text(problem).encode(), digest_size=16).digest()
        if key in self.exact:
            kept = self.ids[self.exact[key]]
            raise CheckFailed("duplicate", f"same problem as task {kept}", kept)
        values = np.asarray(signature, dtype=np.uint32)
        bands = [int.from_bytes(hashlib.blake2b(values[i * self.rows:(i + 1) * self.rows].tobytes(),
                                                digest_size=8).digest(), "big") for i in range(self.bands)]
        for table, band in zip(self.tables, bands):
            if band in table:
                kept = self.ids[table[band]]
                raise CheckFailed("near_duplicate", f"nearly the same problem as task {kept}", kept)
        index = len(self.ids)
        self.ids.append(task_id)
        self.exact[key] = index
        for table, band in zip(self.tables, bands):
            table[band] = index


class Decontaminator:
    """Rejects problems that share an n-gram (or the whole text) with an evaluation set."""

    def __init__(self, eval_sets: dict[str, Iterable[str]], n: int = 13):
        self.n = n
        self.grams: dict[str, str] = {}
        for name, problems in eval_sets.items():
            for problem in problems:
                for gram in shingles(problem, n):
                    self.grams.setdefault(gram, name)

    def check(self, problem: str) -> None:
        if not self.grams:
            return
        for gram in shingles(problem, self.n):
            if gram in self.grams:
                raise CheckFailed("contaminated", f"shares the {self.n}-gram {gram!r} with {self.grams[gram]}")


def split_of(task_id: str, test_fraction: float, salt: str = "answerkey") -> str:
    """A deterministic train/test assignment from the id alone."""
    bucket = int(hashlib.sha256(f"{salt}:{task_id}".encode()).hexdigest()[:8], 16) / 2**32
    return "test" if bucket < test_fraction else "train"
