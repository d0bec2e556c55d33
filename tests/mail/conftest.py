"""Fixtures for the mailbox transport tests: a real Dovecot, a real aiosmtpd, a fresh database.

- ``dovecot``: a started Dovecot (tests/mail/dovecot.py) on 127.0.0.1; ``dovecot_factory`` makes
  more, with other capabilities or TLS. Each test logs in as its own user (``mailbox_user``),
  which the static passdb turns into a fresh, empty mailbox.
- ``smtp``: an aiosmtpd server on 127.0.0.1 that records what it accepts, and can be taken down
  (``stop``/``start`` on the same port) or told to refuse messages (``refuse_reply``).
- ``db``: a migrated database, SQLite in the test's temporary directory and PostgreSQL (a
  fresh schema on ``BOT_TEST_POSTGRES_URL``; skipped without it, as in tests/registrations).
- :class:`SignupHandler`: the shape of the real handler's work, through the real database: the
  registration (RegistrationService), the ``mail_inbound`` record and a threaded confirmation
  with its .ics in the outbox, all in ONE transaction.
- :func:`start_worker`, :func:`until`, and helpers that look into the mailbox over IMAP.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.channels.mail.imap import ImapConfig, MailboxWorker, MailHandler
from bot.channels.mail.models import InboundMail
from bot.channels.mail.outbox import Outbox
from bot.channels.mail.reading import message_key
from bot.channels.mail.smtp import SmtpConfig
from bot.knowledge.schema import Event
from bot.registrations.confirmation import message_for
from bot.registrations.form import SignupForm
from bot.registrations.results import Result
from bot.registrations.service import RegistrationService
from bot.storage import Database
from tests.conftest import free_port, postgres_schema
from tests.mail.dovecot import PASSWORD, Dovecot, available
from tests.registrations.events import make_event

BOT_ADDRESS = "tilmelding@kommune.example.dk"
# As in tests/registrations: PostgreSQL variants run when this is set (CI sets it).
SUBJECT = "Invitation til temadag om tilgængelighed"
# Timings for tests: quick reconnects and retries, short IDLE slices so a stop is seen at once.
FAST_WORKER: dict[str, Any] = {
    "reconnect_initial": 0.05,
    "reconnect_max": 0.3,
    "idle_slice": 0.1,
    "retry_initial": 0.0,
}
_users = itertools.count(1)


# ------------------------------------------------------------------------------- waiting


async def until(
    check: Callable[[], bool] | Callable[[], Awaitable[bool]],
    within: float = 45.0,
    what: str = "condition",
) -> None:
    """Wait until ``check()`` (sync or async) is true; fail the test after ``within`` s.

    Generous on purpose: a loaded CI machine is slow, and a passing check returns at once.
    """
    deadline = time.monotonic() + within
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


# -------------------------------------------------------------------------------- Dovecot


@pytest.fixture
def dovecot_factory() -> Iterator[Callable[..., Dovecot]]:
    """Start Dovecots with the given options; all are stopped and removed after the test."""
    if not available():
        pytest.skip("Dovecot is not installed: apt-get install -y dovecot-imapd")
    started: list[Dovecot] = []

    def make(**options: Any) -> Dovecot:
        server = Dovecot(**options)
        started.append(server)
        server.start()
        return server

    yield make
    for server in started:
        server.close()


@pytest.fixture
def dovecot(dovecot_factory: Callable[..., Dovecot]) -> Dovecot:
    return dovecot_factory()


@pytest.fixture
def mailbox_user() -> str:
    """A user name of this test's own (a fresh mailbox in any Dovecot of this run)."""
    return f"sekretariat{next(_users)}"


def imap_config(server: Dovecot, user: str, **changes: Any) -> ImapConfig:
    """Plain IMAP to the test server, with short waits."""
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server.port,
        "user": user,
        "password": SecretStr(PASSWORD),
        "ssl": False,
        "idle_seconds": 30.0,
        "poll_seconds": 0.2,
        "timeout": 10.0,
    }
    options.update(changes)
    return ImapConfig(**options)


def _folder(server: Dovecot, user: str, folder: str) -> dict[int, dict[bytes, Any]]:
    client = server.client(user)
    try:
        if not client.folder_exists(folder):
            return {}
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        if not uids:
            return {}
        return {
            int(uid): data
            for uid, data in client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER]"]).items()
        }
    finally:
        client.logout()


