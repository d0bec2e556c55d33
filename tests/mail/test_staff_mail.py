"""The staff mailbox, end to end: cases forwarded to the staff address, answered by replying.

As ``python -m bot run`` runs it with ``BOT_STAFF_EMAIL`` set: the mailbox channel's ``serve``
(the real IMAP worker, outbox sender and ``MailHandler``) and the staff desk's loop, over a real
Dovecot mailbox and a real aiosmtpd, on SQLite and on PostgreSQL. Participants and staff write
into the bot's IMAP folder; what the bot sends them is what aiosmtpd accepted. The event lies a
year ahead, because the worker and the desk read the real clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.answering import compose
from bot.cases import StaffMember
from bot.cases.service import CaseInfo
from bot.channels.mail.handling import MailHandler
from bot.channels.mail.models import InboundMail, OutboxMail
from bot.channels.mail.outbox import Outbox
from bot.channels.mail.serve import serve
from bot.channels.mail.staff import staff_command
from bot.clock import now
from bot.registrations.identity import Identity
from bot.services import Services
from bot.settings import Settings
from tests.conftest import postgres_schema
from tests.mail.conftest import BOT_ADDRESS, SmtpServer, folder_message_ids, until
from tests.mail.dovecot import PASSWORD, Dovecot, append
from tests.mail.test_end_to_end import future_event

STAFF = "sekretariat@kommune.example.dk"
BIRTHE = "birthe@handicapraad.example.dk"
OLE = "ole.bak@aeldreraad.example.dk"
INVITATION = "invitation-1@kommune.example.dk"
QUESTION = "Er der parkering ved hotellet?"
ANSWER = "Ja, der er gratis parkering bag hotellet."


# ----------------------------------------------------------------------------- the bot


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    """The database settings: an SQLite file, or a fresh schema on ``BOT_TEST_POSTGRES_URL``."""
    if request.param == "sqlite":
        yield {"database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"}
        return
    async with postgres_schema("staffmail") as (url, schema):
        yield {"database_url": url, "database_schema": schema}


@pytest.fixture
def title(tmp_path: Path) -> str:
    """The knowledge: one theme day a year ahead; its title."""
    return future_event(tmp_path / "knowledge")


@pytest.fixture
def settings(
    tmp_path: Path,
    title: str,
    database: dict[str, str],
    dovecot: Dovecot,
    mailbox_user: str,
    smtp: SmtpServer,
) -> Settings:
    return Settings(
        knowledge_dir=tmp_path / "knowledge",
        data_dir=tmp_path,
        **database,
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_user=mailbox_user,
        imap_password=SecretStr(PASSWORD),
        imap_ssl=False,
        imap_poll_seconds=1,
        # A safety net only: mail announced just before IDLE is noticed at once (see imap.py).
        imap_idle_seconds=30,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        mail_from=BOT_ADDRESS,
        staff_email=STAFF,
    )


@dataclass
class Bot:
    """The bot as ``run`` runs it for the mailbox: ``serve`` and the staff desk's loop."""

    services: Services
    stop: asyncio.Event
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def halt(self) -> None:
        """Stop as on SIGTERM; a task that failed meanwhile fails the test here."""
        self.stop.set()
        try:
            await asyncio.wait_for(asyncio.gather(*self.tasks), timeout=30)
        finally:
            await self.services.close()


@pytest.fixture
async def start(settings: Settings) -> AsyncIterator[Callable[[], Awaitable[Bot]]]:
    """Start the bot (again: a restart on the same database); all are stopped at the end."""
    bots: list[Bot] = []

    async def started() -> Bot:
        services = await Services.start(settings)
        handler = MailHandler(
            services, Outbox(services.db, mail_from=BOT_ADDRESS), mail_from=BOT_ADDRESS
        )
        bot = Bot(services, asyncio.Event())
        bot.tasks.append(asyncio.create_task(serve(services, bot.stop, handler)))
        bot.tasks.append(asyncio.create_task(services.desk.run(bot.stop)))
        bots.append(bot)
        return bot

    yield started
    for bot in bots:
        if not bot.stop.is_set():
            await bot.halt()


# ---------------------------------------------------------------------------- the mail


