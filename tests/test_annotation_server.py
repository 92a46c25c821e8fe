"""`answerkey annotate serve` and `users add`: the embedded Argilla server's promises.

Lifecycle tests run servers of their own (each start costs several seconds, so one test covers
first start, restart and both stop signals); the others use the session `argilla_server`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psutil
import pytest
from argilla_fixture import free_port, start_server
from click.testing import CliRunner
from conftest import require_system_tool

from answerkey.cli import main as cli

STOCK_PASSWORD, STOCK_API_KEY = "1234", "argilla.apikey"


def login(url: str, username: str, password: str) -> httpx.Response:
    """Log in as the web UI does: a form-encoded POST to /api/v1/token."""
    return httpx.post(f"{url}/api/v1/token", data={"username": username, "password": password}, timeout=30)


def me(url: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{url}/api/v1/me", headers=headers, timeout=30)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ui_copies(folder: Path) -> set[Path]:
    """Temp folders named tmp* holding a copy of Argilla's `statics` UI."""
    return {path for path in folder.glob("tmp*") if (path / "statics").exists()}


def listening_addresses(pid: int) -> set[str]:
    process = psutil.Process(pid)
    connections = process.net_connections() if hasattr(process, "net_connections") else process.connections()
    return {connection.laddr.ip for connection in connections if connection.status == psutil.CONN_LISTEN}


def assert_stopped_cleanly(server, sig: int) -> None:
    assert server.stop(sig) == 0, server.log.read_text()[-3000:]
    temp = server.home / "tmp"
    assert not temp.exists() or not any(temp.iterdir()), sorted(temp.rglob("*"))[:5]
    assert "Traceback" not in server.log.read_text()


@pytest.mark.server
def test_serve_secrets_restart_and_clean_shutdown(tmp_path):
    home = tmp_path / "home"
    system_temp = Path(tempfile.gettempdir())
    copies_before = ui_copies(system_temp)

    server = start_server(home)
    try:
        credentials_file = home / "credentials.json"
        assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        credentials = json.loads(credentials_file.read_text())
        assert set(credentials) == {"api_url", "username", "password", "api_key"}
        assert credentials["api_url"] == server.url
        assert credentials["password"] != STOCK_PASSWORD and len(credentials["password"]) >= 16
        assert credentials["api_key"] != STOCK_API_KEY and len(credentials["api_key"]) >= 32
        assert (home / "tmp" / "server").is_dir()  # the UI copy lives in the home while serving

        # Bound to loopback only, as the printed URL says.
        assert listening_addresses(server.process.pid) == {"127.0.0.1"}
        assert f"http://127.0.0.1:{server.port}" in server.log.read_text()

        # The stock credentials do not exist here; the generated ones do.
        assert login(server.url, credentials["username"], STOCK_PASSWORD).status_code == 401
        assert me(server.url, **{"X-Argilla-Api-Key": STOCK_API_KEY}).status_code == 401
        answer = login(server.url, credentials["username"], credentials["password"])
        assert answer.status_code == 201, answer.text
        token = answer.json()["access_token"]
        assert me(server.url, **bearer(token)).json()["username"] == credentials["username"]
    finally:
        assert_stopped_cleanly(server, signal.SIGTERM)

    # Same home again: the same credentials, and the UI session signed before the restart holds.
    server = start_server(home)
    try:
        again = json.loads((home / "credentials.json").read_text())
        assert (again["password"], again["api_key"]) == (credentials["password"], credentials["api_key"])
        answer = me(server.url, **bearer(token))
        assert answer.status_code == 200, answer.text
        assert answer.json()["username"] == credentials["username"]
        assert me(server.url, **{"X-Argilla-Api-Key": credentials["api_key"]}).status_code == 200
        assert me(server.url, **bearer(token + "x")).status_code == 401
    finally:
        assert_stopped_cleanly(server, signal.SIGINT)
    assert ui_copies(system_temp) <= copies_before


