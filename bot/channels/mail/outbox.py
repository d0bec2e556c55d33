"""The outbox: replies are queued in the database with what they answer, and sent by a worker.

Queueing (:meth:`Outbox.enqueue`) adds a ``mail_outbox`` row in the caller's transaction, so a
confirmation is committed together with the registration it confirms, or not at all. The row
holds the whole message but its From (the sender's configured address): a Message-ID
(``make_msgid`` with the bot's domain), the Date, the thread (In-Reply-To; References: the
thread's References plus the original), a "SV: " subject for replies, the headers that keep
auto-responders quiet (``Auto-Submitted``, ``X-Auto-Response-Suppress``), and the .ics, which
goes along as a ``text/calendar; method=PUBLISH`` attachment. The new Message-ID goes into
``mail_threads`` with its event, so an answer to the reply finds the event again. Message-IDs are
stored without angle brackets, like ``mail_inbound.message_key``.

Sending (:class:`OutboxSender`) takes due rows oldest first and sends them over one SMTP
connection; it is woken when a transaction that queued mail commits, and also looks every
``poll_seconds`` (for rows queued by another process, retries that fall due, and leases of a
sender that died running out).

Never twice to a live sender, and a dead one's mail sent within seconds: rows are held by a lease
of a few seconds that the sender renews while it works (``bot/delivery/lease.py``, shared with the
chat outbox):

1. *Claim*: the oldest due rows no one holds, up to ``batch_size``, are leased to this sender
   (its owner id and a lease ``outbox_lease_seconds`` ahead on the database's clock); the
   heartbeat renews them.
2. *Begin* the batch: its messages are built, the connection is made sure of, and one
   compare-and-set checks that the rows are still this sender's, renews their leases, counts an
   attempt for each and records ``sending_since``.
3. *Send* them one after the other over the one connection, under the leases' deadline; the
   server's 250 after DATA is the moment a message is accepted. A refused message (4xx, 5xx) is
   settled at once (retry later, or failed) and the batch goes on.
4. *Mark* the accepted ones sent together, in one transaction (one UPDATE), once the batch is
   through, or stopped, or broken off, and meanwhile whenever ``MARK_SECONDS`` have passed since
   the last mark (a slow server); the rows begun and never handed to the server are set back as
   they were in the same transaction, and given back.

So a batch of ``BATCH_SIZE`` costs three commits (claim, begin, mark) instead of two for every
message. The remaining at-least-once window is between 3 and 4: it opens when the server has
taken a message (after the final "." of its DATA) and closes when the mark is committed: the rest
of the batch on a fast server (on loopback about a millisecond a message), about
``MARK_SECONDS`` and one message on a slow one, and the commit of one UPDATE. A process that
dies in it, a connection that breaks after a final "." and before the 250,
and a send cancelled by its lease's deadline while it waits for the 250 all leave the same doubt,
for at most the one batch (``batch_size`` messages): its rows are left with ``sending_since``
set, and the sender that takes them over when the lease has run out (a few seconds later) logs
that each may have gone out and sends them again: the same bytes, with the same Message-ID, Date
and body, so receiving servers and mail clients can recognise the copy. (The batch's rows not
yet handed over when it died are logged so too, since nothing tells them apart; they do not
arrive twice.) The window cannot be closed from the client side (the server has the mail before the
client can record it); a message is never lost for it. A sender that is stopped marks what the
server took and gives back the leases it did not use at once; only a hard crash leaves them to
run out.

Retries: a server that cannot be reached or refuses the login touches no row (the sender waits,
doubling up to ``connect_backoff_max``, and tries again: mail waits out an SMTP outage, however
long); a 4xx reply to a message counts an attempt and retries it later (``next_attempt_at``,
doubling from ``retry_initial``), as does a connection that breaks in the middle of one (retried
as soon as there is a connection again); a 5xx reply, a message that cannot be built, or
``max_attempts`` tries leave it ``failed`` with the error, for staff, and the queue goes on.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.codes import qr_png
from bot.channels.mail.models import MailThread, OutboxMail
from bot.channels.mail.policy import MAIL_POLICY
from bot.channels.mail.smtp import SmtpConfig, SmtpConnection, SmtpFailure
from bot.clock import now as clock_now
from bot.delivery.lease import FAILED, PENDING, LeaseLost, OutboxLease
from bot.status import CONNECTED, DISCONNECTED, Health
from bot.storage import Database
from bot.waiting import wait_for

log = logging.getLogger(__name__)

# Reply prefixes of mail clients (Danish SV, English Re, German AW, Dutch Antw, Outlook's VS/Fw
# for forwards); a reply gets one "SV: " in front of the topic, never "SV: SV: Re:".
REPLY_PREFIX = re.compile(r"^\s*(?:(?:sv|re|aw|antw|vs|fw|fwd|vb)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
# References keep the thread's root and its newest messages (RFC 5322 advises trimming).
MAX_REFERENCES = 20
FALLBACK_DOMAIN = "deltagerbot.localhost"
# A connection unused this long is checked with a NOOP before the next message.
IDLE_CHECK_SECONDS = 1.0
# Rows claimed and begun together: at most this many may be handed to the server again after a
# crash (see the module docstring).
BATCH_SIZE = 50
# Accepted messages are marked sent at least this often while a batch goes on (a slow server).
MARK_SECONDS = 1.0


def bare_id(message_id: str) -> str:
    """A Message-ID without angle brackets and spaces, as the tables keep it."""
    return "".join(message_id.split()).removeprefix("<").removesuffix(">")


def angle_id(message_id: str) -> str:
    """A Message-ID in angle brackets, as headers carry it."""
    return f"<{bare_id(message_id)}>"


def reply_subject(subject: str) -> str:
    """``SV: <topic>``: the reply prefixes already there are replaced by one "SV: "."""
    topic = REPLY_PREFIX.sub("", " ".join(subject.split()))
    return f"SV: {topic}" if topic else "SV:"


def domain_of(address: str | None) -> str:
    """The domain of an address, for Message-IDs (a fixed one when there is no address)."""
    if address and "@" in address:
        return address.rsplit("@", 1)[1].strip().strip(">").lower() or FALLBACK_DOMAIN
    return FALLBACK_DOMAIN


# The name its sender waits on (``Database.wake``: in every instance).
SIGNAL = "mail-outbox"


def wakeup_of(db: Database) -> asyncio.Event:
    """The event set when mail was queued on this database (the sender waits on it)."""
    return db.signal(SIGNAL)


class Outbox:
    """Queues mail in the caller's transaction; the sender on the same database sends it."""

    def __init__(self, db: Database, *, mail_from: str | None = None) -> None:
        self.db = db
        if mail_from is None:
            from bot.settings import Settings

            mail_from = Settings().mail_from
        self.mail_from = mail_from
        self.domain = domain_of(mail_from)
        self.wakeup = wakeup_of(db)

    async def enqueue(
        self,
        session: AsyncSession,
        *,
        to: str,
        subject: str,
        body: str,
        in_reply_to: str | None = None,
        references: Iterable[str] = (),
        event: str | None = None,
        ics: bytes | None = None,
        ics_filename: str | None = None,
        checkin_code: str | None = None,
        message_id: str | None = None,
        forget_when_sent: bool = False,
        now: datetime,
    ) -> str:
        """Queue a message in the session's transaction; its Message-ID (without brackets).

        ``message_id`` fixes the Message-ID, for mail that a retry must find instead of queueing
        it again (the staff mailbox's forwards); by default it is a new one. ``ics`` is any
        attachment: a calendar file, or a ``.json`` or ``.pdf`` file by its ``ics_filename``.
        ``forget_when_sent`` empties the row once the server has the mail (privacy mail).
        """
        message_id = bare_id(message_id or make_msgid(domain=self.domain))
        # Line breaks in a header would be refused when sending; a subject is one line.
        subject = " ".join(subject.split())
        headers: dict[str, Any] = {"Date": format_datetime(now)}
        if in_reply_to:
            chain = _thread(references, in_reply_to)
            headers["In-Reply-To"] = angle_id(in_reply_to)
            headers["References"] = " ".join(angle_id(i) for i in chain)
            subject = reply_subject(subject)
            headers["Auto-Submitted"] = "auto-replied"
            headers["X-Auto-Response-Suppress"] = "All"
        else:
            # Invitations: machine-made, so no out-of-office answers; bounces (NDRs) still come
            # back, to mark addresses undeliverable.
            headers["Auto-Submitted"] = "auto-generated"
            headers["X-Auto-Response-Suppress"] = "OOF, AutoReply"
        session.add(
            OutboxMail(
                message_id=message_id,
                to_address=to,
                subject=subject,
                body=body,
                headers=headers,
                ics=ics,
                ics_filename=ics_filename or ("invitation.ics" if ics else None),
                checkin_code=checkin_code,
                event_slug=event,
                forget_when_sent=forget_when_sent,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        session.add(MailThread(message_id=message_id, event_slug=event, created_at=now))
        # Wake the sender only once the row is committed: before, it could not see it.
        self.db.wake_after_commit(session, SIGNAL)
        return message_id


def _thread(references: Iterable[str], in_reply_to: str) -> list[str]:
    """References plus the original, each once, trimmed to the root and the newest."""
    chain: list[str] = []
    for item in [*references, in_reply_to]:
        for part in re.findall(r"<[^<>]+>", item) or [item]:
            bare = bare_id(part)
            if bare and bare not in chain:
                chain.append(bare)
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return chain


def build_message(row: OutboxMail, mail_from: str) -> EmailMessage:
    """The message a row describes, from the bot's address, with its .ics attached if any."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Message-ID"] = angle_id(row.message_id)
    for name, value in row.headers.items():
        message[name] = value
    message.set_content(row.body, subtype="plain", charset="utf-8")
    if row.ics and (row.ics_filename or "").endswith(".pdf"):
        # A certificate of participation (bot.attendance.certificate).
        message.add_attachment(
            row.ics, maintype="application", subtype="pdf", filename=row.ics_filename
        )
    elif row.ics and (row.ics_filename or "").endswith(".json"):
        # A person's data export (bot/privacy), the one attachment that is no calendar.
        message.add_attachment(
            row.ics, maintype="application", subtype="json", filename=row.ics_filename
        )
    elif row.ics:
        message.add_attachment(
            row.ics,
            maintype="text",
            subtype="calendar",
            filename=row.ics_filename or "invitation.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    if row.checkin_code:
        # The check-in code's QR code, shown in the mail; the body gives the code in words.
        message.add_attachment(
            qr_png(row.checkin_code),
            maintype="image",
            subtype="png",
            filename="tjek-ind-kode.png",
            disposition="inline",
        )
    return message


@dataclass
class SenderStats:
    """What a sender has done since it started."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    connection_failures: int = 0
    # Rows taken over from a sender that stopped while sending them (they may arrive twice).
    resent_after_doubt: int = 0


class OutboxSender:
    """Sends due outbox rows over SMTP until stopped (see the module docstring for the rules)."""

    def __init__(
        self,
        db: Database,
        config: SmtpConfig,
        *,
        max_attempts: int = 5,
        poll_seconds: float = 30.0,
        batch_size: int = BATCH_SIZE,
        retry_initial: float = 60.0,
        retry_max: float = 3600.0,
        connect_backoff_initial: float = 2.0,
        connect_backoff_max: float = 300.0,
        lease_seconds: float | None = None,
        linger_seconds: float = 10.0,
        clock: Callable[[], datetime] = clock_now,
        health: Health | None = None,
    ) -> None:
        self.db = db
        # Where the server's reachability is reported (``/readyz``, ``/status``); with it, the
        # sender also connects once at start and after a failure, so the state is known
        # before there is mail to send.
        self.health = health
        self.config = config
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.connect_backoff_initial = connect_backoff_initial
        self.connect_backoff_max = connect_backoff_max
        # None: the ``outbox_lease_seconds`` setting.
        self.lease = OutboxLease(
            db, OutboxMail, name="mail outbox", seconds=lease_seconds, max_attempts=max_attempts
        )
        self.linger_seconds = linger_seconds
        self.clock = clock
        self.wakeup = wakeup_of(db)
        self.stats = SenderStats()
        self._connection: SmtpConnection | None = None
        self._last_used = 0.0
        self._stop: asyncio.Event | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; connection trouble is waited out with back-off."""
        log.info("mail outbox: sender started")
        self._stop = stop
        failures = 0
        try:
            while not stop.is_set():
                self.wakeup.clear()
                try:
                    if self.health is not None and self.health.smtp != CONNECTED:
                        await self._connect()
                    await self.send_due()
                    failures = 0
                except Exception as exc:
                    # SMTP unreachable, or the database: nothing is lost, the rows wait.
                    if self.health is not None and isinstance(exc, SmtpFailure):
                        self.health.smtp = DISCONNECTED
                    await self._disconnect()
                    failures += 1
                    self.stats.connection_failures += 1
                    delay = _backoff(
                        failures, self.connect_backoff_initial, self.connect_backoff_max
                    )
                    what = str(exc) if isinstance(exc, SmtpFailure) else type(exc).__name__
                    log.warning("mail outbox: cannot send (%s); next try in %.1f s", what, delay)
                    log.debug("mail outbox: failure", exc_info=exc)
                    await wait_for(stop, None, delay)
                    continue
                if self._connection is not None:
                    # Keep the connection a moment for mail that follows (a burst of replies).
                    if await wait_for(stop, self.wakeup, self.linger_seconds):
                        continue
                    await self._disconnect()
                await wait_for(stop, self.wakeup, await self._sleep_seconds())
        finally:
            await self._disconnect()
            log.info("mail outbox: sender stopped")

    async def send_due(self) -> int:
        """Send every row that is due now, batch by batch; how many were sent.

        Raises :class:`SmtpFailure` (``connection``) when the server cannot be reached; no row
        is counted against for that. The leases taken are renewed meanwhile, and what was not
        used is given back at the end.
        """
        sent = 0
        async with self.lease.kept():
            while not self._stopping():
                rows = await self.lease.claim(
                    OutboxMail.next_attempt_at <= self.clock(), self.batch_size
                )
                if not rows:
                    break
                batch_sent, finished = await self._send_batch(rows)
                sent += batch_sent
                if not finished:  # stopped, or the lease lost: the rest is given back
                    break
        return sent

    def _stopping(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    # ------------------------------------------------------------------------- one batch

    async def _send_batch(self, rows: list[OutboxMail]) -> tuple[int, bool]:
        """Send claimed rows in order over one connection, begun together and marked sent
        together (see the module docstring); (sent, went through them all)."""
        messages: dict[int, EmailMessage] = {}
        for row in rows:
            try:
                messages[row.id] = build_message(row, self.config.mail_from)
            except (ValueError, TypeError) as exc:  # a header no message may carry
                failure = SmtpFailure(f"cannot build the message: {exc}", permanent=True)
                await asyncio.shield(self._failed(row, failure))
        rows = [row for row in rows if row.id in messages]
        if not rows or self._stopping():
            return 0, not rows
        # Connected before any row is begun: a server out of reach touches no row.
        connection = await self._connect()
        accepted: list[OutboxMail] = []  # not marked yet
        sent = 0
        marked_at = time.monotonic()
        handed: set[int] = set()  # given to the server: accepted, refused, or in doubt
        begun: set[int] = set()
        finished = True
        try:
            async with self.lease.sending_batch(rows, self.clock()) as begun:
                for row in rows:
                    if row.id not in begun:  # taken over by another sender: not ours to send
                        log.info("mail outbox: message %d is another sender's now", row.id)
                        continue
                    if self._stopping():
                        finished = False
                        break
                    if row.sending_since is not None:
                        self.stats.resent_after_doubt += 1
                        log.warning(
                            "mail outbox: message %d was being sent when its sender stopped; "
                            "sending it again with the same Message-ID (it may arrive twice)",
                            row.id,
                        )
                    handed.add(row.id)
                    try:
                        await connection.send(messages[row.id], to=row.to_address)
                    except SmtpFailure as exc:
                        await asyncio.shield(self._failed(row, exc))
                        if exc.connection:
                            await self._disconnect()
                            raise
                        continue
                    finally:
                        self._last_used = time.monotonic()
                    accepted.append(row)
                    if time.monotonic() - marked_at >= MARK_SECONDS:
                        done, accepted = accepted, []
                        await asyncio.shield(self._mark_sent(done, set()))
                        sent += len(done)
                        marked_at = time.monotonic()
        except LeaseLost:
            # The leases could not be renewed in time: the send under way was cancelled, and
            # the connection is dropped before another sender may take the rows.
            self._abort()
            log.warning("mail outbox: leases lost while sending; the rest is given back")
            finished = False
        finally:
            # Accepted: marked now, even if the task is cancelled; what was begun and never
            # handed over is as it was, so whoever sends it next knows it did not go out.
            unused = begun - handed
            if accepted or unused:
                await asyncio.shield(self._mark_sent(accepted, unused))
        return sent + len(accepted), finished

    async def _connect(self) -> SmtpConnection:
        if self._connection is not None:
            # Servers close idle connections; ask before sending a message into a dead one.
            idle = time.monotonic() - self._last_used
            if idle < IDLE_CHECK_SECONDS or await self._connection.alive():
                return self._connection
            await self._disconnect()
        connection = SmtpConnection(self.config)
        await connection.open()
        self._connection = connection
        if self.health is not None:
            self.health.smtp = CONNECTED
        return connection

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    def _abort(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.abort()

    async def _mark_sent(self, rows: list[OutboxMail], unused: set[int]) -> None:
        values: dict[str, Any] = {"sent_at": self.clock()}
        # The person has it now; the database keeps no copy of privacy mail (see bot/privacy).
        forget: dict[str, Any] = {
            "to_address": "",
            "subject": "",
            "body": "",
            "headers": {},
            "ics": None,
        }
        forgotten = [row.id for row in rows if row.forget_when_sent]
        kept = [row.id for row in rows if not row.forget_when_sent]
        marked = await self.lease.finish_batch(
            [(forgotten, values | forget), (kept, values)], unused=unused
        )
        if marked:
            log.info(
                "mail outbox: sent %d messages (%d to %d)", len(marked), min(marked), max(marked)
            )
        for row in rows:
            if row.id not in marked:  # erased meanwhile, or a sender that took it over marked it
                log.warning("mail outbox: message %d was sent, but was no longer waiting", row.id)
        self.stats.sent += len(rows)

    async def _failed(self, row: OutboxMail, failure: SmtpFailure) -> None:
        now = self.clock()
        attempts = row.attempts + 1
        give_up = failure.permanent or attempts >= self.max_attempts
        # A broken connection is retried as soon as there is a connection again (the sender's
        # own back-off paces that); a 4xx reply waits, doubling.
        delay = (
            0.0 if failure.connection else _backoff(attempts, self.retry_initial, self.retry_max)
        )
        settled = await self.lease.settle(
            row.id,
            {
                "status": FAILED if give_up else PENDING,
                "attempts": attempts,
                "last_error": str(failure),
                "next_attempt_at": now if give_up else now + timedelta(seconds=delay),
            },
        )
        if not settled:  # another sender holds it now; what it does counts
            return
        if give_up:
            self.stats.failed += 1
            log.warning(
                "mail outbox: message %d failed for good after %d attempts (code %s)",
                row.id, attempts, failure.code,
            )  # fmt: skip
        else:
            self.stats.retried += 1
            log.info(
                "mail outbox: message %d not sent (code %s); retry %d of %d later",
                row.id, failure.code, attempts + 1, self.max_attempts,
            )  # fmt: skip

    async def _sleep_seconds(self) -> float:
        """Until a row can be claimed (a retry due, a lease run out), at most the poll interval."""
        until = await self.lease.seconds_until_claimable(self.clock())
        return self.poll_seconds if until is None else min(self.poll_seconds, until)


def _backoff(attempt: int, initial: float, maximum: float) -> float:
    """Exponential back-off with jitter: about initial, 2x, 4x ... up to maximum."""
    base: float = min(maximum, initial * 2.0 ** max(0, attempt - 1))
    return base * random.uniform(0.8, 1.0)
