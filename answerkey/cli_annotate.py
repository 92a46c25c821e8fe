"""`answerkey annotate ...`: the embedded Argilla server and the data that flows through it."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import click

from annotation.home import default_home
from annotation.search_limits import SearchLimits
from annotation.templates import TEMPLATES

PASSWORD_LENGTH = (8, 100)  # argilla_server.api.schemas.v1.users: USER_PASSWORD_MIN/MAX_LENGTH

_home_option = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Server home (database, credentials.json) [default: the user data dir].",
)


def _server_options(command):
    """--api-url/--api-key (or ARGILLA_API_URL/ARGILLA_API_KEY, or the home's credentials)."""
    command = click.option("--api-key", envvar="ARGILLA_API_KEY", help="API key [env ARGILLA_API_KEY].")(command)
    command = click.option("--api-url", envvar="ARGILLA_API_URL", help="Argilla URL [env ARGILLA_API_URL].")(command)
    return _home_option(command)


def _client(api_url: str | None, api_key: str | None, home: Path | None):
    from annotation.connect import ConnectionSettingsError, connect

    # The SDK warns about what it looks up and does not find (the next step creates it); noise here.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"argilla(\.|$)")

    try:
        return connect(api_url, api_key, home)
    except ConnectionSettingsError as error:
        raise click.ClickException(str(error)) from error


class _OneLineErrors(click.Group):
    """A group whose commands answer a server's refusal, a lost connection or a value Argilla's
    models refuse with one line (`Error: ...`, exit 1), never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as error:
            from annotation.api_errors import describe  # the SDK loads only when something failed

            message = describe(error)
            if message is None:
                raise
            raise click.ClickException(message) from error


def _password(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Argilla's rule for passwords, checked before anything is sent."""
    if value is not None and not PASSWORD_LENGTH[0] <= len(value) <= PASSWORD_LENGTH[1]:
        raise click.BadParameter(
            f"a password has {PASSWORD_LENGTH[0]} to {PASSWORD_LENGTH[1]} characters (Argilla's rule); "
            f"this one has {len(value)}",
            ctx=ctx,
            param=param,
        )
    return value


def _workspace(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Argilla's rule for workspace names: letters, digits, `-` and `_` (they appear in URLs)."""
    if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]+", value):
        raise click.BadParameter(
            f"{value!r}: a workspace name has only letters, digits, '-' and '_' (Argilla's rule)", ctx=ctx, param=param
        )
    return value


@click.group("annotate", cls=_OneLineErrors)
def annotate_command() -> None:
    """Annotators in Argilla: serve it, push tasks, draft with an LLM, check and pull answers."""


def _origins(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """Each --cors value an origin: scheme://host[:port], no path; `*` is refused."""
    from urllib.parse import urlsplit

    for value in values:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
            raise click.BadParameter(
                f"{value!r} is not an origin such as https://tool.example.org "
                "(`*` would let every web site act with an annotator's login)",
                ctx=ctx,
                param=param,
            )
    return tuple(value.rstrip("/") for value in values)


@annotate_command.command("serve")
@_home_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (127.0.0.1 keeps it local).")
@click.option("--port", type=click.IntRange(1, 65535), default=6900, show_default=True)
@click.option("--redis", "redis_url", help="Use this Redis (and run Argilla's background worker) instead of fakeredis.")
@click.option(
    "--oauth",
    "oauth_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Argilla's OAuth settings file (Hugging Face sign-in) [default: off; a .oauth.yaml here is ignored].",
)
@click.option(
    "--cors",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    callback=_origins,
    help="Let web pages from ORIGIN (e.g. https://tool.example.org) call the API; repeatable "
    "[default: the server's own origin only].",
)
@click.option(
    "--search-timeout",
    type=click.FloatRange(min=0.1, max=3600),
    default=SearchLimits.seconds,
    show_default=True,
    help="Seconds one search's SQL may run before it is stopped (HTTP 422).",
)
def serve_command(
    home: Path | None,
    host: str,
    port: int,
    redis_url: str | None,
    oauth_file: Path | None,
    cors_origins: tuple[str, ...],
    search_timeout: float,
) -> None:
    """Run the real Argilla server here: SQLite, no Elasticsearch, no Redis needed."""
    from annotation.home import HomeError, prepare_home
    from annotation.server import ServeOptions, ServerError, serve

    options = ServeOptions(
        host=host,
        port=port,
        redis_url=redis_url,
        search_seconds=search_timeout,
        oauth_file=oauth_file.absolute() if oauth_file else None,
        cors_origins=cors_origins,
    )
    try:
        serve(prepare_home(home or default_home()), options, announce=click.echo)
    except (HomeError, ServerError) as error:
        raise click.ClickException(str(error)) from error


@annotate_command.group("users")
def users_command() -> None:
    """Annotator accounts."""


@users_command.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["annotator", "admin", "owner"]), default="annotator", show_default=True)
@click.option(
    "--workspace",
    default="argilla",
    show_default=True,
    callback=_workspace,
    help="Workspace the user joins (made if missing).",
)
@click.option(
    "--password", callback=_password, help="Password, 8-100 characters [default: a generated one, printed once]."
)
@_server_options
def users_add_command(
    username: str,
    role: str,
    workspace: str,
    password: str | None,
    api_url: str | None,
    api_key: str | None,
    home: Path | None,
) -> None:
    """Create USERNAME (or add it to the workspace) and print how it logs in."""
    from annotation.users import add_user

    account = add_user(_client(api_url, api_key, home), username, role=role, workspace=workspace, password=password)
    click.echo(f"user {account.username!r} ({account.role}) in workspace {workspace!r}")
    if account.password:
        click.echo(f"password: {account.password}")
    elif password is not None or account.role != role:
        click.echo(f"{account.username!r} existed already: its password and role are unchanged")


