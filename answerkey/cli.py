"""The ``answerkey`` command line; verbs follow the flow: verify, build, annotate, train, demo.

Each verb lives in its own module, imported only when that verb runs (or shows its own help), so
``answerkey --help`` and ``answerkey verify`` load neither Argilla nor torch. ``COMMANDS`` names
the module of each verb, the short help ``answerkey --help`` lists, and the extra the verb needs:
a verb whose extra is not installed says which ``pip install`` brings it.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from answerkey.extras import import_for, missing_module_error


@dataclass(frozen=True)
class LazyCommand:
    """A verb registered by name: ``target`` is ``module:attribute`` of its click command."""

    target: str
    help: str  # listed by `answerkey --help` without importing the module
    extra: str | None = None  # the extra that brings what the verb imports; None: the core install


COMMANDS: dict[str, LazyCommand] = {
    "verify": LazyCommand(
        "answerkey.cli_verify:verify_command", "Judge PREDICTION against GOLD, or score a labelled case file."
    ),
    "build": LazyCommand(
        "answerkey.cli_build:build_command", "Build a verified, deduplicated task set from exercise files."
    ),
    "inspect": LazyCommand(
        "answerkey.cli_build:inspect_command", "Print a dataset version's manifest, rejection reasons and rows."
    ),
    "annotate": LazyCommand(
        "answerkey.cli_annotate:annotate_command",
        "Annotators in Argilla: serve it, push tasks, draft with an LLM, pull answers.",
        extra="annotation",
    ),
    "train": LazyCommand(
        "answerkey.cli_train:train_command",
        "Train on the exported datasets: pretrain, SFT, RL, evaluate.",
        extra="train",
    ),
    "calibrate": LazyCommand(
        "answerkey.cli_calibrate:calibrate_command",
        "Pass rates of a model on a task set, the answer keys it doubts, and a review queue.",
        extra="train",
    ),
    "demo": LazyCommand(
        "answerkey.cli_demo:demo_command",
        "How an assistant is taught: pretrain, SFT and RL of a tiny model on a CPU, measured.",
        extra="all",
    ),
}


class LazyGroup(click.Group):
    """A click group whose registered verbs are imported when used, not when the group loads."""

    def __init__(self, *args, lazy: dict[str, LazyCommand], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy.get(cmd_name)
        if entry is not None and cmd_name not in self.commands:
            module, _, attribute = entry.target.partition(":")
            self.add_command(getattr(import_for(module, entry.extra, cmd_name), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        # A verb that imports an optional package late (inside the command) fails just as clearly.
        try:
            return super().invoke(ctx)
        except ModuleNotFoundError as exc:
            name = ctx.invoked_subcommand or ""
            entry = self.lazy.get(name)
            raise missing_module_error(exc, entry.extra if entry else None, name) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The verbs and their short help, from the registry for those not imported yet."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is None:
                rows.append((name, self.lazy[name].help))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy=COMMANDS)
def main() -> None:
    """answerkey: verified answers for LLM post-training data."""
