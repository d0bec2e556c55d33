"""Mailbox throughput end to end: replies per second from a Dovecot mailbox to an SMTP server.

One run starts its own Dovecot (as the tests do, tests/mail/dovecot.py) and an aiosmtpd server
on loopback, puts N replies into a fresh mailbox, and measures, in the same run:

- the ceiling: a plain imapclient session fetching the same N messages (``BODY.PEEK[]``, in
  batches of the worker's size), doing nothing else;
- the worker alone: the same path with a handler that does nothing (fetch, move, state), the
  transport's own cost;
- the floor of any bot that replies: the worker with a handler that only hands a reply, built
  before the clock starts, to one aiosmtplib connection sending as they come (no database work,
  no parsing, no building): fetch, move and send, what end to end cannot beat;
- the bot: the MailboxWorker and the OutboxSender (SQLite database, synchronous commits) with a
  simple handler that records each message and queues one threaded reply, in a savepoint of the
  worker's batch (one commit per fetched batch, ``Database.unit``), from start until the SMTP
  server has accepted all N replies. Every message is also moved to the done folder after its
  batch's commit, as in production. The sender claims up to 50 due replies, begins them in one
  commit, sends them over one SMTP connection and marks the accepted ones sent in one commit
  (at most one batch may be handed to the server again after a crash; see
  bot/channels/mail/outbox.py). Both parse and build mail with the channel's ``MAIL_POLICY``.

The ratio is the bot's rate over the ceiling's. Each round uses a fresh mailbox and database.

    .venv/bin/python bench/mail_bench.py [--messages 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosmtplib  # noqa: E402
import imapclient  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bot.channels.mail.imap import ImapConfig, MailboxWorker, MailHandler, message_key  # noqa: E402
from bot.channels.mail.models import InboundMail  # noqa: E402
from bot.channels.mail.outbox import Outbox, OutboxSender  # noqa: E402
from bot.channels.mail.policy import MAIL_POLICY  # noqa: E402
from bot.channels.mail.smtp import SmtpConfig  # noqa: E402
from bot.storage import Database  # noqa: E402
from tests.mail.conftest import BOT_ADDRESS, reply_message  # noqa: E402
from tests.mail.dovecot import PASSWORD, Dovecot, available, free_port  # noqa: E402

BATCH = 50
# The SMTP server runs in a process of its own, as it would on its own machine: in the bot's
# process its thread would compete with the bot for the interpreter lock.
SINK = r"""
import sys
from aiosmtpd.controller import Controller

out = open(sys.argv[2], "a", encoding="ascii")

class Sink:
    async def handle_DATA(self, server, session, envelope):
        for line in envelope.original_content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                out.write(line.split(b":", 1)[1].strip().decode("ascii") + "\n")
                out.flush()
                break
        return "250 2.0.0 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


class SinkServer:
    """aiosmtpd in a subprocess, writing the Message-ID of each accepted message to a file."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.log = directory / "accepted.txt"
        self.log.touch()
        self._proc = subprocess.Popen(
            [sys.executable, "-c", SINK, str(self.port), str(self.log)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._proc.stdout is not None
        assert self._proc.stdout.readline().strip() == b"ready"

    def accepted(self) -> list[str]:
        return self.log.read_text(encoding="ascii").split()

    def clear(self) -> None:
        self.log.write_text("", encoding="ascii")

    def config(self) -> SmtpConfig:
        return SmtpConfig(
            host="127.0.0.1", port=self.port, mail_from=BOT_ADDRESS, starttls=False, timeout=30.0
        )

    def stop(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=10)


class Handled:
    def __init__(self, duplicate: bool = False) -> None:
        self.done = True
        self.duplicate = duplicate


class FileOnlyHandler:
    """Does nothing with a message: what the worker's own IMAP work costs."""

    def __init__(self) -> None:
        self.seen = 0

    async def handle(self, raw: bytes, *, folder: str, uid: int, now: datetime) -> Handled:
        self.seen += 1
        return Handled()


class PassOnHandler:
    """Hands each message's reply, built beforehand, to a sender: the floor's handler."""

    def __init__(self, replies: list[bytes], queue: asyncio.Queue[bytes]) -> None:
        self.replies = iter(replies)
        self.queue = queue

    async def handle(self, raw: bytes, *, folder: str, uid: int, now: datetime) -> Handled:
        self.queue.put_nowait(next(self.replies))
        return Handled()


