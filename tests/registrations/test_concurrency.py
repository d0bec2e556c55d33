"""200 people sign up at once for 50 seats, each on their own session and connection."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from bot.knowledge.schema import Event
from bot.registrations import Identity, Outcome, RegistrationService, SignupForm
from bot.registrations.models import AuditEntry, Participant, Registration
from bot.storage import Database
from tests.registrations.conftest import Target
from tests.registrations.events import NOW, make_event
from tests.registrations.signup_worker import BATCH_EVENT, start_worker

SEATS = 50
PEOPLE = 200


async def test_200_simultaneous_signups_for_50_seats(
    target: Target, events: dict[str, Event]
) -> None:
    event = make_event("stor-temadag", capacity=SEATS)
    events[event.id] = event
    # Enough connections that many transactions really are open at the same time.
    db = target.connect(pool_size=20, max_overflow=20)
    await db.migrate()
    service = RegistrationService(db, events.get)

    forms = [
        SignupForm(f"Deltager {i}", f"deltager{i}@example.dk", "Handicaprådet", lang="da")
        for i in range(PEOPLE)
    ]
    results = await asyncio.gather(
        *(service.signup(event, f, channel="email", now=NOW) for f in forms)
    )

    assert Counter(r.outcome for r in results) == {
        Outcome.REGISTERED: SEATS,
        Outcome.WAITLISTED: PEOPLE - SEATS,
    }
    told = {r.registration.id: r.registration.position for r in results if r.registration}
    assert sorted(p for p in told.values() if p is not None) == list(range(1, PEOPLE - SEATS + 1))

    # The database agrees: no duplicates, seats taken first, the waiting list in signup order.
    listing = await service.event_registrations(event.id)
    assert len(listing) == PEOPLE
    assert len({r.participant_id for r in listing}) == PEOPLE
    assert len({r.email for r in listing}) == PEOPLE
    assert [r.status.value for r in listing] == ["registered"] * SEATS + ["waitlisted"] * (
        PEOPLE - SEATS
    )
    assert [r.position for r in listing[SEATS:]] == list(range(1, PEOPLE - SEATS + 1))
    assert all(told[r.id] == r.position for r in listing)  # what each was told is what is stored
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Participant)) == PEOPLE
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == PEOPLE
        queue = (
            await session.execute(
                select(Registration.queue_no).where(Registration.event_slug == event.id)
            )
        ).scalars()
        assert sorted(queue) == list(range(1, PEOPLE + 1))

    # Ten of the registered cancel at once: exactly the first ten waiting get their seats.
    first_waiting = [r.id for r in listing[SEATS : SEATS + 10]]
    leaving = [r.email for r in listing[:10]]
    later = NOW + timedelta(days=1)
    cancels = await asyncio.gather(
        *(service.cancel(event, Identity(email=e), channel="email", now=later) for e in leaving)
    )
    assert all(c.outcome is Outcome.CANCELLED for c in cancels)
    assert all(len(c.promoted) == 1 for c in cancels)
    assert sorted(p.id for c in cancels for p in c.promoted) == sorted(first_waiting)

    after = await service.event_registrations(event.id)
    assert Counter(r.status.value for r in after) == {
        "registered": SEATS,
        "waitlisted": PEOPLE - SEATS - 10,
    }
    still_waiting = [r.id for r in listing[SEATS + 10 :]]
    assert [r.id for r in after if r.position] == still_waiting
    assert [r.position for r in after if r.position] == list(range(1, PEOPLE - SEATS - 10 + 1))


async def test_two_processes_never_give_more_seats_than_there_are(
    target: Target, db: Database
) -> None:
    first = await start_worker(target.url, target.schema, "batch", "0", "40")
    second = await start_worker(target.url, target.schema, "batch", "1000", "40")
    workers = [first, second]
    for worker in workers:
        assert worker.stdout is not None
        ready = await asyncio.wait_for(worker.stdout.readline(), 60)
        assert ready.strip() == b"READY"
    # Both start at once: their signups for the one event interleave.
    outputs = await asyncio.wait_for(asyncio.gather(*(w.communicate(b"GO\n") for w in workers)), 60)
    assert [w.returncode for w in workers] == [0, 0]
    told = Counter(word for out, _ in outputs for word in out.decode().split())
    assert told == {"registered": 30, "waitlisted": 50}
    service = RegistrationService(db, {BATCH_EVENT.id: BATCH_EVENT}.get)
    listing = await service.event_registrations(BATCH_EVENT.id)
    assert [r.status.value for r in listing] == ["registered"] * 30 + ["waitlisted"] * 50
    assert [r.position for r in listing[30:]] == list(range(1, 51))
    assert len({r.email for r in listing}) == 80
