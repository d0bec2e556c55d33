"""The staff desk's tables: who may sign in, their sessions and sign-in links, and the audit.

- ``staff_accounts``: one row per staff member who may use the desk: name, e-mail address
  (normalised, unique), whether they administer it, the argon2 hash of their password (none:
  they sign in by a link sent by e-mail), failed sign-ins in a row and until when the account
  is locked after too many, when it was made and last used.
- ``desk_sessions``: a signed-in browser. The row's key is the SHA-256 of the session id the
  cookie holds, so the table alone opens no session; it lasts while used (idle limit) and never
  beyond an absolute limit from sign-in. Signing out deletes it.
- ``desk_signin_links``: one-time sign-in links, by the SHA-256 of their token: used once,
  within minutes.
- ``desk_audit``: who did what at the desk and when (sign-in, sign-out, failed sign-in, lock,
  accounts made and removed, and every change made at the desk, with what it was done to by
  number: ``case:12``). The name is kept as it was, so the trail outlives the account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base
from bot.storage.safetext import SafeString


class StaffAccount(Base):
    """A staff member who may sign in at the desk."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(SafeString(200))
    email: Mapped[str] = mapped_column(SafeString(320), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_hash: Mapped[str | None] = mapped_column(SafeString(200))
    failed_signins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_signin_at: Mapped[datetime | None]


class DeskSession(Base):
    """A browser signed in at the desk."""

    __tablename__ = "desk_sessions"
    __table_args__ = (Index("ix_desk_sessions_account", "account_id"),)

    id_hash: Mapped[str] = mapped_column(SafeString(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime]


class SigninLink(Base):
    """A one-time sign-in link sent by e-mail."""

    __tablename__ = "desk_signin_links"
    __table_args__ = (Index("ix_desk_signin_links_account", "account_id"),)

    token_hash: Mapped[str] = mapped_column(SafeString(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class DeskAudit(Base):
    """One thing done at the desk (or to a desk account), by whom and when."""

    __tablename__ = "desk_audit"
    __table_args__ = (Index("ix_desk_audit_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    # The account concerned (none: a failed sign-in for an address without an account); kept
    # without a foreign key, so the trail stays when the account is removed.
    account_id: Mapped[int | None] = mapped_column(Integer)
    staff_name: Mapped[str | None] = mapped_column(SafeString(200))
    action: Mapped[str] = mapped_column(SafeString(32))
    # Who did it when it was not the account itself ("cli:anne" for the command line).
    by: Mapped[str | None] = mapped_column(SafeString(200))
    # What it was done to, by number only ("case:12"), for changes made at the desk.
    subject: Mapped[str | None] = mapped_column(SafeString(100))
