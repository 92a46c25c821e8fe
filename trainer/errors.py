"""The one error type the trainer raises for bad input, caught by the CLI and shown as a message."""

from __future__ import annotations


class TrainerError(ValueError):
    """Input the trainer cannot use (a dataset, a model, a setting); the message says what and where."""
