"""Units of measure: each spelling's dimension and exact size in its dimension's base unit."""

from __future__ import annotations

from fractions import Fraction

import pytest

from verifiers.conversions import singular, unit
from verifiers.vocabulary import MEASURES


@pytest.mark.parametrize(
    ("name", "dimension", "scale"),
    [
        ("hours", "time", 3600),
        ("Hours", "time", 3600),
        ("min", "time", 60),
        ("mins", "time", 60),
        ("个小时", "time", 3600),
        ("分", "time", 60),  # 3小时20分: a minute, never a hundredth of a yuan
        ("星期", "time", 604800),
        ("inches", "length", Fraction(254, 10000)),
        ("feet", "length", Fraction(3048, 10000)),
        ("Miles", "length", Fraction(1609344, 1000)),
        ("公里", "length", 1000),
        ("分米", "length", Fraction(1, 10)),
        ("lbs", "mass", Fraction(45359237, 100000)),
        ("ounces", "mass", Fraction(45359237, 1600000)),
        ("公斤", "mass", 1000),
        ("吨", "mass", 10**6),
        ("square feet", "area", Fraction(3048, 10000) ** 2),
        ("sq. m", "area", 1),
        ("cm^2", "area", Fraction(1, 10**4)),
        ("km²", "area", 10**6),
        ("平方厘米", "area", Fraction(1, 10**4)),
        ("平方千米", "area", 10**6),
        ("公顷", "area", 10**4),
        ("cubic centimeters", "volume", Fraction(1, 1000)),
        ("立方米", "volume", 1000),
        ("立方分米", "volume", 1),
        ("mL", "volume", Fraction(1, 1000)),
        ("L", "volume", 1),
        ("毫升", "volume", Fraction(1, 1000)),
        ("cents", "dollars", Fraction(1, 100)),
        ("dollars", "dollars", 1),
        ("角", "yuan", Fraction(1, 10)),
        ("dozen", "count", 12),
        ("打", "count", 12),
    ],
)
def test_unit_scale(name: str, dimension: str, scale: int | Fraction) -> None:
    found = unit(name)
    assert found is not None
    assert (found.dimension, found.scale) == (dimension, Fraction(scale))


@pytest.mark.parametrize("name", ["apples", "square units", "square hours", "平方", "ms", "month", "元角", ""])
def test_no_unit(name: str) -> None:
    assert unit(name) is None


def test_conversions_are_exact() -> None:
    def size(name: str) -> Fraction:
        found = unit(name)
        assert found is not None
        return found.scale

    assert 3 * size("个小时") == 180 * size("分钟")
    assert 2400 * size("米") == Fraction("2.4") * size("千米")
    assert Fraction("1.2") * size("公顷") == 12000 * size("平方米")
    assert 2 * size("hours") + 15 * size("minutes") == 135 * size("minutes")
    assert size("mile") == 5280 * size("feet") and size("foot") == 12 * size("inch")
    assert size("pound") == 16 * size("ounce")
    assert size("cubic centimeter") == size("ml") and size("cubic decimeter") == size("liter")


def test_singular() -> None:
    assert [singular(w) for w in ["Inches", "feet", "hours", "boxes", "berries", "hrs", "glass", "ms"]] == [
        "inch",
        "foot",
        "hour",
        "box",
        "berry",
        "hr",
        "glass",
        "ms",
    ]


def test_measures_spell_each_unit_once() -> None:
    spellings = [spelling for sizes in MEASURES.values() for spelling in sizes]
    assert len(spellings) == len(set(spellings))
    assert all(spelling == spelling.lower() for spelling in spellings)
