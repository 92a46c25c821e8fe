"""Start and stop the embedded Argilla server (`answerkey annotate serve`) for tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # `python -m answerkey` from another working directory


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningServer:
    """A server process, its home and the owner's credentials."""

    home: Path
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def credentials(self) -> dict:
        return json.loads((self.home / "credentials.json").read_text())

    def client(self):
        import argilla as rg

        return rg.Argilla(api_url=self.url, api_key=self.credentials["api_key"], timeout=120)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Signal the server and wait for it to exit; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


def start_server(
    home: Path, port: int | None = None, timeout: float = 120, extra: tuple[str, ...] = (), cwd: Path | None = None
) -> RunningServer:
    """Run `answerkey annotate serve` in a child process (in `cwd`, or here) and wait until its API answers."""
    port = port or free_port()
    log = home.parent / f"{home.name}-server.log"
    command = [sys.executable, "-m", "answerkey", "annotate", "serve", "--home", str(home), "--port", str(port), *extra]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=cwd, env=environment)
    server = RunningServer(home=home, port=port, process=process, log=log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/v1/status", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop(signal.SIGKILL)
    raise RuntimeError(f"server did not answer within {timeout} s:\n{log.read_text()[-3000:]}")
