"""The mailbox channel as ``python -m bot run`` runs it: Dovecot in, the real handler, aiosmtpd out.

A participant's Outlook reply lands in a real IMAP mailbox; the channel's ``serve`` (the IMAP
worker and the outbox sender) and the real ``MailHandler`` (reading, classifying, the answering
core, the registration service) turn it into a registration and a confirmation in the same
thread, accepted by a real SMTP server. The event lies in the future, because the worker reads
the real clock.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

from bot.clock import now
from bot.registrations.identity import Identity
from tests.mail.conftest import BOT_ADDRESS, SmtpServer, folder_message_ids, mailbox_bot, until
from tests.mail.dovecot import Dovecot, append


def future_event(folder: Path) -> str:
    """A knowledge folder with one theme day a year from now; its title."""
    day = (now() + timedelta(days=365)).date()
    title = f"Temadag for Handicaprådene i Nordjylland – {day.year}"
    folder.mkdir()
    (folder / "temadag.yaml").write_text(
        f"id: temadag-naeste-aar\nkind: event\nsource: {{file: x.txt}}\ntitle: {title}\n"
        f"organiser: Sekretariat for Nordjysk Socialaftale\nstart: {day} 11:00\nend: {day} 14:30\n"
        "venue: {name: Scandic Aalborg Øst, address: 'Hadsundvej 200, 9220 Aalborg'}\n"
        f"registration: {{deadline: {day - timedelta(days=30)}}}\n",
        encoding="utf-8",
    )
    return title


def outlook_reply(title: str, message_id: str) -> bytes:
    return (
        "From: Karen Holm <karen.holm@jammerbugt.dk>\r\n"
        f"To: {BOT_ADDRESS}\r\n"
        f"Subject: SV: Invitation: {title}\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hej\r\n\r\nHermed tilmelding til temadagen.\r\n\r\nMed venlig hilsen\r\nKaren Holm\r\n"
        "Handicaprådet, Jammerbugt Kommune\r\n\r\n"
        f"Fra: Sekretariatet <{BOT_ADDRESS}>\r\nSendt: 2. april 10:12\r\nEmne: Invitation\r\n\r\n"
        "Tilmelding senest ved dette link.\r\n"
    ).encode()


async def test_a_reply_to_the_invitation_becomes_a_registration_and_a_threaded_confirmation(
    dovecot: Dovecot, mailbox_user: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    title = future_event(tmp_path / "knowledge")
    original = make_msgid(domain="jammerbugt.dk")
    async with mailbox_bot("sqlite", tmp_path, dovecot, mailbox_user, smtp) as services:
        await asyncio.to_thread(append, dovecot, mailbox_user, [outlook_reply(title, original)])
        await until(lambda: len(smtp.messages) == 1, within=90, what="the confirmation")
        [sent] = smtp.messages
        reply = sent.message
        assert sent.rcpt_tos == ["karen.holm@jammerbugt.dk"]
        assert reply["In-Reply-To"] == original and original in reply["References"]
        assert reply["Subject"] == f"SV: Invitation: {title}"
        assert reply["Auto-Submitted"] == "auto-replied"
        body = reply.get_body(preferencelist=("plain",))
        assert body is not None and "Du er tilmeldt" in body.get_content()
        calendars = [p for p in reply.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert len(calendars) == 1
        [registration] = await services.registrations.registrations_of(
            Identity(email="karen.holm@jammerbugt.dk"), now=now()
        )
        assert registration.name == "Karen Holm" and registration.channel == "email"

        async def moved() -> bool:
            done = await folder_message_ids(dovecot, mailbox_user, "Behandlet")
            return done == [original.strip("<>")]

        await until(moved, within=90, what="the message moved to Behandlet")
