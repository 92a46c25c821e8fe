"""Optional parts of answerkey and the clear error a missing one gives.

``pip install answerkey`` brings the verifiers and the pipeline; the annotation server and the
trainer come with extras (``answerkey[annotation]``, ``answerkey[train]``, or ``answerkey[all]``).
A command whose extra is not installed stops with the ``pip install`` line that brings it, not
with an ImportError traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import click

# Our own top-level packages: a missing module among them is not a missing extra.
OWN_PACKAGES = frozenset({"answerkey", "verifiers", "pipeline", "annotation", "trainer"})


class MissingExtra(click.ClickException):
    """A command needs a package that is not installed; the message says how to install it."""


def missing_module_error(exc: ModuleNotFoundError, extra: str | None, command: str) -> click.ClickException:
    """The error to show for ``exc`` raised while loading or running ``answerkey COMMAND``."""
    name = exc.name or str(exc)
    if name.partition(".")[0] in OWN_PACKAGES:
        return click.ClickException(f"'answerkey {command}' is not part of this installation (no module {name})")
    package = name.partition(".")[0]
    if extra is None:
        return MissingExtra(
            f"'answerkey {command}' needs {package}, which is not installed; it is one of answerkey's own "
            "dependencies: pip install --force-reinstall answerkey"
        )
    return MissingExtra(
        f"'answerkey {command}' needs the '{extra}' extra ({package} is not installed): "
        f"pip install 'answerkey[{extra}]'"
    )


def import_for(module: str, extra: str | None, command: str) -> ModuleType:
    """Import ``module`` for ``answerkey COMMAND``; a missing package raises MissingExtra naming ``extra``."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise missing_module_error(exc, extra, command) from exc
