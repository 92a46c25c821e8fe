"""What every training loop shares: seeding, torch.distributed, the run folder, checkpoints and metrics.

A run folder (OUT) holds the final HF checkpoint, ``metrics.jsonl`` (one line per step),
``run.json`` (config, versions, seed, the input's manifest hash), PNG plots and, while the run
goes, ``checkpoint/`` (model, optimizer, scheduler, RNG states and the step) for ``--resume``.
Under ``torchrun`` every rank trains and only rank 0 writes.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import platform
import random
import shutil
import sys
from dataclasses import asdict, dataclass, is_dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

from pipeline.atomic import atomic_write_text

from .errors import TrainerError

CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class Dist:
    """This process's place in the job: rank and world size (1 without torchrun)."""

    rank: int = 0
    world: int = 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup_distributed() -> Dist:
    """Join the torchrun job when there is one (gloo on CPU, NCCL on GPUs); else a world of one."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return Dist()
    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
        # Left to interpreter shutdown, gloo's threads can outlive the group and abort the process
        # (SIGABRT: terminate called without an active exception) after a run that succeeded.
        atexit.register(_leave_distributed)
    return Dist(rank=dist.get_rank(), world=dist.get_world_size())


def _leave_distributed() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def all_sum(values: list[float], world: Dist) -> list[float]:
    """Element-wise sums of ``values`` over the ranks (the values themselves in a world of one)."""
    if world.world == 1:
        return values
    tensor = torch.tensor(values, dtype=torch.float64)
    dist.all_reduce(tensor)
    return tensor.tolist()


def gather(items: list, world: Dist) -> list:
    """Every rank's ``items`` concatenated in rank order (only meaningful on rank 0)."""
    if world.world == 1:
        return items
    parts: list[list | None] = [None] * world.world
    dist.all_gather_object(parts, items)
    return [item for part in parts for item in (part or [])]


def replicas_in_sync(model: torch.nn.Module, world: Dist) -> bool:
    """Whether every rank holds the same weights, bit for bit (a digest of them compared across
    ranks); a collective: every rank calls it. True in a world of one."""
    if world.world == 1:
        return True
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().flatten().view(torch.uint8).numpy().tobytes())
    digests: list[str | None] = [None] * world.world
    dist.all_gather_object(digests, digest.hexdigest())
    return len(set(digests)) == 1


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def versions() -> dict[str, str]:
    """Versions of what decides a run's numbers."""
    found = {"python": platform.python_version()}
    for name in ("answerkey", "torch", "transformers", "tokenizers"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def jsonable(value: Any) -> Any:
    """Dataclasses, paths and tuples as plain JSON values."""
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def _lines_up_to(path: Path, step: int) -> list[str]:
    """The JSON lines of ``path`` whose ``step`` is at most ``step``; a line a kill cut short is dropped."""
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # the last line of a run killed while writing it
        if record["step"] <= step:
            kept.append(line)
    return kept


class RunDir:
    """The run folder: metrics, run.json, checkpoints. Writes happen on rank 0 only."""

    def __init__(self, out: str | Path, world: Dist):
        self.path, self.world = Path(out), world
        if world.main:
            self.path.mkdir(parents=True, exist_ok=True)

    @property
    def checkpoint(self) -> Path:
        return self.path / CHECKPOINT

    def write_run(self, stage: str, config: Any, dataset_manifest: str | None, extra: dict | None = None) -> None:
        if not self.world.main:
            return
        record = {
            "stage": stage,
            "config": jsonable(config),
            "seed": getattr(config, "seed", None),
            "dataset_manifest_sha256": dataset_manifest,
            "versions": versions(),
            "world_size": self.world.world,
            "command": sys.argv,
            **(extra or {}),
        }
        atomic_write_text(self.path / "run.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n")

    def update_run(self, extra: dict) -> None:
        """Add ``extra`` to run.json (what is known only at the end of a run)."""
        if not self.world.main:
            return
        path = self.path / "run.json"
        record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        record.update(jsonable(extra))
        atomic_write_text(path, json.dumps(record, indent=2, ensure_ascii=False) + "\n")

    def start_metrics(self, resumed_step: int) -> None:
        """Keep the metrics of steps up to ``resumed_step`` (all of them: 0 = a fresh run, none kept)."""
        if not self.world.main:
            return
        path = self.path / "metrics.jsonl"
        kept = _lines_up_to(path, resumed_step) if resumed_step and path.exists() else []
        atomic_write_text(path, "".join(line + "\n" for line in kept))

    def log(self, metrics: dict) -> None:
        if self.world.main:
            with open(self.path / "metrics.jsonl", "a", encoding="utf-8") as f:
                f.write(json.dumps(metrics, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())

    def append(self, name: str, records: list[dict]) -> None:
        """Append JSON lines to ``name`` (rollouts)."""
        if self.world.main and records:
            with open(self.path / name, "a", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
                f.flush()

    def truncate(self, name: str, keep: int) -> None:
        """Keep the records of ``name`` whose ``step`` is at most ``keep`` (a resumed run rewrites the rest)."""
        path = self.path / name
        if not self.world.main or not path.exists():
            return
        atomic_write_text(path, "".join(line + "\n" for line in _lines_up_to(path, keep)))

    def save_checkpoint(
        self,
        model: torch.nn.Module,
        optimizer: torch.optim.Optimizer,
        scheduler: Any,
        step: int,
        extra: dict | None = None,
    ) -> None:
        """The state a resumed run needs, written beside the old checkpoint and swapped in whole."""
        if not self.world.main:
            return
        tmp = self.path / f"{CHECKPOINT}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        state = {
            "step": step,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "rng": {"torch": torch.get_rng_state(), "python": random.getstate(), "numpy": np.random.get_state()},
            "extra": extra or {},
        }
        torch.save(state, tmp / "state.pt")
        old = self.path / f"{CHECKPOINT}.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.checkpoint.exists():
            self.checkpoint.rename(old)
        tmp.rename(self.checkpoint)  # the swap: a kill leaves either the old or the new checkpoint whole
        shutil.rmtree(old, ignore_errors=True)

    def load_checkpoint(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer, scheduler: Any) -> dict:
        """Restore what ``save_checkpoint`` wrote; returns ``{"step": n, "extra": {...}}``."""
        path = self.checkpoint / "state.pt"
        if not path.exists():
            old = self.path / f"{CHECKPOINT}.old" / "state.pt"  # killed between the two renames
            if not old.exists():
                raise TrainerError(f"{self.path}: nothing to resume (no {CHECKPOINT}/state.pt)")
            path = old
        state = torch.load(path, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"]["torch"])
        random.setstate(state["rng"]["python"])
        np.random.set_state(state["rng"]["numpy"])
        return {"step": state["step"], "extra": state["extra"]}
