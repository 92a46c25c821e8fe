"""The one vocabulary the parser, evaluator, symbolic converter and comparer all read.

Functions (each spelling mapped to one canonical name, with its mpmath and sympy names),
constants, Greek letters, named sets, units, number words and text answers. Adding a spelling
here teaches every stage at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Function:
    """A function the verifiers know: its canonical name and how mpmath and sympy call it."""

    name: str
    mpmath: str  # attribute of an mpmath context
    sympy: str  # attribute of the sympy module
    sympy_base: int | None = None  # a second sympy argument (``log(x, 10)`` for lg)


_KNOWN = [
    Function("sin", "sin", "sin"),
    Function("cos", "cos", "cos"),
    Function("tan", "tan", "tan"),
    Function("sec", "sec", "sec"),
    Function("csc", "csc", "csc"),
    Function("cot", "cot", "cot"),
    Function("arcsin", "asin", "asin"),
    Function("arccos", "acos", "acos"),
    Function("arctan", "atan", "atan"),
    Function("arcsec", "asec", "asec"),
    Function("arccsc", "acsc", "acsc"),
    Function("arccot", "acot", "acot"),
    Function("sinh", "sinh", "sinh"),
    Function("cosh", "cosh", "cosh"),
    Function("tanh", "tanh", "tanh"),
    Function("exp", "exp", "exp"),
    Function("ln", "ln", "log"),
    Function("log10", "log10", "log", 10),
    Function("abs", "fabs", "Abs"),
    Function("floor", "floor", "floor"),
    Function("ceil", "ceil", "ceiling"),
]
FUNCTIONS: dict[str, Function] = {f.name: f for f in _KNOWN}
# Functions of an angle: a degree sign inside their argument (\sin 15^\circ) converts it to radians.
ANGLE_FUNCTIONS = frozenset({"sin", "cos", "tan", "sec", "csc", "cot"})
# A trigonometric function to the power -1 is its inverse (\sin^{-1} x = \arcsin x), not a reciprocal.
INVERSE_FUNCTIONS = {name: "arc" + name for name in ANGLE_FUNCTIONS}
# Every spelling of a function, as a word or a LaTeX command name, to its canonical name.
FUNCTION_SPELLINGS: dict[str, str] = {
    **{f.name: f.name for f in _KNOWN if f.name not in ("abs", "floor", "ceil", "log10")},
    "asin": "arcsin",
    "acos": "arccos",
    "atan": "arctan",
    "log": "ln",  # log without a base is natural in MATH's and most solutions' usage
    "lg": "log10",
    "arcctg": "arccot",
    "tg": "tan",
    "ctg": "cot",
}
# Functions of two arguments, or whose value is only defined on integers.
OTHER_FUNCTIONS = {"binom", "gcd", "lcm"}
# Functions of integers written with their arguments in brackets: \gcd(12, 18), lcm(4, 6).
INTEGER_FUNCTIONS = frozenset({"gcd", "lcm"})
KNOWN_FUNCTION_NAMES = set(FUNCTIONS) | OTHER_FUNCTIONS
# Letters that name a function when followed directly by "(": f(x), g(2), P(x).
FUNCTION_LETTERS = set("fghFGHPQWpq")

CONSTANTS: dict[str, str] = {"pi": "pi", "varpi": "pi", "infty": "inf", "infinity": "inf", "imath": "i"}
# Two-letter words the tokenizer keeps whole (other two-letter words are products: xy).
WHOLE_WORDS = {"pi", "ln", "lg", "tg"}

GREEK = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Phi",
    "Psi",
    "Omega",
}

# Named sets: LaTeX commands, blackboard letters (after \mathbb is unwrapped) and words.
EMPTY_SET_COMMANDS = {"\\emptyset", "\\varnothing", "\\O"}
BLACKBOARD_SETS = {"R": "reals", "N": "naturals", "Z": "integers", "Q": "rationals", "C": "complexes"}
# Sets named in words, as the LaTeX they stand for (an answer that is only the name, or a short
# sentence ending with it: "The range is all positive real numbers.").
NAMED_SET_WORDS = {
    "empty set": "\\emptyset",
    "emptyset": "\\emptyset",
    "no solution": "\\emptyset",
    "no solutions": "\\emptyset",
    "no real solutions": "\\emptyset",
    "无解": "\\emptyset",
    "空集": "\\emptyset",
    "real numbers": "\\mathbb{R}",
    "real number": "\\mathbb{R}",
    "reals": "\\mathbb{R}",
    "全体实数": "\\mathbb{R}",
    "实数集": "\\mathbb{R}",
    "positive real numbers": "(0,\\infty)",
    "positive reals": "(0,\\infty)",
    "negative real numbers": "(-\\infty,0)",
    "negative reals": "(-\\infty,0)",
    "nonnegative real numbers": "[0,\\infty)",
    "non-negative real numbers": "[0,\\infty)",
    "natural numbers": "\\mathbb{N}",
    "自然数集": "\\mathbb{N}",
    "integers": "\\mathbb{Z}",
    "整数集": "\\mathbb{Z}",
}

UNITS = (
    "square|sq|cubic|centimeters?|centimetres?|cm|mm|km|meters?|metres?|inch(?:es)?|in|feet|foot|ft|"
    "yards?|yd|miles?|mi|kilograms?|kg|grams?|gm|pounds?|lbs?|ounces?|oz|seconds?|sec|s|minutes?|"
    "min|mins|hours?|hrs?|h|days?|weeks?|months?|years?|yrs?|dollars?|cents?|euros?|yuan|rmb|usd|"
    "units?|degrees?|deg|liters?|litres?|ml|mph|km/h|kph|m/s|km/s|cm/s|ft/s|people|persons?|students?|points?|"
    "cups?|quarts?|pints?|gallons?|tablespoons?|teaspoons?|tbsp|tsp|apples?|books?|pieces?|times|ways?|m|g|l"
)
# Units of measure by dimension: each spelling (English singular and lower case; Chinese) to its
# size in the dimension's base unit (second, metre, gram, square metre, litre, dollar, yuan, one
# item), exact. They confirm a value restated in other units (3个小时，即180分钟; 2 hours, which
# is 120 minutes); conversions.py reads plurals, capitals and the squares and cubes of a length
# (square feet, cm^2, 平方厘米, 立方米). A dozen (打) is 12 of the noun after it. 分 is a minute
# (3小时20分), never a hundredth of a yuan.
MEASURES: dict[str, dict[str, int | str]] = {
    "time": {
        **dict.fromkeys(["second", "sec", "s", "秒", "秒钟"], 1),
        **dict.fromkeys(["minute", "min", "分钟", "分"], 60),
        **dict.fromkeys(["hour", "hr", "h", "小时", "个小时", "钟头", "个钟头"], 3600),
        **dict.fromkeys(["day", "天"], 86400),
        **dict.fromkeys(["week", "周", "星期", "个星期"], 604800),
    },
    "length": {
        **dict.fromkeys(["millimeter", "millimetre", "mm", "毫米"], "1/1000"),
        **dict.fromkeys(["centimeter", "centimetre", "cm", "厘米"], "1/100"),
        **dict.fromkeys(["decimeter", "decimetre", "dm", "分米"], "1/10"),
        **dict.fromkeys(["meter", "metre", "m", "米"], 1),
        **dict.fromkeys(["kilometer", "kilometre", "km", "千米", "公里"], 1000),
        **dict.fromkeys(["inch", "in"], "0.0254"),
        **dict.fromkeys(["foot", "ft"], "0.3048"),
        **dict.fromkeys(["yard", "yd"], "0.9144"),
        **dict.fromkeys(["mile", "mi"], "1609.344"),
    },
    "mass": {
        **dict.fromkeys(["milligram", "mg", "毫克"], "1/1000"),
        **dict.fromkeys(["gram", "g", "克"], 1),
        **dict.fromkeys(["kilogram", "kg", "千克", "公斤"], 1000),
        **dict.fromkeys(["tonne", "吨"], 10**6),
        **dict.fromkeys(["pound", "lb"], "453.59237"),
        **dict.fromkeys(["ounce", "oz"], "28.349523125"),
    },
    "area": dict.fromkeys(["hectare", "ha", "公顷"], 10**4),
    "volume": {
        **dict.fromkeys(["milliliter", "millilitre", "ml", "毫升"], "1/1000"),
        **dict.fromkeys(["liter", "litre", "l", "升"], 1),
        # US customary, exact from the gallon of 3.785411784 litres (12 cups, or 3 quarts)
        **dict.fromkeys(["gallon", "gal"], "3.785411784"),
        **dict.fromkeys(["quart", "qt"], "0.946352946"),
        **dict.fromkeys(["pint", "pt"], "0.473176473"),
        "cup": "0.2365882365",
        **dict.fromkeys(["tablespoon", "tbsp"], "0.01478676478125"),
        **dict.fromkeys(["teaspoon", "tsp"], "0.00492892159375"),
    },
    "dollars": {"dollar": 1, "cent": "1/100"},
    "yuan": {"元": 1, "角": "1/10"},
    "count": {"dozen": 12, "打": 12, "个": 1},
    "angle": dict.fromkeys(["degree", "deg", "度", "°"], 1),
}
# English plurals that are not the singular and -s or -es.
MEASURE_PLURALS = {"feet": "foot"}

EN_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Denominators in words (two thirds, three quarters, a half): the singular only after a / an / one,
# where it is no ordinal (a third of the class; not the twenty-third day).
EN_DENOMINATORS = {
    "half": 2,
    "third": 3,
    "quarter": 4,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "twelfth": 12,
    "hundredth": 100,
    "thousandth": 1000,
}
EN_DENOMINATOR_PLURALS = {"halves": "half", **{word + "s": word for word in EN_DENOMINATORS if word != "half"}}
# Scale words after a numeral: 3 million, 2.5万.
SCALE_EXPONENTS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "万": 4, "亿": 8}

ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
ZH_LARGE = {"万": 10**4, "亿": 10**8}

# Short text answers that mean the same in any spelling: each to its canonical word.
TEXT_ANSWERS = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "t": "yes",
    "correct": "yes",
    "right": "yes",
    "是": "yes",
    "是的": "yes",
    "对": "yes",
    "正确": "yes",
    "成立": "yes",
    "能": "yes",
    "可以": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "f": "no",
    "incorrect": "no",
    "wrong": "no",
    "否": "no",
    "不是": "no",
    "不对": "no",
    "错误": "no",
    "错": "no",
    "不成立": "no",
    "不能": "no",
    "不可以": "no",
}
# The marks a true-or-false exercise's key is written with (判断题: √ / ×): each to its canonical word.
JUDGEMENT_MARKS = {"√": "yes", "✓": "yes", "✔": "yes", "×": "no", "✗": "no", "✘": "no"}
