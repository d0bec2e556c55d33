"""Sending a chat channel's queued messages: lease, send, mark; retried with doubling waits.

The channel gives a ``send(chat_id, text)`` coroutine (and, if it shows buttons, a
``send_choices(chat_id, text, choices)`` for rows that carry them) and says which of its errors
are final (the person blocked the bot, the chat is gone). Rows are held the way the mail outbox
holds them (``bot/delivery/lease.py``): a lease of a few seconds, renewed while the sender works,
checked by a compare-and-set just before each send, so two bot processes never send the same
row, and a dead process's rows are sent by another as soon as its lease runs out. Each row is
marked sent at once, in its own small transaction; a process that dies between the chat
service's answer and that mark leaves the row with ``sending_since`` set, and the sender that
takes it over sends it again (the one at-least-once window, as with SMTP; a chat service has
no Message-ID to drop the copy by). Temporary errors are retried later, up to
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
from bot.delivery.lease import LeaseLost, OutboxLease
from bot.delivery.models import FAILED, PENDING, ChatOutboxMessage
from bot.storage import Database
from bot.waiting import wait_for

log = logging.getLogger(__name__)

Send = Callable[[str, str], Awaitable[None]]
# A send with buttons: (chat id, text, (value, label) pairs).
SendChoices = Callable[[str, str, tuple[tuple[str, str], ...]], Awaitable[None]]


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
        lease_seconds: float | None = None,
        batch_size: int = 50,
        clock: Callable[[], datetime] = clock_now,
        send_choices: SendChoices | None = None,
    ) -> None:
        self.db = db
        self.channel = channel
        self.send = send
        # A channel without buttons sends the text alone: its person types the answer.
        self.send_choices = send_choices
        self.is_final = is_final
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.retry_initial = retry_initial
        # None: the ``outbox_lease_seconds`` setting.
        self.lease = OutboxLease(
            db,
            ChatOutboxMessage,
            name=f"{channel} outbox",
            seconds=lease_seconds,
            max_attempts=max_attempts,
            scope=(ChatOutboxMessage.channel == channel,),
        )
        self.batch_size = batch_size
        self.clock = clock
        self.wakeup = wakeup_of(db, channel)

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; a failing database is waited out."""
        while not stop.is_set():
            self.wakeup.clear()
            wait = self.poll_seconds
            try:
                await self.send_due()
                until = await self.lease.seconds_until_claimable(self.clock())
                if until is not None:
                    wait = min(wait, until)
            except Exception:
                log.exception("%s outbox: sending failed; trying again shortly", self.channel)
            await wait_for(stop, self.wakeup, wait)

    async def send_due(self) -> int:
        """Send every row due now; how many were sent."""
        sent = 0
        async with self.lease.kept():
            while rows := await self.lease.claim(
                ChatOutboxMessage.next_attempt_at <= self.clock(), self.batch_size
            ):
                for row in rows:
                    if row.sending_since is not None:
                        log.warning(
                            "%s outbox: message %d was being sent when its sender stopped; "
                            "sending it again (it may arrive twice)", self.channel, row.id,
                        )  # fmt: skip
                    try:
                        async with self.lease.sending(row, self.clock()):
                            await self._send(row)
                    except LeaseLost as lost:
                        log.warning(
                            "%s outbox: message %d not sent: its lease was %s", self.channel,
                            row.id, "lost while sending" if lost.interrupted else "taken over",
                        )  # fmt: skip
                        if lost.interrupted:
                            return sent
                        continue
                    except Exception as exc:
                        await asyncio.shield(self._failed(row, row.attempts + 1, exc))
                        continue
                    # Sent: marked at once, even if the task is cancelled now.
                    values = {"sent_at": self.clock(), "attempts": row.attempts + 1}
                    await asyncio.shield(self.lease.finish(row.id, values))
                    sent += 1
        return sent

    async def _send(self, row: ChatOutboxMessage) -> None:
        choices = tuple((str(v), str(label)) for v, label in row.choices or ())
        if choices and self.send_choices is not None:
            await self.send_choices(row.chat_id, row.text, choices)
        else:
            await self.send(row.chat_id, row.text)

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

    async def _failed(self, row: ChatOutboxMessage, attempts: int, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if self.is_final(exc) or attempts >= self.max_attempts:
            log.warning("%s outbox: message %d not delivered: %s", self.channel, row.id, error)
            await self.lease.settle(
                row.id, {"status": FAILED, "attempts": attempts, "last_error": error}
            )
            return
        log.info("%s outbox: message %d will be retried (%s)", self.channel, row.id, error)
        delay = self.retry_initial * 2 ** (attempts - 1)
        await self.lease.settle(
            row.id,
            {
                "status": PENDING,
                "attempts": attempts,
                "last_error": error,
                "next_attempt_at": self.clock() + timedelta(seconds=delay),
            },
        )
