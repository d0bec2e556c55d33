"""The mailbox worker: new messages are read over IMAP, handed to the handler, then filed away.

How one message goes (exactly once, as far as the mailbox is concerned):

1. It is fetched with ``BODY.PEEK[]``, so reading never marks it as read.
2. The handler (:class:`MailHandler`) records it in ``mail_inbound`` under its message key
   (:func:`message_key`: the Message-ID, or a hash of the raw message) in the SAME transaction as
   what it does about it (a registration, a reply in the outbox). The messages fetched together
   (up to ``fetch_batch``) share ONE transaction, a unit of work (``Database.unit``), with a
   SAVEPOINT for each: the handler's own transactions join it, a message that fails rolls back
   alone (and its failure is recorded in the same unit), and the batch commits once (or in
   parts, each committed after ``unit_seconds``, so a slow batch does not hold the database's
   write lock from the chats for long).
3. Only then is it filed: moved to the done folder (``UID MOVE``; on servers without MOVE,
   ``UID COPY`` + ``\\Deleted`` + ``UID EXPUNGE``, or ``EXPUNGE`` without UIDPLUS).
4. Then ``mailbox_state.last_uid`` moves past it.

A crash before the batch's commit leaves nothing of the batch: every message of it is fetched
and handled again after the restart. A crash between 2 and 3 leaves the message in the folder:
after the restart it is fetched again, the handler finds its key already recorded (a duplicate,
with no new effects), and it is filed. A crash between 3 and 4 is harmless: the message is no
longer in the folder. Without MOVE a crash in the middle of step 3 can leave a second copy in the
done folder, never a second handling.

UIDVALIDITY: UIDs only mean something together with the folder's UIDVALIDITY. When the server
reports a different one than ``mailbox_state`` holds (the folder was recreated or restored, the
server migrated), the old ``last_uid`` says nothing about the new UIDs, so the worker starts
from UID 1 again and re-reads the whole folder; messages handled before are recognised by their
message key in ``mail_inbound`` and only filed. Handled messages have been moved out, so what is
re-read is normally only what was still waiting. (The alternative, skipping everything present
at the change, could lose a message that arrived in the same moment.)

One message never stops the others. Whatever goes wrong about one message (the handler raises,
its data is refused by the database, it cannot be parsed) is that message's failure, never a
lost connection: the messages after it in the batch are handled at once. Only the IMAP
connection failing, or the database being unreachable (:func:`database_unreachable`), ends the
pass and reconnects with back-off; then nothing is counted against the message. Text from the
message is stored through the safe column types (``bot.storage.safetext``), so a NUL or a raw
8-bit byte in a header cannot make its lookups or its failure record fail, and an unusable
Message-ID gets a hashed key (:func:`message_key`).

A message the handler raises on: its transaction rolled back, so :func:`record_failure` counts
the attempt and keeps the error (and the raw message) in ``mail_inbound`` in a transaction of its
own; it is tried again after a back-off, and after ``max_attempts`` it is flagged (``\\Flagged``)
and left in the folder for staff, with status ``failed``. It is never dropped, and never tried
again once given up. So the handler must count only a ``done`` row as "handled before", and
make a ``retry`` row its record when it succeeds. Should even that record be refused, the
message is flagged and left for staff at once (the flag in the mailbox is then its only
record), with a warning that names its UID and the kinds of error, and the worker goes on. A
handler's verdict ``done=False`` leaves the message in the folder as it is, not tried again.

The first run (no ``mailbox_state`` yet) reads everything in the folder: point the worker at a
folder that holds only mail for the bot, or file old mail away before the first start.

Waiting: IDLE where the server advertises it, renewed every ``idle_seconds`` (servers end IDLE
after 30 minutes and NAT boxes forget quiet connections sooner); a poll every ``poll_seconds``
otherwise. imapclient's ``idle_check`` does not report EOF (it returns nothing, at once, again
and again), so an ``idle_check`` that returns nothing well before its time-out is taken as a
sign of a dead connection, and ending IDLE (``DONE`` answered by the server) proves it alive or
not; a silent peer is caught by the socket's read time-out when the IDLE is renewed, and by TCP
keep-alive. A broken connection is reopened with exponential back-off (tenacity).

Health: given a :class:`~bot.status.Health` (``Services.health``), the worker keeps its
``mailbox`` up to date for ``/status``: connected once a connection is open and the folder
selected; disconnected while it waits to reconnect, and once it has stopped.

imapclient is blocking: each connection has one thread of its own that makes every call on it,
so the event loop never waits on the network. Logs say what happens by UID and count, never
with addresses or subjects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.parser import BytesParser
from functools import partial
from ssl import SSLContext
from typing import Any, Protocol, TypeVar

import imapclient
from imapclient.exceptions import IMAPClientError
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from bot.channels.mail.models import InboundMail, MailboxState
from bot.channels.mail.oauth import TokenProvider
from bot.channels.mail.policy import MAIL_POLICY
from bot.channels.mail.reading import message_key
from bot.clock import now as clock_now
from bot.settings import Settings
from bot.status import CONNECTED, DISCONNECTED, Health
from bot.storage import Database
from bot.waiting import sleep_unless

log = logging.getLogger(__name__)
T = TypeVar("T")

# mail_inbound.status values written here (the handler writes "done").
DONE, RETRY, FAILED = "done", "retry", "failed"
# What becomes of a message in the folder after a pass (None: it stays as it is).
FILE, FLAG = "file", "flag"
MAX_ERROR_CHARS = 2000
# An idle_check that returns nothing sooner than this share of its time-out: probably EOF.
EARLY_EMPTY_SHARE = 0.5
MIN_WAIT_SECONDS = 0.1


class Handled(Protocol):
    """The handler's verdict on one message."""

    @property
    def done(self) -> bool:
        """Processed for good: the message may be filed away."""
        ...

    @property
    def duplicate(self) -> bool:
        """The message had been handled before; nothing was done again."""
        ...


