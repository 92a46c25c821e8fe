"""Speed settings for the embedded server: SQLite pragmas (and anything else measured to help)."""

from __future__ import annotations

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA temp_store=MEMORY")


def tune_sqlite() -> None:
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
