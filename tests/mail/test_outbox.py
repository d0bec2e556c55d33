"""The outbox: queueing replies in the caller's transaction, and sending them over real SMTP.

The SMTP server is aiosmtpd on loopback (conftest ``smtp``), taken down, refusing, or asking
for an XOAUTH2 login as each test needs; OAuth2 tokens come from a fake token endpoint.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.channels.mail.models import MailThread, OutboxMail
from bot.channels.mail.oauth import (
    ClientCredentialsTokenProvider,
    OAuthError,
    xoauth2_base64,
    xoauth2_string,
)
from bot.channels.mail.outbox import Outbox, OutboxSender, build_message, reply_subject
from bot.channels.mail.smtp import SmtpConfig, SmtpFailure, send_message
from bot.clock import now
from bot.storage import Database
from tests.mail.conftest import BOT_ADDRESS, FakeOAuth, Received, SmtpServer, until
from tests.mail.dovecot import self_signed_certificate

TO = "birthe@handicapraad.example.dk"
ORIGINAL = "<CAB1234.567@mail.handicapraad.example.dk>"
# Quick retries for tests.
FAST_SENDER: dict[str, Any] = {
    "retry_initial": 0.05,
    "connect_backoff_initial": 0.05,
    "connect_backoff_max": 0.2,
    "poll_seconds": 30.0,
    "linger_seconds": 0.2,
}


async def queue(db: Database, outbox: Outbox, count: int = 1, **options: Any) -> list[str]:
    """Queue ``count`` replies in one committed transaction; their Message-IDs."""
    fields: dict[str, Any] = {
        "to": TO,
        "subject": "SV: Invitation til temadag",
        "body": "Du er tilmeldt temadagen.\n\nVenlig hilsen\nSekretariatet",
        "in_reply_to": ORIGINAL,
        "references": (ORIGINAL,),
        "event": "temadag",
        "now": now(),
    }
    fields.update(options)
    async with db.transaction() as session:
        return [await outbox.enqueue(session, **fields) for _ in range(count)]


async def rows(db: Database) -> list[OutboxMail]:
    async with db.session() as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


class Running:
    """A sender running as a task."""

    def __init__(self, sender: OutboxSender) -> None:
        self.sender = sender
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(sender.run(self.stop))

    async def halt(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 10)


def ids_of(messages: list[Received]) -> list[str]:
    return [m.message["Message-ID"].strip("<>") for m in messages]


# ------------------------------------------------------------------------------ queueing


async def test_a_queued_reply_is_threaded_and_quiets_auto_responders(db: Database) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    [message_id] = await queue(
        db,
        outbox,
        subject="SV: Re: SV: Invitation til temadag",
        references=("<root@kommune.example.dk>", ORIGINAL),
    )
    [row] = await rows(db)
    assert row.message_id == message_id and message_id.endswith("@kommune.example.dk")
    assert row.subject == "SV: Invitation til temadag"  # one prefix, not three
    assert row.headers["In-Reply-To"] == ORIGINAL
    # The thread's References plus the original, each once.
    assert row.headers["References"] == f"<root@kommune.example.dk> {ORIGINAL}"
    assert row.headers["Auto-Submitted"] == "auto-replied"
    assert row.headers["X-Auto-Response-Suppress"] == "All"
    assert row.headers["Date"]
    assert (row.status, row.attempts) == ("pending", 0)
    async with db.session() as session:
        thread = await session.get(MailThread, message_id)
    assert thread is not None and thread.event_slug == "temadag"

    message = build_message(row, BOT_ADDRESS)
    assert message["Message-ID"] == f"<{message_id}>"
    assert message["From"] == BOT_ADDRESS and message["To"] == TO
    assert message.get_content().startswith("Du er tilmeldt")


def test_reply_subjects() -> None:
    assert reply_subject("Invitation til temadag") == "SV: Invitation til temadag"
    assert reply_subject("SV: Invitation") == "SV: Invitation"
    assert reply_subject("RE: Sv: AW: Invitation") == "SV: Invitation"
    assert reply_subject("Re[2]: Invitation") == "SV: Invitation"
    assert reply_subject("Svar om frokost") == "SV: Svar om frokost"
    assert reply_subject("") == "SV:"


async def test_long_threads_keep_the_root_and_the_newest_references(db: Database) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    chain = [f"<m{n}@example.dk>" for n in range(30)]
    await queue(db, outbox, references=(" ".join(chain),), in_reply_to="m30@example.dk")
    [row] = await rows(db)
    kept = row.headers["References"].split()
    assert len(kept) == 20
    assert kept[0] == "<m0@example.dk>" and kept[-1] == "<m30@example.dk>"


async def test_an_invitation_is_not_a_reply(db: Database) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    await queue(db, outbox, subject="Invitation til temadag", in_reply_to=None, references=())
    [row] = await rows(db)
    assert row.subject == "Invitation til temadag"
    assert "In-Reply-To" not in row.headers and "References" not in row.headers
    assert row.headers["Auto-Submitted"] == "auto-generated"
    # Out-of-office answers are not wanted, but bounces are (to mark bad addresses).
    assert row.headers["X-Auto-Response-Suppress"] == "OOF, AutoReply"


async def test_the_ics_goes_along_as_a_calendar_attachment(db: Database) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    ics = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nSUMMARY:Temadag på Fyn\r\nEND:VCALENDAR\r\n"
    await queue(db, outbox, ics=ics.encode(), ics_filename="temadag.ics")
    [row] = await rows(db)
    message = build_message(row, BOT_ADDRESS)
    assert message.get_content_type() == "multipart/mixed"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_param("charset") == "utf-8"
    assert attachment.get_filename() == "temadag.ics"
    assert attachment.get_content() == ics


async def test_the_sender_is_woken_by_a_commit_not_by_a_rollback(db: Database) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    outbox.wakeup.clear()
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await outbox.enqueue(session, to=TO, subject="x", body="y", now=now())
            raise RuntimeError("the registration failed")
    assert not outbox.wakeup.is_set() and await rows(db) == []
    await queue(db, outbox)
    assert outbox.wakeup.is_set()
    # Another Outbox on the same database wakes the same sender.
    assert Outbox(db, mail_from=BOT_ADDRESS).wakeup is outbox.wakeup


# ------------------------------------------------------------------------------ sending


async def test_a_queued_reply_is_sent_at_once(db: Database, smtp: SmtpServer) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    running = Running(OutboxSender(db, smtp.config(), **FAST_SENDER))
    await asyncio.sleep(0.1)  # the sender is waiting now (poll_seconds is 30)
    [message_id] = await queue(db, outbox)
    await until(lambda: len(smtp.messages) == 1, 5, "the reply")
    await running.halt()
    received = smtp.messages[0]
    assert ids_of(smtp.messages) == [message_id]
    assert received.mail_from == BOT_ADDRESS and received.rcpt_tos == [TO]
    [row] = await rows(db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.sent_at is not None


async def test_smtp_down_then_up_the_reply_is_sent_exactly_once(
    db: Database, smtp: SmtpServer
) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    smtp.stop()
    [message_id] = await queue(db, outbox)
    running = Running(OutboxSender(db, smtp.config(), **FAST_SENDER))
    stats = running.sender.stats
    await until(lambda: stats.connection_failures >= 3, 5, "failed connections")
    [row] = await rows(db)
    assert (row.status, row.attempts) == ("pending", 0)  # an outage costs no attempt

    smtp.start()
    await until(lambda: len(smtp.messages) == 1, 5, "the reply once SMTP is back")
    await asyncio.sleep(0.5)  # room for a (wrong) second copy
    await running.halt()
    assert ids_of(smtp.messages) == [message_id]
    [row] = await rows(db)
    assert (row.status, row.attempts) == ("sent", 1)


async def test_a_4xx_reply_is_retried_later_and_sent_once(db: Database, smtp: SmtpServer) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    smtp.recorder.refuse_reply, smtp.recorder.refuse_count = "451 4.3.0 Try again later", 2
    [message_id] = await queue(db, outbox)
    running = Running(OutboxSender(db, smtp.config(), **FAST_SENDER))
    await until(lambda: len(smtp.messages) == 1, 5, "the reply after two refusals")
    await running.halt()
    assert ids_of(smtp.messages) == [message_id]
    [row] = await rows(db)
    assert (row.status, row.attempts) == ("sent", 3)
    assert running.sender.stats.retried == 2


async def test_a_5xx_reply_fails_at_once_and_is_kept_for_staff(
    db: Database, smtp: SmtpServer
) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    smtp.recorder.refuse_reply, smtp.recorder.refuse_count = "550 5.1.1 No such user here", 1
    first, second = await queue(db, outbox, 2)
    running = Running(OutboxSender(db, smtp.config(), **FAST_SENDER))
    await until(lambda: len(smtp.messages) == 1, 5, "the second reply")
    await asyncio.sleep(0.3)
    await running.halt()
    assert ids_of(smtp.messages) == [second]
    failed, sent = await rows(db)
    assert (failed.message_id, failed.status, failed.attempts) == (first, "failed", 1)
    assert failed.last_error and "550" in failed.last_error
    assert sent.status == "sent"


async def test_a_message_that_cannot_be_built_fails_and_does_not_block_the_queue(
    db: Database, smtp: SmtpServer
) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    [bad] = await queue(db, outbox, to="birthe@example.dk\nBcc: everyone@example.dk")
    [good] = await queue(db, outbox)
    running = Running(OutboxSender(db, smtp.config(), **FAST_SENDER))
    await until(lambda: len(smtp.messages) == 1, 5, "the good reply")
    await running.halt()
    assert ids_of(smtp.messages) == [good]
    failed, sent = await rows(db)
    assert (failed.message_id, failed.status, failed.attempts) == (bad, "failed", 1)
    assert failed.last_error and "cannot build" in failed.last_error
    assert sent.status == "sent"


async def test_too_many_4xx_replies_give_up_after_max_attempts(
    db: Database, smtp: SmtpServer
) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    smtp.recorder.refuse_reply, smtp.recorder.refuse_count = "452 4.2.2 Mailbox full", -1
    await queue(db, outbox)
    running = Running(OutboxSender(db, smtp.config(), max_attempts=3, **FAST_SENDER))

    async def failed() -> bool:
        return (await rows(db))[0].status == "failed"

    await until(failed, 10, "the reply given up")
    await running.halt()
    [row] = await rows(db)
    assert row.attempts == 3 and row.last_error and "452" in row.last_error
    assert smtp.recorder.refused == 3 and smtp.messages == []


async def test_a_sender_stopped_mid_batch_sends_nothing_twice_and_gives_back_the_rest(
    db: Database, smtp: SmtpServer
) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    queued = await queue(db, outbox, 5)
    first = Running(OutboxSender(db, smtp.config(), **FAST_SENDER))
    loop = asyncio.get_running_loop()
    # Stop as soon as the server has the first message; the batch of five is under way.
    smtp.recorder.on_accept = lambda _m: loop.call_soon_threadsafe(first.stop.set)
    await asyncio.wait_for(first.task, 10)
    smtp.recorder.on_accept = None
    assert ids_of(smtp.messages) == queued[:1]
    left = await rows(db)
    assert [r.status for r in left] == ["sent"] + ["pending"] * 4
    assert left[0].attempts == 1
    # Given back as they were: due, held by no one, never begun, no attempt counted.
    assert all(r.next_attempt_at <= now() and r.attempts == 0 for r in left[1:])
    assert all(r.lease_owner is None and r.sending_since is None for r in left)

    second = Running(OutboxSender(db, smtp.config(), **FAST_SENDER))
    await until(lambda: len(smtp.messages) == 5, 5, "the other four")
    await second.halt()
    assert ids_of(smtp.messages) == queued  # each once, oldest first


class Crash(BaseException):
    """The process dies (not an Exception: nothing in the sender may catch it)."""


class CrashingAfterSend(OutboxSender):
    """Dies after the server accepted its batch and before the batch is marked sent."""

    async def _mark_sent(self, rows: list[OutboxMail], unused: set[int]) -> None:
        raise Crash


async def test_a_crash_between_send_and_mark_resends_with_the_same_message_id(
    db: Database, smtp: SmtpServer
) -> None:
    # The one at-least-once window SMTP leaves: the copies sent again are the same messages.
    # The sender marks a batch sent together, so the window holds the batch, never more.
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    queued = await queue(db, outbox, 3)
    crashing = Running(CrashingAfterSend(db, smtp.config(), lease_seconds=0.5, **FAST_SENDER))
    with pytest.raises(Crash):
        await asyncio.wait_for(crashing.task, 10)
    assert len(smtp.messages) == 3

    # The rows say they were being sent: whoever sends them next knows they may be copies.
    for row in await rows(db):
        assert (row.status, row.attempts) == ("pending", 1) and row.sending_since is not None

    after = Running(OutboxSender(db, smtp.config(), lease_seconds=0.5, **FAST_SENDER))
    await until(lambda: len(smtp.messages) == 6, 5, "the batch again")
    await after.halt()
    assert after.sender.stats.resent_after_doubt == 3
    ids = ids_of(smtp.messages)
    assert sorted(ids) == sorted(queued * 2)
    # The copies are the same messages: same Message-ID, Date and body.
    for message_id in queued:
        copies = [m.data for m in smtp.messages if m.message["Message-ID"] == f"<{message_id}>"]
        assert len(copies) == 2 and copies[0] == copies[1]
    assert [r.status for r in await rows(db)] == ["sent"] * 3


async def test_retries_wait_for_next_attempt_at(db: Database, smtp: SmtpServer) -> None:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    later = now() + timedelta(seconds=0.6)
    async with db.transaction() as session:
        await outbox.enqueue(session, to=TO, subject="x", body="y", now=later)
    running = Running(OutboxSender(db, smtp.config(), **FAST_SENDER))
    await asyncio.sleep(0.3)
    assert smtp.messages == []
    await until(lambda: len(smtp.messages) == 1, 5, "the reply when due")
    await running.halt()


# ------------------------------------------------------------------------ TLS, logins


def _tls_pair(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    cert, key = self_signed_certificate(tmp_path)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    return server, ssl.create_default_context(cafile=str(cert))


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = BOT_ADDRESS, TO, "Hej"
    message.set_content("Hej med dig")
    return message


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
async def test_tls_with_the_certificate_checked(tmp_path: Path, mode: str) -> None:
    server_ctx, client_ctx = _tls_pair(tmp_path)
    if mode == "starttls":
        server = SmtpServer(tls_context=server_ctx, require_starttls=True)
    else:
        server = SmtpServer(ssl_context=server_ctx)
    server.start()
    try:
        config = server.config(
            starttls=mode == "starttls", ssl=mode == "implicit", tls_context=client_ctx
        )
        await send_message(config, _message(), to=TO)
        assert len(server.messages) == 1
        # Without the certificate trusted, nothing is sent.
        with pytest.raises(SmtpFailure) as refused:
            await send_message(server.config(starttls=mode == "starttls", ssl=mode == "implicit"),
                               _message(), to=TO)  # fmt: skip
        assert refused.value.connection
    finally:
        server.stop()


async def test_starttls_required_but_not_offered_sends_nothing(smtp: SmtpServer) -> None:
    with pytest.raises(SmtpFailure) as failure:
        await send_message(smtp.config(starttls=True), _message(), to=TO)
    assert failure.value.connection and smtp.messages == []


def test_the_xoauth2_string() -> None:
    assert xoauth2_string("tilmelding@kommune.dk", "tok") == (
        "user=tilmelding@kommune.dk\x01auth=Bearer tok\x01\x01"
    )
    assert (
        base64.b64decode(xoauth2_base64("a@b.dk", "t")) == b"user=a@b.dk\x01auth=Bearer t\x01\x01"
    )


async def test_client_credential_tokens_are_fetched_cached_and_renewed(oauth: FakeOAuth) -> None:
    clock = [1000.0]
    provider = ClientCredentialsTokenProvider(
        client_id=oauth.client_id,
        client_secret=SecretStr(oauth.secret),
        token_url=oauth.token_url,
        clock=lambda: clock[0],
    )
    # Asked by IMAP and SMTP at the same moment: one request.
    assert await asyncio.gather(provider.token(), provider.token()) == ["token-1", "token-1"]
    assert oauth.requests == [
        {
            "grant_type": "client_credentials",
            "client_id": "app-id",
            "client_secret": "app-secret",
            "scope": "https://outlook.office365.com/.default",
        }
    ]
    clock[0] += 3600 - 301  # still more than five minutes left
    assert await provider.token() == "token-1"
    clock[0] += 2  # less than five minutes left: a new one
    assert await provider.token() == "token-2"
    assert len(oauth.requests) == 2


async def test_a_refused_token_request_says_why_without_the_secret(oauth: FakeOAuth) -> None:
    provider = ClientCredentialsTokenProvider(
        client_id=oauth.client_id,
        client_secret=SecretStr("wrong-secret"),
        token_url=oauth.token_url,
    )
    with pytest.raises(OAuthError) as refused:
        await provider.token()
    assert "401" in str(refused.value) and "invalid_client" in str(refused.value)
    assert "secret" not in str(refused.value).replace("invalid_client", "")


def test_microsofts_token_url_is_built_from_the_tenant() -> None:
    provider = ClientCredentialsTokenProvider(
        client_id="x", client_secret=SecretStr("y"), tenant="kommune.onmicrosoft.com"
    )
    assert provider.token_url == (
        "https://login.microsoftonline.com/kommune.onmicrosoft.com/oauth2/v2.0/token"
    )


async def test_the_sender_logs_in_with_xoauth2(db: Database, oauth: FakeOAuth) -> None:
    server = SmtpServer()
    server.recorder.xoauth2 = (BOT_ADDRESS, "token-1")
    server.start()
    try:
        tokens = ClientCredentialsTokenProvider(
            client_id=oauth.client_id,
            client_secret=SecretStr(oauth.secret),
            token_url=oauth.token_url,
        )
        outbox = Outbox(db, mail_from=BOT_ADDRESS)
        await queue(db, outbox)
        config = server.config(user=BOT_ADDRESS, tokens=tokens)
        running = Running(OutboxSender(db, config, **FAST_SENDER))
        await until(lambda: len(server.messages) == 1, 5, "the reply")
        await running.halt()
        assert server.recorder.logins == [BOT_ADDRESS]
    finally:
        server.stop()


async def test_a_wrong_xoauth2_token_is_a_connection_failure(oauth: FakeOAuth) -> None:
    server = SmtpServer()
    server.recorder.xoauth2 = (BOT_ADDRESS, "some-other-token")
    server.start()
    try:
        tokens = ClientCredentialsTokenProvider(
            client_id=oauth.client_id,
            client_secret=SecretStr(oauth.secret),
            token_url=oauth.token_url,
        )
        config: SmtpConfig = server.config(user=BOT_ADDRESS, tokens=tokens)
        with pytest.raises(SmtpFailure) as refused:
            await send_message(config, _message(), to=TO)
        # Not the message's fault: the outbox waits and tries again without counting it.
        assert refused.value.connection and not refused.value.permanent
    finally:
        server.stop()
