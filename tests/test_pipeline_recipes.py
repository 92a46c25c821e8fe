"""pipeline.recipes: raw rows of known datasets (and mapped tables) become Exercises."""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from pipeline_shared import SHARED_DATA, requires_shared

from pipeline.checks import CheckFailed, check_verifiable
from pipeline.language import detect_language
from pipeline.recipes import RECIPES, detect_recipe, get_recipe, recipe_for_file
from pipeline.schema import Exercise, Rejection, RowError
from pipeline.sources import read_rows
from verifiers import verify

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"


def convert(path: Path, name: str) -> tuple[list[Exercise], list[tuple[str, str]]]:
    """Every row of ``path`` through recipe ``name``: (exercises, [(origin, error)])."""
    recipe, exercises, errors = get_recipe(name), [], []
    for item in read_rows(path):
        assert not isinstance(item, Rejection), item
        origin, row = item
        try:
            exercises.append(recipe.to_exercise(origin, row))
        except RowError as exc:
            errors.append((origin, str(exc)))
    return exercises, errors


def test_gsm8k_answer_after_marks_and_solution_without_calculator_marks():
    path = FIXTURES / "gsm8k.jsonl"
    exercises, errors = convert(path, "gsm8k")
    first, second = exercises
    assert first.answer == "18" and second.answer == "1234"
    assert first.solution == "The baker makes 12*3 = 36 rolls.\nHalf of them is 36/2 = 18 rolls."
    assert "<<" not in second.solution and "####" not in second.solution
    assert (first.origin, first.source, first.license, first.lang, first.answer_type) == (
        f"{path}:1",
        "gsm8k",
        "MIT",
        "en",
        "number",
    )
    assert errors == [(f"{path}:3", "field 'answer': no '####' final answer"), (f"{path}:4", "field 'question': empty")]


def test_math_answer_from_the_last_box_and_metadata():
    path = FIXTURES / "math.jsonl"
    exercises, errors = convert(path, "math")
    assert [e.answer for e in exercises] == ["\\frac{5}{6}", "2", "4"]
    assert exercises[0].metadata == {"subject": "Prealgebra", "level": 2, "unique_id": "fixture/prealgebra/1.json"}
    assert exercises[1].metadata == {"subject": "Algebra", "level": 3}  # original MATH keys: type, "Level 3"
    assert exercises[2].metadata["level"] is None
    assert exercises[0].solution.endswith("\\boxed{\\frac{5}{6}}$.")
    assert {(e.source, e.license, e.lang) for e in exercises} == {("math", "MIT", "en")}
    assert errors == [(f"{path}:4", "field 'answer': none given, and the solution has no non-empty \\boxed{}")]


def test_cmath_numbers_and_grade():
    exercises, errors = convert(FIXTURES / "cmath.jsonl", "cmath")
    assert [(e.answer, e.answer_type) for e in exercises] == [("8", "number"), ("3/8", "number"), ("30元", "number")]
    assert exercises[0].metadata == {"grade": 1, "reasoning_step": 1, "num_digits": 1}
    assert (exercises[0].lang, exercises[0].license, exercises[0].source) == ("zh", "CC BY 4.0", "cmath")
    assert exercises[0].solution is None
    assert errors == [(f"{FIXTURES / 'cmath.jsonl'}:4", "field 'golden': empty")]


def test_tal_scq_renders_options_and_answers_with_the_letter():
    exercises, errors = convert(FIXTURES / "tal_scq.jsonl", "tal-scq")
    first, second = exercises
    assert first.problem == "$$3\\times 4$$的结果是（ ）．\nA. $$7$$\nB. $$12$$\nC. $$34$$"
    assert (first.answer, first.answer_type, first.lang, first.license) == ("B", "choice", "zh", "MIT")
    assert first.solution == "$$3\\times 4=12$$，\n故选B．"
    assert first.metadata == {"difficulty": "1", "knowledge_point_routes": ["计算->四则运算"], "qid": "f1"}
    assert second.problem == "最小的质数是（ ）．\nA. 1\nB. 2"
    assert second.answer == "A"  # "a" in the row
    assert second.solution is None
    assert errors == [
        (f"{FIXTURES / 'tal_scq.jsonl'}:3", "field 'answer_value': 'E' is not one of the options ['A', 'B']")
    ]


