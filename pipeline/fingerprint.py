"""What the map step hashes so that the reduce only looks keys up: a problem's fingerprint.

The exact-duplicate key, the LSH band keys of its MinHash and the keys of its decontamination
passages (``pipeline.contamination``) are all pure functions of the problem text, so they are
computed in the workers; the driver's duplicate and contamination checks are then dict lookups.

N-grams are never built as strings: each token gets a 64-bit key (blake2b, cached per process,
as tokens repeat across problems) and an n-gram's key is a polynomial hash of its tokens' keys
mod 2**64, computed for all n-grams of a text at once with numpy (``BASE`` is odd, so it has
an inverse mod 2**64 and prefix sums give every n-gram's key).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from .minhash import band_keys, signature

SHINGLE = 3  # words (characters for Chinese) per MinHash shingle
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_WORD_RE = re.compile(r"\w+")
_BASE = 0x9E3779B97F4A7C15  # odd, so multiplying by it is a bijection mod 2**64
_INVERSE = pow(_BASE, -1, 1 << 64)
_up = _down = np.ones(1, dtype=np.uint64)
_CACHED_TOKENS = 500_000
_token_keys: dict[str, int] = {}


@dataclass(frozen=True)
class Fingerprint:
    """A problem's keys: ``exact`` (its normalized text), ``bands`` (LSH band keys of its
    MinHash; empty when near duplicates are off) and ``grams`` (keys of its decontamination
    passages, distinct, in text order; empty without evaluation sets)."""

    exact: bytes
    bands: tuple[int, ...]
    grams: tuple[int, ...]


def tokens(normalized: str) -> list[str]:
    """The words of normalized text (the characters, for Chinese)."""
    return list(normalized.replace(" ", "")) if _CJK_RE.search(normalized) else _WORD_RE.findall(normalized)


def _keys_of(words: list[str]) -> np.ndarray:
    if len(_token_keys) > _CACHED_TOKENS:
        _token_keys.clear()
    keys = []
    for word in words:
        key = _token_keys.get(word)
        if key is None:
            key = _token_keys[word] = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        keys.append(key)
    return np.array(keys, dtype=np.uint64)


def gram_keys(words: list[str], n: int) -> np.ndarray:
    """The keys of the ``n``-grams of ``words``, in text order (a shorter text is one n-gram):
    ``sum(key(words[i + j]) * BASE**j)``, from prefix sums in a few numpy operations."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    keys = _keys_of(words)
    n = min(n, len(keys))
    count = len(keys) - n + 1
    up, down = _powers(len(keys))
    prefix = np.zeros(len(keys) + 1, dtype=np.uint64)
    np.cumsum(keys * up, out=prefix[1:])
    return (prefix[n : n + count] - prefix[:count]) * down[:count]


def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """``BASE**k`` and ``BASE**-k`` mod 2**64 for k < ``length`` (cached, grown as needed)."""
    global _up, _down
    if len(_up) < length:
        size = max(length, 2 * len(_up))
        _up = np.cumprod(np.r_[np.uint64(1), np.full(size - 1, _BASE, dtype=np.uint64)], dtype=np.uint64)
        _down = np.cumprod(np.r_[np.uint64(1), np.full(size - 1, _INVERSE, dtype=np.uint64)], dtype=np.uint64)
    return _up[:length], _down[:length]


def fingerprint(normalized: str, near_duplicate_threshold: float, grams: tuple[int, ...] = ()) -> Fingerprint:
    """The keys of a normalized problem, with its decontamination passages' keys
    (``pipeline.contamination.passages``) when there are evaluation sets."""
    words = tokens(normalized)
    bands = (
        band_keys(signature(gram_keys(words, SHINGLE).astype(np.uint32)), near_duplicate_threshold)
        if near_duplicate_threshold < 1
        else ()
    )
    return Fingerprint(
        hashlib.blake2b(normalized.encode(), digest_size=16).digest(), bands, tuple(dict.fromkeys(grams))
    )
