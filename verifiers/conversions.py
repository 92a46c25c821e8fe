"""Units of measure: the size of each unit in its dimension's base unit, as an exact fraction.

The spellings and their sizes are the vocabulary's (``vocabulary.MEASURES``); this module reads
them in English plurals and capitals (``Hours``, ``inches``, ``feet``) and reads the squares and
cubes of a length (``square feet``, ``sq m``, ``cm^2``, ``m³``, ``平方厘米``, ``立方米``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .vocabulary import MEASURE_PLURALS, MEASURES


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit's dimension (``time``, ``length``, ...) and its size in that dimension's base unit."""

    dimension: str
    scale: Fraction


_UNITS = {
    spelling: Unit(dimension, Fraction(size))
    for dimension, sizes in MEASURES.items()
    for spelling, size in sizes.items()
}
_LITRES_PER_CUBIC_METRE = 1000
# Words and marks that make a length an area or a volume: (before the length, after it, power).
_POWERS = (
    (("square ", "sq ", "sq. ", "平方"), ("^2", "^{2}", "²", " squared"), 2),
    (("cubic ", "cu ", "立方"), ("^3", "^{3}", "³", " cubed"), 3),
)


def singular(word: str) -> str:
    """An English word in lower case and in the singular: ``Inches`` -> ``inch``, ``feet`` -> ``foot``.

    Words of two letters or fewer stay as they are (``ms`` is no plural of ``m``).
    """
    word = word.lower()
    if word in MEASURE_PLURALS:
        return MEASURE_PLURALS[word]
    if len(word) <= 2 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    return word[:-1]


def unit(name: str) -> Unit | None:
    """The unit ``name`` spells (``hours``, ``km``, ``公里``, ``square feet``, ``cm^3``), or None."""
    name = " ".join(name.split())
    lowered = name.lower()
    for before, after, power in _POWERS:
        length = next((name[len(p) :] for p in before if lowered.startswith(p)), None)
        length = length or next((name[: -len(s)] for s in after if lowered.endswith(s)), None)
        if length:
            return _power_of_length(length, power)
    return _UNITS.get(name) or _UNITS.get(lowered) or _UNITS.get(singular(name))


def _power_of_length(name: str, power: int) -> Unit | None:
    """The area (square metres) or volume (litres) of a length unit squared or cubed."""
    length = unit(name)
    if length is None or length.dimension != "length":
        return None
    if power == 2:
        return Unit("area", length.scale**2)
    return Unit("volume", length.scale**3 * _LITRES_PER_CUBIC_METRE)
