"""The core install, as a user gets it: the wheel alone, in a fresh venv, with no extras.

``pip install answerkey`` must give a working ``answerkey verify`` and ``answerkey build``
without torch or Argilla, and ``answerkey annotate`` must then name the extra it needs. The
wheel is built from a copy of the sources (so the checkout gets no build/ or egg-info); pip takes
the core dependencies from the package registry (or its cache), held at the versions of the
test's own environment so that nothing new is downloaded when they are cached.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("verifiers", "pipeline", "annotation", "trainer", "answerkey")
FIXTURE = ROOT / "tests" / "fixtures" / "pipeline" / "gsm8k.jsonl"
NOT_IN_THE_CORE = ("torch", "argilla", "argilla_server", "transformers", "ray")

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def checked(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"{result.args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def core_venv(tmp_path_factory) -> Path:
    """A fresh venv with only the answerkey wheel (and its core dependencies) installed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for package in PACKAGES:
        if (ROOT / package).is_dir():
            shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    checked(run(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", source, cwd=work))
    (wheel,) = (work / "dist").glob("answerkey-*.whl")

    frozen = checked(run(sys.executable, "-m", "pip", "freeze", "--exclude-editable", cwd=work)).stdout
    constraints = work / "constraints.txt"
    constraints.write_text("".join(line + "\n" for line in frozen.splitlines() if "==" in line), encoding="utf-8")

    venv = work / "venv"
    checked(run(sys.executable, "-m", "venv", venv, cwd=work))
    checked(run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-c", constraints, wheel, cwd=work))
    return venv


def test_the_core_install_has_neither_torch_nor_argilla(core_venv, tmp_path):
    probe = f"import importlib.util as u; print(' '.join(m for m in {NOT_IN_THE_CORE!r} if u.find_spec(m)))"
    found = checked(run(core_venv / "bin" / "python", "-c", probe, cwd=tmp_path)).stdout.split()
    assert found == []


def test_verify_works_from_the_wheel(core_venv, tmp_path):
    result = checked(run(core_venv / "bin" / "answerkey", "verify", "1", "1", cwd=tmp_path))
    assert "yes" in result.stdout
    assert run(core_venv / "bin" / "answerkey", "verify", "1", "2", cwd=tmp_path).returncode == 1


def test_build_works_from_the_wheel(core_venv, tmp_path):
    out = tmp_path / "tasks"
    checked(run(core_venv / "bin" / "answerkey", "build", "--source", FIXTURE, "--out", out, cwd=tmp_path))
    assert (out / "manifest.json").is_file()
    assert list((out / "data").rglob("*.parquet"))
    checked(run(core_venv / "bin" / "answerkey", "inspect", out, cwd=tmp_path))


def test_the_annotation_verbs_name_their_extra(core_venv, tmp_path):
    assert checked(run(core_venv / "bin" / "answerkey", "--help", cwd=tmp_path)).stdout.count("annotate")
    result = run(core_venv / "bin" / "answerkey", "annotate", "serve", cwd=tmp_path)
    assert result.returncode == 1
    assert "pip install 'answerkey[annotation]'" in result.stderr
    assert "Traceback" not in result.stderr
