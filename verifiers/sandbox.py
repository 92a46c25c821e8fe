"""Running sympy under a hard time and memory bound, from any thread.

sympy's simplification can run for minutes, and signals cannot interrupt it outside the main
thread. So the check runs in a helper process (``python -m verifiers.sympy_worker``) that is killed
when the caller's deadline passes. Idle helpers are kept for reuse, one per concurrent caller; a
helper's start-up is never charged to an item (``warm_up`` starts them ahead of time).
Inside ``verify_batch`` workers (already killable, ``ANSWERKEY_SANDBOX=inline``) the check runs
in-process.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time

from .limits import Deadline, VerifierTimeout
from .nodes import to_json

MEMORY_MB = 1024
READY = "ready"  # what a helper says once sympy is imported and warm
STARTUP_SECONDS = 60.0  # importing sympy: about a second on a quiet machine, several on a busy one
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


def _started() -> subprocess.Popen[str]:
    """A new helper once it has said it is ready; VerifierTimeout if it does not within the bound."""
    proc = _start()
    stdout = proc.stdout
    assert stdout is not None  # _start opens it as a pipe
    ready, _, _ = select.select([stdout], [], [], STARTUP_SECONDS)
    if not ready or stdout.readline().strip() != READY:
        proc.kill()
        proc.wait()
        raise VerifierTimeout("the symbolic helper did not start")
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    with _lock:
        if len(_idle) < _MAX_IDLE:
            _idle.append(proc)
            return
    assert proc.stdin is not None
    proc.stdin.close()


def warm_up(helpers: int = 1) -> None:
    """Start helpers in the background, so the first symbolic checks find one ready.

    Optional: a check that finds no idle helper starts one, and that start-up is not charged to
    its deadline either; warming up only saves the wait.
    """

    def start_one() -> None:
        with contextlib.suppress(VerifierTimeout):  # the next check starts its own
            _release(_started())

    for _ in range(helpers):
        threading.Thread(target=start_one, daemon=True).start()


def sympy_equal_bounded(pred, gold, deadline: Deadline) -> bool:
    """``symbolic.sympy_equal`` within the deadline; raises VerifierTimeout when it runs out.

    The deadline is extended by the time spent starting a helper: the start-up (importing sympy,
    seconds on a busy machine) is the process's cost, not the item's, so the same pair gets the
    same verdict on a quiet and on a loaded machine.
    """
    if os.environ.get("ANSWERKEY_SANDBOX") == "inline":
        from .symbolic import sympy_equal

        return sympy_equal(pred, gold)
    if deadline.remaining() <= 0:
        raise VerifierTimeout("no time left for the symbolic check")
    with _lock:
        proc = _idle.pop() if _idle else None
    if proc is None or proc.poll() is not None:
        began = time.perf_counter()
        proc = _started()
        deadline.extend(time.perf_counter() - began)
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
    _release(proc)
    return bool(json.loads(line))
