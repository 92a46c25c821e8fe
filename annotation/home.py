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
