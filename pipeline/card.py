"""The dataset card (README.md) of a dataset version, rendered from its manifest.

Its YAML front matter lists the data files of each config and split, so that
``datasets.load_dataset(version_dir)`` loads exactly the files the manifest hashes.
"""

from __future__ import annotations

import yaml

from .export import OUTPUTS, SHARD_PATH

_SPLIT_ORDER = ("train", "validation", "test")
_HUB_LICENSES = {
    "mit": "mit",
    "cc by 4.0": "cc-by-4.0",
    "cc-by-4.0": "cc-by-4.0",
    "apache 2.0": "apache-2.0",
    "apache-2.0": "apache-2.0",
    "cc by-sa 4.0": "cc-by-sa-4.0",
    "cc0": "cc0-1.0",
}


def hub_license(name: str) -> str:
    """The Hugging Face Hub id of a license name (``CC BY 4.0`` -> ``cc-by-4.0``), else ``other``."""
    return _HUB_LICENSES.get(name.strip().lower(), "other")


_WHAT = {
    "answerkey": "answerkey's own task format: every column of a verified task, with its lineage.",
    "trl": "for TRL: GRPO prompts with the gold answer for `verifiers.reward` (config `default`), "
    "and SFT conversations for the tasks that have a worked solution (config `sft`).",
    "verl": "for verl: its RL parquet schema, the gold answer in `reward_model.ground_truth`.",
    "openrlhf": "for OpenRLHF: JSONL prompts (`input`) with the gold answer (`label`).",
}

_COLUMNS = {
    "id": "stable content id (hash of the normalized problem and the answer)",
    "problem": "the problem as read from the source",
    "prompt": "the problem as shown to the model",
    "input": "the problem as shown to the model",
    "messages": "the conversation: the prompt, then the worked solution",
    "answer": "the canonical gold answer",
    "label": "the canonical gold answer",
    "answer_type": "how the answer is compared (number, expression, choice, ...)",
    "solution": "the worked solution, when the source has one",
    "source": "where the task comes from",
    "data_source": "where the task comes from",
    "license": "the source's license",
    "lang": "language of the problem",
    "split": "train or test (a deterministic hash of the id)",
    "difficulty": "pass rate when measured, else null",
    "metadata": "source-specific fields (JSON text)",
    "lineage": "origin ids, annotators, drafts (JSON text)",
    "verifier": "the verifier and its options (JSON text)",
    "ability": "the task family (math)",
    "reward_model": "`style` (rule) and `ground_truth` (the gold answer)",
    "extra_info": "`split`, `index` within the split, `id` and `answer_type`",
}


def _config_name(folder: str) -> str:
    return "default" if folder == "data" else folder


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _split_key(split: str) -> tuple[int, str]:
    return (_SPLIT_ORDER.index(split) if split in _SPLIT_ORDER else len(_SPLIT_ORDER), split)


def _configs(files: dict[str, dict]) -> list[dict]:
    """The ``configs`` front matter: for each folder, its files by split (known splits first)."""
    by_folder: dict[str, dict[str, list[str]]] = {}
    for path in sorted(files):
        match = SHARD_PATH.fullmatch(path)
        if match is None:
            raise ValueError(f"not a shard path: {path!r}")
        by_folder.setdefault(match["folder"], {}).setdefault(match["split"], []).append(path)

    return [
        {
            "config_name": _config_name(folder),
            "data_files": [{"split": s, "path": splits[s]} for s in sorted(splits, key=_split_key)],
        }
        for folder, splits in sorted(by_folder.items(), key=lambda item: _config_name(item[0]) != "default")
    ]


def _front_matter(manifest: dict) -> str:
    licenses = sorted({hub_license(s.get("license") or "") for s in manifest["sources"]}) or ["other"]
    front = {
        "pretty_name": manifest["name"],
        "license": licenses[0] if len(licenses) == 1 else licenses,
        "task_categories": ["text-generation"],
        "tags": list(dict.fromkeys(["answerkey", "math", "verifiable-rewards", manifest["format"]])),
        "configs": _configs(manifest["files"]),
    }
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---"


