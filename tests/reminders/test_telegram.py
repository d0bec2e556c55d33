"""Reminders in Telegram end to end: the real Application against the fake Bot API.

The bot runs as ``python -m bot run`` runs it for Telegram (the Application, and beside it the
chat outbox sender and the reminder job), on an SQLite database with the test events, on the
test's clock: moving the clock is all it takes for the job's next look (every 50 ms here) to
queue a reminder, which the chat outbox sender then sends. People act only through updates.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import parse_aware
from tests.reminders.conftest import STAFF_CHAT, bot_with_reminders, notices
from tests.reminders.events import EFTERAAR, PINSE, write_events
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import Bot, Clock, settings_for

INGE = 701
LEIF = 702


@pytest.fixture
async def running(bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Bot]:
    write_events(tmp_path / "knowledge")
    settings = settings_for(tmp_path, bot_api).model_copy(
        update={"knowledge_dir": tmp_path / "knowledge", "staff_chat_id": STAFF_CHAT}
    )
    clock = Clock(parse_aware("2024-04-02T10:00:00+02:00"))
    async with bot_with_reminders(bot_api, settings, clock) as bot:
        yield bot


async def sign_up(bot: Bot, chat: int, slug: str, name: str, email: str) -> None:
    """The signup dialogue in the chat, for an event without sessions."""
    await bot.ask(chat, f"/start {slug}")
    [ask_name] = await bot.ask(chat, "/tilmeld")
    assert "Hvad er dit navn?" in ask_name.text
    await bot.ask(chat, name)
    await bot.ask(chat, email)
    await bot.ask(chat, "Ældrerådet i Aalborg")
    [summary] = await bot.ask(chat, "-")
    bot.api.press_button(chat, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    confirmation, _calendar, code = await bot.said(chat, count=3)
    assert "Du er tilmeldt" in confirmation.text
    assert code.method == "sendPhoto" and "Din kode til indtjekning" in (code.text or "")


async def test_the_reminder_reaches_the_chat_and_afmeld_there_cancels_that_event(
    running: Bot,
) -> None:
    bot = running
    await sign_up(bot, INGE, PINSE, "Inge Lund", "inge@example.dk")
    await bot.ask(INGE, f"/start {EFTERAAR}")  # the chat moves on to another event

    # Thursday 16 May 09:00 (Whit Monday lies between it and the event on Tuesday 21 May).
    bot.clock.at = parse_aware("2024-05-16T09:00:00+02:00")
    [reminder] = await bot.said(INGE)
    assert reminder.text.startswith("Påmindelse: Du er tilmeldt Temadag efter pinse.")
    assert "tirsdag den 21. maj 2024 kl. 09.00–12.00" in reminder.text
    assert "Musikkens Hus, Musikkens Plads 1, 9000 Aalborg" in reminder.text
    assert 'skrive "afmeld" her i chatten' in reminder.text

    # Doing as the reminder says cancels the event it was about, not the chat's last one.
    [question] = await bot.ask(INGE, "afmeld")
    assert question.text == "Vil du melde afbud til Temadag efter pinse?"
    [done] = await bot.press(INGE, question, "Ja, afmeld mig")
    assert "Temadag efter pinse" in done.text

    # The morning of the day: nothing for someone who cancelled.
    bot.clock.at = parse_aware("2024-05-21T07:45:00+02:00")
    await asyncio.sleep(0.5)  # several looks of the job
    assert [k for k in await notices(bot.services.db) if k.startswith("reminder:")] == [
        "reminder:1:before"
    ]
    assert [m.text for m in bot.api.sent(INGE) if not m.is_edit][-1] == done.text


async def test_a_signup_left_in_the_chat_is_reminded_before_the_deadline(running: Bot) -> None:
    bot = running
    await bot.ask(LEIF, f"/start {PINSE}")
    await bot.ask(LEIF, "/tilmeld")
    [ask_email] = await bot.ask(LEIF, "Leif Dam")
    assert "e-mailadresse" in ask_email.text
    await bot.ask(LEIF, f"/start {EFTERAAR}")  # and he wanders off to another event

    # 9 May, the day before the deadline: the dialogue has long been quiet.
    bot.clock.at = parse_aware("2024-05-09T10:00:00+02:00")
    [reminder] = await bot.said(LEIF)
    assert reminder.text == (
        "Du begyndte at tilmelde dig Temadag efter pinse, men tilmeldingen blev ikke gjort "
        "færdig. Fristen er fredag den 10. maj 2024. Skriv /tilmeld for at tilmelde dig."
    )
    [intro] = await bot.ask(LEIF, "/tilmeld")
    assert "Temadag efter pinse" in intro.text and "Hvad er dit navn?" in intro.text

    # After the deadline the secretariat's chat gets the numbers, once.
    bot.clock.at = parse_aware("2024-05-11T08:00:00+02:00")
    [note] = await bot.api.wait_for_sent(STAFF_CHAT)
    assert note.text.startswith("Tilmeldingsfristen for Temadag efter pinse er udløbet")
    assert "Tilmeldte: 0\nPå venteliste: 0" in note.text
    await asyncio.sleep(0.3)
    assert len([m for m in bot.api.sent(STAFF_CHAT) if "Temadag efter pinse" in m.text]) == 1
