"""The demo's textbook: a seeded, bilingual (en/zh) arithmetic course about prices and totals.

Like a school textbook it has explanations (pretraining text), worked examples (SFT) and practice
problems with the answer key at the back (RL), plus a held-out test. Every problem reads "``a``
items at ``p`` each and ``b`` items at ``q`` each: what is the total?", answer ``a*p + b*q``.

The worked solutions are written the way a pool of annotators writes them, in four styles
(``steps``, ``equation``, ``prose``, ``leap``), some with a ``slip``: one wrong number carried to a
wrong final answer. A slipped row keeps the TRUE answer in ``answer`` (the build checks the key,
not the solution), so the SFT set holds imperfect solutions on purpose: imitating them is weaker
than RL against the key.

The test set's number tuples are cut off from training by a hash of the tuple taken in either
order (``is_test_tuple``): no explanation, worked example or practice problem holds a test tuple.
Everything is a function of the seed: the same seed writes the same bytes.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from .build import BuildConfig, SourceSpec, build
from .schema import to_json

QUANTITIES = range(2, 10)
PRICES = range(2, 10)  # one-digit factors, two-digit products and totals: what a 1M model learns in minutes
TEST_SHARE = 0.1  # of the tuple space
STYLES = ("steps", "equation", "prose", "leap")
LANGS = ("en", "zh")
SOURCE = "answerkey-textbook"
LICENSE = "CC0"
PARTS = {"sft": "worked", "practice": "practice", "test": "test"}  # built dataset -> its textbook part

_EN_NAMES = (
    ("Tom", "he"),
    ("Amy", "she"),
    ("Sam", "he"),
    ("Lily", "she"),
    ("Ben", "he"),
    ("Mia", "she"),
    ("Jack", "he"),
    ("Emma", "she"),
)
_ZH_NAMES = (
    ("小明", "他"),
    ("小红", "她"),
    ("小华", "他"),
    ("小丽", "她"),
    ("小刚", "他"),
    ("小芳", "她"),
    ("妈妈", "她"),
    ("爸爸", "他"),
)
_EN_ITEMS = ("apple", "orange", "pencil", "notebook", "eraser", "ruler", "ball", "cup", "pen", "book")
_ZH_ITEMS = (
    ("苹果", "个"),
    ("橙子", "个"),
    ("铅笔", "支"),
    ("笔记本", "本"),
    ("橡皮", "块"),
    ("尺子", "把"),
    ("皮球", "个"),
    ("杯子", "个"),
    ("钢笔", "支"),
    ("故事书", "本"),
)

# Fields: n name, pr pronoun, x/y item (en singular, zh name), X/Y en plural, Xc/Yc capitalized,
# m1/m2 zh measure words, a p b q the numbers, P Q S the products and the total as written.
_PROBLEMS = {
    "en": (
        "{n} buys {a} {X} at {p} dollars each and {b} {Y} at {q} dollars each. How much does {pr} spend in total?",
        "One {x} costs {p} dollars and one {y} costs {q} dollars. {n} buys {a} {X} and {b} {Y}. "
        "How many dollars does {pr} pay?",
        "At the shop, {X} are {p} dollars each and {Y} are {q} dollars each. {n} buys {a} {X} and {b} {Y}. "
        "What is the total cost?",
    ),
    "zh": (
        "{n}买了{a}{m1}{x}，每{m1}{p}元，又买了{b}{m2}{y}，每{m2}{q}元。{pr}一共花了多少钱？",
        "{x}每{m1}{p}元，{y}每{m2}{q}元。{n}买了{a}{m1}{x}和{b}{m2}{y}，一共要付多少元？",
        "商店里{x}每{m1}{p}元，{y}每{m2}{q}元。{n}买了{a}{m1}{x}和{b}{m2}{y}，一共花了多少元？",
    ),
}
_SOLUTIONS = {
    "en": {
        "steps": (
            "{a}×{p}={P}. {b}×{q}={Q}. {P}+{Q}={S}. The answer is {S}.",
            "{a}×{p}={P} and {b}×{q}={Q}, so {P}+{Q}={S}. The answer is {S}.",
        ),
        "equation": (
            "{a}×{p}+{b}×{q}={P}+{Q}={S}. The answer is {S}.",
            "Total: {a}×{p}+{b}×{q}={P}+{Q}={S} dollars. The answer is {S}.",
        ),
        "prose": (
            "The {X} cost {P} dollars and the {Y} cost {Q}, so the total is {S} dollars. The answer is {S}.",
            "{a} {X} cost {P} dollars and {b} {Y} cost {Q} dollars. That is {S} in all. The answer is {S}.",
        ),
        "leap": (
            "{n} spends {S} dollars. The answer is {S}.",
            "The total is {S} dollars. The answer is {S}.",
            "The answer is {S}.",
        ),
    },
    "zh": {
        "steps": (
            "{a}×{p}={P}，{b}×{q}={Q}，{P}+{Q}={S}。答：一共花了{S}元。",
            "{x}{a}×{p}={P}元，{y}{b}×{q}={Q}元，{P}+{Q}={S}元。答案是{S}。",
        ),
        "equation": (
            "{a}×{p}+{b}×{q}={P}+{Q}={S}（元）。答：一共花了{S}元。",
            "{a}×{p}+{b}×{q}={P}+{Q}={S}。答案是{S}。",
        ),
        "prose": (
            "{x}花了{P}元，{y}花了{Q}元，一共花了{S}元。答案是{S}。",
            "买{x}用了{P}元，买{y}用了{Q}元，合起来是{S}元。答：一共花了{S}元。",
        ),
        "leap": ("{n}一共花了{S}元。答案是{S}。", "答：一共花了{S}元。", "答案是{S}。"),
    },
}
_EXPLANATIONS = {
    "en": {
        "unit": "If one {x} costs {p} dollars, {a} {X} cost {a}×{p}={P} dollars.",
        "multiples": "Counting by {p}: {run}.",
        "addition": "{P}+{Q}={S}. Adding {Q} to {P} gives {S}.",
        "total": "{a} {X} at {p} dollars each cost {a}×{p}={P} dollars, and {b} {Y} at {q} dollars each cost "
        "{b}×{q}={Q} dollars. Together they cost {P}+{Q}={S} dollars.",
    },
    "zh": {
        "unit": "每{m1}{x}{p}元，{a}{m1}{x}一共{a}×{p}={P}元。",
        "multiples": "{p}的倍数：{run}。",
        "addition": "{P}+{Q}={S}，{P}加{Q}得{S}。",
        "total": "{a}{m1}{x}每{m1}{p}元，是{a}×{p}={P}元；{b}{m2}{y}每{m2}{q}元，是{b}×{q}={Q}元；一共{P}+{Q}={S}元。",
    },
}
# Sums of two products are what a small model finds hardest (carries), so the book practises them most.
_EXPLANATION_MIX = {"unit": 0.2, "multiples": 0.15, "addition": 0.4, "total": 0.25}
_SLIP_OFFSETS = (-10, -2, -1, 1, 2, 10)  # a dropped carry, a miscounted step


@dataclass(frozen=True)
class Numbers:
    """One problem's numbers: ``a`` items at ``p`` each and ``b`` items at ``q`` each."""

    a: int
    p: int
    b: int
    q: int

    @property
    def answer(self) -> int:
        return self.a * self.p + self.b * self.q

    def key(self) -> tuple[tuple[int, int], ...]:
        """The tuple in a canonical order: the same sum in either order is the same tuple."""
        return tuple(sorted(((self.a, self.p), (self.b, self.q))))


