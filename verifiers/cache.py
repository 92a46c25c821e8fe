"""A memo cache bounded by the size of what it holds, not by its number of entries.

``functools.lru_cache(maxsize=N)`` bounds entries, so N answers of 200 KB each hold N x 200 KB.
This one counts the characters of keys and values (at most 4 bytes each) and drops the least
recently used entries once over its budget; texts bigger than one entry's share are not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps


def text_cache(max_chars: int, max_entry_chars: int) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """Memoize a ``str -> str`` function within ``max_chars`` characters in all (thread-safe)."""

    def decorate(function: Callable[[str], str]) -> Callable[[str], str]:
        entries: OrderedDict[str, str] = OrderedDict()
        held = 0
        lock = threading.Lock()

        @wraps(function)
        def cached(text: str) -> str:
            nonlocal held
            with lock:
                if text in entries:
                    entries.move_to_end(text)
                    return entries[text]
            value = function(text)
            size = len(text) + len(value)
            if size > max_entry_chars:
                return value
            with lock:
                if text not in entries:
                    entries[text] = value
                    held += size
                while held > max_chars:
                    old_key, old_value = entries.popitem(last=False)
                    held -= len(old_key) + len(old_value)
            return value

        def cache_chars() -> int:
            """Characters held now (for tests and memory accounting)."""
            return held

        cached.cache_chars = cache_chars  # type: ignore[attr-defined]
        return cached

    return decorate
