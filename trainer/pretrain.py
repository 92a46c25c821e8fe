"""Pretraining: next-token prediction on plain text, a tiny model from scratch or a checkpoint continued.

The corpus is text files (``.txt``/``.md``: passages separated by blank lines) or JSONL files with
a ``text`` field. Passages are tokenized, joined with the end token and cut into ``seq_len``
pieces; every token is learned. With ``--size`` a BPE tokenizer is trained on the corpus first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .chat import Encoded
from .errors import TrainerError
from .models import build_model, count_parameters, load_model
from .runtime import RunDir, seed_everything, setup_distributed
from .supervised import train_stage
from .tokenizer import DEFAULT_VOCAB_SIZE, train_tokenizer


@dataclass
class PretrainConfig:
    corpus: list[str]
    out: str
    size: str | None = "xs"
    model: str | None = None
    steps: int = 150
    batch_size: int = 32
    seq_len: int = 128
    lr: float = 3e-3
    warmup: int = 10
    seed: int = 0
    vocab_size: int = DEFAULT_VOCAB_SIZE
    save_every: int = 100
    resume: bool = False
    progress: bool = True


def read_corpus(paths: Sequence[str]) -> list[str]:
    """The passages of the corpus files, in order."""
    passages: list[str] = []
    for name in paths:
        path = Path(name)
        if not path.is_file():
            raise TrainerError(f"{path}: no such corpus file")
        passages.extend(_passages(path))
    if not passages:
        raise TrainerError(f"the corpus ({', '.join(paths)}) holds no text")
    return passages


def _passages(path: Path) -> Iterator[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise TrainerError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise TrainerError(f"{path}:{number}: field 'text' missing or not text")
            yield row["text"]
    elif path.suffix in (".txt", ".md", ""):
        yield from (p.strip() for p in text.split("\n\n") if p.strip())
    else:
        raise TrainerError(f"{path}: corpus files are .txt, .md or .jsonl (with a 'text' field)")


def pack(token_lists: Sequence[list[int]], end_id: int, seq_len: int) -> list[Encoded]:
    """Passages joined by the end token, cut into pieces of ``seq_len`` tokens (the last one shorter)."""
    stream = [t for tokens in token_lists for t in [*tokens, end_id]]
    pieces = [stream[i : i + seq_len] for i in range(0, len(stream), seq_len)]
    return [Encoded(p, [True] * len(p)) for p in pieces if len(p) > 1]


def pretrain(config: PretrainConfig) -> list[dict]:
    """Run pretraining; returns the per-step metrics."""
    world = setup_distributed()
    seed_everything(config.seed)
    passages = read_corpus(config.corpus)
    if config.model:
        model, tokenizer = load_model(config.model)
    else:
        tokenizer = train_tokenizer(passages, config.vocab_size)
        model = build_model(config.size or "xs", tokenizer, context=max(256, config.seq_len))
    context = int(model.config.max_position_embeddings)
    if config.seq_len > context:
        raise TrainerError(f"--seq-len {config.seq_len} is longer than the model's context ({context})")
    examples = pack([tokenizer(p)["input_ids"] for p in passages], int(tokenizer.eos_token_id), config.seq_len)
    run = RunDir(config.out, world)
    corpus_hashes = {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in config.corpus}
    run.write_run(
        "pretrain",
        config,
        None,
        {
            "corpus_sha256": corpus_hashes,
            "parameters": count_parameters(model),
            "tokens": sum(len(e.ids) for e in examples),
        },
    )
    return train_stage(model, tokenizer, examples, config, config.steps, run, world, "pretrain")
