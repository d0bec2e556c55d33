"""Which instance runs the work that must run once: the mailbox, the scheduled jobs, Telegram.

Several instances of ``python -m bot run`` may share one PostgreSQL database (the web chat and
the desk on each, behind a load balancer; the outboxes are claimed row by row through leases,
so any instance sends). What must not run twice (reading the mailbox, reminders, retention,
the staff boards, the change check, Telegram's long polling) runs in the instance that holds
PostgreSQL's advisory lock named for the installation (:func:`lock_name`: installations in
schemas of their own on one database each have their leader), taken on a connection of its
own and held while that connection lives. A standby asks for the lock every ``poll_seconds``;
when the leader dies (even by SIGKILL) PostgreSQL ends its session and frees the lock, and a
standby takes over on its next try. A leader that loses its connection stops its work at once
(the lock may be someone else's by then).

SQLite is one machine and one instance: :meth:`Leadership.claim_sqlite` holds an exclusive lock
on a file beside the database for the process' life, and a second instance on the same file is
refused with a sentence saying so (:class:`AlreadyRunning`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.status import Health
from bot.storage.database import Database
from bot.waiting import wait_for

log = logging.getLogger(__name__)

# How often a standby asks for the lock, and a leader checks its connection. A dead leader's
# work is taken over within about this long (plus PostgreSQL noticing the connection is gone).
POLL_SECONDS = 5.0
# How long the work gets to finish when leadership ends, before it is cancelled.
STOP_SECONDS = 10.0

Work = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class AlreadyRunning(Exception):
    """Another instance already runs on this SQLite file."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def lock_name(schema: str | None) -> str:
    """The lock of one installation: its schema's name, if it has one."""
    return f"deltagerbot:leader:{schema or ''}"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock`` from a readable name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class Leadership:
    """Runs the work that must run once, in one instance at a time (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        *,
        schema: str | None = None,
        poll_seconds: float = POLL_SECONDS,
        health: Health | None = None,
    ) -> None:
        self.db = db
        self.key = lock_key(lock_name(schema))
        self.poll_seconds = poll_seconds
        # Where ``/readyz`` reads whether this instance leads.
        self.health = health or Health()
        self._file: int | None = None

    @property
    def leading(self) -> bool:
        return self.health.leading

    @leading.setter
    def leading(self, value: bool) -> None:
        self.health.leading = value

    @property
    def shared(self) -> bool:
        """Whether several instances may share the database (PostgreSQL)."""
        return self.db.dialect == "postgresql"

    def claim_sqlite(self) -> None:
        """On SQLite, hold the database file's instance lock (AlreadyRunning if taken)."""
        if self.shared or self._file is not None:
            return
        database = self.db.engine.url.database
        if not database or database == ":memory:":
            return
        path = Path(database).with_name(Path(database).name + ".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise AlreadyRunning(Path(database)) from None
        self._file = descriptor  # closed (and so released) when the process ends

    def release(self) -> None:
        if self._file is not None:
            os.close(self._file)
            self._file = None

    async def run(self, work: Work, stop: asyncio.Event) -> None:
        """Run ``work`` whenever this instance leads, until ``stop``; stand by otherwise."""
        if not self.shared:
            self.claim_sqlite()
            self.leading = True
            try:
                await work(stop)
            finally:
                self.leading = False
            return
        while not stop.is_set():
            try:
                async with self._held() as connection:
                    if connection is not None:
                        await self._lead(connection, work, stop)
            except OSError as exc:  # the database away for a moment: ask again later
                log.warning("leadership: cannot ask for the lock (%s)", type(exc).__name__)
            await wait_for(stop, None, self.poll_seconds)

    @contextlib.asynccontextmanager
    async def _held(self) -> AsyncIterator[AsyncConnection | None]:
        """A connection holding the lock, or None if another instance has it."""
        async with self.db.engine.connect() as connection:
            got = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
            await connection.commit()
            if not got:
                yield None
                return
            try:
                yield connection
            finally:
                # Closing the session frees the lock; the connection never goes back to the
                # pool still holding it.
                with contextlib.suppress(Exception):
                    await connection.invalidate()

    async def _lead(self, connection: AsyncConnection, work: Work, stop: asyncio.Event) -> None:
        log.info("leadership: this instance leads (mailbox, scheduled jobs, Telegram)")
        ended = asyncio.Event()
        self.leading = True
        task = asyncio.create_task(work(ended))
        try:
            while not task.done():
                if await wait_for(stop, None, self.poll_seconds):
                    break
                try:
                    await connection.execute(text("SELECT 1"))
                    await connection.commit()
                except Exception as exc:  # any failure: the lock may be gone by now
                    log.warning("leadership: lost the lock's connection (%s)", type(exc).__name__)
                    break
        finally:
            self.leading = False
            ended.set()
            try:
                await asyncio.wait_for(task, STOP_SECONDS)
            except TimeoutError:
                log.warning("leadership: the work did not stop in time; cancelled")
        if not stop.is_set():
            log.info("leadership: this instance no longer leads")
