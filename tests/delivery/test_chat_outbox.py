"""The chat outbox: queued with the deciding transaction, sent once, retried, failed for good."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import parse_aware
from bot.delivery import ChatCourier, Delivery, Recipient
from bot.delivery.models import ChatOutboxMessage
from bot.delivery.sender import ChatOutboxSender
from bot.storage import Database

NOW = parse_aware("2024-04-02T09:00:00+02:00")


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class Blocked(Exception):
    """What a chat service says when the person blocked the bot."""


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'outbox.sqlite3'}")
    await database.migrate()
    return database


async def queue(db: Database, *texts: str, chat: str = "7", fail: bool = False) -> None:
    delivery = Delivery()
    delivery.register("telegram", ChatCourier(db, "telegram"))
    async with db.transaction() as session:
        for text in texts:
            await delivery.queue(session, Recipient("telegram", chat), text, kind="test", now=NOW)
        if fail:
            raise RuntimeError("the decision failed")


async def rows(db: Database) -> list[ChatOutboxMessage]:
    async with db.session() as session:
        return list(await session.scalars(select(ChatOutboxMessage).order_by(ChatOutboxMessage.id)))


async def test_sent_once_in_order_and_nothing_for_a_rolled_back_decision(db: Database) -> None:
    sent: list[tuple[str, str]] = []

    async def send(chat: str, text: str) -> None:
        sent.append((chat, text))

    with pytest.raises(RuntimeError):
        await queue(db, "never", fail=True)
    await queue(db, "første", "anden")
    sender = ChatOutboxSender(db, "telegram", send, clock=Clock(NOW))
    assert await sender.pending() == 2
    assert await sender.send_due() == 2
    assert await sender.send_due() == 0
    assert sent == [("7", "første"), ("7", "anden")]
    assert [r.status for r in await rows(db)] == ["sent", "sent"]
    assert await sender.pending() == 0


async def test_temporary_errors_wait_and_retry_final_errors_fail(db: Database) -> None:
    clock = Clock(NOW)
    failures = {"7": 2, "8": 1}

    async def send(chat: str, text: str) -> None:
        if failures.get(chat):
            failures[chat] -= 1
            raise (Blocked("blocked") if chat == "8" else ConnectionError("network"))

    await queue(db, "til 7", chat="7")
    await queue(db, "til 8", chat="8")
    sender = ChatOutboxSender(
        db,
        "telegram",
        send,
        is_final=lambda exc: isinstance(exc, Blocked),
        retry_initial=10,
        clock=clock,
    )
    assert await sender.send_due() == 0
    seven, eight = await rows(db)
    assert (seven.status, seven.attempts) == ("pending", 1) and "network" in (
        seven.last_error or ""
    )
    assert (eight.status, eight.attempts) == ("failed", 1)
    assert await sender.send_due() == 0  # not due yet
    clock.at += timedelta(seconds=11)
    assert await sender.send_due() == 0  # second failure; next wait doubles
    clock.at += timedelta(seconds=15)
    assert await sender.send_due() == 0
    clock.at += timedelta(seconds=10)
    assert await sender.send_due() == 1
    seven, _ = await rows(db)
    assert (seven.status, seven.attempts, seven.last_error) == ("sent", 3, None)


async def test_gives_up_after_max_attempts(db: Database) -> None:
    clock = Clock(NOW)

    async def send(chat: str, text: str) -> None:
        raise ConnectionError("down")

    await queue(db, "x")
    sender = ChatOutboxSender(db, "telegram", send, max_attempts=2, retry_initial=1, clock=clock)
    await sender.send_due()
    clock.at += timedelta(seconds=2)
    await sender.send_due()
    [row] = await rows(db)
    assert (row.status, row.attempts) == ("failed", 2)
