"""The retention job: an event's personal data is deleted a set number of days after it ended.

Daily, and once when the bot starts, :class:`RetentionJob` deletes the personal data of every
event that ended more than ``BOT_RETENTION_DAYS`` (default 90) days ago: its registrations
become anonymous shells (the audit trail keeps its lines, see ``bot.registrations.erasure``),
its cases and what was taught from them are deleted, and so are the chats, e-mails in and out,
chat messages and reminders that belong to it (``bot.privacy.tables``). Participants left with
nothing but shells lose their names and identities. It logs what it deleted, in counts only.

When did an event end? The knowledge base says, while the event is in it; the job records every
end it sees (``privacy_event_ends``), so an event that leaves the knowledge files still expires
on time. An event the job never saw in the files (removed before this job existed, or data that
names an event no file ever had) is given the time of the last change to its data as its end:
nobody signs up or asks about an event long after it, so that is at most a little later than
the real end, never earlier than the data's own last use.

Data that belongs to no event (a chat that never chose one, a question about nothing in
particular, a bounce) is deleted the same number of days after it was last touched; the
per-address reply counts after two days, and unanswered e-mail erasure requests after a week.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.models import Case
from bot.clock import now as clock_now
from bot.knowledge.learned import LearnedAnswer
from bot.privacy.cases import delete_cases
from bot.privacy.models import EventEnd
from bot.privacy.tables import PersonalRows, delete_rows, rule_tables
from bot.registrations.erasure import (
    anonymise_participants,
    anonymise_registrations,
    participants_with_data,
)
from bot.registrations.models import Registration
from bot.services import Services
from bot.waiting import every

log = logging.getLogger(__name__)
DAY = timedelta(days=1)


class RetentionJob:
    """Deletes expired personal data daily (see the module docstring)."""

    def __init__(
        self,
        services: Services,
        *,
        clock: Callable[[], datetime] = clock_now,
        every: timedelta = DAY,
    ) -> None:
        self.services = services
        self.clock = clock
        self.every = every
        self._chats: list[tuple[str, str]] = []  # deleted chats, to forget once committed

    @property
    def keep(self) -> timedelta:
        return timedelta(days=self.services.settings.retention_days)

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep now, then every day, until ``stop``; a failed sweep is tried again next time."""
        await every(stop, self.every.total_seconds(), self.sweep, "retention")

    async def sweep(self, now: datetime | None = None) -> Counter[str]:
        """Delete what has expired by ``now``; counts by table."""
        now = now or self.clock()
        await self._record_ends(now)
        expired = await self.expired_events(now)
        counts: Counter[str] = Counter()
        for slug in expired:  # one transaction each: one bad event does not hold up the rest
            async with self.services.db.transaction() as session:
                counts.update(await self._purge_event(session, slug, now))
            self._forget_chats()
        async with self.services.db.transaction() as session:
            counts.update(await self._purge_unattached(session, now))
        self._forget_chats()
        counts = Counter({k: v for k, v in counts.items() if v})
        if counts.get("learned_answers"):
            self.services.apply_learned(await self.services.cases.learned())
        if counts:
            # Counts and event ids only: no names, no addresses.
            log.info(
                "retention: deleted personal data older than %d days (events: %s): %s",
                self.keep.days,
                ", ".join(expired) or "none",
                dict(sorted(counts.items())),
            )
        return counts

    def _forget_chats(self) -> None:
        for channel, chat_id in self._chats:
            self.services.conversations.forget(channel, chat_id)
        self._chats.clear()

    # -- which events have expired -------------------------------------------------------------

    async def _record_ends(self, now: datetime) -> None:
        """Remember the end of every event in the knowledge base, as it says now."""
        events = list(self.services.kb.events.values())
        async with self.services.db.transaction() as session:
            known = {e.event_slug: e for e in await session.scalars(select(EventEnd))}
            for event in events:
                row = known.get(event.id)
                if row is None:
                    session.add(EventEnd(event_slug=event.id, ends_at=event.end, updated_at=now))
                elif row.ends_at != event.end:
                    row.ends_at, row.updated_at = event.end, now

    async def expired_events(self, now: datetime) -> list[str]:
        """Events with personal data whose end is more than the retention time ago."""
        async with self.services.db.session() as session:
            slugs = await _slugs_with_data(session)
            recorded = {e.event_slug: e.ends_at for e in await session.scalars(select(EventEnd))}
            expired = []
            for slug in sorted(slugs):
                event = self.services.kb.event(slug)
                end = event.end if event else recorded.get(slug)
                if end is None:
                    end = await _last_activity(session, slug)
                # In UTC: 90 days are 90 times 24 hours, whatever summer time does meanwhile.
                if end is not None and end.astimezone(UTC) + self.keep < now:
                    expired.append(slug)
            return expired

    # -- deleting ----------------------------------------------------------------------------

    async def _purge_event(self, session: AsyncSession, slug: str, now: datetime) -> Counter[str]:
        counts: Counter[str] = Counter()
        counts["registrations"], participants = await anonymise_registrations(
            session,
            Registration.event_slug == slug,
            now=now,
            channel="system",
            actor="system",
            action="expired",
        )
        counts["participants"] = await anonymise_participants(session, participants)
        counts["cases"], counts["learned_answers"] = await delete_cases(
            session, Case.event_slug == slug
        )
        counts["learned_answers"] += await delete_rows(
            session, delete(LearnedAnswer).where(LearnedAnswer.event_slug == slug)
        )
        for rule, table in rule_tables():
            if rule.event:
                counts[rule.table] += await self._delete(
                    session, rule, table, table.c[rule.event] == slug
                )
        return counts

    async def _purge_unattached(self, session: AsyncSession, now: datetime) -> Counter[str]:
        counts: Counter[str] = Counter()
        cutoff = now - self.keep
        counts["cases"], counts["learned_answers"] = await delete_cases(
            session, Case.event_slug.is_(None) & (Case.updated_at < cutoff)
        )
        for rule, table in rule_tables():
            if rule.activity is None:
                continue
            old = table.c[rule.activity] < now - (rule.keep or self.keep)
            counts[rule.table] += await self._delete(
                session, rule, table, rule.without_event(table) & old
            )
        counts["participants"] += await anonymise_participants(
            session, await participants_with_data(session)
        )
        return counts

    async def _delete(
        self, session: AsyncSession, rule: PersonalRows, table: Table, where: ColumnElement[bool]
    ) -> int:
        if rule.table == "conversations":
            # The conversation store keeps chats in memory too: forgotten once committed.
            found = await session.execute(select(table.c.channel, table.c.chat_id).where(where))
            self._chats.extend((str(channel), str(chat_id)) for channel, chat_id in found)
        return await delete_rows(session, delete(table).where(where))