@dataclass
class Mailroom:
    """Writing into the bot's mailbox, and reading what the bot sent (aiosmtpd)."""

    dovecot: Dovecot
    user: str
    smtp: SmtpServer
    title: str

    async def deliver(self, raw: bytes) -> None:
        await asyncio.to_thread(append, self.dovecot, self.user, [raw])

    def sent_to(self, address: str) -> list[EmailMessage]:
        return [m.message for m in list(self.smtp.messages) if address in m.rcpt_tos]

    async def mail_to(self, address: str, number: int, what: str) -> EmailMessage:
        """The ``number``-th message the bot sent to ``address`` (1-based), once it has."""
        await until(lambda: len(self.sent_to(address)) >= number, within=45, what=what)
        return self.sent_to(address)[number - 1]

    async def ask(
        self,
        text: str,
        *,
        sender: str = BIRTHE,
        name: str = "Birthe Jensen",
        subject: str | None = None,
        reply_to: str | None = INVITATION,
    ) -> str:
        """A participant writes (by default replying to the invitation); their Message-ID."""
        message = EmailMessage()
        message["From"] = f"{name} <{sender}>"
        message["To"] = BOT_ADDRESS
        message["Subject"] = subject or f"SV: Invitation: {self.title}"
        message["Message-ID"] = make_msgid(domain=sender.split("@")[1])
        if reply_to:
            message["In-Reply-To"] = f"<{reply_to}>"
            message["References"] = f"<{reply_to}>"
        message.set_content(f"Hej\n\n{text}\n\nMvh {name}\n")
        await self.deliver(message.as_bytes())
        return bare(message["Message-ID"])

    async def answer(
        self,
        forward: EmailMessage,
        text: str,
        *,
        sender: str = STAFF,
        html: bool = False,
        charset: str = "utf-8",
        headers: dict[str, str] | None = None,
        copies: int = 1,
    ) -> str:
        """Someone replies to a staff forward as Outlook does, the forward quoted below.

        ``copies`` > 1 puts the same message into the folder again, as a crash between the
        handler's commit and the filing leaves it to be read again.
        """
        message = EmailMessage()
        message["From"] = f"Anne Holm <{sender}>"
        message["To"] = BOT_ADDRESS
        message["Subject"] = f"SV: {forward['Subject']}"
        message["Message-ID"] = make_msgid(domain=sender.split("@")[1])
        message["In-Reply-To"] = forward["Message-ID"]
        message["References"] = f"{forward['References'] or ''} {forward['Message-ID']}".strip()
        for name, value in (headers or {}).items():
            message[name] = value
        quoted = body(forward)
        if html:
            message.set_content(
                f"<html><body><div>{text}</div><div>Mvh Anne</div>"
                '<div id="divRplyFwdMsg"><b>Fra:</b> Deltagerbot<br><b>Sendt:</b> 10. april'
                f"<br><b>Emne:</b> {forward['Subject']}</div><div>{quoted}</div></body></html>",
                subtype="html",
                charset=charset,
            )
        else:
            message.set_content(
                f"{text}\n\nMvh Anne\n\nFra: Deltagerbot <{BOT_ADDRESS}>\nSendt: 10. april\n"
                f"Til: {STAFF}\nEmne: {forward['Subject']}\n\n{quoted}\n",
                charset=charset,
            )
        for _copy in range(copies):
            await self.deliver(message.as_bytes())
        return bare(message["Message-ID"])


@pytest.fixture
def mailroom(dovecot: Dovecot, mailbox_user: str, smtp: SmtpServer, title: str) -> Mailroom:
    return Mailroom(dovecot, mailbox_user, smtp, title)


def bare(message_id: Any) -> str:
    return str(message_id).strip().strip("<>")


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


async def inbound(services: Services) -> list[InboundMail]:
    async with services.db.session() as session:
        return list(await session.scalars(select(InboundMail).order_by(InboundMail.id)))


async def handled(services: Services, message_id: str) -> InboundMail:
    """The record of a message, once the bot has handled it."""

    async def done() -> bool:
        return any(
            r.message_key == message_id and r.status == "done" for r in await inbound(services)
        )

    await until(done, within=45, what=f"{message_id} handled")
    [row] = [r for r in await inbound(services) if r.message_key == message_id]
    return row


async def queued_to(services: Services, address: str) -> int:
    """Mail queued for an address (sent or not): what the bot decided to send."""
    async with services.db.session() as session:
        rows = await session.scalars(select(OutboxMail).where(OutboxMail.to_address == address))
        return len(list(rows))


async def only_case(services: Services) -> CaseInfo:
    cases = await services.cases.open_cases()
    assert len(cases) == 1, cases
    return cases[0]


