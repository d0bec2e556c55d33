"""Telegram unreachable at start: the channel waits it out and says so, and never ends the bot.

``bot.channels.telegram.app.serve`` runs against the fake Bot API server's port before the
server is there: the health the bot reports (``/readyz``, ``/status``) says "disconnected"
and the task keeps going; once the server starts on that port the bot connects, says
"connected", and answers a message.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.channels.telegram import app as telegram_app
from bot.services import Services
from bot.status import CONNECTED, DISCONNECTED, UNKNOWN
from tests.conftest import free_port
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import settings_for


async def until(check: object, seconds: float = 20.0) -> None:
    async with asyncio.timeout(seconds):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110 - a state, not an event
            await asyncio.sleep(0.05)


async def test_telegram_unreachable_at_start_is_waited_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(telegram_app, "CONNECT_BACKOFF", (0.2, 0.5))
    api = FakeBotAPI()
    port = free_port()
    api.host, api.port = "127.0.0.1", port  # where it will be; nothing listens yet
    services = await Services.start(settings_for(tmp_path, api))
    stop = asyncio.Event()
    assert services.health.telegram == UNKNOWN
    serving = asyncio.create_task(telegram_app.serve(services, stop))
    try:
        await until(lambda: services.health.telegram == DISCONNECTED)
        await asyncio.sleep(1.0)  # several tries, none ending the task
        assert not serving.done()
        await api.start(port=port)
        await until(lambda: services.health.telegram == CONNECTED)
        api.send_text(501, "Hvornår er temadagen?")
        answer = await api.wait_for_sent(501, count=1)
        assert answer and "2024" in answer[0].text
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(serving, 15)
        await api.stop()
        await services.close()


async def test_a_token_telegram_refuses_is_not_retried(tmp_path: Path) -> None:
    api = FakeBotAPI(token="999:NotTheBotsToken")  # the bot's own token is refused
    await api.start()
    services = await Services.start(settings_for(tmp_path, api))
    try:
        with pytest.raises(InvalidToken):
            await asyncio.wait_for(telegram_app.serve(services, asyncio.Event()), 15)
    finally:
        await services.close()
        await api.stop()