async def _slugs_with_data(session: AsyncSession) -> set[str]:
    """Every event some personal data still belongs to."""
    queries = [
        select(Registration.event_slug).where(Registration.email != ""),
        select(Case.event_slug).where(Case.event_slug.is_not(None)),
        select(LearnedAnswer.event_slug),
    ]
    for rule, table in rule_tables():
        if rule.event:
            column = table.c[rule.event]
            queries.append(select(column).where(column.is_not(None)))
    slugs: set[str] = set()
    for query in queries:
        slugs |= set(await session.scalars(query.distinct()))
    return {s for s in slugs if s}


async def _last_activity(session: AsyncSession, slug: str) -> datetime | None:
    """The latest change to the event's personal data, for an event of unknown end."""
    latest: list[datetime] = []
    for column, event in (
        (Registration.updated_at, Registration.event_slug),
        (Case.updated_at, Case.event_slug),
    ):
        value = await session.scalar(select(func.max(column)).where(event == slug))
        if value is not None:
            latest.append(value)
    for rule, table in rule_tables():
        if rule.event and rule.activity:
            value = await session.scalar(
                select(func.max(table.c[rule.activity])).where(table.c[rule.event] == slug)
            )
            if value is not None:
                latest.append(value)
    return max(latest) if latest else None