async def escalated(mailroom: Mailroom, question: str = QUESTION) -> tuple[str, EmailMessage]:
    """Birthe asks what the bot cannot answer: she is told, and staff get the case."""
    asked = await mailroom.ask(question)
    told = await mailroom.mail_to(BIRTHE, 1, "the escalation reply")
    assert compose.escalation_text("da") in body(told)
    forward = await mailroom.mail_to(STAFF, 1, "the case forwarded to staff")
    return asked, forward


# ---------------------------------------------------------------------------- the tests


async def test_a_staff_reply_by_mail_answers_the_participant_in_her_thread_and_lost_closes(
    start: Callable[[], Awaitable[Bot]], mailroom: Mailroom
) -> None:
    bot = await start()
    services = bot.services
    asked, forward = await escalated(mailroom)

    assert forward["Subject"] == f"Sag #1: {QUESTION}"
    assert forward["From"].addresses[0].addr_spec == BOT_ADDRESS
    text = body(forward)
    assert QUESTION in text and "Birthe Jensen" in text and mailroom.title in text
    assert 'Svar kun med "Løst"' in text and 'kun med "Gem"' in text

    answer_id = await mailroom.answer(forward, ANSWER)
    relay = await mailroom.mail_to(BIRTHE, 2, "the staff answer relayed")
    assert bare(relay["In-Reply-To"]) == asked
    assert relay["References"].split() == [f"<{INVITATION}>", f"<{asked}>"]
    assert relay["Subject"] == f"SV: Invitation: {mailroom.title}"
    letter = body(relay)
    assert letter.startswith("Kære Birthe Jensen") and "Svar fra sekretariatet:" in letter
    assert ANSWER in letter and "Sekretariat for Nordjysk Socialaftale" in letter
    assert "Mvh Anne" not in letter and "Fra: Deltagerbot" not in letter  # no signature, no quote
    record = await handled(services, answer_id)
    assert (record.action, record.result) == ("staff", "answered")
    case = await only_case(services)
    assert (case.status, case.answer, case.taken_by) == ("answered", ANSWER, "Anne Holm")

    closing = await mailroom.answer(forward, "Løst")
    handback = await mailroom.mail_to(BIRTHE, 3, "the participant told the case is closed")
    assert "Sekretariatet har afsluttet dit spørgsmål" in body(handback)
    assert bare(handback["In-Reply-To"]) == asked
    closed = await mailroom.mail_to(STAFF, 2, "the closing in the staff thread")
    assert bare(closed["In-Reply-To"]) == bare(forward["Message-ID"])
    assert "Sag #1 er lukket" in body(closed)
    assert (await handled(services, closing)).result == "closed"
    assert await services.cases.open_cases() == []

    again = await mailroom.ask("Hvornår starter temadagen?")
    record = await handled(services, again)
    assert (record.action, record.result) == ("question", "answered")
    reply = await mailroom.mail_to(BIRTHE, 4, "the bot's own answer again")
    assert "11.00" in body(reply) and compose.escalation_text("da") not in body(reply)
    # Staff heard nothing back for the answer and the "Løst": only the forward and the closing.
    assert len(mailroom.sent_to(STAFF)) == 2
    assert [r.action for r in await inbound(services)] == ["question", "staff", "staff", "question"]


async def test_while_a_person_has_the_case_the_participant_s_mail_goes_to_staff_in_the_thread(
    start: Callable[[], Awaitable[Bot]], mailroom: Mailroom
) -> None:
    bot = await start()
    services = bot.services
    _asked, forward = await escalated(mailroom)
    case = await only_case(services)
    await services.cases.take(case.id, StaffMember("telegram:7", "Anne Holm"), now())
    taken = await mailroom.mail_to(BIRTHE, 2, "the participant told a person has it")
    assert "En medarbejder i sekretariatet ser nu på dit spørgsmål" in body(taken)

    # Even a signup: the person handling her case sees it, the bot does not act on its own.
    more = await mailroom.ask("Ja tak, jeg tilmelder mig. Jeg har en ledsager med, er det ok?")
    record = await handled(services, more)
    assert (record.action, record.result) == ("case", "added")
    followup = await mailroom.mail_to(STAFF, 2, "the follow-up in the case's thread")
    assert bare(followup["In-Reply-To"]) == bare(forward["Message-ID"])
    assert followup["Subject"] == f"SV: {forward['Subject']}"
    assert "Birthe Jensen" in body(followup) and "jeg har en ledsager med" in body(followup).lower()
    assert await queued_to(services, BIRTHE) == 2  # the escalation and "a person has it": no more
    assert await services.registrations.registrations_of(Identity(email=BIRTHE), now=now()) == []
    entries = await services.cases.conversation(case.id)
    assert [e.author for e in entries] == ["participant", "participant"]

    # A reply to the follow-up finds the case as well.
    answer_id = await mailroom.answer(followup, "Ja, din ledsager er velkommen.")
    relay = await mailroom.mail_to(BIRTHE, 3, "the answer to the follow-up")
    assert "Ja, din ledsager er velkommen." in body(relay)
    assert (await handled(services, answer_id)).result == "answered"


