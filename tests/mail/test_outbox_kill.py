"""The mail outbox under kill -9: separate sender processes, real aiosmtpd, SQLite and PostgreSQL.

Each sender is ``tests/mail/outbox_worker.py``, a separate OS process running the real
:class:`~bot.channels.mail.outbox.OutboxSender`. The kill lands in the one window SMTP leaves
open on purpose: the test's SMTP server, inside its DATA handling, records the message as
accepted and then SIGKILLs the sender before answering 250, so the sender dies after the server
took the message and before it could record it as sent. The sender marks a batch sent together,
so the messages of the batch the server took before that one are unrecorded too: they may come
twice, and no others. Another process then takes over the dead one's rows when their lease runs
out. What is measured is printed (run with ``-s``):
duplicates, and how long the dead process's rows waited.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.mail.models import OutboxMail
from bot.channels.mail.outbox import Outbox
from bot.clock import now
from bot.storage import Database
from tests.conftest import ROOT, postgres_schema
from tests.mail.conftest import BOT_ADDRESS, Received, SmtpServer, until
from tests.registrations.conftest import Target

KILLS = 20
WAVE = 6  # replies queued for each sender process that is killed
LEASE = 2.0  # seconds; the bot's default is 5 (outbox_lease_seconds)
TIMEOUT = 60.0


@pytest.fixture(params=["sqlite", "postgresql"])
async def target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Target]:
    """A migrated database that other processes can open too."""
    async with AsyncExitStack() as stack:
        if request.param == "sqlite":
            found = Target("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'outbox.sqlite3'}")
        else:
            url, schema = await stack.enter_async_context(postgres_schema("outbox_kill"))
            found = Target("postgresql", url, schema)
        await found.connect().migrate()
        try:
            yield found
        finally:
            for db in found.opened:
                await db.close()


class Sender:
    """One ``outbox_worker`` process: started idle, told to go, stopped or killed."""

    def __init__(self, proc: asyncio.subprocess.Process, owner: str) -> None:
        self.proc = proc
        self.owner = owner

    @classmethod
    async def start(cls, target: Target, smtp: SmtpServer, *, batch: int = 50) -> Sender:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.mail.outbox_worker", target.url, target.schema or "",
            str(smtp.port), BOT_ADDRESS, str(LEASE), str(batch),
            cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), TIMEOUT)).decode().split()
        assert line and line[0] == "READY", line
        return cls(proc, line[1])

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")

    async def stop(self) -> int:
        """SIGTERM: the sender stops politely; how many it sent."""
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.stdout is not None
        out = (await asyncio.wait_for(self.proc.stdout.read(), TIMEOUT)).decode().split()
        assert await self.proc.wait() == 0
        return int(out[out.index("SENT") + 1])


@dataclass
class KillOnAccept:
    """In the SMTP server's DATA handling: after ``after`` more accepted messages, SIGKILL
    ``pid`` before the 250 goes back, and tell the test which message it was."""

    loop: asyncio.AbstractEventLoop
    lock: threading.Lock = field(default_factory=threading.Lock)
    pid: int | None = None
    after: int = 0
    killed: asyncio.Queue[tuple[float, str]] = field(default_factory=asyncio.Queue)

    def arm(self, pid: int, after: int) -> None:
        with self.lock:
            self.pid, self.after = pid, after

    def __call__(self, received: Received) -> None:
        with self.lock:
            if self.pid is None:
                return
            self.after -= 1
            if self.after > 0:
                return
            pid, self.pid = self.pid, None
        os.kill(pid, signal.SIGKILL)  # the process runs no more code from here
        item = (time.monotonic(), message_id(received))
        self.loop.call_soon_threadsafe(self.killed.put_nowait, item)


def message_id(received: Received) -> str:
    return str(received.message["Message-ID"]).strip("<>")


async def queue(db: Database, count: int, start: int) -> list[str]:
    outbox = Outbox(db, mail_from=BOT_ADDRESS)
    async with db.transaction() as session:
        return [
            await outbox.enqueue(
                session,
                to=f"deltager{n}@example.dk",
                subject="SV: Invitation til temadag",
                body=f"Du er tilmeldt temadagen, deltager {n}.",
                in_reply_to=f"<reply-{n}@example.dk>",
                now=now(),
            )
            for n in range(start, start + count)
        ]


async def outbox_rows(db: Database, *where: Any) -> list[OutboxMail]:
    async with db.session() as session:
        return list(await session.scalars(select(OutboxMail).where(*where).order_by(OutboxMail.id)))


def accepted_since(smtp: SmtpServer, since: int) -> Counter[str]:
    return Counter(message_id(m) for m in smtp.messages[since:])


async def test_senders_killed_between_acceptance_and_record_lose_nothing(
    target: Target,
) -> None:
    db = target.connect()
    smtp = SmtpServer()
    killer = KillOnAccept(asyncio.get_running_loop())
    smtp.recorder.on_accept = killer
    smtp.start()
    processes: list[Sender] = []

    async def spawn() -> Sender:
        sender = await Sender.start(target, smtp)
        processes.append(sender)
        return sender

    starting: asyncio.Task[Sender] | None = None
    try:
        queued: list[str] = []
        in_window: list[str] = []
        begun: list[set[str]] = []
        takeovers: list[float] = []
        active = await spawn()
        active.go()
        for k in range(KILLS):
            # The next process starts while this one works, and waits for "go".
            starting = asyncio.create_task(spawn())
            # A wave of replies for the active sender; it dies at its 1st to 6th acceptance.
            killer.arm(active.proc.pid, after=1 + (k * 5) % WAVE)
            queued += await queue(db, WAVE, len(queued))
            killed_at, killed_id = await asyncio.wait_for(killer.killed.get(), TIMEOUT)
            assert await asyncio.wait_for(active.proc.wait(), TIMEOUT) == -signal.SIGKILL
            mark = len(smtp.messages)

            # Where the kill landed: the server has the message, the row is not marked sent,
            # and it says it was being sent, by the process that died.
            [row] = await outbox_rows(db, OutboxMail.message_id == killed_id)
            assert killed_id in accepted_since(smtp, 0)
            if row.status == "pending" and row.sending_since is not None:
                assert row.lease_owner == active.owner
                in_window.append(killed_id)
            dead_rows = await outbox_rows(
                db, OutboxMail.lease_owner == active.owner, OutboxMail.status == "pending"
            )
            held = [r.message_id for r in dead_rows]
            assert killed_id in held
            # Its batch in flight: every row it had begun and not yet marked sent.
            begun.append({r.message_id for r in dead_rows if r.sending_since is not None})

            # Another process takes over: every row the dead one held goes out.
            active = await starting
            active.go()
            await until(
                lambda held=held, mark=mark: all(accepted_since(smtp, mark)[i] for i in held),
                TIMEOUT,
                "the dead sender's rows sent by the next one",
            )
            takeovers.append(time.monotonic() - killed_at)

        await until(lambda: len(set(map(message_id, smtp.messages))) == len(queued), TIMEOUT)
        await active.stop()
        received = Counter(message_id(m) for m in smtp.messages)
        missing = [i for i in queued if received[i] == 0]
        duplicates = {i: n - 1 for i, n in received.items() if n > 1}
        print(
            f"\n[{target.backend}] {len(queued)} replies, {KILLS} kills -9, "
            f"{len(in_window)} between acceptance and record, {sum(map(len, begun))} begun "
            f"and unrecorded; missing {len(missing)}, "
            f"duplicates {sum(duplicates.values())}; the dead sender's rows all sent "
            f"{min(takeovers):.2f}-{max(takeovers):.2f} s after the kill "
            f"(mean {sum(takeovers) / len(takeovers):.2f} s, lease {LEASE:g} s)\n"
            f"duplicated Message-IDs: {' '.join(sorted(duplicates))}"
        )
        assert missing == []
        assert len(in_window) == KILLS  # every kill landed where it was meant to
        # A copy only of what a process died with begun and unrecorded (its batch in flight:
        # the sender marks a batch sent together), once; so at most one batch a kill.
        assert all(n == 1 for n in duplicates.values())
        assert set(duplicates) <= set().union(*begun)
        assert all(len(batch) <= WAVE for batch in begun)
        assert sum(duplicates.values()) <= sum(len(batch) for batch in begun)
        assert all(r.status == "sent" for r in await outbox_rows(db))
        assert set(received) == set(queued)
        # Seconds, not minutes: the lease, a renewal's worth, and a margin for a busy machine
        # (2-4 s on a quiet one; up to 8 and 15 s seen with other test processes and benchmarks
        # on its two cores). Well inside the 30 s the issue allows a takeover.
        assert max(takeovers) < LEASE + 18.0
    finally:
        if starting is not None:
            await asyncio.wait([starting], timeout=TIMEOUT)
        for sender in processes:
            if sender.proc.returncode is None:
                sender.proc.kill()
                await sender.proc.wait()
        smtp.stop()


async def test_two_live_senders_never_send_the_same_reply(target: Target) -> None:
    # Every message takes longer than a lease: without renewals the other process would take
    # it over in the middle of its sending and send it too.
    db = target.connect()
    smtp = SmtpServer()
    smtp.recorder.on_accept = lambda _m: time.sleep(LEASE * 0.6)  # a slow server, per message
    smtp.start()
    processes: list[Sender] = []
    try:
        queued = await queue(db, 12, 0)
        processes = [await Sender.start(target, smtp, batch=3) for _ in range(2)]
        for sender in processes:
            sender.go()
        await until(lambda: len(smtp.messages) >= len(queued), 120, "every reply")
        await asyncio.sleep(LEASE * 1.5)  # room for a (wrong) second copy
        sent = [await sender.stop() for sender in processes]
        received = Counter(message_id(m) for m in smtp.messages)
        assert sorted(received) == sorted(queued)
        assert set(received.values()) == {1}, received
        assert sum(sent) == len(queued) and all(n > 0 for n in sent), sent
        rows = await outbox_rows(db)
        assert all(r.status == "sent" and r.attempts == 1 for r in rows)
    finally:
        for sender in processes:
            if sender.proc.returncode is None:
                sender.proc.kill()
                await sender.proc.wait()
        smtp.stop()
