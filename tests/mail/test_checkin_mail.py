"""The check-in code and the certificate by e-mail, through the mail handler on the bot's real
services: the confirmation gives the code in words with its QR code as an inline picture; "kan
jeg få et kursusbevis?" gets a polite no before the person was checked in, and the PDF after."""

from __future__ import annotations

import io
import re

import pdfplumber
from sqlalchemy import select

from bot.attendance import Attendance, qr_png
from bot.attendance.models import Checkin
from bot.channels.mail.handling import MailHandler
from bot.channels.mail.outbox import build_message
from bot.clock import parse_aware
from bot.services import Services
from tests.mail.test_handling import (
    NOW,
    QUOTE,
    TEMADAG,
    handler,  # noqa: F401  (the fixture)
    mail,
    outbox,
    services,  # noqa: F401  (the fixture)
)

AFTER = parse_aware("2024-06-03T09:00:00+02:00")


async def test_the_code_by_mail_and_the_certificate_only_after_check_in(
    services: Services,  # noqa: F811
    handler: MailHandler,  # noqa: F811
) -> None:
    signup = await handler.handle(mail("Jeg deltager gerne.\n\nKaren Holm" + QUOTE), now=NOW)
    assert signup.result == "registered"
    [confirmation] = await outbox(services)
    written = re.search(r"Din kode til indtjekning er (\S+)\.", confirmation.body)
    assert written is not None
    built = build_message(confirmation, "rammeaftalesekretariat@aalborg.dk")
    types = [part.get_content_type() for part in built.walk()]
    assert "text/calendar" in types and "image/png" in types
    (picture,) = [p for p in built.walk() if p.get_content_type() == "image/png"]
    assert picture.get_content_disposition() == "inline"
    assert picture.get_content() == qr_png(written.group(1).replace("-", ""))

    asked = await handler.handle(mail("Hej\n\nKan jeg få et kursusbevis?\n\nKaren Holm"), now=NOW)
    assert (asked.action, asked.result) == ("certificate", "refused")
    refusal = (await outbox(services))[-1]
    assert "kun give et kursusbevis" in refusal.body and refusal.ics is None

    came = await Attendance(services.db, services.clock).check_in_code(
        TEMADAG, written.group(1), by="Anne Sekretær"
    )
    assert came.name == "Karen Holm"
    again = await handler.handle(
        mail("Kan jeg få et kursusbevis for temadagen?\n\nKaren Holm"), now=AFTER
    )
    assert (again.action, again.result, again.event) == ("certificate", "sent", TEMADAG)
    sent = (await outbox(services))[-1]
    assert "Her er dit kursusbevis" in sent.body
    built = build_message(sent, "rammeaftalesekretariat@aalborg.dk")
    (pdf_part,) = [p for p in built.walk() if p.get_content_type() == "application/pdf"]
    with pdfplumber.open(io.BytesIO(pdf_part.get_content())) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Karen Holm" in text and "Temadag for Handicaprådene" in text
    async with services.db.session() as session:
        asked_at = await session.scalar(select(Checkin.certificate_at))
    assert asked_at is not None  # the request is kept with the check-in, for the report
