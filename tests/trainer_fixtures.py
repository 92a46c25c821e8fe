"""What the trainer tests share: small generated datasets, tiny models, a shared SFT'd model, and
ways to run ``answerkey train`` (in this process, in a subprocess, under torchrun).

Everything is generated locally in temporary folders; nothing is downloaded. Built artifacts that
several test files use (the addition dataset, the untrained and the SFT'd tiny model) are made
once per test session (``shared(tmp_path_factory)``), whichever test file asks first.
"""

from __future__ import annotations

import functools
import json
import math
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import click
import pytest
import torch
from click.testing import CliRunner, Result
from worker_hang import hang_on

from pipeline.build import BuildConfig, SourceSpec, build
from trainer.models import build_model, save_model
from trainer.tokenizer import train_tokenizer

# A test run shares two cores with other work: one torch thread keeps runs fast and deterministic.
THREADS_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
WALL_TIME_FIELDS = ("seconds", "tokens_per_second", "generation_seconds")
UNSURE = "I am not sure."

# The phrasings of an addition problem; several per fact, so a fact's problems differ in text.
FORMS = ("What is {a} plus {b}?", "What is {a} added to {b}?", "Compute {a} plus {b}.", "Add {a} and {b}.")


def one_thread() -> None:
    torch.set_num_threads(1)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
def addition_rows(top: int = 5, forms: Sequence[str] = FORMS, unsure: float = 0.0, seed: int = 0) -> list[dict]:
    """Distinct single-digit addition problems (``a + b`` for a, b < ``top``, in every phrasing)
    with worked solutions; a fraction ``unsure`` of the solutions is the unhelpful ``UNSURE``."""
    rng = random.Random(seed)
    rows = []
    for a in range(top):
        for b in range(top):
            for form in forms:
                total = a + b
                solution = UNSURE if rng.random() < unsure else f"{a} + {b} = {total}. The answer is {total}."
                rows.append({"problem": form.format(a=a, b=b), "answer": str(total), "solution": solution})
    return rows