async def folder_contents(server: Dovecot, user: str, folder: str) -> dict[int, dict[bytes, Any]]:
    """UID -> FLAGS and header of each message in the folder (read-only, from a thread)."""
    return await asyncio.to_thread(_folder, server, user, folder)


async def folder_message_ids(server: Dovecot, user: str, folder: str) -> list[str]:
    """The message keys in the folder, in UID order."""
    contents = await folder_contents(server, user, folder)
    return [message_key(data[b"BODY[HEADER]"]) for _uid, data in sorted(contents.items())]


# ---------------------------------------------------------------------------------- SMTP


@dataclass
class Received:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpRecorder:
    """aiosmtpd handler: records messages; can refuse them, and check an XOAUTH2 login."""

    messages: list[Received] = field(default_factory=list)
    # A reply to DATA instead of 250, for the next ``refuse_count`` messages (-1: always).
    refuse_reply: str | None = None
    refuse_count: int = 0
    refused: int = 0
    # If set, only this XOAUTH2 user and token may log in.
    xoauth2: tuple[str, str] | None = None
    logins: list[str] = field(default_factory=list)
    # Called (in the server's thread) with each message accepted.
    on_accept: Callable[[Received], None] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_reply and self.refuse_count != 0:
            self.refuse_count -= 1
            self.refused += 1
            return self.refuse_reply
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        self.messages.append(received)
        if self.on_accept is not None:
            self.on_accept(received)
        return "250 2.0.0 OK: queued"

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        import base64

        if self.xoauth2 is None or len(args) < 2:
            return AuthResult(success=False, handled=False)
        user, token = self.xoauth2
        expected = f"user={user}\x01auth=Bearer {token}\x01\x01"
        if base64.b64decode(args[1]).decode() == expected:
            self.logins.append(user)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """An aiosmtpd server on a fixed loopback port that can be stopped and started again."""

    def __init__(self, **smtp_options: Any) -> None:
        self.port = free_port()
        self.recorder = SmtpRecorder()
        self.smtp_options = {"auth_require_tls": False, **smtp_options}
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen (again) on the same port."""
        assert self._controller is None
        controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, **self.smtp_options
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening: connections are refused, as when the server is down."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    @property
    def messages(self) -> list[Received]:
        return self.recorder.messages

    def config(self, **changes: Any) -> SmtpConfig:
        """Plain SMTP to this server, no login, from the bot's address."""
        options: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "mail_from": BOT_ADDRESS,
            "starttls": False,
            "timeout": 5.0,
        }
        options.update(changes)
        return SmtpConfig(**options)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


