"""The invite command: invitations from the knowledge base, sent, and replies threaded back."""

from __future__ import annotations

import asyncio
import os
import sys
from email.message import EmailMessage
from pathlib import Path

from bot.channels.mail.handling import MailHandler
from bot.channels.mail.outbox import Outbox
from bot.clock import now
from bot.services import Services
from bot.settings import Settings
from tests.conftest import ROOT
from tests.mail.conftest import BOT_ADDRESS, SmtpServer
from tests.mail.test_end_to_end import future_event


async def test_invitations_are_sent_and_a_reply_in_the_thread_finds_the_event(
    smtp: SmtpServer, tmp_path: Path
) -> None:
    title = future_event(tmp_path / "knowledge")
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    recipients = tmp_path / "modtagere.csv"
    recipients.write_text(
        "\ufeffnavn;email\nKaren Holm;Karen.Holm@Jammerbugt.dk\nIb;ikke en adresse\n"
        "Jens;jp@vesthimmerland.dk\nKaren igen;karen.holm@jammerbugt.dk\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "BOT_KNOWLEDGE_DIR": str(tmp_path / "knowledge"),
        "BOT_DATABASE_URL": database,
        "BOT_SMTP_HOST": "127.0.0.1",
        "BOT_SMTP_PORT": str(smtp.port),
        "BOT_SMTP_STARTTLS": "false",
        "BOT_MAIL_FROM": BOT_ADDRESS,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "invite",
        "temadag-naeste-aar",
        "--to",
        str(recipients),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert "2 invitation(s) queued" in out.decode() and "2 sent" in out.decode()
    assert "line 3" in err.decode()  # the row that is not an address is reported
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "jp@vesthimmerland.dk",
        "karen.holm@jammerbugt.dk",
    ]
    invitation = smtp.messages[0].message
    assert invitation["Subject"] == f"Invitation: {title}"
    body = invitation.get_body(preferencelist=("plain",))
    assert body is not None and "Ja tak" in body.get_content()
    assert "Scandic Aalborg Øst" in body.get_content()
    assert any(p.get_content_type() == "text/calendar" for p in invitation.iter_attachments())

    reply = EmailMessage()
    reply["From"] = "Karen Holm <karen.holm@jammerbugt.dk>"
    reply["To"] = BOT_ADDRESS
    reply["Subject"] = "SV: hej"  # says nothing: the thread must tell the event
    reply["Message-ID"] = "<svar-1@jammerbugt.dk>"
    reply["In-Reply-To"] = invitation["Message-ID"]
    reply["References"] = invitation["Message-ID"]
    reply.set_content("Ja tak.\n\nKaren Holm\nHandicaprådet, Jammerbugt Kommune")
    settings = Settings(
        knowledge_dir=tmp_path / "knowledge",
        data_dir=tmp_path,
        database_url=database,
        mail_from=BOT_ADDRESS,
    )
    services = await Services.start(settings)
    try:
        handler = MailHandler(
            services, Outbox(services.db, mail_from=BOT_ADDRESS), mail_from=BOT_ADDRESS
        )
        handled = await handler.handle(reply.as_bytes(), now=now())
        assert (handled.action, handled.result, handled.event) == (
            "signup",
            "registered",
            "temadag-naeste-aar",
        )
    finally:
        await services.close()
