"""The same dialogues on every channel, through the one conversation turn.

Each test runs once per channel: the turn itself with a stub channel (no network), the
terminal chat, the real Telegram Application against the fake Bot API, and the web chat's
application (in process, through the API its page's script uses). What the person
sees differs only in how a channel draws it; what is done (a registration, a cancellation, a
case for staff) is checked in the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.channels.terminal import TerminalChat
from bot.channels.web.chat import WebChat
from bot.channels.web.transcript import Transcript
from bot.clock import parse_aware
from bot.services import Services
from bot.settings import Settings
from bot.web.app import build_app
from tests.conftest import KNOWLEDGE
from tests.conversations.drivers import (
    Driver,
    StubDriver,
    TelegramDriver,
    TerminalDriver,
    WebDriver,
)
from tests.telegram.fake_bot_api import FakeBotAPI, run_polling
from tests.telegram.helpers import FAST, Bot, Clock, settings_for

VISION = "socialaftale-visionsdag-2020"
TITLE = "visionsdag"
BEFORE = "2020-01-15T10:00:00+01:00"


@pytest.fixture(params=["stub", "terminal", "telegram", "web"])
async def person(
    request: pytest.FixtureRequest, tmp_path: Path, bot_api: FakeBotAPI
) -> AsyncIterator[tuple[Driver, Services]]:
    clock = Clock(parse_aware(BEFORE))
    if request.param == "telegram":
        settings = settings_for(tmp_path, bot_api)
    else:
        settings = Settings(
            knowledge_dir=KNOWLEDGE,
            data_dir=tmp_path,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
            # The web chat's own limits are tested in tests/web; a dialogue is quicker here.
            web_session_burst=100,
        )
    services = await Services.start(settings)
    services.clock = clock
    try:
        if request.param == "stub":
            yield StubDriver(services, clock), services
        elif request.param == "terminal":
            yield TerminalDriver(TerminalChat(services, clock=clock, user="anna")), services
        elif request.param == "web":
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(
                    app=build_app(services, WebChat(services, Transcript(services.db), clock=clock))
                ),
                base_url="http://chat.test",
            ) as client:
                web = WebDriver(client, f"/chat/{VISION}")
                await web.open(services)
                yield web, services
        else:
            from bot.channels.telegram.app import build_application

            app = build_application(services, clock=clock, per_chat_rate=FAST)
            async with run_polling(app):
                await bot_api.wait_for_call("getUpdates")
                yield TelegramDriver(Bot(bot_api, services, clock, settings)), services
    finally:
        await services.close()


async def test_a_question_is_answered_about_the_chosen_event(
    person: tuple[Driver, Services],
) -> None:
    chat, _services = person
    welcome = await chat.send(f"/start {VISION}")
    assert TITLE in welcome.text
    answer = await chat.send("Hvornår starter dagen?")
    assert "9.00" in answer.text


async def test_signup_with_a_workshop_then_my_registrations_then_cancel(
    person: tuple[Driver, Services],
) -> None:
    chat, services = person
    await chat.send(f"/start {VISION}")
    said = await chat.send("Jeg vil gerne tilmelde mig")
    assert "navn" in said.text
    assert "e-mail" in (await chat.send("Anna Hansen")).text
    assert "organisation" in (await chat.send("anna.hansen@example.org")).text
    said = await chat.send("Aalborg Kommune")
    assert "1. Den gode alderdom" in said.choices
    said = await chat.press("1. Den gode alderdom")
    assert "Ingen særlige behov" in said.choices
    said = await chat.press("Ingen særlige behov")
    assert "Den gode alderdom" in said.text and "Ja, tilmeld mig" in said.choices
    said = await chat.press("Ja, tilmeld mig")
    assert "tilmeldt" in said.text

    mine = await chat.send("/mine")
    assert TITLE in mine.text

    said = await chat.send("/afmeld")
    assert said.choices == ["Ja, afmeld mig", "Nej, behold den"]
    said = await chat.press("Ja, afmeld mig")
    assert "afmeldt" in said.text or "afbud" in said.text
    assert await services.registrations.registered_count(VISION) == 0


async def test_a_question_the_bot_cannot_answer_becomes_a_case_for_staff(
    person: tuple[Driver, Services],
) -> None:
    chat, services = person
    await chat.send(f"/start {VISION}")
    said = await chat.send("Må jeg tage min hund med?")
    assert "sekretariat" in said.text
    cases = await services.cases.open_cases()
    assert [(c.channel, c.chat_id, c.event) for c in cases] == [
        (chat.channel, chat.chat_id, VISION)
    ]


async def test_language_chosen_and_kept(person: tuple[Driver, Services]) -> None:
    chat, _services = person
    await chat.send(f"/start {VISION}")
    said = await chat.send("/sprog")
    said = await chat.press("English")
    assert "English" in said.text
    assert "9:00" in (await chat.send("When does the day start?")).text
