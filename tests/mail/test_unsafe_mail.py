"""One bad e-mail never stops the mailbox: the real worker and handler, Dovecot, both databases.

A message whose Message-ID holds a NUL byte, a raw 8-bit byte or 5,000 characters, or whose
name, subject and body hold NUL and raw bytes, sits between two good replies in one batch. The
good ones are handled at once; the bad one is handled safely or kept for staff with its error;
the worker never takes it for a lost connection. The raw bytes are appended to the mailbox as
they are (``APPEND`` of bytes), so the worker fetches what a broken mailer would have sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import imapclient
import pytest
from sqlalchemy import select, text

from bot.channels.mail.handling import MailHandler
from bot.channels.mail.imap import message_key
from bot.channels.mail.models import InboundMail, OutboxMail
from bot.channels.mail.outbox import Outbox, OutboxSender
from bot.clock import now
from bot.registrations.identity import Identity
from bot.services import Services
from bot.settings import Settings
from tests.conftest import postgres_schema
from tests.mail.conftest import (
    BOT_ADDRESS,
    RunningWorker,
    SmtpServer,
    folder_contents,
    imap_config,
    inbound_rows,
    start_worker,
    until,
)
from tests.mail.dovecot import Dovecot, append
from tests.mail.test_end_to_end import future_event

DONE = "Behandlet"
# Normal handling of three replies takes well under two seconds; the bug never handles them.
AT_ONCE = 20.0
GOOD_FIRST = "karen.holm@jammerbugt.dk"
GOOD_LAST = "jens.berg@hjoerring.dk"
BAD = "soeren.baek@aalborg.dk"


@dataclass
class Mailbox:
    """The bot's services on one database, and the title of the event people reply about."""

    services: Services
    title: str
    backend: str


@pytest.fixture(params=["sqlite", "postgresql"])
async def mailbox(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Mailbox]:
    title = future_event(tmp_path / "knowledge")
    common = {"knowledge_dir": tmp_path / "knowledge", "data_dir": tmp_path}
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        services = await Services.start(Settings(database_url=url, mail_from=BOT_ADDRESS, **common))
        try:
            yield Mailbox(services, title, "sqlite")
        finally:
            await services.close()
        return
    async with postgres_schema("unsafe") as (url, schema):
        settings = Settings(
            database_url=url, database_schema=schema, mail_from=BOT_ADDRESS, **common
        )
        services = await Services.start(settings)
        try:
            yield Mailbox(services, title, "postgresql")
        finally:
            await services.close()


def reply(
    title: str,
    address: str,
    *,
    message_id: bytes,
    name: bytes = b"Karen Holm",
    subject_extra: bytes = b"",
    body_extra: bytes = b"",
) -> bytes:
    """A signup reply to the invitation, built from bytes so that any byte can be put in."""
    lines = [
        b"From: " + name + b" <" + address.encode() + b">",
        b"To: " + BOT_ADDRESS.encode(),
        b"Subject: SV: Invitation: " + title.encode() + subject_extra,
        b"Message-ID: " + message_id,
        b"Date: Mon, 23 Nov 2026 10:00:00 +0100",
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=utf-8",
        b"Content-Transfer-Encoding: 8bit",
        b"",
        b"Hej\r\n\r\nHermed tilmelding til temadagen." + body_extra + b"\r\n\r\n"
        b"Med venlig hilsen\r\n" + name + b"\r\nHandicapr\xc3\xa5det\r\n",
    ]
    return b"\r\n".join(lines)


BAD_MESSAGES = {
    "nul-in-message-id": {"message_id": b"<tilmelding\x00nul@aalborg.dk>"},
    "raw-latin1-in-message-id": {"message_id": b"<tilmelding-s\xe6t-\xf8@aalborg.dk>"},
    "message-id-of-5000-characters": {"message_id": b"<" + b"x" * 5000 + b"@aalborg.dk>"},
    "nul-and-raw-bytes-in-name-subject-and-body": {
        "message_id": b"<rod@aalborg.dk>",
        "name": b"S\xf8ren\x00 B\xe6k",
        "subject_extra": b" \x00\xe6\xf8",
        "body_extra": b" Jeg gl\xe6der mig\x00 til dagen \xff\xfe.",
    },
}


