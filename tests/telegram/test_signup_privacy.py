"""Another person's address in the Telegram signup: nothing of theirs reaches the chat, and what
the chat can make the bot send to the address is limited.

The real Application against the fake Bot API, on SQLite and PostgreSQL. Karen is registered,
once by e-mail (a reply to the invitation, through the real mail handler) and once in her own
chat; Mallory signs up in his chat with her address, goes on without the code and finishes.
Before the fix he was answered "Du er allerede tilmeldt ..." with her name, organisation, needs
and calendar file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.mail.handling import MailHandler
from bot.channels.mail.models import OutboxMail
from bot.channels.mail.outbox import Outbox
from bot.registrations.identity import ChatId, Identity
from tests.conftest import postgres_schema
from tests.telegram.fake_bot_api import FakeBotAPI, SentMessage
from tests.telegram.helpers import TEMADAG, Bot, serving, settings_for

SECRETARIAT = "sekretariat@example.dk"
TITLE = "Temadag for Handicaprådene i Nordjylland – 2024"
KAREN_NAME, KAREN_EMAIL = "Karen Holmgaard", "karen.holmgaard@aalborg.dk"
KAREN_ORG = "Ældrerådet i Xyzby"
KAREN_NEEDS = "Jeg har en hjertesygdom og brug for en ledsager"
KAREN_CHAT, MALLORY = 101, 666
SENT_TO_THE_ADDRESS = (
    "Tak. Vi har sendt en bekræftelse til den adresse. Der kan du se, om du er tilmeldt."
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def running(
    request: pytest.FixtureRequest, bot_api: FakeBotAPI, tmp_path: Path
) -> AsyncIterator[Bot]:
    settings = settings_for(tmp_path, bot_api).model_copy(
        update={"mail_from": SECRETARIAT, "smtp_host": "127.0.0.1"}
    )
    if request.param == "sqlite":
        async with serving(settings, bot_api) as bot:
            yield bot
        return
    async with postgres_schema("tgprivacy") as (url, schema):
        on_pg = settings.model_copy(update={"database_url": url, "database_schema": schema})
        async with serving(on_pg, bot_api) as bot:
            yield bot


async def mails_to(bot: Bot, address: str) -> list[OutboxMail]:
    async with bot.services.db.session() as session:
        rows = await session.scalars(
            select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id)
        )
        return list(rows)


async def codes_to(bot: Bot, address: str) -> list[OutboxMail]:
    return [m for m in await mails_to(bot, address) if "kode" in m.subject.casefold()]


async def karen_replies_to_the_invitation(bot: Bot) -> None:
    """Karen answers the invitation e-mail "Ja tak"; the mail handler signs her up."""
    services = bot.services
    outbox = Outbox(services.db, mail_from=SECRETARIAT)
    async with services.db.transaction() as session:
        invitation = await outbox.enqueue(
            session,
            to=KAREN_EMAIL,
            subject=f"Invitation: {TITLE}",
            body="Vi håber, du vil komme.",
            event=TEMADAG,
            now=bot.clock(),
        )
    reply = EmailMessage()
    reply["From"] = f"{KAREN_NAME} <{KAREN_EMAIL}>"
    reply["To"] = SECRETARIAT
    reply["Subject"] = f"SV: Invitation: {TITLE}"
    reply["Message-ID"] = make_msgid(domain="aalborg.dk")
    reply["In-Reply-To"] = f"<{invitation}>"
    reply.set_content(f"Ja tak, jeg deltager gerne.\n\nMvh {KAREN_NAME}\n{KAREN_ORG}")
    handler = MailHandler(services, outbox, mail_from=SECRETARIAT)
    handled = await handler.handle(reply.as_bytes(), now=bot.clock())
    assert (handled.action, handled.result) == ("signup", "registered"), handled


async def karen_signs_up_in_her_chat(bot: Bot) -> None:
    await bot.ask(KAREN_CHAT, f"/start {TEMADAG}")
    await bot.ask(KAREN_CHAT, "/tilmeld")
    await bot.ask(KAREN_CHAT, KAREN_NAME)
    await bot.ask(KAREN_CHAT, KAREN_EMAIL)  # her own new address: no code asked
    await bot.ask(KAREN_CHAT, KAREN_ORG)
    [summary] = await bot.ask(KAREN_CHAT, KAREN_NEEDS)
    bot.api.press_button(KAREN_CHAT, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    confirmation, calendar = await bot.said(KAREN_CHAT, count=2)
    assert "Du er tilmeldt" in confirmation.text and calendar.file is not None


async def mallory_signs_up_with(bot: Bot, address: str) -> None:
    """Mallory's whole signup with ``address``, going on without the code."""
    await bot.ask(MALLORY, f"/start {TEMADAG}")
    await bot.ask(MALLORY, "/tilmeld")
    await bot.ask(MALLORY, "Mallory Mørk")
    [code_step] = await bot.ask(MALLORY, address)
    assert f"sendt en kode til {address}" in code_step.text
    await bot.press(MALLORY, code_step, "Fortsæt uden kode")
    await bot.ask(MALLORY, "Ingen")
    [summary] = await bot.ask(MALLORY, "-")
    bot.api.press_button(MALLORY, summary.message_id, summary.button_data("Ja, tilmeld mig"))
    [finish] = await bot.said(MALLORY)
    assert finish.text == SENT_TO_THE_ADDRESS
    await bot.api.wait_idle()  # and nothing more comes: no calendar file


