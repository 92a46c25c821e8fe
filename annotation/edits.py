"""How much an annotator changed a draft: character edit distance and the edit ratio.

Pure Python, so ``annotation.pull`` measures edits without importing torch or transformers.
"""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between ``a`` and ``b`` in characters.

    Hyyrö's bit-parallel form of Myers' algorithm: one column of the table is a pair of bit
    vectors (Python ints), so the cost is ``len(b)`` steps of a few integer operations.
    """
    if not a or not b:
        return len(a) + len(b)
    match: dict[str, int] = {}
    for i, char in enumerate(a):
        match[char] = match.get(char, 0) | 1 << i
    mask, top = (1 << len(a)) - 1, 1 << (len(a) - 1)
    plus, minus, score = mask, 0, len(a)  # vertical +1 / -1 deltas of the current column
    for char in b:
        eq = match.get(char, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        hplus = minus | (~(xh | plus) & mask)
        hminus = plus & xh
        score += bool(hplus & top) - bool(hminus & top)
        hplus = (hplus << 1) | 1
        hminus <<= 1
        plus = (hminus | ~(xv | hplus)) & mask
        minus = hplus & xv
    return score


def edit_ratio(draft: str, final: str) -> float:
    """How much of ``draft`` was changed to reach ``final``: 0 unchanged, 1 completely rewritten."""
    return edit_distance(draft, final) / max(len(draft), len(final), 1)
