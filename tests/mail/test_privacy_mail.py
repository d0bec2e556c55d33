"""Privacy by e-mail, end to end: "mine data" and "slet mig" / "JA, SLET" over the mailbox.

As ``python -m bot run`` runs the mailbox with a staff address (the fixtures of
``test_staff_mail``): real Dovecot, real aiosmtpd, SQLite and PostgreSQL. The report goes to the
From address only, never to a Reply-To and never with anyone else's data; an erasure needs the
"JA, SLET" in the thread of the bot's question, and leaves nothing of the person in any table.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.mail.models import OutboxMail
from bot.services import Services
from tests.mail.conftest import SmtpServer, mailbox_bot, until
from tests.mail.dovecot import Dovecot
from tests.mail.test_end_to_end import future_event
from tests.mail.test_staff_mail import (
    ANSWER,
    BIRTHE,
    OLE,
    QUESTION,
    STAFF,
    Mailroom,
    bare,
    body,
    handled,
)
from tests.privacy.conftest import search
from tests.privacy.test_logs import leaks

BIRTHE_TRACES = ["Birthe Jensen", "Jensen", BIRTHE, "parkering ved hotellet"]


@pytest.fixture(params=["sqlite", "postgresql"])
async def services(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    dovecot: Dovecot,
    mailbox_user: str,
    smtp: SmtpServer,
) -> AsyncIterator[Services]:
    """The bot as ``run`` runs the mailbox with a staff address: ``serve`` and the desk."""
    future_event(tmp_path / "knowledge")
    async with mailbox_bot(
        request.param, tmp_path, dovecot, mailbox_user, smtp,
        desk=True, imap_idle_seconds=2, staff_email=STAFF,
    ) as running:  # fmt: skip
        yield running


@pytest.fixture
def mailroom(dovecot: Dovecot, mailbox_user: str, smtp: SmtpServer, tmp_path: Path) -> Mailroom:
    title = (tmp_path / "knowledge" / "temadag.yaml").read_text(encoding="utf-8")
    return Mailroom(dovecot, mailbox_user, smtp, title.split("title: ", 1)[1].split("\n")[0])


def attachment(message: EmailMessage) -> tuple[str, dict[str, object]]:
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == "application/json"
    return str(part.get_filename()), json.loads(part.get_content())


async def emptied_when_sent(services: Services) -> None:
    """Privacy mail leaves no copy in the outbox once the server has it."""

    async def done() -> bool:
        async with services.db.session() as session:
            rows = await session.scalars(
                select(OutboxMail).where(OutboxMail.forget_when_sent, OutboxMail.body != "")
            )
            return not list(rows)

    await until(done, what="privacy mail emptied after sending")


async def test_my_data_by_mail_goes_to_the_sender_only_with_their_data_only(
    services: Services, mailroom: Mailroom
) -> None:
    await mailroom.ask("Ja tak, jeg deltager gerne.")
    await mailroom.mail_to(BIRTHE, 1, "Birthe's confirmation")
    await mailroom.ask("Ja tak, jeg deltager.", sender=OLE, name="Ole Bak")
    await mailroom.mail_to(OLE, 1, "Ole's confirmation")

    asked = await mailroom.ask("mine data", subject="Mine data", reply_to=None)
    report = await mailroom.mail_to(BIRTHE, 2, "Birthe's data")
    assert report["To"] == BIRTHE and bare(report["In-Reply-To"]) == asked
    text = body(report)
    assert "Her er alt, hvad jeg har gemt om dig" in text and "Birthe Jensen" in text
    assert mailroom.title in text and "Ole" not in text and OLE not in text
    filename, data = attachment(report)
    assert filename == "mine-data.json" and OLE not in json.dumps(data)
    assert (await handled(services, asked)).result == "exported"
    await emptied_when_sent(services)

    # Someone writes from Ole's address and asks for the answer to go elsewhere: it goes to
    # Ole's address, with Ole's data, and Birthe's is in no mail.
    message = EmailMessage()
    message["From"] = f"Ole Bak <{OLE}>"
    message["Reply-To"] = "mallory@evil.example"
    message["To"] = mailroom.smtp.config().mail_from
    message["Subject"] = "my data"
    message["Message-ID"] = "<forged-1@evil.example>"
    message.set_content("My data please")
    await mailroom.deliver(message.as_bytes())
    to_ole = await mailroom.mail_to(OLE, 2, "Ole's data")
    assert "Ole Bak" in body(to_ole) and "Birthe" not in body(to_ole)
    assert BIRTHE not in json.dumps(attachment(to_ole)[1]) and to_ole["To"] == OLE
    assert attachment(to_ole)[0] == "my-data.json"  # asked in English
    assert mailroom.sent_to("mallory@evil.example") == []
    assert len(mailroom.sent_to(BIRTHE)) == 2


async def test_delete_me_by_mail_asks_and_only_a_yes_in_its_thread_erases(
    services: Services, mailroom: Mailroom, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await mailroom.ask("Ja tak, jeg deltager gerne.")
    await mailroom.mail_to(BIRTHE, 1, "the confirmation")
    await mailroom.ask("Ja tak, jeg deltager.", sender=OLE, name="Ole Bak")
    await mailroom.ask(QUESTION)
    await mailroom.mail_to(BIRTHE, 2, "the question handed to staff")
    forward = await mailroom.mail_to(STAFF, 1, "the case forwarded to staff")
    await mailroom.answer(forward, ANSWER)
    await mailroom.mail_to(BIRTHE, 3, "the staff answer relayed")

    await mailroom.ask("Slet mig", reply_to=None, subject="Slet mig")
    question = await mailroom.mail_to(BIRTHE, 4, "the erasure question")
    assert "Tilmeldinger: 1" in body(question) and "JA, SLET" in body(question)

    # "JA, SLET" outside that thread (as anyone could forge it) only asks again.
    outside = await mailroom.ask("JA, SLET", reply_to=None, subject="SV: Slet mig")
    again = await mailroom.mail_to(BIRTHE, 5, "the question again")
    assert "JA, SLET" in body(again)
    assert (await handled(services, outside)).result == "asked"
    assert len(await services.registrations.event_registrations("temadag-naeste-aar")) == 2

    yes = await mailroom.ask("JA, SLET", reply_to=bare(question["Message-ID"]))
    done = await mailroom.mail_to(BIRTHE, 6, "the erasure done")
    assert "er nu slettet" in body(done) and bare(done["In-Reply-To"]) == yes
    await emptied_when_sent(services)
    await until(lambda: len(mailroom.sent_to(STAFF)) >= 2, what="the closed case to staff")

    assert await search(services, BIRTHE_TRACES) == []
    assert leaks(caplog, [*BIRTHE_TRACES, OLE]) == []
    infos = await services.registrations.event_registrations("temadag-naeste-aar")
    assert [i.name for i in infos] == ["Ole Bak"]
