"""A server a team can share: a safe home, a word when it leaves loopback, OAuth only when asked
and CORS limited to its own origin.

The home rules run on folders of their own (no server); the host, OAuth and CORS rules run
against real embedded servers, two starts in all.
"""

from __future__ import annotations

import ipaddress
import json
import os
import stat
from pathlib import Path

import httpx
import pytest
from argilla_fixture import start_server
from click.testing import CliRunner

from annotation.home import MARKER, HomeError, ServerHome, prepare_home
from annotation.server import ServeOptions, network_name, server_environment
from answerkey.cli import main as cli

EVIL_ORIGIN = "https://evil.example"
TOOL_ORIGIN = "https://tool.example.org"
# Argilla's own format (`providers:` with a backend name); Hugging Face needs no network to load.
OAUTH_YAML = "providers:\n  - name: huggingface\n    client_id: an-id\n    client_secret: a-secret\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ----------------------------------------------------------------------------------- the home
def test_a_new_home_is_made_private(tmp_path):
    home = prepare_home(tmp_path / "a" / "home")
    assert mode(home.path) == 0o700
    assert (home.path / MARKER).is_file() and mode(home.path / MARKER) == 0o600
    assert mode(home.database) == 0o600
    umask = os.umask(0)
    os.umask(umask)
    assert mode(tmp_path / "a") == 0o777 & ~umask  # a parent it makes on the way is a plain folder