class ReplyHandler:
    """Records the message and queues one threaded reply, in one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.outbox = Outbox(db, mail_from=BOT_ADDRESS)
        self.parser = BytesParser(policy=MAIL_POLICY)

    async def handle(self, raw: bytes, *, folder: str, uid: int, now: datetime) -> Handled:
        key = message_key(raw)
        async with self.db.session() as session:
            status = await session.scalar(
                select(InboundMail.status).where(InboundMail.message_key == key)
            )
        if status == "done":
            return Handled(duplicate=True)
        headers = self.parser.parsebytes(raw, headersonly=True)
        sender = headers["From"].addresses[0].addr_spec
        subject = str(headers["Subject"])  # each look at a header parses it again
        async with self.db.transaction() as session:
            session.add(
                InboundMail(
                    message_key=key,
                    folder=folder,
                    uid=uid,
                    sender=sender,
                    subject=subject,
                    received_at=now,
                    status="done",
                    action="question",
                    result="answered",
                    attempts=1,
                    updated_at=now,
                )
            )
            await self.outbox.enqueue(
                session,
                to=sender,
                subject=subject,
                body="Tak for din besked. Frokosten er kl. 12.00.",
                in_reply_to=key,
                references=str(headers["References"] or "").split(),
                event="temadag",
                now=now,
            )
        return Handled()


def fill(server: Dovecot, user: str, count: int) -> None:
    """Put ``count`` replies from different people into the user's INBOX."""
    client = server.client(user)
    try:
        messages = [reply_message(f"deltager{n}@example.dk") for n in range(count)]
        for start in range(0, count, 100):
            client.multiappend("INBOX", messages[start : start + 100])
    finally:
        client.logout()


def plain_fetch(server: Dovecot, user: str, count: int) -> float:
    """The ceiling: messages per second for a bare fetch of the whole folder."""
    started = time.perf_counter()
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False)
    client.login(user, PASSWORD)
    client.select_folder("INBOX")
    uids = client.search(["ALL"])
    got = 0
    for start in range(0, len(uids), BATCH):
        got += len(client.fetch(uids[start : start + BATCH], ["BODY.PEEK[]"]))
    client.logout()
    assert got == count, (got, count)
    return count / (time.perf_counter() - started)


def mailbox_worker(server: Dovecot, user: str, db: Database, handler: MailHandler) -> MailboxWorker:
    """The worker on ``user``'s INBOX, fetching in the bench's batches."""
    config = ImapConfig(
        host="127.0.0.1",
        port=server.port,
        user=user,
        password=SecretStr(PASSWORD),
        ssl=False,
        timeout=30.0,
    )
    return MailboxWorker(db, config, handler, fetch_batch=BATCH)


async def transport_only(server: Dovecot, user: str, count: int, db: Database) -> float:
    """Messages per second through the worker with a handler that does nothing: fetch, move,
    and the mailbox state; the worker's own cost beside the plain fetch."""
    worker = mailbox_worker(server, user, db, FileOnlyHandler())
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(worker.run(stop))
    while worker.stats.moved < count:  # noqa: ASYNC110 - polling the worker's counter
        await asyncio.sleep(0.002)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    return count / elapsed


def prebuilt_reply(n: int) -> bytes:
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = BOT_ADDRESS
    message["To"] = f"deltager{n}@example.dk"
    message["Subject"] = "Re: Tilmelding"
    message["Message-ID"] = f"<floor-{n}@example.dk>"
    message.set_content("Tak for din besked. Frokosten er kl. 12.00.")
    return message.as_bytes()


async def floor(server: Dovecot, smtp: SinkServer, user: str, count: int, db: Database) -> float:
    """Messages per second for fetch, move and send alone: the worker hands each message a reply
    built beforehand, and one SMTP connection sends them as they come; no database work."""
    replies = [prebuilt_reply(n) for n in range(count)]
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    worker = mailbox_worker(server, user, db, PassOnHandler(replies, queue))
    stop = asyncio.Event()
    smtp.clear()
    started = time.perf_counter()
    task = asyncio.create_task(worker.run(stop))
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=smtp.port, start_tls=False)
    await client.connect()
    for n in range(count):
        await client.sendmail(BOT_ADDRESS, [f"deltager{n}@example.dk"], await queue.get())
    elapsed = time.perf_counter() - started
    await client.quit()
    stop.set()
    await task
    assert len(set(smtp.accepted())) == count
    return count / elapsed


