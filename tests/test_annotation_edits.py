"""Edit distance and ratio between a draft and the annotator's final text (no model needed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotation.edits import edit_distance, edit_ratio


def reference_distance(a: str, b: str) -> int:
    """The textbook dynamic programme, an oracle for the bit-parallel version."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    "a, b, distance",
    [
        ("", "", 0),
        ("", "abc", 3),
        ("abc", "", 3),
        ("abc", "abc", 0),
        ("kitten", "sitting", 3),
        ("flaw", "lawn", 2),
        ("intention", "execution", 5),
        ("答案是五", "答案是六", 1),
        ("你好世界", "世界你好", 4),
        ("答案", "", 2),
        ("x" * 200 + "y", "x" * 200 + "z", 1),  # longer than a machine word
    ],
)
def test_edit_distance_known_pairs(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


@pytest.mark.parametrize(
    "draft, final, ratio",
    [
        ("", "", 0.0),
        ("same", "same", 0.0),
        ("", "new", 1.0),
        ("old", "", 1.0),
        ("abc", "xyz", 1.0),
        ("kitten", "sitting", 3 / 7),
        ("答案是五", "答案是六", 0.25),
    ],
)
def test_edit_ratio_known_pairs(draft, final, ratio):
    assert edit_ratio(draft, final) == pytest.approx(ratio)


small = st.text(alphabet="ab中文 \n", max_size=10) | st.text(max_size=6)


@settings(max_examples=300, deadline=None)
@given(small, small, small)
def test_edit_distance_is_a_metric(a, b, c):
    d = edit_distance(a, b)
    assert d == reference_distance(a, b)
    assert d == edit_distance(b, a)
    assert (d == 0) == (a == b)
    assert edit_distance(a, c) <= d + edit_distance(b, c)
    assert 0.0 <= edit_ratio(a, b) <= 1.0
