"""Needs and companions as the database keeps them, for the registration service.

One row per kind of need (``registration_needs``: the person's own words, and later when staff
arranged it) and one per companion (``registration_companions``: a seat each, a name if given).
A registration takes ``1 + companions`` seats; companions of a cancelled registration take none,
so cancelling frees their seats with the person's. Health data: nothing here is logged.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Select, Table, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.registrations.models import (
    Registration,
    RegistrationCompanion,
    RegistrationNeed,
    RegistrationStatus,
)
from bot.registrations.needs import COMPANION, NEED_KINDS

REGISTERED = RegistrationStatus.REGISTERED.value
_NEEDS = cast(Table, RegistrationNeed.__table__)
_COMPANIONS = cast(Table, RegistrationCompanion.__table__)


@dataclass(frozen=True)
class Kept:
    """One registration's needs (kind -> the person's words) and companions (names or None)."""

    needs: Mapping[str, str | None]
    companions: tuple[str | None, ...]


async def kept_of(session: AsyncSession, ids: Collection[int]) -> dict[int, Kept]:
    """The needs and companions of these registrations (every id present)."""
    needs: dict[int, dict[str, str | None]] = {i: {} for i in ids}
    companions: dict[int, list[str | None]] = {i: [] for i in ids}
    if ids:
        rows = await session.execute(
            select(RegistrationNeed.registration_id, RegistrationNeed.kind, RegistrationNeed.words)
            .where(RegistrationNeed.registration_id.in_(list(ids)))
            .order_by(RegistrationNeed.id)
        )
        for reg_id, kind, words in rows:
            needs[reg_id][kind] = words
        named = await session.execute(
            select(RegistrationCompanion.registration_id, RegistrationCompanion.name)
            .where(RegistrationCompanion.registration_id.in_(list(ids)))
            .order_by(RegistrationCompanion.id)
        )
        for reg_id, name in named:
            companions[reg_id].append(name)
    return {
        i: Kept(
            {k: needs[i][k] for k in NEED_KINDS if k in needs[i]},
            tuple(companions[i]),
        )
        for i in ids
    }


async def keep(
    session: AsyncSession,
    registration_id: int,
    needs: Mapping[str, str | None],
    companions: Sequence[str | None],
    now: datetime,
    *,
    fresh: bool = False,
) -> None:
    """Make the registration's needs and companions these: rows added, changed or removed
    (an arranged need keeps its arranged state while it stays). ``fresh``: a registration made
    in this transaction, which has none yet (nothing to read)."""
    if fresh:
        await keep_fresh(session, [(registration_id, needs, companions, now)])
        return
    if companions and COMPANION not in needs:
        needs = {**needs, COMPANION: None}
    rows = (
        (
            await session.execute(
                select(RegistrationNeed).where(RegistrationNeed.registration_id == registration_id)
            )
        )
        .scalars()
        .all()
    )
    have = {row.kind: row for row in rows}
    for kind, row in have.items():
        if kind not in needs:
            await session.delete(row)
    for kind, words in needs.items():
        if kind in have:
            if words:
                have[kind].words = words
        else:
            session.add(
                RegistrationNeed(
                    registration_id=registration_id, kind=kind, words=words, created_at=now
                )
            )
    old = (
        (
            await session.execute(
                select(RegistrationCompanion)
                .where(RegistrationCompanion.registration_id == registration_id)
                .order_by(RegistrationCompanion.id)
            )
        )
        .scalars()
        .all()
    )
    names = list(companions)
    for i, one in enumerate(old):
        if i >= len(names):
            await session.delete(one)
        elif names[i] and one.name != names[i]:
            one.name = names[i]
    for name in names[len(old) :]:
        session.add(
            RegistrationCompanion(registration_id=registration_id, name=name, created_at=now)
        )
    await session.flush()


async def keep_fresh(
    session: AsyncSession,
    kept: Sequence[tuple[int, Mapping[str, str | None], Sequence[str | None], datetime]],
) -> None:
    """:func:`keep` for registrations made in this transaction (registration id, needs,
    companions, now), which have none yet: plain inserts, one statement a table for all of them,
    since a signup (or a batch of signups) holds its event's lock meanwhile."""
    needs_rows: list[dict[str, Any]] = []
    companion_rows: list[dict[str, Any]] = []
    for registration_id, needs, companions, now in kept:
        if companions and COMPANION not in needs:
            needs = {**needs, COMPANION: None}
        needs_rows += [
            {"registration_id": registration_id, "kind": kind, "words": words, "created_at": now}
            for kind, words in needs.items()
        ]
        companion_rows += [
            {"registration_id": registration_id, "name": name, "created_at": now}
            for name in companions
        ]
    if needs_rows:
        await session.execute(insert(_NEEDS), needs_rows)
    if companion_rows:
        await session.execute(insert(_COMPANIONS), companion_rows)


def as_kept(needs: Mapping[str, str | None], companions: Sequence[str | None]) -> Kept:
    """What :func:`keep` keeps of these, as :func:`kept_of` would read it back."""
    if companions and COMPANION not in needs:
        needs = {**needs, COMPANION: None}
    return Kept({k: needs[k] for k in NEED_KINDS if k in needs}, tuple(companions))


async def companion_seats(session: AsyncSession, slug: str, session_key: str | None = None) -> int:
    """Seats the companions of the event's registered people take (in one session, if given)."""
    return int((await session.execute(companion_seats_query(slug, session_key))).scalar_one())


def companion_seats_query(
    slug: str | BindParameter[str], session_key: str | None = None
) -> Select[Any]:
    """The query :func:`companion_seats` runs, to put into a larger one."""
    query = (
        select(func.count())
        .select_from(RegistrationCompanion)
        .join(Registration, Registration.id == RegistrationCompanion.registration_id)
        .where(Registration.event_slug == slug, Registration.status == REGISTERED)
    )
    if session_key is not None:
        query = query.where(Registration.session_key == session_key)
    return query


async def companion_counts(session: AsyncSession, ids: Collection[int]) -> dict[int, int]:
    """How many companions each of these registrations brings (absent: none)."""
    if not ids:
        return {}
    rows = await session.execute(
        select(RegistrationCompanion.registration_id, func.count())
        .where(RegistrationCompanion.registration_id.in_(list(ids)))
        .group_by(RegistrationCompanion.registration_id)
    )
    return {reg_id: int(n) for reg_id, n in rows}


async def forget(session: AsyncSession, ids: Collection[int]) -> None:
    """Delete every need and companion of these registrations (erasure, retention)."""
    if not ids:
        return
    await session.execute(
        delete(RegistrationNeed).where(RegistrationNeed.registration_id.in_(list(ids)))
    )
    await session.execute(
        delete(RegistrationCompanion).where(RegistrationCompanion.registration_id.in_(list(ids)))
    )
