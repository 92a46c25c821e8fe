"""Running sympy under a hard time and memory bound, from any thread.

sympy's simplification can run for minutes, and signals cannot interrupt it outside the main
thread. So the check runs in a helper process (``python -m verifiers.sympy_worker``) that is killed
when the caller's deadline passes. Idle helpers are kept for reuse, one per concurrent caller.
Inside ``verify_batch`` workers (already killable, ``ANSWERKEY_SANDBOX=inline``) the check runs
in-process.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading

from .limits import Deadline, VerifierTimeout
from .nodes import to_json

MEMORY_MB = 1024
_MAX_IDLE = 4
_idle: list[subprocess.Popen[str]] = []
_lock = threading.Lock()


def _start() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "verifiers.sympy_worker", str(MEMORY_MB)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def sympy_equal_bounded(pred, gold, deadline: Deadline) -> bool:
    """``symbolic.sympy_equal`` within the deadline; raises VerifierTimeout when it runs out."""
    if os.environ.get("ANSWERKEY_SANDBOX") == "inline":
        from .symbolic import sympy_equal

        return sympy_equal(pred, gold)
    if deadline.remaining() <= 0:
        raise VerifierTimeout("no time left for the symbolic check")
    with _lock:
        proc = _idle.pop() if _idle else None
    if proc is None or proc.poll() is not None:
        proc = _start()
    stdin, stdout = proc.stdin, proc.stdout
    assert stdin is not None and stdout is not None  # _start opens both as pipes
    stdin.write(json.dumps([to_json(pred), to_json(gold)]) + "\n")
    stdin.flush()
    ready, _, _ = select.select([stdout], [], [], max(deadline.remaining(), 0.0))
    if not ready:
        proc.kill()
        proc.wait()
        raise VerifierTimeout("symbolic check exceeded its time bound")
    line = stdout.readline()
    if not line:
        proc.wait()
        return False
    with _lock:
        if len(_idle) < _MAX_IDLE:
            _idle.append(proc)
        else:
            stdin.close()
    return bool(json.loads(line))
