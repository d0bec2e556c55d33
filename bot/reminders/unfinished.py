"""A reminder to chats that began a signup and did not finish it, once, before the deadline.

The signup dialogue keeps its state in the chat's conversation (``flow == "signup"``, the event
and the time of the last answer in ``flow_state``), and the state stays there when the person
simply stops answering. Such a chat, on any chat channel the bot can write to, is reminded when:

- the deadline lies ahead and is at most ``unfinished_signup_reminder_hours`` away, and signup
  is open;
- the dialogue has been quiet longer than its timeout (the person left; someone answering just
  now is not interrupted);
- the person is not signed up for the event (registered or waiting) by this chat's id of them,
  or by the address typed in the dialogue if the chat proved it with the code sent to it;
- the chat was not reminded about the event before (``reminder_notices``).

The text says to write /tilmeld, which starts the dialogue afresh.

An address merely typed is never looked up: it may be anyone's, and a reminder that came or not
as its owner is signed up or not would tell the chat what the signup dialogue keeps from it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.clock import parse_aware
from bot.conversations.models import Conversation
from bot.delivery import Recipient
from bot.i18n import Lang, normalise_lang
from bot.knowledge.schema import Event
from bot.registrations.dialogue import TIMEOUT
from bot.registrations.identity import EMAIL, ChatId, Identity
from bot.registrations.rules import is_closed, signup_closes_at
from bot.reminders import ledger
from bot.reminders.models import UNFINISHED
from bot.reminders.participants import talk_about
from bot.reminders.schedule import utc
from bot.reminders.texts import unfinished_text
from bot.services import Services

log = logging.getLogger(__name__)
SIGNUP = "signup"  # the flow chat channels keep the signup dialogue under


def unfinished_key(chat: ChatId, event: str) -> str:
    return f"unfinished:{chat.kind}:{chat.value}:{event}"


def in_window(event: Event, now: datetime, hours: int) -> bool:
    """Whether the deadline lies ahead, at most ``hours`` away."""
    if hours <= 0 or is_closed(event):
        return False
    closes = utc(signup_closes_at(event))
    return utc(now) < closes <= utc(now) + timedelta(hours=hours)


async def remind_unfinished(services: Services, event: Event, now: datetime) -> int:
    """Queue the reminders to chats with an unfinished signup for the event; how many."""
    if not in_window(event, now, services.settings.unfinished_signup_reminder_hours):
        return 0
    async with services.db.session() as session:
        rows = (
            await session.execute(
                select(Conversation.channel, Conversation.chat_id, Conversation.flow_state).where(
                    Conversation.channel != EMAIL, Conversation.flow == SIGNUP
                )
            )
        ).all()
    done = await ledger.recorded(services.db, event.id, UNFINISHED)
    queued = 0
    for channel, chat_id, state in rows:
        if not services.delivery.reaches(channel) or not _left(state, event, now):
            continue
        chat = ChatId(channel, chat_id)
        if unfinished_key(chat, event.id) in done:
            continue
        if await _signed_up(services, chat, state, event, now):
            continue
        if await _remind(services, event, chat, normalise_lang(state.get("lang")), now):
            queued += 1
    if queued:
        log.info("unfinished-signup reminders for %s queued: %d", event.id, queued)
    return queued


def _left(state: dict[str, Any] | None, event: Event, now: datetime) -> bool:
    """A dialogue for this event, quiet for longer than the dialogue's timeout."""
    if not state or state.get("event") != event.id:
        return False
    try:
        last = parse_aware(str(state["updated_at"]))
    except (KeyError, ValueError):
        return False
    return utc(now) - utc(last) > TIMEOUT


async def _signed_up(
    services: Services, chat: ChatId, state: dict[str, Any], event: Event, now: datetime
) -> bool:
    try:
        who = Identity(email=_proven_address(state), chat=chat)
    except ValueError:  # the address typed was refused by the dialogue too
        who = Identity(chat=chat)
    mine = await services.registrations.registrations_of(who, now=now)
    return any(info.event_slug == event.id for info in mine)


def _proven_address(state: dict[str, Any]) -> str | None:
    """The address typed in the dialogue if the chat gave the code sent to it, else None.

    An address that is already the chat's own needs no code; it is found by the chat's id of
    the person all the same.
    """
    answers = dict(state.get("answers") or {})
    # The dialogue's mark of a code given right (``SignupDialogue._check_code``).
    if answers.get("verified") != "yes":
        return None
    return str(answers.get("email") or "") or None


async def _remind(
    services: Services, event: Event, chat: ChatId, lang: Lang, now: datetime
) -> bool:
    to = Recipient(chat.kind, chat.value, lang)
    # /tilmeld starts the dialogue for the chat's event: make it this one, before the message
    # can be sent (the sender may deliver it the moment the transaction commits).
    await talk_about(services, chat.kind, chat.value, event, now)
    async with services.db.transaction() as session:
        claimed = await ledger.claim(
            session,
            key=unfinished_key(chat, event.id),
            kind=UNFINISHED,
            event=event.id,
            now=now,
            channel=chat.kind,
            chat_id=chat.value,
        )
        if not claimed:
            return False
        await services.delivery.queue(
            session,
            to,
            unfinished_text(event, lang),
            kind="unfinished",
            now=now,
            event=event.id,
        )
    return True
