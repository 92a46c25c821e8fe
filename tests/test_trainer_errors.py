"""Every bad input is refused before any step with one clear message: through the library a
``TrainerError``, through the command line one ``Error:`` line and exit code 1, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from trainer_fixtures import addition_rows, build_dataset, invoke, shared, tiny_model, write_parquet
from transformers import BertConfig, BertForMaskedLM

from trainer.errors import TrainerError
from trainer.grpo import RLConfig, check_rl_config, grpo
from trainer.models import load_model
from trainer.pretrain import PretrainConfig, pretrain
from trainer.rft import rft
from trainer.runtime import Dist, RunDir
from trainer.sft import SFTConfig, sft
from trainer.supervised import SupervisedConfig, train_supervised


def _one_error_line(result, *fragments: str, code: int = 1) -> str:
    """The command failed cleanly: exit ``code``, a click exit (not an exception), one ``Error:``
    line holding every fragment, and no traceback."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    if code == 1:  # a trainer error: the message is all there is
        assert result.output.strip() == errors[0]
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def _nothing_written(out: Path) -> None:
    assert not (out / "metrics.jsonl").exists() and not (out / "model.safetensors").exists()


@pytest.fixture(scope="module")
def no_columns(tmp_path_factory) -> Path:
    """A dataset folder another tool wrote, without the columns the trainer needs."""
    folder = tmp_path_factory.mktemp("no-columns")
    write_parquet(folder, "train", [{"question": "What is 1 plus 1?", "response": "2"}])
    return folder


# --------------------------------------------------------------------------------------------
# A dataset without the needed columns
# --------------------------------------------------------------------------------------------
def test_sft_dataset_without_columns(tmp_path_factory, no_columns, tmp_path):
    config = SFTConfig(model=str(shared(tmp_path_factory).base), data=str(no_columns), out=str(tmp_path), steps=2)
    with pytest.raises(TrainerError, match="columns found: question, response"):
        sft(config)
    _nothing_written(tmp_path)
    result = invoke("sft", "--model", config.model, "--data", str(no_columns), "--out", str(tmp_path), "--quiet")
    _one_error_line(result, "needs column(s) prompt, solution", "columns found: question, response")
    _nothing_written(tmp_path)


@pytest.mark.parametrize("algo", ["grpo", "rft"])
def test_rl_dataset_without_columns(tmp_path_factory, no_columns, tmp_path, algo):
    config = RLConfig(model=str(shared(tmp_path_factory).base), tasks=str(no_columns), out=str(tmp_path), algo=algo)
    with pytest.raises(TrainerError, match="columns found: question, response"):
        (grpo if algo == "grpo" else rft)(config)
    _nothing_written(tmp_path)
    result = invoke("rl", "--algo", algo, "--model", config.model, "--tasks", str(no_columns), "--out", str(tmp_path))
    _one_error_line(result, "needs column(s) prompt, answer", "columns found: question, response")


def test_eval_dataset_without_the_split(tmp_path_factory):
    data = shared(tmp_path_factory)
    result = invoke("eval", "--model", str(data.base), "--tasks", str(data.data), "--split", "validation", "--quiet")
    _one_error_line(result, "no 'validation' split", "splits found: test, train")


# --------------------------------------------------------------------------------------------
# A model path that is not a causal LM
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def not_causal(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    _, tokenizer = load_model(shared(tmp_path_factory).base)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32)  # fmt: skip
    bert = root / "bert"
    BertForMaskedLM(config).save_pretrained(bert)
    tokenizer.save_pretrained(bert)
    config_only = root / "bert-config-only"  # no architectures named, no weights
    BertConfig.from_dict({k: v for k, v in config.to_dict().items() if k != "architectures"}).save_pretrained(
        config_only
    )
    tokenizer.save_pretrained(config_only)
    no_tokenizer = root / "no-tokenizer"
    no_tokenizer.mkdir()
    for name in ("config.json", "model.safetensors"):
        (no_tokenizer / name).write_bytes((shared(tmp_path_factory).base / name).read_bytes())
    broken = root / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    return {
        "bert": bert, "config-only": config_only, "no-tokenizer": no_tokenizer, "broken": broken,
        "empty": root,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("bert", "not a causal language model (architectures: BertForMaskedLM)"),
        ("config-only", "cannot load a causal LM"),
        ("no-tokenizer", "no tokenizer beside the model"),
        ("broken", "config.json: not JSON"),
        ("empty", "not a model folder (no config.json)"),
    ],
)
def test_model_that_is_not_a_causal_lm(tmp_path_factory, not_causal, tmp_path, which, message):
    with pytest.raises(TrainerError) as error:
        load_model(not_causal[which])
    assert message in str(error.value) and "\n" not in str(error.value)
    data = shared(tmp_path_factory).data
    model = str(not_causal[which])
    for args in (
        ("sft", "--model", model, "--data", str(data), "--out", str(tmp_path), "--steps", "1"),
        ("rl", "--model", model, "--tasks", str(data), "--out", str(tmp_path), "--steps", "1"),
        ("eval", "--model", model, "--tasks", str(data), "-k", "1"),
        ("pretrain", "--model", model, "--corpus", str(data / "README.md"), "--out", str(tmp_path), "--steps", "1"),
    ):
        _one_error_line(invoke(*args, "--quiet"), message)
        _nothing_written(tmp_path)


