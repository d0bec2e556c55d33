"""A person's own data in Telegram, end to end: /mine_data, /slet_mig with its confirmation.

The bot runs as ``python -m bot run`` runs it for Telegram (see ``test_staff.bot_running``) on
SQLite, against the fake Bot API. Karen signs up, asks what only staff can answer and gets the
answer; then asks for her data, says no to deleting it (nothing changes), and yes (nothing of
her is left in any column of any table, and the staff chat's post loses her words).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram.app import command_menu
from bot.clock import parse_aware
from bot.privacy.service import Privacy, Who
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId
from tests.privacy.conftest import search
from tests.privacy.test_logs import leaks
from tests.telegram.fake_bot_api import FakeBotAPI
from tests.telegram.helpers import TEMADAG, Clock
from tests.telegram.test_staff import (
    STAFF_ANSWER,
    STAFF_CHAT,
    Staffed,
    bot_running,
    staff_settings,
)

KAREN = 777009876
NAME = "Karen Holmgaard"
ADDRESS = "karen.holmgaard@jammerbugt.dk"
PHRASE = "førerhunden Fidolino"
TRACES = [NAME, "Holmgaard", ADDRESS, str(KAREN), PHRASE]


@pytest.fixture
async def bot(bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Staffed]:
    clock = Clock(parse_aware("2024-04-01T10:00:00+02:00"))
    async with bot_running(bot_api, staff_settings(tmp_path, bot_api), clock) as running:
        yield running


async def karen_signs_up_and_asks(bot: Staffed) -> None:
    event = bot.services.kb.event(TEMADAG)
    assert event is not None
    form = SignupForm(NAME, ADDRESS, "Ældrerådet i Xyzby", needs="Plads til en kørestol")
    await bot.services.registrations.signup(
        event, form, channel="telegram", now=bot.clock(), chat=ChatId("telegram", str(KAREN))
    )
    post = await bot.open_case(
        KAREN, question=f"Må {PHRASE} komme med?", first_name="Karen", last_name="Holmgaard"
    )
    await bot.staff_says(STAFF_ANSWER, reply_to=post)
    [relayed] = await bot.said(KAREN)
    assert STAFF_ANSWER in relayed.text


async def test_start_says_what_is_kept_why_and_for_how_long(bot: Staffed) -> None:
    [welcome] = await bot.ask(KAREN, f"/start {TEMADAG}")
    assert "slettes 90 dage efter arrangementet" in welcome.text
    assert "/mine_data" in welcome.text and "/slet_mig" in welcome.text
    menu = {c.command: c.description for c in command_menu("da")}
    assert menu["mine_data"] == "Det, jeg har gemt om dig"
    assert menu["slet_mig"] == "Slet det, jeg har gemt om dig"
    assert {c.command for c in command_menu("en")} >= {"my_data", "delete_me"}


async def test_my_data_sends_the_report_and_the_file(bot: Staffed) -> None:
    await karen_signs_up_and_asks(bot)
    report, document = await bot.ask(KAREN, "/mine_data", count=2)
    for shown in (NAME, ADDRESS, str(KAREN), "Temadag for Handicaprådene", PHRASE, STAFF_ANSWER):
        assert shown in report.text, shown
    assert document.method == "sendDocument" and document.file is not None
    assert document.file.filename == "mine-data.json"
    data = json.loads(document.file.content)["data"]
    assert [r["name"] for r in data["registrations"]] == [NAME]
    assert [c["question"] for c in data["cases"]] == [f"Må {PHRASE} komme med?"]
    assert "Svar fra sekretariatet" in json.dumps(data["chat_outbox"], ensure_ascii=False)

    # In a group the bot shows no one's data.
    [refusal] = await bot.ask(-100777, "/mine_data", user_id=KAREN)
    assert "privat chat" in refusal.text and NAME not in refusal.text


async def test_delete_me_asks_first_no_keeps_everything_yes_leaves_nothing(
    bot: Staffed, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await karen_signs_up_and_asks(bot)
    [question] = await bot.ask(KAREN, "/slet_mig")
    assert "Tilmeldinger: 1" in question.text and "Spørgsmål til sekretariatet: 1" in question.text
    assert question.buttons == [["Ja, slet det hele", "Nej, behold mine data"]]

    [kept] = await bot.press(KAREN, question, "Nej, behold mine data")
    assert "intet er slettet" in kept.text
    data = await Privacy(bot.services).data(Who.of(chat=ChatId("telegram", str(KAREN))))
    assert len(data.registrations) == 1 and len(data.cases) == 1

    [question] = await bot.ask(KAREN, "/delete_me")
    [done] = await bot.press(KAREN, question, "Ja, slet det hele")
    assert "er nu slettet" in done.text
    assert await search(bot.services, TRACES) == []
    # The case's post in the staff chat is redrawn without her words.
    [post, *_answers] = [m for m in bot.api.sent() if m.chat_id == STAFF_CHAT and not m.is_edit]
    await bot.redrawn(post, "slettet efter ønske fra deltageren")

    [nothing, _file] = await bot.ask(KAREN, "/mine_data", count=2)
    assert "ingenting gemt" in nothing.text
    assert leaks(caplog, TRACES) == []  # nor in the log, of any library, at INFO
