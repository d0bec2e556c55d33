"""Interpreters booked in time: a need arriving inside the lead time alerts staff at once, one
arriving earlier only when the lead time begins (the reminder job), never twice; marking it
arranged tells the participant. On SQLite and PostgreSQL, through the mail handler and the
outbox sender to aiosmtpd.

FORAAR is Monday 31 March 2025; ten working days before is Monday 17 March, so the lead time
begins at 09:00 that day (the reminders' time).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from email.utils import make_msgid

from sqlalchemy import select

from bot.arranging.marking import Arranging, Marked
from bot.arranging.summary import needs_summary
from bot.channels.mail.handling import MailHandler
from bot.channels.mail.outbox import Outbox, OutboxSender
from bot.clock import parse_aware
from bot.delivery.models import ChatOutboxMessage
from bot.registrations.models import AuditEntry
from bot.reminders.job import ReminderJob
from bot.services import Services
from tests.mail.conftest import SmtpServer, until
from tests.reminders.conftest import (
    BOT_ADDRESS,
    STAFF_CHAT,
    STAFF_EMAIL,
    chat_outbox,
    mail_outbox,
    notices,
)
from tests.reminders.events import FORAAR

BIRTHE = "birthe@handicapraad.example.dk"
LEAD_BEGINS = parse_aware("2025-03-17T09:00:00+01:00")


def reply(text: str, who: str = "Birthe Jensen", address: str = BIRTHE) -> bytes:
    """A reply to the invitation, as a mail program sends it."""
    return (
        f"From: {who} <{address}>\r\nTo: {BOT_ADDRESS}\r\n"
        "Subject: SV: Invitation: Forårskonferencen online\r\n"
        f"Message-ID: {make_msgid(domain='example.dk')}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{text}\r\n\r\nMed venlig hilsen\r\n{who}\r\nHandicaprådet\r\n"
    ).encode()


def handler(services: Services) -> MailHandler:
    return MailHandler(services, Outbox(services.db, mail_from=BOT_ADDRESS), mail_from=BOT_ADDRESS)


async def alerts_in_chat(services: Services) -> list[ChatOutboxMessage]:
    return [m for m in await chat_outbox(services.db) if m.kind == "needs_alert"]


async def staff_mails(services: Services) -> list[str]:
    return [m.subject for m in await mail_outbox(services.db) if m.to_address == STAFF_EMAIL]


async def send_mail(services: Services, smtp: SmtpServer, now: datetime, count: int) -> None:
    """Run the mail channel's sender until aiosmtpd has ``count`` messages."""
    stop = asyncio.Event()
    sending = asyncio.create_task(
        OutboxSender(services.db, smtp.config(), clock=lambda: now).run(stop)
    )
    try:
        await until(
            lambda: len(smtp.messages) >= count,
            within=20,
            what="the mails by SMTP",
        )
    finally:
        stop.set()
        await asyncio.wait_for(sending, 10)


def body_to(smtp: SmtpServer, address: str, subject_has: str) -> str:
    for mail in smtp.messages:
        if address in mail.rcpt_tos and subject_has in str(mail.message["Subject"]):
            part = mail.message.get_body(("plain",))
            assert part is not None
            return str(part.get_content())
    raise AssertionError(f"no mail to {address} about {subject_has!r}")


async def test_an_interpreter_inside_the_lead_time_alerts_staff_at_once_and_only_once(
    services: Services, smtp: SmtpServer
) -> None:
    now = parse_aware("2025-03-19T10:00:00+01:00")
    handled = await handler(services).handle(
        reply("Ja tak, jeg kommer gerne.\r\nJeg er døv og har brug for tegnsprogstolk."), now=now
    )
    assert (handled.action, handled.result) == ("signup", "registered")
    [birthe] = await services.registrations.event_registrations(FORAAR)
    assert birthe.need_kinds == ("sign_language",)

    # At once, in the transaction of the signup: the staff chat and the staff mailbox.
    [chat] = await alerts_in_chat(services)
    assert chat.chat_id == str(STAFF_CHAT)
    assert "Skal bestilles til Forårskonferencen online (31. marts 2025):" in chat.text
    assert "- Birthe Jensen: tegnsprogstolk" in chat.text
    assert "Arrangementet er om 7 arbejdsdage." in chat.text
    assert "Skriv /behov foraarsdag-2025" in chat.text
    assert await staff_mails(services) == ["Skal bestilles: tolk til Forårskonferencen online"]
    assert await notices(services.db) == [f"needs:{birthe.id}:sign_language"]

    # The job finds it alerted; a restart (or a second instance) too.
    job = ReminderJob(services)
    assert (await job.run_due(parse_aware("2025-03-19T10:01:00+01:00"))).needs_alerts == 0
    again = await handler(services).handle(
        reply("Jeg har stadig brug for tegnsprogstolk, og jeg er vegetar."),
        now=parse_aware("2025-03-19T11:00:00+01:00"),
    )
    assert again.action == "signup" and again.result == "updated"
    assert len(await alerts_in_chat(services)) == 1

    # The staff mailbox gets it by SMTP: the name, the need, her own words.
    await send_mail(services, smtp, now, 2)  # her confirmation, and the alert
    alert = body_to(smtp, STAFF_EMAIL, "Skal bestilles")
    assert "- Birthe Jensen: tegnsprogstolk (“Jeg er døv og har brug for tegnsprogstolk.”)" in alert
    assert "/behov" not in alert  # that command is the staff chat's

    # Staff book the interpreter: Birthe is told, by e-mail, in Danish.
    arranging = Arranging(services.registrations, services.delivery)
    marked = await arranging.mark(
        services.kb.event(FORAAR),  # type: ignore[arg-type]
        birthe.id,
        "sign_language",
        arranged=True,
        by="Anne Sekretær",
        actor="staff:anne",
        channel="system",
        now=parse_aware("2025-03-20T09:00:00+01:00"),
    )
    assert marked is Marked.ARRANGED
    # With the change's confirmation before it.
    await send_mail(services, smtp, parse_aware("2025-03-20T09:00:00+01:00"), 4)
    told = body_to(smtp, BIRTHE, "Sørget for til dig")
    assert told.startswith("Kære Birthe Jensen")
    assert "\nVi har bestilt tegnsprogstolk til dig til Forårskonferencen online.\r\n" in told
    summary = await needs_summary(services.db, FORAAR)
    [need] = [n for n in summary.people[0].needs if n.kind == "sign_language"]
    assert need.arranged_by == "Anne Sekretær" and need.alerted_at is not None


