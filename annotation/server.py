"""Run the real argilla-server with no services: SQLite, our SQL search engine, fakeredis.

Argilla reads its settings from `ARGILLA_*` variables when `argilla_server` is first imported,
so everything here happens in order: environment, temp dir and Redis first, then the import,
then migrations and the owner account, then uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotation.home import Credentials, ServerHome
from annotation.search_guard import SearchGuard
from annotation.search_limits import SECONDS_ENV, SearchLimits
from annotation.tuning import tune_argilla

SEARCH_ENGINE_NAME = "answerkey-sql"
_EVERY_INTERFACE = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class ServeOptions:
    """How `answerkey annotate serve` listens and whom it lets in."""

    host: str = "127.0.0.1"
    port: int = 6900
    redis_url: str | None = None
    search_seconds: float = SearchLimits.seconds
    oauth_file: Path | None = None  # Argilla's OAuth settings (Hugging Face sign-in); none: off
    cors_origins: tuple[str, ...] = ()  # none: the server's own origin only

    @property
    def loopback(self) -> bool:
        """Whether only this machine can reach the server."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def _url(self, host: str) -> str:
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The URL scripts on this machine use (written to credentials.json)."""
        return self._url("127.0.0.1" if self.host in _EVERY_INTERFACE else self.host)

    @property
    def share_url(self) -> str:
        """The URL to give annotators on other machines."""
        return self._url(network_name() if self.host in _EVERY_INTERFACE else self.host)

    def origins(self) -> list[str]:
        """The origins allowed to call the API from a browser page of theirs (CORS)."""
        return list(self.cors_origins) or list(dict.fromkeys([self.api_url, self.share_url]))

    def network_warning(self) -> str | None:
        """What to tell the operator when the server is reachable from the network."""
        if self.loopback:
            return None
        return (
            f"warning: --host {self.host} serves plain HTTP to the network: passwords, API keys and answers "
            f"travel unencrypted, and anyone who reaches port {self.port} can try to log in. "
            "Put it behind a TLS proxy (HTTPS) before annotators use it.\n"
            f"Annotators open: {self.share_url}"
        )


def network_name() -> str:
    """How other machines can reach this one: its full domain name when it has one, else the
    address of the interface the default route leaves by (a UDP `connect` sends nothing), else
    its host name."""
    fqdn = socket.getfqdn()
    if "." in fqdn and not fqdn.startswith("localhost"):
        return fqdn
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never answered, only routed
            address = probe.getsockname()[0]
        except OSError:
            return socket.gethostname()
    return address if not ipaddress.ip_address(address).is_loopback else socket.gethostname()


def server_environment(home: ServerHome, options: ServeOptions, temp_dir: Path) -> dict[str, str]:
    """The `ARGILLA_*` settings of an embedded server living in `home`."""
    environment = {
        "ARGILLA_HOME_PATH": str(home.path),
        "ARGILLA_DATABASE_URL": f"sqlite+aiosqlite:///{home.database}?check_same_thread=False",
        "ARGILLA_SEARCH_ENGINE": SEARCH_ENGINE_NAME,
        "ARGILLA_AUTH_SECRET_KEY": home.auth_secret(),
        "ARGILLA_CORS_ORIGINS": json.dumps(options.origins()),
        # Argilla reads `.oauth.yaml` from the working directory unless told another file: a file
        # in the just-emptied temp dir does not exist, so OAuth stays off unless --oauth names one.
        "ARGILLA_AUTH_OAUTH_CFG": str(options.oauth_file or temp_dir / "no-oauth.yaml"),
        SECONDS_ENV: str(options.search_seconds),
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    if options.redis_url:
        environment["ARGILLA_REDIS_URL"] = options.redis_url
    return environment


def use_fakeredis() -> None:
    """Make `redis.from_url` hand out one in-process fake server (background jobs queue, never run)."""
    import fakeredis
    import redis

    server = fakeredis.FakeServer()
    redis.from_url = lambda url, **kwargs: fakeredis.FakeStrictRedis(server=server, **kwargs)


def load_argilla(home: ServerHome, options: ServeOptions, role: str = "server"):
    """Configure this process for `home` (made by `annotation.home.prepare_home`) and import
    Argilla's app (once per process)."""
    temp_dir = home.fresh_temp_dir(role)
    os.environ.update(server_environment(home, options, temp_dir))
    tempfile.tempdir = str(temp_dir)
    if not options.redis_url:
        use_fakeredis()
    tune_argilla()
    from argilla_server import app
    from argilla_server.search_engine import SearchEngine

    from annotation.search_engine import SqlSearchEngine

    SearchEngine.register(SEARCH_ENGINE_NAME)(SqlSearchEngine)  # before the first request asks for it
    return app


def migrate() -> None:
    """Bring the database schema up to date (Argilla's alembic migrations)."""
    from alembic import command
    from alembic.config import Config
    from argilla_server.database import ALEMBIC_CONFIG_FILE

    command.upgrade(Config(ALEMBIC_CONFIG_FILE), "head")