def is_test_tuple(numbers: Numbers) -> bool:
    """Whether a tuple belongs to the held-out test (a fixed hash, the same for every seed)."""
    digest = hashlib.sha256(f"textbook-test:{numbers.key()}".encode()).digest()
    return int.from_bytes(digest[:4], "big") < TEST_SHARE * 2**32


@dataclass(frozen=True)
class Problem:
    """A word problem in one language; its answer is ``numbers.answer``."""

    text: str
    lang: str
    numbers: Numbers


@dataclass(frozen=True)
class Worked:
    """A worked example: a problem and an annotator's solution, its style and whether it slipped."""

    problem: Problem
    solution: str
    style: str
    slip: bool


@dataclass(frozen=True)
class StyleMix:
    """Shares of the solution styles (summing to 1) and of slips among all solutions."""

    steps: float = 0.3
    equation: float = 0.2
    prose: float = 0.2
    leap: float = 0.3
    slip: float = 0.1

    def shares(self) -> dict[str, float]:
        shares = {style: getattr(self, style) for style in STYLES}
        if min(shares.values()) < 0 or abs(sum(shares.values()) - 1) > 1e-9:
            raise ValueError(f"style shares must be non-negative and sum to 1, got {shares}")
        if not 0 <= self.slip <= 1:
            raise ValueError(f"slip share must be in [0, 1], got {self.slip}")
        return shares