def test_ape210k_keys_are_the_values_of_mixed_numbers_and_percentages():
    exercises, errors = convert(FIXTURES / "ape210k.jsonl", "ape210k")
    assert errors == []
    keys = {e.metadata["id"]: check_verifiable(e.answer, e.answer_type).answer for e in exercises}
    # the values worked out by hand: 3(1/3) = 10/3, (1/5)*12% = 3/125, (1/5)/12% = 5/3, -2(3/4) = -11/4
    assert keys == {"a1": "10/3", "a2": "3/125", "a3": "20%", "a4": "5/3", "a5": "24/5", "a6": "-11/4"}
    assert {(e.lang, e.source, e.answer_type) for e in exercises} == {("zh", "ape210k", "number")}
    assert exercises[0].metadata["equation"] == "x=5(1/3)-2"


def test_a_percentage_inside_an_expression_is_read_as_its_value():
    assert check_verifiable("(1/5)/12%", "number").answer == "5/3"


def test_mgsm_reads_its_headerless_tsv_and_detects_the_language():
    rows = list(read_rows(FIXTURES / "mgsm_en.tsv", columns=RECIPES["mgsm"].columns))
    recipe = get_recipe("mgsm")
    exercises = [recipe.to_exercise(origin, row) for origin, row in rows]
    assert [e.answer for e in exercises] == ["18", "3", "1234"]
    assert exercises[0].problem.startswith("Janet’s ducks") and exercises[0].origin.endswith("mgsm_en.tsv:1")
    assert {(e.lang, e.license, e.answer_type) for e in exercises} == {("en", "CC BY-SA 4.0", "number")}
    assert recipe_for_file(str(FIXTURES / "mgsm_en.tsv")) == "mgsm" and recipe_for_file("rows.tsv") is None


@pytest.mark.parametrize(
    "text,lang",
    [
        ("What is the smallest prime number?\nA. $$1$$\nB. $$2$$", "en"),
        ("最小的质数是（ ）．\nA. $$1$$\nB. $$2$$", "zh"),
        ("已知$$\\frac{a}{b}=\\frac{1}{2}$$，求$$a+b$$ if $$a=1$$", "zh"),
        ("¿Cuántos huevos tiene la granja de Janet si pone 16 por día?", "es"),
        ("Combien d'œufs les canards de Janet pondent-ils par jour et combien en reste-t-il ?", "fr"),
        ("Wie viele Eier legen die Enten von Janet pro Tag und wie viele bleiben übrig?", "de"),
        ("ジャネットのアヒルは1日に16個の卵を産みます。", "ja"),
        ("Утки Джанет несут 16 яиц в день.", "ru"),
        ("$$3+4$$", "en"),
    ],
)
def test_language_detected_from_the_problem_text(text, lang):
    assert detect_language(text) == lang


def test_tal_scq_english_rows_are_not_chinese():
    row = {
        "problem": "What is the smallest prime number?",
        "answer_option_list": [[{"aoVal": "A", "content": "$$1$$"}], [{"aoVal": "B", "content": "$$2$$"}]],
        "answer_value": "B",
    }
    assert get_recipe("tal-scq").to_exercise("x:1", row).lang == "en"
    assert get_recipe("tal-scq", lang="zh").to_exercise("x:1", row).lang == "zh"


