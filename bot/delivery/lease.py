"""Leases on outbox rows: which sender may send a row, and a dead sender's rows taken over fast.

Both outboxes (``mail_outbox``, ``chat_outbox``) send through :class:`OutboxLease`, so two bot
processes never send the same row at the same time, and the rows of a process that died are sent
by another within seconds:

1. *Claim*: in a short transaction, due rows that no one holds get this sender's owner id
   (``lease_owner``: host, process id and a random part, one per sender) and a lease
   (``lease_expires_ms``) ``outbox_lease_seconds`` ahead. A lease that has run out is free to
   take: its owner died, or lost the database.
2. *Keep*: while a sender holds rows, it renews their leases every third of the lease time (the
   heartbeat), so a live sender keeps its rows however slow the server it sends to.
3. *Begin*: just before a row goes to the server, a compare-and-set on owner and status renews
   its lease, counts the attempt and records ``sending_since`` (the message may go out from here
   on). If another sender took the row over, nothing is updated and this one does not send it.
   A batch of rows may be begun in one compare-and-set (:meth:`OutboxLease.sending_batch`, the
   mail outbox): each of them may go out from then on.
4. *Guard*: the send runs under a deadline, the time the lease is known to last by the last
   renewal that included the row, less a quarter of the lease. When renewals fail (the database
   is unreachable, or the row was taken over), the send is cancelled before the lease can run
   out, so another sender never starts on a row that a live one is still sending.
5. *Finish*: once the server has it, the row is marked ``sent`` in a small transaction (alone,
   or with the rest of its batch, :meth:`OutboxLease.finish_batch`), whoever holds it by then
   (it has gone out; a sender that took it over and has not begun will now find nothing to
   send). A refusal or an error settles the row (retry later, or
   ``failed``) only if this sender still owns it.

Clocks: leases are measured on the database's clock (``clock_timestamp()`` on PostgreSQL, the
host's clock through ``julianday('now')`` on SQLite), so senders on different machines agree on
when a lease has run out. A sender keeps its own deadline on its monotonic clock, started before
the statement that renewed the lease, so its deadline always comes before the lease's end. When a
row is *due* (``next_attempt_at``) is the application's clock (``bot.clock``), as everywhere else
in the bot (tests set it); leases are about processes being alive, which no test clock changes.

What is left, at least once: a sender that dies after the server accepted a message and before
``sent`` is committed (the time to read the server's reply and commit one UPDATE, milliseconds;
for a batch, until the batch is marked) leaves the row with ``sending_since`` set, and so every
row of its batch. The sender that takes it over once the lease has run out (within
``outbox_lease_seconds``) knows it may have gone out, logs so and sends it again, the
same bytes (mail keeps its Message-ID, so receiving servers and mail clients can drop the copy):
a reply must never be lost, and no client can close this window, since the server has the message
before the client can record it. A row that was being sent when its sender died
``max_attempts`` times is left ``failed`` for staff rather than tried again. A process frozen
for longer than its lease in the middle of a send (SIGSTOP, a suspended virtual machine) could
finish that send after another sender took the row over; a running sender never does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import BigInteger, ColumnElement, cast, extract, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage import Database, SafeString, UTCDateTime

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"
# Days from the start of the Julian calendar to 1970-01-01 (SQLite's julianday('now') counts them).
UNIX_EPOCH_JULIAN_DAY = 2440587.5


class Leased:
    """The columns a sender leases a row by; mixed into the outbox tables.

    The rest of an outbox row (``id``, ``status``, ``attempts``, ``next_attempt_at``,
    ``last_error``, ``sent_at``) is each table's own; :class:`OutboxLease` relies on them.
    """

    # Who holds the row: host:pid:random of one sender; None when no one does.
    lease_owner: Mapped[str | None] = mapped_column(SafeString(64))
    # When the lease runs out, in milliseconds since 1970 on the database's clock.
    lease_expires_ms: Mapped[int | None] = mapped_column(BigInteger)
    # Set just before the row is handed to the server; a row taken over with it set may have
    # gone out already. Cleared when the outcome is recorded.
    sending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    if TYPE_CHECKING:
        id: Mapped[int]
        status: Mapped[str]
        attempts: Mapped[int]
        next_attempt_at: Mapped[datetime]
        last_error: Mapped[str | None]


Row = TypeVar("Row", bound=Leased)


class LeaseLost(Exception):
    """This sender cannot vouch for its lease on the row any more: it must not send it.

    ``interrupted``: a send under way was cancelled (its connection must be dropped, and the
    message may or may not have reached the server); otherwise nothing was sent.
    """

    def __init__(self, row_id: int, *, interrupted: bool) -> None:
        super().__init__(f"lease on row {row_id} lost")
        self.interrupted = interrupted


def new_owner_id() -> str:
    """An owner id no other sender has: host, process id and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(6)}"


