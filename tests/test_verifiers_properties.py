"""Property tests (hypothesis): integers with separators, equal fractions, near-but-unequal values."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifiers import verify

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SEPARATORS = [",", " ", "\\,", "{,}"]


def with_separators(n: int, sep: str) -> str:
    """``n`` written with ``sep`` between groups of three digits (e.g. 1234567 -> 1,234,567)."""
    digits = str(abs(n))
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return ("-" if n < 0 else "") + sep.join(reversed(groups))


def why(v) -> str:
    return f"method={v.method} status={v.status} normalized={v.normalized} reason={v.reason}"


def test_with_separators_helper():
    assert with_separators(1234567, ",") == "1,234,567"
    assert with_separators(-1234, "\\,") == "-1\\,234"
    assert with_separators(999, ",") == "999"


@PROPS
@given(n=st.integers(min_value=-(10**15), max_value=10**15), sep=st.sampled_from(SEPARATORS))
def test_integer_equals_itself_with_separators(n, sep):
    written = with_separators(n, sep)
    v = verify(written, str(n))
    assert v.correct, f"{written!r} vs {n}: {why(v)}"
    v = verify(str(n), written)
    assert v.correct, f"{n} vs gold {written!r}: {why(v)}"


@PROPS
@given(n=st.integers(min_value=-(10**15), max_value=10**15), sep=st.sampled_from(SEPARATORS))
def test_integer_never_equals_its_successor(n, sep):
    written = with_separators(n, sep)
    for pred, gold in [(written, str(n + 1)), (str(n + 1), written), (with_separators(n + 1, sep), written)]:
        v = verify(pred, gold)
        assert not v.correct, f"{pred!r} vs gold {gold!r}: {why(v)}"


@PROPS
@given(
    a=st.integers(min_value=-1000, max_value=1000),
    b=st.integers(min_value=1, max_value=1000),
    k=st.integers(min_value=1, max_value=1000),
    latex=st.booleans(),
)
def test_equal_fractions_are_equal(a, b, k, latex):
    def frac(p, q):
        return f"\\frac{{{p}}}{{{q}}}" if latex else f"{p}/{q}"

    pred, gold = frac(k * a, k * b), frac(a, b)
    v = verify(pred, gold)
    assert v.correct, f"{pred!r} vs {gold!r}: {why(v)}"


@PROPS
@given(
    p=st.integers(min_value=-1000, max_value=1000),
    q=st.integers(min_value=1, max_value=1000),
)
def test_fraction_plus_a_thousandth_of_its_denominator_differs(p, q):
    # p/q + 1/(1000q) = (1000p + 1) / (1000q): close, but not equal.
    pred = f"\\frac{{{1000 * p + 1}}}{{{1000 * q}}}"
    gold = f"\\frac{{{p}}}{{{q}}}"
    v = verify(pred, gold)
    assert not v.correct, f"{pred!r} vs {gold!r}: {why(v)}"


@PROPS
@given(m=st.integers(min_value=-(10**9), max_value=10**9), d=st.integers(min_value=1, max_value=12))
def test_terminating_decimal_equals_its_fraction(m, d):
    value = Fraction(m, 10**d)
    sign = "-" if m < 0 else ""
    decimal = f"{sign}{abs(m) // 10**d}.{abs(m) % 10**d:0{d}d}"
    gold = f"\\frac{{{value.numerator}}}{{{value.denominator}}}"
    v = verify(decimal, gold)
    assert v.correct, f"{decimal!r} vs {gold!r}: {why(v)}"


@PROPS
@given(k=st.integers(min_value=1, max_value=300))
def test_tiny_powers_of_ten_are_told_apart(k):
    pred, gold = f"10^{{-{k}}}", f"10^{{-{k + 1}}}"
    v = verify(pred, gold)
    assert not v.correct, f"{pred!r} vs {gold!r}: {why(v)}"
    v = verify(f"10^{{-{k}}}", f"10^{{-{k}}}")
    assert v.correct, f"10^-{k} vs itself: {why(v)}"