def test_generic_mapping_and_extraction_from_the_solution():
    recipe = get_recipe(
        "generic",
        problem_col="q",
        answer_col="a",
        solution_col="work",
        answer_type_col="kind",
        source="my-set",
        license="CC0",
        lang="fr",
    )
    exercise = recipe.to_exercise("f:1", {"q": " Combien font 6 x 7 ? ", "a": 42, "kind": "number"})
    assert exercise == Exercise("Combien font 6 x 7 ?", "42", "f:1", None, "number", "my-set", "CC0", "fr", {})
    extracted = recipe.to_exercise("f:2", {"q": "1/2 + 1/2?", "work": "It is $\\boxed{1}$."})
    assert (extracted.answer, extracted.solution) == ("1", "It is $\\boxed{1}$.")
    marked = recipe.to_exercise("f:3", {"q": "?", "a": "", "work": "So 3 + 4 = 7.\n#### 7"})
    assert marked.answer == "7"
    with pytest.raises(RowError, match="field 'a': missing, and no boxed or marked answer in 'work'"):
        recipe.to_exercise("f:3", {"q": "?", "work": "I think it is 7 or so."})
    with pytest.raises(RowError, match="field 'a': missing"):
        recipe.to_exercise("f:4", {"q": "?"})
    with pytest.raises(RowError, match="field 'kind': unknown answer type 'number-ish'"):
        recipe.to_exercise("f:5", {"q": "?", "a": "1", "kind": "number-ish"})
    with pytest.raises(RowError, match="field 'q': expected text, got list"):
        recipe.to_exercise("f:6", {"q": ["?"], "a": "1"})
    defaults = get_recipe("generic").to_exercise("f:7", {"problem": "p", "answer": "1", "solution": ""})
    assert (defaults.source, defaults.license, defaults.lang, defaults.solution) == ("generic", "", "en", None)


def test_empty_problem_is_a_row_error_with_the_field():
    with pytest.raises(RowError) as info:
        get_recipe("math").to_exercise("f:1", {"problem": "  ", "solution": "\\boxed{1}", "subject": "Algebra"})
    assert info.value.field == "problem" and str(info.value) == "field 'problem': empty"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"question": "q", "answer": "w\n#### 3"}, "gsm8k"),
        ({"question": "q", "answer": "3"}, "generic"),
        ({"problem": "p", "solution": "s", "answer": "a", "subject": "Algebra", "level": 1, "unique_id": "u"}, "math"),
        ({"problem": "p", "solution": "s", "type": "Algebra", "level": "Level 1"}, "math"),
        ({"problem": "p", "solution": "s"}, "generic"),
        ({"grade": 1, "input": "i", "golden": "1"}, "cmath"),
        ({"problem": "p", "answer_option_list": [], "answer_value": "A"}, "tal-scq"),
        ({"problem": "p", "answer": "1"}, "generic"),
    ],
)
def test_detect_recipe(row, expected):
    assert detect_recipe(row) == expected


def test_auto_picks_per_row_and_passes_overrides_and_mapping():
    recipe = get_recipe("auto", license="custom", problem_col="q", answer_col=None)
    gsm = recipe.to_exercise("a:1", {"question": "q?", "answer": "w <<1+1=2>>2\n#### 2"})
    generic = recipe.to_exercise("a:2", {"q": "p?", "answer": "3"})
    assert (gsm.source, gsm.license, gsm.solution) == ("gsm8k", "custom", "w 2")
    assert (generic.source, generic.license, generic.problem) == ("generic", "custom", "p?")
    assert recipe.name == "auto"


def test_registry_names_and_errors():
    assert set(RECIPES) == {"gsm8k", "math", "cmath", "tal-scq", "ape210k", "mgsm", "generic", "auto"}
    assert all(get_recipe(name).name == name for name in RECIPES)
    assert get_recipe("gsm8k", source="gsm8k-main").source == "gsm8k-main"
    with pytest.raises(ValueError, match="unknown recipe 'gsm9k'; expected one of gsm8k, math, cmath, tal-scq"):
        get_recipe("gsm9k")
    with pytest.raises(ValueError, match="unknown recipe options \\['colour'\\]"):
        get_recipe("generic", colour="red")
    with pytest.raises(ValueError, match="recipe 'cmath' reads its own columns"):
        get_recipe("cmath", problem_col="q")


