"""Needs in the web chat's signup, through the real conversation turn and the ASGI app: chosen
with buttons, repeated in the confirmation, present in the export, changed later in words."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from bot.channels.web.chat import WebChat
from bot.channels.web.transcript import Transcript
from bot.clock import parse_aware
from bot.registrations.export import export_csv
from bot.registrations.identity import Identity
from bot.services import Services
from bot.settings import Settings
from bot.web.app import build_app
from tests.web.conftest import PAGE, open_chat

API = f"{PAGE}/api/messages"
TEMADAG = "handicapraad-temadag-2024"
NOW = parse_aware("2024-04-01T10:00:00+02:00")


@dataclass
class Real:
    services: Services
    client: httpx.AsyncClient


@pytest.fixture
async def real(app_settings: Settings) -> AsyncIterator[Real]:
    services = await Services.start(app_settings)
    chat = WebChat(services, Transcript(services.db), clock=lambda: NOW)
    transport = httpx.ASGITransport(app=build_app(services, chat))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://chat.test") as client:
            yield Real(services, client)
    finally:
        await services.close()


async def say(real: Real, token: str, **what: str) -> str:
    answer = await real.client.post(API, json=what, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200, answer.text
    return json.dumps(answer.json(), ensure_ascii=False)


async def test_two_needs_with_buttons_are_repeated_exported_and_changed_later(
    real: Real,
) -> None:
    token = await open_chat(real.client)
    await say(real, token, message=f"/start {TEMADAG}")
    await say(real, token, message="/tilmeld")
    await say(real, token, message="Jytte Brandt")
    await say(real, token, message="jytte@jammerbugt.dk")
    asked = await say(real, token, message="Handicaprådet i Jammerbugt Kommune")
    assert "dlg:need:companion" in asked and "dlg:need:diet" in asked
    await say(real, token, choice="dlg:need:companion")
    await say(real, token, choice="dlg:need:diet")
    summary = await say(real, token, choice="dlg:done")
    assert "Vi har noteret: hjælper eller ledsager, kost eller madallergi." in summary
    confirmed = await say(real, token, choice="dlg:yes")
    assert "Du er tilmeldt" in confirmed
    assert "Vi har noteret: hjælper eller ledsager, kost eller madallergi." in confirmed
    assert "Pladser til hjælpere eller ledsagere: 1" in confirmed

    registrations = real.services.registrations
    event = real.services.kb.event(TEMADAG)
    exported = export_csv(await registrations.event_registrations(TEMADAG), event)
    assert "hjælper eller ledsager, kost eller madallergi" in exported.decode("utf-8-sig")

    changed = await say(real, token, message="Min ledsager kommer alligevel ikke med.")
    assert "Vi har opdateret din tilmelding" in changed
    [mine] = await registrations.registrations_of(Identity(email="jytte@jammerbugt.dk"), now=NOW)
    assert mine.need_kinds == ("diet",) and mine.companions == ()