async def through_the_bot(
    server: Dovecot, smtp: SinkServer, user: str, count: int, db: Database
) -> tuple[float, float]:
    """(handled per second, replies accepted per second) from start to the last reply."""
    worker = mailbox_worker(server, user, db, ReplyHandler(db))
    sender = OutboxSender(db, smtp.config(), poll_seconds=5.0)
    stop = asyncio.Event()
    started = time.perf_counter()
    tasks = [asyncio.create_task(worker.run(stop)), asyncio.create_task(sender.run(stop))]
    handled_at = None
    while len(smtp.accepted()) < count:
        if handled_at is None and worker.stats.handled >= count:
            handled_at = time.perf_counter()
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    handled_at = handled_at or time.perf_counter()
    stop.set()
    await asyncio.gather(*tasks)
    assert worker.stats.handled == count and worker.stats.moved == count
    assert len(set(smtp.accepted())) == count  # no reply twice
    return count / (handled_at - started), count / elapsed


async def one_round(
    server: Dovecot, smtp: SinkServer, tmp: Path, round_no: int, count: int
) -> tuple[float, float, float, float, float]:
    """(plain fetch, worker alone, floor, handled, replies sent), in messages per second."""
    user = f"bench{round_no}"
    await asyncio.to_thread(fill, server, user, count)
    ceiling = await asyncio.to_thread(plain_fetch, server, user, count)
    smtp.clear()
    db = Database.connect(f"sqlite+aiosqlite:///{tmp}/bench-{round_no}.sqlite3")
    await db.migrate()
    try:
        rate_handled, rate = await through_the_bot(server, smtp, user, count, db)
    finally:
        await db.close()
    # The same number of messages through a do-nothing handler: the worker's own cost.
    bare = Database.connect(f"sqlite+aiosqlite:///{tmp}/bare-{round_no}.sqlite3")
    await bare.migrate()
    try:
        await asyncio.to_thread(fill, server, f"{user}-bare", count)
        alone = await transport_only(server, f"{user}-bare", count, bare)
    finally:
        await bare.close()
    least_db = Database.connect(f"sqlite+aiosqlite:///{tmp}/floor-{round_no}.sqlite3")
    await least_db.migrate()
    try:
        await asyncio.to_thread(fill, server, f"{user}-floor", count)
        least = await floor(server, smtp, f"{user}-floor", count, least_db)
    finally:
        await least_db.close()
    return ceiling, alone, least, rate_handled, rate


async def run(count: int, rounds: int) -> None:
    if not available():
        sys.exit("Dovecot is not installed: apt-get install -y dovecot-imapd")
    ceiling: list[float] = []
    transport: list[float] = []
    floors: list[float] = []
    handled: list[float] = []
    ours: list[float] = []
    server = Dovecot()
    server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            smtp = SinkServer(Path(tmp))
            try:
                for round_no in range(rounds):
                    rates = await one_round(server, smtp, Path(tmp), round_no, count)
                    kept = (ceiling, transport, floors, handled, ours)
                    for into, rate in zip(kept, rates, strict=True):
                        into.append(rate)
                    print(
                        f"round {round_no + 1}: plain fetch {ceiling[-1]:6.0f}/s, "
                        f"worker alone {transport[-1]:6.0f}/s, floor {floors[-1]:5.0f}/s, "
                        f"handled {handled[-1]:4.0f}/s, replies sent {ours[-1]:4.0f}/s"
                    )
            finally:
                smtp.stop()
    finally:
        server.close()
    fetch_rate, transport_rate, floor_rate, handled_rate, rate = (
        statistics.median(x) for x in (ceiling, transport, floors, handled, ours)
    )
    machine = platform.processor() or platform.machine()
    print(f"\n{count} replies, {rounds} round(s), median; {machine}, {os.cpu_count()} CPUs")
    print(f"plain imapclient fetch (ceiling): {fetch_rate:8.0f} messages/s")
    print(f"worker, do-nothing handler:       {transport_rate:8.0f} messages/s")
    print(
        f"floor, fetch + move + send:       {floor_rate:8.0f} messages/s"
        f"  ({floor_rate / fetch_rate:.3f} of the ceiling)"
    )
    print(f"worker, IMAP to committed:        {handled_rate:8.0f} messages/s")
    print(f"worker + outbox, IMAP to SMTP:    {rate:8.0f} messages/s")
    print(f"ratio (end to end / ceiling):     {rate / fetch_rate:8.3f}  (target at least 0.1)")
    print(f"end to end / floor:               {rate / floor_rate:8.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    args: Any = parser.parse_args(argv)
    asyncio.run(run(args.messages, args.rounds))


if __name__ == "__main__":
    main()
