"""Staff marking a need arranged, or not arranged after all.

Marked arranged: the need's row says when and by whom (``arranged_at``/``arranged_by``), the
registration's audit trail has a line with the staff member, and the participant is told on
their own channel (``recipient_for``), in their language, in the same transaction: "Vi har
bestilt tegnsprogstolk til dig til <event>." Marked again, nothing more is said.
Un-marked: the row is cleared and the audit has its line; the participant is not messaged.
The audit line names no need (the trail outlives the registration's personal data; the kind is
health data, kept only on the need's row).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.arranging.summary import ACTIVE
from bot.arranging.texts import arranged_subject, arranged_text
from bot.delivery import Delivery, recipient_for
from bot.i18n import normalise_lang
from bot.knowledge.schema import Event
from bot.registrations.models import AuditEntry, Registration, RegistrationNeed
from bot.registrations.needs import NEED_KINDS, need_label
from bot.registrations.results import RegistrationInfo
from bot.registrations.service import RegistrationService

log = logging.getLogger(__name__)
ARRANGED, UNARRANGED = "need_arranged", "need_unarranged"


def kind_named(words: str) -> str | None:
    """The kind of need staff name in a command: its id, or the start of its label in Danish or
    English ("tegnsprogstolk", "kost", "wheelchair"); None when it names none, or several."""
    said = " ".join(words.casefold().split())
    if not said:
        return None
    found = {
        kind
        for kind in NEED_KINDS
        for label in (kind, need_label(kind, "da"), need_label(kind, "en"))
        if label.casefold().startswith(said)
    }
    return found.pop() if len(found) == 1 else None


class Marked(StrEnum):
    ARRANGED = "arranged"  # marked now; the participant was told, if they can be reached
    UNARRANGED = "unarranged"
    UNCHANGED = "unchanged"  # it already was so: nothing done, nothing said
    NOT_FOUND = "not_found"  # no such need of an active registration for the event


Also = Callable[[AsyncSession], None]


class Arranging:
    """Marks needs arranged for the registration service's events."""

    def __init__(self, registrations: RegistrationService, delivery: Delivery) -> None:
        self.registrations = registrations
        self.delivery = delivery
        self.db = registrations.db

    async def mark(
        self,
        event: Event,
        registration_id: int,
        kind: str,
        *,
        arranged: bool,
        by: str,
        actor: str,
        channel: str,
        now: datetime,
        also: Also | None = None,
    ) -> Marked:
        """Mark one need; ``by`` is the staff member's name (kept on the need), ``actor`` how
        the audit names them (``desk:<account id>``); ``also`` adds the caller's own record."""
        infos = await self.registrations.event_registrations(event.id)
        info = next((i for i in infos if i.id == registration_id), None)
        if info is None:
            return Marked.NOT_FOUND
        async with self.db.transaction() as session:
            row = await session.execute(
                select(RegistrationNeed, Registration)
                .join(Registration, Registration.id == RegistrationNeed.registration_id)
                .where(
                    RegistrationNeed.registration_id == registration_id,
                    RegistrationNeed.kind == kind,
                    Registration.event_slug == event.id,
                    Registration.status.in_(ACTIVE),
                )
                .with_for_update()
            )
            found = row.first()
            if found is None:
                return Marked.NOT_FOUND
            need, registration = found
            if (need.arranged_at is not None) == arranged:
                return Marked.UNCHANGED
            need.arranged_at = now if arranged else None
            need.arranged_by = by[:100] if arranged else None
            session.add(
                AuditEntry(
                    registration_id=registration.id,
                    event_slug=event.id,
                    participant_id=registration.participant_id,
                    action=ARRANGED if arranged else UNARRANGED,
                    old_status=registration.status,
                    new_status=registration.status,
                    channel=channel,
                    actor=actor,
                    at=now,
                    note=None,
                )
            )
            if arranged:
                await self._tell(session, event, info, kind, now)
            if also is not None:
                also(session)
        log.info("need of registration %d marked arranged=%s", registration_id, arranged)
        return Marked.ARRANGED if arranged else Marked.UNARRANGED

    async def _tell(
        self, session: AsyncSession, event: Event, info: RegistrationInfo, kind: str, now: datetime
    ) -> None:
        """The participant, on their own channel: what was arranged for them."""
        to = recipient_for(
            self.delivery, email=info.email, chat=info.chat, lang=info.lang, name=info.name
        )
        if to is None:  # no channel reaches them: staff see the need arranged all the same
            return
        lang = normalise_lang(info.lang)
        await self.delivery.queue(
            session,
            to,
            arranged_text(event, kind, lang),
            kind="need_arranged",
            now=now,
            subject=arranged_subject(event, lang),
            event=event.id,
        )
