"""Every misuse of `answerkey annotate ...` is one line (`Error: ...`), never a traceback; so is a
server that goes away in the middle of a push, and that push can simply be run again.

What the CLI can judge alone runs without a server; refusals that only the server knows run
against the session's `argilla_server`; the start-up checks and the kill run in processes of
their own.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pydantic
import pytest
from argilla._exceptions import ForbiddenError, UnprocessableEntityError
from argilla_fixture import ROOT, free_port, start_server
from click.testing import CliRunner

from annotation.api_errors import describe
from answerkey.cli import main

NO_SERVER = {"ARGILLA_API_URL": "", "ARGILLA_API_KEY": ""}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def one_error_line(result, exit_code: int = 1) -> str:
    """The single `Error: ...` line a failed command printed (asserting that is all it printed)."""
    assert result.exit_code == exit_code, result.output + repr(result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1 and "Traceback" not in result.output, result.output
    return errors[0]


def annotate(*args: str, server=None, env: dict[str, str] | None = None):
    connection = ["--api-url", server.url, "--api-key", server.credentials["api_key"]] if server else []
    return CliRunner().invoke(main, ["annotate", *args, *connection], env=env)


# ----------------------------------------------------------------- what the CLI judges alone
@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["users", "add", "carol", "--password", "1"],
            "a password has 8 to 100 characters (Argilla's rule); this one has 1",
        ),
        (["users", "add", "carol", "--password", "x" * 101], "this one has 101"),
        (["users", "add", "carol", "--workspace", "team b"], "a workspace name has only letters, digits, '-' and '_'"),
        (["users", "add", "carol", "--role", "boss"], "'boss' is not one of 'annotator', 'admin', 'owner'"),
        (["push", "--name", "x", "--template", "sft", "--workspace", "a/b"], "a workspace name has only"),
        (["push", "--name", "x", "--template", "nope"], "'nope' is not one of"),
        (["push", "missing.jsonl", "--name", "x", "--template", "sft"], "'missing.jsonl' does not exist"),
        (["push", "--name", "x", "--template", "exercise", "--min-submitted", "0"], "0 is not in the range x>=1"),
        (["pull", "x", "--out", "o", "--workspace", "a b"], "a workspace name has only"),
        (["check", "x", "--watch", "0"], "0 is not in the range x>=1"),
        (["draft", "--model", "no-such-folder", "--dataset", "x"], "'no-such-folder' does not exist"),
        (["serve", "--port", "70000"], "70000 is not in the range 1<=x<=65535"),
        (["serve", "--search-timeout", "0"], "0 is not in the range 0.1<=x<=3600"),
        (["serve", "--oauth", "no-such.yaml"], "'no-such.yaml' does not exist"),
    ],
)
def test_bad_arguments_are_one_line(tmp_path, args, message):
    result = CliRunner().invoke(main, ["annotate", *args, "--home", str(tmp_path / "home")], env=NO_SERVER)
    assert message in one_error_line(result, exit_code=2)


def test_push_without_source_or_blank_records(tmp_path):
    result = annotate("push", "--name", "x", "--template", "sft", "--home", str(tmp_path), env=NO_SERVER)
    assert "give SOURCE, --blank N, or both" in one_error_line(result, exit_code=2)


# -------------------------------------------------------------- the one-line translations
def test_server_refusals_connection_losses_and_model_errors_read_as_one_line():
    details = {"detail": {"code": "argilla.api.errors::ValidationError", "params": {"errors": [
        {"type": "string_too_short", "loc": ["body", "password"], "msg": "String should have at least 8 characters"}
    ]}}}  # fmt: skip
    refused = UnprocessableEntityError(f"Unprocessable entity. Details: {json.dumps(details)}", status_code=422)
    assert describe(refused) == (
        "the Argilla server refused the request (HTTP 422): password: String should have at least 8 characters"
    )
    forbidden = ForbiddenError('Forbidden. Details: {"detail": "Operation not allowed"}', status_code=403)
    assert describe(forbidden) == "the Argilla server refused the request (HTTP 403): Operation not allowed"
    nested = {"detail": {"code": "argilla.api.errors::ForbiddenOperationError", "params": {"detail": "Not allowed"}}}
    forbidden = ForbiddenError(f"Forbidden. Details: {json.dumps(nested)}", status_code=403)
    assert describe(forbidden) == "the Argilla server refused the request (HTTP 403): Not allowed"
    by_the_sdk = ForbiddenError("User 'ann' is not authorized to create a dataset\n            with role 'annotator'.")
    assert describe(by_the_sdk) == (  # the SDK's own message, its status from the class (it says 500)
        "the Argilla server refused the request (HTTP 403): User 'ann' is not authorized to create a dataset "
        "with role 'annotator'."
    )
    reply = httpx.Response(403, text='{"detail": "Operation not allowed"}', request=httpx.Request("GET", "http://x/"))
    raw = httpx.HTTPStatusError("403", request=reply.request, response=reply)
    assert describe(raw) == "the Argilla server refused the request (HTTP 403): Operation not allowed"
    request = httpx.Request("PUT", "http://127.0.0.1:6900/api/v1/datasets/x/records/bulk")
    lost = httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    assert describe(lost) == (
        "lost the connection to the Argilla server at http://127.0.0.1:6900 (Server disconnected without "
        "sending a response.); is `answerkey annotate serve` still running?"
    )

    class Workspace(pydantic.BaseModel):
        name: str

        @pydantic.field_validator("name")
        @classmethod
        def url_safe(cls, value: str) -> str:
            raise ValueError("Workspace name must be url safe")

    with pytest.raises(pydantic.ValidationError) as invalid:
        Workspace(name="a b")
    assert describe(invalid.value) == "name: Workspace name must be url safe"
    assert describe(KeyError("x")) is None  # anything else stays a bug with its traceback


# ---------------------------------------------------------------- what only the server knows
def test_refusals_of_the_server_are_one_line(argilla_server, tmp_path):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt": "What is 2+2?"}\n')
    name = unique("sft")
    assert annotate("push", str(prompts), "--name", name, "--template", "sft", server=argilla_server).exit_code == 0

    nope = ["--workspace", "nope"]
    cases = [
        (
            ["push", str(prompts), "--name", "x", "--template", "sft", *nope],
            "no Argilla workspace named 'nope'; there are: ",
        ),
        (
            ["push", str(prompts), "--name", name, "--template", "exercise"],
            f"dataset {name!r} was made from the 'sft' template, not 'exercise'; push to another --name",
        ),
        (["pull", name, "--out", str(tmp_path / "o"), *nope], "no Argilla workspace named 'nope'"),
        (["pull", "no-such-dataset", "--out", str(tmp_path / "o")], "no Argilla dataset named 'no-such-dataset'"),
        (["check", name], f"{name!r} is not an exercise dataset"),
        (["check", name, *nope], "no Argilla workspace named 'nope'"),
        (
            ["draft", "--model", str(tmp_path), "--dataset", name],
            f"no model at {tmp_path}: expected a checkpoint folder with a config.json",
        ),
    ]
    for args, message in cases:
        assert message in one_error_line(annotate(*args, server=argilla_server)), args

    wrong_path = CliRunner().invoke(
        main,
        [
            "annotate",
            "check",
            name,
            "--api-url",
            f"{argilla_server.url}/ui",
            "--api-key",
            argilla_server.credentials["api_key"],
        ],
    )
    assert f"{argilla_server.url}/ui does not answer as an Argilla API" in one_error_line(wrong_path)
    wrong_key = CliRunner().invoke(
        main, ["annotate", "check", name, "--api-url", argilla_server.url, "--api-key", "nope"]
    )
    assert "rejected the API key" in one_error_line(wrong_key)


@pytest.mark.parametrize(
    "lines, message",
    [
        (["not json"], "bad.jsonl:1: line 1: invalid JSON"),
        (['{"x": 1}'], "bad.jsonl:1: field 'prompt': missing or empty"),
    ],
)
def test_a_bad_prompts_file_names_file_line_and_field(argilla_server, tmp_path, lines, message):
    source = tmp_path / "bad.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = annotate("push", str(source), "--name", unique("x"), "--template", "sft", server=argilla_server)
    assert message in one_error_line(result)


def test_an_annotator_key_is_told_what_it_may_not_do(argilla_server, tmp_path):
    name = unique("ann")
    output = annotate("users", "add", name, "--password", "ann-pass-123", server=argilla_server).output
    assert "password: ann-pass-123" in output
    token = httpx.post(
        f"{argilla_server.url}/api/v1/token", data={"username": name, "password": "ann-pass-123"}, timeout=30
    ).json()["access_token"]
    me = httpx.get(f"{argilla_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    as_annotator = ["--api-url", argilla_server.url, "--api-key", me.json()["api_key"]]
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt": "What is 2+2?"}\n')
    dataset = unique("sft")
    assert annotate("push", str(prompts), "--name", dataset, "--template", "sft", server=argilla_server).exit_code == 0
    exercises = unique("ex")
    blank = annotate("push", "--name", exercises, "--template", "exercise", "--blank", "1", server=argilla_server)
    assert blank.exit_code == 0

    cases = [
        (["users", "add", unique("x")], r"refused the request \(HTTP 403\): Operation not allowed"),
        (
            ["push", str(prompts), "--name", unique("y"), "--template", "sft"],
            r"\(HTTP 403\): User .* is not authorized",
        ),
        (["pull", dataset, "--out", str(tmp_path / "o")], "needs an owner's or admin's API key"),
        (["check", exercises], "needs an owner's or admin's API key"),
    ]
    for args, pattern in cases:
        result = CliRunner().invoke(main, ["annotate", *args, *as_annotator])
        assert re.search(pattern, one_error_line(result)), (args, result.output)


def test_adding_an_existing_user_says_nothing_changed(argilla_server):
    name = unique("dora")
    assert annotate("users", "add", name, "--password", "dora-pass-1", server=argilla_server).exit_code == 0
    again = annotate("users", "add", name, "--role", "admin", "--password", "other-pass-2", server=argilla_server)
    assert again.exit_code == 0 and f"{name!r} existed already: its password and role are unchanged" in again.output
    token = httpx.post(
        f"{argilla_server.url}/api/v1/token", data={"username": name, "password": "dora-pass-1"}, timeout=30
    )
    assert token.status_code == 201  # the first password still works


# ------------------------------------------------------------------ start-up, in a process
def serve_once(tmp_path, *args: str) -> subprocess.CompletedProcess:
    """`annotate serve` that must fail at start-up: its exit code and output."""
    home = tmp_path / unique("home")
    command = [
        sys.executable,
        "-m",
        "answerkey",
        "annotate",
        "serve",
        "--home",
        str(home),
        "--port",
        str(free_port()),
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--host", "no-such-host.invalid"], "--host no-such-host.invalid: "),
        (["--redis", "redis://127.0.0.1:1"], "--redis redis://127.0.0.1:1: no Redis answers there"),
        (["--redis", "not-a-url"], "--redis not-a-url: Redis URL must specify one of the following schemes"),
    ],
)
def test_start_up_problems_are_one_line(tmp_path, args, message):
    result = serve_once(tmp_path, *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: {message}"), result.stderr


@pytest.mark.server
@pytest.mark.parametrize(
    "content, message",
    [
        ("providers: [\n", "while parsing a flow node"),
        ("providers:\n  - name: no-such-provider\n", "Unsupported provider no-such-provider"),
    ],
)
def test_a_broken_oauth_file_is_one_line_not_a_server_that_exits_0(tmp_path, content, message):
    oauth = tmp_path / "oauth.yaml"
    oauth.write_text(content)
    result = serve_once(tmp_path, "--oauth", str(oauth))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: --oauth {oauth}: ") and message in last, result.stderr


# ------------------------------------------------------------------ a server killed mid-push
@pytest.mark.server
def test_a_server_killed_during_a_push_is_one_line_and_the_push_runs_again(tmp_path):
    count = 5_000
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text("".join(json.dumps({"prompt": f"What is {n} + 1?"}) + "\n" for n in range(count)))
    home = tmp_path / "home"
    push = [sys.executable, "-m", "answerkey", "annotate", "push", str(prompts), "--name", "big", "--template", "sft"]
    push += ["--batch-size", "100", "--home", str(home)]

    server = start_server(home)
    log = tmp_path / "push.log"
    with log.open("w") as out:
        pushing = subprocess.Popen(push, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 120
        while not re.search(r"push big:.*\| *[1-9]\d*/5000", log.read_text()) and time.monotonic() < deadline:
            assert pushing.poll() is None, log.read_text()
            time.sleep(0.05)
        server.stop(signal.SIGKILL)
        assert pushing.wait(timeout=120) == 1
    output = log.read_text()
    assert "Traceback" not in output, output[-3000:]
    last = output.strip().splitlines()[-1]
    assert last.startswith("Error: the Argilla server went away during the push"), output[-2000:]
    assert "run the same push again once it is back: records are updated by their ids, never duplicated" in last

    server = start_server(home)
    try:
        again = subprocess.run(push, capture_output=True, text=True, timeout=600, cwd=ROOT)
        assert again.returncode == 0, again.stdout + again.stderr
        assert f"pushed {count} records to 'big'" in again.stdout
        dataset = server.client().datasets("big")
        assert sum(1 for _ in dataset.records) == count  # none lost, none twice
    finally:
        server.stop()
