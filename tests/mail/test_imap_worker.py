"""The mailbox worker against a real Dovecot (and aiosmtpd for the replies), on loopback.

Each test starts its own Dovecot and logs in as its own user. The handler is the tests'
SignupHandler (conftest): registration, inbound record and threaded reply in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

import imapclient
import pytest
from pydantic import SecretStr

from bot.channels.mail.imap import message_key
from bot.channels.mail.models import MailboxState, MailThread, OutboxMail
from bot.channels.mail.oauth import ClientCredentialsTokenProvider
from bot.channels.mail.outbox import OutboxSender
from bot.channels.mail.serve import serve
from bot.knowledge.schema import Event
from bot.services import Services
from bot.settings import Settings
from bot.status import CONNECTED, DISCONNECTED, Health
from bot.storage import Database
from tests.mail.conftest import (
    BOT_ADDRESS,
    SUBJECT,
    FakeOAuth,
    RunningWorker,
    SignupHandler,
    SmtpServer,
    count_rows,
    folder_contents,
    folder_message_ids,
    imap_config,
    inbound_rows,
    reply_message,
    start_worker,
    until,
)
from tests.mail.dovecot import (
    CAPABILITIES_PLAIN_IMAP4,
    CAPABILITIES_WITHOUT_MOVE_AND_IDLE,
    PASSWORD,
    Dovecot,
    append,
    free_port,
)

DONE = "Behandlet"


async def put(server: Dovecot, user: str, *messages: bytes, folder: str = "INBOX") -> list[int]:
    """APPEND messages from a thread (the event loop keeps serving the worker)."""
    return await asyncio.to_thread(append, server, user, list(messages), folder)


async def wait_filed(server: Dovecot, user: str, count: int, within: float = 45.0) -> None:
    async def check() -> bool:
        return len(await folder_contents(server, user, DONE)) == count

    await until(check, within, f"{count} messages in {DONE}")


# ------------------------------------------------------------------------ the whole way


class Killed(BaseException):
    """The worker's end, as a crash would come: not an error the worker could catch."""


async def test_a_signup_reply_becomes_a_registration_and_a_threaded_confirmation(
    dovecot: Dovecot,
    mailbox_user: str,
    db: Database,
    event: Event,
    smtp: SmtpServer,
    workers: list[RunningWorker],
) -> None:
    handler = SignupHandler(db, event)
    invitation = "<invitation-1@kommune.example.dk>"
    raw = reply_message(in_reply_to=invitation)
    await put(dovecot, mailbox_user, raw)

    workers.append(start_worker(db, imap_config(dovecot, mailbox_user), handler))
    sender = OutboxSender(db, smtp.config(), poll_seconds=60)
    stop_sender = asyncio.Event()
    sending = asyncio.create_task(sender.run(stop_sender))
    try:
        await until(lambda: len(smtp.messages) == 1, what="the confirmation at the SMTP server")
    finally:
        stop_sender.set()
        await sending

    assert await handler.registered() == 1
    [inbound] = await inbound_rows(db)
    assert inbound.status == "done" and inbound.message_key == message_key(raw)

    received = smtp.messages[0]
    assert received.mail_from == BOT_ADDRESS
    assert received.rcpt_tos == ["birthe@handicapraad.example.dk"]
    reply = received.message
    assert reply["Subject"] == f"SV: {SUBJECT}"
    assert reply["In-Reply-To"] == f"<{message_key(raw)}>"
    assert reply["References"].split() == [invitation, f"<{message_key(raw)}>"]
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["X-Auto-Response-Suppress"] == "All"
    assert reply["Message-ID"].endswith("@kommune.example.dk>")
    assert reply["Date"]
    [ics] = [part for part in reply.iter_attachments()]
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_param("method") == "PUBLISH" and ics.get_param("charset") == "utf-8"
    assert b"BEGIN:VCALENDAR" in ics.get_content().encode()
    # The thread is known: an answer to the confirmation finds the event.
    async with db.session() as session:
        thread = await session.get(MailThread, reply["Message-ID"].strip("<>"))
    assert thread is not None and thread.event_slug == event.id

    # Filed after the commit, and never marked read by the bot.
    await wait_filed(dovecot, mailbox_user, 1)
    assert await folder_contents(dovecot, mailbox_user, "INBOX") == {}
    [filed] = (await folder_contents(dovecot, mailbox_user, DONE)).values()
    assert imapclient.SEEN not in filed[b"FLAGS"]

    running = workers[0]
    began = time.monotonic()
    await running.halt()
    assert time.monotonic() - began < 3, "a stop during IDLE is seen at once"
    assert running.worker.stats.handled == 1 and running.worker.stats.moved == 1


