"""Recipes: how a raw row of a known dataset (or of any table, by column mapping) becomes an Exercise.

``get_recipe(name, **options)`` gives a ``Recipe``; ``recipe.to_exercise(origin, row)`` returns
an ``Exercise`` or raises ``RowError(field, message)`` for a row that lacks what it needs.
``source``, ``license`` and ``lang`` default per recipe and can be overridden; a recipe whose
sources mix languages (TAL-SCQ, MGSM, generic tables) detects each row's from its problem text
(``pipeline.language``). Only ``generic`` and ``auto`` take a column mapping (``problem_col``,
``answer_col``, ``solution_col``, ``answer_type_col``).
"""

from __future__ import annotations

import re

from verifiers import extract_answer
from verifiers.extract import find_boxes
from verifiers.verify import ANSWER_TYPES

from .language import detect_language
from .schema import Exercise, RowError, mapping_column

OVERRIDES = ("source", "license", "lang")
MAPPING = ("problem_col", "answer_col", "solution_col", "answer_type_col")

_CALCULATOR_RE = re.compile(r"<<[^<>]*>>")
_THOUSANDS_RE = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_LEVEL_RE = re.compile(r"(?:Level\s*)?(\d+)")


def _text(row: dict, column: str) -> str:
    """The stripped text of ``row[column]`` (numbers are written out); ``RowError(column,
    "missing" | "empty")`` when absent or blank."""
    value = _optional_text(row, column)
    if value is None:
        raise RowError(column, "missing" if row.get(column) is None else "empty")
    return value


def _optional_text(row: dict, column: str) -> str | None:
    """The stripped text of ``row[column]`` (numbers are written out); ``None`` when absent or blank."""
    value = row.get(column)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if value is not None and not isinstance(value, str):
        raise RowError(column, f"expected text, got {type(value).__name__}")
    return (value.strip() or None) if value is not None else None


def _pick(row: dict, columns: tuple[str, ...]) -> dict:
    """The given columns of ``row`` that it has, for ``Exercise.metadata``."""
    return {column: row[column] for column in columns if column in row}


def last_box(solution: str) -> str | None:
    """The content of the last ``\\boxed{}`` / ``\\fbox{}`` in ``solution``, if any."""
    boxes = find_boxes(solution)
    return (boxes[-1].content.strip() or None) if boxes else None


class Recipe:
    """Turns raw rows into Exercises; subclasses implement ``fields(row)``.

    ``lang`` None: detected per row from the problem. ``columns``: the field names of the
    recipe's CSV/TSV files when they have no header line."""

    name = ""
    license = ""
    lang: str | None = None
    columns: tuple[str, ...] = ()

    def __init__(self, *, source: str | None = None, license: str | None = None, lang: str | None = None):
        self.source = source or self.name
        self.license = license or self.license
        self.lang = lang or self.lang

    def to_exercise(self, origin: str, row: dict) -> Exercise:
        """The Exercise for ``row`` (read at ``origin``); ``RowError`` when the row lacks a field."""
        fields = self.fields(row)
        lang = self.lang or detect_language(fields["problem"])
        return Exercise(origin=origin, source=self.source, license=self.license, lang=lang, **fields)

    def fields(self, row: dict) -> dict:
        """``problem``, ``answer`` and any of ``solution``, ``answer_type``, ``metadata``."""
        raise NotImplementedError


class GSM8K(Recipe):
    """openai/gsm8k: ``question``; ``answer`` is the worked solution ending in ``#### N``."""

    name, license, lang = "gsm8k", "MIT", "en"

    def fields(self, row: dict) -> dict:
        problem = _text(row, "question")
        worked, mark, final = _text(row, "answer").rpartition("####")
        if not mark:
            raise RowError("answer", "no '####' final answer")
        final = final.strip()
        if not final:
            raise RowError("answer", "empty after '####'")
        if _THOUSANDS_RE.fullmatch(final):
            final = final.replace(",", "")
        solution = _CALCULATOR_RE.sub("", worked).strip() or None
        return {"problem": problem, "answer": final, "solution": solution, "answer_type": "number"}


class MATH(Recipe):
    """MATH (Hendrycks): ``problem``, ``solution`` with ``\\boxed{}``, optional ``answer``;
    ``subject`` (or the original ``type``), ``level`` (int, or ``"Level N"``) and ``unique_id``
    go to metadata."""

    name, license, lang = "math", "MIT", "en"

    def fields(self, row: dict) -> dict:
        problem = _text(row, "problem")
        solution = _text(row, "solution")
        answer = _optional_text(row, "answer") or last_box(solution)
        if answer is None:
            raise RowError("answer", "none given, and the solution has no non-empty \\boxed{}")
        metadata = {"subject": row.get("subject", row.get("type")), "level": _level(row.get("level"))}
        metadata.update(_pick(row, ("unique_id",)))
        return {"problem": problem, "answer": answer, "solution": solution, "metadata": metadata}


