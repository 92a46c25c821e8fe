"""The demo textbook: reproducible, bilingual, styles as mixed, test tuples held out, built by the pipeline."""

import json
import re
from collections import Counter
from pathlib import Path

import datasets
import pytest

from pipeline.textbook import (
    LANGS,
    STYLES,
    Numbers,
    Sizes,
    StyleMix,
    build_textbook,
    is_test_tuple,
    make_textbook,
    read_explanations,
    solution_style,
    write_textbook,
)
from verifiers import extract_answer, verify

BOOK = make_textbook(seed=7)
_PRODUCT_RE = re.compile(r"(\d+)×(\d+)=")


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    first = write_textbook(tmp_path / "a", seed=3, sizes=Sizes.quick())
    write_textbook(tmp_path / "b", seed=3, sizes=Sizes.quick())
    write_textbook(tmp_path / "c", seed=4, sizes=Sizes.quick())
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a")["worked.en.jsonl"] != _files(tmp_path / "c")["worked.en.jsonl"]
    assert set(first.worked) == set(first.practice) == set(first.test) == set(LANGS)


def test_a_part_does_not_change_when_another_part_grows():
    small, large = make_textbook(1, Sizes.quick()), make_textbook(1, Sizes(worked=600, practice=200, test=100))
    assert small.practice == large.practice
    assert small.test == large.test


def test_styles_and_slips_come_in_the_configured_shares():
    counts = Counter(w.style for w in BOOK.worked)
    n = len(BOOK.worked)
    assert n == Sizes().worked
    assert {style: counts[style] / n for style in STYLES} == pytest.approx(StyleMix().shares(), abs=1e-3)
    assert sum(w.slip for w in BOOK.worked) == round(0.1 * n)
    mix = StyleMix(steps=0.5, equation=0.0, prose=0.0, leap=0.5, slip=0.25)
    book = make_textbook(2, Sizes(worked=400, practice=10, test=10), mix)
    assert Counter(w.style for w in book.worked) == {"steps": 200, "leap": 200}
    assert sum(w.slip for w in book.worked) == 100


@pytest.mark.parametrize("mix", [StyleMix(steps=0.5), StyleMix(slip=1.5), StyleMix(steps=-0.1, leap=0.7)])
def test_a_mix_that_is_not_a_distribution_is_refused(mix):
    with pytest.raises(ValueError):
        make_textbook(0, Sizes.quick(), mix)


def test_every_solution_is_right_unless_it_slipped():
    seen = Counter()
    for worked in BOOK.worked:
        answer = str(worked.problem.numbers.answer)
        verdict = verify(worked.solution, answer)
        assert verdict.status == "ok", worked
        assert verdict.correct is not worked.slip, worked
        extracted = extract_answer(worked.solution) or ""
        assert re.findall(r"\d+", extracted)[-1] != answer if worked.slip else answer in extracted, worked
        seen[worked.problem.lang, worked.style, worked.slip] += 1
    assert len(seen) == len(LANGS) * len(STYLES) * 2  # every style, slipped or not, in both languages


def test_solutions_fit_the_trainers_completion_budget():
    assert max(len(w.solution) for w in BOOK.worked) <= 110
    assert max(len(w.solution) for w in BOOK.worked if w.style == "steps") <= 60


def test_no_test_tuple_appears_in_training_in_either_order():
    test_keys = [p.numbers.key() for p in BOOK.test]
    assert len(set(test_keys)) == len(test_keys) == Sizes().test
    assert all(is_test_tuple(p.numbers) for p in BOOK.test)
    training = [w.problem.numbers for w in BOOK.worked] + [p.numbers for p in BOOK.practice]
    assert not any(is_test_tuple(n) for n in training)
    assert not {n.key() for n in training} & set(test_keys)
    totals = [_PRODUCT_RE.findall(p) for p in BOOK.explanations if "+" in p and len(_PRODUCT_RE.findall(p)) == 2]
    assert len(totals) > 100
    assert not any(is_test_tuple(Numbers(*map(int, (*first, *second)))) for first, second in totals)


def test_a_tuple_is_held_out_in_either_order():
    numbers = [Numbers(a, p, b, q) for a in (2, 5) for p in range(5, 50) for b in (3, 9) for q in (12, 40)]
    assert all(is_test_tuple(n) == is_test_tuple(Numbers(n.b, n.q, n.a, n.p)) for n in numbers)
    assert 0.03 < sum(map(is_test_tuple, numbers)) / len(numbers) < 0.2


