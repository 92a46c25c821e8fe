"""MinHash signatures computed with numpy, equal to datasketch's, and their LSH band keys.

datasketch is the reference (tests check that permutations and signatures agree with its
``MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int)``) but is not imported
here: importing it takes seconds (it pulls in scipy), paid again by every worker process, and its
per-set ``MinHash`` objects hash each item through several layers of Python. Here a set comes as
the array of its items' 32-bit hashes (see ``pipeline.fingerprint``), and the permutations,
drawn once per process as datasketch draws them, are applied in one numpy expression.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

NUM_PERM = 64
SEED = 1
SCHEME = "affine32"
_EMPTY = np.uint32(0xFFFFFFFF)
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@lru_cache(maxsize=1)
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``h -> a * h + b mod 2**32`` (``a`` odd) that datasketch draws for
    ``SEED`` and ``NUM_PERM``, as rows."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
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
    a, b = permutations()
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
        above = (
            sum(1 - collide(threshold + (1 - threshold) * i / steps, b, r) for i in range(steps))
            * (1 - threshold)
            / steps
        )
        if below + above < best_error:
            best, best_error = (b, r), below + above
    return best


def band_keys(values: np.ndarray, threshold: float) -> tuple[int, ...]:
    """One 8-byte digest per LSH band of a signature: two sets share a band key (almost surely)
    only when their signatures agree on all of that band's rows."""
    bands, rows = lsh_bands(threshold, len(values))
    data = np.ascontiguousarray(values, dtype=np.uint32)
    return tuple(
        int.from_bytes(hashlib.blake2b(data[i * rows : (i + 1) * rows].tobytes(), digest_size=8).digest(), "big")
        for i in range(bands)
    )
