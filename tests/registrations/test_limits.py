"""Limits on what a chat can make the bot send to an address, and on signups started per chat.

Counted in the database (``limited_actions``) with the time the caller gives, so the clock is
controlled: the hour and day windows are walked through on SQLite and PostgreSQL, through the
signup dialogue as the Telegram channel builds it. Also: two processes counting at once never
exceed a limit, the settings set the limits, and the rows are exported, erased and expire.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.privacy.retention import RetentionJob
from bot.privacy.service import Privacy, Who
from bot.registrations.dialogue import SignupDialogue, Turn
from bot.registrations.form import SignupForm
from bot.registrations.identity import Identity
from bot.registrations.limits import Limit, LimitedAction, SendLimits
from bot.services import Services
from bot.settings import Settings
from tests.registrations.chat_signup import (
    KAREN,
    MALLORY,
    NOW,
    SENT_TO_THE_ADDRESS,
    codes_to,
    confirmations_to,
    the_event,
    unproven_answers,
    walk,
)
from tests.registrations.conftest import Target

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
CODES_FULL_HOUR = (
    "Der er sendt mange koder til den adresse. Prøv igen om en time, eller skriv til sekretariatet"
)
CODES_FULL_DAY = (
    "Der er sendt mange koder til den adresse. Prøv igen i morgen, eller skriv til sekretariatet"
)
MAILS_FULL_HOUR = (
    "Der er sendt mange e-mails til den adresse. "
    "Prøv igen om en time, eller skriv til sekretariatet"
)
MAILS_FULL_DAY = (
    "Der er sendt mange e-mails til den adresse. Prøv igen i morgen, eller skriv til sekretariatet"
)
SIGNUPS_FULL_HOUR = "Du har startet mange tilmeldinger på kort tid. Prøv igen om en time"
SIGNUPS_FULL_DAY = "Du har startet mange tilmeldinger på kort tid. Prøv igen i morgen"


def chat_dialogue(services: Services, limits: SendLimits | None = None) -> SignupDialogue:
    return SignupDialogue(
        services.registrations,
        "telegram",
        delivery=services.delivery,
        limits=limits or SendLimits.from_settings(services.settings),
    )


async def karen_registered(services: Services) -> None:
    form = SignupForm(KAREN.name, KAREN.email, KAREN.organisation, needs=KAREN.needs)
    await services.registrations.signup(the_event(services), form, channel="email", now=NOW)


async def ask_for_code(
    dialogue: SignupDialogue, services: Services, chat: int, at: datetime
) -> str:
    """A signup in a chat of its own that gives Karen's address; what the bot says then."""
    turns = await walk(dialogue, the_event(services), [MALLORY.name, KAREN.email], chat, at)
    return turns[-1].text


async def test_codes_to_one_address_three_an_hour_and_ten_a_day(bot_services: Services) -> None:
    services = bot_services
    await karen_registered(services)
    dialogue = chat_dialogue(services)  # the defaults: 3 an hour, 10 a day
    chats = iter(range(1000, 2000))

    async def attempt(at: datetime) -> str:
        return await ask_for_code(dialogue, services, next(chats), at)

    said = [await attempt(NOW + timedelta(minutes=i)) for i in range(4)]
    assert all("sendt en kode til" in s for s in said[:3])
    assert said[3].startswith(CODES_FULL_HOUR) and "sendt en kode" not in said[3]
    assert len(await codes_to(services, KAREN.email)) == 3
    # The hour is counted from each code: 59 minutes after the first it is still full.
    assert (await attempt(NOW + timedelta(minutes=59))).startswith(CODES_FULL_HOUR)
    assert "sendt en kode til" in await attempt(NOW + HOUR + timedelta(seconds=1))
    # Through the day, three an hour, until ten in 24 hours.
    for hour in (2, 3):
        for _ in range(3):
            assert "sendt en kode til" in await attempt(NOW + hour * HOUR + timedelta(minutes=1))
    assert len(await codes_to(services, KAREN.email)) == 10
    assert (await attempt(NOW + 5 * HOUR)).startswith(CODES_FULL_DAY)
    assert (await attempt(NOW + DAY - timedelta(minutes=1))).startswith(CODES_FULL_DAY)
    assert len(await codes_to(services, KAREN.email)) == 10
    # A day after the first three, there is room again.
    assert "sendt en kode til" in await attempt(NOW + DAY + timedelta(minutes=4))
    assert len(await codes_to(services, KAREN.email)) == 11


