"""How often a chat may make the bot write to an address, or start a signup.

A chat can type anyone's address. So that nobody can flood a person with codes and confirmations
sent from the secretariat's address, every such e-mail is counted per address, and every signup
started is counted per chat, over the last hour and the last 24 hours (``limited_actions``, one
row per action). :class:`SendLimits` is the one place that counts: whoever sends a code or a
confirmation because of a chat asks it first, in the same transaction as the mail is queued, so
an attempt that rolls back counts nothing, and the count holds across restarts and processes.
Two processes counting for the same address or chat at once are kept apart by SQLite's write lock
(write transactions begin IMMEDIATE) and, on PostgreSQL, by a transaction advisory lock on it.

The rows name an address or a chat, so they are personal data: kept two days, exported and
erased with the person (``bot.privacy.tables``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Index, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.i18n import Lang, translator
from bot.settings import Settings
from bot.storage.base import Base
from bot.storage.safetext import SafeString

log = logging.getLogger(__name__)

CODE, CONFIRMATION, SIGNUP = "code", "confirmation", "signup"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
Window = Literal["hour", "day"]


class LimitedAction(Base):
    """One code or confirmation sent to an address, or one signup started in a chat."""

    __tablename__ = "limited_actions"
    __table_args__ = (
        Index("ix_limited_actions_kind_email_at", "kind", "email", "at"),
        Index("ix_limited_actions_kind_chat_at", "kind", "channel", "chat_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(SafeString(16))  # code | confirmation | signup
    # Codes and confirmations: the address written to. Signups: the chat that started one.
    email: Mapped[str | None] = mapped_column(SafeString(320))
    channel: Mapped[str | None] = mapped_column(SafeString(16))
    chat_id: Mapped[str | None] = mapped_column(SafeString(64))
    at: Mapped[datetime]


@dataclass(frozen=True)
class Limit:
    """At most ``per_hour`` in any hour, and ``per_day`` in any 24 hours."""

    per_hour: int
    per_day: int


@dataclass(frozen=True)
class Reached:
    """A limit that is full: of what (code, confirmation, signup), and for how long."""

    kind: str
    window: Window


class SendLimits:
    """The limits of one installation; each ``take_*`` counts one more if there is room."""

    def __init__(
        self,
        codes: Limit = Limit(3, 10),
        confirmations: Limit = Limit(5, 20),
        signups: Limit = Limit(10, 30),
    ) -> None:
        self.codes = codes
        self.confirmations = confirmations
        self.signups = signups

    @classmethod
    def from_settings(cls, settings: Settings) -> SendLimits:
        return cls(
            codes=Limit(settings.codes_per_address_per_hour, settings.codes_per_address_per_day),
            confirmations=Limit(
                settings.confirmations_per_address_per_hour,
                settings.confirmations_per_address_per_day,
            ),
            signups=Limit(settings.signups_per_chat_per_hour, settings.signups_per_chat_per_day),
        )

    async def take_code(self, session: AsyncSession, email: str, now: datetime) -> Reached | None:
        """Count a code e-mail to ``email``; the full limit instead, when there is no room."""
        return await _take(session, CODE, self.codes, now, email=email)

    async def take_confirmation(
        self, session: AsyncSession, email: str, now: datetime
    ) -> Reached | None:
        """Count a confirmation e-mail to ``email`` that a chat caused."""
        return await _take(session, CONFIRMATION, self.confirmations, now, email=email)

    async def take_signup(
        self, session: AsyncSession, channel: str, chat_id: str, now: datetime
    ) -> Reached | None:
        """Count a signup started in the chat."""
        return await _take(session, SIGNUP, self.signups, now, chat=(channel, chat_id))


async def _take(
    session: AsyncSession,
    kind: str,
    limit: Limit,
    now: datetime,
    *,
    email: str | None = None,
    chat: tuple[str, str] | None = None,
) -> Reached | None:
    channel, chat_id = chat if chat is not None else (None, None)
    await _lock(session, f"{kind}|{email}|{channel}|{chat_id}")
    if email is not None:
        whose = and_(LimitedAction.kind == kind, LimitedAction.email == email)
    else:
        whose = and_(
            LimitedAction.kind == kind,
            LimitedAction.channel == channel,
            LimitedAction.chat_id == chat_id,
        )
    in_hour = func.coalesce(func.sum(case((LimitedAction.at > now - HOUR, 1), else_=0)), 0)
    day, hour = (
        await session.execute(
            select(func.count(), in_hour).where(whose, LimitedAction.at > now - DAY)
        )
    ).one()
    full: Window | None = "day" if day >= limit.per_day else None
    if full is None and hour >= limit.per_hour:
        full = "hour"
    if full is not None:
        log.info("limit reached: %s, per %s", kind, full)  # never whose
        return Reached(kind, full)
    session.add(LimitedAction(kind=kind, email=email, channel=channel, chat_id=chat_id, at=now))
    await session.flush()
    return None


async def _lock(session: AsyncSession, key: str) -> None:
    """On PostgreSQL, hold the key until the transaction ends (SQLite's write lock does so)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    await session.execute(select(func.pg_advisory_xact_lock(number)))


def limit_text(reached: Reached, lang: Lang, contact: str | None = None) -> str:
    """The polite answer when a limit is full: what happened, and when to try again."""
    _ = translator(lang).gettext
    if reached.kind == SIGNUP:
        what = _("You have started many signups in a short time.")
    elif reached.kind == CODE:
        what = _("We have sent many codes to that address.")
    else:
        what = _("We have sent many e-mails to that address.")
    if reached.window == "hour" and contact:
        then = _("Please try again in an hour, or write to the secretariat at {contact}.")
    elif reached.window == "hour":
        then = _("Please try again in an hour, or write to the secretariat.")
    elif contact:
        then = _("Please try again tomorrow, or write to the secretariat at {contact}.")
    else:
        then = _("Please try again tomorrow, or write to the secretariat.")
    return f"{what} {then.format(contact=contact)}"