def run_cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_users_add_creates_an_annotator_who_can_log_in(argilla_server):
    home = str(argilla_server.home)
    result = run_cli("annotate", "users", "add", "bob", "--role", "annotator", "--home", home)
    assert result.exit_code == 0, result.output
    password = next(line.split(": ", 1)[1] for line in result.output.splitlines() if line.startswith("password: "))

    answer = login(argilla_server.url, "bob", password)
    assert answer.status_code == 201, answer.text
    profile = me(argilla_server.url, **bearer(answer.json()["access_token"])).json()
    assert profile["role"] == "annotator"
    workspace = argilla_server.client().workspaces("argilla")
    assert "bob" in {user.username for user in workspace.users}

    again = run_cli("annotate", "users", "add", "bob", "--role", "annotator", "--home", home)
    assert again.exit_code == 0, again.output
    assert "password:" not in again.output  # an existing user keeps the password it has
    assert login(argilla_server.url, "bob", password).status_code == 201


def test_users_add_with_a_given_password_into_a_new_workspace(argilla_server):
    result = run_cli(
        "annotate",
        "users",
        "add",
        "carol",
        "--workspace",
        "team-b",
        "--password",
        "carol-pass-123",
        "--home",
        str(argilla_server.home),
    )
    assert result.exit_code == 0, result.output
    assert login(argilla_server.url, "carol", "carol-pass-123").status_code == 201
    assert "carol" in {user.username for user in argilla_server.client().workspaces("team-b").users}


def test_push_without_a_server_is_a_clear_error(tmp_path):
    env = {"ARGILLA_API_URL": "", "ARGILLA_API_KEY": ""}
    result = CliRunner().invoke(
        cli,
        ["annotate", "push", "--name", "x", "--template", "exercise", "--blank", "1", "--home", str(tmp_path / "none")],
        env=env,
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for hint in ("--api-url", "--api-key", "ARGILLA_API_URL", "ARGILLA_API_KEY", "annotate serve"):
        assert hint in result.output, result.output


@pytest.fixture
def redis_url(tmp_path):
    """A real Redis on a free port, for as long as the test runs."""
    binary = shutil.which("redis-server")
    require_system_tool(binary is not None, "redis-server is not installed (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def wait_for(predicate, timeout: float = 60, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


@pytest.mark.server
def test_redis_runs_the_background_worker(tmp_path, redis_url):
    import argilla as rg
    import redis
    from rq import Worker

    server = start_server(tmp_path / "home", extra=("--redis", redis_url))
    try:
        connection = redis.from_url(redis_url)
        assert wait_for(lambda: Worker.all(connection=connection)), "no rq worker registered in Redis"

        # A job that only the worker runs: changing the task distribution recomputes record status.
        client = server.client()
        settings = rg.Settings(
            fields=[rg.TextField(name="text")],
            questions=[rg.LabelQuestion(name="label", labels=["a", "b"])],
            distribution=rg.TaskDistribution(min_submitted=2),
        )
        dataset = rg.Dataset(name="jobs", settings=settings, client=client).create()
        dataset.records.log([{"text": "one"}])
        record = next(iter(dataset.records))
        owner = client.me
        record.responses.add(rg.Response("label", "a", user_id=owner.id, status="submitted"))
        dataset.records.log([record])
        assert next(iter(dataset.records)).status == "pending"  # one of two submissions

        dataset.settings.distribution = rg.TaskDistribution(min_submitted=1)
        dataset.update()
        assert wait_for(lambda: next(iter(dataset.records)).status == "completed"), "the status job never ran"
        worker_pids = [child.pid for child in psutil.Process(server.process.pid).children()]
        assert worker_pids
    finally:
        assert_stopped_cleanly(server, signal.SIGTERM)
    assert not any(
        psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in worker_pids
    )
    assert not os.path.exists(tmp_path / "home" / "tmp" / "worker")


def test_a_second_server_on_the_same_home_or_port_is_refused(argilla_server, tmp_path):
    import sys

    def serve(home: Path, port: int) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "answerkey", "annotate", "serve", "--home", str(home), "--port", str(port)]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    same_home = serve(argilla_server.home, free_port())
    assert same_home.returncode == 1
    assert f"another `answerkey annotate serve` is running with the home {argilla_server.home}" in same_home.stderr
    same_port = serve(tmp_path / "other-home", argilla_server.port)
    assert same_port.returncode == 1 and f"cannot listen on 127.0.0.1:{argilla_server.port}" in same_port.stderr
    page = httpx.get(argilla_server.url + "/", timeout=30)
    assert page.status_code == 200 and "<html" in page.text.lower()  # the running server's UI is intact
