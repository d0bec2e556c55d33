"""Who, what and how: one way of telling a person, and promotions told with the cancellation.

The service is wired as the bot wires it (real couriers on the test's database), except that
the couriers registered are the test's choice: a chat channel the bot knows nothing else about
("web"), and no Telegram courier, so a Telegram chat cannot be reached and e-mail is used.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.mail.courier import MailCourier
from bot.channels.mail.models import OutboxMail
from bot.channels.mail.outbox import Outbox
from bot.delivery import ChatCourier, Delivery, Recipient, recipient_for
from bot.delivery.models import ChatOutboxMessage
from bot.registrations import RegistrationService
from bot.registrations.identity import ChatId, Identity, check_channel
from bot.registrations.results import Result
from bot.storage import Database
from tests.registrations.events import NOW, make_event
from tests.registrations.test_service import form

WEB = ChatId("web", "session-b")
TELEGRAM = ChatId("telegram", "303")


def delivery_for(db: Database, *chat_channels: str) -> Delivery:
    delivery = Delivery()
    for channel in chat_channels:
        delivery.register(channel, ChatCourier(db, channel))
    delivery.register(
        "email", MailCourier(Outbox(db, mail_from="sekretariat@example.dk"), lambda _e: "Os")
    )
    return delivery


async def chat_rows(db: Database) -> list[tuple[str, str, str]]:
    async with db.session() as session:
        rows = await session.scalars(select(ChatOutboxMessage).order_by(ChatOutboxMessage.id))
        return [(r.channel, r.chat_id, r.kind) for r in rows]


async def mails(db: Database) -> list[OutboxMail]:
    async with db.session() as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_chat_ids_and_channel_names_are_checked() -> None:
    assert Identity(email=" Anna@X.dk", chat=WEB).pairs() == [
        ("email", "anna@x.dk"),
        ("web", "session-b"),
    ]
    assert Identity(chat=TELEGRAM).pairs() == [("telegram", "303")]
    for kind, value in [("", "1"), ("Web", "1"), ("web", ""), ("email", "a@b.dk"), ("w", "x" * 65)]:
        with pytest.raises(ValueError):
            ChatId(kind, value)
    with pytest.raises(ValueError):
        Identity()
    assert check_channel("web-2_x") == "web-2_x"
    with pytest.raises(ValueError):
        check_channel("x" * 17)


async def test_recipient_is_the_chat_if_it_can_be_reached_else_the_address(
    db: Database,
) -> None:
    delivery = delivery_for(db, "web")
    to = recipient_for(delivery, email="b@x.dk", chat=WEB, lang="en", name="B")
    assert to == Recipient("web", "session-b", "en", "B")
    # No courier for Telegram here: the address, then nobody.
    to = recipient_for(delivery, email="c@x.dk", chat=TELEGRAM, lang="da")
    assert to == Recipient("email", "c@x.dk", "da")
    assert recipient_for(delivery, email="", chat=TELEGRAM, lang="da") is None
    assert recipient_for(Delivery(), email="c@x.dk", chat=None, lang="da") is None


async def test_whoever_cancels_the_promoted_are_told_on_their_own_channel(db: Database) -> None:
    event = make_event("en-plads", capacity=1)
    service = RegistrationService(db, {event.id: event}.get, delivery_for(db, "web"))
    await service.signup(event, form("a"), channel="email", now=NOW)
    await service.signup(event, form("b"), channel="web", chat=WEB, now=NOW)
    await service.signup(event, form("c"), channel="telegram", chat=TELEGRAM, now=NOW)
    await service.signup(event, form("d"), channel="email", now=NOW)
    assert await chat_rows(db) == [] and await mails(db) == []

    # A cancels by e-mail: B has the seat, and is told in the web chat.
    cancelled = await service.cancel(
        event, Identity(email="deltagera@example.dk"), channel="email", now=NOW
    )
    assert [p.chat for p in cancelled.promoted] == [WEB]
    assert await chat_rows(db) == [("web", "session-b", "promotion")]

    # B cancels in the chat: C's Telegram chat is out of reach here, so C gets an e-mail with
    # the calendar file, in the words of e-mail.
    await service.cancel(event, Identity(chat=WEB), channel="web", now=NOW)
    [told] = await mails(db)
    assert told.to_address == "deltagerc@example.dk" and told.ics is not None
    assert "Godt nyt" in told.body and "svare på denne e-mail" in told.body

    # Nobody waits after D: cancelling again tells nobody else.
    await service.cancel(event, Identity(chat=TELEGRAM), channel="telegram", now=NOW)
    await service.cancel(event, Identity(email="deltagerd@example.dk"), channel="email", now=NOW)
    assert [m.to_address for m in await mails(db)] == [
        "deltagerc@example.dk",
        "deltagerd@example.dk",
    ]
    assert len(await chat_rows(db)) == 1


async def test_the_notice_is_rolled_back_with_the_cancellation(db: Database) -> None:
    event = make_event("en-plads", capacity=1)
    service = RegistrationService(db, {event.id: event}.get, delivery_for(db, "web"))
    await service.signup(event, form("a"), channel="email", now=NOW)
    await service.signup(event, form("b"), channel="web", chat=WEB, now=NOW)

    async def fail(session: AsyncSession, result: Result) -> None:
        raise RuntimeError("the channel's bookkeeping failed")

    with pytest.raises(RuntimeError):
        await service.cancel(
            event, Identity(email="deltagera@example.dk"), channel="email", now=NOW, also=fail
        )
    assert await chat_rows(db) == []
    waiting = [r for r in await service.event_registrations(event.id) if r.position]
    assert [r.chat for r in waiting] == [WEB]


async def test_a_service_without_delivery_tells_nobody(db: Database) -> None:
    event = make_event("en-plads", capacity=1)
    service = RegistrationService(db, {event.id: event}.get)
    await service.signup(event, form("a"), channel="email", now=NOW)
    await service.signup(event, form("b"), channel="web", chat=WEB, now=NOW)
    cancelled = await service.cancel(
        event, Identity(email="deltagera@example.dk"), channel="email", now=NOW
    )
    assert [p.chat for p in cancelled.promoted] == [WEB]
    assert await chat_rows(db) == [] and await mails(db) == []


async def test_the_chat_linked_last_is_the_one_written_to(db: Database) -> None:
    event = make_event("en-dag")
    service = RegistrationService(db, {event.id: event}.get)
    await service.signup(event, form("a"), channel="telegram", chat=TELEGRAM, now=NOW)
    await service.link(Identity(email="deltagera@example.dk", chat=WEB), channel="web", now=NOW)
    [mine] = await service.registrations_of(Identity(chat=TELEGRAM), now=NOW)
    assert mine.chat == WEB
    assert await service.whose_address("deltagera@example.dk", WEB) == "ours"
    assert await service.whose_address("deltagera@example.dk", ChatId("web", "other")) == "other"
    assert await service.whose_address("ny@example.dk", WEB) == "new"
