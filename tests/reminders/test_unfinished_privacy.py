"""The reminder of an unfinished signup tells a chat nothing about an address it has not proven.

A chat that types Karen's address and stops must be reminded exactly as a chat that types an
address nobody uses: before the fix it was not reminded when Karen was registered, and was when
she was not, which told the chat whether she is signed up. Only an address the chat proved with
the code sent to it may count ("you are signed up already, no reminder").

The dialogue states are made by the real signup dialogue, as the Telegram channel builds and
stores it, and the job's look is run on a controlled clock, on SQLite and PostgreSQL; the last
test does the same through the real Telegram Application and the fake Bot API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.clock import parse_aware
from bot.knowledge.schema import Event
from bot.registrations.dialogue import SKIP, SignupDialogue, Turn
from bot.registrations.form import SignupForm
from bot.registrations.identity import ChatId
from bot.reminders.job import ReminderJob
from bot.services import Services
from bot.settings import Settings
from tests.registrations.chat_signup import codes_to, walk
from tests.reminders.conftest import bot_with_reminders, chat_outbox, notices
from tests.reminders.events import EFTERAAR, PINSE
from tests.telegram.fake_bot_api import TOKEN, FakeBotAPI
from tests.telegram.helpers import Bot, Clock

KAREN = ("Karen Holmgaard", "karen.holmgaard@aalborg.dk")
NOBODYS = "ny.adresse@example.dk"
STOPPED_AT = parse_aware("2024-05-01T10:00:00+02:00")  # when the chats stopped answering
LOOK = "2024-05-09T10:00:00+02:00"  # the day before the deadline (10 May): reminders are due
REMINDER = (
    "Du begyndte at tilmelde dig Temadag efter pinse, men tilmeldingen blev ikke gjort "
    "færdig. Fristen er fredag den 10. maj 2024. Skriv /tilmeld for at tilmelde dig."
)


def the_event(services: Services, slug: str = PINSE) -> Event:
    event = services.kb.event(slug)
    assert event is not None
    return event


async def karen_signs_up_by_email(services: Services, slug: str = PINSE) -> None:
    session = "1" if slug == EFTERAAR else None  # sessions are chosen at signup there
    form = SignupForm(KAREN[0], KAREN[1], "Ældrerådet i Xyzby", session=session)
    await services.registrations.signup(
        the_event(services, slug), form, channel="email", now=parse_aware("2024-04-02T10:00")
    )


def chat_dialogue(services: Services) -> SignupDialogue:
    """The dialogue as the Telegram channel builds it (no mailbox read: new addresses free)."""
    return SignupDialogue(services.registrations, "telegram", delivery=services.delivery)


async def stops_after(services: Services, chat: int, answers: list[str]) -> Turn:
    """The chat begins the signup for the theme day, gives the answers and stops there."""
    turns = await walk(chat_dialogue(services), the_event(services), answers, chat, STOPPED_AT)
    return await keep(services, chat, turns[-1])


async def keep(services: Services, chat: int, turn: Turn) -> Turn:
    """Keep the chat's dialogue where it stands, as the Telegram channel keeps it."""
    assert turn.state is not None, turn.text
    await services.conversations.update(
        "telegram", chat, STOPPED_AT, event=PINSE, flow="signup", flow_state=turn.state.to_json()
    )
    return turn


async def reminded(services: Services) -> list[str]:
    """The chats reminded of an unfinished signup, in chat order, once the job has looked."""
    await ReminderJob(services).run_due(parse_aware(LOOK))
    rows = await chat_outbox(services.db)
    return sorted(r.chat_id for r in rows if r.kind == "unfinished")


async def code_sent_to(services: Services, address: str) -> str:
    """The digits of the last code e-mailed to the address."""
    body = (await codes_to(services, address))[-1].body
    return next(w.rstrip(".") for w in body.split() if w.rstrip(".").isdigit())


