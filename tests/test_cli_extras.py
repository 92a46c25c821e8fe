"""The command line starts light and names the extra a verb is missing.

``answerkey --help`` and ``answerkey verify`` import neither Argilla nor torch; a verb whose
extra is not installed exits 1 with the ``pip install 'answerkey[...]'`` line, no traceback.
Each check runs in a fresh interpreter, where a missing package is simulated by
``sys.modules[name] = None`` (the import then fails as if the package were not installed).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from answerkey.cli import COMMANDS, LazyCommand, LazyGroup
from answerkey.extras import MissingExtra, import_for

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("argilla", "argilla_server", "torch", "transformers")


def python(code: str, *, block: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter at the repo root, with the ``block``ed packages missing."""
    prelude = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in block)
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def answerkey(*args: str, block: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return python(f"from answerkey.cli import main\nmain({list(args)!r}, prog_name='answerkey')", block=block)


def loaded_after(code: str) -> list[str]:
    """The heavy packages in sys.modules after ``code`` ran."""
    result = python(code + f"\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


CLI_RUN = """
from answerkey.cli import main
try:
    main({args!r}, prog_name="answerkey")
except SystemExit as exit:
    assert exit.code == 0, exit.code
"""


@pytest.mark.parametrize("args", [["--help"], ["verify", "1", "1"], ["verify", "--help"]])
def test_light_commands_import_neither_argilla_nor_torch(args):
    assert loaded_after(CLI_RUN.format(args=args)) == []


def test_pulling_annotations_does_not_import_torch_or_transformers():
    loaded = loaded_after("import annotation.pull")
    assert "torch" not in loaded and "transformers" not in loaded


def test_help_lists_every_verb_without_importing_them():
    result = answerkey("--help", block=("argilla", "torch"))
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert listed >= {"verify", "build", "inspect", "annotate", "train", "demo"}


def test_annotate_without_the_annotation_extra_says_how_to_install_it():
    result = answerkey("annotate", "serve", block=("argilla",))
    assert result.returncode == 1
    assert "pip install 'answerkey[annotation]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_verb_missing_from_this_installation_is_a_clear_error():
    result = answerkey("train", "--help", block=("answerkey.cli_train",))
    assert result.returncode == 1
    assert "'answerkey train' is not part of this installation" in result.stderr
    assert "Traceback" not in result.stderr
    assert answerkey("--help", block=("answerkey.cli_train",)).returncode == 0


def test_the_train_verb_is_registered_with_its_extra():
    assert COMMANDS["train"] == LazyCommand("answerkey.cli_train:train_command", COMMANDS["train"].help, extra="train")


def test_a_package_imported_inside_a_verb_names_the_extra_too(tmp_path, monkeypatch):
    (tmp_path / "late_verb.py").write_text(
        textwrap.dedent(
            """
            import click

            @click.command("late")
            def late_command():
                import answerkey_no_such_package  # noqa: F401
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    group = LazyGroup("answerkey", lazy={"late": LazyCommand("late_verb:late_command", "late.", extra="train")})
    result = CliRunner().invoke(group, ["late"])
    assert result.exit_code == 1
    assert "needs the 'train' extra (answerkey_no_such_package is not installed)" in result.output
    assert "pip install 'answerkey[train]'" in result.output


def test_import_for_names_the_extra():
    assert import_for("json", "train", "x").dumps(1) == "1"
    with pytest.raises(MissingExtra, match=r"pip install 'answerkey\[ray\]'"):
        import_for("answerkey_no_such_package.engine", "ray", "build")
    with pytest.raises(click.ClickException, match="not part of this installation"):
        import_for("pipeline.no_such_module", "ray", "build")