async def registered(services: Services, address: str) -> bool:
    found = await services.registrations.registrations_of(Identity(email=address), now=now())
    return len(found) == 1


async def replies_to(services: Services, address: str) -> int:
    async with services.db.session() as session:
        rows = await session.scalars(select(OutboxMail).where(OutboxMail.to_address == address))
        return len(list(rows))


def worker_for(mailbox: Mailbox, dovecot: Dovecot, user: str) -> RunningWorker:
    services = mailbox.services
    handler = MailHandler(
        services, Outbox(services.db, mail_from=BOT_ADDRESS), mail_from=BOT_ADDRESS
    )
    return start_worker(services.db, imap_config(dovecot, user), handler, max_attempts=3)


@pytest.mark.parametrize("case", sorted(BAD_MESSAGES))
async def test_a_bad_message_between_good_ones_never_stops_the_mailbox(
    case: str,
    mailbox: Mailbox,
    dovecot: Dovecot,
    mailbox_user: str,
    smtp: SmtpServer,
    workers: list[RunningWorker],
) -> None:
    services, title = mailbox.services, mailbox.title
    batch = [
        reply(title, GOOD_FIRST, message_id=b"<foerste@jammerbugt.dk>"),
        reply(title, BAD, **BAD_MESSAGES[case]),  # type: ignore[arg-type]
        reply(title, GOOD_LAST, name=b"Jens Berg", message_id=b"<sidste@hjoerring.dk>"),
    ]
    # One APPEND session before the worker starts: the three come in one fetched batch.
    await asyncio.to_thread(append, dovecot, mailbox_user, batch)
    running = worker_for(mailbox, dovecot, mailbox_user)
    workers.append(running)
    sender = OutboxSender(services.db, smtp.config(), poll_seconds=0.2)
    stop_sender = asyncio.Event()
    sending = asyncio.create_task(sender.run(stop_sender))
    try:

        async def good_ones_handled() -> bool:
            first, last = GOOD_FIRST, GOOD_LAST
            return await registered(services, first) and await registered(services, last)

        await until(good_ones_handled, within=AT_ONCE, what="the good messages handled")
        # The bad one can be handled safely too: stored without what the database cannot
        # hold, answered in its thread, filed with the others.
        await until(lambda: registered(services, BAD), within=AT_ONCE, what="the bad one")
        await until(lambda: len(smtp.messages) == 3, within=AT_ONCE, what="three replies sent")

        async def inbox_empty() -> bool:
            return await folder_contents(dovecot, mailbox_user, "INBOX") == {}

        await until(inbox_empty, within=AT_ONCE, what="the inbox emptied")
        await asyncio.sleep(0.5)  # time for (wrong) further attempts
    finally:
        stop_sender.set()
        await asyncio.wait_for(sending, 10)
    await running.halt()

    stats = running.worker.stats
    assert stats.connections == 1, "a bad message was taken for a lost connection"
    assert (stats.handled, stats.failures, stats.moved) == (3, 0, 3)
    rows = await inbound_rows(services.db)
    # (The bad one's key is the worker's, of the bytes Dovecot gives back: it may store a NUL
    # as 0x80.) Every key fits its column on both databases.
    assert [row.status for row in rows] == ["done"] * 3
    assert all(len(row.message_key) <= 500 and row.message_key.isprintable() for row in rows)
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == sorted([GOOD_FIRST, GOOD_LAST, BAD])
    for sent in smtp.messages:
        assert sent.message["In-Reply-To"] is None or sent.message["In-Reply-To"].isprintable()
    [stored] = await services.registrations.registrations_of(Identity(email=BAD), now=now())
    assert "\x00" not in stored.name and "\x00" not in (stored.needs or "")


