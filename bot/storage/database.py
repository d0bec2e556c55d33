"""Connecting to the database: one async engine and its sessions, SQLite or PostgreSQL by URL.

SQLite is the embedded default (a file under the data directory). Each connection is set up for
safe concurrent use: write-ahead logging so readers never wait for a writer, foreign keys on, a
busy timeout so a writer waits for the lock instead of failing, and full sync so a confirmed
registration survives a power cut. SQLite's own transaction handling is switched off and
SQLAlchemy emits ``BEGIN`` itself: write transactions start with ``BEGIN IMMEDIATE``, which takes
the database's write lock at once, so a read-check-write (is there a seat left?) cannot interleave
with another writer. On PostgreSQL, writers lock what they change themselves (see the services).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from bot.settings import Settings

BUSY_TIMEOUT_MS = 30_000
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=FULL",
)
# Execution option read by the BEGIN hook: "IMMEDIATE" for writers, "DEFERRED" for readers.
SQLITE_BEGIN = "sqlite_begin"
# URLs written without a driver get the async one (the bot runs on asyncio).
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


def _sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Stop the driver from issuing its own BEGIN; the "begin" hook below does it instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def create_engine(
    url: str,
    *,
    pool_size: int | None = None,
    max_overflow: int | None = None,
    connect_args: dict[str, Any] | None = None,
    echo: bool = False,
) -> AsyncEngine:
    """An async engine for the URL, with SQLite set up as the module docstring describes."""
    sa_url = make_url(url)
    if sa_url.drivername in ASYNC_DRIVERS:
        sa_url = sa_url.set(drivername=ASYNC_DRIVERS[sa_url.drivername])
    # hide_parameters: a database error in a log shows the SQL, never the values (names,
    # addresses, what people wrote).
    options: dict[str, Any] = {
        "echo": echo,
        "connect_args": dict(connect_args or {}),
        "hide_parameters": True,
    }
    if pool_size is not None:
        options["pool_size"] = pool_size
    if max_overflow is not None:
        options["max_overflow"] = max_overflow
    is_sqlite = sa_url.get_backend_name() == "sqlite"
    file = sa_url.database if is_sqlite else None
    if file and file != ":memory:" and not file.startswith("file:"):
        Path(file).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(sa_url, **options)
    if is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


class Database:
    """The bot's database: the engine, read sessions and write transactions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._signals: dict[str, asyncio.Event] = {}
        self.dialect = engine.dialect.name
        # Same pool; writers only differ in how SQLite begins their transaction.
        self.write_engine = (
            engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            if self.dialect == "sqlite"
            else engine
        )
        self._reader = async_sessionmaker(engine, expire_on_commit=False)
        self._writer = async_sessionmaker(self.write_engine, expire_on_commit=False)
        # SQLite has one writer at a time anyway. Queueing this process's writers here spares
        # them SQLite's busy-wait (it polls the lock with sleeps of up to 100 ms); writers in
        # other processes are still kept out by BEGIN IMMEDIATE and the busy timeout.
        self._write_turn = asyncio.Lock() if self.dialect == "sqlite" else None

    @classmethod
    def connect(cls, url: str, **options: Any) -> Database:
        """A database for the URL; options go to :func:`create_engine`."""
        return cls(create_engine(url, **options))

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Database:
        """The configured database (``BOT_DATABASE_URL``), SQLite under the data dir by default.

        On PostgreSQL, ``BOT_DATABASE_SCHEMA`` puts the bot's tables in a schema of their own
        (several installations, or tests, sharing one database).
        """
        settings = settings or Settings()
        url = settings.effective_database_url
        if settings.database_schema and url.startswith("postgresql"):
            search_path = {"server_settings": {"search_path": settings.database_schema}}
            return cls.connect(url, connect_args=search_path)
        return cls.connect(url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one write transaction: committed at the end, rolled back on any error."""
        if self._write_turn is None:
            async with self._writer() as session, session.begin():
                yield session
            return
        async with self._write_turn, self._writer() as session, session.begin():
            yield session

    def signal(self, name: str) -> asyncio.Event:
        """A named event for this database in this process ("mail-outbox", "staff-desk"):
        set after a commit that gave a worker something to do, so it wakes without polling."""
        return self._signals.setdefault(name, asyncio.Event())

    @staticmethod
    def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the session's transaction has committed (never on rollback)."""
        event.listen(session.sync_session, "after_commit", lambda _s: callback(), once=True)

    def session(self) -> AsyncSession:
        """A session for reading (SQLite readers never wait for writers in WAL mode)."""
        return self._reader()

    async def migrate(self) -> None:
        """Upgrade the schema to the newest migration; the bot calls this on start."""
        from bot.storage.migrate import upgrade

        await upgrade(self)

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
