"""Signups for one event that arrive together are made in one transaction (a batch): each gets
the result it would have had alone, in the order they arrived, and one bad signup fails alone.

Signups started in one ``asyncio.gather`` are all waiting before the event's drain runs, so they
make one batch.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.attendance.models import Checkin
from bot.knowledge.schema import Event
from bot.metrics import SIGNUPS
from bot.registrations import Outcome, RegistrationService, Result, SignupForm
from bot.registrations.models import AuditEntry, Registration, RegistrationCompanion
from bot.storage import Database
from tests.registrations.events import NOW, make_event


def form(n: int | str, *, session: str | None = None, companions: int = 0) -> SignupForm:
    return SignupForm(
        f"Deltager {n}",
        f"deltager{n}@example.dk",
        "Handicaprådet",
        session=session,
        companions=companions,
    )


async def together(
    service: RegistrationService, event: Event, forms: list[SignupForm]
) -> list[Result]:
    return await asyncio.gather(
        *(service.signup(event, f, channel="email", now=NOW) for f in forms)
    )


def registration_id(result: Result) -> int:
    assert result.registration is not None
    return result.registration.id


async def queue_numbers(db: Database, slug: str) -> list[int]:
    async with db.session() as session:
        rows = await session.scalars(
            select(Registration.queue_no)
            .where(Registration.event_slug == slug)
            .order_by(Registration.queue_no)
        )
        return list(rows)


async def test_a_batch_gives_each_the_result_it_would_have_alone(
    db: Database, events: dict[str, Event]
) -> None:
    event = make_event("samlet", capacity=4)
    events[event.id] = event
    service = RegistrationService(db, events.get)
    known = await service.signup(event, form("kendt"), channel="email", now=NOW)
    assert known.outcome is Outcome.REGISTERED
    before = SIGNUPS.labels("email", Outcome.WAITLISTED)._value.get()

    results = await together(
        service,
        event,
        [
            form(1),
            form("kendt"),  # already registered: read, not placed in memory
            form(2, companions=1),  # two seats: the last two
            form(2),  # the same new person again in the same batch
            form(3),  # no seat left
            form(4, companions=2),  # waits with their companions
        ],
    )

    assert [r.outcome for r in results] == [
        Outcome.REGISTERED,
        Outcome.ALREADY_REGISTERED,
        Outcome.REGISTERED,
        Outcome.ALREADY_REGISTERED,
        Outcome.WAITLISTED,
        Outcome.WAITLISTED,
    ]
    infos = [r.registration for r in results if r.registration is not None]
    assert len(infos) == len(results)
    assert infos[1].id == registration_id(known)
    assert infos[3].id == infos[2].id and infos[2].companions == (None,)
    assert [i.position for i in infos] == [None, None, None, None, 1, 2]
    assert all(bool(i.checkin_code) == (i.status.value == "registered") for i in infos)
    # Queue numbers 1..n without gaps, one audit line and one code per registration made.
    assert await queue_numbers(db, event.id) == [1, 2, 3, 4, 5]
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 5
        assert await session.scalar(select(func.count()).select_from(Checkin)) == 3
        companions = select(func.count()).select_from(RegistrationCompanion)
        assert await session.scalar(companions) == 3
    listing = await service.event_registrations(event.id)
    assert [r.position for r in listing] == [None, None, None, 1, 2]
    assert SIGNUPS.labels("email", Outcome.WAITLISTED)._value.get() == before + 2


async def test_a_session_with_its_own_capacity_is_kept_in_a_batch(
    db: Database, events: dict[str, Event]
) -> None:
    event = make_event(
        "vaerksteder",
        capacity=10,
        sessions=[
            {"key": "1", "kind": "workshop", "title": "Tegnsprog", "capacity": 2},
            {"key": "2", "kind": "workshop", "title": "Frivillige"},
        ],
    )
    events[event.id] = event
    service = RegistrationService(db, events.get)
    first = await service.signup(event, form(0, session="1"), channel="email", now=NOW)
    assert first.outcome is Outcome.REGISTERED

    results = await together(
        service,
        event,
        [form(1, session="1", companions=1), form(2, session="2"), form(3, session="1")],
    )

    assert [r.outcome for r in results] == [
        Outcome.WAITLISTED,  # two seats, one left in session 1
        Outcome.REGISTERED,
        Outcome.REGISTERED,
    ]
    assert await service.registered_count(event.id) == 3
    assert await queue_numbers(db, event.id) == [1, 2, 3, 4]


async def test_free_seats_go_to_those_waiting_credited_to_the_first_of_the_batch(
    db: Database, events: dict[str, Event]
) -> None:
    small = make_event("udvidet", capacity=1)
    events[small.id] = small
    service = RegistrationService(db, events.get)
    await service.signup(small, form(1), channel="email", now=NOW)
    waiting = await service.signup(small, form(2), channel="email", now=NOW)
    assert waiting.outcome is Outcome.WAITLISTED
    larger = make_event("udvidet", capacity=2)  # staff raised the capacity
    events[larger.id] = larger

    results = await together(service, larger, [form(3), form(4)])

    assert [r.outcome for r in results] == [Outcome.WAITLISTED, Outcome.WAITLISTED]
    assert [[p.id for p in r.promoted] for r in results] == [[registration_id(waiting)], []]
    assert [r.registration.position for r in results if r.registration] == [1, 2]
    assert await queue_numbers(db, larger.id) == [1, 2, 3, 4]


async def test_one_failing_signup_fails_alone(db: Database, events: dict[str, Event]) -> None:
    event = make_event("uheld", capacity=10)
    events[event.id] = event
    service = RegistrationService(db, events.get)
    recorded: list[str] = []

    async def record(session: AsyncSession, result: Result) -> None:
        assert result.registration is not None
        if result.registration.email == "deltager2@example.dk":
            raise RuntimeError("the channel's own write failed")
        recorded.append(result.registration.email)

    outcomes = await asyncio.gather(
        *(
            service.signup(event, form(i), channel="email", now=NOW, also=record)
            for i in range(1, 5)
        ),
        return_exceptions=True,
    )

    assert isinstance(outcomes[1], RuntimeError)
    assert [o.outcome for o in outcomes if isinstance(o, Result)] == [Outcome.REGISTERED] * 3
    # The batch was rolled back and each made alone: every other ``also`` committed once.
    assert Counter(recorded[-3:]) == Counter(f"deltager{i}@example.dk" for i in (1, 3, 4))
    listing = await service.event_registrations(event.id)
    assert sorted(r.email for r in listing) == [f"deltager{i}@example.dk" for i in (1, 3, 4)]
    assert await queue_numbers(db, event.id) == [1, 2, 3]


async def test_a_signup_in_a_unit_of_work_is_made_in_the_unit(
    db: Database, events: dict[str, Event]
) -> None:
    event = make_event("enhed", capacity=10)
    events[event.id] = event
    service = RegistrationService(db, events.get)
    with pytest.raises(RuntimeError):
        async with db.unit():
            done = await service.signup(event, form(1), channel="email", now=NOW)
            assert done.outcome is Outcome.REGISTERED
            raise RuntimeError("the unit fails")
    assert await service.event_registrations(event.id) == []
    async with db.unit():
        done = await service.signup(event, form(1), channel="email", now=NOW)
    assert [r.id for r in await service.event_registrations(event.id)] == [registration_id(done)]