def _schema(fmt: str) -> str:
    parts = []
    for output in OUTPUTS[fmt]:
        rows = [(f"`{f.name}`", f"`{f.type}`", _COLUMNS[f.name]) for f in output.schema]
        parts.append(
            f"`{output.folder}/*.{output.ext}` (config `{_config_name(output.folder)}`):\n\n"
            + _table(("column", "type", "meaning"), rows)
        )
    return "\n\n".join(parts)


def _loading(manifest: dict) -> str:
    name, fmt = manifest["name"], manifest["format"]
    snippets = [
        "With `datasets` (the front matter above lists the files):\n\n```python\n"
        f'from datasets import load_dataset\n\nds = load_dataset("path/to/{name}")\n```'
    ]
    if fmt == "trl":
        snippets.append(
            "With TRL (the reward reads the `answer` and `answer_type` columns):\n\n```python\n"
            "from datasets import load_dataset\nfrom trl import GRPOConfig, GRPOTrainer, SFTConfig, SFTTrainer\n"
            "from verifiers import reward\n\n"
            f'grpo = GRPOTrainer(model=MODEL, reward_funcs=[reward], args=GRPOConfig(output_dir="grpo"),\n'
            f'                   train_dataset=load_dataset("path/to/{name}", split="train"))\n'
            f'sft = SFTTrainer(model=MODEL, args=SFTConfig(output_dir="sft"),\n'
            f'                 train_dataset=load_dataset("path/to/{name}", "sft", split="train"))\n```'
        )
    if fmt == "verl":
        train = [p for p in manifest["files"] if p.startswith("data/train-")]
        snippets.append(
            "With verl, a reward function that checks with answerkey's verifiers (`answerkey_reward.py`):\n\n"
            "```python\nfrom verifiers import reward\n\n\n"
            "def compute_score(data_source, solution_str, ground_truth, extra_info=None):\n"
            '    return reward([solution_str], [ground_truth], answer_type=[extra_info["answer_type"]])[0]\n```\n\n'
            "```bash\npython -m verl.trainer.main_ppo \\\n"
            f'    data.train_files="[{",".join(f"path/to/{name}/{p}" for p in train)}]" \\\n'
            "    custom_reward_function.path=answerkey_reward.py custom_reward_function.name=compute_score\n```"
        )
    if fmt == "openrlhf":
        snippets.append(
            f"With OpenRLHF: `--prompt_data path/to/{name} --input_key input --label_key label "
            "--apply_chat_template`; each prompt's `label` is passed to the reward function."
        )
    return "\n\n".join(snippets)


def render_card(manifest: dict) -> str:
    """The Markdown dataset card, with YAML front matter, for a dataset version's manifest."""
    counts, fmt = manifest["counts"], manifest["format"]
    rejected = sorted(counts["rejected"].items(), key=lambda item: (-item[1], item[0]))
    sources = [
        (s["path"], s.get("recipe") or "", s.get("license") or "unknown", s["rows"]) for s in manifest["sources"]
    ]
    files = [(f"`{p}`", f["rows"], f"`{f['sha256']}`") for p, f in sorted(manifest["files"].items())]
    sections = [
        _front_matter(manifest),
        f"# {manifest['name']}",
        "Math exercises turned into answer-checked tasks by answerkey: every gold answer parses "
        "as one defined value of its type and its verifier accepts it; duplicates, problems whose "
        "copies disagree on the key, and copies of the evaluation sets in the configuration are "
        f"removed. Format `{fmt}`: {_WHAT[fmt]}",
        "## Sources and licenses",
        _table(("source", "recipe", "license", "rows"), sources),
        "## Counts",
        f"Read {counts['read']}, kept {counts['kept']}, rejected {sum(counts['rejected'].values())}.",
        _table(("split", "rows"), [(s, manifest["splits"][s]) for s in sorted(manifest["splits"], key=_split_key)]),
        _table(("rejection reason", "rows"), rejected) if rejected else "Nothing was rejected.",
        "## Schema",
        _schema(fmt),
        "## Files",
        _table(("file", "rows", "sha256"), files),
        "## How it was built",
        f"answerkey {manifest['answerkey_version']}, schema version {manifest['schema_version']}, "
        "with this configuration:",
        "```yaml\n" + yaml.safe_dump(manifest["config"], sort_keys=True, allow_unicode=True) + "```",
        "## How to load",
        _loading(manifest),
    ]
    return "\n\n".join(sections) + "\n"
