"""Sending mail over SMTP with aiosmtplib: one connection, TLS, a login, and what errors mean.

:class:`SmtpConnection` opens a connection the way the settings say: implicit TLS (port 465,
``smtp_ssl``), or plain with a required STARTTLS (port 587, ``smtp_starttls``), or plain without
TLS (a local relay, the tests); then logs in with a password, or with XOAUTH2 and a token from a
:class:`~bot.channels.mail.oauth.TokenProvider` (Microsoft 365), or not at all. One connection
sends many messages; the outbox keeps it open while there is mail to send.

Errors come out as :class:`SmtpFailure`, sorted for the outbox's retry policy:

- ``connection``: connecting, TLS or the login failed, or the connection broke. Nothing is wrong
  with any particular message; the sender waits and tries again, without counting it against
  the message (unless it broke in the middle of that message).
- ``permanent``: a 5xx reply to this message (unknown recipient, refused content): trying again
  will not help; the message is kept as failed for staff.
- otherwise transient: a 4xx reply (greylisting, a full queue): try again later.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from email.message import EmailMessage
from ssl import SSLContext
from types import TracebackType

import aiosmtplib
from pydantic import SecretStr

from bot.channels.mail.oauth import TokenProvider
from bot.settings import Settings

DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send: server, TLS, login, and the bot's own address."""

    host: str
    port: int
    mail_from: str
    user: str | None = None
    password: SecretStr | None = None
    starttls: bool = True
    ssl: bool = False
    tokens: TokenProvider | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    # None: the system's trusted certificates (tests pass one that trusts their own).
    tls_context: SSLContext | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, tokens: TokenProvider | None = None
    ) -> SmtpConfig | None:
        """The configured server, or None when ``smtp_host`` or ``mail_from`` is missing."""
        if not settings.smtp_host or not settings.mail_from:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            mail_from=settings.mail_from,
            user=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls and not settings.smtp_ssl,
            ssl=settings.smtp_ssl,
            # A password wins; without one, a token provider (OAuth2) logs in.
            tokens=None if settings.smtp_password else tokens,
        )


class SmtpFailure(Exception):
    """Sending failed; ``connection``, ``permanent`` and ``code`` say how (see the module)."""

    def __init__(
        self,
        text: str,
        *,
        code: int | None = None,
        connection: bool = False,
        permanent: bool | None = None,
    ) -> None:
        super().__init__(text)
        self.code = code
        self.connection = connection
        # By default, a 5xx reply to the message itself: no retry will help.
        self.permanent = (
            permanent
            if permanent is not None
            else not connection and code is not None and 500 <= code < 600
        )


def failure_of(exc: BaseException, *, connecting: bool = False) -> SmtpFailure:
    """Sort an aiosmtplib (or socket) error into an :class:`SmtpFailure`."""
    if isinstance(exc, SmtpFailure):
        return exc
    if connecting or isinstance(
        exc, aiosmtplib.SMTPServerDisconnected | aiosmtplib.SMTPConnectError | OSError
    ):
        code = getattr(exc, "code", None)
        return SmtpFailure(_describe(exc), code=code, connection=True)
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        # One recipient per message: its refusal is the message's.
        codes = [r.code for r in exc.recipients]
        code = max(codes) if codes else None
        return SmtpFailure(_describe(exc), code=code)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return SmtpFailure(_describe(exc), code=exc.code)
    if isinstance(exc, aiosmtplib.SMTPTimeoutError):
        return SmtpFailure(_describe(exc), connection=True)
    return SmtpFailure(_describe(exc))


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500]


class SmtpConnection:
    """One SMTP connection, opened and logged in by ``async with`` (or :meth:`open`)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._smtp: aiosmtplib.SMTP | None = None

    async def open(self) -> None:
        """Connect, secure and log in; raises :class:`SmtpFailure` with ``connection`` set."""
        config = self.config
        login = bool(config.user)
        if login and config.password is None and config.tokens is None:
            raise SmtpFailure("smtp_user is set but neither a password nor OAuth2", connection=True)
        smtp = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.user if login else None,
            password=config.password.get_secret_value() if login and config.password else None,
            oauth_token_generator=(
                config.tokens.token if login and config.password is None and config.tokens else None
            ),
            use_tls=config.ssl,
            # True: STARTTLS or no mail at all; False: never (a local relay, the tests).
            start_tls=config.starttls and not config.ssl,
            timeout=config.timeout,
            tls_context=config.tls_context,
        )
        try:
            await smtp.connect()
        except Exception as exc:
            smtp.close()
            raise failure_of(exc, connecting=True) from exc
        self._smtp = smtp

    async def send(self, message: EmailMessage, *, to: str) -> None:
        """Send one message to one recipient, from the bot's address; raises SmtpFailure."""
        if self._smtp is None or not self._smtp.is_connected:
            raise SmtpFailure("not connected", connection=True)
        try:
            await self._smtp.send_message(message, sender=self.config.mail_from, recipients=[to])
        except Exception as exc:
            raise failure_of(exc) from exc

    async def alive(self) -> bool:
        """Whether the connection still answers (a NOOP), before it is used again after a wait."""
        if self._smtp is None or not self._smtp.is_connected:
            return False
        try:
            await self._smtp.noop()
        except (aiosmtplib.SMTPException, OSError):
            return False
        return True

    async def close(self) -> None:
        """Say QUIT if the server still listens; close in any case."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            if smtp.is_connected:
                await smtp.quit()
        except (aiosmtplib.SMTPException, OSError):
            pass
        finally:
            smtp.close()

    def abort(self) -> None:
        """Drop the connection at once, without QUIT and without sending what is still
        buffered (a message cut off this way is discarded by the server)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        transport = smtp.transport
        if isinstance(transport, asyncio.WriteTransport) and not transport.is_closing():
            transport.abort()
        smtp.close()

    async def __aenter__(self) -> SmtpConnection:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def send_message(config: SmtpConfig, message: EmailMessage, *, to: str) -> None:
    """Send one message on a connection of its own (invitations, tests)."""
    async with SmtpConnection(config) as connection:
        await connection.send(message, to=to)
