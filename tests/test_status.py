"""/status's numbers and words: the mailbox as the mail worker reports it, outboxes, open cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import parse_aware
from bot.delivery import ChatCourier, Recipient
from bot.status import (
    CONNECTED,
    DISCONNECTED,
    Health,
    read_status,
    status_text,
)
from bot.storage import Database

NOW = parse_aware("2024-04-01T10:00:00+02:00")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'status.sqlite3'}")
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()


async def test_the_mailbox_is_said_as_configured_and_reported(db: Database) -> None:
    health = Health()
    status = await read_status(db, health, mailbox_configured=False)
    assert "Postkasse: ikke sat op" in status_text(status, "da")
    status = await read_status(db, health, mailbox_configured=True)
    assert "Postkasse: ikke meldt endnu" in status_text(status, "da")
    health.mailbox = CONNECTED
    status = await read_status(db, health, mailbox_configured=True)
    assert "Mailbox: connected" in status_text(status, "en")
    health.mailbox = DISCONNECTED
    status = await read_status(db, health, mailbox_configured=True)
    assert "Postkasse: ikke forbundet" in status_text(status, "da")


async def test_waiting_and_failed_messages_are_counted(db: Database) -> None:
    async with db.transaction() as session:
        for chat in ("1", "2"):
            await ChatCourier(db, "telegram").queue(
                session, Recipient("telegram", chat), "hej", kind="test", now=NOW
            )
    status = await read_status(db, Health(), mailbox_configured=False)
    assert (status.chat_pending, status.mail_pending, status.open_cases) == (2, 0, 0)
    text = status_text(status, "da")
    assert "Chatbeskeder, der venter på at blive sendt: 2" in text
    assert "ikke kunne sendes" not in text  # only said when something failed
