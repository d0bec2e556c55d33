"""The ``bot_api`` fixture: a fake Telegram Bot API server on 127.0.0.1, one per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.telegram.fake_bot_api import FakeBotAPI


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotAPI]:
    """A started FakeBotAPI on a free port; stopped (long polls ended) after the test."""
    api = FakeBotAPI()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()
