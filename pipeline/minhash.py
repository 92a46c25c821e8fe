"""MinHash signatures computed with numpy, equal to datasketch's, and their LSH band keys.

datasketch (the reference; a test checks the two agree) builds a ``MinHash`` object per set and
hashes each item through several layers of Python; here a set comes as the array of its items'
32-bit hashes (see ``pipeline.fingerprint``) and the permutations (drawn once per process, by
datasketch) are applied in one numpy expression: a ``MinHash(num_perm=NUM_PERM, seed=SEED,
scheme=SCHEME, hashfunc=int)`` fed the same hashes has the same ``hashvalues``.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
from datasketch import MinHash

NUM_PERM = 64
SEED = 1
SCHEME = "affine32"
_EMPTY = np.uint32(0xFFFFFFFF)
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``(a, b)`` permutation parameters for ``SEED`` and ``NUM_PERM``, as rows."""
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    return a.reshape(1, -1), b.reshape(1, -1)


def signature(hashes: np.ndarray) -> np.ndarray:
    """The MinHash of a set given as its items' 32-bit hashes (uint32): datasketch's
    ``hashvalues`` after ``update_batch`` of the same values with ``hashfunc=int``."""
    if not len(hashes):
        return np.full(NUM_PERM, _EMPTY, dtype=np.uint32)
    hv = np.asarray(hashes, dtype=np.uint32).reshape(-1, 1)
    s1, m1, s2, m2, s3 = _FMIX  # MurmurHash3's finalizer, as datasketch pre-mixes each hash
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    a, b = _permutations()
    return (hv * a + b).min(axis=0)


@lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) minimizing the chance of missing a pair above ``threshold`` plus that of
    flagging one below it, as in MinHash LSH (Leskovec et al., Mining of Massive Datasets, 3.4).
    A threshold of 1 turns near duplicates off: no bands."""
    if threshold >= 1:
        return 0, 0
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


def band_keys(values: np.ndarray, threshold: float) -> tuple[int, ...]:
    """One 8-byte digest per LSH band of a signature: two sets share a band key (almost surely)
    only when their signatures agree on all of that band's rows."""
    bands, rows = lsh_bands(threshold, len(values))
    data = np.ascontiguousarray(values, dtype=np.uint32)
    return tuple(int.from_bytes(hashlib.blake2b(data[i * rows:(i + 1) * rows].tobytes(), digest_size=8).digest(),
                                "big") for i in range(bands))