async def ensure_owner(credentials: Credentials) -> None:
    """Create the owner, or bring its password and API key in line with `credentials.json`."""
    from argilla_server.cli.database.users.utils import get_or_new_workspace
    from argilla_server.contexts import accounts
    from argilla_server.database import AsyncSessionLocal
    from argilla_server.models import User, UserRole

    async with AsyncSessionLocal() as db:
        owner = await accounts.get_user_by_username(db, credentials.username)
        if owner is None:
            await User.create(
                db,
                first_name=credentials.username,
                username=credentials.username,
                role=UserRole.owner,
                api_key=credentials.api_key,
                password_hash=accounts.hash_password(credentials.password),
                workspaces=[await get_or_new_workspace(db, credentials.username)],
            )
            return
        if owner.api_key != credentials.api_key or not accounts.verify_password(
            credentials.password, owner.password_hash
        ):
            await owner.update(
                db, api_key=credentials.api_key, password_hash=accounts.hash_password(credentials.password)
            )


def start_worker(home: ServerHome, redis_url: str) -> subprocess.Popen:
    """Argilla's background jobs (rq) in a process of their own, with our engine registered."""
    command = [sys.executable, "-m", "annotation.worker", str(home.path), redis_url]
    return subprocess.Popen(command)


class ServerError(RuntimeError):
    """A server that cannot start: its home is in use, or its port is taken."""


@contextlib.contextmanager
def home_lock(home: ServerHome) -> Iterator[None]:
    """Hold the home for one server at a time (a second one would wipe the first's UI copy)."""
    with open(home.path / "server.lock", "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise ServerError(f"another `answerkey annotate serve` is running with the home {home.path}") from error
        yield


def check_port(host: str, port: int) -> None:
    """Fail early, before migrations, when nothing could listen on host:port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((host, port))
        except socket.gaierror as error:
            raise ServerError(
                f"--host {host}: {error.strerror}; give an address of this machine (127.0.0.1 keeps it local, "
                "0.0.0.0 is every interface)"
            ) from error
        except OSError as error:
            raise ServerError(f"cannot listen on {host}:{port}: {error.strerror}; choose another --port") from error


def check_redis(redis_url: str) -> None:
    """Fail early when `--redis` names no Redis that answers (Argilla would retry for minutes)."""
    import redis

    try:
        redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=5).ping()
    except ValueError as error:
        raise ServerError(f"--redis {redis_url}: {error}") from error
    except redis.RedisError as error:
        raise ServerError(
            f"--redis {redis_url}: no Redis answers there ({error}); start it, or leave --redis out "
            "to use the built-in one"
        ) from error


def check_oauth(options: ServeOptions) -> None:
    """Read the `--oauth` file now, as Argilla would at its first request (after `load_argilla`):
    a broken file is one line here instead of a server that fails to start and exits 0."""
    if options.oauth_file is None:
        return
    from argilla_server.security.settings import settings

    try:
        settings.oauth  # noqa: B018 (the property reads and checks the file)
    except Exception as error:  # yaml, unknown provider, unknown keys: whatever Argilla refuses
        raise ServerError(f"--oauth {options.oauth_file}: {' '.join(str(error).split())}") from error


def _stop_now(signum: int, frame) -> None:
    """SIGTERM before uvicorn listens: leave through `finally` (cleanup), exit code 0."""
    raise SystemExit(0)


def _uvicorn_server(config):
    """uvicorn's server, minus its habit of re-raising the stop signal once it has shut down.

    uvicorn 0.29+ restores the default handlers and raises the captured SIGINT/SIGTERM again
    after a graceful shutdown, which kills the process (exit -15) before `serve` can clean up.
    """
    import uvicorn
    from uvicorn.server import HANDLED_SIGNALS

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in HANDLED_SIGNALS}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server(config)


def serve(home: ServerHome, options: ServeOptions, announce: Callable[[str], None] = print) -> None:
    """Migrate, create the owner and serve until SIGINT/SIGTERM; clean up after."""
    with home_lock(home):
        check_port(options.host, options.port)
        if options.redis_url:
            check_redis(options.redis_url)
        _serve_locked(home, options, announce)


def _serve_locked(home: ServerHome, options: ServeOptions, announce: Callable[[str], None]) -> None:
    import uvicorn

    signal.signal(signal.SIGTERM, _stop_now)
    worker = None
    try:
        app = load_argilla(home, options)
        check_oauth(options)
        migrate()
        credentials = home.credentials(options.api_url)
        asyncio.run(ensure_owner(credentials))
        worker = start_worker(home, options.redis_url) if options.redis_url else None
        announce(
            f"Argilla is starting at {options.api_url}\n"
            f"Log in as {credentials.username!r}; the password and API key are in {home.credentials_file}"
        )
        warning = options.network_warning()
        if warning:
            announce(warning)
        guarded = SearchGuard(app, SearchLimits.from_environment())
        config = uvicorn.Config(guarded, host=options.host, port=options.port, log_level="warning")
        _uvicorn_server(config).run()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        shutil.rmtree(home.temp_dir, ignore_errors=True)
