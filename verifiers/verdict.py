"""The result of one verification: whether the answer matches the key, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["ok", "timeout", "error"]


@dataclass(frozen=True)
class Verdict:
    """A judgement of one prediction against one gold answer."""

    correct: bool
    method: str
    extracted: str | None
    normalized: tuple[str, str]
    reason: str
    status: Status = "ok"
    elapsed_ms: float = field(default=0.0, compare=False)

    def to_dict(self) -> dict:
        """A plain dict (JSON-ready) of the verdict."""
        return {
            "correct": self.correct,
            "method": self.method,
            "extracted": self.extracted,
            "normalized": list(self.normalized),
            "reason": self.reason,
            "status": self.status,
            "elapsed_ms": round(self.elapsed_ms, 3),
        }
