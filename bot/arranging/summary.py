"""An event's needs as staff and the venue read them.

Who (the active registrations: with a seat, or waiting), which needs in their own words, the
seats they take with their companions, whether each need is arranged (when, by whom), and for a
need booked ahead when staff were alerted about it. Counted per kind: how many people, how many
arranged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.arranging.lead import BOOKED_AHEAD
from bot.clock import localize
from bot.registrations.models import (
    Registration,
    RegistrationCompanion,
    RegistrationNeed,
    RegistrationStatus,
)
from bot.registrations.needs import NEED_KINDS
from bot.reminders.models import NEEDS, SentNotice
from bot.storage import Database

ACTIVE = (RegistrationStatus.REGISTERED.value, RegistrationStatus.WAITLISTED.value)


def alert_key(registration_id: int, kind: str) -> str:
    """The ledger's key of the alert about one need (``bot.reminders.models``)."""
    return f"{NEEDS}:{registration_id}:{kind}"


@dataclass(frozen=True)
class Need:
    """One need of one person."""

    kind: str
    words: str | None
    arranged_at: datetime | None
    arranged_by: str | None
    # When staff were alerted about it (a need booked ahead), else None.
    alerted_at: datetime | None

    @property
    def booked_ahead(self) -> bool:
        return self.kind in BOOKED_AHEAD

    @property
    def arranged(self) -> bool:
        return self.arranged_at is not None


@dataclass(frozen=True)
class Person:
    """One registration with needs."""

    registration_id: int
    name: str
    email: str
    organisation: str
    waiting: bool
    companions: tuple[str | None, ...]
    needs: tuple[Need, ...]

    @property
    def seats(self) -> int:
        return 1 + len(self.companions)


@dataclass(frozen=True)
class Count:
    """How many people need one kind, and for how many it is arranged."""

    kind: str
    people: int
    arranged: int


@dataclass(frozen=True)
class Summary:
    """The needs of one event."""

    event_slug: str
    people: tuple[Person, ...]

    @property
    def counts(self) -> list[Count]:
        return [
            Count(
                kind,
                sum(1 for p in self.people for n in p.needs if n.kind == kind),
                sum(1 for p in self.people for n in p.needs if n.kind == kind and n.arranged),
            )
            for kind in NEED_KINDS
            if any(n.kind == kind for p in self.people for n in p.needs)
        ]

    @property
    def open_booked_ahead(self) -> int:
        """Needs booked ahead of people with a seat, not yet arranged."""
        return sum(
            1
            for p in self.people
            if not p.waiting
            for n in p.needs
            if n.booked_ahead and not n.arranged
        )

    def person(self, registration_id: int) -> Person | None:
        return next((p for p in self.people if p.registration_id == registration_id), None)


def _aware(value: datetime | None) -> datetime | None:
    return localize(value) if value is not None else None


async def needs_summary(db: Database, slug: str) -> Summary:
    """The event's active registrations with needs: seated first, in signup order."""
    async with db.session() as session:
        regs: Sequence[Registration] = (
            await session.scalars(
                select(Registration)
                .where(Registration.event_slug == slug, Registration.status.in_(ACTIVE))
                .order_by(Registration.queue_no)
            )
        ).all()
        ids = [r.id for r in regs]
        needs: dict[int, list[RegistrationNeed]] = {i: [] for i in ids}
        companions: dict[int, list[str | None]] = {i: [] for i in ids}
        alerted: dict[str, datetime] = {}
        if ids:
            for need in await session.scalars(
                select(RegistrationNeed).where(RegistrationNeed.registration_id.in_(ids))
            ):
                needs[need.registration_id].append(need)
            rows = await session.execute(
                select(RegistrationCompanion.registration_id, RegistrationCompanion.name)
                .where(RegistrationCompanion.registration_id.in_(ids))
                .order_by(RegistrationCompanion.id)
            )
            for reg_id, name in rows:
                companions[reg_id].append(name)
            notices = await session.execute(
                select(SentNotice.key, SentNotice.queued_at).where(
                    SentNotice.event_slug == slug, SentNotice.kind == NEEDS
                )
            )
            alerted = {key: localize(at) for key, at in notices}
    order = {kind: i for i, kind in enumerate(NEED_KINDS)}
    people = [
        Person(
            registration_id=r.id,
            name=r.name,
            email=r.email,
            organisation=r.organisation,
            waiting=r.status == RegistrationStatus.WAITLISTED.value,
            companions=tuple(companions[r.id]),
            needs=tuple(
                Need(
                    kind=n.kind,
                    words=n.words,
                    arranged_at=_aware(n.arranged_at),
                    arranged_by=n.arranged_by,
                    alerted_at=alerted.get(alert_key(r.id, n.kind)),
                )
                for n in sorted(needs[r.id], key=lambda n: order.get(n.kind, len(order)))
            ),
        )
        for r in regs
        if needs[r.id] or companions[r.id]
    ]
    people.sort(key=lambda p: p.waiting)  # stable: signup order within each
    return Summary(slug, tuple(people))
