"""A signup by e-mail to an event where a workshop must be chosen, as ``python -m bot run`` runs
the mailbox (Dovecot in, the real handler, aiosmtpd out), on SQLite and PostgreSQL.

A reply that names no workshop goes to staff, and what it says the person needs is not lost on
the way: the case keeps it as noted, and the reply repeats it. A reply that names its workshop
("workshop B") is registered with it, and with its needs; a question beside it is answered in
the confirmation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cases.models import Case
from bot.clock import now
from bot.registrations.identity import Identity
from bot.services import Services
from tests.mail.conftest import BOT_ADDRESS, SmtpServer, mailbox_bot, until
from tests.mail.dovecot import Dovecot, append
from tests.mail.test_needs_mail import bodies, sent_with

JYTTE, PER = "jytte.brandt@example.dk", "per.nielsen@example.dk"


def workshop_event(folder: Path) -> str:
    """A knowledge folder with a theme day a year from now where a workshop must be chosen."""
    day = (now() + timedelta(days=365)).date()
    title = f"Temadag om Socialaftalen – {day.year}"
    folder.mkdir()
    (folder / "temadag.yaml").write_text(
        f"id: temadag-workshops\nkind: event\nsource: {{file: x.txt}}\ntitle: {title}\n"
        f"organiser: Sekretariat for Nordjysk Socialaftale\nstart: {day} 10:00\nend: {day} 15:00\n"
        "venue: {name: Scandic Aalborg Øst, address: 'Hadsundvej 200, 9220 Aalborg'}\n"
        f"registration:\n  deadline: {day - timedelta(days=30)}\n  choose_session: at_signup\n"
        "  sessions:\n"
        "    - {key: A, kind: workshop, title: Socialpsykiatri}\n"
        "    - {key: B, kind: workshop, title: Hjerneskade}\n",
        encoding="utf-8",
    )
    return title


def reply(title: str, who: tuple[str, str], text: str) -> bytes:
    name, address = who
    return (
        f"From: {name} <{address}>\r\nTo: {BOT_ADDRESS}\r\n"
        f"Subject: SV: Invitation: {title}\r\nMessage-ID: {make_msgid(domain='example.dk')}\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{text}\r\n\r\nMed venlig hilsen\r\n{name}\r\nHandicaprådet i Jammerbugt Kommune\r\n"
        f"\r\nFra: Sekretariatet <{BOT_ADDRESS}>\r\nSendt: 2. april 10:12\r\nEmne: Invitation\r\n"
        "\r\nVælg workshop A eller B, og skriv gerne, hvis du har brug for ledsager.\r\n"
    ).encode()


@pytest.fixture(params=["sqlite", "postgresql"])
async def mailroom(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    dovecot: Dovecot,
    mailbox_user: str,
    smtp: SmtpServer,
) -> AsyncIterator[tuple[Services, str]]:
    title = workshop_event(tmp_path / "knowledge")
    async with mailbox_bot(request.param, tmp_path, dovecot, mailbox_user, smtp) as services:
        yield services, title


async def test_needs_are_kept_when_the_workshop_is_missing_and_stored_when_named(
    mailroom: tuple[Services, str], dovecot: Dovecot, mailbox_user: str, smtp: SmtpServer
) -> None:
    services, title = mailroom
    unchosen = reply(
        title,
        ("Jytte Brandt", JYTTE),
        "Ja tak, jeg vil gerne deltage.\r\nJeg er vegetar, og min ledsager Bo kommer med.",
    )
    await asyncio.to_thread(append, dovecot, mailbox_user, [unchosen])
    await until(lambda: bool(bodies(smtp, JYTTE)), within=60, what="the reply to staff's case")
    [told] = bodies(smtp, JYTTE)
    # Repeated to the person, with the word that staff have it.
    assert "Vi har noteret: hjælper eller ledsager, kost eller madallergi." in told
    assert "Pladser til hjælpere eller ledsagere: 1 (Bo)" in told
    assert "Du er tilmeldt" not in told
    async with services.db.session() as session:
        [case] = (await session.scalars(select(Case))).all()
    assert case.email == JYTTE and case.event_slug == "temadag-workshops"
    # Staff see the needs as noted in the case, beside the person's own words.
    assert "Vi har noteret: hjælper eller ledsager, kost eller madallergi." in case.question
    assert "Jeg er vegetar" in case.question
    assert await services.registrations.registrations_of(Identity(email=JYTTE), now=now()) == []

    chosen = reply(
        title,
        ("Per Nielsen", PER),
        "Jeg tilmelder mig workshop B. Jeg går med rollator. Hvad er adressen på stedet?",
    )
    await asyncio.to_thread(append, dovecot, mailbox_user, [chosen])
    await until(lambda: sent_with(smtp, PER, "Du er tilmeldt"), within=60, what="confirmation")
    [confirmation] = bodies(smtp, PER)
    assert "Vi har noteret: kørestol eller rollator." in confirmation
    assert "Hadsundvej 200" in confirmation  # the question beside the signup is answered
    [registered] = await services.registrations.registrations_of(Identity(email=PER), now=now())
    assert registered.session_key == "B"
    assert registered.need_kinds == ("wheelchair",)