async def test_confirmations_to_one_address_five_an_hour_and_twenty_a_day(
    bot_services: Services,
) -> None:
    services = bot_services
    await karen_registered(services)
    # Codes without a limit here, so that only the confirmations are counted.
    limits = SendLimits.from_settings(services.settings)
    limits.codes = Limit(1000, 1000)
    dialogue = chat_dialogue(services, limits)
    theme_day, other_day = the_event(services), the_event(services, "anden-dag")
    chats = iter(range(3000, 4000))

    async def finish(at: datetime, event_slug: str = theme_day.id) -> Turn:
        event = the_event(services, event_slug)
        turns = await walk(dialogue, event, unproven_answers(MALLORY, KAREN.email), next(chats), at)
        return turns[-1]

    for _ in range(5):
        assert (await finish(NOW)).text == SENT_TO_THE_ADDRESS
    assert len(await confirmations_to(services, KAREN.email)) == 5
    # The sixth is refused, and the signup it would confirm is not made either.
    full = await finish(NOW + timedelta(minutes=10), other_day.id)
    assert full.text.startswith(MAILS_FULL_HOUR) and full.state is None
    assert len(await confirmations_to(services, KAREN.email)) == 5
    hers = await services.registrations.registrations_of(Identity(email=KAREN.email), now=NOW)
    assert [r.event_slug for r in hers] == [theme_day.id]
    # Five an hour through the day, until twenty in 24 hours.
    for hour in (1, 2, 3):
        for _ in range(5):
            turn = await finish(NOW + hour * HOUR + timedelta(minutes=10))
            assert turn.text == SENT_TO_THE_ADDRESS, hour
    assert (await finish(NOW + 4 * HOUR)).text.startswith(MAILS_FULL_DAY)
    assert len(await confirmations_to(services, KAREN.email)) == 20
    assert (await finish(NOW + DAY + timedelta(minutes=5))).text == SENT_TO_THE_ADDRESS


async def test_signups_started_in_one_chat_ten_an_hour_and_thirty_a_day(
    bot_services: Services,
) -> None:
    services = bot_services
    dialogue = chat_dialogue(services)
    event = the_event(services)

    async def start(at: datetime, chat: int = MALLORY.chat) -> Turn:
        return await dialogue.start(event, "da", at, chat_id=chat)

    for _ in range(10):
        assert (await start(NOW)).state is not None
    full = await start(NOW + timedelta(minutes=30))
    assert full.state is None and full.text.startswith(SIGNUPS_FULL_HOUR)
    # Another chat is not held back by this one.
    assert (await start(NOW + timedelta(minutes=30), chat=777)).state is not None
    for hour in (1, 2):
        for _ in range(10):
            assert (await start(NOW + hour * HOUR)).state is not None
    full = await start(NOW + 3 * HOUR)
    assert full.state is None and full.text.startswith(SIGNUPS_FULL_DAY)
    assert (await start(NOW + DAY + timedelta(minutes=10))).state is not None


async def test_the_answer_is_in_the_chats_language(bot_services: Services) -> None:
    services = bot_services
    dialogue = chat_dialogue(services, SendLimits(signups=Limit(1, 5)))
    event = the_event(services)
    assert (await dialogue.start(event, "en", NOW, chat_id=5)).state is not None
    full = await dialogue.start(event, "en", NOW, chat_id=5)
    assert full.text.startswith(
        "You have started many signups in a short time. Please try again in an hour, "
        "or write to the secretariat"
    )


async def test_two_processes_counting_at_once_keep_to_the_limit(
    target: Target, bot_services: Services
) -> None:
    # A second process: its own engine and connections on the same database.
    other = target.connect()
    limits = SendLimits(codes=Limit(3, 10))

    async def take(db_index: int) -> bool:
        db = (bot_services.db, other)[db_index % 2]
        async with db.transaction() as session:
            return await limits.take_code(session, KAREN.email, NOW) is None

    allowed = await asyncio.gather(*(take(i) for i in range(12)))
    assert sum(allowed) == 3
    async with other.session() as session:
        counted = await session.scalar(select(func.count()).select_from(LimitedAction))
    assert counted == 3


def test_the_limits_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_CONFIG_FILE", raising=False)
    defaults = SendLimits.from_settings(Settings())
    assert (defaults.codes, defaults.confirmations, defaults.signups) == (
        Limit(3, 10),
        Limit(5, 20),
        Limit(10, 30),
    )
    monkeypatch.setenv("BOT_CODES_PER_ADDRESS_PER_HOUR", "1")
    monkeypatch.setenv("BOT_SIGNUPS_PER_CHAT_PER_DAY", "12")
    changed = SendLimits.from_settings(Settings())
    assert changed.codes == Limit(1, 10) and changed.signups == Limit(10, 12)


async def test_the_counts_are_exported_erased_with_the_person_and_kept_two_days(
    bot_services: Services,
) -> None:
    services = bot_services
    await karen_registered(services)
    dialogue = chat_dialogue(services)
    await ask_for_code(dialogue, services, MALLORY.chat, NOW)
    await ask_for_code(dialogue, services, 4242, NOW)

    async def rows() -> list[tuple[str, str | None, str | None]]:
        async with services.db.session() as session:
            found = await session.execute(
                select(LimitedAction.kind, LimitedAction.email, LimitedAction.chat_id).order_by(
                    LimitedAction.id
                )
            )
            return [(kind, email, chat) for kind, email, chat in found]

    assert sorted(await rows()) == sorted(
        [
            ("signup", None, str(MALLORY.chat)),
            ("code", KAREN.email, None),
            ("signup", None, "4242"),
            ("code", KAREN.email, None),
        ]
    )
    privacy = Privacy(services)
    data = await privacy.data(Who.of(email=KAREN.email))
    assert len(data.rows["limited_actions"]) == 2
    # Karen's erasure takes the codes sent to her; Mallory's counts are not hers.
    await privacy.erase(Who.of(email=KAREN.email), channel="email", now=NOW)
    assert sorted(await rows()) == [("signup", None, "4242"), ("signup", None, str(MALLORY.chat))]
    # After two days the job deletes the rest (a day is all the limits look back).
    swept = await RetentionJob(services).sweep(NOW + 2 * DAY + timedelta(minutes=1))
    assert swept["limited_actions"] == 2 and await rows() == []