# ------------------------------------------------------------------------------ database


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database: an SQLite file, or a fresh schema on ``BOT_TEST_POSTGRES_URL``."""
    if request.param == "sqlite":
        database = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'mail.sqlite3'}")
        await database.migrate()
        yield database
        await database.close()
        return
    async with postgres_schema("mail") as (url, schema):
        database = Database.connect(url, connect_args={"server_settings": {"search_path": schema}})
        try:
            await database.migrate()
            yield database
        finally:
            await database.close()


async def inbound_rows(db: Database) -> list[InboundMail]:
    async with db.session() as session:
        return list(await session.scalars(select(InboundMail).order_by(InboundMail.id)))


# -------------------------------------------------------------------------- the messages


def reply_message(
    sender: str = "birthe@handicapraad.example.dk",
    *,
    name: str = "Birthe Jensen",
    body: str = "Ja tak, jeg deltager gerne.\r\n\r\nMvh Birthe",
    message_id: str | None = None,
    in_reply_to: str | None = "<invitation-1@kommune.example.dk>",
    subject: str = f"SV: {SUBJECT}",
) -> bytes:
    """A participant's reply to the invitation, as Outlook would send it."""
    message_id = message_id or make_msgid(domain="handicapraad.example.dk")
    lines = [
        f"From: {name} <{sender}>",
        f"To: {BOT_ADDRESS}",
        f"Subject: {subject}",
        f"Message-ID: {message_id}",
        "Date: Mon, 23 Nov 2026 10:00:00 +0100",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode("utf-8")


# ------------------------------------------------------------------------- the handler


@dataclass(frozen=True)
class Handled:
    done: bool
    duplicate: bool = False


@pytest.fixture
def event() -> Event:
    return make_event(
        "temadag-tilgaengelighed",
        capacity=50,
        deadline="2099-05-01",
        start="2099-05-31 10:00",
        end="2099-05-31 15:00",
    )


class SignupHandler:
    """The real handler's shape: registration, inbound record and reply in one transaction.

    ``after_commit`` runs once the handler's work is done, before the worker files the message;
    ``on_commit`` once the worker's batch holding it has committed (a test stops the worker
    there by raising, before it files the message); ``fail`` makes ``handle`` raise for messages
    whose key it returns True for.
    """

    def __init__(self, db: Database, event: Event, *, mail_from: str = BOT_ADDRESS) -> None:
        self.db = db
        self.event = event
        self.registrations = RegistrationService(db, {event.id: event}.get)
        self.outbox = Outbox(db, mail_from=mail_from)
        self.calls: list[str] = []
        self.duplicates: list[str] = []
        self.after_commit: Callable[[str], Awaitable[None]] | None = None
        self.on_commit: Callable[[str], None] | None = None
        self.fail: Callable[[str], bool] = lambda _key: False

    async def handle(self, raw: bytes, *, folder: str, uid: int, now: datetime) -> Handled:
        key = message_key(raw)
        self.calls.append(key)
        if self.fail(key):
            raise RuntimeError("the handler cannot read this one")
        async with self.db.session() as session:
            status = await session.scalar(
                select(InboundMail.status).where(InboundMail.message_key == key)
            )
        if status == "done":
            self.duplicates.append(key)
            return Handled(done=True, duplicate=True)
        mail = message_from_bytes(raw, policy=policy.default)
        sender = mail["From"].addresses[0]
        references = str(mail["References"] or "").split()

        async def also(session: Any, result: Result) -> None:
            # An earlier failed attempt left a "retry" row: it becomes the record.
            row = await session.scalar(
                select(InboundMail).where(InboundMail.message_key == key).with_for_update()
            )
            if row is None:
                row = InboundMail(message_key=key, received_at=now, attempts=0)
                session.add(row)
            row.folder, row.uid, row.sender = folder, uid, sender.addr_spec
            row.subject, row.status, row.action = str(mail["Subject"]), "done", "signup"
            row.result, row.event_slug, row.attempts = (
                result.outcome.value,
                self.event.id,
                (row.attempts or 0) + 1,
            )
            row.raw, row.updated_at = None, now
            if self.on_commit is not None:
                hook = self.on_commit
                self.db.after_commit(session, lambda: hook(key))
            confirmation = message_for(result, self.event, lang="da", channel="email")
            await self.outbox.enqueue(
                session,
                to=sender.addr_spec,
                subject=str(mail["Subject"]),
                body=confirmation.text,
                in_reply_to=str(mail["Message-ID"]),
                references=references,
                event=self.event.id,
                ics=confirmation.ics,
                ics_filename=confirmation.ics_filename,
                now=now,
            )

        form = SignupForm(name=sender.display_name, email=sender.addr_spec, organisation="Rådet")
        await self.registrations.signup(self.event, form, channel="email", now=now, also=also)
        if self.after_commit is not None:
            await self.after_commit(key)
        return Handled(done=True)

    async def registered(self) -> int:
        """Registrations for the event, as the registration service counts them."""
        infos = await self.registrations.event_registrations(self.event.id)
        return len(infos)


async def count_rows(db: Database, model: type[Any]) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# -------------------------------------------------------------------------- the worker


@dataclass
class RunningWorker:
    """A worker running as a task; ``halt`` stops it politely, ``kill`` cancels it."""

    worker: MailboxWorker
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def halt(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 10)

    async def kill(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def start_worker(
    db: Database, config: ImapConfig, handler: MailHandler, **options: Any
) -> RunningWorker:
    """Start a MailboxWorker with the test timings (overridable)."""
    worker = MailboxWorker(db, config, handler, **{**FAST_WORKER, **options})
    stop = asyncio.Event()
    return RunningWorker(worker, stop, asyncio.create_task(worker.run(stop)))


@pytest.fixture
async def workers() -> AsyncIterator[list[RunningWorker]]:
    """Workers a test starts; any still running at the end are stopped."""
    running: list[RunningWorker] = []
    yield running
    for item in running:
        if not item.task.done():
            await item.kill()


# ---------------------------------------------------------------------------- OAuth2


class FakeOAuth:
    """A token endpoint (client credentials) and an introspection endpoint, on loopback.

    ``/<tenant>/oauth2/v2.0/token`` issues ``token-1``, ``token-2`` ... to the right client;
    ``/introspect`` (Dovecot's oauth2 passdb asks it) says whether a token was issued, and for
    which user.
    """

    def __init__(
        self, *, client_id: str = "app-id", secret: str = "app-secret", username: str = ""
    ) -> None:
        self.client_id = client_id
        self.secret = secret
        self.username = username
        self.expires_in = 3600
        self.issued: list[str] = []
        self.requests: list[dict[str, str]] = []
        self.port = free_port()
        self._runner: Any = None

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tenant.example/oauth2/v2.0/token"

    @property
    def introspection_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/introspect"

    async def start(self) -> None:
        from aiohttp import web

        async def token(request: web.Request) -> web.Response:
            form = {k: str(v) for k, v in (await request.post()).items()}
            self.requests.append(form)
            if form.get("client_id") != self.client_id or form.get("client_secret") != self.secret:
                return web.json_response(
                    {"error": "invalid_client", "error_description": "bad secret " + self.secret},
                    status=401,
                )
            issued = f"token-{len(self.issued) + 1}"
            self.issued.append(issued)
            return web.json_response(
                {"token_type": "Bearer", "expires_in": self.expires_in, "access_token": issued}
            )

        async def introspect(request: web.Request) -> web.Response:
            form = await request.post()
            active = str(form.get("token", "")) in self.issued
            body: dict[str, Any] = {"active": active}
            if active:
                body["username"] = self.username
            return web.json_response(body)

        app = web.Application()
        app.router.add_post("/tenant.example/oauth2/v2.0/token", token)
        app.router.add_post("/introspect", introspect)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def oauth() -> AsyncIterator[FakeOAuth]:
    server = FakeOAuth()
    await server.start()
    yield server
    await server.stop()


# ------------------------------------------------------------------------- the whole bot


@contextlib.asynccontextmanager
async def mailbox_bot(
    database: str,
    tmp_path: Path,
    dovecot: Dovecot,
    user: str,
    smtp: SmtpServer,
    *,
    desk: bool = False,
    **settings: Any,
) -> AsyncIterator[Any]:
    """The bot as ``python -m bot run`` serves the mailbox: the IMAP worker, the real handler
    and the outbox sender (with ``desk``, the staff desk's loop too), on ``database`` "sqlite"
    or a fresh PostgreSQL schema, with the knowledge in ``tmp_path / "knowledge"``; its
    ``Services``. ``settings`` add to or override the mailbox's."""
    from bot.channels.mail.handling import MailHandler as Handler
    from bot.channels.mail.serve import serve
    from bot.services import Services
    from bot.settings import Settings

    async with contextlib.AsyncExitStack() as stack:
        where = {"database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"}
        if database == "postgresql":
            url, schema = await stack.enter_async_context(postgres_schema("mailbox"))
            where = {"database_url": url, "database_schema": schema}
        options: dict[str, Any] = {
            "knowledge_dir": tmp_path / "knowledge",
            "data_dir": tmp_path,
            **where,
            "imap_host": "127.0.0.1",
            "imap_port": dovecot.port,
            "imap_user": user,
            "imap_password": SecretStr(PASSWORD),
            "imap_ssl": False,
            "imap_poll_seconds": 1,
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_starttls": False,
            "mail_from": BOT_ADDRESS,
            **settings,
        }
        services = await Services.start(Settings(**options))
        handler = Handler(
            services, Outbox(services.db, mail_from=BOT_ADDRESS), mail_from=BOT_ADDRESS
        )
        stop = asyncio.Event()
        tasks = [asyncio.create_task(serve(services, stop, handler))]
        if desk:
            tasks.append(asyncio.create_task(services.desk.run(stop)))
        try:
            yield services
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
            await services.close()