@pytest.mark.parametrize("karen_is_registered", [True, False])
async def test_an_address_typed_without_the_code_does_not_decide_the_reminder(
    services: Services, karen_is_registered: bool
) -> None:
    if karen_is_registered:
        await karen_signs_up_by_email(services)
    else:  # known, so a code is asked for, but not signed up for this event
        await karen_signs_up_by_email(services, EFTERAAR)
    # 601 types her address and stops at the code; 602 goes on without it; 603 types an
    # address nobody uses (no code asked) and stops.
    at_code = await stops_after(services, 601, ["Mallory Mørk", KAREN[1]])
    assert at_code.state is not None and at_code.state.step == "code"
    skipped = await stops_after(services, 602, ["Mallory Mørk", KAREN[1], SKIP])
    assert skipped.state is not None and skipped.state.answers["verified"] == "no"
    await stops_after(services, 603, ["Nina Nørby", NOBODYS])

    # Whether Karen is registered or not, the three chats are treated alike.
    assert await reminded(services) == ["601", "602", "603"]
    texts = {r.text for r in await chat_outbox(services.db) if r.kind == "unfinished"}
    assert texts == {REMINDER}


@pytest.mark.parametrize("karen_is_registered", [True, False])
async def test_an_address_proven_with_the_code_counts(
    services: Services, karen_is_registered: bool
) -> None:
    # Karen, in a chat of her own, proves her address with the code and then stops.
    await karen_signs_up_by_email(services, PINSE if karen_is_registered else EFTERAAR)
    at_code = await stops_after(services, 604, [KAREN[0], KAREN[1]])
    assert at_code.state is not None and at_code.state.step == "code"
    code = await code_sent_to(services, KAREN[1])
    turn = await chat_dialogue(services).reply(
        the_event(services), at_code.state, code, STOPPED_AT, chat=ChatId("telegram", "604")
    )
    proven = await keep(services, 604, turn)
    assert proven.state is not None and proven.state.answers["verified"] == "yes"
    # Signed up by that address already: nothing to remind her of; otherwise she is reminded.
    assert await reminded(services) == ([] if karen_is_registered else ["604"])
    if karen_is_registered:
        assert await notices(services.db) == []  # not claimed either: no later look reminds her


async def test_the_chats_own_signup_still_counts(services: Services) -> None:
    # 605 signed up in its own chat (the Telegram id is linked), then began again and stopped.
    form = SignupForm("Ole Bak", "ole@example.dk", "Ældrerådet")
    await services.registrations.signup(
        the_event(services),
        form,
        channel="telegram",
        now=STOPPED_AT,
        chat=ChatId("telegram", "605"),
    )
    await stops_after(services, 605, ["Ole Bak", "ole.bak@example.dk"])
    await stops_after(services, 606, ["Nina Nørby", NOBODYS])
    assert await reminded(services) == ["606"]


# -- end to end ----------------------------------------------------------------------------------

MALLORY, NINA = 666, 667


@pytest.fixture
async def running(bot_api: FakeBotAPI, settings: Settings) -> AsyncIterator[Bot]:
    """The bot as ``python -m bot run`` runs it for Telegram, with the reminder job, on the test's
    database (SQLite or PostgreSQL) and clock; e-mail is queued, so codes can be sent."""
    telegram = settings.model_copy(
        update={"telegram_token": SecretStr(TOKEN), "telegram_api_url": bot_api.base_url}
    )
    async with bot_with_reminders(bot_api, telegram, Clock(STOPPED_AT)) as bot:
        yield bot


async def test_a_chat_that_typed_a_registered_persons_address_is_reminded_like_any_other(
    running: Bot,
) -> None:
    bot = running
    await karen_signs_up_by_email(bot.services)
    for chat, name, address in [(MALLORY, "Mallory Mørk", KAREN[1]), (NINA, "Nina", NOBODYS)]:
        await bot.ask(chat, f"/start {PINSE}")
        await bot.ask(chat, "/tilmeld")
        await bot.ask(chat, name)
        await bot.ask(chat, address)  # and stops: at the code (Mallory), at the organisation

    bot.clock.at = parse_aware(LOOK)
    [to_mallory] = await bot.said(MALLORY)
    [to_nina] = await bot.said(NINA)
    assert to_mallory.text == to_nina.text == REMINDER