def database_now_ms(dialect: str) -> ColumnElement[int]:
    """The database's clock, in milliseconds since 1970 (the clock leases are measured on)."""
    if dialect == "postgresql":
        return cast(extract("epoch", func.clock_timestamp()) * 1000, BigInteger)
    return cast((func.julianday("now") - UNIX_EPOCH_JULIAN_DAY) * 86_400_000, BigInteger)


class OutboxLease(Generic[Row]):
    """One sender's leases on the rows of one outbox table (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        model: type[Row],
        *,
        name: str,
        seconds: float | None = None,
        max_attempts: int = 5,
        scope: Sequence[ColumnElement[bool]] = (),
    ) -> None:
        if seconds is None:
            from bot.settings import Settings

            seconds = Settings().outbox_lease_seconds
        self.db = db
        self.model = model
        self.name = name
        self.seconds = seconds
        self.max_attempts = max_attempts
        # Only this sender's rows (a chat channel's), where the table is shared.
        self.scope = tuple(scope)
        self.owner = new_owner_id()
        # Until when (loop clock) the row being sent is surely still ours.
        self._held_until = 0.0
        # The rows begun and not settled yet (one, or a batch): the deadline guards their sends.
        self._current: set[int] = set()
        self._deadline: asyncio.Timeout | None = None
        self._renewal_failing = False

    # ----------------------------------------------------------------------- SQL pieces

    def _now_ms(self) -> ColumnElement[int]:
        return database_now_ms(self.db.dialect)

    def _expires(self) -> ColumnElement[int]:
        return self._now_ms() + int(self.seconds * 1000)

    def _free(self) -> ColumnElement[bool]:
        """No one holds the row, or its lease has run out."""
        m = self.model
        return or_(m.lease_expires_ms.is_(None), m.lease_expires_ms < self._now_ms())

    # ----------------------------------------------------------------------------- claim

    async def claim(self, due: ColumnElement[bool], limit: int) -> list[Row]:
        """Lease up to ``limit`` due rows that no one holds, oldest first.

        A row taken over with ``sending_since`` set (its sender died while sending it) comes
        back with it set, for the caller to know; one that died so ``max_attempts`` times is
        left ``failed`` instead.
        """
        m = self.model
        async with self.db.transaction() as session:
            found = list(
                await session.scalars(
                    select(m)
                    .where(m.status == PENDING, due, self._free(), *self.scope)
                    .order_by(m.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            if not found:
                return []
            # Compare-and-set: only rows still free become ours (on SQLite the write lock, on
            # PostgreSQL the row locks above, already keep other senders out).
            taken = set(
                await session.scalars(
                    update(m)
                    .where(m.id.in_([r.id for r in found]), m.status == PENDING, self._free())
                    .values(lease_owner=self.owner, lease_expires_ms=self._expires())
                    .returning(m.id)
                    .execution_options(synchronize_session=False)
                )
            )
            rows = [r for r in found if r.id in taken]
            dead = [
                r for r in rows if r.sending_since is not None and r.attempts >= self.max_attempts
            ]
            if dead:
                await session.execute(
                    update(m)
                    .where(m.id.in_([r.id for r in dead]))
                    .values(
                        status=FAILED,
                        last_error="the sender stopped while sending it; it may have been sent",
                        **self._cleared(),
                    )
                    .execution_options(synchronize_session=False)
                )
                for row in dead:
                    log.warning(
                        "%s: message %d failed for good: its sender stopped while sending it "
                        "%d times", self.name, row.id, row.attempts,
                    )  # fmt: skip
        return [r for r in rows if r not in dead]

    @staticmethod
    def _cleared() -> dict[str, Any]:
        return {"lease_owner": None, "lease_expires_ms": None, "sending_since": None}

    # ---------------------------------------------------------------------- one send

    @contextlib.asynccontextmanager
    async def sending(self, row: Row, now: datetime) -> AsyncIterator[None]:
        """Begin sending ``row`` and run the send under the lease's deadline.

        Raises :class:`LeaseLost` before anything is sent if the row is not this sender's any
        more, and cancels the send (``LeaseLost`` with ``interrupted``) when the lease can no
        longer be vouched for. Marking the outcome comes after, outside the deadline.
        """
        async with self.sending_batch([row], now) as begun:
            if not begun:
                raise LeaseLost(row.id, interrupted=False)
            yield

    @contextlib.asynccontextmanager
    async def sending_batch(self, rows: Sequence[Row], now: datetime) -> AsyncIterator[set[int]]:
        """Begin sending ``rows`` in one compare-and-set and run their sends under the lease's
        deadline; yields the ids begun (the rows still this sender's).

        Every row begun may go out from here on, until its outcome is recorded (:meth:`finish`,
        :meth:`settle`): a sender that dies in the block leaves them all with ``sending_since``.
        The deadline cancels the block (``LeaseLost`` with ``interrupted``) when a begun row that
        is not settled yet can no longer be vouched for.
        """
        loop = asyncio.get_running_loop()
        started = loop.time()
        m = self.model
        async with self.db.transaction() as session:
            begun = set(
                await session.scalars(
                    update(m)
                    .where(
                        m.id.in_([row.id for row in rows]),
                        m.lease_owner == self.owner,
                        m.status == PENDING,
                    )
                    .values(
                        lease_expires_ms=self._expires(),
                        sending_since=now,
                        attempts=m.attempts + 1,
                    )
                    .returning(m.id)
                    .execution_options(synchronize_session=False)
                )
            )
        if not begun:
            yield begun
            return
        self._current = set(begun)
        self._held_until = started + self._safe_seconds()
        try:
            async with asyncio.timeout_at(self._held_until) as deadline:
                self._deadline = deadline
                yield begun
        except TimeoutError:
            if deadline.expired():
                raise LeaseLost(min(self._current or begun), interrupted=True) from None
            raise
        finally:
            self._current, self._deadline = set(), None

    def _safe_seconds(self) -> float:
        # A quarter of the lease is kept in hand: the cancellation must land, and the last bytes
        # leave, before the lease runs out on the database's clock.
        return self.seconds * 0.75

    async def finish(self, row_id: int, values: dict[str, Any]) -> bool:
        """The server has it: ``sent`` now, whoever holds the row; False if it was already."""
        return row_id in await self.finish_batch([([row_id], values)])

    async def finish_batch(
        self,
        sent: Iterable[tuple[Collection[int], dict[str, Any]]],
        *,
        unused: Collection[int] = (),
    ) -> set[int]:
        """In one transaction: each group of rows the server has is ``sent`` with its values,
        whoever holds them (the ids marked; a row already marked is not); and the rows begun but
        never handed to the server (``unused``) are as before they were begun, if still ours."""
        m = self.model
        done: set[int] = set()
        async with self.db.transaction() as session:
            for ids, values in sent:
                if not ids:
                    continue
                done |= set(
                    await session.scalars(
                        update(m)
                        .where(m.id.in_(list(ids)), m.status == PENDING)
                        .values(status=SENT, last_error=None, **self._cleared(), **values)
                        .returning(m.id)
                        .execution_options(synchronize_session=False)
                    )
                )
            if unused:
                await session.execute(
                    update(m)
                    .where(m.id.in_(list(unused)), m.lease_owner == self.owner, m.status == PENDING)
                    .values(sending_since=None, attempts=m.attempts - 1)
                    .execution_options(synchronize_session=False)
                )
        self._current -= done | set(unused)
        return done

    async def settle(self, row_id: int, values: dict[str, Any]) -> bool:
        """Record a refusal or an error (retry later, or failed), if the row is still ours."""
        m = self.model
        async with self.db.transaction() as session:
            done = await session.scalar(
                update(m)
                .where(m.id == row_id, m.lease_owner == self.owner, m.status == PENDING)
                .values(**self._cleared(), **values)
                .returning(m.id)
                .execution_options(synchronize_session=False)
            )
        self._current.discard(row_id)  # its outcome is recorded: no send of it to guard
        return done is not None

    # --------------------------------------------------------------- keep and release

    @contextlib.asynccontextmanager
    async def kept(self) -> AsyncIterator[None]:
        """Renew this sender's leases while the block runs; give back the unused ones after."""
        heartbeat = asyncio.create_task(self._heartbeat(), name=f"{self.name}-lease")
        try:
            yield
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            try:
                await asyncio.shield(self.release())
            except Exception as exc:  # the database is gone: the leases run out by themselves
                log.warning("%s: cannot give back leases (%s)", self.name, type(exc).__name__)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.seconds / 3)
            try:
                await self.renew()
            except Exception as exc:
                # Not extended: a send under way is cancelled when what it has runs out.
                if not self._renewal_failing:
                    log.warning("%s: cannot renew leases (%s)", self.name, type(exc).__name__)
                self._renewal_failing = True
            else:
                self._renewal_failing = False

    async def renew(self) -> set[int]:
        """Move every lease this sender holds a lease ahead; the rows it still holds."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        m = self.model
        async with self.db.transaction() as session:
            held = set(
                await session.scalars(
                    update(m)
                    .where(m.lease_owner == self.owner, m.status == PENDING, *self.scope)
                    .values(lease_expires_ms=self._expires())
                    .returning(m.id)
                    .execution_options(synchronize_session=False)
                )
            )
        if self._current and self._deadline is not None:
            if self._current <= held:
                self._held_until = max(self._held_until, started + self._safe_seconds())
                self._deadline.reschedule(self._held_until)
            else:  # taken over: stop the send now
                self._deadline.reschedule(loop.time())
        return held

    async def release(self) -> None:
        """Give back every row this sender still holds (due again at once for any sender).

        A row left with ``sending_since`` keeps it: whoever sends it next knows it may have
        gone out.
        """
        m = self.model
        async with self.db.transaction() as session:
            await session.execute(
                update(m)
                .where(m.lease_owner == self.owner, m.status == PENDING, *self.scope)
                .values(lease_owner=None, lease_expires_ms=None)
                .execution_options(synchronize_session=False)
            )

    # ----------------------------------------------------------------------- waiting

    async def seconds_until_claimable(self, now: datetime) -> float | None:
        """How long until a row may be claimed: the soonest due row no one holds, or the
        soonest lease to run out (a dead sender's rows); None when nothing waits."""
        m = self.model
        now_ms = self._now_ms()
        async with self.db.session() as session:
            due = await session.scalar(
                select(m.next_attempt_at)
                .where(m.status == PENDING, self._free(), *self.scope)
                .order_by(m.next_attempt_at)
                .limit(1)
            )
            expires_in_ms = await session.scalar(
                select(func.min(m.lease_expires_ms) - now_ms).where(
                    m.status == PENDING, m.lease_expires_ms >= now_ms, *self.scope
                )
            )
        waits = []
        if due is not None:
            waits.append((due - now).total_seconds())
        if expires_in_ms is not None:
            # Just after it has run out (the claim compares strictly).
            waits.append(int(expires_in_ms) / 1000 + 0.01)
        return max(0.0, min(waits)) if waits else None
