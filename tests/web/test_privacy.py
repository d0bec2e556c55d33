"""A web chat's own data, through the real conversation turn: shown, exported and erased.

The transcript (``web_chat_messages``) is personal: ``/mine_data`` exports it with everything
else, and ``/slet_mig`` deletes it with the chat, leaving only the answer that says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.channels.web.chat import WebChat
from bot.channels.web.transcript import Transcript
from bot.services import Services
from bot.settings import Settings
from bot.web.app import build_app
from tests.web.conftest import PAGE, open_chat

API = f"{PAGE}/api/messages"


@pytest.fixture
async def real(app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    services = await Services.start(app_settings)
    app = build_app(services, WebChat(services, Transcript(services.db)))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://chat.test") as client:
            yield client
    finally:
        await services.close()


async def say(client: httpx.AsyncClient, token: str, **what: str) -> dict[str, object]:
    answer = await client.post(API, json=what, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200, answer.text
    news: dict[str, object] = answer.json()
    return news


async def test_my_data_is_a_download_and_delete_me_erases_the_conversation(
    real: httpx.AsyncClient,
) -> None:
    client = real
    token = await open_chat(client)
    await say(client, token, message="Hvor er temadagen?")
    await say(client, token, message="/mine_data")
    page = await client.get(PAGE)
    [link] = re.findall(r'<a href="(/chat/[^"]+/files/\d+)" download>Hent dine data', page.text)
    export = json.loads((await client.get(link)).content)
    assert "Hvor er temadagen?" in json.dumps(export, ensure_ascii=False)
    asked = await say(client, token, message="/slet_mig")
    assert 'value="privacy:erase"' in str(asked["items"])
    await say(client, token, choice="privacy:erase")
    page = await client.get(PAGE)
    shown = page.text[page.text.index('<ol class="conversation"') : page.text.index("</ol>")]
    assert "Hvor er temadagen?" not in shown and "Hent dine data" not in shown
    assert "Alt, hvad jeg havde gemt om dig, er nu slettet." in shown
    assert (await client.get(link)).status_code == 404