# --------------------------------------------------------------------------------------------
# A prompt longer than the model's context
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def short_context(tmp_path_factory) -> tuple[Path, Path]:
    """A model with a 32-token context, and problems whose conversations are longer than that."""
    root = tmp_path_factory.mktemp("short")
    rows = addition_rows(top=2, forms=("What is {a} plus {b}? " + "Think it over carefully, step by step. " * 2,))
    data = build_dataset(rows, root / "long")
    model = tiny_model(root / "model", [r["problem"] + r["solution"] for r in rows], context=32)
    return model, data


def test_sft_example_longer_than_the_context(short_context, tmp_path):
    model, data = short_context
    with pytest.raises(TrainerError, match=r"conversation 0 has \d+ tokens; the model's context is 32"):
        sft(SFTConfig(model=str(model), data=str(data), out=str(tmp_path), steps=1))
    _nothing_written(tmp_path)
    result = invoke("sft", "--model", str(model), "--data", str(data), "--out", str(tmp_path), "--steps", "1")
    _one_error_line(result, "the model's context is 32")


@pytest.mark.parametrize("algo", ["grpo", "rft"])
def test_rl_prompt_longer_than_the_context(short_context, tmp_path, algo):
    model, data = short_context
    config = RLConfig(model=str(model), tasks=str(data), out=str(tmp_path), algo=algo, max_new_tokens=8)
    with pytest.raises(TrainerError, match=r"its prompt has \d+ tokens, plus --max-new-tokens 8 is over the model's"):
        (grpo if algo == "grpo" else rft)(config)
    _nothing_written(tmp_path)
    result = invoke("rl", "--algo", algo, "--model", str(model), "--tasks", str(data), "--out", str(tmp_path),
                    "--max-new-tokens", "8")  # fmt: skip
    _one_error_line(result, "is over the model's context (32)")


def test_pretrain_sequence_longer_than_the_context(short_context, tmp_path):
    model, _ = short_context
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("Some text to learn.\n")
    with pytest.raises(TrainerError, match=r"--seq-len 64 is longer than the model's context \(32\)"):
        pretrain(
            PretrainConfig(corpus=[str(corpus)], out=str(tmp_path / "out"), size=None, model=str(model), seq_len=64)
        )
    result = invoke("pretrain", "--corpus", str(corpus), "--model", str(model), "--out", str(tmp_path / "out"),
                    "--seq-len", "64")  # fmt: skip
    _one_error_line(result, "longer than the model's context (32)")


# --------------------------------------------------------------------------------------------
# Batch sizes that do not divide, and settings that cannot work
# --------------------------------------------------------------------------------------------
def test_prompts_per_step_must_divide_over_the_processes():
    config = RLConfig(model="m", tasks="t", out="o", prompts_per_step=3)
    check_rl_config(config, Dist(rank=0, world=1))  # one process: fine
    with pytest.raises(TrainerError, match="--prompts-per-step 3 does not divide over 2 processes"):
        check_rl_config(config, Dist(rank=1, world=2))
    check_rl_config(RLConfig(model="m", tasks="t", out="o", prompts_per_step=4), Dist(rank=1, world=2))


def test_supervised_batch_must_divide_over_the_processes(tmp_path_factory, tmp_path):
    model, tokenizer = load_model(shared(tmp_path_factory).base)
    settings = SupervisedConfig(steps=1, batch_size=3, lr=1e-3, warmup=0, progress=False)
    with pytest.raises(TrainerError, match="--batch-size 3 does not divide over 2 processes"):
        train_supervised(model, tokenizer, [], settings, RunDir(tmp_path, Dist(0, 2)), Dist(0, 2), "sft")
    _nothing_written(tmp_path)


def test_other_settings_that_cannot_work():
    with pytest.raises(TrainerError, match="--group-size must be at least 2 for grpo"):
        check_rl_config(RLConfig(model="m", tasks="t", out="o", group_size=1), Dist())
    check_rl_config(RLConfig(model="m", tasks="t", out="o", group_size=1, algo="rft"), Dist())  # rft: fine
    with pytest.raises(TrainerError, match="--loss-aggregation must be token or sequence"):
        check_rl_config(RLConfig(model="m", tasks="t", out="o", loss_aggregation="mean"), Dist())


def test_steps_with_epochs(tmp_path_factory, tmp_path):
    data = shared(tmp_path_factory)
    with pytest.raises(TrainerError, match="give steps or epochs, not both"):
        sft(SFTConfig(model=str(data.base), data=str(data.data), out=str(tmp_path), steps=3, epochs=1.0))
    result = invoke("sft", "--model", str(data.base), "--data", str(data.data), "--out", str(tmp_path),
                    "--steps", "3", "--epochs", "1")  # fmt: skip
    _one_error_line(result, "give --steps or --epochs, not both", code=2)  # a usage error: click's exit code 2
    _nothing_written(tmp_path)


def test_resume_without_a_checkpoint(tmp_path_factory, tmp_path):
    data = shared(tmp_path_factory)
    result = invoke("sft", "--model", str(data.base), "--data", str(data.data), "--out", str(tmp_path),
                    "--steps", "2", "--resume", "--quiet")  # fmt: skip
    _one_error_line(result, "nothing to resume (no checkpoint/state.pt)")
    _nothing_written(tmp_path)


def test_eval_generation_longer_than_the_context(tmp_path_factory):
    data = shared(tmp_path_factory)  # the base model's context is 128 tokens
    result = invoke("eval", "--model", str(data.base), "--tasks", str(data.data), "--max-new-tokens", "128", "-k", "1")
    _one_error_line(result, "--max-new-tokens 128 leaves no room for a prompt in the model's context (128)")
