"""Queueing a message for a person on their channel, in the caller's transaction.

The brain (cases, broadcasts, reminders, promotions) decides *what* to tell *whom*; a
:class:`Recipient` says where the person is (channel, chat id or address, language, and for
e-mail the thread to answer in), and :func:`~bot.delivery.reach.recipient_for` picks it for a
person known by an address and a chat. :class:`Delivery` hands the message to the channel's
:class:`Courier`, which queues it in the same database transaction as the decision; the channel's
sender sends it afterwards. Chat channels share the ``chat_outbox`` table (:class:`ChatCourier`);
the mailbox registers its own courier on its outbox. A new channel adds a courier, nothing else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, Required, TypedDict, Unpack

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.models import PENDING, ChatOutboxMessage
from bot.storage import Database


def wakeup_of(db: Database, channel: str) -> asyncio.Event:
    """The event set when a message for ``channel`` was committed to the chat outbox."""
    return db.signal(signal_of(channel))


def signal_of(channel: str) -> str:
    """The name a chat channel's sender waits on (``Database.wake``: in every instance)."""
    return f"chat-outbox:{channel}"


@dataclass(frozen=True)
class Thread:
    """The e-mail a message answers: its Message-ID, References and Subject."""

    message_id: str
    references: tuple[str, ...] = ()
    subject: str = ""


@dataclass(frozen=True)
class Recipient:
    """A person on a channel: a chat's id there (``telegram``, ``42``), an e-mail address, ..."""

    channel: str
    address: str
    lang: str = "da"
    name: str | None = None
    thread: Thread | None = field(default=None)


class Details(TypedDict, total=False):
    """What goes with a message's text: the keyword arguments of every ``queue``.

    Declared once for :class:`Delivery` and each :class:`Courier`, which hands them on as they
    are. ``kind`` says what the message is (the outbox row's kind); ``now`` is when it is
    queued. ``subject`` and ``event`` (the event's slug) are for channels that use them.
    ``ics`` is a calendar file to go along (``ics_filename`` its name); a channel that cannot
    attach files, such as a chat, leaves it out: the text must stand on its own.
    ``checkin_code``: the text gives a check-in code; a channel that shows pictures adds its QR
    code. ``choices`` are (value, label) buttons a chat shows with the text (pressing one comes
    back as the conversation's choice); e-mail has none, so its text must ask in words.
    """

    kind: Required[str]
    now: Required[datetime]
    subject: str | None
    event: str | None
    ics: bytes | None
    ics_filename: str | None
    checkin_code: str | None
    choices: Sequence[tuple[str, str]]


class Courier(Protocol):
    """Queues messages for one channel in the caller's transaction."""

    async def queue(
        self,
        session: AsyncSession,
        to: Recipient,
        text: str,
        **details: Unpack[Details],
    ) -> None: ...


class ChatCourier:
    """Queues for a chat channel in ``chat_outbox``; that channel's sender sends."""

    def __init__(self, db: Database, channel: str) -> None:
        self.channel = channel
        self.db = db

    async def queue(
        self,
        session: AsyncSession,
        to: Recipient,
        text: str,
        **details: Unpack[Details],
    ) -> None:
        # The chat outbox holds text (and buttons) only: a message queued for a chat stands on its
        # own (a chat's calendar file comes with its signup's confirmation, not later notices).
        session.add(
            ChatOutboxMessage(
                channel=self.channel,
                chat_id=to.address,
                text=text,
                choices=[[value, label] for value, label in details.get("choices", ())] or None,
                event_slug=details.get("event"),
                kind=details["kind"],
                status=PENDING,
                attempts=0,
                next_attempt_at=details["now"],
                created_at=details["now"],
            )
        )
        self.db.wake_after_commit(session, signal_of(self.channel))


class Delivery:
    """The couriers of every channel; picks the recipient's."""

    def __init__(self) -> None:
        self.couriers: dict[str, Courier] = {}

    def register(self, channel: str, courier: Courier) -> None:
        self.couriers[channel] = courier

    def reaches(self, channel: str) -> bool:
        return channel in self.couriers

    async def queue(
        self,
        session: AsyncSession,
        to: Recipient,
        text: str,
        **details: Unpack[Details],
    ) -> None:
        """Queue ``text`` for ``to`` in the session's transaction (KeyError: unknown channel)."""
        await self.couriers[to.channel].queue(session, to, text, **details)
