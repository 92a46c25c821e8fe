"""A time bound on the SQL of one search: SQLite is interrupted when it runs past it.

Argilla talks to SQLite through aiosqlite, which runs every statement in the connection's own
thread, so a long query never blocks the event loop; this bound makes sure it also ends.
`sqlite3_interrupt` is safe to call from any thread and stops the running statement with
"interrupted"; called when no statement runs, it does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession


class QueryTimeout(ValueError):
    """A search whose SQL ran past its time bound (a ValueError: Argilla answers it with 422)."""


@contextlib.asynccontextmanager
async def time_bound(db: AsyncSession, seconds: float) -> AsyncIterator[None]:
    """Interrupt whatever `db` runs once `seconds` have passed; a statement cut short raises QueryTimeout."""
    raw = await (await db.connection()).get_raw_connection()
    driver = raw.driver_connection  # the aiosqlite connection
    if driver is None:
        raise RuntimeError("the database connection is closed")
    fired = asyncio.Event()

    async def interrupt_later() -> None:
        await asyncio.sleep(seconds)
        fired.set()
        await driver.interrupt()  # returns at once: it only calls sqlite3_interrupt

    timer = asyncio.create_task(interrupt_later())
    try:
        yield
    except OperationalError as error:
        if fired.is_set():
            raise QueryTimeout(
                f"the search ran past its time bound of {seconds:g} s and was stopped; "
                "use fewer or more specific words, or a filter"
            ) from error
        raise
    finally:
        timer.cancel()
