"""Outbox leases (bot/delivery/lease.py) through the chat outbox sender, on SQLite and PostgreSQL.

A sender that died holding rows is a lease claimed and never renewed; a live one is a real
:class:`ChatOutboxSender` whose send is slow. The mail outbox uses the same leases; its kill -9
test with separate processes is tests/mail/test_outbox_kill.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import now
from bot.delivery import ChatCourier, Recipient
from bot.delivery.lease import LeaseLost, OutboxLease
from bot.delivery.models import ChatOutboxMessage
from bot.delivery.sender import ChatOutboxSender
from bot.storage import Database
from tests.conftest import postgres_schema

LEASE = 1.0


@pytest.fixture(params=["sqlite", "postgresql"])
async def dbs(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[list[Database]]:
    """Two Database objects on one migrated database, as two processes would have."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'lease.sqlite3'}"
        opened = [Database.connect(url), Database.connect(url)]
        await opened[0].migrate()
        yield opened
        for db in opened:
            await db.close()
        return
    async with postgres_schema("lease") as (url, schema):
        args = {"server_settings": {"search_path": schema}}
        opened = [Database.connect(url, connect_args=args) for _ in range(2)]
        try:
            await opened[0].migrate()
            yield opened
        finally:
            for db in opened:
                await db.close()


async def queue(db: Database, *texts: str) -> None:
    async with db.transaction() as session:
        for text in texts:
            await ChatCourier(db, "telegram").queue(
                session, Recipient("telegram", "7"), text, kind="test", now=now()
            )


async def rows(db: Database) -> list[ChatOutboxMessage]:
    async with db.session() as session:
        return list(await session.scalars(select(ChatOutboxMessage).order_by(ChatOutboxMessage.id)))


def lease_of(db: Database) -> OutboxLease[ChatOutboxMessage]:
    return OutboxLease(
        db,
        ChatOutboxMessage,
        name="test",
        seconds=LEASE,
        scope=(ChatOutboxMessage.channel == "telegram",),
    )


@contextlib.asynccontextmanager
async def running(sender: ChatOutboxSender) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def test_a_dead_senders_rows_are_taken_over_once_its_lease_runs_out(
    dbs: list[Database],
) -> None:
    mine, theirs = dbs
    await queue(mine, "hej")
    dead = lease_of(theirs)
    claimed_at = time.monotonic()
    [held] = await dead.claim(ChatOutboxMessage.next_attempt_at <= now(), 10)
    # It began sending, and died: nothing renews its lease from here.
    async with dead.sending(held, now()):
        pass

    sent: list[float] = []
    arrived = asyncio.Event()

    async def send(_chat: str, _text: str) -> None:
        sent.append(time.monotonic())
        arrived.set()

    sender = ChatOutboxSender(mine, "telegram", send, lease_seconds=LEASE, poll_seconds=30)
    assert await sender.send_due() == 0  # the lease still holds
    async with running(sender):
        await asyncio.wait_for(arrived.wait(), 10)
    assert len(sent) == 1
    # Not before the lease ran out, and within seconds after (woken by the lease, not the poll).
    assert LEASE * 0.95 <= sent[0] - claimed_at < LEASE + 3
    [row] = await rows(mine)
    assert (row.status, row.attempts, row.lease_owner, row.sending_since) == ("sent", 2, None, None)
    # The dead sender, were it to come back, finds the row is not its own: it sends nothing.
    with pytest.raises(LeaseLost) as lost:
        async with dead.sending(held, now()):
            raise AssertionError("sent by a sender that lost its lease")
    assert not lost.value.interrupted


async def test_a_live_sender_keeps_its_rows_however_slow_its_sends(dbs: list[Database]) -> None:
    first_db, second_db = dbs
    await queue(first_db, "en", "to")
    sends: list[tuple[str, str]] = []
    slow, begun = asyncio.Event(), asyncio.Event()

    def sender(db: Database, name: str) -> ChatOutboxSender:
        async def send(_chat: str, text: str) -> None:
            sends.append((name, text))
            begun.set()
            if name == "first":
                await asyncio.wait_for(slow.wait(), LEASE * 4)  # four leases long

        return ChatOutboxSender(db, "telegram", send, lease_seconds=LEASE, poll_seconds=0.05)

    first, second = sender(first_db, "first"), sender(second_db, "second")
    first_run = asyncio.create_task(first.send_due())
    await asyncio.wait_for(begun.wait(), 10)
    # The first sender holds both rows (one being sent) for three lease times.
    async with running(second):
        await asyncio.sleep(LEASE * 3)
    assert sends == [("first", "en")]
    slow.set()
    assert await first_run == 2
    assert sends == [("first", "en"), ("first", "to")]
    assert [r.status for r in await rows(first_db)] == ["sent", "sent"]


async def test_a_send_is_stopped_before_its_lease_can_run_out_when_renewals_fail(
    dbs: list[Database],
) -> None:
    owner_db, other_db = dbs
    await queue(owner_db, "hej")
    cancelled: list[float] = []
    began, stopped = asyncio.Event(), asyncio.Event()

    async def send(_chat: str, _text: str) -> None:
        began.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(time.monotonic())
            stopped.set()
            raise

    owner = ChatOutboxSender(owner_db, "telegram", send, lease_seconds=LEASE)
    sending = asyncio.create_task(owner.send_due())
    await began.wait()
    begun_at = time.monotonic()
    # Another transaction locks the row (on SQLite, the whole database): the owner cannot renew.
    async with other_db.transaction() as session:
        await session.scalar(select(ChatOutboxMessage).with_for_update())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopped.wait(), LEASE * 3)
    # Cancelled while its lease still held, so no other sender could have begun on the row.
    assert cancelled and cancelled[0] - begun_at < LEASE
    assert await asyncio.wait_for(sending, 10) == 0
    [row] = await rows(owner_db)
    # Given back, marked as maybe sent: the next sender sends it again, knowing it may be a copy.
    assert (row.status, row.lease_owner) == ("pending", None) and row.sending_since is not None

    resent: list[str] = []

    async def send_again(_chat: str, text: str) -> None:
        resent.append(text)

    assert await ChatOutboxSender(other_db, "telegram", send_again).send_due() == 1
    assert resent == ["hej"]
