"""Changes to an event's time, place or programme: noticed, put to staff, told on their word.

``check`` compares each upcoming event in the knowledge base with its snapshot (what the
participants were last told). A difference becomes a pending change, and staff are told what
changed and asked whether to notify (in the staff chat and/or at the staff address); a further
edit before they answer updates the same pending change, and an edit back to what participants
know withdraws it. ``decide`` is staff's answer: on yes, every registered participant gets a
short message naming what changed, on their own channel, queued in the same transaction as the
decision; on no, nobody is told. Either way the snapshot moves on, so the change is asked once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.staff import staff_recipients
from bot.changes.models import EventChange, EventSnapshot
from bot.changes.snapshot import Snapshot, describe, snapshot_of
from bot.delivery import Delivery
from bot.i18n import Lang, normalise_lang, translator
from bot.knowledge import KnowledgeBase
from bot.knowledge.schema import Event
from bot.registrations.broadcast import tell_registered
from bot.registrations.service import RegistrationService
from bot.settings import Settings

log = logging.getLogger(__name__)


class ChangeError(Exception):
    """A decision that cannot be made; ``reason``: not_found | decided | gone."""

    def __init__(self, reason: str, change_id: int) -> None:
        super().__init__(f"change {change_id}: {reason}")
        self.reason = reason
        self.change_id = change_id


@dataclass(frozen=True)
class ChangeInfo:
    """A change as staff see it."""

    id: int
    event: str
    before: Snapshot
    after: Snapshot
    status: str
    told: int | None

    def lines(self, lang: Lang) -> list[str]:
        return describe(self.before, self.after, lang)


class ChangeService:
    """Event changes on one database; participants and staff told through ``delivery``."""

    def __init__(
        self,
        registrations: RegistrationService,
        delivery: Delivery,
        settings: Settings,
    ) -> None:
        self.db = registrations.db
        self.registrations = registrations
        self.delivery = delivery
        self.settings = settings
        self.staff_lang = normalise_lang(settings.staff_language)

    async def check(self, kb: KnowledgeBase, now: datetime) -> list[ChangeInfo]:
        """Look for changes in the upcoming events; the ones staff were asked about now."""
        asked: list[ChangeInfo] = []
        for event in kb.events.values():
            if event.end <= now:
                continue  # over: nobody to tell
            async with self.db.transaction() as session:
                change = await self._compare(session, event, snapshot_of(event), now)
                if change is not None:
                    await self._ask_staff(session, event, change, now)
                    asked.append(change)
        return asked

    async def pending(self) -> list[ChangeInfo]:
        """Changes waiting for staff, oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(EventChange).where(EventChange.status == "pending").order_by(EventChange.id)
            )
            return [_info(r) for r in rows]

    async def decide(
        self, change_id: int, send: bool, staff: str, kb: KnowledgeBase, now: datetime
    ) -> ChangeInfo:
        """Staff's answer: tell the registered participants (``send``) or not."""
        async with self.db.transaction() as session:
            row = await session.get(EventChange, change_id, with_for_update=True)
            if row is None:
                raise ChangeError("not_found", change_id)
            if row.status != "pending":
                raise ChangeError("decided", change_id)
            event = kb.event(row.event_slug)
            if event is None:
                raise ChangeError("gone", change_id)
            if send:
                info = _info(row)
                report = await tell_registered(
                    session,
                    self.registrations,
                    self.delivery,
                    event,
                    lambda lang: notice_text(event, info, normalise_lang(lang)),
                    kind="change",
                    now=now,
                )
                row.told = report.total
            row.status = "sent" if send else "skipped"
            row.decided_at, row.decided_by, row.updated_at = now, staff[:200], now
            await self._remember(session, event.id, row.after, now)
            log.info("event change %d %s", row.id, row.status)
            return _info(row)

    # -- helpers -----------------------------------------------------------------------------

    async def _compare(
        self, session: AsyncSession, event: Event, now_shown: Snapshot, now: datetime
    ) -> ChangeInfo | None:
        known = await session.get(EventSnapshot, event.id, with_for_update=True)
        if known is None:  # first sight: this is what participants know
            await self._remember(session, event.id, now_shown, now)
            return None
        pending = await session.scalar(
            select(EventChange)
            .where(EventChange.event_slug == event.id, EventChange.status == "pending")
            .with_for_update()
        )
        if known.data == now_shown:
            if pending is not None:  # edited back before staff answered: nothing to tell
                await session.delete(pending)
            return None
        if pending is not None:
            if pending.after == now_shown:
                return None  # staff were asked about this already
            pending.after, pending.updated_at = now_shown, now
        else:
            pending = EventChange(
                event_slug=event.id,
                before=known.data,
                after=now_shown,
                status="pending",
                created_at=now,
                updated_at=now,
            )
            session.add(pending)
        await session.flush()
        log.info("event change %d noticed for %s", pending.id, event.id)
        return _info(pending)

    async def _remember(
        self, session: AsyncSession, slug: str, data: Snapshot, now: datetime
    ) -> None:
        row = await session.get(EventSnapshot, slug)
        if row is None:
            session.add(EventSnapshot(event_slug=slug, data=data, taken_at=now))
        else:
            row.data, row.taken_at = data, now

    async def _ask_staff(
        self, session: AsyncSession, event: Event, change: ChangeInfo, now: datetime
    ) -> None:
        registered = await self.registrations.registered_count(event.id)
        text = staff_text(event, change, registered, self.staff_lang)
        _ = translator(self.staff_lang).gettext
        subject = _("Change to {title}").format(title=event.title)
        targets = staff_recipients(self.settings, self.delivery)
        if not targets:
            log.warning("event change %d: no staff chat or staff address to ask", change.id)
        for to in targets:
            await self.delivery.queue(
                session, to, text, kind="staff", now=now, subject=subject, event=event.id
            )


def notice_text(event: Event, change: ChangeInfo, lang: Lang) -> str:
    """The message to a registered participant: what changed, nothing else."""
    _ = translator(lang).gettext
    lines = [_("There is a change to {title}:").format(title=event.title), ""]
    lines += [f"- {line}" for line in change.lines(lang)]
    lines += ["", _("Write to me if you have a question.")]
    return "\n".join(lines)


def staff_text(event: Event, change: ChangeInfo, registered: int, lang: Lang) -> str:
    """What staff are asked: the change, how many would be told, and how to answer."""
    _ = translator(lang).gettext
    lines = [
        _("Change no. {id} to {title} ({slug}):").format(
            id=change.id, title=event.title, slug=event.id
        ),
        "",
        *[f"- {line}" for line in change.lines(lang)],
        "",
        _("Registered now: {count}. Shall they be told?").format(count=registered),
        _(
            "In the staff chat write /change {id} yes to tell them, or /change {id} no. "
            "On the server: python -m bot changes send {id} (or skip {id})."
        ).format(id=change.id),
    ]
    return "\n".join(lines)


def _info(row: EventChange) -> ChangeInfo:
    before: dict[str, Any] = row.before
    after: dict[str, Any] = row.after
    return ChangeInfo(row.id, row.event_slug, before, after, row.status, row.told)