async def test_only_staff_replies_are_relayed_and_gem_teaches_the_bot(
    start: Callable[[], Awaitable[Bot]], mailroom: Mailroom
) -> None:
    bot = await start()
    services = bot.services
    _asked, forward = await escalated(mailroom)

    # The participant got hold of the forward, and someone forges a reply to it: neither is
    # staff, so both are ordinary mail, and nothing reaches the participant as staff's answer.
    forged = await mailroom.answer(forward, "Der er ingen parkering.", sender=BIRTHE)
    stranger = await mailroom.answer(forward, "Løst", sender="someone@elsewhere.example.org")
    for message_id in (forged, stranger):
        assert (await handled(services, message_id)).action != "staff"
    case = (await services.cases.open_cases())[0]
    assert (case.status, case.answer) == ("new", None)
    conversation = await services.cases.conversation(case.id)
    assert all(e.author != "staff" for e in conversation)
    async with services.db.session() as session:
        relays = await session.scalars(
            select(OutboxMail.body).where(OutboxMail.to_address == BIRTHE)
        )
        assert not any("Svar fra sekretariatet" in b for b in relays)

    answer_id = await mailroom.answer(forward, ANSWER)
    await handled(services, answer_id)
    save = await mailroom.answer(forward, "Gem")
    assert (await handled(services, save)).result == "taught"
    [learned] = await services.cases.learned()
    assert learned.answer == ANSWER and learned.event == "temadag-naeste-aar"

    asked = await mailroom.ask(
        "Kan man parkere ved hotellet?", sender=OLE, name="Ole Bak", reply_to=None,
        subject=f"Spørgsmål om {mailroom.title}",
    )  # fmt: skip
    record = await handled(services, asked)
    assert (record.action, record.result) == ("question", "answered")
    reply = await mailroom.mail_to(OLE, 1, "the bot's taught answer")
    assert ANSWER in body(reply)
    # A saved answer is confirmed by nothing: staff got only the forward(s) of real cases.
    assert all("Gem" not in m["Subject"] for m in mailroom.sent_to(STAFF))


async def test_a_taken_case_and_its_muting_survive_a_restart(
    start: Callable[[], Awaitable[Bot]], mailroom: Mailroom
) -> None:
    first = await start()
    await until(lambda: first.services.health.mailbox == "connected", what="the worker's report")
    _asked, forward = await escalated(mailroom)
    case = await only_case(first.services)
    await first.services.cases.take(case.id, StaffMember(f"email:{STAFF}", "Anne Holm"), now())
    await mailroom.mail_to(BIRTHE, 2, "the participant told a person has it")
    await first.halt()
    assert first.services.health.mailbox == "disconnected"

    second = await start()  # a new process: services, handler, worker, desk
    services = second.services
    case = await only_case(services)
    assert (case.status, case.taken_by) == ("taken", "Anne Holm")
    assert await services.cases.muted_case("email", BIRTHE, now()) is not None

    more = await mailroom.ask("Kan jeg tage min hund med?")
    assert (await handled(services, more)).action == "case"
    followup = await mailroom.mail_to(STAFF, 2, "the follow-up after the restart")
    assert bare(followup["In-Reply-To"]) == bare(forward["Message-ID"])
    assert await queued_to(services, BIRTHE) == 2
    answer_id = await mailroom.answer(forward, "Ja, hunde er velkomne.")
    relay = await mailroom.mail_to(BIRTHE, 3, "the answer after the restart")
    assert "Ja, hunde er velkomne." in body(relay)
    assert (await handled(services, answer_id)).result == "answered"
    # The case was forwarded once, not again by the new desk.
    assert sum(1 for m in mailroom.sent_to(STAFF) if "In-Reply-To" not in m) == 1


