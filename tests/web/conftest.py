"""Fixtures of the web chat's tests: the app in process over httpx, with a stand-in turn.

The browser tests (``test_browser.py``) run the real bot instead (``python -m bot run``) and
drive Debian's Chromium; their fixtures are in ``browser.py`` and ``server.py``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.web.chat import WebChat
from bot.channels.web.transcript import Transcript
from bot.conversations.messages import Attachment, Choice, Incoming, Reply, Say
from bot.services import Services
from bot.settings import Settings
from bot.web.app import build_app

EVENT = "handicapraad-temadag-2024"
PAGE = f"/chat/{EVENT}"
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class StandIn:
    """Answers like the turn would, without its brain: for the adapter's own tests."""

    seen: list[Incoming] = field(default_factory=list)

    async def handle(self, incoming: Incoming) -> Reply:
        self.seen.append(incoming)
        if incoming.text.startswith("/start"):
            return Reply((Say("Velkommen til temadagen."),), "da")
        if incoming.choice == "lang:en":
            return Reply((Say("I will answer in English from now on."),), "en")
        if incoming.choice is not None:
            return Reply((Say(f"Du valgte {incoming.choice}."),), "da")
        if incoming.text == "kalender":
            ics = Attachment(
                "temadag.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"
            )
            return Reply((Say("Her er kalenderfilen.", attachment=ics),), "da")
        if incoming.text == "valg":
            choices = (Choice("dlg:1", "1. Workshop om design"), Choice("dlg:2", "2. Job"))
            return Reply((Say("Hvilken workshop?", choices),), "da")
        return Reply((Say(f"Svar på: {incoming.text}", source="Temadagen"),), "da")


@dataclass
class InProcess:
    services: Services
    chat: WebChat
    turn: StandIn
    transport: httpx.ASGITransport

    def client(self, **headers: str) -> httpx.AsyncClient:
        """A browser of its own (its own cookies)."""
        return httpx.AsyncClient(
            transport=self.transport, base_url="http://chat.test", headers=headers
        )


async def open_chat(client: httpx.AsyncClient) -> str:
    """Visit the chat page; the form token."""
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found is not None
    return found.group(1)


def web_settings(tmp_path: Path, **changes: Any) -> Settings:
    options: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'web.sqlite3'}",
        "web_port": 8080,
    }
    options.update(changes)
    return Settings(**options)


@pytest.fixture
async def app_settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Web settings; a test changes some with ``@pytest.mark.parametrize(..., indirect=True)``."""
    return web_settings(tmp_path, **getattr(request, "param", {}))


@pytest.fixture
async def in_process(app_settings: Settings) -> AsyncIterator[InProcess]:
    services = await Services.start(app_settings)
    turn = StandIn()
    chat = WebChat(services, Transcript(services.db), turn=turn)
    transport = httpx.ASGITransport(app=build_app(services, chat))
    try:
        yield InProcess(services, chat, turn, transport)
    finally:
        await services.close()
