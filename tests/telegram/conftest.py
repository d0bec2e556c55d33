"""The ``bot_api`` fixture (a fake Telegram Bot API server on 127.0.0.1, one per test) and the
``running`` bot polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import Bot, serving, settings_for


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotAPI]:
    """A started FakeBotAPI on a free port; stopped (long polls ended) after the test."""
    api = FakeBotAPI()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
async def running(bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Bot]:
    """The participants' bot on SQLite in ``tmp_path``, polling ``bot_api``."""
    async with serving(settings_for(tmp_path, bot_api), bot_api) as bot:
        yield bot
