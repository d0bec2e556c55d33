"""What the Telegram end-to-end tests share: the controlled clock, the chat helper, the settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.channels.telegram.app import build_application
from bot.clock import parse_aware
from bot.services import Services
from bot.settings import Settings
from tests.conftest import KNOWLEDGE
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI, SentMessage, run_polling

TEMADAG = "handicapraad-temadag-2024"
VISION = "socialaftale-visionsdag-2020"
FAST = 50.0  # messages a second per chat in tests; one test checks Telegram's real 1/s


@dataclass
class Clock:
    at: datetime

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Bot:
    api: FakeBotAPI
    services: Services
    clock: Clock
    settings: Settings

    async def said(self, chat: int, count: int = 1) -> list[SentMessage]:
        """The next messages the bot sent to the chat (edits, such as removed buttons, skipped)."""
        return await self.api.wait_for_sent(chat, count=count, predicate=lambda m: not m.is_edit)

    async def ask(self, chat: int, text: str, count: int = 1, **kwargs: Any) -> list[SentMessage]:
        self.api.send_text(chat, text, **kwargs)
        return await self.said(chat, count)

    async def press(self, chat: int, message: SentMessage, label: str) -> list[SentMessage]:
        self.api.press_button(chat, message.message_id, message.button_data(label))
        return await self.said(chat)


def settings_for(tmp_path: Path, api: FakeBotAPI) -> Settings:
    return Settings(
        knowledge_dir=KNOWLEDGE,
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        telegram_token=TOKEN,
        telegram_api_url=api.base_url,
        # E-mail is queued for the person (codes, notices); no sender runs in these tests.
        smtp_host="127.0.0.1",
    )


@asynccontextmanager
async def serving(settings: Settings, api: FakeBotAPI) -> AsyncIterator[Bot]:
    """The participants' bot polling ``api`` with these settings, its clock at 1 April 2024,
    10:00 (Copenhagen); its services closed afterwards."""
    services = await Services.start(settings)
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    try:
        async with run_polling(build_application(services, clock=clock, per_chat_rate=FAST)):
            await api.wait_for_call("getUpdates")
            yield Bot(api, services, clock, settings)
    finally:
        await services.close()
