"""The Telegram sender of the chat outbox, against the fake Bot API: sent, retried, given up.

The sender is the one ``app.run_beside`` runs (``app.chat_sender``), on a real SQLite database;
rows are queued by the same courier the services use.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.channels.telegram.app import chat_sender
from bot.clock import parse_aware
from bot.delivery import ChatCourier, Recipient
from bot.delivery.models import ChatOutboxMessage
from bot.delivery.sender import ChatOutboxSender
from bot.storage import Database
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI
from tests.telegram.helpers import Clock


@dataclass
class Outbox:
    api: FakeBotAPI
    db: Database
    clock: Clock
    sender: ChatOutboxSender

    async def queue(self, chat_id: int, text: str) -> None:
        async with self.db.transaction() as session:
            await ChatCourier(self.db, "telegram").queue(
                session, Recipient("telegram", str(chat_id)), text, kind="test", now=self.clock()
            )

    async def rows(self) -> list[ChatOutboxMessage]:
        async with self.db.session() as session:
            return list(await session.scalars(select(ChatOutboxMessage).order_by("id")))


@pytest.fixture
async def outbox(bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Outbox]:
    db = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'outbox.sqlite3'}")
    await db.migrate()
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    try:
        async with Bot(TOKEN, base_url=bot_api.base_url) as bot:
            yield Outbox(bot_api, db, clock, chat_sender(bot, db, clock))
    finally:
        await db.close()


async def test_sent_as_escaped_html_and_split_when_long(outbox: Outbox) -> None:
    await outbox.queue(70, "Svar fra sekretariatet:\n\n<b>& det var det</b>")
    await outbox.queue(71, "ord " * 1500)
    assert await outbox.sender.send_due() == 2
    [short] = outbox.api.sent(70)
    assert short.text == "Svar fra sekretariatet:\n\n&lt;b&gt;&amp; det var det&lt;/b&gt;"
    assert short.params["parse_mode"] == "HTML"
    assert [len(m.text or "") <= 4096 for m in outbox.api.sent(71)] == [True, True]
    assert [r.status for r in await outbox.rows()] == ["sent", "sent"]


async def test_a_passing_failure_is_retried_later(outbox: Outbox) -> None:
    await outbox.queue(72, "hej")
    outbox.api.fail_next("sendMessage", error_code=502)
    assert await outbox.sender.send_due() == 0
    [row] = await outbox.rows()
    assert (row.status, row.attempts) == ("pending", 1) and "Bad Gateway" in (row.last_error or "")
    assert await outbox.sender.send_due() == 0  # not due yet
    outbox.clock.at += timedelta(seconds=outbox.sender.retry_initial)
    assert await outbox.sender.send_due() == 1
    assert [m.text for m in outbox.api.sent(72)] == ["hej"]


@pytest.mark.parametrize(
    ("fault", "final"),
    [
        ("blocked", True),
        ("Bad Request: chat not found", True),
        ("Bad Request: something passing", False),
    ],
)
async def test_a_blocked_or_missing_chat_is_given_up_at_once_others_retried(
    outbox: Outbox, fault: str, final: bool
) -> None:
    if fault == "blocked":
        outbox.api.block(73)
    else:
        outbox.api.fail_next("sendMessage", error_code=400, description=fault)
    await outbox.queue(73, "hej")
    assert await outbox.sender.send_due() == 0
    [row] = await outbox.rows()
    assert row.status == ("failed" if final else "pending") and row.attempts == 1


async def test_given_up_after_the_last_attempt(outbox: Outbox) -> None:
    await outbox.queue(74, "hej")
    outbox.api.fail_next("sendMessage", error_code=502, times=outbox.sender.max_attempts)
    for _ in range(outbox.sender.max_attempts):
        await outbox.sender.send_due()
        outbox.clock.at += timedelta(days=1)
    [row] = await outbox.rows()
    assert (row.status, row.attempts) == ("failed", outbox.sender.max_attempts)
    assert not outbox.api.sent(74)