# ------------------------------------------------------------------------------------------------
# The real files in ../shared/data
# ------------------------------------------------------------------------------------------------
REAL = {  # file -> (recipe, rows, rows that cannot become an exercise: origin line -> error)
    "gsm8k/train.jsonl": ("gsm8k", 7473, {}),
    # two MATH solutions box nothing (``\boxed{}``) and the answer column is empty
    "math/train.jsonl": (
        "math",
        7500,
        {
            5530: "field 'answer': none given, and the solution has no non-empty \\boxed{}",
            5532: "field 'answer': none given, and the solution has no non-empty \\boxed{}",
        },
    ),
    "zh/cmath_dev_shared.jsonl": ("cmath", 300, {}),
    "zh/tal_scq5k_cn_train_1k.jsonl": ("tal-scq", 1000, {}),
}
MIN_SELF_VERIFY = {"gsm8k": 1.0, "math": 0.998, "cmath": 1.0, "tal-scq": 1.0}


@pytest.fixture(scope="module", params=sorted(REAL))
def real(request):
    path = SHARED_DATA / request.param
    name, rows, expected_errors = REAL[request.param]
    exercises, errors = convert(path, name)
    return path, name, rows, expected_errors, exercises, errors


@requires_shared
def test_real_files_become_exercises(real):
    path, name, rows, expected_errors, exercises, errors = real
    assert len(exercises) + len(errors) == rows
    assert errors == [(f"{path}:{line}", message) for line, message in expected_errors.items()]
    assert {e.source for e in exercises} == {name}
    assert all(e.problem and e.answer for e in exercises)


@requires_shared
def test_real_files_read_the_same_under_auto(real):
    path, _, _, _, exercises, errors = real
    assert convert(path, "auto") == (exercises, errors)


@requires_shared
def test_real_gold_answers_verify_against_themselves(real):
    _, name, _, _, exercises, _ = real
    failures = [e.origin for e in exercises if not verify(e.answer, e.answer, answer_type=e.answer_type).correct]
    rate = 1 - len(failures) / len(exercises)
    assert rate >= MIN_SELF_VERIFY[name], f"{name}: self-verification {rate:.4f}; failing rows {failures[:20]}"


@requires_shared
def test_real_gsm8k_answers_are_the_marked_value():
    path = SHARED_DATA / "gsm8k/train.jsonl"
    recipe = get_recipe("gsm8k")
    for origin, row in read_rows(path):
        exercise = recipe.to_exercise(origin, row)
        assert exercise.answer == row["answer"].split("\n#### ")[-1].strip().replace(",", "")
        assert "<<" not in exercise.solution and ">>" not in exercise.solution and "####" not in exercise.solution


@requires_shared
def test_real_math_answers_match_the_answer_column_and_box():
    recipe = get_recipe("math")
    counts = Counter()
    for origin, row in read_rows(SHARED_DATA / "math/train.jsonl"):
        if not row["answer"]:
            continue
        boxed = recipe.to_exercise(origin, {k: v for k, v in row.items() if k != "answer"}).answer
        counts[boxed == row["answer"].strip()] += 1
    assert counts[False] == 0, counts


@requires_shared
def test_real_tal_scq_prompts_hold_every_option():
    recipe = get_recipe("tal-scq")
    for origin, row in read_rows(SHARED_DATA / "zh/tal_scq5k_cn_train_1k.jsonl"):
        exercise = recipe.to_exercise(origin, row)
        letters = [line.split(".")[0] for line in exercise.problem.split("\n")[-len(row["answer_option_list"]) :]]
        assert letters == [option[0]["aoVal"] for option in row["answer_option_list"]]
        assert exercise.answer in letters


