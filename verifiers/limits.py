"""Bounds on work: a cooperative deadline and the size limits every step respects.

Signals (SIGALRM) only work in the main thread, so the verifiers bound their own work instead:
every loop and recursion checks a :class:`Deadline`, and every arithmetic primitive is guarded
so that no single step can be expensive (exponents, factorials, precision, input length).
"""

from __future__ import annotations

import time

MAX_TEXT_CHARS = 120_000  # longer solutions are cut to their last part (a 32k-token trace fits)
MAX_MARKERS_TRIED = 64  # "the answer is" markers read from the end of a solution, at most
MAX_BOXES_READ = 256  # \boxed{} read from the end of a solution, at most
MAX_ANSWER_CHARS = 4_000  # an extracted answer longer than this is not parsed
CLEAN_CACHE_CHARS = 8_000_000  # clean_latex's memo: at most 32 MB (4 bytes a character)
MAX_DEPTH = 200  # parser nesting
MAX_NODES = 4_000  # parsed expression size
MAX_EXACT_BITS = 20_000  # exact rationals bigger than this fall back to floating point
MAX_FACTORIAL = 5_000  # n! computed exactly up to here
MAX_EXPONENT = 10**6  # |exponent| beyond which a power is "too large"


class VerifierTimeout(Exception):
    """The deadline passed."""


class TooLarge(ArithmeticError):
    """A value would be too large to compute within the bounds."""


class Deadline:
    """A point in time after which work must stop; ``check()`` raises once it has passed."""

    __slots__ = ("expires",)

    def __init__(self, seconds: float):
        self.expires = time.perf_counter() + seconds

    def check(self) -> None:
        if time.perf_counter() > self.expires:
            raise VerifierTimeout("verification exceeded its time bound")

    def remaining(self) -> float:
        return self.expires - time.perf_counter()

    def extend(self, seconds: float) -> None:
        """Move the deadline later: time that was spent on something other than the item."""
        self.expires += seconds


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (a runaway allocation becomes a MemoryError)."""
    if megabytes > 0:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