async def test_an_early_interpreter_is_alerted_by_the_job_when_the_lead_time_begins(
    services: Services, start: object
) -> None:
    early = parse_aware("2025-03-10T10:00:00+01:00")
    await handler(services).handle(
        reply("Ja tak. Jeg bruger skrivetolk og tegnsprogstolk."), now=early
    )
    await handler(services).handle(
        reply("Ja, jeg kommer. Jeg er døv.", who="Carl Holm", address="carl@example.dk"),
        now=early,
    )
    # A third has booked her own interpreter already: staff marked it before the lead time.
    await handler(services).handle(
        reply(
            "Ja tak, jeg kommer gerne. Jeg har brug for tegnsprogstolk.",
            who="Dorte Lund",
            address="dorte@example.dk",
        ),
        now=early,
    )
    assert await alerts_in_chat(services) == [] and await staff_mails(services) == []
    people = {i.name: i for i in await services.registrations.event_registrations(FORAAR)}
    await Arranging(services.registrations, services.delivery).mark(
        services.kb.event(FORAAR),  # type: ignore[arg-type]
        people["Dorte Lund"].id,
        "sign_language",
        arranged=True,
        by="Anne Sekretær",
        actor="staff:anne",
        channel="system",
        now=early,
    )

    job = ReminderJob(services)
    assert (await job.run_due(parse_aware("2025-03-14T12:00:00+01:00"))).needs_alerts == 0
    assert (await job.run_due(parse_aware("2025-03-17T08:59:00+01:00"))).needs_alerts == 0
    assert (await job.run_due(LEAD_BEGINS)).needs_alerts == 3
    [chat] = await alerts_in_chat(services)
    assert "- Birthe Jensen: tegnsprogstolk" in chat.text
    assert "- Birthe Jensen: skrivetolk" in chat.text
    assert "- Carl Holm: tegnsprogstolk" in chat.text
    assert "Dorte Lund" not in chat.text
    assert "Arrangementet er om 9 arbejdsdage." in chat.text
    assert len(await staff_mails(services)) == 1

    # Never twice: the next look, a restart, a need marked and un-marked again.
    assert (await job.run_due(parse_aware("2025-03-17T09:01:00+01:00"))).needs_alerts == 0
    restarted = await start()  # type: ignore[operator]
    assert (await ReminderJob(restarted).run_due(LEAD_BEGINS)).needs_alerts == 0
    await Arranging(services.registrations, services.delivery).mark(
        services.kb.event(FORAAR),  # type: ignore[arg-type]
        people["Dorte Lund"].id,
        "sign_language",
        arranged=False,
        by="Anne Sekretær",
        actor="staff:anne",
        channel="system",
        now=LEAD_BEGINS,
    )
    assert (await job.run_due(parse_aware("2025-03-18T09:00:00+01:00"))).needs_alerts == 1
    assert (await job.run_due(parse_aware("2025-03-18T09:01:00+01:00"))).needs_alerts == 0
    assert len(await alerts_in_chat(services)) == 2
    # Un-marking is audited, and tells Dorte nothing.
    dorte = people["Dorte Lund"].id
    async with services.db.session() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.registration_id == dorte)
            )
        )
    assert actions == ["signed_up", "need_arranged", "need_unarranged"]
    to_dorte = [
        m.subject for m in await mail_outbox(services.db) if m.to_address == "dorte@example.dk"
    ]
    assert to_dorte.count("Sørget for til dig: Forårskonferencen online") == 1


async def test_without_staff_to_tell_nothing_is_claimed_so_the_alert_can_follow(
    start: object,
) -> None:
    services: Services = await start(staff_chat_id=None, staff_email=None)  # type: ignore[operator]
    now = parse_aware("2025-03-19T10:00:00+01:00")
    await handler(services).handle(reply("Ja tak. Jeg har brug for tegnsprogstolk."), now=now)
    assert await notices(services.db) == []
    # Once staff are configured, the job alerts what is still not arranged.
    staffed: Services = await start()  # type: ignore[operator]
    assert (await ReminderJob(staffed).run_due(now)).needs_alerts == 1