@dataclass(frozen=True)
class Sizes:
    """How many passages and problems each part has; the defaults suit the full demo."""

    explanations: int = 4000
    worked: int = 4000
    practice: int = 2000
    test: int = 200  # of about 208 test tuples (TEST_SHARE of the tuple space)

    @classmethod
    def quick(cls) -> Sizes:
        """A small textbook for ``--quick`` runs and tests."""
        return cls(explanations=200, worked=500, practice=200, test=100)


@dataclass(frozen=True)
class Textbook:
    """The generated parts, in memory."""

    explanations: list[str]
    worked: list[Worked]
    practice: list[Problem]
    test: list[Problem]


@dataclass(frozen=True)
class TextbookFiles:
    """Where a textbook was written: the explanations, and one JSONL file per part and language."""

    explanations: Path
    worked: dict[str, Path]
    practice: dict[str, Path]
    test: dict[str, Path]


@dataclass(frozen=True)
class BuiltTextbook:
    """The dataset versions ``build_textbook`` made, and their manifests by name (sft, practice, test)."""

    sft: Path
    practice: Path
    test: Path
    manifests: dict[str, dict] = field(repr=False)


def _allocate(n: int, shares: dict[str, float], rng: random.Random) -> list[str]:
    """``n`` labels in the given shares exactly (largest remainder), in a seeded order."""
    counts = {label: int(n * share) for label, share in shares.items()}
    by_remainder = sorted(shares, key=lambda label: n * shares[label] - counts[label], reverse=True)
    for label in by_remainder[: n - sum(counts.values())]:
        counts[label] += 1
    labels = [label for label, count in counts.items() for _ in range(count)]
    rng.shuffle(labels)
    return labels


def _draw(rng: random.Random, test: bool) -> Numbers:
    """A random tuple from the test or the training side of the partition."""
    while True:
        numbers = Numbers(rng.choice(QUANTITIES), rng.choice(PRICES), rng.choice(QUANTITIES), rng.choice(PRICES))
        if is_test_tuple(numbers) == test:
            return numbers


def _fields(lang: str, numbers: Numbers, rng: random.Random) -> dict[str, object]:
    """A name, two different items and the numbers, as template fields."""
    values: dict[str, object] = {
        "a": numbers.a,
        "p": numbers.p,
        "b": numbers.b,
        "q": numbers.q,
        "P": numbers.a * numbers.p,
        "Q": numbers.b * numbers.q,
        "S": numbers.answer,
    }
    if lang == "en":
        name, pronoun = rng.choice(_EN_NAMES)
        x, y = rng.sample(_EN_ITEMS, 2)
        return {
            **values,
            "n": name,
            "pr": pronoun,
            "x": x,
            "y": y,
            "X": f"{x}s",
            "Y": f"{y}s",
            "Xc": f"{x.capitalize()}s",
            "Yc": f"{y.capitalize()}s",
        }
    name, pronoun = rng.choice(_ZH_NAMES)
    (x, m1), (y, m2) = rng.sample(_ZH_ITEMS, 2)
    return {**values, "n": name, "pr": pronoun, "x": x, "y": y, "m1": m1, "m2": m2}


def _slipped(numbers: Numbers, rng: random.Random) -> dict[str, int]:
    """The products and total an annotator writes after one arithmetic slip (a wrong total)."""
    written = [numbers.a * numbers.p, numbers.b * numbers.q, 0]
    where = rng.randrange(3)  # the first product, the second, or the sum
    offset = rng.choice(_SLIP_OFFSETS)
    if where < 2 and written[where] + offset <= 0:
        offset = -offset
    written[where] += offset
    total = written[0] + written[1] + (offset if where == 2 else 0)
    return {"P": written[0], "Q": written[1], "S": total}


