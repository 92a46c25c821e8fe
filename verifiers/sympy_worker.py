"""The sandbox's helper process: one JSON line in (two parse trees), ``true``/``false`` out."""

from __future__ import annotations

import json
import sys

from .limits import limit_memory
from .nodes import tree_from_json


def main() -> None:
    """Helper process: one JSON line in (two trees), ``true``/``false`` out."""
    limit_memory(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    from .parser import parse
    from .sandbox import READY
    from .symbolic import sympy_equal

    warm = parse("(n+1)!"), parse("(n+1) n!")
    sympy_equal(*warm)  # sympy imports much of itself on first use: pay that before saying ready
    sys.stdout.write(READY + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        pred, gold = (tree_from_json(x) for x in json.loads(line))
        try:
            answer = sympy_equal(pred, gold)
        except Exception:
            answer = False
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