def test_an_empty_folder_is_taken_and_its_mode_kept(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # as the system's temp directory
    home = prepare_home(shared)
    assert mode(shared) == 0o1777
    assert (shared / MARKER).is_file()
    assert mode(home.database) == 0o600  # the secrets are private file by file instead
    assert prepare_home(shared).path == shared.absolute()  # and it is a home from now on


def test_a_folder_holding_other_files_is_refused_untouched(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    folder.chmod(0o755)
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(HomeError, match=r"holds other files and is not an answerkey home"):
        prepare_home(folder)
    assert mode(folder) == 0o755
    assert sorted(path.name for path in folder.iterdir()) == ["notes.txt"]


def test_a_home_made_before_the_marker_is_still_a_home(tmp_path):
    folder = tmp_path / "old-home"
    folder.mkdir()
    (folder / "credentials.json").write_text("{}")
    (folder / "auth_secret").write_text("x")
    (folder / "argilla.db").write_bytes(b"")
    (folder / "argilla.db").chmod(0o644)
    home = prepare_home(folder)
    assert mode(home.database) == 0o600


def test_a_folder_of_another_user_is_refused(tmp_path):
    if os.geteuid() == 0:
        folder = tmp_path / "theirs"
        folder.mkdir()
        os.chown(folder, 65534, 65534)  # nobody
    else:
        folder = Path("/")  # root's, and not empty: the owner is checked first
    before = mode(folder)
    with pytest.raises(HomeError, match=r"belongs to another user"):
        prepare_home(folder)
    assert mode(folder) == before
    assert not (folder / MARKER).exists()


def test_a_file_is_not_a_home(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(HomeError, match=r"not a folder"):
        prepare_home(tmp_path / "file")


def test_serve_into_a_busy_folder_is_one_line_and_changes_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    tmp_path.chmod(0o755)
    result = CliRunner().invoke(cli, ["annotate", "serve", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: --home {tmp_path}: the folder holds other files and is not an answerkey home; "
        "choose a new or empty folder"
    ]
    assert mode(tmp_path) == 0o755 and not (tmp_path / MARKER).exists()


# ------------------------------------------------------------------------ host, OAuth, CORS
@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_hosts_need_no_warning(host):
    assert ServeOptions(host=host).network_warning() is None


@pytest.mark.parametrize(
    "host, share_url",
    [
        ("0.0.0.0", f"http://{network_name()}:7000"),
        ("192.0.2.10", "http://192.0.2.10:7000"),
        ("2001:db8::1", "http://[2001:db8::1]:7000"),
        ("annotate.example.org", "http://annotate.example.org:7000"),
    ],
)
def test_other_hosts_get_a_warning_and_the_url_to_share(host, share_url):
    options = ServeOptions(host=host, port=7000)
    warning = options.network_warning()
    assert warning is not None
    assert "plain HTTP" in warning and "TLS proxy" in warning
    assert warning.endswith(f"Annotators open: {share_url}")
    assert options.share_url in options.origins()


def test_the_name_to_share_is_not_a_loopback_one():
    name = network_name()
    assert name and not name.startswith("localhost")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return  # a host name
    assert not address.is_loopback


def test_the_environment_never_points_argilla_at_the_working_directory_oauth(tmp_path):
    home = ServerHome(tmp_path)
    (tmp_path / "tmp").mkdir()
    environment = server_environment(home, ServeOptions(port=7000), tmp_path / "tmp")
    assert Path(environment["ARGILLA_AUTH_OAUTH_CFG"]).is_absolute()
    assert not Path(environment["ARGILLA_AUTH_OAUTH_CFG"]).exists()
    assert json.loads(environment["ARGILLA_CORS_ORIGINS"]) == ["http://127.0.0.1:7000"]
    chosen = ServeOptions(cors_origins=(TOOL_ORIGIN,), oauth_file=tmp_path / "oauth.yaml")
    environment = server_environment(home, chosen, tmp_path / "tmp")
    assert json.loads(environment["ARGILLA_CORS_ORIGINS"]) == [TOOL_ORIGIN]
    assert environment["ARGILLA_AUTH_OAUTH_CFG"] == str(tmp_path / "oauth.yaml")


@pytest.mark.parametrize("origin", ["*", "tool.example.org", "https://tool.example.org/path", "ftp://x.org"])
def test_cors_takes_origins_only(tmp_path, origin):
    result = CliRunner().invoke(cli, ["annotate", "serve", "--home", str(tmp_path / "h"), "--cors", origin])
    assert result.exit_code == 2
    assert "is not an origin such as https://tool.example.org" in result.output
    assert not (tmp_path / "h").exists()


def allowed_origin(url: str, origin: str) -> str | None:
    """What the server answers a page from `origin` (a simple request and a preflight)."""
    simple = httpx.get(f"{url}/api/v1/status", headers={"Origin": origin}, timeout=30)
    preflight = httpx.options(
        f"{url}/api/v1/me",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-argilla-api-key",
        },
        timeout=30,
    )
    assert simple.headers.get("access-control-allow-origin") == preflight.headers.get("access-control-allow-origin")
    assert (preflight.status_code == 200) == ("access-control-allow-origin" in preflight.headers), preflight.text
    return simple.headers.get("access-control-allow-origin")


def providers(url: str) -> list[str]:
    answer = httpx.get(f"{url}/api/v1/oauth2/providers", timeout=30)
    assert answer.status_code == 200, answer.text
    return [item["name"] for item in answer.json()["items"]]


@pytest.mark.server
def test_a_server_on_every_interface_warns_and_stays_closed(tmp_path):
    start_dir = tmp_path / "start-here"
    start_dir.mkdir()
    (start_dir / ".oauth.yaml").write_text(OAUTH_YAML)  # Argilla alone would turn sign-in on
    server = start_server(tmp_path / "home", extra=("--host", "0.0.0.0"), cwd=start_dir)
    try:
        log = server.log.read_text()
        assert "serves plain HTTP to the network" in log and "TLS proxy" in log
        assert f"Annotators open: http://{network_name()}:{server.port}" in log
        assert server.credentials["api_url"] == server.url  # scripts here still use loopback
        assert providers(server.url) == []
        assert allowed_origin(server.url, EVIL_ORIGIN) is None
        assert allowed_origin(server.url, server.url) == server.url
    finally:
        assert server.stop() == 0, server.log.read_text()[-3000:]


@pytest.mark.server
def test_oauth_and_other_origins_when_asked(tmp_path):
    oauth = tmp_path / "team-oauth.yaml"
    oauth.write_text(OAUTH_YAML)
    server = start_server(tmp_path / "home", extra=("--oauth", str(oauth), "--cors", TOOL_ORIGIN))
    try:
        assert "serves plain HTTP" not in server.log.read_text()
        assert providers(server.url) == ["huggingface"]
        assert allowed_origin(server.url, TOOL_ORIGIN) == TOOL_ORIGIN
        assert allowed_origin(server.url, EVIL_ORIGIN) is None
    finally:
        assert server.stop() == 0, server.log.read_text()[-3000:]