def test_every_part_has_both_languages_in_about_equal_shares():
    for part in (BOOK.worked, BOOK.practice, BOOK.test):
        langs = Counter(getattr(item, "problem", item).lang for item in part)
        assert set(langs) == set(LANGS)
        assert abs(langs["en"] - langs["zh"]) <= 1
    assert any(re.search(r"[\u4e00-\u9fff]", p) for p in BOOK.explanations)
    assert any(p.startswith(("If one", "Counting by")) for p in BOOK.explanations)


def test_explanations_are_one_passage_per_paragraph(tmp_path):
    files = write_textbook(tmp_path, seed=5, sizes=Sizes.quick())
    passages = read_explanations(files.explanations)
    assert passages == make_textbook(5, Sizes.quick()).explanations
    assert len(passages) == Sizes.quick().explanations
    assert all(p and "\n" not in p for p in passages)


def test_solution_style_recovers_every_generated_label():
    confusion = Counter((w.style, solution_style(w.solution, w.problem.lang)) for w in BOOK.worked)
    assert all(label == found for label, found in confusion)


@pytest.mark.parametrize(
    ("text", "lang", "style"),
    [
        ("3×12=36. 4×5=20. 36+20=56.", "en", "steps"),  # no closing sentence
        ("3 x 12 = 36, 4 x 5 = 20, 36 + 20 = 56. The answer is 56.", "en", "steps"),
        ("3 * 12 + 4 * 5 = 56", "en", "equation"),
        ("苹果36元，橙子20元，一共56元。", "zh", "prose"),
        ("56", "en", "leap"),
        ("一共花了56元。", "zh", "leap"),
        ("3×12=36. The answer is 36.", "en", "other"),  # half the work
        ("36+20=56. The answer is 56.", "en", "other"),
        ("", "en", "other"),
        ("I do not know.", "en", "other"),
        ("我不知道。", "zh", "other"),
    ],
)
def test_solution_style_reads_the_shape_of_odd_text(text, lang, style):
    assert solution_style(text, lang) == style


def test_solution_style_needs_a_known_language():
    with pytest.raises(ValueError):
        solution_style("The answer is 5.", "fr")


def _load(folder: Path) -> datasets.Dataset:
    return datasets.load_dataset("parquet", data_files=str(folder / "data" / "*.parquet"), split="train")


def test_build_textbook_makes_three_loadable_versions_that_reconcile(tmp_path):
    sizes = Sizes.quick()
    files = write_textbook(tmp_path / "book", seed=11, sizes=sizes)
    built = build_textbook(files, tmp_path / "data")
    for name, folder, expected in (
        ("sft", built.sft, sizes.worked),
        ("practice", built.practice, sizes.practice),
        ("test", built.test, sizes.test),
    ):
        counts = built.manifests[name]["counts"]
        assert counts["read"] == expected
        assert counts["read"] == counts["kept"] + sum(counts["rejected"].values())
        assert counts["kept"] >= 0.99 * counts["read"]
        assert json.loads((folder / "manifest.json").read_text())["counts"] == counts
        assert (folder / "README.md").is_file()
        rows = _load(folder)
        assert len(rows) == counts["kept"]
        assert set(rows["lang"]) == set(LANGS)
        assert set(rows["answer_type"]) == {"number"}
        assert all(s is None for s in rows["solution"]) is (name != "sft")
    sft = _load(built.sft)
    slipped = 0
    for row in sft:
        meta = json.loads(row["metadata"])
        assert row["answer"] == str(Numbers(*meta["numbers"]).answer)  # the key is true, even under a slip
        assert verify(row["solution"], row["answer"]).correct is not meta["slip"]
        slipped += meta["slip"]
    assert slipped == round(0.1 * sizes.worked)


def test_a_one_language_textbook_writes_files_for_that_language_only(tmp_path):
    files = write_textbook(tmp_path, seed=0, sizes=Sizes(explanations=20, worked=30, practice=20, test=10), zh_share=1)
    assert set(files.worked) == set(files.practice) == set(files.test) == {"zh"}
    assert not re.search(r"[a-z]{4}", files.explanations.read_text(encoding="utf-8"))
    with pytest.raises(ValueError):
        make_textbook(0, Sizes.quick(), zh_share=1.5)
