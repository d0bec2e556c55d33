"""Needs, companions and colleagues by e-mail, as ``python -m bot run`` runs the mailbox: Dovecot
in, the real handler, aiosmtpd out. Two needs in a reply are repeated in the confirmation and in
the export; a colleague with an address of their own gets a registration and a confirmation of
their own; a second mail changes the registration (``updated``) and keeps what it does not
withdraw; nothing is read from the quoted invitation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from email.utils import make_msgid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cases.models import Case
from bot.clock import now
from bot.registrations.export import export_csv
from bot.registrations.identity import Identity
from bot.services import Services
from tests.mail.conftest import BOT_ADDRESS, SmtpServer, mailbox_bot, until
from tests.mail.dovecot import Dovecot, append
from tests.mail.test_end_to_end import future_event

# The invitation names needs too: the quote must never be read as the person's.
QUOTE = (
    f"Fra: Sekretariatet <{BOT_ADDRESS}>\r\nSendt: 2. april 10:12\r\nEmne: Invitation\r\n\r\n"
    "Skriv gerne, hvis du har brug for tegnsprogstolk, teleslynge, ledsager eller særlig kost.\r\n"
)


JYTTE, PER = "jytte.brandt@example.dk", "per.nielsen@example.dk"


def reply(title: str, message_id: str, text: str) -> bytes:
    return (
        "From: Jytte Brandt <jytte.brandt@example.dk>\r\n"
        f"To: {BOT_ADDRESS}\r\n"
        f"Subject: SV: Invitation: {title}\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{text}\r\n\r\nMed venlig hilsen\r\nJytte Brandt\r\n"
        f"Handicaprådet i Jammerbugt Kommune\r\n{QUOTE}"
    ).encode()


def bodies(sent: SmtpServer, to: str) -> list[str]:
    """The plain text of every message sent to ``to``, in order."""
    found = []
    for mail in sent.messages:
        part = mail.message.get_body(preferencelist=("plain",))
        if to in mail.rcpt_tos and part is not None:
            found.append(str(part.get_content()))
    return found


def sent_with(sent: SmtpServer, to: str, text: str) -> bool:
    return any(text in body for body in bodies(sent, to))


async def test_needs_and_a_colleague_by_mail_then_a_change(
    dovecot: Dovecot, mailbox_user: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    title = future_event(tmp_path / "knowledge")
    first = reply(
        title,
        make_msgid(domain="example.dk"),
        "Ja tak, jeg vil gerne deltage.\r\n"
        "Jeg kører i kørestol og er vegetar. Jeg tilmelder også min kollega Per Nielsen, "
        "per.nielsen@example.dk.",
    )
    async with mailbox_bot("sqlite", tmp_path, dovecot, mailbox_user, smtp) as services:
        await asyncio.to_thread(append, dovecot, mailbox_user, [first])
        await until(
            lambda: (
                sent_with(smtp, JYTTE, "Du er tilmeldt") and sent_with(smtp, PER, "Du er tilmeldt")
            ),
            within=90,
            what="two confirmations",
        )
        [mine] = bodies(smtp, JYTTE)
        assert "Du er tilmeldt" in mine
        assert "Vi har noteret: kørestol eller rollator, kost eller madallergi." in mine
        assert "Per Nielsen (per.nielsen@example.dk) er også tilmeldt" in mine
        [theirs] = bodies(smtp, PER)
        assert "Du er tilmeldt" in theirs and "Jytte Brandt har tilmeldt dig" in theirs
        assert "Vi har noteret" not in theirs  # her needs are not his
        assert "svar blot på denne e-mail" in theirs  # asked once, simply

        registrations = services.registrations
        [jytte] = await registrations.registrations_of(
            Identity(email="jytte.brandt@example.dk"), now=now()
        )
        assert jytte.need_kinds == ("wheelchair", "diet")
        assert jytte.organisation == "Handicaprådet i Jammerbugt Kommune"
        listing = await registrations.event_registrations(jytte.event_slug)
        exported = export_csv(listing, services.kb.event(jytte.event_slug)).decode("utf-8-sig")
        assert "kørestol eller rollator, kost eller madallergi" in exported
        assert "Per Nielsen" in exported

        second = reply(
            title,
            make_msgid(domain="example.dk"),
            "Hej igen\r\n\r\nMin ledsager Else Gade kommer alligevel med.",
        )
        await asyncio.to_thread(append, dovecot, mailbox_user, [second])
        await until(lambda: len(bodies(smtp, JYTTE)) == 2, within=90, what="the update's reply")
        changed = bodies(smtp, JYTTE)[1]
        assert "Vi har opdateret din tilmelding" in changed
        assert "kørestol eller rollator, hjælper eller ledsager, kost eller madallergi" in changed
        assert "Pladser til hjælpere eller ledsagere: 1 (Else Gade)" in changed
        [again] = await registrations.registrations_of(
            Identity(email="jytte.brandt@example.dk"), now=now()
        )
        assert again.id == jytte.id and again.companions == ("Else Gade",)


@pytest.fixture(params=["sqlite", "postgresql"])
async def mailroom(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    dovecot: Dovecot,
    mailbox_user: str,
    smtp: SmtpServer,
) -> AsyncIterator[tuple[Services, str]]:
    """The mailbox as ``python -m bot run`` serves it, on SQLite or PostgreSQL; and the title."""
    title = future_event(tmp_path / "knowledge")
    async with mailbox_bot(request.param, tmp_path, dovecot, mailbox_user, smtp) as services:
        yield services, title


async def test_needs_in_new_words_then_an_english_change(
    mailroom: tuple[Services, str], dovecot: Dovecot, mailbox_user: str, smtp: SmtpServer
) -> None:
    """Two needs in words the earlier list of need words did not have ("færdes i el-stol", "min
    hørelse er blevet dårlig") are registered and repeated; an English reply that names no
    signup word but states a need is a change of the registration, not a question for staff;
    a question beside a change is answered in the same reply."""
    services, title = mailroom
    first = reply(
        title,
        make_msgid(domain="example.dk"),
        "Ja tak, jeg deltager gerne.\r\nJeg færdes i el-stol, og min hørelse er blevet dårlig.",
    )
    await asyncio.to_thread(append, dovecot, mailbox_user, [first])
    await until(lambda: sent_with(smtp, JYTTE, "Du er tilmeldt"), within=120, what="confirmation")
    [confirmation] = bodies(smtp, JYTTE)
    assert "Vi har noteret: kørestol eller rollator, teleslynge." in confirmation
    who = Identity(email=JYTTE)
    [registered] = await services.registrations.registrations_of(who, now=now())
    assert registered.need_kinds == ("wheelchair", "hearing_loop")

    change = reply(
        title,
        make_msgid(domain="example.dk"),
        "Hi again,\r\n\r\nA quick note about my registration: my daughter-in-law will come "
        "along to help me. Everything else stays as it was.",
    )
    await asyncio.to_thread(append, dovecot, mailbox_user, [change])
    await until(lambda: len(bodies(smtp, JYTTE)) == 2, within=120, what="the change's reply")
    changed = bodies(smtp, JYTTE)[1]
    assert "We have updated your registration" in changed
    assert "wheelchair or walking aid, hearing loop, helper or companion" in changed
    [again] = await services.registrations.registrations_of(who, now=now())
    assert again.id == registered.id
    assert again.need_kinds == ("wheelchair", "hearing_loop", "companion")
    assert len(again.companions) == 1
    async with services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0  # no case

    # A change with a question beside it: both are answered in one reply.
    asking = reply(
        title,
        make_msgid(domain="example.dk"),
        "Hej igen\r\n\r\nJeg er blevet veganer. Hvad er adressen på stedet?",
    )
    await asyncio.to_thread(append, dovecot, mailbox_user, [asking])
    await until(lambda: len(bodies(smtp, JYTTE)) == 3, within=120, what="the third reply")
    both = bodies(smtp, JYTTE)[2]
    assert "Vi har opdateret din tilmelding" in both
    assert "hjælper eller ledsager, kost eller madallergi" in both
    assert "Hadsundvej 200" in both
    [last] = await services.registrations.registrations_of(who, now=now())
    assert "diet" in last.need_kinds
