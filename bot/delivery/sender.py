"""Sending a chat channel's queued messages: lease, send, mark; retried with doubling waits.

The channel gives a ``send(chat_id, text)`` coroutine and says which of its errors are final
(the person blocked the bot, the chat is gone). A row is leased in a short transaction, sent, and
marked sent at once; a crash between the send and the mark sends it again when the lease runs
out (the one at-least-once window, as with SMTP). Temporary errors are retried later, up to
``max_attempts``; a final error, or too many attempts, leaves the row ``failed`` with the error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.clock import now as clock_now
from bot.delivery.couriers import wakeup_of
from bot.delivery.models import FAILED, PENDING, SENT, ChatOutboxMessage
from bot.storage import Database
from bot.waiting import wait_for

log = logging.getLogger(__name__)

Send = Callable[[str, str], Awaitable[None]]


class ChatOutboxSender:
    """Sends one channel's due ``chat_outbox`` rows until stopped."""

    def __init__(
        self,
        db: Database,
        channel: str,
        send: Send,
        *,
        is_final: Callable[[Exception], bool] = lambda _exc: False,
        max_attempts: int = 5,
        poll_seconds: float = 30.0,
        retry_initial: float = 30.0,
        lease_seconds: float = 120.0,
        batch_size: int = 50,
        clock: Callable[[], datetime] = clock_now,
    ) -> None:
        self.db = db
        self.channel = channel
        self.send = send
        self.is_final = is_final
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.retry_initial = retry_initial
        self.lease_seconds = lease_seconds
        self.batch_size = batch_size
        self.clock = clock
        self.wakeup = wakeup_of(db, channel)

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; a failing database is waited out."""
        while not stop.is_set():
            self.wakeup.clear()
            try:
                await self.send_due()
            except Exception:
                log.exception("%s outbox: sending failed; trying again shortly", self.channel)
            await wait_for(stop, self.wakeup, self.poll_seconds)

    async def send_due(self) -> int:
        """Send every row due now; how many were sent."""
        sent = 0
        while rows := await self._claim():
            for row_id, chat_id, text, attempts in rows:
                try:
                    await self.send(chat_id, text)
                except Exception as exc:
                    await self._failed(row_id, attempts + 1, exc)
                    continue
                await self._mark(row_id, SENT, attempts + 1, None)
                sent += 1
        return sent

    async def pending(self) -> int:
        """Rows not yet sent (for /status)."""
        async with self.db.session() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(ChatOutboxMessage)
                .where(
                    ChatOutboxMessage.channel == self.channel, ChatOutboxMessage.status == PENDING
                )
            )
        return count or 0

    async def _claim(self) -> list[tuple[int, str, str, int]]:
        now = self.clock()
        async with self.db.transaction() as session:
            rows = list(
                await session.scalars(
                    select(ChatOutboxMessage)
                    .where(
                        ChatOutboxMessage.channel == self.channel,
                        ChatOutboxMessage.status == PENDING,
                        ChatOutboxMessage.next_attempt_at <= now,
                    )
                    .order_by(ChatOutboxMessage.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                row.next_attempt_at = now + timedelta(seconds=self.lease_seconds)
            return [(r.id, r.chat_id, r.text, r.attempts) for r in rows]

    async def _failed(self, row_id: int, attempts: int, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if self.is_final(exc) or attempts >= self.max_attempts:
            log.warning("%s outbox: message %d not delivered: %s", self.channel, row_id, error)
            await self._mark(row_id, FAILED, attempts, error)
            return
        log.info("%s outbox: message %d will be retried (%s)", self.channel, row_id, error)
        delay = self.retry_initial * 2 ** (attempts - 1)
        await self._mark(row_id, PENDING, attempts, error, self.clock() + timedelta(seconds=delay))

    async def _mark(
        self,
        row_id: int,
        status: str,
        attempts: int,
        error: str | None,
        next_attempt: datetime | None = None,
    ) -> None:
        async with self.db.transaction() as session:
            row = await session.get(ChatOutboxMessage, row_id)
            if row is None:  # erased meanwhile (a person asked to be forgotten)
                return
            row.status, row.attempts, row.last_error = status, attempts, error
            if status == SENT:
                row.sent_at = self.clock()
            if next_attempt is not None:
                row.next_attempt_at = next_attempt