async def test_the_message_key_of_a_bad_message_id_is_unique_stable_and_fits() -> None:
    title = "Temadag"
    keys = {}
    for case, parts in BAD_MESSAGES.items():
        raw = reply(title, BAD, **parts)  # type: ignore[arg-type]
        key = message_key(raw)
        assert key == message_key(raw), case  # the same message always has the same key
        assert len(key) <= 500 and key.isprintable(), case
        keys[case] = key
    # Two Message-IDs that share their first 500 characters are still two messages.
    long_a = reply(title, BAD, message_id=b"<" + b"x" * 5000 + b"a@aalborg.dk>")
    long_b = reply(title, BAD, message_id=b"<" + b"x" * 5000 + b"b@aalborg.dk>")
    assert message_key(long_a) != message_key(long_b)
    # Two raw bytes that would both become a replacement character are two messages.
    raw_a = reply(title, BAD, message_id=b"<s\xe6t@aalborg.dk>")
    raw_b = reply(title, BAD, message_id=b"<s\xf8t@aalborg.dk>")
    assert message_key(raw_a) != message_key(raw_b)
    # An ordinary Message-ID stays the key, as it always was.
    plain = reply(title, BAD, message_id=b"<abc.123@mail.example.dk>")
    assert message_key(plain) == "abc.123@mail.example.dk"
    assert len(set(keys.values())) == len(keys)


async def refuse_rows_about(mailbox: Mailbox, address: str) -> None:
    """Database triggers that refuse any registration of, and any mail record from, the address:
    the handler fails on that message, and so does the record of its failure."""
    db = mailbox.services.db
    async with db.transaction() as session:
        if mailbox.backend == "sqlite":
            for table, column in (("registrations", "email"), ("mail_inbound", "sender")):
                await session.execute(
                    text(
                        f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                        f"WHEN NEW.{column} = '{address}' "
                        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                    )
                )
            return
        for table, column in (("registrations", "email"), ("mail_inbound", "sender")):
            await session.execute(
                text(
                    f"CREATE FUNCTION refuse_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    f"BEGIN IF NEW.{column} = '{address}' THEN "
                    "RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$"
                )
            )
            await session.execute(
                text(
                    f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"
                )
            )


async def test_a_message_whose_failure_cannot_even_be_recorded_is_flagged_and_passed(
    mailbox: Mailbox,
    dovecot: Dovecot,
    mailbox_user: str,
    workers: list[RunningWorker],
    caplog: pytest.LogCaptureFixture,
) -> None:
    services, title = mailbox.services, mailbox.title
    await refuse_rows_about(mailbox, BAD)
    batch = [
        reply(title, GOOD_FIRST, message_id=b"<foerste@jammerbugt.dk>"),
        reply(title, BAD, name=b"Soeren Baek", message_id=b"<afvist@aalborg.dk>"),
        reply(title, GOOD_LAST, name=b"Jens Berg", message_id=b"<sidste@hjoerring.dk>"),
    ]
    await asyncio.to_thread(append, dovecot, mailbox_user, batch)
    caplog.set_level(logging.DEBUG, logger="bot")
    running = worker_for(mailbox, dovecot, mailbox_user)
    workers.append(running)

    async def good_ones_handled() -> bool:
        return await registered(services, GOOD_FIRST) and await registered(services, GOOD_LAST)

    await until(good_ones_handled, within=AT_ONCE, what="the good messages handled")

    async def flagged() -> bool:
        inbox = await folder_contents(dovecot, mailbox_user, "INBOX")
        return len(inbox) == 1 and all(imapclient.FLAGGED in d[b"FLAGS"] for d in inbox.values())

    await until(flagged, within=AT_ONCE, what="the unrecordable message flagged for staff")
    await asyncio.sleep(0.5)  # time for (wrong) further attempts
    await running.halt()

    stats = running.worker.stats
    assert stats.connections == 1 and stats.failures == 1 and stats.given_up == 1
    assert not await registered(services, BAD)
    assert {row.message_key for row in await inbound_rows(services.db)} == {
        "foerste@jammerbugt.dk",
        "sidste@hjoerring.dk",
    }
    async with services.db.session() as session:
        assert await session.scalar(select(InboundMail).where(InboundMail.sender == BAD)) is None
    warnings = [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("bot")
    ]
    assert any("could not be recorded" in r.getMessage() for r in warnings)
    # Nothing personal in what is logged at INFO and above.
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            shown = record.getMessage()
            assert BAD not in shown and "Soeren" not in shown and "Baek" not in shown
