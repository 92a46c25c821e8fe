"""Shared helpers for the test suite.

The verifier tests share three things through here, as fixtures (so they work under any pytest
import mode): ``judge`` (assertions on ``verify`` with a readable failure message), the hostile
inputs (parametrized into any test that asks for ``hostile_text``) and ``mixed_pairs`` (a mix of
cheap, symbolic and hostile pairs with their known verdicts, for the thread and batch tests).
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass

import pytest

# The suite never downloads anything: models and tokenizers in tests are built locally.
for _var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(_var, "1")

STATUSES = {"ok", "timeout", "error"}


# --------------------------------------------------------------------------------------------
# judge: assertions on verify()
# --------------------------------------------------------------------------------------------
def describe(verdict) -> str:
    return (
        f"correct={verdict.correct} method={verdict.method!r} status={verdict.status!r} "
        f"extracted={verdict.extracted!r} normalized={verdict.normalized!r} reason={verdict.reason!r}"
    )


class Judge:
    """Thin assertion helpers around ``verifiers.verify``."""

    def __init__(self):
        import verifiers

        self.verify = verifiers.verify
        self.extract = verifiers.extract_answer

    def equal(self, pred: str, gold: str, **kw):
        v = self.verify(pred, gold, **kw)
        assert v.correct is True, f"expected {pred!r} == gold {gold!r} ({kw}); got {describe(v)}"
        assert v.status == "ok", f"a correct verdict must have status ok; got {describe(v)}"
        return v

    def different(self, pred: str, gold: str, **kw):
        v = self.verify(pred, gold, **kw)
        assert v.correct is False, f"expected {pred!r} != gold {gold!r} ({kw}); got {describe(v)}"
        assert v.status in STATUSES, describe(v)
        return v

    def extracts(self, text: str, expected: str, **kw):
        """``extract_answer(text)`` gives an answer that ``verify`` judges equal to ``expected``."""
        got = self.extract(text)
        assert got is not None, f"nothing extracted from {text!r}; expected {expected!r}"
        assert isinstance(got, str)
        v = self.verify(got, expected, **kw)
        assert v.correct, f"extracted {got!r} from {text!r}, expected {expected!r}; {describe(v)}"
        return got


@pytest.fixture(scope="session")
def judge() -> Judge:
    return Judge()


def run_guarded(fn, *args, guard: float, **kwargs):
    """Call ``fn`` in a daemon thread and wait at most ``guard`` seconds: a hang fails the test
    instead of stalling the suite. Returns ``(result, seconds)``; re-raises what ``fn`` raised."""
    box: dict = {}

    def target():
        try:
            box["result"] = fn(*args, **kwargs)
        except BaseException as exc:
            box["exc"] = exc

    start = time.perf_counter()
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(guard)
    took = time.perf_counter() - start
    if worker.is_alive():
        pytest.fail(f"{getattr(fn, '__name__', fn)} did not return within {guard:.1f}s (hang guard)")
    if "exc" in box:
        raise box["exc"]
    return box["result"], took


# --------------------------------------------------------------------------------------------
# Hostile inputs
# --------------------------------------------------------------------------------------------
def _nest(open_: str, inner: str, close: str, depth: int) -> str:
    return open_ * depth + inner + close * depth


def _random_latex(n_chars: int, seed: int) -> str:
    rng = random.Random(seed)
    tokens = [
        "\\frac{",
        "}",
        "{",
        "x",
        "^",
        "_",
        "\\sqrt{",
        "1",
        "9",
        "+",
        "-",
        "*",
        "(",
        ")",
        "\\left(",
        "\\right)",
        "\\boxed{",
        "&",
        "\\\\",
        "\\begin{pmatrix}",
        "\\end{pmatrix}",
        "\\pi",
        "e",
        "!",
        "\\cdot",
        "\\times",
        "10^{",
        "\\int",
        "\\sum_{",
        "=",
        "<",
        ",",
        "\\{",
        "\\}",
        "[",
        "]",
        "$",
        "\\text{",
        "%",
        " ",
        "\\,",
        "答案是",
        "####",
    ]
    out, size = [], 0
    while size < n_chars:
        t = rng.choice(tokens)
        out.append(t)
        size += len(t)
    return "".join(out)[:n_chars]


# id -> text. None of these is 42, and none contains the digits "42", so any "correct" verdict
# against the gold "42" is a false positive, whatever the extraction path.
HOSTILE: dict[str, str] = {
    # arithmetic that cannot be evaluated exactly
    "power_tower_9": "9^{9^{9^9}}",
    "power_tower_2": "2^{2^{2^{2^{2^{2^{2}}}}}}",
    "ten_tower": "10^{10^{10}}",
    "ten_tower_minus_itself": "10^{10^{10}} - 10^{10^{10}} + 1",
    "factorial_million": "(10^6)!",
    "factorial_googol": "(10^{100})!",
    "factorial_plain": "1000000!",
    "double_factorial_tower": "((10^{10})!)!",
    "sqrt_tower": "\\sqrt{10^{10^{10}}}",
    "exp_tower": "e^{e^{e^{e^{e^{e}}}}}",
    "huge_polynomial": "(x+1)^{1000000}",
    "huge_polynomial_diff": "(x+1)^{100000} - (x-1)^{100000}",
    "float_overflow": "1.5e999999999",
    "decimal_flood": "0." + "3" * 5000 + "e-99999999",
    # deep nesting
    "parens_10000": _nest("(", "1", ")", 10_000),
    "frac_10000": _nest("\\frac{1}{", "3", "}", 10_000),
    "sqrt_10000": _nest("\\sqrt{", "3", "}", 10_000),
    "braces_10000": _nest("{", "1", "}", 10_000),
    "boxed_10000": _nest("\\boxed{", "1", "}", 10_000),
    "power_chain_10000": "^".join(["2"] * 10_000),
    # 100,000-character inputs
    "digits_100k": "9" * 100_000,
    "digits_100k_boxed": "\\boxed{" + "1" * 100_000 + "}",
    "sum_100k": "1+" * 50_000 + "1",
    "symbols_100k": "x+" * 50_000 + "x",
    "random_latex_100k": _random_latex(100_000, seed=0),
    "commas_100k": "1," * 50_000,
    "prose_100k": "The answer is maybe. " * 5_000,
    # malformed LaTeX
    "open_frac": "\\frac{1}{",
    "bad_braces": "}}}{{{",
    "open_matrix": "\\begin{pmatrix} 1 &",
    "lone_end_matrix": "\\end{pmatrix}",
    "open_boxed": "\\boxed{",
    "bare_sqrt": "\\sqrt",
    "carets": "^^^__",
    "left_only": "\\left( 1 + ",
    "backslashes": "\\\\\\\\\\",
    "dollars": "$$$$$",
    "division_by_zero": "\\frac{1}{0}",
    "zero_over_zero": "0/0",
    "inf_minus_inf": "\\infty - \\infty",
    "log_zero": "\\log(0)",
    "nul_and_controls": "1\x00\x01\x02\u202e\ufeff",
}

INJECTION_TEMPLATES: dict[str, str] = {
    "os_system": "__import__('os').system('touch {marker}')",
    "os_system_or_value": "__import__('os').system('touch {marker}') or int('4'+'2')",
    "pathlib_touch": "__import__('pathlib').Path('{marker}').touch()",
    "open_write": "open('{marker}', 'w').write('x')",
    "exec": "exec(\"open('{marker}', 'w')\")",
    "eval_in_latex": "\\boxed{{__import__('os').system('touch {marker}')}}",
    "lambda": "lambda: 1",
    "lambda_called": "(lambda: int('4'+'2'))()",
    "subclasses": "().__class__.__bases__[0].__subclasses__()",
    "globals": "globals()['__builtins__']",
    "sympy_function_call": "Symbol('x').__class__.__init__.__globals__",
    "latex_input": "\\input{{/etc/passwd}}",
    "shell_subst": "$(touch {marker})",
}


def pytest_generate_tests(metafunc):
    if "hostile_text" in metafunc.fixturenames:
        metafunc.parametrize("hostile_text", list(HOSTILE.values()), ids=list(HOSTILE))
    if "injection_template" in metafunc.fixturenames:
        metafunc.parametrize("injection_template", list(INJECTION_TEMPLATES.values()), ids=list(INJECTION_TEMPLATES))


@pytest.fixture(scope="session")
def hostile_inputs() -> dict[str, str]:
    return dict(HOSTILE)


# --------------------------------------------------------------------------------------------
# A mix of pairs with known verdicts, for the thread and batch tests
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    pred: str
    gold: str
    expected: bool
    hostile: bool = False


MIXED_PAIRS: list[Case] = [
    Case("42", "42", True),
    Case("43", "42", False),
    Case("1,234", "1234", True),
    Case("\\frac{1}{2}", "0.5", True),
    Case("\\frac{1}{3}", "0.33", False),
    Case("2/4", "\\frac{1}{2}", True),
    Case("7\\frac{3}{4}", "\\frac{31}{4}", True),
    Case("3\\times10^5", "300000", True),
    Case("25\\%", "25\\%", True),
    Case("0.5", "50", False),
    Case("\\$7.50", "7.5", True),
    Case("3 million", "3000000", True),
    Case("3.14", "\\pi", False),
    Case("\\sqrt{8}", "2\\sqrt{2}", True),
    Case("i(2-i)", "1+2i", True),
    Case("(x+1)^2", "x^2+2x+1", True),
    Case("\\sin^2 x + \\cos^2 x", "1", True),
    Case("x+1", "x+2", False),
    Case("\\frac{x^2-1}{2}", "\\frac{(x-1)(x+1)}{2}", True),
    Case("(a+b)^3", "a^3+3a^2b+3ab^2+b^3", True),
    Case("(a+b)^3", "a^3+3a^2b+3ab^2+b^2", False),
    Case("x=3", "3", True),
    Case("x>2", "(2,\\infty)", True),
    Case("[0,1)", "(0,1]", False),
    Case("\\{3,2,1\\}", "\\{1,2,3\\}", True),
    Case("(2,1)", "(1,2)", False),
    Case("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", True),
    Case("\\begin{pmatrix}1&3\\\\2&4\\end{pmatrix}", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", False),
    Case("The answer is (B).", "B", True),
    Case("选C", "B", False),
    Case("\\text{Tuesday}", "Tuesday", True),
    Case("seven", "7", True),
    Case("二十五", "25", True),
    Case("１２", "12", True),
    Case("小明一共有 3 + 4 = 7 个苹果。答：小明一共有7个苹果。", "7", True),
    Case("First 2+2=4, then 4 \\times 2 = 8. The answer is \\boxed{8}.", "4", False),
    Case("\\frac{1}{2^{98}}", "\\frac{1}{2^{99}}", False),
    Case("10^{-20}", "10^{-21}", False),
    Case("9^{9^{9^9}}", "42", False, hostile=True),
    Case(_nest("(", "1", ")", 10_000), "42", False, hostile=True),
]


@pytest.fixture(scope="session")
def mixed_pairs() -> list[Case]:
    return list(MIXED_PAIRS)


def word_level_tokenizer(words: list[str]):
    """A word-level fast tokenizer with a simple chat template, built locally: nothing downloaded.

    ``words`` after the special tokens ``[PAD] [EOS] [UNK] user assistant :`` form the vocabulary.
    """
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = ["[PAD]", "[EOS]", "[UNK]", "user", "assistant", ":"]
    vocab = list(dict.fromkeys(vocab + list(words)))
    backend = Tokenizer(models.WordLevel({w: i for i, w in enumerate(vocab)}, unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok = PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="[PAD]", eos_token="[EOS]", unk_token="[UNK]")
    tok.chat_template = (
        "{% for m in messages %}{{ m['role'] }} : {{ m['content'] }} {% endfor %}"
        "{% if add_generation_prompt %}assistant : {% endif %}"
    )
    return tok


def pytest_collection_modifyitems(config, items):
    """A test that uses the embedded Argilla server is a ``server`` test (see the markers in
    pyproject.toml), wherever it is written."""
    for item in items:
        if "argilla_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def argilla_server(tmp_path_factory):
    """The embedded Argilla server, started once per test session in a temp home."""
    from argilla_fixture import start_server

    server = start_server(tmp_path_factory.mktemp("argilla") / "home")
    yield server
    server.stop()


def require_system_tool(available: bool, reason: str) -> None:
    """Skip a test whose system package is missing, except under CI, where that is a failure
    (`make system-packages` installs chromium and redis-server)."""
    if available:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI is set: this test must run; `make system-packages` installs it)")
    pytest.skip(reason)
