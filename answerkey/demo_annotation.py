"""The demo's annotation step: the embedded Argilla in a child process, a sample pushed, drafts logged."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STARTUP_SECONDS = 180
# The SDK warns about what it looks up and does not find (the next step creates it); noise here.
warnings.filterwarnings("ignore", category=UserWarning, module=r"argilla(\.|$)")


@dataclass
class EmbeddedArgilla:
    """``answerkey annotate serve`` running in a child process, and how to reach it."""

    home: Path
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def credentials(self) -> dict[str, str]:
        return json.loads((self.home / "credentials.json").read_text())

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        """Block until the API answers; a clear error (with the log's end) when the server died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Argilla exited with {self.process.returncode}; its log ({self.log}) ends:\n"
                    f"{self.log.read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/status", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Argilla did not answer within {timeout:.0f} s; see {self.log}")

    def client(self) -> Any:
        from annotation.connect import connect

        return connect(self.url, self.credentials["api_key"])

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, then wait: the server cleans up and exits."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_argilla(home: Path) -> EmbeddedArgilla:
    """Start the embedded Argilla on a free local port (returns at once; ``wait_ready`` before use)."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = home.parent / "argilla.log"
    command = [sys.executable, "-m", "answerkey", "annotate", "serve", "--home", str(home), "--port", str(port)]
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)
    return EmbeddedArgilla(home, port, process, log)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def push_samples(server: EmbeddedArgilla, exercises: list[dict], prompts: list[dict], folder: Path) -> dict:
    """Push practice problems (exercise template) and SFT prompts (sft template); returns the counts."""
    from annotation.push import push

    client = server.client()
    sent_exercises = push(
        client, write_jsonl(folder / "exercises.jsonl", exercises), "practice", "exercise", progress=False
    ).sent
    sent_prompts = push(
        client, write_jsonl(folder / "prompts.jsonl", prompts), "sft-prompts", "sft", progress=False
    ).sent
    return {"exercises": sent_exercises, "sft_prompts": sent_prompts}


def log_drafts(server: EmbeddedArgilla, model: Path, limit: int, max_new_tokens: int) -> list[dict]:
    """The SFT model drafts responses for the pushed prompts, logged as suggestions; returns them."""
    from annotation.draft_records import draft_dataset
    from annotation.drafting import load_drafter
    from annotation.records_api import find_dataset, iter_records

    client = server.client()
    drafter = load_drafter(model)
    draft_dataset(client, "sft-prompts", drafter, limit=limit, max_new_tokens=max_new_tokens)
    dataset = find_dataset(client, "sft-prompts", None)
    drafts = []
    for record in iter_records(client, dataset):
        suggestion = record.suggestions.get("response")
        if suggestion is not None:
            drafts.append({"prompt": record.fields["prompt"], "draft": suggestion.get("value")})
    return drafts[:limit]
