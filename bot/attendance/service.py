"""Checking people in at the door, by the code they bring or from the list, and attendance.

A code is made for a registration when it first has a seat (``code_for``, called by the
registration service as it describes the registration), so the confirmation and every reminder
show the same one. Checking in happens once: two phones scanning the same code at once check the
person in once, and the second is told when it happened. Only a registration with a seat can be
checked in; a code of another event, or of a cancelled registration, is "not known" here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.codes import normalise
from bot.attendance.issuing import code_for
from bot.attendance.models import Checkin
from bot.registrations.models import Registration, RegistrationStatus
from bot.storage import Database

REGISTERED = RegistrationStatus.REGISTERED.value


class CheckInOutcome(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"  # checked in before: ``at`` says when
    UNKNOWN = "unknown"  # no registration with a seat for this event has that code


@dataclass(frozen=True)
class CheckIn:
    """What came of a check-in, and whom it concerned (empty for an unknown code)."""

    outcome: CheckInOutcome
    registration_id: int | None = None
    name: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class EventAttendance:
    """Who of an event's registrations was checked in, and when (registration id -> time)."""

    checked_in: dict[int, datetime]


Record = Callable[[AsyncSession, CheckIn], Awaitable[None] | None]


class Attendance:
    """Check-in and attendance, on the registrations' database."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    async def check_in_code(
        self, event_slug: str, typed: str, *, by: str, record: Record | None = None
    ) -> CheckIn:
        """Check in whoever holds the code (as scanned, typed or pasted) for this event."""
        code = normalise(typed)
        if code is None:
            return CheckIn(CheckInOutcome.UNKNOWN)
        async with self.db.transaction() as session:
            reg_id = await session.scalar(
                select(Checkin.registration_id).where(
                    Checkin.code == code, Checkin.event_slug == event_slug
                )
            )
            if reg_id is None:
                return CheckIn(CheckInOutcome.UNKNOWN)
            return await self._check_in(session, event_slug, reg_id, by, record)

    async def check_in_registration(
        self, event_slug: str, registration_id: int, *, by: str, record: Record | None = None
    ) -> CheckIn:
        """Check in a registration chosen from the list (a person without their code)."""
        async with self.db.transaction() as session:
            return await self._check_in(session, event_slug, registration_id, by, record)

    async def _check_in(
        self,
        session: AsyncSession,
        event_slug: str,
        registration_id: int,
        by: str,
        record: Record | None,
    ) -> CheckIn:
        reg = await session.scalar(
            select(Registration).where(
                Registration.id == registration_id, Registration.event_slug == event_slug
            )
        )
        if reg is None or reg.status != REGISTERED:
            return CheckIn(CheckInOutcome.UNKNOWN)
        now = self.clock()
        await code_for(session, reg.id, event_slug, now)
        # Only the first of two check-ins at the same moment changes the row.
        changed = await session.execute(
            update(Checkin)
            .where(Checkin.registration_id == reg.id, Checkin.checked_in_at.is_(None))
            .values(checked_in_at=now, checked_in_by=by)
            .returning(Checkin.id)
        )
        if changed.first() is None:
            at = await session.scalar(
                select(Checkin.checked_in_at).where(Checkin.registration_id == reg.id)
            )
            return CheckIn(CheckInOutcome.ALREADY, reg.id, reg.name, at)
        result = CheckIn(CheckInOutcome.CHECKED_IN, reg.id, reg.name, now)
        if record is not None:
            done = record(session, result)
            if done is not None:
                await done
        return result

    async def of_event(self, event_slug: str) -> EventAttendance:
        """Who of the event was checked in, and when."""
        async with self.db.session() as session:
            rows = await session.execute(
                select(Checkin.registration_id, Checkin.checked_in_at).where(
                    Checkin.event_slug == event_slug, Checkin.checked_in_at.is_not(None)
                )
            )
            return EventAttendance({reg_id: at for reg_id, at in rows if at is not None})