async def test_odd_staff_replies_html_another_charset_empty_and_out_of_office(
    start: Callable[[], Awaitable[Bot]], mailroom: Mailroom
) -> None:
    bot = await start()
    services = bot.services
    _asked, forward = await escalated(mailroom)

    # Out of office: never relayed, never answered.
    away = await mailroom.answer(
        forward,
        "Jeg er på ferie til og med uge 30.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    assert (await handled(services, away)).action == "ignore"

    # Only the quoted forward: nothing is sent to the participant; staff are told politely.
    empty = await mailroom.answer(forward, "")
    assert (await handled(services, empty)).result == "empty"
    notice = await mailroom.mail_to(STAFF, 2, "the notice about the empty reply")
    assert "Dit svar i sag #1 indeholdt ingen tekst" in body(notice)
    assert bare(notice["In-Reply-To"]) == empty
    assert (await only_case(services)).status == "new"

    # HTML only, the quote in Outlook's reply block.
    html = await mailroom.answer(forward, "Ja, der er <b>gratis</b> parkering.", html=True)
    assert (await handled(services, html)).result == "answered"
    relay = await mailroom.mail_to(BIRTHE, 2, "the answer from an HTML reply")
    assert "Ja, der er gratis parkering." in body(relay)
    assert "<b>" not in body(relay) and "Emne:" not in body(relay)

    # Another charset, with æøå.
    latin = await mailroom.answer(
        forward, "Kørestolsbrugere kan køre helt op til døren.", charset="windows-1252"
    )
    assert (await handled(services, latin)).result == "answered"
    relay = await mailroom.mail_to(BIRTHE, 3, "the answer from a windows-1252 reply")
    assert "Kørestolsbrugere kan køre helt op til døren." in body(relay)
    assert [m.get("In-Reply-To") for m in mailroom.sent_to(STAFF)][1:] == [f"<{empty}>"]


async def test_a_staff_reply_read_twice_is_relayed_once(
    start: Callable[[], Awaitable[Bot]], mailroom: Mailroom
) -> None:
    bot = await start()
    services = bot.services
    _asked, forward = await escalated(mailroom)
    answer_id = await mailroom.answer(forward, ANSWER, copies=2)

    async def both_filed() -> bool:
        done = await folder_message_ids(mailroom.dovecot, mailroom.user, "Behandlet")
        return done.count(answer_id) == 2

    await until(both_filed, within=45, what="both copies handled and filed")
    assert (await handled(services, answer_id)).result == "answered"
    assert await queued_to(services, BIRTHE) == 2  # the escalation and ONE relay
    conversation = await services.cases.conversation((await only_case(services)).id)
    assert [e.author for e in conversation] == ["participant", "staff"]


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("Løst", "close"),
        ("løst!", "close"),
        ("Lukket.", "close"),
        ("Resolved", "close"),
        ("Løst og lukket", "close"),
        ("Løst\n\nAnne", "close"),
        ("Gem", "teach"),
        ("Gem som svar", "teach"),
        ("Save", "teach"),
        ("Løst, men hun skal have et svar i morgen", None),
        ("Det er løst: der er parkering bag hotellet.", None),
        ("", None),
    ],
)
def test_staff_commands(text: str, command: str | None) -> None:
    assert staff_command(text) == command


async def test_staff_ask_the_mailbox_for_an_event_s_needs_and_get_the_venue_s_pdf(
    start: Callable[[], Awaitable[Bot]], mailroom: Mailroom
) -> None:
    """A mail "Behov <event>" from a staff address, in no case's thread: the event's needs in
    the reply, and the venue's PDF; words that name no event get the list of events."""
    await start()
    await mailroom.ask("Jeg tilmelder mig gerne. Jeg har brug for tegnsprogstolk.")
    await mailroom.mail_to(BIRTHE, 1, "the confirmation")
    await mailroom.ask(
        "Kan I sende mig oversigten?", sender=STAFF, name="Anne Holm",
        subject="Behov temadag-naeste-aar", reply_to=None,
    )  # fmt: skip
    summary = await mailroom.mail_to(STAFF, 1, "the needs summary")
    text = body(summary)
    assert f"Behov til {mailroom.title}" in text
    assert "Birthe Jensen" in text and "tegnsprogstolk" in text
    [pdf] = [p for p in summary.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == "behov-temadag-naeste-aar.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    await mailroom.ask("Tak", sender=STAFF, name="Anne Holm", subject="Behov julefrokost",
                       reply_to=None)  # fmt: skip
    unknown = body(await mailroom.mail_to(STAFF, 2, "how to ask"))
    assert "julefrokost" in unknown and "temadag-naeste-aar" in unknown
    assert "Birthe" not in unknown
    assert mailroom.sent_to(BIRTHE)[1:] == []  # the participant hears nothing of it