def _level(value) -> int | None:
    """MATH levels as integers: ``5`` and ``"Level 5"`` -> 5; ``"Level ?"`` or none -> None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _LEVEL_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


class CMATH(Recipe):
    """XiaoMi/cmath: Chinese grade-school problems, ``input`` and a numeric ``golden``."""

    name, license, lang = "cmath", "CC BY 4.0", "zh"

    def fields(self, row: dict) -> dict:
        answer = _text(row, "golden")
        return {
            "problem": _text(row, "input"),
            "answer": answer,
            "answer_type": "number",
            "metadata": _pick(row, ("grade", "reasoning_step", "num_digits")),
        }


class TALSCQ(Recipe):
    """math-eval/TAL-SCQ5K: Chinese single choice; the options are rendered into the prompt and
    the option letter is the answer."""

    name, license = "tal-scq", "MIT"  # TAL-SCQ5K has Chinese and English sets: lang detected

    def fields(self, row: dict) -> dict:
        problem = _text(row, "problem")
        options = _options(row.get("answer_option_list"))
        letter = _text(row, "answer_value").upper()
        if letter not in {key for key, _ in options}:
            raise RowError("answer_value", f"{letter!r} is not one of the options {[k for k, _ in options]}")
        problem += "".join(f"\n{key}. {content}" for key, content in options)
        analysis = row.get("answer_analysis")
        solution = "\n".join(analysis) if isinstance(analysis, list) else analysis
        solution = solution.strip() if isinstance(solution, str) else ""
        return {
            "problem": problem,
            "answer": letter,
            "answer_type": "choice",
            "solution": solution or None,
            "metadata": _pick(row, ("difficulty", "knowledge_point_routes", "qid")),
        }


_OPTION_LINE_RE = re.compile(r"([A-J])\. (.*)")


def split_options(problem: str) -> tuple[str, dict[str, str]]:
    """The stem of a problem and the options rendered at its end as ``TALSCQ`` renders them
    (``\nA. content`` lines); no options for any other problem."""
    lines = problem.split("\n")
    options: dict[str, str] = {}
    while len(lines) > 1 and (match := _OPTION_LINE_RE.fullmatch(lines[-1])) and match[1] not in options:
        options[match[1]] = match[2]
        lines.pop()
    return "\n".join(lines), dict(reversed(options.items()))


def _options(value) -> list[tuple[str, str]]:
    """``[(letter, content)]`` from ``[{"aoVal", "content"}]`` (each item possibly wrapped in a
    one-element list, as in the TAL-SCQ5K files)."""
    if not isinstance(value, list) or not value:
        raise RowError("answer_option_list", "missing" if value is None else "expected a non-empty list")
    options = []
    for item in value:
        item = item[0] if isinstance(item, list) and len(item) == 1 else item
        if not isinstance(item, dict):
            raise RowError("answer_option_list", f"expected {{aoVal, content}} objects, got {item!r:.80}")
        options.append((_text(item, "aoVal").upper(), _optional_text(item, "content") or ""))
    return options


class APE210K(Recipe):
    """Chenny0808/ape210k: Chinese word problems, ``original_text`` and ``ans``, whose mixed
    numbers are written ``5(1/3)`` and whose percentages may stand inside an expression
    (``(1/5)/12%``). The key is the value: ``5(1/3)`` -> ``(5+1/3)``, and a percentage inside an
    expression -> ``(12/100)``; an answer that is one percentage stays one (``50%``)."""

    name, lang = "ape210k", "zh"

    def fields(self, row: dict) -> dict:
        answer = ape210k_value(_text(row, "ans"))
        return {
            "problem": _text(row, "original_text"),
            "answer": answer,
            "answer_type": "number",
            "metadata": _pick(row, ("id", "equation")),
        }


_MIXED_RE = re.compile(r"(?<![\d.)])(\d+)\((\d+)/(\d+)\)")
_PERCENT_RE = re.compile(r"(?<!\d)(\d+(?:\.\d+)?)%")  # starts only where digits start
_ONE_PERCENT_RE = re.compile(r"[+-]?\d+(?:\.\d+)?%")


def ape210k_value(answer: str) -> str:
    """An Ape210K answer in notation every reader takes for its value (see ``APE210K``)."""
    answer = _MIXED_RE.sub(r"(\1+\2/\3)", answer.strip())
    if _ONE_PERCENT_RE.fullmatch(answer):
        return answer
    return _PERCENT_RE.sub(r"(\1/100)", answer)


class MGSM(Recipe):
    """google-research/url-nlp MGSM: GSM8K problems in 11 languages; its ``mgsm_XX.tsv`` files
    have no header (question, then the numeric answer), as Hugging Face copies have
    ``question`` and ``answer_number`` columns."""

    name, license = "mgsm", "CC BY-SA 4.0"
    columns = ("question", "answer_number")

    def fields(self, row: dict) -> dict:
        answer = _text(row, "answer_number")
        if _THOUSANDS_RE.fullmatch(answer):
            answer = answer.replace(",", "")
        return {"problem": _text(row, "question"), "answer": answer, "answer_type": "number"}


_MGSM_FILE_RE = re.compile(r"mgsm_[a-z]{2}\.tsv", re.IGNORECASE)


def recipe_for_file(path: str) -> str | None:
    """The recipe a file's name gives away (``mgsm_en.tsv`` -> ``mgsm``): headerless files
    cannot be told by their columns."""
    return "mgsm" if _MGSM_FILE_RE.fullmatch(path.replace("\\", "/").rsplit("/", 1)[-1]) else None


class Generic(Recipe):
    """Any table, by column mapping; with no answer, the answer is the solution's last box or
    answer marker (``verifiers.extract_answer`` without its last-number fallback)."""

    name = "generic"

    def __init__(
        self,
        *,
        problem_col: str = "problem",
        answer_col: str = "answer",
        solution_col: str | None = "solution",
        answer_type_col: str | None = None,
        **overrides,
    ):
        super().__init__(**overrides)
        self.problem_col, self.answer_col = problem_col, answer_col
        self.solution_col, self.answer_type_col = solution_col, answer_type_col

    def fields(self, row: dict) -> dict:
        problem = _text(row, self.problem_col)
        solution = _optional_text(row, self.solution_col) if self.solution_col else None
        answer: str | None
        if solution is None:
            answer = _text(row, self.answer_col)
        else:
            answer = _optional_text(row, self.answer_col) or extract_answer(solution, fallback=False)
            if not answer:
                raise RowError(self.answer_col, f"missing, and no boxed or marked answer in {self.solution_col!r}")
        return {
            "problem": problem,
            "answer": answer,
            "solution": solution,
            "answer_type": self._answer_type(row),
            "metadata": mapping_column(row, "metadata"),
            "lineage": mapping_column(row, "lineage"),
        }

    def _answer_type(self, row: dict) -> str | None:
        if not self.answer_type_col:
            return None
        kind = _optional_text(row, self.answer_type_col)
        if kind is not None and kind not in ANSWER_TYPES:
            raise RowError(
                self.answer_type_col, f"unknown answer type {kind!r}; expected one of {sorted(ANSWER_TYPES)}"
            )
        return kind


def detect_recipe(row: dict) -> str:
    """The recipe that fits a row's columns; ``generic`` when none of the known formats does."""
    if "answer_option_list" in row and "answer_value" in row:
        return "tal-scq"
    if "original_text" in row and "ans" in row:
        return "ape210k"
    if "question" in row and "answer_number" in row:
        return "mgsm"
    if "input" in row and "golden" in row:
        return "cmath"
    if "question" in row and "####" in str(row.get("answer", "")):
        return "gsm8k"
    if "problem" in row and "solution" in row and any(k in row for k in ("subject", "level", "type")):
        return "math"
    return "generic"


