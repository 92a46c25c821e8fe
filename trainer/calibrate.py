"""Calibration: each task's difficulty measured as the model's pass rate, and the answer keys it doubts.

For every task, ``k`` solutions are sampled with the trainer's sampler and checked by the verifiers.

- The pass rate (correct / k) becomes the task's ``difficulty`` in a new dataset version.
- The majority answer: the samples' extracted answers grouped by verifier equivalence (``1/2`` and
  ``0.5`` are one answer), the largest group.
- ``key_suspect``: at least ``min_agree`` of the k samples agree on one answer that the verifier
  says differs from the key. A model that mostly solves the set rarely agrees with itself on a
  wrong value, so such a task more often has a wrong key than a hard problem. By default each
  sample votes with the answer its written work supports (``verifiers/steps.py``): a sample whose
  ``56+12=78`` carries a slip to its final answer votes for 68, what its method gives, so a slip
  the model keeps making neither outvotes the key nor matches a key with the same slip.
- ``verifier_suspect``: a sample whose verification timed out or failed, or one whose solution
  ends with a number or a ``\\boxed`` and still had no answer extracted.

The work is cut into fixed batches of ``prompts_per_batch`` tasks; each batch is sampled with a
generator seeded by (seed, batch number) and written atomically to ``OUT/.calibration/``. A killed
run started again skips the finished batches and ends with the same result as a run that never
stopped; with ``engine="ray"`` the batches are spread over Ray actors (each holds the model once),
with the same result again.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from tqdm.auto import tqdm

from pipeline.atomic import atomic_write_text
from pipeline.derive import Derivation, Version, read_version, write_derived
from pipeline.schema import Rejection, mapping_column, to_json
from verifiers.steps import StepCheck, check_steps

from .data import Task, tasks_from_rows
from .errors import TrainerError
from .grpo import encode_tasks
from .models import context_length, load_model
from .parallel_sampler import open_sampler
from .rewards import Rewarder, Scored
from .sampler import Completion, SamplingParams

WORK = ".calibration"  # finished batches, kept until the version is published
ENGINES = ("local", "ray")
_ENDS_WITH_ANSWER = re.compile(r"(\d|\\boxed\{[^{}]*\}|[元个米])\W{0,3}$")


def default_agreement(k: int) -> int:
    """Samples that must agree on a non-key answer by default: a quarter of k, at least 1.

    Chosen with ``benchmarks/key_audit.py``: with the work vote and no sample matching the key,
    any threshold from 1 to k/2 flagged nearly the same tasks; a quarter keeps one stray sample at
    a high temperature from flagging a key on its own once k is 8 or more.
    """
    return max(1, k // 4)


@dataclass(frozen=True)
class CalibrateConfig:
    model: str
    tasks: str
    out: str
    k: int = 8
    temperature: float = 1.0
    max_new_tokens: int = 64
    min_pass: float = 0.0
    max_pass: float = 1.0
    split: str | None = None  # None: every split of the version
    min_agree: int | None = None  # None: default_agreement(k)
    max_key_matches: int = 0  # key_suspect only if at most this many samples match the key
    by_work: bool = True  # each sample votes with the answer its redone work gives
    prompts_per_batch: int = 16
    engine: str = "local"
    workers: int = 2
    decode_processes: int | None = None  # None: one per torch thread for a small model on the CPU
    seed: int = 0
    reward_timeout: float = 2.0
    progress: bool = True

    @property
    def agree(self) -> int:
        """Samples that must agree on a wrong answer for ``key_suspect``."""
        return self.min_agree if self.min_agree is not None else default_agreement(self.k)

    @property
    def rule(self) -> SuspectRule:
        return SuspectRule(self.agree, self.max_key_matches, self.by_work)

    def check(self) -> None:
        if self.k < 1 or self.prompts_per_batch < 1:
            raise TrainerError("-k and the batch size must be at least 1")
        if not 0.0 <= self.min_pass <= self.max_pass <= 1.0:
            raise TrainerError(f"--min-pass {self.min_pass} / --max-pass {self.max_pass}: need 0 <= min <= max <= 1")
        if not 1 <= self.agree <= self.k:
            raise TrainerError(f"--min-agree {self.agree} must lie between 1 and -k {self.k}")
        if self.engine not in ENGINES:
            raise TrainerError(f"--engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")

    def fingerprint(self) -> dict:
        """What decides the samples: a resumed run must agree on these."""
        keys = ("model", "tasks", "k", "temperature", "max_new_tokens", "split", "prompts_per_batch", "seed")
        return {key: getattr(self, key) for key in keys}


@dataclass(frozen=True)
class SuspectRule:
    """When a key is suspect: at least ``agree`` samples agree on one answer that is not the key,
    and at most ``max_key_matches`` samples match the key (k: no limit). With ``by_work`` each
    sample's answer is the one its written work supports (``Attempt.worked``): a model that writes
    ``48+54=92`` votes for 102, what its method gives, not for its slip. The defaults come from
    ``benchmarks/key_audit.py``."""

    agree: int
    max_key_matches: int = 0
    by_work: bool = True

    def vote(self, result: TaskCalibration) -> Vote:
        """The vote this rule reads: over the worked answers, or over the extracted ones."""
        return result.worked_vote if self.by_work else result.vote

    def key_matches(self, result: TaskCalibration) -> int:
        return result.worked_key_matches if self.by_work else result.correct

    def suspects(self, result: TaskCalibration) -> bool:
        vote = self.vote(result)
        enough = vote.count >= self.agree and not vote.correct
        return enough and self.key_matches(result) <= self.max_key_matches


@dataclass(frozen=True)
class Ballot:
    """One sample's answer in a vote: its equivalence group (None: no answer), spelling, and
    whether the verifier says it is the key."""

    group: int | None
    answer: str | None
    correct: bool


@dataclass(frozen=True)
class Attempt:
    """One sampled solution and its verdict."""

    text: str
    finished: bool
    correct: bool
    status: str
    reason: str
    extracted: str | None
    group: int | None  # which equivalence group of answers it belongs to (None: no answer)
    steps_checked: int = 0  # arithmetic steps written in the text (``6×8=48``), checked
    steps_failed: int = 0  # ... and found wrong
    # The answer its work supports (``StepCheck.worked``): the extracted one when no step is wrong,
    # the redone value when a wrong step led to it, None otherwise; its group and verdict.
    worked: str | None = None
    worked_group: int | None = None
    worked_correct: bool = False

    @property
    def sound(self) -> bool:
        """No written step of its work is wrong."""
        return not self.steps_failed

    @property
    def ballot(self) -> Ballot:
        return Ballot(self.group, self.extracted, self.correct)

    @property
    def worked_ballot(self) -> Ballot:
        return Ballot(self.worked_group, self.worked, self.worked_correct)


@dataclass(frozen=True)
class TaskCalibration:
    """One task's k attempts, summarized."""

    id: str
    source: str
    key: str
    k: int
    correct: int
    majority_answer: str | None
    majority_count: int
    majority_correct: bool
    statuses: dict[str, int]
    # The largest group of the answers the samples' work supports (``Attempt.worked``), and how
    # many worked answers match the key: what the default ``SuspectRule`` reads.
    worked_answer: str | None = None
    worked_count: int = 0
    worked_correct: bool = False
    worked_key_matches: int = 0
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        return self.correct / self.k

    @classmethod
    def of(cls, id: str, source: str, key: str, attempts: list[Attempt]) -> TaskCalibration:
        """A task's calibration from its verified, grouped attempts."""
        majority = Vote.of([a.ballot for a in attempts])
        worked = Vote.of([a.worked_ballot for a in attempts])
        return cls(
            id=id,
            source=source,
            key=key,
            k=len(attempts),
            correct=sum(a.correct for a in attempts),
            majority_answer=majority.answer,
            majority_count=majority.count,
            majority_correct=majority.correct,
            statuses=dict(sorted(Counter(a.status for a in attempts).items())),
            worked_answer=worked.answer,
            worked_count=worked.count,
            worked_correct=worked.correct,
            worked_key_matches=sum(a.worked_correct for a in attempts),
            attempts=attempts,
        )

    @property
    def vote(self) -> Vote:
        return Vote(None, self.majority_answer, self.majority_count, self.majority_correct)

    @property
    def worked_vote(self) -> Vote:
        return Vote(None, self.worked_answer, self.worked_count, self.worked_correct)

    def summary(self) -> dict:
        """The ``calibration.jsonl`` line: everything but the attempts' texts."""
        row = {k: v for k, v in asdict(self).items() if k != "attempts"}
        return {**row, "pass_rate": self.pass_rate}


