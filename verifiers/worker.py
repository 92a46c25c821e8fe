"""A verification worker process: JSON lines in (index, prediction, gold, type, timeout), verdicts out.

Started by ``verify_batch`` as ``python -m verifiers.worker [MEMORY_MB]``; a plain subprocess, so it
works whatever the caller's multiprocessing start method or ``__main__`` guard.
"""

from __future__ import annotations

import json
import os
import sys

from .batch import READY
from .limits import limit_memory
from .verify import verify


def main() -> None:
    os.environ["ANSWERKEY_SANDBOX"] = "inline"  # this process is already killable
    limit_memory(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    out = sys.stdout
    out.write(READY + "\n")  # imported and limited: from here on, time spent is the items'
    out.flush()
    for line in sys.stdin:
        index, prediction, gold, answer_type, timeout = json.loads(line)
        verdict = verify(prediction, gold, answer_type=answer_type, timeout=timeout)
        out.write(json.dumps([index, verdict.to_dict()]) + "\n")
        out.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # the pool went away (its process ended) while this worker was busy
        sys.exit(0)