class MailHandler(Protocol):
    """Acts on one raw message and records it, in one transaction (see the module docstring)."""

    async def handle(self, raw: bytes, *, folder: str, uid: int, now: datetime) -> Handled:
        """Handle one message; safe to call again for a message handled before."""
        ...


def _sender_and_subject(raw: bytes) -> tuple[str | None, str | None]:
    """From address and Subject, for staff looking at a message that failed."""
    try:
        headers = BytesParser(policy=MAIL_POLICY).parsebytes(raw, headersonly=True)
        sender = headers["From"]
        address = sender.addresses[0].addr_spec if sender and sender.addresses else None
        subject = str(headers["Subject"]) if headers["Subject"] is not None else None
    except Exception:  # malformed headers: the raw message is kept anyway
        return None, None
    return (address[:320] if address else None), subject


async def record_failure(
    db: Database,
    raw: bytes,
    *,
    key: str,
    folder: str,
    uid: int,
    error: str,
    now: datetime,
    max_attempts: int,
) -> InboundMail:
    """Count one failed attempt at a message and keep the error, in a transaction of its own.

    Upserts ``mail_inbound`` by message key: status ``retry`` with the raw message kept for
    the next try, or ``failed`` once ``max_attempts`` is reached. A row the handler has meanwhile
    recorded as done is left alone.
    """
    async with db.transaction() as session:
        row = await session.scalar(
            select(InboundMail).where(InboundMail.message_key == key).with_for_update()
        )
        if row is None:
            sender, subject = _sender_and_subject(raw)
            row = InboundMail(
                message_key=key,
                sender=sender,
                subject=subject,
                received_at=now,
                status=RETRY,
                attempts=0,
            )
            session.add(row)
        elif row.status == DONE:
            return row
        row.attempts = (row.attempts or 0) + 1
        row.status = FAILED if row.attempts >= max_attempts else RETRY
        row.last_error = error[:MAX_ERROR_CHARS]
        row.folder, row.uid = folder, uid
        row.raw = raw
        row.updated_at = now
    return row


