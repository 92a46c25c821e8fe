"""The annotation server's home folder: database, credentials, auth secret and temp space."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import platformdirs

OWNER_USERNAME = "argilla"  # Argilla always names its default owner this way
MARKER = ".answerkey-home"  # written into every home `prepare_home` creates


class HomeError(ValueError):
    """A folder that cannot be a server home: it holds other things, or belongs to someone else."""


def default_home() -> Path:
    """Where `answerkey annotate serve` keeps its state unless told otherwise."""
    return Path(platformdirs.user_data_dir("answerkey")) / "argilla"


def write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only (0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temp, 0o600)
    os.replace(temp, path)


@dataclass(frozen=True)
class Credentials:
    """How scripts reach the server: `credentials.json` in the home."""

    api_url: str
    username: str
    password: str
    api_key: str

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2) + "\n"


@dataclass(frozen=True)
class ServerHome:
    """One server's folder; everything it keeps lives here."""

    path: Path

    @property
    def database(self) -> Path:
        return self.path / "argilla.db"

    @property
    def credentials_file(self) -> Path:
        return self.path / "credentials.json"

    @property
    def secret_file(self) -> Path:
        return self.path / "auth_secret"

    @property
    def temp_dir(self) -> Path:
        return self.path / "tmp"

    @property
    def marker(self) -> Path:
        return self.path / MARKER

    def is_home(self) -> bool:
        """Whether the folder is an answerkey home (made by `prepare_home`, or by a server before it)."""
        return self.marker.exists() or (self.credentials_file.exists() and self.secret_file.exists())

    def credentials(self, api_url: str) -> Credentials:
        """The stored owner credentials (made once, with fresh random secrets), for this URL."""
        if self.credentials_file.exists():
            stored = json.loads(self.credentials_file.read_text(encoding="utf-8"))
            credentials = Credentials(**{**stored, "api_url": api_url})
        else:
            credentials = Credentials(
                api_url=api_url,
                username=OWNER_USERNAME,
                password=secrets.token_urlsafe(18),
                api_key=secrets.token_urlsafe(32),
            )
        write_private(self.credentials_file, credentials.to_json())
        return credentials

    def auth_secret(self) -> str:
        """The key that signs UI sessions, kept so logins survive restarts."""
        if not self.secret_file.exists():
            write_private(self.secret_file, secrets.token_hex(32))
        return self.secret_file.read_text(encoding="utf-8").strip()

    def fresh_temp_dir(self, role: str) -> Path:
        """An empty temp folder for one process (Argilla copies its UI into a new temp dir per start)."""
        folder = self.temp_dir / role
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder


def prepare_home(path: Path) -> ServerHome:
    """The home at `path`: a new folder made private (0700), or an existing one that is empty or
    already an answerkey home, owned by this user. An existing folder's mode is never changed
    (pointed at a shared folder, a chmod would lock its other users out), so the files that hold
    secrets are made private one by one instead."""
    home = ServerHome(path.expanduser().absolute())
    if not home.path.exists():
        home.path.mkdir(parents=True, mode=0o700)
        home.path.chmod(0o700)  # a folder we made: mkdir's mode is narrowed by the umask only
        write_private(home.marker, "a home of `answerkey annotate serve`\n")
    elif not home.path.is_dir():
        raise HomeError(f"--home {home.path}: not a folder")
    elif home.path.stat().st_uid != os.geteuid():
        raise HomeError(f"--home {home.path}: the folder belongs to another user; choose a folder of your own")
    elif not home.is_home():
        if any(home.path.iterdir()):
            raise HomeError(
                f"--home {home.path}: the folder holds other files and is not an answerkey home; "
                "choose a new or empty folder"
            )
        write_private(home.marker, "a home of `answerkey annotate serve`\n")
    _make_private(home.database)
    return home


def _make_private(path: Path) -> None:
    """Create `path` readable by its owner only, or narrow it to that (SQLite's -wal and -shm
    files take the database file's mode)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
