"""Giving a registration its check-in code, in the registration's own transaction.

Apart from ``service`` because the registration service calls it as it describes a seat, and
must not import the rest of attendance (which reads registrations).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.codes import new_code
from bot.attendance.models import Checkin

_CHECKINS = cast(Table, Checkin.__table__)


async def code_for(
    session: AsyncSession,
    registration_id: int,
    event_slug: str,
    now: datetime,
    *,
    make: bool = True,
    fresh: bool = False,
) -> str | None:
    """The registration's check-in code, made now if it has none (and ``make``), in the caller's
    write transaction. ``fresh``: a registration made in this transaction, which has none."""
    if not fresh:
        found = await session.scalar(
            select(Checkin.code).where(Checkin.registration_id == registration_id)
        )
        if found is not None or not make:
            return found
    return (await new_codes(session, [(registration_id, event_slug, now)]))[0]


async def new_codes(
    session: AsyncSession, registrations: Sequence[tuple[int, str, datetime]]
) -> list[str]:
    """New check-in codes for registrations that have none (id, event slug, now), made with
    one statement: a signup, or a batch of them, holds its event's lock meanwhile."""
    # 60 random bits: two registrations drawing the same code is not to be expected, and the
    # unique index would refuse it (the change fails whole) rather than give one code twice.
    codes = [new_code() for _ in registrations]
    # A plain insert, not the ORM's unit of work.
    rows = [
        {"registration_id": reg_id, "event_slug": slug, "code": code, "created_at": now}
        for (reg_id, slug, now), code in zip(registrations, codes, strict=True)
    ]
    if rows:
        await session.execute(insert(_CHECKINS), rows)
    return codes
