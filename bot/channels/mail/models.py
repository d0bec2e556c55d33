"""The mailbox channel's tables: what came in, what goes out, and where the mailbox stands.

- ``mail_inbound``: one row per message seen, keyed by Message-ID (or a hash of the raw message
  where it has none), so no message is handled twice. It keeps the outcome, or the error and the
  number of attempts for a message that could not be processed, for staff to see.
- ``mail_threads``: the Message-IDs the bot has sent (invitations, replies) and the event each
  belongs to, so a reply in the thread finds its event.
- ``mail_outbox``: replies waiting to be sent, sent by a worker with retries, so a reply is not
  lost while the SMTP server is down; privacy mail is emptied once sent.
- ``mailbox_state``: per folder, the UIDVALIDITY and the last UID handled.
- ``mail_undeliverable``: addresses that bounced; no more automatic mail goes there.
- ``mail_autoreplies``: when the bot last answered each address automatically, to keep to a
  few automatic replies per address per day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    Integer,
    LargeBinary,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.delivery.lease import Leased
from bot.storage.base import Base
from bot.storage.safetext import SafeJSON, SafeString, SafeText


class InboundMail(Base):
    """A message read from the mailbox, and what became of it."""

    __tablename__ = "mail_inbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Message-ID as given (angle brackets stripped), or "sha256:<hex>" of the raw message.
    message_key: Mapped[str] = mapped_column(SafeString(512), unique=True)
    folder: Mapped[str | None] = mapped_column(SafeString(200))
    uid: Mapped[int | None] = mapped_column(BigInteger)
    sender: Mapped[str | None] = mapped_column(SafeString(320))
    subject: Mapped[str | None] = mapped_column(SafeText)
    received_at: Mapped[datetime]
    # new | done | failed (kept for staff after too many attempts) | retry
    status: Mapped[str] = mapped_column(SafeString(16))
    action: Mapped[str | None] = mapped_column(SafeString(16))
    result: Mapped[str | None] = mapped_column(SafeString(32))
    event_slug: Mapped[str | None] = mapped_column(SafeString(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(SafeText)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)  # kept while not done, for a retry
    updated_at: Mapped[datetime]


class MailThread(Base):
    """A message the bot sent, by Message-ID, and the event it belongs to."""

    __tablename__ = "mail_threads"

    message_id: Mapped[str] = mapped_column(SafeString(512), primary_key=True)
    event_slug: Mapped[str | None] = mapped_column(SafeString(100))
    created_at: Mapped[datetime]


class OutboxMail(Leased, Base):
    """A message waiting to be sent, or sent."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(SafeString(512), unique=True)
    to_address: Mapped[str] = mapped_column(SafeString(320))
    subject: Mapped[str] = mapped_column(SafeText)
    body: Mapped[str] = mapped_column(SafeText)
    # Extra headers (In-Reply-To, References, Auto-Submitted, ...), as a JSON object.
    headers: Mapped[dict[str, Any]] = mapped_column(SafeJSON)
    ics: Mapped[bytes | None] = mapped_column(LargeBinary)
    ics_filename: Mapped[str | None] = mapped_column(SafeString(200))
    # A check-in code (``bot.attendance``): its QR code goes in the mail as an inline picture.
    checkin_code: Mapped[str | None] = mapped_column(SafeString(16))
    event_slug: Mapped[str | None] = mapped_column(SafeString(100))
    status: Mapped[str] = mapped_column(SafeString(16))  # pending | sent | failed
    # Privacy mail (a data export, "your data is deleted"): emptied once the server took it, so
    # no copy of a person's data, nor the address of someone erased, stays behind.
    forget_when_sent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(SafeText)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class MailboxState(Base):
    """Where the worker stands in one IMAP folder."""

    __tablename__ = "mailbox_state"

    folder: Mapped[str] = mapped_column(SafeString(200), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime]


class UndeliverableAddress(Base):
    """An address mail could not be delivered to (from a bounce)."""

    __tablename__ = "mail_undeliverable"

    email: Mapped[str] = mapped_column(SafeString(320), primary_key=True)
    reason: Mapped[str | None] = mapped_column(SafeText)
    at: Mapped[datetime]


class AutoReply(Base):
    """One automatic reply sent to an address, for the per-day limit."""

    __tablename__ = "mail_autoreplies"
    __table_args__ = (Index("ix_mail_autoreplies_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(SafeString(320))
    at: Mapped[datetime]
