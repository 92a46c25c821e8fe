"""Pretraining and SFT: the loss falls, SFT learns only the assistant's tokens, and every run
folder holds the checkpoint, metrics.jsonl, run.json and a plot."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import torch
from trainer_fixtures import addition_rows, build_dataset, read_jsonl, shared
from transformers import AutoModelForCausalLM, AutoTokenizer

from trainer.chat import Encoded, encode_conversation
from trainer.data import sft_conversations
from trainer.errors import TrainerError
from trainer.models import count_parameters, load_model
from trainer.optim import FINAL_LR_FRACTION
from trainer.pretrain import PretrainConfig, pack, pretrain, read_corpus
from trainer.runtime import Dist, RunDir
from trainer.sft import SFTConfig, sft
from trainer.supervised import SupervisedConfig, collate, token_loss_sum, train_supervised

REQUIRED = {"step", "seconds", "tokens_per_second", "loss", "lr"}
PASSAGES = [
    "Numbers are written with digits. The number 128 has three digits: 1, 2 and 8.",
    "To add two numbers, start with the ones. 3 plus 4 is 7, and 5 plus 6 is 11.",
    "A sum does not depend on the order: 2 plus 9 is the same as 9 plus 2.",
    "Zero changes nothing in a sum: 7 plus 0 is 7.",
]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _check_run_folder(out: Path, steps: int) -> list[dict]:
    assert {"config.json", "model.safetensors", "tokenizer.json", "run.json", "metrics.jsonl"} <= {
        p.name for p in out.iterdir()
    }
    png = out / "curves.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = read_jsonl(out / "metrics.jsonl")
    assert [m["step"] for m in metrics] == list(range(1, steps + 1))
    for m in metrics:
        assert m.keys() >= REQUIRED, sorted(m)
        assert m["seconds"] > 0 and m["tokens_per_second"] > 0 and m["loss"] > 0
    AutoModelForCausalLM.from_pretrained(out, local_files_only=True)
    AutoTokenizer.from_pretrained(out, local_files_only=True)
    return metrics


# --------------------------------------------------------------------------------------------
# Pretraining
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    root = tmp_path_factory.mktemp("pretrain")
    text = root / "book.txt"
    text.write_text("\n\n".join(PASSAGES[:2]) + "\n")
    jsonl = root / "more.jsonl"
    jsonl.write_text("".join(json.dumps({"text": p}) + "\n" for p in PASSAGES[2:]))
    config = PretrainConfig(
        corpus=[str(text), str(jsonl)],
        out=str(root / "out"),
        size="xs",
        steps=30,
        batch_size=8,
        seq_len=32,
        lr=3e-3,
        warmup=5,
        seed=3,
        progress=False,
    )
    history = pretrain(config)
    return config, history


@pytest.mark.slow
def test_pretrain_loss_falls(pretrained):
    config, history = pretrained
    metrics = _check_run_folder(Path(config.out), config.steps)
    assert metrics == history
    losses = [m["loss"] for m in metrics]
    assert _mean(losses[-5:]) < 0.5 * _mean(losses[:3]), losses


@pytest.mark.slow
def test_pretrain_learning_rate_warms_up_then_decays(pretrained):
    config, history = pretrained
    rates = [m["lr"] for m in history]
    warm = rates[: config.warmup]
    assert warm == sorted(warm) and rates[config.warmup - 1] == pytest.approx(config.lr)
    decay = rates[config.warmup - 1 :]
    assert decay == sorted(decay, reverse=True)
    assert rates[-1] >= FINAL_LR_FRACTION * config.lr


@pytest.mark.slow
def test_pretrain_run_json(pretrained):
    config, _ = pretrained
    out = Path(config.out)
    run = json.loads((out / "run.json").read_text())
    assert run["stage"] == "pretrain" and run["seed"] == 3 and run["world_size"] == 1
    assert run["config"]["steps"] == 30 and run["config"]["corpus"] == config.corpus
    assert run["corpus_sha256"] == {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in config.corpus}
    model, tokenizer = load_model(out)
    assert run["parameters"] == count_parameters(model)
    passages = read_corpus(config.corpus)
    stream = sum(len(tokenizer(p)["input_ids"]) + 1 for p in passages)  # each passage and its end token
    assert run["tokens"] == (stream - 1 if stream % config.seq_len == 1 else stream)  # a 1-token tail is dropped
    assert {"torch", "transformers", "tokenizers", "python"} <= run["versions"].keys()


@pytest.mark.slow
def test_pretrain_continues_a_checkpoint(pretrained, tmp_path):
    config, history = pretrained
    again = PretrainConfig(
        corpus=config.corpus, out=str(tmp_path), size=None, model=config.out, steps=3, batch_size=8, seq_len=32,
        warmup=1, progress=False,
    )  # fmt: skip
    continued = pretrain(again)
    # the checkpoint already knows the corpus: its loss starts where the first run ended, far below a new model's
    assert continued[0]["loss"] < 0.5 * history[0]["loss"]


def test_pack_joins_passages_with_the_end_token():
    pieces = pack([[1, 2, 3], [4, 5], [6]], end_id=0, seq_len=4)
    assert [p.ids for p in pieces] == [[1, 2, 3, 0], [4, 5, 0, 6]]  # the last piece, [0], is too short to learn
    assert all(all(p.learn) for p in pieces)


def test_corpus_errors(tmp_path):
    with pytest.raises(TrainerError, match="no such corpus file"):
        read_corpus([str(tmp_path / "missing.txt")])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"body": "no text field"}\n')
    with pytest.raises(TrainerError, match=r"bad\.jsonl:2: field 'text' missing"):
        read_corpus([str(bad)])
    csv = tmp_path / "table.csv"
    csv.write_text("a,b\n")
    with pytest.raises(TrainerError, match=r"corpus files are \.txt, \.md or \.jsonl"):
        read_corpus([str(csv)])
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(TrainerError, match="holds no text"):
        read_corpus([str(empty)])


# --------------------------------------------------------------------------------------------
# SFT
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clean_data(tmp_path_factory) -> Path:
    return build_dataset(addition_rows(), tmp_path_factory.mktemp("sft") / "clean")


@pytest.fixture(scope="module")
def fine_tuned(tmp_path_factory, clean_data):
    config = SFTConfig(
        model=str(shared(tmp_path_factory).base),
        data=str(clean_data),
        out=str(tmp_path_factory.mktemp("sft") / "out"),
        steps=30,
        batch_size=16,
        lr=3e-3,
        warmup=3,
        progress=False,
    )
    return config, sft(config)


@pytest.mark.slow
def test_sft_loss_falls(fine_tuned, clean_data):
    config, history = fine_tuned
    metrics = _check_run_folder(Path(config.out), 30)
    assert metrics == history
    losses = [m["loss"] for m in metrics]
    assert _mean(losses[-5:]) < 0.4 * _mean(losses[:3]), losses
    run = json.loads((Path(config.out) / "run.json").read_text())
    assert run["stage"] == "sft" and run["steps"] == 30 and run["examples"] == 100
    manifest = hashlib.sha256((clean_data / "manifest.json").read_bytes()).hexdigest()
    assert run["dataset_manifest_sha256"] == manifest
    assert run["config"] == {**run["config"], "model": config.model, "data": config.data, "lr": 3e-3}
    assert [m["epoch"] for m in metrics][-1] == pytest.approx(30 * 16 / 100)


@pytest.mark.slow
def test_epochs_set_the_number_of_steps(tmp_path_factory, clean_data, tmp_path):
    config = SFTConfig(
        model=str(shared(tmp_path_factory).base), data=str(clean_data), out=str(tmp_path), epochs=0.5,
        batch_size=16, warmup=1, progress=False,
    )  # fmt: skip
    history = sft(config)
    assert len(history) == 4  # ceil(0.5 * 100 / 16)
    assert json.loads((tmp_path / "run.json").read_text())["steps"] == 4


def test_labels_are_the_assistant_tokens_only(tmp_path_factory, clean_data):
    _, tokenizer = load_model(shared(tmp_path_factory).base)
    examples = [encode_conversation(tokenizer, c.messages) for c in sft_conversations(clean_data)[:6]]
    batch = collate(examples, tokenizer.pad_token_id)
    for row, e in enumerate(examples):
        labels = batch["labels"][row].tolist()
        width = len(e.ids)
        assert labels[:width] == [i if learn else -100 for i, learn in zip(e.ids, e.learn, strict=True)]
        assert set(labels[width:]) <= {-100}  # padding is never learned
    model, _ = load_model(shared(tmp_path_factory).base)
    with torch.no_grad():
        _, count = token_loss_sum(model, batch)
    assert count == sum(sum(e.learn[1:]) for e in examples)


def _token_losses(model, examples: list[Encoded]) -> tuple[float, float]:
    """Mean next-token loss on the tokens each example learns, and on the others (the prompts)."""
    learned: list[float] = []
    other: list[float] = []
    with torch.no_grad():
        for e in examples:
            logits = model(input_ids=torch.tensor([e.ids])).logits[0, :-1]
            losses = torch.nn.functional.cross_entropy(logits, torch.tensor(e.ids[1:]), reduction="none").tolist()
            for loss, learn in zip(losses, e.learn[1:], strict=True):
                (learned if learn else other).append(loss)
    return _mean(learned), _mean(other)


@pytest.mark.slow
def test_sft_learns_only_the_assistant_tokens(tmp_path_factory, fine_tuned, clean_data, tmp_path):
    """Against a control trained the same way on every token: SFT's prompt-token loss stays high
    (the prompts are very predictable, so a model that learned them would predict them well)."""
    config, _ = fine_tuned
    base = shared(tmp_path_factory).base
    model, tokenizer = load_model(base)
    examples = [encode_conversation(tokenizer, c.messages) for c in sft_conversations(clean_data)]
    start_learned, start_other = _token_losses(model, examples)
    settings = SupervisedConfig(steps=30, batch_size=16, lr=3e-3, warmup=3, progress=False)
    everything = [Encoded(e.ids, [True] * len(e.ids)) for e in examples]
    train_supervised(model, tokenizer, everything, settings, RunDir(tmp_path, Dist()), Dist(), "control")
    control_learned, control_other = _token_losses(model, examples)
    tuned, _ = load_model(config.out)
    sft_learned, sft_other = _token_losses(tuned, examples)
    assert sft_learned < 0.3 * start_learned and control_learned < 0.3 * start_learned
    assert control_other < 0.3 * start_other  # prompts are learnable ...
    assert sft_other > 0.5 * start_other  # ... and SFT did not learn them
    assert sft_other > 3 * control_other