@dataclass(frozen=True)
class Vote:
    """The largest group of equivalent answers among some ballots: the group (None in a vote read
    back from a summary), its commonest spelling, its size, and whether it is the key's group."""

    group: int | None
    answer: str | None
    count: int
    correct: bool

    @classmethod
    def of(cls, ballots: Sequence[Ballot]) -> Vote:
        sizes = Counter(b.group for b in ballots if b.group is not None)
        if not sizes:
            return cls(None, None, 0, False)
        group, count = sizes.most_common(1)[0]
        members = [b for b in ballots if b.group == group]
        answer = Counter(b.answer for b in members).most_common(1)[0][0]
        return cls(group, answer, count, any(b.correct for b in members))


@dataclass(frozen=True)
class CalibratedBatch:
    """One numbered batch of tasks, calibrated (Ray hands batches back in any order)."""

    number: int
    results: list[TaskCalibration]


@dataclass(frozen=True)
class Flag:
    """A task or a sample that a person should look at, with the evidence."""

    kind: str  # key_suspect | verifier_suspect
    id: str
    problem: str
    version: str  # the dataset version the task is in (calibrate's output): a review's parent
    key: str
    majority_answer: str | None
    majority_count: int
    k: int
    correct: int
    detail: str
    solutions: list[str]


