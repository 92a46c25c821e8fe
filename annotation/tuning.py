"""Speed settings for the embedded server, each measured (`benchmarks/argilla_push.py`).

`tune_argilla()` (called by `annotation.server.load_argilla` before Argilla's app is imported)
applies all of them; `ANSWERKEY_ARGILLA_TUNING=0` in the server's environment turns all of them
off, giving Argilla's stock behaviour on SQLite, the reference the benchmark measures against.

1. SQLite pragmas on every connection: WAL, synchronous=NORMAL, temp tables in memory. Alone they
   hardly change a push (58 records/s against stock's 33 to 62 on two busy cores); a larger
   cache_size and mmap_size made no measurable difference at 5,000 records, so they are not set.
2. Settings validators built once. `Question.parsed_settings` and
   `MetadataProperty.parsed_settings` (argilla-server 2.8.0, models/database.py) build a new
   pydantic `TypeAdapter` on every call, about 5 ms each; a bulk upsert validates every record's
   metadata and suggestions through them (4 metadata values and a suggestion per exercise record:
   about half of the server's time under the profiler). The cached adapter validates the same
   way. With 1: 90 records/s.
3. Record events of a bulk upsert are built only when a webhook listens. After each bulk of up to
   500 records, `bulk/records_bulk.py` calls `notify_record_event` once per record; each call loads
   the dataset with five relationships and serializes the record before
   `enqueue_notify_events` finds that no webhook is enabled. We ask once per bulk whether an
   enabled webhook listens to `record.created` or `record.updated`; if one does, every call goes
   to Argilla's own code unchanged, so webhooks fire exactly as before. With 1 and 2: about 480
   records/s (5,000 records in about 10 s). The relationship preload before indexing is kept:
   our search engine does not need it, but the bulk endpoint's answer lists each record's
   suggestions and responses from it, and webhooks need it.

4. Passwords checked off the event loop. A login's bcrypt check takes about 0.2 s of CPU, and
   Argilla runs it inside its async handler, so every other request waits meanwhile: 20
   annotators logging in at once stalled the whole server for about 4 s
   (`benchmarks/annotation_load.py`). bcrypt releases the GIL, so in a worker thread the check
   runs beside the loop (on the other core, if there is one). Same answers, same dummy check for
   unknown users.

The SDK's batch size made no difference once these are applied (256 and 500 per request alike).

The patches replace names in argilla-server 2.8.0 (pinned exactly in pyproject.toml);
`tests/test_annotation_tuning.py` checks that they apply and change no behaviour.
"""

from __future__ import annotations

import asyncio
import functools
import os

TUNING_ENV = "ANSWERKEY_ARGILLA_TUNING"
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA temp_store=MEMORY")
RECORD_EVENTS_WATCHED = "answerkey_record_events_watched"  # key in the bulk request's Session.info


def tuning_enabled() -> bool:
    """True unless `ANSWERKEY_ARGILLA_TUNING` is 0/false/no/off."""
    return os.environ.get(TUNING_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def tune_argilla() -> None:
    """Apply every setting of this module (see its docstring), unless tuning is turned off."""
    if not tuning_enabled():
        return
    set_sqlite_pragmas()
    cache_settings_adapters()
    notify_bulk_record_events_only_when_watched()
    check_passwords_off_the_event_loop()


def set_sqlite_pragmas() -> None:
    """WAL and synchronous=NORMAL on every SQLite connection Argilla opens."""
    from argilla_server.settings import settings
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _set_pragmas(dbapi_connection, connection_record) -> None:
        if settings.database_is_sqlite:
            cursor = dbapi_connection.cursor()
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
            cursor.close()


@functools.cache
def settings_adapter(settings_type):
    """One pydantic TypeAdapter per settings type, built on first use."""
    from pydantic import TypeAdapter

    return TypeAdapter(settings_type)


def cache_settings_adapters() -> None:
    """`parsed_settings` of questions and metadata properties through a cached TypeAdapter."""
    from argilla_server.models.database import MetadataProperty, MetadataPropertySettings, Question, QuestionSettings

    for model, settings_type in ((Question, QuestionSettings), (MetadataProperty, MetadataPropertySettings)):

        def parsed_settings(self, settings_type=settings_type):
            return settings_adapter(settings_type).validate_python(self.settings)

        parsed_settings.__doc__ = f"{settings_type} of these settings (answerkey: cached TypeAdapter)."
        model.parsed_settings = property(parsed_settings)


async def record_events_watched(db) -> bool:
    """Whether an enabled webhook listens to records being created or updated."""
    from argilla_server.contexts import webhooks
    from argilla_server.webhooks.v1.enums import RecordEvent

    watched = {RecordEvent.created.value, RecordEvent.updated.value}
    return any(watched.intersection(map(str, webhook.events)) for webhook in await webhooks.list_enabled_webhooks(db))


def notify_bulk_record_events_only_when_watched() -> None:
    """Skip building the per-record events of a bulk upsert when no webhook would receive them."""
    from argilla_server.bulk import records_bulk

    if getattr(records_bulk, "_answerkey_tuned", False):
        return
    preload = records_bulk._preload_records_relationships_before_index
    notify = records_bulk.notify_record_event_v1

    @functools.wraps(preload)
    async def preload_and_check_webhooks(db, records):
        # Runs once per bulk, after the commit and right before the per-record notify loop.
        await preload(db, records)
        db.info[RECORD_EVENTS_WATCHED] = await record_events_watched(db)

    @functools.wraps(notify)
    async def notify_if_watched(db, record_event, record):
        if db.info.get(RECORD_EVENTS_WATCHED) is False:
            return []  # what enqueue_notify_events returns when no webhook is enabled
        return await notify(db, record_event, record)

    records_bulk._preload_records_relationships_before_index = preload_and_check_webhooks
    records_bulk.notify_record_event_v1 = notify_if_watched
    records_bulk._answerkey_tuned = True


def check_passwords_off_the_event_loop() -> None:
    """`accounts.authenticate_user` with its bcrypt work in a worker thread (see the docstring, 4)."""
    from argilla_server.contexts import accounts

    if getattr(accounts, "_answerkey_tuned", False):
        return
    stock = accounts.authenticate_user

    @functools.wraps(stock)
    async def authenticate_user(db, username: str, password: str):
        user = await accounts.get_user_by_username(db, username)
        if user is None:
            await asyncio.to_thread(accounts._dummy_verify)  # as long as a real check: no user-name probe
            return None
        matches = await asyncio.to_thread(accounts.verify_password, password, user.password_hash)
        return user if matches else None

    accounts.authenticate_user = authenticate_user
    accounts._answerkey_tuned = True