def test_generic_recipe_carries_metadata_and_lineage_columns():
    recipe = get_recipe("generic")
    row = {"problem": "1+1?", "answer": "2", "metadata": {"annotators": ["ann"]}, "lineage": '{"reviewer": "rev"}'}
    exercise = recipe.to_exercise("x:1", row)
    assert exercise.metadata == {"annotators": ["ann"]} and exercise.lineage == {"reviewer": "rev"}
    as_text = {**row, "metadata": '{"level": "3"}'}
    assert recipe.to_exercise("x:2", as_text).metadata == {"level": "3"}
    with pytest.raises(RowError) as error:
        recipe.to_exercise("x:3", {**row, "metadata": "[1, 2"})
    assert error.value.field == "metadata"
    with pytest.raises(RowError):
        recipe.to_exercise("x:4", {**row, "metadata": [1, 2]})


def _stored_keys(path: Path, recipe: str, limit: int | None = None) -> list[tuple[dict, Exercise, str]]:
    """(raw row, exercise, stored key) for the rows of a real file that become tasks."""
    out = []
    reader = get_recipe(recipe)
    for item in list(read_rows(path))[:limit]:
        origin, row = item
        try:
            exercise = reader.to_exercise(origin, row)
            checked = check_verifiable(exercise.answer, exercise.answer_type, 10, exercise.problem)
        except (RowError, CheckFailed):
            continue
        out.append((row, exercise, checked.answer))
    return out


def _value(text: str) -> Fraction:
    """A plain number's value: ``1,234``, ``3/8``, ``0.5``, ``12%``."""
    text = text.replace(",", "")
    return Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)


@requires_shared
def test_real_gsm8k_keys_are_the_marked_values():
    keys = _stored_keys(SHARED_DATA / "gsm8k" / "train.jsonl", "gsm8k")
    assert len(keys) == 7473
    for row, _, key in keys:
        assert _value(key) == _value(row["answer"].rpartition("####")[2].strip()), row["question"][:60]


@requires_shared
def test_real_cmath_keys_are_the_golden_values():
    keys = _stored_keys(SHARED_DATA / "zh" / "cmath_dev_shared.jsonl", "cmath")
    assert len(keys) == 300
    for row, exercise, key in keys:
        assert _value(key) == _value(row["golden"]), row["input"][:40]
        assert exercise.lang == "zh"


@requires_shared
def test_real_math_keys_keep_bases_and_asked_for_decimals():
    keys = _stored_keys(SHARED_DATA / "math" / "train.jsonl", "math")
    based = [(row["answer"], key) for row, _, key in keys if re.search(r"\d_\{?\d+\}?\$?$", row["answer"])]
    assert len(based) >= 30 and all(re.search(r"_\{?\d+\}?$", key) for _, key in based), based
    decimals = [
        (row["answer"], key)
        for row, exercise, key in keys
        if re.fullmatch(r"\d*\.\d+", row["answer"]) and "decimal" in exercise.problem.lower()
    ]
    assert len(decimals) >= 20 and all(key == answer for answer, key in decimals), decimals
    for row, _, key in keys:
        assert verify(key, row["answer"]).correct, (row["answer"], key)


@requires_shared
def test_real_tal_scq_keys_are_the_option_letters_and_languages_follow_the_text():
    keys = _stored_keys(SHARED_DATA / "zh" / "tal_scq5k_cn_train_1k.jsonl", "tal-scq")
    assert len(keys) == 1000
    assert all(key == row["answer_value"].upper() for row, _, key in keys)
    for row, exercise, _ in keys:
        prose = re.sub(r"\\[a-zA-Z]+", " ", exercise.problem)
        han, latin = len(re.findall(r"[\u4e00-\u9fff]", prose)), len(re.findall(r"[a-zA-Z]", prose))
        if han == 0 and latin:
            assert exercise.lang == "en", row["problem"][:80]  # the CN set has a few English-only rows
        elif han >= latin:
            assert exercise.lang == "zh", row["problem"][:80]
    assert Counter(exercise.lang for _, exercise, _ in keys)["zh"] >= 980