def answer_pairs(answers: Sequence[str | None]) -> list[tuple[str, str]]:
    """The pairs of distinct answers whose equivalence decides the groups: (later, earlier)."""
    distinct = list(dict.fromkeys(a for a in answers if a is not None))
    return [(distinct[j], distinct[i]) for j in range(len(distinct)) for i in range(j)]


def answer_groups(answers: Sequence[str | None], same: Sequence[bool]) -> list[int | None]:
    """Each answer's group, given ``same[n]``: whether the n-th pair of ``answer_pairs(answers)`` is
    equivalent. Groups join transitively; a group is numbered by its first distinct answer, and no
    answer has no group (None)."""
    distinct = list(dict.fromkeys(a for a in answers if a is not None))
    parent = list(range(len(distinct)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    pairs = ((j, i) for j in range(len(distinct)) for i in range(j))
    for (j, i), equivalent in zip(pairs, same, strict=True):
        if equivalent:
            low, high = sorted((root(i), root(j)))
            parent[high] = low
    group = {answer: root(n) for n, answer in enumerate(distinct)}
    return [group[a] if a is not None else None for a in answers]


@dataclass(frozen=True)
class Judged:
    """One sample with what the verifiers said about it: its verdict, its written steps, and the
    answer its work supports with that answer's verdict against the key."""

    completion: Completion
    verdict: Scored
    steps: StepCheck
    worked: str | None
    worked_correct: bool


def summarize_task(
    task: Task, judged: Sequence[Judged], groups: Sequence[int | None], worked_groups: Sequence[int | None]
) -> TaskCalibration:
    """A task's calibration from its judged samples and the groups of their extracted and worked answers."""
    attempts = [
        Attempt(
            sample.completion.text,
            sample.completion.finished,
            sample.verdict.correct,
            sample.verdict.status,
            sample.verdict.reason,
            sample.verdict.extracted,
            group,
            sample.steps.checked,
            sample.steps.failed,
            sample.worked,
            worked_group,
            sample.worked_correct,
        )
        for sample, group, worked_group in zip(judged, groups, worked_groups, strict=True)
    ]
    return TaskCalibration.of(task.id, task.source, task.answer, attempts)


def flags_of(result: TaskCalibration, rule: SuspectRule, problem: str, version: str) -> Iterator[Flag]:
    """The flags a task's attempts raise (``problem`` and ``version`` go with them to the review)."""

    def flag(kind: str, detail: str, solutions: list[str], vote: Vote) -> Flag:
        return Flag(
            kind=kind,
            id=result.id,
            problem=problem,
            version=version,
            key=result.key,
            majority_answer=vote.answer,
            majority_count=vote.count,
            k=result.k,
            correct=result.correct,
            detail=detail,
            solutions=solutions[:2],
        )

    if rule.suspects(result):
        vote = rule.vote(result)
        agreeing = [a for a in result.attempts if (a.worked if rule.by_work else a.extracted) == vote.answer]
        agreeing.sort(key=lambda a: not a.sound)  # show work that holds first
        which = " by their work (wrong steps redone)" if rule.by_work else ""
        detail = (
            f"{vote.count} of {result.k} samples agree{which} on {vote.answer!r}, not the key "
            f"({result.majority_count} agree on the commonest extracted answer {result.majority_answer!r}); "
            f"{result.correct} matched the key"
        )
        yield flag("key_suspect", detail, [a.text for a in agreeing], vote)
    odd = [a for a in result.attempts if a.status != "ok" or (a.extracted is None and ends_with_answer(a.text))]
    if odd:
        reasons = sorted({f"{a.status}: {a.reason}" if a.status != "ok" else "no answer extracted" for a in odd})
        yield flag("verifier_suspect", "; ".join(reasons), [a.text for a in odd], result.vote)


def ends_with_answer(text: str) -> bool:
    """Whether a solution visibly ends with a final value (a digit, a boxed value, a unit word)."""
    return bool(_ENDS_WITH_ANSWER.search(text.rstrip()))


class BatchCalibrator:
    """Samples and verifies batches of tasks with one loaded model and one verifier pool."""

    def __init__(self, config: CalibrateConfig):
        self.config = config
        self.model, self.tokenizer = load_model(config.model)
        self.resources = ExitStack()  # the sampler's and the verifiers' worker processes
        self.sampler = self.resources.enter_context(open_sampler(self.model, self.tokenizer, config.decode_processes))
        self.rewarder = self.resources.enter_context(Rewarder(workers=config.workers, timeout=config.reward_timeout))
        self.params = SamplingParams(max_new_tokens=config.max_new_tokens, temperature=config.temperature)
        self.context = context_length(self.model)

    def run(self, number: int, tasks: Sequence[Task]) -> CalibratedBatch:
        """Batch ``number`` of the run: the same tasks and number always give the same samples."""
        k = self.config.k
        generator = torch.Generator().manual_seed(self.config.seed * 1_000_003 + number)
        prompts = encode_tasks(self.tokenizer, list(tasks), self.context, self.config.max_new_tokens)
        flat = [c for group in self.sampler.sample(prompts, k, self.params, generator) for c in group]
        owners = [t for t in tasks for _ in range(k)]
        scored = self.rewarder.score([c.text for c in flat], owners, [c.finished for c in flat])
        steps = [check_steps(c.text) for c in flat]
        worked = [s.worked(v.extracted) for s, v in zip(steps, scored, strict=True)]
        worked_correct = self._match_keys(owners, worked, scored)
        judged = [Judged(*sample) for sample in zip(flat, scored, steps, worked, worked_correct, strict=True)]
        # One grouping over each task's extracted and worked answers together: a redone 68 joins the 68s.
        answers = [
            [s.extracted for s in scored[i * k : (i + 1) * k]] + worked[i * k : (i + 1) * k] for i in range(len(tasks))
        ]
        grouped = self._group(tasks, answers)
        results = [
            summarize_task(task, judged[i * k : (i + 1) * k], grouped[i][:k], grouped[i][k:])
            for i, task in enumerate(tasks)
        ]
        return CalibratedBatch(number, results)

    def _match_keys(self, owners: Sequence[Task], worked: Sequence[str | None], scored: Sequence[Scored]) -> list[bool]:
        """Whether each worked answer is its task's key: the verdict already given when it is the
        extracted answer, one pool call for the redone ones."""
        redone = [
            i
            for i, (answer, verdict) in enumerate(zip(worked, scored, strict=True))
            if answer not in (None, verdict.extracted)
        ]
        items = [(worked[i], owners[i].answer, owners[i].answer_type) for i in redone]
        verdicts = self.rewarder.pool.verify(items, timeout=self.config.reward_timeout, progress=False)
        matches = [answer is not None and verdict.correct for answer, verdict in zip(worked, scored, strict=True)]
        for i, verdict in zip(redone, verdicts, strict=True):
            matches[i] = verdict.correct
        return matches

    def _group(self, tasks: Sequence[Task], answers: list[list[str | None]]) -> list[list[int | None]]:
        """Every task's answers grouped by equivalence, all pairs of the batch in one pool call."""
        pairs = [answer_pairs(task_answers) for task_answers in answers]
        items = [(a, b, task.answer_type) for task, task_pairs in zip(tasks, pairs, strict=True) for a, b in task_pairs]
        verdicts = iter(
            v.correct for v in self.rewarder.pool.verify(items, timeout=self.config.reward_timeout, progress=False)
        )
        return [
            answer_groups(task_answers, [next(verdicts) for _ in task_pairs])
            for task_answers, task_pairs in zip(answers, pairs, strict=True)
        ]

    def close(self) -> None:
        self.resources.close()


class _Work:
    """The finished batches of a run under ``OUT/.calibration/``, each one JSON file written atomically."""

    def __init__(self, out: Path, config: CalibrateConfig):
        self.folder = out / WORK
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = self.folder / "config.json"
        wanted = to_json(config.fingerprint())
        if stamp.exists() and stamp.read_text(encoding="utf-8") != wanted:
            raise TrainerError(
                f"{out}: holds an unfinished calibration with other settings ({stamp}); use another --out or delete it"
            )
        atomic_write_text(stamp, wanted)

    def path(self, number: int) -> Path:
        return self.folder / f"batch-{number:06d}.json"

    def done(self, number: int) -> bool:
        return self.path(number).is_file()

    def save(self, batch: CalibratedBatch) -> None:
        atomic_write_text(self.path(batch.number), json.dumps([asdict(r) for r in batch.results], ensure_ascii=False))

    def load(self, number: int) -> list[TaskCalibration]:
        rows = json.loads(self.path(number).read_text(encoding="utf-8"))
        return [TaskCalibration(**{**r, "attempts": [Attempt(**a) for a in r["attempts"]]}) for r in rows]


def _batches(tasks: Sequence[Task], size: int) -> list[list[Task]]:
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


def _run_local(config: CalibrateConfig, todo: dict[int, list[Task]], work: _Work, bar: tqdm) -> None:
    calibrator = BatchCalibrator(config)
    try:
        for number, tasks in todo.items():
            work.save(calibrator.run(number, tasks))
            bar.update(len(tasks))
    finally:
        calibrator.close()


def _run_ray(config: CalibrateConfig, todo: dict[int, list[Task]], work: _Work, bar: tqdm) -> None:
    import os

    import ray
    from ray.util import ActorPool

    started = not ray.is_initialized()
    if started:
        where = (
            {"address": os.environ["RAY_ADDRESS"]} if os.environ.get("RAY_ADDRESS") else {"num_cpus": config.workers}
        )
        ray.init(**where, include_dashboard=False, log_to_driver=False)
    try:
        actor = ray.remote(num_cpus=1)(BatchCalibrator)
        # Each actor samples in its own process and verifies with one worker: the actors are the parallelism.
        settings = CalibrateConfig(**{**asdict(config), "workers": 1, "decode_processes": 1})
        actors = [actor.remote(settings) for _ in range(config.workers)]
        pool = ActorPool(actors)
        jobs = list(todo.items())
        for batch in pool.map_unordered(lambda a, job: a.run.remote(*job), jobs):
            work.save(batch)
            bar.update(len(batch.results))
    finally:
        if started:
            ray.shutdown()


@dataclass(frozen=True)
class SourceRow:
    """One line of the by-source table."""

    tasks: int
    mean_pass_rate: float
    never_solved: float  # share of tasks with no correct sample
    always_solved: float
    key_suspect: int
    verifier_suspect: int


@dataclass(frozen=True)
class CalibrationReport:
    """What ``calibrate`` wrote and found."""

    out: Path
    results: list[TaskCalibration]
    flags: list[Flag]
    kept: int
    dropped: int

    def by_source(self) -> dict[str, SourceRow]:
        """Tasks, mean pass rate, shares never and always solved, and flags, per source."""
        results: dict[str, list[TaskCalibration]] = defaultdict(list)
        for r in self.results:
            results[r.source].append(r)
        source_of = {r.id: r.source for r in self.results}
        flagged = Counter((f.kind, source_of[f.id]) for f in self.flags)
        return {
            source: SourceRow(
                tasks=len(items),
                mean_pass_rate=sum(r.pass_rate for r in items) / len(items),
                never_solved=sum(r.correct == 0 for r in items) / len(items),
                always_solved=sum(r.correct == r.k for r in items) / len(items),
                key_suspect=flagged[("key_suspect", source)],
                verifier_suspect=flagged[("verifier_suspect", source)],
            )
            for source, items in sorted(results.items())
        }

    def table(self) -> str:
        """The by-source table as aligned text."""
        header = f"{'source':<24} {'tasks':>6} {'pass rate':>9} {'never':>6} {'always':>6} {'key?':>5} {'verdict?':>8}"
        lines = [header, "-" * len(header)]
        for source, row in self.by_source().items():
            lines.append(
                f"{source[:24]:<24} {row.tasks:>6} {row.mean_pass_rate:>9.3f} {row.never_solved:>6.1%} "
                f"{row.always_solved:>6.1%} {row.key_suspect:>5} {row.verifier_suspect:>8}"
            )
        return "\n".join(lines)


def calibrate(config: CalibrateConfig) -> CalibrationReport:
    """``answerkey calibrate``: pass rates, flags, and a new dataset version with ``difficulty``."""
    config.check()
    parent = read_version(config.tasks)
    rows = [r for r in parent.rows if config.split is None or r["split"] == config.split]
    if not rows:
        raise TrainerError(
            f"{config.tasks}: no rows{f' in split {config.split!r}' if config.split else ''} to calibrate"
        )
    tasks = tasks_from_rows(rows, f"{config.tasks}/data")
    out = Path(config.out)
    work = _Work(out, config)
    batches = _batches(tasks, config.prompts_per_batch)
    todo = {n: b for n, b in enumerate(batches) if not work.done(n)}
    bar = tqdm(
        total=len(tasks),
        initial=len(tasks) - sum(map(len, todo.values())),
        desc="calibrate",
        unit="task",
        disable=not config.progress,
    )
    if todo:
        (_run_ray if config.engine == "ray" else _run_local)(config, todo, work, bar)
    bar.close()
    results = [r for n in range(len(batches)) for r in work.load(n)]
    problems = {r["id"]: r.get("problem") or r.get("prompt") or "" for r in rows}
    version = str(out.resolve())
    flags = [f for r in results for f in flags_of(r, config.rule, problems[r.id], version)]
    kept, dropped = _write_version(parent, out, results, config)
    _write_outputs(out, results, flags)
    shutil.rmtree(out / WORK, ignore_errors=True)
    return CalibrationReport(out, results, flags, kept, dropped)


def _write_version(
    parent: Version, out: Path, results: list[TaskCalibration], config: CalibrateConfig
) -> tuple[int, int]:
    """The new version: every calibrated row with its pass rate; rows outside the range rejected."""
    rates = {r.id: r.pass_rate for r in results}
    settings = {
        "model": str(Path(config.model).resolve()),
        "k": config.k,
        "temperature": config.temperature,
        "max_new_tokens": config.max_new_tokens,
        "seed": config.seed,
        "min_agree": config.agree,
        "max_key_matches": config.max_key_matches,
        "by_work": config.by_work,
        "min_pass": config.min_pass,
        "max_pass": config.max_pass,
        "split": config.split,
        "parent": str(parent.path.resolve()),
    }
    kept_rows, rejected = [], []
    for row in parent.rows:
        rate = rates.get(row["id"])
        if rate is None:  # a split that was not calibrated stays as it was
            kept_rows.append(row)
        elif config.min_pass <= rate <= config.max_pass:
            lineage = {
                **mapping_column(row, "lineage"),
                "calibration": {k: settings[k] for k in ("model", "k", "temperature", "parent")},
            }
            kept_rows.append({**row, "difficulty": rate, "lineage": to_json(lineage)})
        else:
            rejected.append(
                Rejection(
                    row["id"],
                    "outside_pass_range",
                    f"pass rate {rate:.3f} outside [{config.min_pass}, {config.max_pass}]",
                    to_json(row),
                )
            )
    write_derived(parent, out, kept_rows, rejected, Derivation("calibration", settings))
    return len(kept_rows), len(rejected)


def _write_outputs(out: Path, results: list[TaskCalibration], flags: list[Flag]) -> None:
    atomic_write_text(out / "calibration.jsonl", "".join(to_json(r.summary()) + "\n" for r in results))
    atomic_write_text(out / "flags.jsonl", "".join(to_json(asdict(f)) + "\n" for f in flags))
    plot_pass_rates(out / "pass_rates.png", results)


def plot_pass_rates(path: Path, results: Sequence[TaskCalibration]) -> None:
    """A histogram of pass rates: one bar per possible value of correct / k."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    k = max((r.k for r in results), default=1)
    counts = Counter(r.correct for r in results)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.bar([c / k for c in range(k + 1)], [counts[c] for c in range(k + 1)], width=0.8 / k)
    ax.set_xlabel(f"pass rate ({k} samples per task)")
    ax.set_ylabel("tasks")
    ax.set_title(f"pass rates of {len(results)} tasks")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