class Auto(Recipe):
    """Picks the recipe for each row with ``detect_recipe``; the mapping goes to ``generic``."""

    name = "auto"

    def __init__(self, **options):
        super().__init__(**_pick(options, OVERRIDES))
        self._options = options
        self._recipes: dict[str, Recipe] = {}

    def to_exercise(self, origin: str, row: dict) -> Exercise:
        name = detect_recipe(row)
        if name not in self._recipes:
            options = self._options if name == "generic" else _pick(self._options, OVERRIDES)
            self._recipes[name] = get_recipe(name, **options)
        return self._recipes[name].to_exercise(origin, row)


RECIPES: dict[str, type[Recipe]] = {
    recipe.name: recipe for recipe in (GSM8K, MATH, CMATH, TALSCQ, APE210K, MGSM, Generic, Auto)
}


def get_recipe(name: str, **options) -> Recipe:
    """The recipe called ``name`` with ``source``/``license``/``lang`` overrides and, for
    ``generic`` and ``auto``, a column mapping. Options given as ``None`` count as not given;
    a column mapping for a recipe of a known format is a ``ValueError``, except under ``auto``."""
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; expected one of {', '.join(RECIPES)}")
    options = {key: value for key, value in options.items() if value is not None}
    unknown = sorted(set(options) - set(OVERRIDES) - set(MAPPING))
    if unknown:
        raise ValueError(f"unknown recipe options {unknown}; expected any of {[*OVERRIDES, *MAPPING]}")
    mapping = sorted(set(options) & set(MAPPING))
    if mapping and name not in ("generic", "auto"):
        raise ValueError(
            f"recipe {name!r} reads its own columns; a column mapping ({', '.join(mapping)}) needs --recipe generic"
        )
    return RECIPES[name](**options)