def _problems(n: int, langs: list[str], rng: random.Random, test: bool) -> list[tuple[Problem, dict[str, object]]]:
    """``n`` problems with distinct texts (and, for the test, distinct tuples), each with its template fields."""
    problems: list[tuple[Problem, dict[str, object]]] = []
    seen: set[object] = set()
    attempts = 0
    while len(problems) < n:
        attempts += 1
        if attempts > 100 * n:
            raise ValueError(f"cannot draw {n} distinct problems from the {'test' if test else 'training'} tuples")
        lang = langs[len(problems)]
        numbers = _draw(rng, test)
        values = _fields(lang, numbers, rng)
        text = rng.choice(_PROBLEMS[lang]).format(**values)
        key = numbers.key() if test else text
        if key not in seen:
            seen.add(key)
            problems.append((Problem(text, lang, numbers), values))
    return problems


def _worked(problem: Problem, values: dict[str, object], style: str, slip: bool, rng: random.Random) -> Worked:
    """The problem solved in ``style`` with its own names and items; with a ``slip``, one number off."""
    if slip:
        values = {**values, **_slipped(problem.numbers, rng)}
    solution = rng.choice(_SOLUTIONS[problem.lang][style]).format(**values)
    return Worked(problem, solution, style, slip)


def _explanation(kind: str, lang: str, rng: random.Random) -> str:
    """One passage of ``kind``; its numbers come from the training side of the partition."""
    numbers = _draw(rng, test=False)
    values = _fields(lang, numbers, rng)
    if kind == "multiples":
        ks = range(start := rng.randrange(2, 7), start + 4)
        p = numbers.p
        values["run"] = (", " if lang == "en" else "，").join(f"{k}×{p}={k * p}" for k in ks)
    return _EXPLANATIONS[lang][kind].format(**values)


def make_textbook(
    seed: int = 0, sizes: Sizes | None = None, mix: StyleMix | None = None, zh_share: float = 0.5
) -> Textbook:
    """Generate a textbook. Each part draws from its own seeded stream, so one part's size does not
    change another part's contents."""
    sizes, mix = sizes or Sizes(), mix or StyleMix()
    if not 0 <= zh_share <= 1:
        raise ValueError(f"zh_share must be in [0, 1], got {zh_share}")
    shares, lang_shares = mix.shares(), {"en": 1 - zh_share, "zh": zh_share}

    def stream(part: str) -> random.Random:
        return random.Random(f"textbook:{seed}:{part}")

    rng = stream("explanations")
    kinds = _allocate(sizes.explanations, _EXPLANATION_MIX, rng)
    langs = _allocate(sizes.explanations, lang_shares, rng)
    explanations = [_explanation(kind, lang, rng) for kind, lang in zip(kinds, langs, strict=True)]
    rng = stream("worked")
    styles = _allocate(sizes.worked, shares, rng)
    slips = set(rng.sample(range(sizes.worked), round(mix.slip * sizes.worked)))
    worked = [
        _worked(problem, values, styles[i], i in slips, rng)
        for i, (problem, values) in enumerate(
            _problems(sizes.worked, _allocate(sizes.worked, lang_shares, rng), rng, test=False)
        )
    ]
    rng = stream("practice")
    practice = [p for p, _ in _problems(sizes.practice, _allocate(sizes.practice, lang_shares, rng), rng, test=False)]
    rng = stream("test")
    test = [p for p, _ in _problems(sizes.test, _allocate(sizes.test, lang_shares, rng), rng, test=True)]
    return Textbook(explanations, worked, practice, test)


def problem_row(problem: Problem) -> dict:
    """A practice or test row as ``answerkey build`` reads it (generic recipe)."""
    n = problem.numbers
    return {
        "problem": problem.text,
        "answer": str(n.answer),
        "answer_type": "number",
        "lang": problem.lang,
        "source": SOURCE,
        "license": LICENSE,
        "metadata": {"numbers": [n.a, n.p, n.b, n.q]},
    }


def worked_row(worked: Worked) -> dict:
    """A worked example's row: the problem row with the solution and its style and slip in metadata."""
    row = problem_row(worked.problem)
    row["solution"] = worked.solution
    row["metadata"] = {**row["metadata"], "style": worked.style, "slip": worked.slip}
    return row


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(to_json(row) + "\n" for row in rows), encoding="utf-8")