@dataclass(frozen=True)
class ImapConfig:
    """Which mailbox, how to log in, where handled mail goes, and how to wait for new mail."""

    host: str
    user: str
    port: int = 993
    password: SecretStr | None = None
    ssl: bool = True
    folder: str = "INBOX"
    # Empty: handled messages are marked \Seen and stay where they are.
    done_folder: str = "Behandlet"
    idle_seconds: float = 300.0
    poll_seconds: float = 60.0
    tokens: TokenProvider | None = None
    # None: the system's trusted certificates (tests pass one that trusts their own).
    ssl_context: SSLContext | None = None
    timeout: float = 60.0

    @classmethod
    def from_settings(
        cls, settings: Settings, tokens: TokenProvider | None = None
    ) -> ImapConfig | None:
        """The configured mailbox, or None when ``imap_host`` is not set."""
        if not settings.imap_host:
            return None
        if not settings.imap_user:
            raise ValueError("BOT_IMAP_USER is needed with BOT_IMAP_HOST")
        if settings.imap_password is None and tokens is None:
            raise ValueError("BOT_IMAP_PASSWORD or the mail_oauth_* settings are needed")
        return cls(
            host=settings.imap_host,
            port=settings.imap_port,
            user=settings.imap_user,
            password=settings.imap_password,
            ssl=settings.imap_ssl,
            folder=settings.imap_folder,
            done_folder=settings.imap_done_folder,
            idle_seconds=settings.imap_idle_seconds,
            poll_seconds=settings.imap_poll_seconds,
            tokens=None if settings.imap_password else tokens,
        )


@dataclass
class WorkerStats:
    """What a worker has done since it started."""

    handled: int = 0
    duplicates: int = 0
    moved: int = 0
    copied: int = 0
    failures: int = 0
    given_up: int = 0
    connections: int = 0
    passes: int = 0
    resyncs: int = 0
    idle_wakeups: int = 0
    # Failures that could not even be recorded (flagged in the mailbox, and left for staff).
    unrecorded: int = 0


class _Connection:
    """An IMAPClient with the one thread that makes every call on it."""

    def __init__(self, client: imapclient.IMAPClient, executor: ThreadPoolExecutor) -> None:
        self.client = client
        self.executor = executor
        self.capabilities: frozenset[bytes] = frozenset()
        self.uidvalidity = 0

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, partial(fn, *args, **kwargs))

    def has(self, capability: str) -> bool:
        return capability.encode() in self.capabilities

    def abandon(self) -> None:
        """Close the socket at once, from any thread; a call blocked on it returns with an error."""
        with contextlib.suppress(Exception):
            self.client.shutdown()
        self.executor.shutdown(wait=False, cancel_futures=True)


def _keepalive(sock: socket.socket) -> None:
    """TCP keep-alive, so a peer that vanished without a word is noticed within minutes."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 15), ("TCP_KEEPCNT", 4)):
        if hasattr(socket, name):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)


def _reconnectable(exc: BaseException) -> bool:
    return isinstance(exc, Exception) and not isinstance(exc, asyncio.CancelledError)


def database_unreachable(exc: BaseException) -> bool:
    """A failure of the database itself (gone, refused, locked), not of one message's data:
    such an error ends the pass and is waited out like a lost connection."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | OSError | TimeoutError)