def write_jsonl(path: Path, rows: Sequence[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def build_dataset(
    rows: Sequence[dict], out: Path, fmt: str = "answerkey", test_fraction: float = 0.0, source: str | None = None
) -> Path:
    """``answerkey build`` (the library call) of ``rows`` into ``out``; returns ``out``."""
    jsonl = write_jsonl(out.parent / f"{out.name}.jsonl", rows)
    mapping = {"source": source} if source else {}
    build(
        BuildConfig(
            sources=[SourceSpec(str(jsonl), recipe="generic", mapping=mapping)],
            out=str(out),
            format=fmt,
            test_fraction=test_fraction,
        ),
        progress=False,
    )
    return out


def write_parquet(folder: Path, split: str, rows: list[dict], sub: str = "data") -> Path:
    """A dataset folder written by hand (as another tool would): ``folder/sub/{split}-00000-of-00001.parquet``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / sub / f"{split}-00000-of-00001.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def corpus_texts(rows: Sequence[dict]) -> list[str]:
    return [r["problem"] for r in rows] + [r["solution"] for r in rows if r.get("solution")]


def tiny_model(out: Path, texts: Sequence[str], size: str = "xs", context: int = 128, seed: int = 0) -> Path:
    """A freshly initialised tiny Llama and a BPE tokenizer trained on ``texts``, saved in ``out``."""
    torch.manual_seed(seed)
    tokenizer = train_tokenizer(texts)
    save_model(build_model(size, tokenizer, context=context), tokenizer, out)
    return out


# --------------------------------------------------------------------------------------------
# Shared artifacts, made once per session
# --------------------------------------------------------------------------------------------
SFT_STEPS = 100


class Shared:
    """The session's shared artifacts, each made on first use.

    ``data``: the addition problems (half of the solutions ``UNSURE``), about 80 train and 20 test rows;
    ``base``: an untrained xs model with a tokenizer trained on them; ``sft``: ``base`` after
    ``SFT_STEPS`` SFT steps on ``data`` (tens of seconds): it answers most problems it tries, but
    says ``UNSURE`` about half of the time, so GRPO has an easy, reliable way to raise its reward.
    """

    def __init__(self, root: Path):
        self.root = root

    @functools.cached_property
    def rows(self) -> list[dict]:
        return addition_rows(unsure=0.5)

    @functools.cached_property
    def data(self) -> Path:
        return build_dataset(self.rows, self.root / "addition", test_fraction=0.2)

    @functools.cached_property
    def base(self) -> Path:
        return tiny_model(self.root / "base", corpus_texts(self.rows))

    @functools.cached_property
    def sft(self) -> Path:
        from trainer.sft import SFTConfig, sft

        one_thread()
        sft(
            SFTConfig(
                model=str(self.base),
                data=str(self.data),
                out=str(self.root / "sft"),
                steps=SFT_STEPS,
                batch_size=32,
                lr=3e-3,
                warmup=5,
                save_every=SFT_STEPS,
                progress=False,
            )
        )
        return self.root / "sft"


_SHARED: dict[str, Shared] = {}


def shared(factory: pytest.TempPathFactory) -> Shared:
    """The session's ``Shared`` artifacts (one set, whichever test file asks first)."""
    if "shared" not in _SHARED:
        one_thread()
        _SHARED["shared"] = Shared(factory.mktemp("trainer-shared"))
    return _SHARED["shared"]


# --------------------------------------------------------------------------------------------
# Reading run folders
# --------------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def without_wall_time(rows: Sequence[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in WALL_TIME_FIELDS} for r in rows]


def assert_same_metrics(got: Sequence[dict], expected: Sequence[dict], rel: float = 1e-6) -> None:
    """Every field of every step equal (floats within ``rel``), wall-time fields left out."""
    got_rows, expected_rows = without_wall_time(got), without_wall_time(expected)
    assert [r["step"] for r in got_rows] == [r["step"] for r in expected_rows]
    for g, e in zip(got_rows, expected_rows, strict=True):
        assert g.keys() == e.keys(), f"step {e['step']}: keys {sorted(g)} vs {sorted(e)}"
        for key, value in e.items():
            other = g[key]
            if isinstance(value, float) and isinstance(other, float):
                assert math.isclose(other, value, rel_tol=rel, abs_tol=1e-12), (
                    f"step {e['step']} {key}: {other} vs {value}"
                )
            else:
                assert other == value, f"step {e['step']} {key}: {other!r} vs {value!r}"


def state_dicts_equal(a: Path, b: Path) -> bool:
    from safetensors.torch import load_file

    left, right = load_file(str(a / "model.safetensors")), load_file(str(b / "model.safetensors"))
    return left.keys() == right.keys() and all(torch.equal(left[k], right[k]) for k in left)


# --------------------------------------------------------------------------------------------
# Running ``answerkey train``
# --------------------------------------------------------------------------------------------
def train_group() -> tuple[click.Command, list[str]]:
    """The command to invoke and the argv prefix: ``answerkey train`` when the top-level CLI has
    the ``train`` verb registered, else the trainer's own group (``answerkey.cli_train``)."""
    from answerkey.cli import main

    try:
        found = main.get_command(click.Context(main), "train") if isinstance(main, click.Group) else None
    except Exception:  # the registry may fail to import it; the trainer's group still works
        found = None
    if found is not None:
        return main, ["train"]
    from answerkey.cli_train import train_command

    return train_command, []


def invoke(*args: str) -> Result:
    """``answerkey train ARGS`` in this process (click's runner); exceptions are kept, not raised."""
    command, prefix = train_group()
    return CliRunner().invoke(command, [*prefix, *args], catch_exceptions=True)


RUNNER = """\
import sys
from answerkey.cli import main
import click
try:
    has_train = main.get_command(click.Context(main), "train") is not None
except Exception:
    has_train = False
if has_train:
    main(["train", *sys.argv[1:]], prog_name="answerkey")
else:
    from answerkey.cli_train import train_command
    train_command(sys.argv[1:], prog_name="answerkey train")
"""


def runner_script(folder: Path) -> Path:
    """A script that runs ``answerkey train ARGS`` (for subprocesses and torchrun)."""
    path = folder / "run_answerkey_train.py"
    if not path.exists():
        path.write_text(RUNNER, encoding="utf-8")
    return path


def subprocess_env() -> dict[str, str]:
    env = {**os.environ, **THREADS_ENV}
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        env[var] = "1"
    return env


def start_train(folder: Path, *args: str, log: Path | None = None) -> subprocess.Popen:
    """``answerkey train ARGS`` in a subprocess (stdout and stderr to ``log``)."""
    command = [sys.executable, str(runner_script(folder)), *args]
    if log is None:
        return subprocess.Popen(command, env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(log, "w") as out:  # the child writes to its own copy of the file
        return subprocess.Popen(command, env=subprocess_env(), stdout=out, stderr=subprocess.STDOUT)


def torchrun(folder: Path, nproc: int, *args: str, timeout: float = 400) -> subprocess.CompletedProcess:
    """``torchrun --nproc_per_node N answerkey train ARGS`` (gloo on CPU, one thread per process)."""
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",  # a rendezvous on a free local port
        f"--nproc_per_node={nproc}",
        str(runner_script(folder)),
        *args,
    ]
    return subprocess.run(command, env=subprocess_env(), capture_output=True, text=True, timeout=timeout)


# --------------------------------------------------------------------------------------------
# A verification that never returns (the approach of test_verifiers_batch.py)
# --------------------------------------------------------------------------------------------
HANG_SECONDS = 60.0
HANG_SENTINEL = "\\text{hang-sentinel-trainer}"


def inject_hang(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make every verifier worker started from now on hang on ``HANG_SENTINEL``; returns the marker
    path that appears when one does."""
    return hang_on(HANG_SENTINEL, HANG_SECONDS, folder, monkeypatch)
