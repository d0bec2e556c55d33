"""The mail handler: an e-mail in, a registration or an answer and a queued reply out, exactly once.

Each test runs the handler on the bot's real services (knowledge base, answering core,
registration service) over a fresh SQLite database, with messages built as mail clients send them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cases.models import Case
from bot.channels.mail.handling import MailHandler
from bot.channels.mail.models import InboundMail, MailThread, OutboxMail, UndeliverableAddress
from bot.channels.mail.outbox import Outbox
from bot.clock import parse_aware
from bot.registrations.identity import Identity
from bot.services import Services
from bot.settings import Settings
from tests.conftest import KNOWLEDGE, one_seat, run_bot
from tests.telegram.fake_bot_api import TOKEN

TEMADAG = "handicapraad-temadag-2024"
SUBJECT = "SV: Invitation: Temadag for Handicaprådene i Nordjylland – 2024"
NOW = parse_aware("2024-04-10T12:00:00+02:00")
QUOTE = (
    "\n\nFra: Sekretariat for Nordjysk Socialaftale <rammeaftalesekretariat@aalborg.dk>\n"
    "Sendt: 2. april 2024 10:12\nEmne: Invitation\n\n"
    "Tilmelding senest den 12. april 2024. Kan du ikke komme, så meld afbud.\n"
)


def mail(
    body: str,
    *,
    sender: str = "Karen Holm <karen.holm@jammerbugt.dk>",
    subject: str = SUBJECT,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "rammeaftalesekretariat@aalborg.dk"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.dk")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(
        knowledge_dir=KNOWLEDGE,
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'mail.sqlite3'}",
        mail_from="rammeaftalesekretariat@aalborg.dk",
        smtp_host="127.0.0.1",
        telegram_token=TOKEN,
    )
    started = await Services.start(settings)
    yield started
    await started.close()


@pytest.fixture
def handler(services: Services) -> MailHandler:
    outbox = Outbox(services.db, mail_from="rammeaftalesekretariat@aalborg.dk")
    return MailHandler(services, outbox, mail_from="rammeaftalesekretariat@aalborg.dk")


async def outbox(services: Services) -> list[OutboxMail]:
    async with services.db.session() as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


async def test_a_signup_reply_registers_and_queues_a_threaded_confirmation(
    services: Services, handler: MailHandler
) -> None:
    raw = mail(
        "Hej\n\nHermed tilmelding.\n\nMed venlig hilsen\nKaren Holm\nHandicaprådet, "
        "Jammerbugt Kommune" + QUOTE,
        message_id="<abc@outlook.com>",
    )
    handled = await handler.handle(raw, now=NOW)
    assert (handled.action, handled.result, handled.event) == ("signup", "registered", TEMADAG)
    assert handled.name == "Karen Holm" and handled.reply and "Du er tilmeldt" in handled.reply
    [registration] = await services.registrations.registrations_of(
        Identity(email="karen.holm@jammerbugt.dk"), now=NOW
    )
    assert registration.organisation == "Handicaprådet, Jammerbugt Kommune"
    [reply] = await outbox(services)
    assert reply.to_address == "karen.holm@jammerbugt.dk"
    assert reply.subject == SUBJECT  # "SV:" not doubled
    assert reply.headers["In-Reply-To"] == "<abc@outlook.com>"
    assert reply.headers["Auto-Submitted"] == "auto-replied"
    assert reply.ics is not None and b"TZID=Europe/Copenhagen" in reply.ics


async def test_the_same_message_twice_is_handled_once(
    services: Services, handler: MailHandler
) -> None:
    raw = mail("Jeg deltager gerne.\n\nKaren Holm" + QUOTE)
    first = await handler.handle(raw, now=NOW)
    again = await handler.handle(raw, now=NOW)
    assert first.result == "registered"
    assert (again.action, again.result, again.duplicate) == ("ignore", "ignored", True)
    assert len(await outbox(services)) == 1
    async with services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(InboundMail)) == 1


async def test_a_reply_in_our_thread_finds_the_event_without_a_subject(
    services: Services, handler: MailHandler
) -> None:
    async with services.db.transaction() as session:
        session.add(
            MailThread(
                message_id="invitation-1@aalborg.dk",
                event_slug="kkr-syd-temadag-2011",
                created_at=NOW,
            )
        )
    raw = mail("Hvornår starter det?", subject="SV: Hej", in_reply_to="<invitation-1@aalborg.dk>")
    handled = await handler.handle(raw, now=parse_aware("2011-10-01T10:00:00+02:00"))
    assert handled.event == "kkr-syd-temadag-2011" and "12.00" in (handled.reply or "")


async def test_a_signup_for_an_unclear_event_goes_to_staff(
    services: Services, handler: MailHandler
) -> None:
    handled = await handler.handle(
        mail("Jeg vil gerne tilmelde mig.", subject="Tilmelding"), now=NOW
    )
    assert (handled.action, handled.result, handled.escalate) == ("signup", "escalated", True)
    async with services.db.session() as session:
        [case] = await session.scalars(select(Case))
    assert case.channel == "email" and case.email == "karen.holm@jammerbugt.dk"
    assert (
        await services.registrations.registrations_of(
            Identity(email="karen.holm@jammerbugt.dk"), now=NOW
        )
        == []
    )


async def test_questions_are_answered_or_handed_over_in_the_senders_language(
    services: Services, handler: MailHandler
) -> None:
    answered = await handler.handle(mail("Hvor foregår temadagen?" + QUOTE), now=NOW)
    assert answered.result == "answered" and "Scandic" in (answered.reply or "")
    english = await handler.handle(
        mail("Hello, when does the day end? Thank you", sender="Anne <anne@example.org>"), now=NOW
    )
    assert english.result == "answered" and "14:30" in (english.reply or "")
    assert (english.reply or "").startswith("Dear Anne")
    unknown = await handler.handle(mail("Er der parkering ved hotellet?" + QUOTE), now=NOW)
    assert unknown.result == "escalated" and "sekretariatet" in (unknown.reply or "")


async def test_bounces_and_auto_replies_get_no_answer_and_bounced_addresses_no_mail(
    services: Services, handler: MailHandler
) -> None:
    bounce = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.aalborg.dk>\r\n"
        b"To: rammeaftalesekretariat@aalborg.dk\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce-1@mx.aalborg.dk>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\n<gone@example.dk>: 550 5.1.1 User unknown\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; gone@example.dk\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--B--\r\n"
    )
    handled = await handler.handle(bounce, now=NOW)
    assert handled.action == "ignore" and handled.reply is None
    async with services.db.session() as session:
        assert await session.get(UndeliverableAddress, "gone@example.dk") is not None
    later = await handler.handle(mail("Hvornår er der frokost?", sender="gone@example.dk"), now=NOW)
    assert later.result == "answered" and later.reply is None  # answered, but nothing sent there
    ooo = await handler.handle(
        mail("Jeg er på ferie.", headers={"Auto-Submitted": "auto-replied"}), now=NOW
    )
    assert ooo.action == "ignore" and ooo.reply is None
    assert len(await outbox(services)) == 0


async def test_only_a_few_automatic_replies_a_day_to_one_address(
    services: Services, handler: MailHandler
) -> None:
    replies = [
        (await handler.handle(mail(f"Hvornår er der frokost? ({n})" + QUOTE), now=NOW)).reply
        for n in range(5)
    ]
    assert [r is not None for r in replies] == [True, True, True, False, False]
    next_day = await handler.handle(
        mail("Hvornår er der frokost?" + QUOTE), now=parse_aware("2024-04-11T12:30:00+02:00")
    )
    assert next_day.reply is not None


async def test_our_own_mail_is_ignored(services: Services, handler: MailHandler) -> None:
    handled = await handler.handle(
        mail("Tilmelding", sender="Sekretariatet <rammeaftalesekretariat@aalborg.dk>"), now=NOW
    )
    assert handled.action == "ignore" and handled.reply is None


def test_mail_preview_contract(tmp_path: Path) -> None:
    first = tmp_path / "a.eml"
    first.write_bytes(mail("Ja tak, jeg deltager.\n\nKaren Holm" + QUOTE, message_id="<x@y>"))
    again = tmp_path / "b.eml"
    again.write_bytes(first.read_bytes())
    broken = tmp_path / "c.eml"
    broken.write_bytes(b"\xff\xfe not a mail at all \x00\x01")
    result = run_bot(
        "mail",
        "preview",
        "--json",
        "--now",
        "2024-04-10T12:00:00+02:00",
        str(first),
        str(again),
        str(broken),
        str(tmp_path / "missing.eml"),
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    keys = {"file", "action", "result", "reason", "event", "name", "email", "escalate", "reply"}
    # What a signup's registration holds afterwards (issue 16), added beside the old keys.
    keys |= {"needs", "companions", "companion_names", "others", "organisation"}
    assert [set(r) for r in rows] == [keys] * 4
    assert [(r["action"], r["result"]) for r in rows[:2]] == [
        ("signup", "registered"),
        ("ignore", "ignored"),
    ]
    assert rows[0]["email"] == "karen.holm@jammerbugt.dk" and rows[0]["name"] == "Karen Holm"
    assert rows[2]["action"] == "ignore" and rows[2]["reply"] is None
    assert rows[3]["action"] == "ignore" and "cannot read" in rows[3]["reason"]


async def test_a_decline_from_someone_registered_cancels_their_registration(
    services: Services, handler: MailHandler
) -> None:
    await handler.handle(mail("Ja tak, jeg deltager.\n\nKaren Holm" + QUOTE), now=NOW)
    declined = await handler.handle(mail("Nej tak, jeg kan ikke alligevel." + QUOTE), now=NOW)
    assert (declined.action, declined.result) == ("cancel", "cancelled")
    stranger = await handler.handle(
        mail("Nej tak, jeg kan ikke deltage.", sender="Ib <ib@example.dk>"), now=NOW
    )
    assert (stranger.action, stranger.result) == ("decline", "declined")


async def test_a_message_that_failed_before_is_handled_when_retried(
    services: Services, handler: MailHandler
) -> None:
    from bot.channels.mail.imap import record_failure

    raw = mail("Jeg deltager gerne.\n\nKaren Holm" + QUOTE, message_id="<retry-1@example.dk>")
    await record_failure(
        services.db,
        raw,
        key="retry-1@example.dk",
        folder="INBOX",
        uid=7,
        error="database was locked",
        now=NOW,
        max_attempts=5,
    )
    handled = await handler.handle(raw, now=NOW, folder="INBOX", uid=7)
    assert (handled.result, handled.duplicate) == ("registered", False)
    async with services.db.session() as session:
        [row] = await session.scalars(select(InboundMail))
    assert (row.status, row.attempts, row.last_error, row.raw) == ("done", 2, None, None)
    again = await handler.handle(raw, now=NOW)
    assert again.duplicate


async def test_a_cancellation_by_mail_tells_the_next_on_the_waiting_list(tmp_path: Path) -> None:
    one_seat(tmp_path / "knowledge")
    settings = Settings(
        knowledge_dir=tmp_path / "knowledge",
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'one.sqlite3'}",
        mail_from="rammeaftalesekretariat@aalborg.dk",
        smtp_host="127.0.0.1",
    )
    services = await Services.start(settings)
    try:
        handler = MailHandler(
            services,
            Outbox(services.db, mail_from=settings.mail_from),
            mail_from=settings.mail_from,
        )
        subject = "SV: Invitation: Den lille temadag"
        first = await handler.handle(mail("Ja tak.\n\nKaren Holm", subject=subject), now=NOW)
        second = await handler.handle(
            mail("Ja tak.\n\nIb Hansen", sender="Ib Hansen <ib@example.dk>", subject=subject),
            now=NOW,
        )
        assert (first.result, second.result) == ("registered", "waitlisted")
        cancelled = await handler.handle(
            mail("Jeg må desværre melde afbud.", subject=subject), now=NOW
        )
        assert cancelled.result == "cancelled"
        queued = await outbox(services)
        to_ib = [m for m in queued if m.to_address == "ib@example.dk"]
        assert len(to_ib) == 2  # the waiting-list reply, then the promotion
        assert "plads fri" in to_ib[-1].body and to_ib[-1].ics is not None
        assert "In-Reply-To" not in to_ib[-1].headers  # a new message, not a reply
    finally:
        await services.close()
