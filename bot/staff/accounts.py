"""Staff accounts of the desk: made from the command line, signed in with a password or a link.

:class:`StaffAccounts` keeps the accounts (``staff_accounts``), signs staff in and out, and
writes what happened to the desk's audit trail (``desk_audit``). Its rules:

- An address has at most one account; addresses are normalised as everywhere in the bot, so
  ``Anne@KL.dk`` and ``anne@kl.dk`` are one person. At the desk that person acts as the staff
  member ``email:<address>``, the id the staff mailbox gives the same person, so a case taken
  in one place shows as taken by the same person everywhere.
- Five failed sign-ins in a row lock the account for 15 minutes; while locked even the right
  password is refused. The answer is the same for an unknown address, a wrong password and a
  locked account, so the form tells nobody which addresses have accounts.
- A session lasts while it is used, up to 8 hours idle and 12 hours from sign-in; signing out
  deletes it. Only the SHA-256 of a session id or of a link's token is stored.
- A one-time link works once, for 15 minutes; at most a few are open per account at a time.
  Signing in by link does not need the password and lifts a lock (it proves the mailbox).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import StaffMember
from bot.clock import now as clock_now
from bot.registrations.identity import normalise_email
from bot.staff.models import DeskAudit, DeskSession, SigninLink, StaffAccount
from bot.staff.passwords import hash_password, needs_rehash, password_problem, verify_password
from bot.storage import Database

log = logging.getLogger(__name__)

LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
SESSION_MAX = timedelta(hours=12)
LINK_VALID = timedelta(minutes=15)
# Open (unused, unexpired) links per account; more requests send nothing until one is used.
MAX_OPEN_LINKS = 3
# A session's last use is written at most this often (not on every page).
TOUCH_EVERY = timedelta(minutes=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")

Action = Literal[
    "signin",
    "signin_link",
    "signout",
    "signin_failed",
    "locked",
    "link_sent",
    "account_added",
    "account_removed",
    "password_set",
    # Changes made at the desk, with what they were done to (``subject``).
    "case_taken",
    "case_answered",
    "case_closed",
    "case_taught",
    # Registrations (``registration:17``) and participant lists (``event:<id>``).
    "registration_added",
    "registration_cancelled",
    "moved_up",
    "extra_seat",
    "free_seats_filled",
    "participants_exported",
    # Knowledge files published (``event:<id>``), and changed-event notices sent or not
    # (``change:<number>``).
    "knowledge_published",
    "change_sent",
    "change_skipped",
    # A participant checked in at the door, and their certificate of participation made
    # (``registration:<number>``).
    "checked_in",
    "certificate_made",
    # A need marked arranged or not (``registration:<number>``; which need is kept on the need
    # only), and an event's needs downloaded for the venue (``event:<id>``).
    "need_arranged",
    "need_unarranged",
    "needs_exported",
]


@dataclass(frozen=True)
class Account:
    """A staff account as the desk and the command line see it (never the hash)."""

    id: int
    name: str
    email: str
    is_admin: bool
    has_password: bool
    failed_signins: int
    locked_until: datetime | None
    created_at: datetime
    last_signin_at: datetime | None

    @property
    def member(self) -> StaffMember:
        """The staff member this account acts as: the same id as in the staff mailbox."""
        return StaffMember(staff_id(self.email), self.name)

    def locked(self, at: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > at


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    account_id: int | None
    staff_name: str | None
    action: str
    by: str | None
    subject: str | None = None


class AccountError(Exception):
    """An account change that cannot be made: ``reason`` is exists, not_found, email, short or
    long (the password)."""

    def __init__(self, reason: str, email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email


@dataclass(frozen=True)
class Signin:
    """The result of a sign-in: the account and its new session id, or nothing."""

    account: Account | None = None
    session_id: str | None = None


def staff_id(email: str) -> str:
    """The staff member's id for an address, as the staff mailbox writes it."""
    return f"email:{email}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _account(row: StaffAccount) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        email=row.email,
        is_admin=row.is_admin,
        has_password=row.password_hash is not None,
        failed_signins=row.failed_signins,
        locked_until=row.locked_until,
        created_at=row.created_at,
        last_signin_at=row.last_signin_at,
    )