@annotate_command.command("push")
@click.argument("source", type=click.Path(exists=True, path_type=Path), required=False)
@click.option("--name", required=True, help="Argilla dataset name (created from the template if missing).")
@click.option(
    "--template",
    type=click.Choice(TEMPLATES),
    required=True,
    help="sft (prompts), exercise (problems), review (tasks sent back, e.g. from training).",
)
@click.option("--workspace", callback=_workspace, help="Workspace [default: the user's only one].")
@click.option(
    "--min-submitted",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Annotators per record (Argilla's task distribution), on creation.",
)
@click.option(
    "--blank",
    type=click.IntRange(min=0),
    default=0,
    help="Make sure the dataset has N blank exercise records (ids new-000000 ...; repeatable safely).",
)
@click.option(
    "--reason", default="sent_back", show_default=True, help="With --template review: why the items need review."
)
@click.option("--batch-size", type=click.IntRange(min=1, max=1000), default=500, show_default=True)
@_server_options
def push_command(
    source: Path | None,
    name: str,
    template: str,
    workspace: str | None,
    min_submitted: int,
    blank: int,
    reason: str,
    batch_size: int,
    api_url: str | None,
    api_key: str | None,
    home: Path | None,
) -> None:
    """Push SOURCE (a dataset version from `answerkey build`, or a prompts file) into dataset NAME.

    Record ids come from task ids, so pushing again updates records and never duplicates them.
    """
    from annotation.api_errors import connection_lost
    from annotation.push import PushError, push

    if source is None and not blank:
        raise click.UsageError("give SOURCE, --blank N, or both")
    try:
        report = push(
            _client(api_url, api_key, home),
            source,
            name,
            template,
            workspace=workspace,
            min_submitted=min_submitted,
            blank=blank,
            reason=reason,
            batch_size=batch_size,
        )
    except PushError as error:
        raise click.ClickException(str(error)) from error
    except Exception as error:
        if not connection_lost(error):
            raise
        raise click.ClickException(
            f"the Argilla server went away during the push ({str(error) or type(error).__name__}); "
            "run the same push again once it is back: records are updated by their ids, never duplicated"
        ) from error
    click.echo(f"pushed {report.sent} records to {report.dataset!r}")


@annotate_command.command("pull")
@click.argument("name")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Dataset version folder to write."
)
@click.option("--workspace", callback=_workspace, help="Workspace of the dataset.")
@_server_options
def pull_command(
    name: str, out: Path, workspace: str | None, api_url: str | None, api_key: str | None, home: Path | None
) -> None:
    """Pull submitted responses of dataset NAME into a dataset version at --out.

    sft datasets give SFT conversations; exercise datasets give checked tasks, with disagreements
    sent to NAME-review until a reviewer settles them.
    """
    from annotation.pull import pull

    try:
        report = pull(_client(api_url, api_key, home), name, out, workspace=workspace)
    except (LookupError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(report.summary())
    click.echo(f"-> {out}")


@annotate_command.command("check")
@click.argument("name")
@click.option("--workspace", callback=_workspace, help="Workspace of the dataset.")
@click.option("--watch", type=click.FloatRange(min=1), help="Check again every SECONDS until interrupted.")
@_server_options
def check_command(
    name: str,
    workspace: str | None,
    watch: float | None,
    api_url: str | None,
    api_key: str | None,
    home: Path | None,
) -> None:
    """Verify submitted answers of exercise dataset NAME; flag bad ones in Argilla.

    Each checked record gets metadata `verifier_status` (ok, unparseable, inconsistent,
    disagreement) and the reason in its `verifier_report` field, so annotators can filter and fix.
    """
    import time

    from annotation.check import check_dataset

    client = _client(api_url, api_key, home)
    while True:
        try:
            counts = check_dataset(client, name, workspace)
        except (LookupError, ValueError) as error:
            raise click.ClickException(str(error)) from error
        click.echo(", ".join(f"{status} {count}" for status, count in sorted(counts.items())) or "no records")
        if watch is None:
            return
        time.sleep(watch)


@annotate_command.command("draft")
@click.option(
    "--model",
    "model_path",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A local transformers causal LM checkpoint.",
)
@click.option("--dataset", "name", required=True, help="The sft dataset to draft responses for.")
@click.option("--workspace", callback=_workspace, help="Workspace of the dataset.")
@click.option("--batch-size", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--max-new-tokens", type=click.IntRange(min=1), default=256, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), help="Draft at most N records.")
@_server_options
def draft_command(
    model_path: Path,
    name: str,
    workspace: str | None,
    batch_size: int,
    max_new_tokens: int,
    limit: int | None,
    api_url: str | None,
    api_key: str | None,
    home: Path | None,
) -> None:
    """Write LLM drafts for records without one, as suggestions annotators edit."""
    from annotation.draft_records import draft_dataset
    from annotation.drafting import load_drafter

    client = _client(api_url, api_key, home)
    try:
        drafter = load_drafter(model_path)
    except (OSError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    try:
        count = draft_dataset(
            client,
            name,
            drafter,
            workspace=workspace,
            batch_size=batch_size,
            max_new_tokens=max_new_tokens,
            limit=limit,
        )
    except (LookupError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"drafted {count} records of {name!r} with {drafter.name}")