async def test_serve_runs_the_worker_and_the_sender_from_the_settings(
    dovecot: Dovecot, mailbox_user: str, db: Database, event: Event, smtp: SmtpServer
) -> None:
    settings = Settings(
        imap_host="127.0.0.1",
        imap_port=dovecot.port,
        imap_user=mailbox_user,
        imap_password=SecretStr(PASSWORD),
        imap_ssl=False,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        mail_from=BOT_ADDRESS,
    )
    health = Health()
    services = cast(Services, SimpleNamespace(settings=settings, db=db, health=health))
    handler = SignupHandler(db, event)
    await put(dovecot, mailbox_user, reply_message())
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(services, stop, handler))
    await until(lambda: len(smtp.messages) == 1, what="the reply")
    await wait_filed(dovecot, mailbox_user, 1)
    assert health.mailbox == CONNECTED  # what /status shows
    stop.set()
    await asyncio.wait_for(serving, 5)
    assert await handler.registered() == 1
    assert health.mailbox == DISCONNECTED


# ------------------------------------------------------------------------ exactly once


async def test_a_worker_killed_after_the_commit_and_before_filing_does_not_handle_twice(
    dovecot: Dovecot,
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    handler = SignupHandler(db, event)

    def die_after_commit(_key: str) -> None:
        raise Killed  # the worker ends here, after the batch's commit, before it files

    handler.on_commit = die_after_commit
    raw = reply_message()
    await put(dovecot, mailbox_user, raw)
    first = start_worker(db, imap_config(dovecot, mailbox_user), handler)
    workers.append(first)
    with pytest.raises(Killed):
        await asyncio.wait_for(first.task, 20)

    # Committed, not filed: the registration and the reply exist, the message is still there.
    assert await handler.registered() == 1
    assert await count_rows(db, OutboxMail) == 1
    assert await folder_message_ids(dovecot, mailbox_user, "INBOX") == [message_key(raw)]

    handler.on_commit = None
    second = start_worker(db, imap_config(dovecot, mailbox_user), handler)
    workers.append(second)
    await wait_filed(dovecot, mailbox_user, 1)
    await second.halt()

    key = message_key(raw)
    assert handler.calls == [key, key]
    assert handler.duplicates == [key]  # recognised, and only then filed
    assert await handler.registered() == 1
    assert await count_rows(db, OutboxMail) == 1
    assert await folder_contents(dovecot, mailbox_user, "INBOX") == {}
    assert second.worker.stats.duplicates == 1 and second.worker.stats.handled == 0


async def test_a_uidvalidity_change_does_not_rehandle_old_messages(
    dovecot: Dovecot,
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    folder = "Tilmeldinger"
    handler = SignupHandler(db, event)
    a, b, c = (reply_message(f"person{n}@example.dk") for n in "abc")
    await put(dovecot, mailbox_user, a, b, c, folder=folder)
    config = imap_config(dovecot, mailbox_user, folder=folder)
    first = start_worker(db, config, handler)
    workers.append(first)
    await wait_filed(dovecot, mailbox_user, 3)
    await first.halt()
    async with db.session() as session:
        before = await session.get(MailboxState, folder)
    assert before is not None and before.last_uid == 3

    # The folder is restored from a backup with a new UIDVALIDITY: a and b (handled) are back,
    # and d is new. d's UID (3) is not above the old last_uid (3): UIDs alone would skip it.
    d = reply_message("person-d@example.dk")

    def recreate() -> int:
        client = dovecot.client(mailbox_user)
        try:
            client.delete_folder(folder)
            client.create_folder(folder)
            for raw in (a, b, d):
                client.append(folder, raw)
            return int(client.select_folder(folder)[b"UIDVALIDITY"])
        finally:
            client.logout()

    new_validity = await asyncio.to_thread(recreate)
    assert new_validity != before.uidvalidity

    second = start_worker(db, config, handler)
    workers.append(second)
    await wait_filed(dovecot, mailbox_user, 6)
    await second.halt()

    assert handler.duplicates == [message_key(a), message_key(b)]
    assert await handler.registered() == 4  # a, b, c and d, each once
    assert await count_rows(db, OutboxMail) == 4  # one reply each, no second one
    assert second.worker.stats.resyncs == 1 and second.worker.stats.handled == 1
    async with db.session() as session:
        after = await session.get(MailboxState, folder)
    assert after is not None and (after.uidvalidity, after.last_uid) == (new_validity, 3)


# ------------------------------------------------------------------------ connections


async def test_the_connection_dropped_mid_idle_is_reopened_and_the_worker_goes_on(
    dovecot: Dovecot,
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    handler = SignupHandler(db, event)
    running = start_worker(db, imap_config(dovecot, mailbox_user), handler)
    workers.append(running)
    stats = running.worker.stats
    await until(lambda: stats.passes >= 1, what="the first pass")
    await asyncio.sleep(0.3)  # in IDLE now

    # 1. The server drops the connection (doveadm kick: BYE, then EOF).
    await asyncio.to_thread(dovecot.kick, mailbox_user)
    await until(lambda: stats.connections == 2, 10, "a new connection after the kick")
    await put(dovecot, mailbox_user, reply_message("after-kick@example.dk"))
    await wait_filed(dovecot, mailbox_user, 1)

    # 2. The server goes away for a while and comes back: back-off, then on again.
    await asyncio.to_thread(dovecot.stop)
    await asyncio.sleep(1.0)  # several refused reconnects
    await asyncio.to_thread(dovecot.start)
    await until(lambda: stats.connections == 3, 10, "a new connection after the restart")
    await put(dovecot, mailbox_user, reply_message("after-restart@example.dk"))
    await wait_filed(dovecot, mailbox_user, 2)
    await running.halt()
    assert await handler.registered() == 2


class FreezingProxy:
    """A TCP relay to Dovecot that can go silent on its open connections (no FIN, no RST),
    as a NAT box does when it forgets a connection; new connections still get through."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.frozen: set[int] = set()
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    def freeze(self) -> None:
        """From now on, nothing passes on the connections open now."""
        self.frozen.update(range(1, self.connections + 1))

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers += [writer, up_writer]

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await src.read(65536):
                    if number not in self.frozen:
                        dst.write(data)
                        await dst.drain()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    async def stop(self) -> None:
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()


async def test_a_silently_dead_connection_is_noticed_when_idle_is_renewed(
    dovecot: Dovecot,
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    proxy = FreezingProxy(dovecot.port)
    await proxy.start()
    try:
        handler = SignupHandler(db, event)
        config = imap_config(dovecot, mailbox_user, port=proxy.port, idle_seconds=1.0, timeout=1.0)
        running = start_worker(db, config, handler)
        workers.append(running)
        stats = running.worker.stats
        await until(lambda: stats.passes >= 1, what="the first pass")
        await asyncio.sleep(0.3)  # in IDLE now
        proxy.freeze()
        # IDLE is renewed within a second; DONE gets no answer; the read time-out ends it.
        await until(lambda: stats.connections == 2, 10, "a new connection")
        await put(dovecot, mailbox_user, reply_message())
        await wait_filed(dovecot, mailbox_user, 1)
        await running.halt()
    finally:
        await proxy.stop()


# ------------------------------------------------------------------------ old servers


@pytest.mark.parametrize(
    "capabilities", [CAPABILITIES_WITHOUT_MOVE_AND_IDLE, CAPABILITIES_PLAIN_IMAP4]
)
async def test_without_move_copy_and_expunge_are_used_and_without_idle_polling(
    capabilities: str,
    dovecot_factory: Callable[..., Dovecot],
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    server = dovecot_factory(capabilities=capabilities)
    handler = SignupHandler(db, event)
    first, second = reply_message("one@example.dk"), reply_message("two@example.dk")
    await put(server, mailbox_user, first, second)
    running = start_worker(db, imap_config(server, mailbox_user), handler)
    workers.append(running)
    await wait_filed(server, mailbox_user, 2)
    # A message arriving later is found by polling (the server offers no IDLE).
    third = reply_message("three@example.dk")
    await put(server, mailbox_user, third)
    await wait_filed(server, mailbox_user, 3)
    await running.halt()

    stats = running.worker.stats
    assert (stats.moved, stats.copied, stats.idle_wakeups) == (0, 3, 0)
    assert await folder_contents(server, mailbox_user, "INBOX") == {}
    filed = await folder_message_ids(server, mailbox_user, DONE)
    assert filed == [message_key(m) for m in (first, second, third)]
    assert await handler.registered() == 3


# ------------------------------------------------------------------------ failures


async def test_a_message_that_keeps_failing_is_tried_max_attempts_times_then_flagged_and_left(
    dovecot: Dovecot,
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    handler = SignupHandler(db, event)
    bad, good = reply_message("bad@example.dk"), reply_message("good@example.dk")
    handler.fail = lambda key: key == message_key(bad)
    await put(dovecot, mailbox_user, bad, good)
    running = start_worker(db, imap_config(dovecot, mailbox_user), handler, max_attempts=3)
    workers.append(running)

    async def given_up() -> bool:
        return any(row.status == "failed" for row in await inbound_rows(db))

    async def flagged() -> bool:
        inbox = await folder_contents(dovecot, mailbox_user, "INBOX")
        return any(imapclient.FLAGGED in data[b"FLAGS"] for data in inbox.values())

    await until(given_up, within=45, what="the bad message given up")
    await until(flagged, within=45, what="the bad message flagged")
    await wait_filed(dovecot, mailbox_user, 1)
    await asyncio.sleep(0.5)  # time for (wrong) further tries
    await running.halt()

    assert handler.calls.count(message_key(bad)) == 3
    rows = {row.message_key: row for row in await inbound_rows(db)}
    failed = rows[message_key(bad)]
    assert (failed.status, failed.attempts) == ("failed", 3)
    assert failed.last_error and "cannot read this one" in failed.last_error
    assert failed.raw == bad  # kept for staff
    assert failed.sender == "bad@example.dk"
    assert rows[message_key(good)].status == "done"
    # Left in the inbox, flagged, unread; the good one went on as usual.
    [(_uid, left)] = (await folder_contents(dovecot, mailbox_user, "INBOX")).items()
    assert message_key(left[b"BODY[HEADER]"]) == message_key(bad)
    assert imapclient.FLAGGED in left[b"FLAGS"] and imapclient.SEEN not in left[b"FLAGS"]

    # A restart does not try it again.
    again = start_worker(db, imap_config(dovecot, mailbox_user), handler, max_attempts=3)
    workers.append(again)
    await put(dovecot, mailbox_user, reply_message("later@example.dk"))
    await wait_filed(dovecot, mailbox_user, 2)
    await again.halt()
    assert handler.calls.count(message_key(bad)) == 3


async def test_a_passing_failure_is_retried_and_then_handled_once(
    dovecot: Dovecot,
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    handler = SignupHandler(db, event)
    raw = reply_message()
    key = message_key(raw)
    failures = iter([True, True])
    handler.fail = lambda k: k == key and next(failures, False)
    await put(dovecot, mailbox_user, raw)
    running = start_worker(db, imap_config(dovecot, mailbox_user), handler, max_attempts=5)
    workers.append(running)
    await wait_filed(dovecot, mailbox_user, 1)
    await running.halt()

    assert handler.calls == [key, key, key]
    [row] = await inbound_rows(db)
    assert (row.status, row.attempts, row.raw) == ("done", 3, None)
    assert await handler.registered() == 1
    assert running.worker.stats.failures == 2 and running.worker.stats.handled == 1


class KeepInInbox:
    """A handler whose verdict is "not done": the message is to stay where it is."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    async def handle(self, raw: bytes, *, folder: str, uid: int, now: Any) -> Any:
        self.calls.append(uid)
        return SimpleNamespace(done=False, duplicate=False)


async def test_a_message_not_done_stays_in_the_folder_and_is_not_handed_again(
    dovecot: Dovecot, mailbox_user: str, db: Database, workers: list[RunningWorker]
) -> None:
    handler = KeepInInbox()
    [uid] = await put(dovecot, mailbox_user, reply_message())
    running = start_worker(db, imap_config(dovecot, mailbox_user), handler)
    workers.append(running)
    await until(lambda: handler.calls == [uid], what="the message handed over")
    await put(dovecot, mailbox_user, reply_message("next@example.dk"))
    await until(lambda: len(handler.calls) == 2, what="the next message")
    await running.halt()
    assert handler.calls == [uid, uid + 1]
    inbox = await folder_contents(dovecot, mailbox_user, "INBOX")
    assert sorted(inbox) == [uid, uid + 1]
    assert all(not data[b"FLAGS"] for data in inbox.values())  # untouched: unread, unflagged


# ------------------------------------------------------------------------ TLS and OAuth2


async def test_imap_over_tls_checks_the_certificate(
    dovecot_factory: Callable[..., Dovecot],
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    server = dovecot_factory(tls=True)
    assert server.tls_port is not None
    handler = SignupHandler(db, event)
    await put(server, mailbox_user, reply_message())
    config = imap_config(
        server, mailbox_user, port=server.tls_port, ssl=True, ssl_context=server.ssl_context()
    )
    running = start_worker(db, config, handler)
    workers.append(running)
    await wait_filed(server, mailbox_user, 1)
    await running.halt()
    assert await handler.registered() == 1


async def test_xoauth2_login_with_a_client_credentials_token(
    dovecot_factory: Callable[..., Dovecot],
    mailbox_user: str,
    oauth: FakeOAuth,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    oauth.username = mailbox_user
    server = dovecot_factory(oauth2_introspection_url=oauth.introspection_url)
    tokens = ClientCredentialsTokenProvider(
        client_id=oauth.client_id,
        client_secret=SecretStr(oauth.secret),
        token_url=oauth.token_url,
    )
    handler = SignupHandler(db, event)
    await put(server, mailbox_user, reply_message())
    config = imap_config(server, mailbox_user, password=None, tokens=tokens)
    running = start_worker(db, config, handler)
    workers.append(running)
    await wait_filed(server, mailbox_user, 1)
    await running.halt()
    assert oauth.issued == ["token-1"]
    assert "method=XOAUTH2" in server.log_text()


# ------------------------------------------------------------------------ message keys


def test_message_keys_follow_the_rule_the_handler_uses() -> None:
    plain = reply_message(message_id="<abc.123@mail.example.dk>")
    assert message_key(plain) == "abc.123@mail.example.dk"
    folded = plain.replace(
        b"Message-ID: <abc.123@mail.example.dk>", b"Message-ID:\r\n <abc.123@mail.example.dk>"
    )
    assert message_key(folded) == "abc.123@mail.example.dk"
    bare = plain.replace(b"<abc.123@mail.example.dk>", b"abc.123@mail.example.dk")
    assert message_key(bare) == "abc.123@mail.example.dk"
    without = b"From: a@example.dk\r\nSubject: Ja\r\n\r\nJa tak\r\n"
    assert message_key(without).startswith("sha256:")
    assert message_key(without) != message_key(without + b"!")

    reading: Any = pytest.importorskip("bot.channels.mail.reading")
    for raw in (plain, folded, bare, without, b"\x00garbage"):
        assert message_key(raw) == reading.read_message(raw).message_key


async def test_mail_arriving_while_another_is_handled_is_not_left_for_the_idle_renewal(
    dovecot: Dovecot,
    mailbox_user: str,
    db: Database,
    event: Event,
    workers: list[RunningWorker],
) -> None:
    """The server announces the newcomer to the MOVE that files the first message, not to IDLE."""
    handler = SignupHandler(db, event)
    first, second = reply_message("first@example.dk"), reply_message("second@example.dk")
    arrived = asyncio.Event()

    async def deliver_second(_key: str) -> None:
        if not arrived.is_set():
            arrived.set()
            await put(dovecot, mailbox_user, second)

    handler.after_commit = deliver_second
    await put(dovecot, mailbox_user, first)
    # IDLE is renewed only every two minutes: without a second look, the newcomer would wait.
    config = imap_config(dovecot, mailbox_user, idle_seconds=120.0)
    workers.append(start_worker(db, config, handler))
    started = time.monotonic()
    await wait_filed(dovecot, mailbox_user, 2, within=20)
    assert time.monotonic() - started < 15
    assert sorted(handler.calls) == sorted([message_key(first), message_key(second)])
