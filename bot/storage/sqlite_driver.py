"""aiosqlite as SQLAlchemy drives it, with each statement in one trip to the driver's thread.

aiosqlite runs the sqlite3 connection in a thread of its own; every call on it is a round trip
from the event loop to that thread and back. SQLAlchemy's adapter makes three or four such trips
per statement (open a cursor, execute, fetch the rows, close the cursor), and each trip costs far
more than the statement itself (the thread must be woken and the loop woken again; on a busy
machine each is a wait for the CPU). Here the cursor is opened, the statement run, its rows
fetched and the cursor closed in one call in that thread. What SQLAlchemy reads afterwards
(``description``, ``rowcount``, ``lastrowid``, the rows) is what that call kept, so statements
behave exactly as before. Commits and rollbacks are one trip as they were.

It builds on the private parts of SQLAlchemy 2.1's asyncio adapter (``connectors/asyncio.py``),
which is why ``pyproject.toml`` holds SQLAlchemy to 2.1; the whole test suite runs on it.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_


class _Outcome:
    """What a statement left behind, for SQLAlchemy to read once its trip is over."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")
    arraysize = 1

    def __init__(self, cursor: sqlite3.Cursor | None = None, rows: Sequence[Any] = ()) -> None:
        self.description = cursor.description if cursor is not None else None
        self.rowcount = cursor.rowcount if cursor is not None else -1
        self.lastrowid = cursor.lastrowid if cursor is not None else None
        self.rows = rows

    def close(self) -> None:
        """Nothing to close: the sqlite3 cursor was closed in the thread."""


def _run(connection: aiosqlite.Connection, many: bool, operation: str, parameters: Any) -> _Outcome:
    """In aiosqlite's thread: the whole statement, from opening a cursor to closing it."""
    cursor = connection._conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else ()
        return _Outcome(cursor, rows)
    finally:
        cursor.close()


class _OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()
    _awaitable_cursor_close = False

    def _make_new_cursor(self, connection: Any) -> Any:
        return _Outcome()

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._trip(False, operation, parameters)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._trip(True, operation, seq_of_parameters)

    async def _trip(self, many: bool, operation: Any, parameters: Any) -> Any:
        connection = self._connection
        async with self._adapt_connection._execute_mutex:
            outcome = await connection._execute(_run, connection, many, operation, parameters)
        self._cursor = outcome
        self._rows = collections.deque(outcome.rows)
        return outcome


class _OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneTripCursor


class _OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        if kw.get("async_creator_fn") is not None:
            return super().connect(*arg, **kw)
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's adapter does
        # SQLAlchemy 2.1 types the connection as its own protocol, which aiosqlite's matches at
        # run time but not in its annotations.
        return _OneTripConnection(self, cast(Any, await_(connection)))


def one_trip_dbapi() -> AsyncAdapt_aiosqlite_dbapi:
    """The DBAPI module to give ``create_async_engine`` (``module=``) for aiosqlite URLs."""
    return _OneTripDBAPI(aiosqlite, sqlite3)
