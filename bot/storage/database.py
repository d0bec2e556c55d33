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
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from bot.settings import Settings
from bot.storage.later import Later, WriteAll
from bot.storage.sqlite_driver import one_trip_dbapi
from bot.waiting import wait_for

log = logging.getLogger(__name__)
# How often a connection listening for other instances' wakes is checked to be alive.
LISTEN_CHECK_SECONDS = 15.0

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
    if sa_url.drivername == "sqlite+aiosqlite":
        # Each statement in one trip to aiosqlite's thread instead of three or four.
        options["module"] = one_trip_dbapi()
    file = sa_url.database if is_sqlite else None
    if file and file != ":memory:" and not file.startswith("file:"):
        Path(file).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(sa_url, **options)
    if is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


@dataclass
class _Unit:
    """An open unit of work: its session, the task it belongs to, what waits for its commit."""

    session: AsyncSession
    task: asyncio.Task[Any] | None
    after_commit: list[Callable[[], None]] = field(default_factory=list)


class Database:
    """The bot's database: the engine, read sessions and write transactions.

    A unit of work (:meth:`unit`) is one transaction that many changes share, each in a
    SAVEPOINT of its own: the mailbox worker handles a batch of messages in one commit, and a
    message that fails rolls back alone. Inside it (in the task that opened it, never in tasks
    it starts), :meth:`transaction` is a savepoint in the unit's session and :meth:`session`
    reads through that session too, so the services join the unit without knowing of it.
    """

    def __init__(self, engine: AsyncEngine, *, schema: str | None = None) -> None:
        self.engine = engine
        self._signals: dict[str, asyncio.Event] = {}
        # PostgreSQL: the NOTIFY channel of this installation (one per schema), and the wakes
        # being sent (a name woken again while its NOTIFY is on its way is sent once more).
        self.channel = f"deltagerbot.{schema or 'public'}"
        self._notifying: dict[str, bool] = {}
        self._notices: set[asyncio.Task[None]] = set()
        # The server process of the connection listening for them (for an operator's look).
        self.listening_pid: int | None = None
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
        self._unit: ContextVar[_Unit | None] = ContextVar(f"db-unit-{id(self)}", default=None)
        self._later = Later(self.transaction)

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
            engine = create_engine(url, connect_args=search_path)
            return cls(engine, schema=settings.database_schema)
        return cls.connect(url)

    def _joined(self) -> _Unit | None:
        """The unit of work this task is in, if any."""
        unit = self._unit.get()
        if unit is None or unit.task is not asyncio.current_task():
            return None  # a task started inside a unit must not share its session
        return unit

    def in_unit(self) -> bool:
        """Whether this task is in a unit of work (its transactions are the unit's savepoints)."""
        return self._joined() is not None

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[AsyncSession]:
        """One write transaction that the transactions opened inside it join as savepoints.

        Committed at the end, rolled back on any error; what :meth:`after_commit` was given
        inside it runs after that commit only (a savepoint's release is no commit).
        """
        if self._joined() is not None:
            raise RuntimeError("a unit of work is already open in this task")
        async with self.transaction() as session:
            unit = _Unit(session, asyncio.current_task())
            token = self._unit.set(unit)
            try:
                yield session
            finally:
                self._unit.reset(token)
        for callback in unit.after_commit:
            callback()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one write transaction: committed at the end, rolled back on any error.

        Inside a unit of work, a savepoint in the unit's session: rolled back alone on an error,
        committed with the unit.
        """
        unit = self._joined()
        if unit is not None:
            waiting = len(unit.after_commit)
            try:
                async with unit.session.begin_nested():
                    yield unit.session
            except BaseException:
                del unit.after_commit[waiting:]  # what was rolled back has nothing to announce
                raise
            return
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

    def wake_after_commit(self, session: AsyncSession, name: str) -> None:
        """Once the session's transaction has committed, wake the workers waiting on ``name``
        (:meth:`wake`)."""
        self.after_commit(session, lambda: self.wake(name))

    def wake(self, name: str) -> None:
        """Wake the workers waiting on ``name``: in this process at once, and on PostgreSQL in
        every instance on the same database too (``NOTIFY``, heard by :meth:`listen`), so work
        queued in one instance is sent at once by the instance that leads."""
        self.signal(name).set()
        if self.dialect != "postgresql":
            return
        if name in self._notifying:
            self._notifying[name] = True  # once more after the one on its way
            return
        self._notifying[name] = False
        task = asyncio.get_running_loop().create_task(self._notify(name))
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)

    async def _notify(self, name: str) -> None:
        try:
            while True:
                async with self.engine.connect() as conn:
                    await conn.execute(
                        text("SELECT pg_notify(:channel, :name)"),
                        {"channel": self.channel, "name": name},
                    )
                    await conn.commit()
                if not self._notifying.get(name):
                    return
                self._notifying[name] = False
        except (SQLAlchemyError, OSError) as exc:
            # The others' workers poll as well; a lost wake only delays them.
            log.warning("database: could not wake the other instances (%s)", exc)
        finally:
            self._notifying.pop(name, None)

    async def listen(self, stop: asyncio.Event) -> None:
        """Until ``stop``, on PostgreSQL: wakes announced by other instances (:meth:`wake`)
        wake this instance's workers. A lost connection is opened again; meanwhile the workers
        poll, so nothing waits longer than their poll."""
        if self.dialect != "postgresql":
            return
        delay = 1.0
        while not stop.is_set():
            try:
                async with self.engine.connect() as conn:
                    raw = await conn.get_raw_connection()
                    driver: Any = raw.driver_connection

                    def heard(_conn: object, _pid: int, _channel: str, name: str) -> None:
                        self.signal(name).set()

                    await driver.add_listener(self.channel, heard)
                    self.listening_pid = driver.get_server_pid()
                    delay = 1.0
                    for waiting in self._signals.values():
                        waiting.set()  # what was announced while nobody listened: look now
                    try:
                        # A cut connection says nothing until used: look now and then.
                        while not await wait_for(stop, None, LISTEN_CHECK_SECONDS):
                            await asyncio.wait_for(driver.execute("SELECT 1"), 10)
                    except BaseException:
                        await conn.invalidate()  # not back into the pool: it may be dead
                        raise
                    finally:
                        self.listening_pid = None
                        if not driver.is_closed():
                            await driver.remove_listener(self.channel, heard)
            except Exception as exc:  # whatever broke the connection: listen on a new one
                log.warning("database: not listening for other instances (%s)", exc)
            await wait_for(stop, None, delay)
            delay = min(60.0, delay * 2)

    def after_commit(self, session: AsyncSession, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the session's transaction has committed (never on rollback).

        In a unit of work, once the unit has committed: SQLAlchemy's own ``after_commit`` also
        fires when a savepoint is released.
        """
        unit = self._unit.get()
        if unit is not None and unit.session is session:
            unit.after_commit.append(callback)
            return
        event.listen(session.sync_session, "after_commit", lambda _s: callback(), once=True)

    def session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session for reading (SQLite readers never wait for writers in WAL mode); inside a
        unit of work, the unit's own session, so that its reads see its writes."""
        unit = self._joined()
        if unit is not None:
            return _Borrowed(unit.session)
        return self._reader()

    async def migrate(self) -> None:
        """Upgrade the schema to the newest migration; the bot calls this on start."""
        from bot.storage.migrate import upgrade

        await upgrade(self)

    def later(self, key: str, item: object, write: WriteAll) -> None:
        """Commit ``item`` soon, in one transaction with other such records (``later.py``):
        ``write`` writes the items of ``key`` pending then together. For records nobody reads
        back at once and that may be lost or repeated after a crash."""
        self._later.add(key, item, write)

    async def settled(self) -> None:
        """Wait until the records handed to :meth:`later` so far are committed."""
        await self._later.settled()

    async def close(self) -> None:
        """Close every pooled connection (after the pending writes are committed and the wakes
        on their way are sent)."""
        await self._later.settled()
        if self._notices:
            await asyncio.gather(*self._notices, return_exceptions=True)
        await self.engine.dispose()


class _Borrowed:
    """The unit's session lent to a reader: not closed when the reader is done with it."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def __aenter__(self) -> AsyncSession:
        return self._session

    async def __aexit__(self, *_exc: object) -> None:
        return None