class MailboxWorker:
    """Reads one IMAP folder until stopped (see the module docstring for the rules)."""

    def __init__(
        self,
        db: Database,
        config: ImapConfig,
        handler: MailHandler,
        *,
        max_attempts: int = 5,
        fetch_batch: int = 50,
        retry_initial: float = 60.0,
        retry_max: float = 3600.0,
        reconnect_initial: float = 1.0,
        reconnect_max: float = 120.0,
        stable_seconds: float = 60.0,
        idle_slice: float = 1.0,
        unit_seconds: float = 0.5,
        clock: Callable[[], datetime] = clock_now,
        key_of: Callable[[bytes], str] = message_key,
        health: Health | None = None,
    ) -> None:
        self.db = db
        self.health = health
        self.config = config
        self.handler = handler
        self.max_attempts = max_attempts
        self.fetch_batch = fetch_batch
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.reconnect_initial = reconnect_initial
        self.reconnect_max = reconnect_max
        # A connection that lasted this long resets the back-off when it is lost.
        self.stable_seconds = stable_seconds
        self._failures = 0  # connections failed or lost in a row
        # IDLE is waited out in slices, to see ``stop`` within this long.
        self.idle_slice = idle_slice
        # The longest one batch's transaction is held open before it commits (see _handle_batch).
        self.unit_seconds = unit_seconds
        self.clock = clock
        self.key_of = key_of
        self.stats = WorkerStats()
        self._last_uid = 0
        # UIDs fetched in the current pass (a due retry not among them has left the folder).
        self._seen_in_pass: set[int] = set()

    # -------------------------------------------------------------------------- running

    async def run(self, stop: asyncio.Event) -> None:
        """Read the folder until ``stop`` is set, reconnecting with back-off when needed."""
        log.info("imap: worker started for folder %s", self.config.folder)
        retrying = AsyncRetrying(
            retry=retry_if_exception(_reconnectable),
            wait=self._reconnect_delay,
            stop=lambda _state: stop.is_set(),
            sleep=partial(sleep_unless, stop),
            before_sleep=self._before_reconnect,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    await self._connection_lifetime(stop)
        except Exception:
            if not stop.is_set():
                raise
        finally:
            self._report(DISCONNECTED)
            log.info("imap: worker stopped")

    def _reconnect_delay(self, _state: RetryCallState) -> float:
        """Doubling from reconnect_initial to reconnect_max, with a little jitter (so that
        several bots do not knock on a restarted server at once); afresh after a stable
        connection."""
        doublings = max(0, self._failures - 1)
        base = min(self.reconnect_max, self.reconnect_initial * 2.0**doublings)
        return base + random.uniform(0, self.reconnect_initial)

    def _before_reconnect(self, state: RetryCallState) -> None:
        self._report(DISCONNECTED)
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "imap: connection failed or lost (%s); reconnecting in %.1f s",
            type(exc).__name__ if exc else "?",
            wait,
        )
        log.debug("imap: connection failure", exc_info=exc)

    def _report(self, state: str) -> None:
        if self.health is not None:
            self.health.mailbox = state

    async def _connection_lifetime(self, stop: asyncio.Event) -> None:
        """One connection, from login to logout; returns when ``stop`` is set, raises if lost."""
        try:
            connection = await self._open()
        except BaseException:
            self._failures += 1
            raise
        opened = time.monotonic()
        stable = False
        try:
            while not stop.is_set():
                new = await self._pass(connection)
                stable = stable or time.monotonic() - opened >= self.stable_seconds
                if new:
                    # Mail that arrived while these were handled was announced (EXISTS) to the
                    # MOVE or FETCH, which ignore it, and IDLE would not announce it again: look
                    # once more, and IDLE only after a search that found nothing new.
                    continue
                await self._wait_for_mail(connection, stop)
        except BaseException:
            connection.abandon()
            # Lost after working for a while: the back-off starts afresh.
            self._failures = 1 if stable else self._failures + 1
            raise
        self._failures = 0
        await self._logout(connection)

    async def _open(self) -> _Connection:
        config = self.config
        token = await config.tokens.token() if config.tokens and config.password is None else None
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap")
        loop = asyncio.get_running_loop()
        try:
            client = await loop.run_in_executor(executor, partial(self._connect_sync, token))
        except BaseException:
            executor.shutdown(wait=False)
            raise
        connection = _Connection(client, executor)
        try:
            connection.capabilities = frozenset(await connection.call(client.capabilities))
            if config.done_folder:
                await connection.call(self._ensure_folder_sync, client, config.done_folder)
            selected = await connection.call(client.select_folder, config.folder)
            connection.uidvalidity = int(selected[b"UIDVALIDITY"])
            self._last_uid = await self._load_state(connection.uidvalidity)
        except BaseException:
            connection.abandon()
            raise
        self.stats.connections += 1
        self._report(CONNECTED)
        log.info(
            "imap: connected (idle=%s, move=%s), folder %s from UID %d",
            connection.has("IDLE"),
            connection.has("MOVE"),
            config.folder,
            self._last_uid + 1,
        )
        return connection

    def _connect_sync(self, token: str | None) -> imapclient.IMAPClient:
        config = self.config
        client = imapclient.IMAPClient(
            config.host,
            port=config.port,
            ssl=config.ssl,
            ssl_context=config.ssl_context,
            timeout=imapclient.SocketTimeout(
                connect=min(30.0, config.timeout), read=config.timeout
            ),
        )
        try:
            _keepalive(client.socket())
            if token is not None:
                client.oauth2_login(config.user, token)
            else:
                assert config.password is not None
                client.login(config.user, config.password.get_secret_value())
        except BaseException:
            with contextlib.suppress(Exception):
                client.shutdown()
            raise
        return client

    @staticmethod
    def _ensure_folder_sync(client: imapclient.IMAPClient, folder: str) -> None:
        if client.folder_exists(folder):
            return
        try:
            client.create_folder(folder)
        except IMAPClientError:
            if not client.folder_exists(folder):  # else another client made it just now
                raise
        with contextlib.suppress(IMAPClientError):
            client.subscribe_folder(folder)  # so that staff see it in their mail program
        log.info("imap: created folder %s", folder)

    async def _logout(self, connection: _Connection) -> None:
        try:
            await asyncio.wait_for(connection.call(connection.client.logout), timeout=5)
        except Exception:  # leaving anyway
            pass
        finally:
            connection.abandon()

    # ------------------------------------------------------------------------ one pass

    async def _pass(self, connection: _Connection) -> int:
        """Handle every new message, and retries that are due, then file them; how many new."""
        client = connection.client
        self.stats.passes += 1
        self._seen_in_pass.clear()
        # A SEARCH only sees messages the server has told this session about; NOOP asks.
        await connection.call(client.noop)
        found = await connection.call(client.search, ["UID", f"{self._last_uid + 1}:*"])
        # "N:*" matches the highest UID even below N, so filter again.
        new = sorted(uid for uid in found if uid > self._last_uid)
        retries = await self._due_retries()
        todo = sorted(set(new) | set(retries))
        for start in range(0, len(todo), self.fetch_batch):
            await self._handle_batch(connection, todo[start : start + self.fetch_batch])
        missing = set(retries) - self._seen_in_pass
        if missing:
            await self._forget_uids(missing)
        return len(new)

    async def _handle_batch(self, connection: _Connection, uids: list[int]) -> None:
        client = connection.client
        fetched = await connection.call(client.fetch, uids, ["BODY.PEEK[]"])
        raws: dict[int, bytes] = {}
        for uid, data in fetched.items():
            raw = data.get(b"BODY[]")
            if isinstance(raw, bytes):
                raws[int(uid)] = raw
        self._seen_in_pass.update(raws)
        to_file: list[int] = []
        to_flag: list[int] = []
        keys = {uid: self.key_of(raw) for uid, raw in raws.items()}
        todo = sorted(raws)
        while todo:
            # One transaction for the batch, a savepoint for each message (see the module
            # docstring); committed early once it has lasted ``unit_seconds``, since it holds
            # SQLite's write lock (and on PostgreSQL the events' rows) from everyone else.
            handled = duplicates = 0
            async with self.db.unit():
                given_up = await self._given_up({keys[uid] for uid in todo})
                ends = time.monotonic() + self.unit_seconds
                while todo:
                    uid = todo.pop(0)
                    verdict, duplicate = await self._handle_one(raws[uid], keys[uid], given_up, uid)
                    if verdict == FILE:
                        to_file.append(uid)
                        handled += not duplicate
                        duplicates += duplicate
                    elif verdict == FLAG:
                        to_flag.append(uid)
                    if time.monotonic() >= ends:
                        break
            self.stats.handled += handled
            self.stats.duplicates += duplicates
        # Filing comes only now, after every handler above has committed.
        if to_file:
            await self._file(connection, to_file)
        if to_flag:
            await connection.call(client.add_flags, to_flag, [imapclient.FLAGGED])
        highest = max((uid for uid in uids if uid > self._last_uid), default=None)
        if highest is not None:
            await self._save_state(connection.uidvalidity, highest)
        if raws:
            log.info(
                "imap: %d messages read, %d filed, %d flagged for staff, up to UID %d",
                len(raws),
                len(to_file),
                len(to_flag),
                max(raws),
            )

    async def _handle_one(
        self, raw: bytes, key: str, given_up: set[str], uid: int
    ) -> tuple[str | None, bool]:
        """Handle one message in a savepoint of the batch: FILE it, FLAG it for staff, or leave
        it (None); and whether it was a duplicate.

        Whatever goes wrong here is this message's failure: its savepoint is rolled back and the
        failure recorded; only an unreachable database is raised (see the module docstring).
        """
        if key in given_up:
            return FLAG, False  # given up before; only the flag may be missing
        try:
            async with self.db.transaction():
                handled = await self.handler.handle(
                    raw, folder=self.config.folder, uid=uid, now=self.clock()
                )
        except Exception as exc:
            if database_unreachable(exc):
                raise  # not this message's fault: the batch is rolled back and tried again
            return (FLAG if await self._failed(raw, key, uid, exc) else None), False
        return (FILE if handled.done else None), handled.duplicate

    async def _failed(self, raw: bytes, key: str, uid: int, exc: Exception) -> bool:
        """Record a failed attempt; True if the message is now given up."""
        self.stats.failures += 1
        try:
            row = await record_failure(
                self.db,
                raw,
                key=key,
                folder=self.config.folder,
                uid=uid,
                error=f"{type(exc).__name__}: {exc}",
                now=self.clock(),
                max_attempts=self.max_attempts,
            )
        except Exception as problem:
            if database_unreachable(problem):
                raise  # not this message's fault: the pass ends and is tried again later
            self.stats.given_up += 1
            self.stats.unrecorded += 1
            log.warning(
                "imap: handling UID %d failed (%s) and the failure could not be recorded (%s); "
                "flagged and left for staff",
                uid,
                type(exc).__name__,
                type(problem).__name__,
            )
            log.debug("imap: handler error", exc_info=exc)
            log.debug("imap: recording error", exc_info=problem)
            return True
        given_up = row.status == FAILED
        if given_up:
            self.stats.given_up += 1
        log.warning(
            "imap: handling UID %d failed (%s), attempt %d of %d%s",
            uid,
            type(exc).__name__,
            row.attempts,
            self.max_attempts,
            "; flagged and left for staff" if given_up else "",
        )
        log.debug("imap: handler error", exc_info=exc)
        return given_up

    async def _file(self, connection: _Connection, uids: list[int]) -> None:
        """Move handled messages to the done folder (or mark them seen when there is none)."""
        client = connection.client
        done = self.config.done_folder
        if not done:
            await connection.call(client.add_flags, uids, [imapclient.SEEN])
            return
        if connection.has("MOVE"):
            await connection.call(client.move, uids, done)
            self.stats.moved += len(uids)
            return
        await connection.call(client.copy, uids, done)
        await connection.call(client.add_flags, uids, [imapclient.DELETED])
        if connection.has("UIDPLUS"):
            await connection.call(client.uid_expunge, uids)
        else:
            # Also removes other messages someone marked \Deleted here; they were on their way.
            await connection.call(client.expunge)
        self.stats.copied += len(uids)

    # --------------------------------------------------------------------------- waiting

    async def _wait_for_mail(self, connection: _Connection, stop: asyncio.Event) -> None:
        """IDLE (or sleep, to poll) until new mail, a due retry, the renewal time, or stop."""
        limit = self.config.idle_seconds if connection.has("IDLE") else self.config.poll_seconds
        limit = max(MIN_WAIT_SECONDS, limit)  # a zero in the settings must not spin
        retry_in = await self._next_retry_in()
        timeout = limit if retry_in is None else min(limit, retry_in)
        if timeout <= 0 or stop.is_set():
            return
        if not connection.has("IDLE"):
            await sleep_unless(stop, timeout)
            return
        client = connection.client
        if await connection.call(_start_idle, client):
            self.stats.idle_wakeups += 1
            await connection.call(client.idle_done)
            return
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            wait = min(self.idle_slice, left)
            began = time.monotonic()
            responses = await connection.call(client.idle_check, timeout=wait)
            if any(_wakes(r) for r in responses):
                self.stats.idle_wakeups += 1
                break
            if not responses and time.monotonic() - began < wait * EARLY_EMPTY_SHARE:
                # Nothing, yet not by time-out: the socket was readable at EOF. DONE will tell.
                break
        # Ending IDLE waits for the server's tagged answer: a dead connection raises here.
        await connection.call(client.idle_done)

    # ------------------------------------------------------------------------- the state

    async def _load_state(self, uidvalidity: int) -> int:
        folder = self.config.folder
        now = self.clock()
        async with self.db.transaction() as session:
            state = await session.get(MailboxState, folder, with_for_update=True)
            if state is None:
                session.add(
                    MailboxState(folder=folder, uidvalidity=uidvalidity, last_uid=0, updated_at=now)
                )
                return 0
            if state.uidvalidity == uidvalidity:
                return state.last_uid
            # New UIDs: start over and let the message keys recognise what was handled.
            log.warning(
                "imap: UIDVALIDITY of %s changed; re-reading the folder, handled messages are "
                "recognised by their Message-ID",
                folder,
            )
            self.stats.resyncs += 1
            state.uidvalidity, state.last_uid, state.updated_at = uidvalidity, 0, now
            # Waiting retries pointed at old UIDs; the re-read finds them again.
            await session.execute(
                update(InboundMail)
                .where(InboundMail.folder == folder, InboundMail.status == RETRY)
                .values(uid=None)
            )
            return 0

    async def _save_state(self, uidvalidity: int, last_uid: int) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                update(MailboxState)
                .where(
                    MailboxState.folder == self.config.folder,
                    MailboxState.uidvalidity == uidvalidity,
                    MailboxState.last_uid < last_uid,
                )
                .values(last_uid=last_uid, updated_at=self.clock())
            )
        self._last_uid = max(self._last_uid, last_uid)

    async def _given_up(self, keys: set[str]) -> set[str]:
        """Which of these messages were given up before."""
        async with self.db.session() as session:
            found = await session.scalars(
                select(InboundMail.message_key).where(
                    InboundMail.message_key.in_(keys), InboundMail.status == FAILED
                )
            )
            return set(found)

    async def _retry_rows(self) -> Sequence[tuple[int, int, datetime]]:
        async with self.db.session() as session:
            rows = await session.execute(
                select(InboundMail.uid, InboundMail.attempts, InboundMail.updated_at).where(
                    InboundMail.folder == self.config.folder,
                    InboundMail.status == RETRY,
                    InboundMail.uid.is_not(None),
                    InboundMail.uid <= self._last_uid,
                )
            )
            return [(uid, attempts, at) for uid, attempts, at in rows if uid is not None]

    def _retry_at(self, attempts: int, at: datetime) -> datetime:
        delay = min(self.retry_max, self.retry_initial * 2 ** max(0, attempts - 1))
        return at + timedelta(seconds=delay)

    async def _due_retries(self) -> list[int]:
        now = self.clock()
        return [uid for uid, n, at in await self._retry_rows() if self._retry_at(n, at) <= now]

    async def _next_retry_in(self) -> float | None:
        rows = await self._retry_rows()
        if not rows:
            return None
        soonest = min(self._retry_at(n, at) for _uid, n, at in rows)
        return max(0.0, (soonest - self.clock()).total_seconds())

    async def _forget_uids(self, uids: set[int]) -> None:
        """Retries whose message is gone from the folder (staff moved it): stop looking."""
        async with self.db.transaction() as session:
            await session.execute(
                update(InboundMail)
                .where(
                    InboundMail.folder == self.config.folder,
                    InboundMail.status == RETRY,
                    InboundMail.uid.in_(list(uids)),
                )
                .values(uid=None)
            )


def _wakes(response: Any) -> bool:
    """An IDLE response that means new mail (EXISTS) or the end of the connection (BYE)."""
    if not isinstance(response, tuple) or not response:
        return False
    if response[0] == b"BYE":
        return True
    return len(response) > 1 and response[1] in (b"EXISTS", b"RECENT")


def _start_idle(client: imapclient.IMAPClient) -> bool:
    """Enter IDLE; True if the server had announced new mail that imapclient does not report.

    Mail that arrives just before IDLE is announced (``* n EXISTS``) in the response to the last
    command or ahead of IDLE's continuation. imaplib keeps such untagged responses in
    ``untagged_responses``, which imapclient never reads, so without this look the message
    would wait for the next IDLE renewal. A stale entry costs one extra search, no more.
    """
    client.idle()
    pending = client._imap.untagged_responses
    return any([pending.pop(name, None) for name in ("EXISTS", "RECENT")])