def karens_traces(messages: list[SentMessage]) -> list[str]:
    seen = "\n".join(
        (m.text or "") + (m.file.content.decode(errors="replace") if m.file else "")
        for m in messages
    )
    return [t for t in (KAREN_NAME, "Holmgaard", KAREN_ORG, KAREN_NEEDS, "allerede") if t in seen]


async def nothing_of_karen_in_mallorys_chat(bot: Bot) -> None:
    assert [m.method for m in bot.api.sent(MALLORY) if m.file is not None] == []
    # /mine and /afmeld in Mallory's chat know nothing of her either.
    [mine] = await bot.ask(MALLORY, "/mine")
    assert mine.text == "Du er ikke tilmeldt noget."
    [question] = await bot.ask(MALLORY, "/afmeld")
    [answer] = await bot.press(MALLORY, question, "Ja, afmeld mig")
    assert answer.text.startswith("Jeg kan ikke finde en tilmelding til")
    assert karens_traces(bot.api.sent(MALLORY)) == []
    # Karen was told at her address, with her calendar file; she is still registered.
    [confirmation] = [
        m
        for m in await mails_to(bot, KAREN_EMAIL)
        if "skrevet ved en tilmelding i vores chat" in m.body
    ]
    assert "Du er allerede tilmeldt" in confirmation.body and confirmation.ics is not None
    [karen] = await bot.services.registrations.registrations_of(
        Identity(email=KAREN_EMAIL), now=bot.clock()
    )
    assert karen.status.value == "registered" and karen.chat != ChatId("telegram", str(MALLORY))


async def test_an_address_registered_by_email_is_never_shown_in_another_chat(
    running: Bot,
) -> None:
    await karen_replies_to_the_invitation(running)
    await mallory_signs_up_with(running, KAREN_EMAIL)
    await nothing_of_karen_in_mallorys_chat(running)


async def test_an_address_registered_in_a_chat_is_never_shown_in_another_chat(
    running: Bot,
) -> None:
    await karen_signs_up_in_her_chat(running)
    await mallory_signs_up_with(running, KAREN_EMAIL)
    await nothing_of_karen_in_mallorys_chat(running)
    assert KAREN_NEEDS in (await mails_to(running, KAREN_EMAIL))[-1].body


async def restart_with(bot: Bot, chat: int, address: str) -> str:
    """Start the signup again and give the address; what the bot said last."""
    [first] = await bot.ask(chat, "/tilmeld")
    if "navn" not in first.text:
        return first.text
    await bot.ask(chat, "Mallory Mørk")
    [after_address] = await bot.ask(chat, address)
    return after_address.text


async def test_the_26th_restart_with_someone_elses_address_sends_no_26th_email(
    running: Bot,
) -> None:
    await karen_replies_to_the_invitation(running)
    await running.ask(MALLORY, f"/start {TEMADAG}")
    said = [await restart_with(running, MALLORY, KAREN_EMAIL) for _ in range(26)]
    # Three codes to her address in an hour; the fourth restart is told so, politely.
    assert len(await codes_to(running, KAREN_EMAIL)) == 3
    assert all("sendt en kode til" in text for text in said[:3])
    assert said[3].startswith(
        "Der er sendt mange koder til den adresse. Prøv igen om en time, eller skriv til "
        "sekretariatet"
    )
    # From the eleventh, the chat has started too many signups for one hour.
    assert said[10] == said[25]
    assert said[25].startswith(
        "Du har startet mange tilmeldinger på kort tid. Prøv igen om en time"
    )
    # Other chats do not get round the address's limit.
    for chat in range(700, 705):
        await running.ask(chat, f"/start {TEMADAG}")
        text = await restart_with(running, chat, KAREN_EMAIL)
        assert text.startswith("Der er sendt mange koder til den adresse.")
    assert len(await codes_to(running, KAREN_EMAIL)) == 3
    # An hour later, one more code may go.
    running.clock.at += timedelta(hours=1, minutes=1)
    assert "sendt en kode til" in await restart_with(running, 700, KAREN_EMAIL)
    assert len(await codes_to(running, KAREN_EMAIL)) == 4
