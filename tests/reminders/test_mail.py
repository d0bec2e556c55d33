"""An e-mail reminder really sent: queued by the job, sent by the outbox sender to aiosmtpd.

The participant reads it in their mail program, with the calendar file that updates the entry
the confirmation made, and answers "afmeld" to it: the reply finds the event through the thread
and cancels the registration.
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import make_msgid

from icalendar import Calendar

from bot.attendance import qr_png
from bot.channels.mail.handling import MailHandler
from bot.channels.mail.outbox import Outbox, OutboxSender
from bot.clock import parse_aware
from bot.registrations.form import SignupForm
from bot.registrations.models import RegistrationStatus
from bot.reminders.job import ReminderJob
from bot.services import Services
from tests.mail.conftest import SmtpServer, until
from tests.reminders.conftest import BOT_ADDRESS
from tests.reminders.events import FORAAR, SIGNUP_TIME

BIRTHE = "birthe@handicapraad.example.dk"
MOMENT = parse_aware("2025-03-27T09:00:00+01:00")


def calendar_uid(mail: EmailMessage) -> tuple[str, str]:
    """The UID and start of the event in the attached calendar file."""
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    [entry] = Calendar.from_ical(payload).walk("VEVENT")
    return str(entry["UID"]), entry.decoded("DTSTART").isoformat()


async def test_the_reminder_is_sent_by_smtp_with_the_calendar_and_a_reply_cancels(
    services: Services, smtp: SmtpServer
) -> None:
    event = services.kb.event(FORAAR)
    assert event is not None
    result = await services.registrations.signup(
        event,
        SignupForm(name="Birthe Jensen", email=BIRTHE, organisation="Handicaprådet"),
        channel="email",
        now=SIGNUP_TIME,
    )
    assert result.registration is not None
    assert (await ReminderJob(services).run_due(MOMENT)).reminders == 1

    # The sender as the mail channel runs it, on the test's clock (the row is due at MOMENT).
    stop = asyncio.Event()
    sending = asyncio.create_task(
        OutboxSender(services.db, smtp.config(), clock=lambda: MOMENT).run(stop)
    )
    try:
        await until(lambda: len(smtp.messages) == 2, within=20, what="the mail by SMTP")
    finally:
        stop.set()
        await asyncio.wait_for(sending, 10)
    # Birthe's reminder, and the note to staff that signup closed on 21 March.
    [received] = [m for m in smtp.messages if m.rcpt_tos == [BIRTHE]]
    mail = received.message
    assert mail["Subject"] == "Påmindelse: Forårskonferencen online"
    assert mail["Auto-Submitted"] == "auto-generated"
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Link til mødet: https://meet.example.dk/foraar" in text
    assert "mandag den 31. marts 2025 kl. 10.00–12.00" in text
    # The confirmation's check-in code, in words and as an inline QR picture.
    code = result.registration.checkin_code
    assert code is not None and f"{code[:4]}-{code[4:8]}-{code[8:]}" in text
    [picture] = [p for p in mail.iter_attachments() if p.get_content_type() == "image/png"]
    assert picture.get_content_disposition() == "inline"
    assert picture.get_content() == qr_png(code)
    # The confirmation's UID: the calendar updates its entry rather than adding another.
    uid, start = calendar_uid(mail)
    assert uid == f"{FORAAR}-{result.registration.id}@deltagerbot"
    assert start == "2025-03-31T10:00:00+02:00"

    # "afmeld" in reply to the reminder cancels the registration it reminded of.
    reply = (
        f"From: Birthe Jensen <{BIRTHE}>\r\nTo: {BOT_ADDRESS}\r\n"
        f"Subject: SV: {mail['Subject']}\r\nMessage-ID: {make_msgid(domain='example.dk')}\r\n"
        f"In-Reply-To: {mail['Message-ID']}\r\nReferences: {mail['Message-ID']}\r\n"
        "Date: Thu, 27 Mar 2025 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nafmeld\r\n\r\nMvh Birthe\r\n"
    ).encode()
    handler = MailHandler(
        services, Outbox(services.db, mail_from=BOT_ADDRESS), mail_from=BOT_ADDRESS
    )
    handled = await handler.handle(reply, now=parse_aware("2025-03-27T10:00"))
    assert handled.action == "cancel"
    [info] = await services.registrations.event_registrations(FORAAR, include_cancelled=True)
    assert info.status is RegistrationStatus.CANCELLED
    # And the morning of the day brings her nothing.
    assert (await ReminderJob(services).run_due(parse_aware("2025-03-31T07:30"))).reminders == 0
