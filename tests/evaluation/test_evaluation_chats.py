"""The evaluation in the chats: sent the day after to the one checked in (once, however often the
job looks), the first question with buttons through the chat outbox, each answer a button press
through the real channel (Telegram through the fake Bot API, the web chat through its ASGI app),
and the answers stored with no link to the person. Both databases."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.attendance import Attendance, CheckInOutcome
from bot.channels.telegram.app import build_application, chat_sender
from bot.channels.web.chat import WebChat
from bot.channels.web.transcript import Transcript
from bot.conversations.messages import Incoming
from bot.conversations.turn import Conversation
from bot.delivery.sender import ChatOutboxSender
from bot.evaluation.sending import EvaluationJob
from bot.registrations.identity import ChatId
from bot.services import Services
from bot.web.app import build_app
from tests.conftest import postgres_schema
from tests.evaluation.common import (
    DAY,
    MOMENT,
    SIGNUP_AT,
    TEMADAG,
    answer_rows,
    holds_nobody,
    start_services,
)
from tests.telegram.fake_bot_api import FakeBotAPI, SentMessage, run_polling
from tests.telegram.helpers import FAST, Bot, Clock, settings_for
from tests.web.conftest import PAGE, open_chat

CODE = re.compile(r"Din kode til indtjekning er (\S+)\.")


# -- Telegram ---------------------------------------------------------------------------------


@dataclass
class Telegram(Bot):
    app: Any = None  # the running Application, whose bot the outbox sender sends with


@pytest.fixture(params=["sqlite", "postgresql"])
async def telegram(
    request: pytest.FixtureRequest, bot_api: FakeBotAPI, tmp_path: Path
) -> AsyncIterator[Telegram]:
    settings = settings_for(tmp_path, bot_api)
    clock = Clock(SIGNUP_AT)

    async def run(services: Services) -> AsyncIterator[Telegram]:
        app = build_application(services, clock=clock, per_chat_rate=FAST)
        async with run_polling(app):
            await bot_api.wait_for_call("getUpdates")
            yield Telegram(bot_api, services, clock, settings, app)

    if request.param == "sqlite":
        services = await Services.start(settings)
        try:
            async for bot in run(services):
                yield bot
        finally:
            await services.close()
        return
    async with postgres_schema("evaluation_tg") as (url, schema):
        services = await Services.start(
            settings.model_copy(update={"database_url": url, "database_schema": schema})
        )
        try:
            async for bot in run(services):
                yield bot
        finally:
            await services.close()


async def sign_up_in_telegram(bot: Bot, chat: int, name: str, email: str) -> str:
    """Sign up through the chat; the check-in code the confirmation gives."""
    await bot.ask(chat, f"/start {TEMADAG}")
    await bot.ask(chat, "/tilmeld")
    await bot.ask(chat, name)
    await bot.ask(chat, email)
    [needs] = await bot.ask(chat, "Handicaprådet i Jammerbugt")
    [summary] = await bot.press(chat, needs, "Ingen særlige behov")
    bot.api.press_button(chat, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    found = CODE.search((await said_until(bot, chat, "Du er tilmeldt")).text or "")
    assert found is not None
    await said_until(bot, chat, "Din kode til indtjekning:")  # the QR code's picture
    return found.group(1)


async def said_until(bot: Bot, chat: int, needle: str, most: int = 5) -> SentMessage:
    """The next message to the chat that says ``needle`` (those before it passed over)."""
    for _ in range(most):
        [message] = await bot.said(chat)
        if needle in (message.text or ""):
            return message
    raise AssertionError(f"nothing said {needle!r}")


async def test_telegram_buttons_answer_once_and_anonymously(telegram: Telegram) -> None:
    services = telegram.services
    code = await sign_up_in_telegram(telegram, 31, "Karen Holm", "karen@jammerbugt.dk")
    await sign_up_in_telegram(telegram, 32, "Ole Bak", "ole@vesthimmerland.dk")
    came = await Attendance(services.db, lambda: DAY).check_in_code(TEMADAG, code, by="Anne")
    assert came.outcome is CheckInOutcome.CHECKED_IN

    telegram.clock.at = MOMENT
    job = EvaluationJob(services)
    assert await job.run_due(MOMENT) == 1
    assert await job.run_due(MOMENT) == 0
    # The outbox sender that runs beside the Application (``app.run_beside``).
    sender = chat_sender(telegram.app.bot, services.db, telegram.clock)
    assert await sender.send_due() == 1
    asked = await said_until(telegram, 31, "Tak fordi du kom til Temadag for Handicaprådene")
    assert asked.buttons == [["1", "2", "3", "4", "5"]]
    assert all("Tak fordi du kom" not in (m.text or "") for m in telegram.api.sent(32))

    [practical] = await telegram.press(31, asked, "4")
    assert practical.text == "Var det tilgængeligt for dig, og fungerede det praktiske?"
    assert practical.buttons == [["Ja", "Delvist", "Nej"]]
    [again] = await telegram.press(31, practical, "Delvist")
    assert again.text == "Vil du komme igen?"
    [comment] = await telegram.press(31, again, "Ja")
    assert "Vil du skrive en kommentar?" in (comment.text or "")
    [thanks] = await telegram.ask(31, "Der manglede en pause om eftermiddagen.")
    assert (thanks.text or "").startswith("Tak for dine svar.")
    # Telegram takes each message's buttons away once pressed; a button value arriving after
    # the end all the same (an old client) is thanked for and counts nothing.
    late = await Conversation(services).handle(
        Incoming("telegram", "31", MOMENT, person=ChatId("telegram", "31"), choice="eval:again:no")
    )
    assert late.text == "Den evaluering er slut. Tak."

    rows = await answer_rows(services)
    assert [(r["satisfaction"], r["practical"], r["again"], r["comment"]) for r in rows] == [
        (4, "partly", "yes", None),
        (None, None, None, "Der manglede en pause om eftermiddagen."),
    ]
    assert {r["channel"] for r in rows} == {"telegram"}
    holds_nobody(rows, "Karen", "Holm", "jammerbugt", "Ole")
    # Typing after the evaluation is an ordinary question again.
    state = await services.conversations.get("telegram", "31")
    assert state.flow is None and state.flow_state is None


# -- the web chat -------------------------------------------------------------------------------


@dataclass
class Web:
    services: Services
    chat: WebChat
    client: httpx.AsyncClient
    token: str = ""

    async def say(self, **what: str) -> dict[str, object]:
        answer = await self.client.post(
            f"{PAGE}/api/messages", json=what, headers={"X-CSRF-Token": self.token}
        )
        assert answer.status_code == 200, answer.text
        result: dict[str, object] = answer.json()
        return result


@pytest.fixture(params=["sqlite", "postgresql"])
async def web(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Web]:
    clock = Clock(SIGNUP_AT)
    async for services in start_services(
        request, tmp_path, web_port=8080, web_session_burst=100, web_address_burst=100
    ):
        chat = WebChat(services, Transcript(services.db), clock=clock)
        transport = httpx.ASGITransport(app=build_app(services, chat))
        async with httpx.AsyncClient(transport=transport, base_url="http://chat.test") as client:
            web = Web(services, chat, client)
            web.token = await open_chat(client)
            yield web


def texts(said: dict[str, object]) -> str:
    return json.dumps(said, ensure_ascii=False)


async def came_and_asked(web: Web) -> None:
    """Jytte signs up in the web chat, is checked in, and the evaluation reaches her chat."""
    services = web.services
    await web.say(message=f"/start {TEMADAG}")
    await web.say(message="/tilmeld")
    await web.say(message="Jytte Brandt")
    await web.say(message="jytte@jammerbugt.dk")
    await web.say(message="Handicaprådet i Jammerbugt Kommune")
    await web.say(choice="dlg:-")
    confirmed = texts(await web.say(choice="dlg:yes"))
    code = CODE.search(confirmed)
    assert code is not None
    came = await Attendance(services.db, lambda: DAY).check_in_code(
        TEMADAG, code.group(1), by="Anne"
    )
    assert came.outcome is CheckInOutcome.CHECKED_IN

    job = EvaluationJob(services)
    assert await job.run_due(MOMENT) == 1
    assert await job.run_due(MOMENT) == 0
    # The web chat's outbox sender, as the channel runs it.
    sender = ChatOutboxSender(
        services.db, "web", web.chat.relay, send_choices=web.chat.relay_choices
    )
    assert await sender.send_due() == 1


async def test_web_chat_buttons_answer_once_and_anonymously(web: Web) -> None:
    services = web.services
    await came_and_asked(web)
    news = await web.client.get(f"{PAGE}/api/messages", params={"after": 0})
    shown = texts(news.json())
    assert "Tak fordi du kom til Temadag" in shown and "eval:satisfaction:5" in shown

    practical = texts(await web.say(choice="eval:satisfaction:5"))
    assert "Var det tilgængeligt for dig" in practical and "eval:practical:yes" in practical
    again = texts(await web.say(choice="eval:practical:yes"))
    assert "Vil du komme igen?" in again
    comment = texts(await web.say(choice="eval:again:maybe"))
    assert "Ingen kommentar" in comment
    thanks = texts(await web.say(choice="eval:comment:none"))
    assert "Tak for dine svar." in thanks
    # The buttons are no longer open: pressing one again is refused by the web chat itself.
    stale = await web.client.post(
        f"{PAGE}/api/messages",
        json={"choice": "eval:again:no"},
        headers={"X-CSRF-Token": web.token},
    )
    assert stale.status_code == 409

    rows = await answer_rows(services)
    assert [(r["satisfaction"], r["practical"], r["again"], r["comment"]) for r in rows] == [
        (5, "yes", "maybe", None)
    ]
    assert rows[0]["channel"] == "web"
    holds_nobody(rows, "Jytte", "Brandt", "jammerbugt")


async def test_typed_answers_and_leaving_the_evaluation_by_asking_something(web: Web) -> None:
    """A chat without buttons (or a person who types) answers in words; typing something that is
    no answer leaves the evaluation, is answered as usual, and nothing half-answered is kept."""
    await came_and_asked(web)
    practical = texts(await web.say(message="4"))
    assert "Var det tilgængeligt for dig" in practical
    again = texts(await web.say(message="delvis"))
    assert "Vil du komme igen?" in again
    answered = texts(await web.say(message="Hvor ligger Trinity?"))
    assert "Vil du skrive en kommentar" not in answered
    [jytte] = await web.services.registrations.event_registrations(TEMADAG)
    assert jytte.chat is not None
    state = await web.services.conversations.get("web", jytte.chat.value)
    assert state.flow is None
    assert await answer_rows(web.services) == []
