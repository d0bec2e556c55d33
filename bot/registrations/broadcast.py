"""A message to everyone registered for an event, each on their own channel.

Staff send it (``/besked`` in the staff chat): a room change, a delay. Everyone with a seat gets
it on their own channel (their chat where the bot can write to it, else e-mail, which every
registration has: :func:`~bot.delivery.reach.recipient_for`); people on the waiting list and
those who cancelled do not. All messages are queued in one
transaction, so a broadcast goes to everyone or, on failure, to no one.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import Delivery, recipient_for
from bot.i18n import normalise_lang, translator
from bot.knowledge.schema import Event
from bot.registrations.models import RegistrationStatus
from bot.registrations.service import RegistrationService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BroadcastReport:
    """How many were reached on each channel."""

    by_channel: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())


def broadcast_text(event: Event, text: str, lang: str) -> str:
    _ = translator(normalise_lang(lang)).gettext
    return _("Message about {title}:").format(title=event.title) + "\n\n" + text


async def broadcast(
    registrations: RegistrationService,
    delivery: Delivery,
    event: Event,
    text: str,
    now: datetime,
) -> BroadcastReport:
    """Queue ``text`` for everyone with a seat at ``event``; counts by channel."""
    async with registrations.db.transaction() as session:
        return await tell_registered(
            session,
            registrations,
            delivery,
            event,
            lambda lang: broadcast_text(event, text, lang),
            kind="broadcast",
            now=now,
        )


async def tell_registered(
    session: AsyncSession,
    registrations: RegistrationService,
    delivery: Delivery,
    event: Event,
    text_for: Callable[[str], str],
    *,
    kind: str,
    now: datetime,
) -> BroadcastReport:
    """Queue a message, in each person's language, for everyone with a seat at ``event``.

    In the caller's transaction, so it goes out together with the decision behind it.
    """
    infos = [
        info
        for info in await registrations.event_registrations(event.id)
        if info.status == RegistrationStatus.REGISTERED
    ]
    counts: Counter[str] = Counter()
    for info in infos:
        to = recipient_for(
            delivery, email=info.email, chat=info.chat, lang=info.lang, name=info.name
        )
        if to is None:  # an erased or expired registration keeps no address: nobody to tell
            continue
        _ = translator(normalise_lang(info.lang)).gettext
        await delivery.queue(
            session,
            to,
            text_for(info.lang),
            kind=kind,
            now=now,
            subject=_("Message about {title}").format(title=event.title),
            event=event.id,
        )
        counts[to.channel] += 1
    log.info("%s for %s queued: %s", kind, event.id, dict(counts))
    return BroadcastReport(dict(counts))