def write_textbook(
    out_dir: str | Path, seed: int = 0, sizes: Sizes | None = None, mix: StyleMix | None = None, zh_share: float = 0.5
) -> TextbookFiles:
    """Write ``explanations.txt`` (passages separated by a blank line) and ``{worked,practice,test}.{lang}.jsonl``.

    The parts are split by language (a language without rows gets no file) because the build's
    generic recipe takes a source's language from its options, not from a row's ``lang``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    book = make_textbook(seed, sizes, mix, zh_share)
    explanations = out / "explanations.txt"
    explanations.write_text("\n\n".join(book.explanations) + "\n", encoding="utf-8")
    parts: dict[str, dict[str, Path]] = {}
    for part, rows in (
        ("worked", [worked_row(w) for w in book.worked]),
        ("practice", [problem_row(p) for p in book.practice]),
        ("test", [problem_row(p) for p in book.test]),
    ):
        parts[part] = {}
        for lang in LANGS:
            if lang_rows := [row for row in rows if row["lang"] == lang]:
                path = parts[part][lang] = out / f"{part}.{lang}.jsonl"
                _write_jsonl(path, lang_rows)
    return TextbookFiles(explanations, parts["worked"], parts["practice"], parts["test"])


def build_textbook(
    files: TextbookFiles,
    out_dir: str | Path,
    *,
    fmt: str = "answerkey",
    workers: int = 1,
    engine: str = "local",
    progress: bool = False,
) -> BuiltTextbook:
    """Run ``answerkey build`` on each part into ``out_dir/{sft,practice,test}``.

    Near-duplicate detection is off (threshold 1): generated problems share their templates and
    differ only in names and numbers, so MinHash calls some distinct problems with the same total
    near duplicates (1 to 3 in 2,000 at the default 0.85). Exact duplicates are still dropped (the
    generator makes none). No evaluation set is given for decontamination: its n-grams would match
    the shared templates; the tuple partition keeps the test out instead. Slipped solutions stay in
    ``sft`` (the imperfect human data) with the true answer as the key: the build checks the key,
    not the solution.
    """
    out = Path(out_dir)
    manifests = {}
    for name, part in PARTS.items():
        paths: dict[str, Path] = getattr(files, part)
        sources = [
            SourceSpec(
                str(path),
                recipe="generic",
                mapping={"answer_type_col": "answer_type", "lang": lang, "source": SOURCE, "license": LICENSE},
            )
            for lang, path in paths.items()
        ]
        config = BuildConfig(
            sources=sources,
            out=str(out / name),
            format=fmt,
            near_duplicate_threshold=1.0,
            test_fraction=1.0 if name == "test" else 0.0,  # the held-out set's rows are all in its test split
            workers=workers,
            engine=engine,
            name=f"textbook-{name}",
        )
        manifests[name] = build(config, progress=progress)
    return BuiltTextbook(out / "sft", out / "practice", out / "test", manifests)


_PRODUCT = r"\d+\s*[×x*]\s*\d+"
_CHAIN_RE = re.compile(rf"{_PRODUCT}\s*\+\s*{_PRODUCT}")
_STEP_RE = re.compile(rf"{_PRODUCT}\s*=\s*\d+")
_SUM_RE = re.compile(r"\d+\s*\+\s*\d+\s*=\s*\d+")
_OPERATOR_RE = re.compile(r"[×*+=]|\dx\d")
_NUMBER_RE = re.compile(r"\d+")
_CLOSING_RE = {  # the final answer clause, cut off before the shape is read
    "en": re.compile(r"the answer is\b.*$", re.I | re.S),
    "zh": re.compile(r"(?:答案是|答\s*[:：]).*$", re.S),
}


def solution_style(text: str, lang: str) -> str:
    """The style of a solution by its shape: ``equation`` (the products summed in one expression),
    ``steps`` (each product, then the sum), ``prose`` (the amounts in words, no arithmetic),
    ``leap`` (the total alone), else ``other``."""
    if lang not in _CLOSING_RE:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(_CLOSING_RE)}")
    if not _NUMBER_RE.search(text):
        return "other"
    body = _CLOSING_RE[lang].sub("", text)
    if _CHAIN_RE.search(body):
        return "equation"
    if len(_STEP_RE.findall(body)) >= 2 and _SUM_RE.search(body):
        return "steps"
    if _OPERATOR_RE.search(body):
        return "other"
    return "prose" if len(_NUMBER_RE.findall(body)) >= 2 else "leap"


def read_explanations(path: str | Path) -> list[str]:
    """The passages of an ``explanations.txt``."""
    return [p.strip() for p in Path(path).read_text(encoding="utf-8").split("\n\n") if p.strip()]
