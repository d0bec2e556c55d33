"""The reminder tests' bot: its own knowledge folder, a controlled clock, SQLite and PostgreSQL.

Events are written as knowledge files (``events.py``) into the test's folder, and the bot's
services are started on them as ``python -m bot run`` starts them (``Services.start``), on an
SQLite file or a fresh PostgreSQL schema. ``restart`` starts a second set of services on the same
database, as a new process would after a restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.mail.models import OutboxMail
from bot.channels.telegram.app import build_application, run_beside
from bot.delivery.models import ChatOutboxMessage
from bot.reminders.job import ReminderJob
from bot.reminders.models import SentNotice
from bot.services import Services
from bot.settings import Settings
from bot.storage import Database
from tests.conftest import postgres_schema
from tests.mail.conftest import smtp
from tests.reminders.events import write_events
from tests.telegram.conftest import bot_api
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI, run_polling
from tests.telegram.helpers import FAST, Bot, Clock

__all__ = ["bot_api", "smtp"]  # the fake Bot API and aiosmtpd, for the end-to-end tests

STAFF_CHAT = -1009876543210
STAFF_EMAIL = "sekretariat@kommune.example.dk"
BOT_ADDRESS = "tilmelding@kommune.example.dk"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """An SQLite file, or a fresh schema on ``BOT_TEST_POSTGRES_URL`` (skipped without it).

    ``Services.start`` connects by URL alone; for PostgreSQL it is pointed at the test's schema.
    """
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        return
    async with postgres_schema("reminders") as (url, schema):

        def from_settings(_cls: type[Database], _settings: Settings | None = None) -> Database:
            return Database.connect(url, connect_args={"server_settings": {"search_path": schema}})

        monkeypatch.setattr(Database, "from_settings", classmethod(from_settings))
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    knowledge = tmp_path / "knowledge"
    write_events(knowledge)
    return Settings(
        knowledge_dir=knowledge,
        data_dir=tmp_path,
        database_url=database_url,
        mail_from=BOT_ADDRESS,
        smtp_host="127.0.0.1",
        telegram_token=TOKEN,
        staff_chat_id=STAFF_CHAT,
        staff_email=STAFF_EMAIL,
    )


Start = Callable[..., Awaitable[Services]]


@pytest.fixture
async def start(settings: Settings) -> AsyncIterator[Start]:
    """Start the services (again, for a restart); every one is closed after the test."""
    started: list[Services] = []

    async def starting(**changes: Any) -> Services:
        services = await Services.start(settings.model_copy(update=changes))
        started.append(services)
        return services

    yield starting
    for services in started:
        await services.close()


@pytest.fixture
async def services(start: Start) -> Services:
    return await start()


async def chat_outbox(db: Database) -> list[ChatOutboxMessage]:
    async with db.session() as session:
        return list(await session.scalars(select(ChatOutboxMessage).order_by(ChatOutboxMessage.id)))


async def mail_outbox(db: Database) -> list[OutboxMail]:
    async with db.session() as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


async def notices(db: Database) -> list[str]:
    async with db.session() as session:
        return list(await session.scalars(select(SentNotice.key).order_by(SentNotice.id)))


@asynccontextmanager
async def bot_with_reminders(
    bot_api: FakeBotAPI, settings: Settings, clock: Clock
) -> AsyncIterator[Bot]:
    """The bot as ``python -m bot run`` runs it for Telegram (the Application, what runs beside
    it, and the reminder job) on the given settings and clock, until the block ends."""
    services = await Services.start(settings)
    app = build_application(services, clock=clock, per_chat_rate=FAST)
    stop = asyncio.Event()
    try:
        async with run_polling(app):
            beside = [
                asyncio.create_task(run_beside(app, services, stop)),
                asyncio.create_task(ReminderJob(services, clock, poll_seconds=0.05).run(stop)),
            ]
            try:
                await bot_api.wait_for_call("getUpdates")
                yield Bot(bot_api, services, clock, settings)
            finally:
                stop.set()
                await asyncio.gather(*beside)
    finally:
        await services.close()
