"""sympy as the last resort: symbolic integers, no eval, and a hard bound from any thread."""

import builtins
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sympy

from verifiers import sandbox, verify
from verifiers.answers import parse_answer
from verifiers.limits import Deadline, VerifierTimeout
from verifiers.sandbox import sympy_equal_bounded
from verifiers.symbolic import to_sympy

COMBINATORIAL = [
    (r"\binom{2n}{n}", r"\frac{(2n)!}{(n!)^2}", True),
    (r"n!", r"n\cdot(n-1)!", True),
    (r"(n+1)!", r"(n+1)\cdot n!", True),
    (r"(n+1)!", r"n!\cdot(n+2)", False),
    (r"\frac{(n+2)!}{n!}", r"(n+1)(n+2)", True),
]


@pytest.mark.parametrize("pred,gold,expected", COMBINATORIAL)
def test_factorials_of_symbolic_integers_are_decided_by_sympy(pred, gold, expected):
    v = verify(pred, gold, timeout=20)
    assert v.status == "ok", v
    assert v.correct is expected, v
    assert v.method == "sympy", v


def test_to_sympy_never_evaluates_text(monkeypatch):
    text = r"\frac{x^2 + 1}{\sqrt{2}} + \sin(\pi x) + 3!"
    to_sympy(parse_answer(text).node)  # sympy imports modules lazily (with exec) on first use

    def forbidden(*args, **kwargs):
        raise AssertionError("answer text must never reach eval/exec")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    expr = to_sympy(parse_answer(text).node)
    x = sympy.Symbol("x")
    assert expr.subs(x, 0) == 1 / sympy.sqrt(2) + 6


def _fake_helpers(monkeypatch, script: str) -> list[subprocess.Popen]:
    """Make the sandbox start ``python -c script`` as its helpers (no idle ones); the list of those started."""
    started: list[subprocess.Popen] = []

    def start():
        proc = subprocess.Popen(
            [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        started.append(proc)
        return proc

    monkeypatch.setattr(sandbox, "_start", start)
    monkeypatch.setattr(sandbox, "_idle", [])
    return started


def test_a_helper_that_does_not_answer_in_time_is_killed(monkeypatch):
    started = _fake_helpers(monkeypatch, "import time; print('ready', flush=True); time.sleep(60)")
    a, b = parse_answer(r"(n+5)!").node, parse_answer(r"(n+5)\cdot(n+4)!").node
    begin = time.perf_counter()
    with pytest.raises(VerifierTimeout):
        sympy_equal_bounded(a, b, Deadline(0.5))
    assert time.perf_counter() - begin < 5
    assert started and started[0].poll() is not None  # killed, not left running


def test_a_helper_that_does_not_start_is_killed_and_reported(monkeypatch):
    started = _fake_helpers(monkeypatch, "import time; time.sleep(60)")
    monkeypatch.setattr(sandbox, "STARTUP_SECONDS", 0.5)
    a, b = parse_answer(r"(n+5)!").node, parse_answer(r"(n+5)\cdot(n+4)!").node
    with pytest.raises(VerifierTimeout, match="did not start"):
        sympy_equal_bounded(a, b, Deadline(30.0))
    assert started[0].poll() is not None


def test_a_helpers_start_up_is_not_charged_to_the_items_deadline(monkeypatch):
    monkeypatch.setattr(sandbox, "_idle", [])  # no warm helper: this call starts one
    verdict = verify(r"(n+5)!", r"(n+5)\cdot(n+4)!", timeout=0.2)  # less than sympy's import
    assert (verdict.correct, verdict.method, verdict.status) == (True, "sympy", "ok"), verdict


def test_warm_up_leaves_a_ready_helper(monkeypatch):
    monkeypatch.setattr(sandbox, "_idle", [])
    sandbox.warm_up(1)
    for _ in range(600):
        if sandbox._idle:
            break
        time.sleep(0.1)
    [helper] = sandbox._idle
    assert helper.poll() is None


def _burn(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


@pytest.mark.slow  # keeps every core busy for a while
def test_the_same_pair_gets_the_same_verdict_on_a_busy_machine(monkeypatch):
    import multiprocessing

    pairs = [(r"(n+5)!", r"(n+5)\cdot(n+4)!"), (r"\binom{n}{2}", r"\frac{n(n-1)}{2}"), (r"\sin(x)^2", r"1-\cos(x)^2")]
    quiet = [verify(p, g).correct for p, g in pairs]
    burners = [
        multiprocessing.get_context("spawn").Process(target=_burn, args=(60.0,))
        for _ in range(4 * (os.cpu_count() or 1))
    ]
    for burner in burners:
        burner.start()
    try:
        monkeypatch.setattr(sandbox, "_idle", [])  # cold: every helper starts on the busy machine
        busy = [verify(p, g).correct for p, g in pairs]  # the default 2 s deadline
    finally:
        for burner in burners:
            burner.kill()
    assert quiet == busy == [True, True, True]


def test_sandbox_answers_within_a_deadline():
    a, b = parse_answer(r"(n+5)!").node, parse_answer(r"(n+5)\cdot(n+4)!").node
    assert sympy_equal_bounded(a, b, Deadline(30.0)) is True
    with pytest.raises(VerifierTimeout):
        sympy_equal_bounded(a, b, Deadline(0.0))


@pytest.mark.slow  # eight sympy helper processes
def test_sandbox_serves_eight_threads():
    pairs = [(p, g) for p, g, _ in COMBINATORIAL] * 2
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda pg: verify(*pg, timeout=30).correct, pairs))
    assert results == [e for _, _, e in COMBINATORIAL] * 2