def _address(email: str) -> str:
    try:
        return normalise_email(email)
    except ValueError:
        raise AccountError("email", email) from None


def _checked(password: str | None) -> str | None:
    """The hash of an acceptable password (None for none); AccountError if it is not."""
    if password is None:
        return None
    problem = password_problem(password)
    if problem is not None:
        raise AccountError(problem)
    return hash_password(password)


class StaffAccounts:
    """The desk's accounts, sessions, sign-in links and audit trail on one database."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = clock_now) -> None:
        self.db = db
        self.clock = clock

    # -- the trail ------------------------------------------------------------------------

    @staticmethod
    def _audit(
        session: AsyncSession,
        at: datetime,
        action: Action,
        account: StaffAccount | Account | None,
        by: str | None = None,
        subject: str | None = None,
    ) -> None:
        session.add(
            DeskAudit(
                at=at,
                account_id=account.id if account else None,
                staff_name=account.name if account else None,
                action=action,
                by=by,
                subject=subject,
            )
        )

    def audit(
        self,
        session: AsyncSession,
        account: Account,
        action: Action,
        *,
        subject: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record a change a staff member made at the desk, in the change's own transaction,
        with what it was done to by number (``case:12``), never by anything personal."""
        self._audit(session, at or self.clock(), action, account, subject=subject)

    async def trail(self, limit: int = 100) -> list[AuditEntry]:
        """The newest entries of the audit trail, newest first."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(DeskAudit).order_by(DeskAudit.id.desc()).limit(limit)
            )
            return [
                AuditEntry(r.at, r.account_id, r.staff_name, r.action, r.by, r.subject)
                for r in rows
            ]

    # -- accounts -------------------------------------------------------------------------

    async def add(
        self, name: str, email: str, *, admin: bool = False, password: str | None, by: str
    ) -> Account:
        """Make an account (AccountError: exists, email, short, long)."""
        address = _address(email)
        name = " ".join(name.split())
        hashed = await asyncio.to_thread(_checked, password)
        at = self.clock()
        try:
            async with self.db.transaction() as session:
                row = StaffAccount(
                    name=name or address,
                    email=address,
                    is_admin=admin,
                    password_hash=hashed,
                    failed_signins=0,
                    created_at=at,
                )
                session.add(row)
                await session.flush()
                self._audit(session, at, "account_added", row, by)
        except IntegrityError:
            raise AccountError("exists", address) from None
        log.info("desk: staff account %d added", row.id)
        return _account(row)

    async def all(self) -> list[Account]:
        async with self.db.session() as session:
            rows = await session.scalars(select(StaffAccount).order_by(StaffAccount.name))
            return [_account(row) for row in rows]

    async def find(self, email: str) -> Account | None:
        try:
            address = normalise_email(email)
        except ValueError:
            return None
        async with self.db.session() as session:
            row = await session.scalar(select(StaffAccount).where(StaffAccount.email == address))
            return _account(row) if row else None

    async def get(self, account_id: int) -> Account | None:
        async with self.db.session() as session:
            row = await session.get(StaffAccount, account_id)
            return _account(row) if row else None

    async def remove(self, email: str, *, by: str) -> Account:
        """Delete an account with its sessions and links (AccountError: not_found, email)."""
        address = _address(email)
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(StaffAccount).where(StaffAccount.email == address).with_for_update()
            )
            if row is None:
                raise AccountError("not_found", address)
            gone = _account(row)
            await session.execute(delete(DeskSession).where(DeskSession.account_id == row.id))
            await session.execute(delete(SigninLink).where(SigninLink.account_id == row.id))
            await session.delete(row)
            self._audit(session, self.clock(), "account_removed", gone, by)
        log.info("desk: staff account %d removed", gone.id)
        return gone

    async def set_password(self, email: str, password: str | None, *, by: str) -> Account:
        """A new password (None: sign in by link only); unlocks the account and ends its
        sessions (AccountError: not_found, email, short, long)."""
        address = _address(email)
        hashed = await asyncio.to_thread(_checked, password)
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(StaffAccount).where(StaffAccount.email == address).with_for_update()
            )
            if row is None:
                raise AccountError("not_found", address)
            row.password_hash = hashed
            row.failed_signins = 0
            row.locked_until = None
            await session.execute(delete(DeskSession).where(DeskSession.account_id == row.id))
            self._audit(session, self.clock(), "password_set", row, by)
            return _account(row)

    # -- signing in -----------------------------------------------------------------------

    async def signin(self, email: str, password: str) -> Signin:
        """Sign in with a password: a new session, or an empty :class:`Signin` whatever the
        reason (unknown address, wrong password, locked account)."""
        try:
            address: str | None = normalise_email(email)
        except ValueError:
            address = None
        stored: str | None = None
        if address is not None:
            async with self.db.session() as session:
                stored = await session.scalar(
                    select(StaffAccount.password_hash).where(StaffAccount.email == address)
                )
        await self.forget_expired()
        # Checked even without an account or a password, so every answer takes as long.
        right = await asyncio.to_thread(verify_password, stored, password)
        at = self.clock()
        async with self.db.transaction() as session:
            row = None
            if address is not None:
                row = await session.scalar(
                    select(StaffAccount).where(StaffAccount.email == address).with_for_update()
                )
            if row is None:
                self._audit(session, at, "signin_failed", None)
                log.info("desk: failed sign-in for an address without an account")
                return Signin()
            if row.locked_until is not None and row.locked_until > at:
                self._audit(session, at, "signin_failed", row)
                log.info("desk: sign-in to locked staff account %d refused", row.id)
                return Signin()
            # The hash checked must still be the account's (not changed meanwhile).
            if not right or row.password_hash != stored or stored is None:
                row.failed_signins += 1
                self._audit(session, at, "signin_failed", row)
                log.info("desk: failed sign-in to staff account %d", row.id)
                if row.failed_signins >= LOCK_AFTER:
                    row.failed_signins = 0
                    row.locked_until = at + LOCK_FOR
                    self._audit(session, at, "locked", row)
                    log.warning("desk: staff account %d locked after failed sign-ins", row.id)
                return Signin()
            if needs_rehash(stored):
                row.password_hash = await asyncio.to_thread(hash_password, password)
            return self._signed_in(session, row, at, "signin")

    def _signed_in(
        self, session: AsyncSession, row: StaffAccount, at: datetime, action: Action
    ) -> Signin:
        row.failed_signins = 0
        row.locked_until = None
        row.last_signin_at = at
        session_id = secrets.token_urlsafe(32)
        session.add(
            DeskSession(id_hash=_digest(session_id), account_id=row.id, created_at=at, seen_at=at)
        )
        self._audit(session, at, action, row)
        log.info("desk: staff account %d signed in", row.id)
        return Signin(_account(row), session_id)

    async def session(self, session_id: str | None, *, touch: bool = True) -> Account | None:
        """The account of a live session; an expired one is deleted and gives None.

        ``touch=False`` for what the page asks by itself (a list polling for news): it does
        not count as the person being there, so an open tab does not keep a session alive.
        """
        if not session_id or not _TOKEN.match(session_id):
            return None
        key = _digest(session_id)
        at = self.clock()
        async with self.db.session() as session:
            found = (
                await session.execute(
                    select(DeskSession, StaffAccount)
                    .join(StaffAccount, StaffAccount.id == DeskSession.account_id)
                    .where(DeskSession.id_hash == key)
                )
            ).first()
        if found is None:
            return None
        desk_session, row = found
        if at - desk_session.seen_at > SESSION_IDLE or at - desk_session.created_at > SESSION_MAX:
            async with self.db.transaction() as session:
                await session.execute(delete(DeskSession).where(DeskSession.id_hash == key))
            log.info("desk: a session of staff account %d expired", row.id)
            return None
        if touch and at - desk_session.seen_at > TOUCH_EVERY:
            async with self.db.transaction() as session:
                await session.execute(
                    update(DeskSession).where(DeskSession.id_hash == key).values(seen_at=at)
                )
        return _account(row)

    async def signout(self, session_id: str | None) -> Account | None:
        """End a session (the account it was, if it was live)."""
        if not session_id or not _TOKEN.match(session_id):
            return None
        key = _digest(session_id)
        async with self.db.transaction() as session:
            found = await session.scalar(
                select(StaffAccount)
                .join(DeskSession, DeskSession.account_id == StaffAccount.id)
                .where(DeskSession.id_hash == key)
            )
            await session.execute(delete(DeskSession).where(DeskSession.id_hash == key))
            if found is None:
                return None
            self._audit(session, self.clock(), "signout", found)
        log.info("desk: staff account %d signed out", found.id)
        return _account(found)

    async def forget_expired(self) -> int:
        """Delete expired sessions and links; how many."""
        at = self.clock()
        async with self.db.transaction() as session:
            sessions = await session.execute(
                delete(DeskSession).where(
                    or_(
                        DeskSession.seen_at < at - SESSION_IDLE,
                        DeskSession.created_at < at - SESSION_MAX,
                    )
                )
            )
            links = await session.execute(delete(SigninLink).where(SigninLink.expires_at < at))
        return int(getattr(sessions, "rowcount", 0) or 0) + int(getattr(links, "rowcount", 0) or 0)

    # -- one-time links -------------------------------------------------------------------

    async def send_link(
        self, email: str, send: Callable[[AsyncSession, Account, str], Awaitable[None]]
    ) -> bool:
        """Make a link for the address's account and have ``send`` queue it (token in hand)
        in the same transaction. False, and nothing sent, without an account or with too many
        open links; the caller answers the same either way."""
        try:
            address = normalise_email(email)
        except ValueError:
            return False
        at = self.clock()
        await self.forget_expired()
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(StaffAccount).where(StaffAccount.email == address).with_for_update()
            )
            if row is None:
                log.info("desk: sign-in link asked for an address without an account")
                return False
            open_links = await session.scalar(
                select(func.count())
                .select_from(SigninLink)
                .where(
                    SigninLink.account_id == row.id,
                    SigninLink.used_at.is_(None),
                    SigninLink.expires_at > at,
                )
            )
            if (open_links or 0) >= MAX_OPEN_LINKS:
                log.info("desk: staff account %d has enough open sign-in links", row.id)
                return False
            token = secrets.token_urlsafe(32)
            session.add(
                SigninLink(
                    token_hash=_digest(token),
                    account_id=row.id,
                    created_at=at,
                    expires_at=at + LINK_VALID,
                )
            )
            self._audit(session, at, "link_sent", row)
            await send(session, _account(row), token)
        log.info("desk: sign-in link queued for staff account %d", row.id)
        return True

    async def link_usable(self, token: str) -> bool:
        """Whether the link would sign in now (nothing is used up)."""
        if not _TOKEN.match(token):
            return False
        async with self.db.session() as session:
            found = await session.scalar(
                select(SigninLink.token_hash).where(
                    SigninLink.token_hash == _digest(token),
                    SigninLink.used_at.is_(None),
                    SigninLink.expires_at > self.clock(),
                )
            )
        return found is not None

    async def signin_by_link(self, token: str) -> Signin:
        """Use a link: a new session, or an empty :class:`Signin` (unknown, used, expired)."""
        if not _TOKEN.match(token):
            return Signin()
        at = self.clock()
        async with self.db.transaction() as session:
            link = await session.scalar(
                select(SigninLink)
                .where(SigninLink.token_hash == _digest(token), SigninLink.used_at.is_(None))
                .with_for_update()
            )
            if link is None or link.expires_at <= at:
                log.info("desk: a used, expired or unknown sign-in link refused")
                return Signin()
            link.used_at = at
            row = await session.get(StaffAccount, link.account_id, with_for_update=True)
            if row is None:
                return Signin()
            return self._signed_in(session, row, at, "signin_link")
