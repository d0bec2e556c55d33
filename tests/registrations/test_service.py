"""The registration service on SQLite and PostgreSQL: the rules, identities, waiting list, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.knowledge.schema import Event
from bot.registrations import (
    Identity,
    InvalidSignup,
    Outcome,
    RegistrationService,
    RegistrationStatus,
    SignupForm,
)
from bot.registrations.identity import ChatId
from bot.registrations.models import Participant, ParticipantIdentity, Registration
from bot.storage import Database
from tests.registrations.events import NOW, make_event

TEMADAG = "handicapraad-temadag-2024"
VISIONSDAG = "socialaftale-visionsdag-2020"


def form(n: int | str, **extra: str) -> SignupForm:
    return SignupForm(
        name=f"Deltager {n}",
        email=f"deltager{n}@example.dk",
        organisation="Handicaprådet i Aalborg",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def small(events: dict[str, Event]) -> Event:
    event = make_event("lille-temadag", capacity=2)
    events[event.id] = event
    return event


async def count(db: Database, model: type, **where: object) -> int:
    async with db.session() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int((await session.execute(query)).scalar_one())


async def test_signup_registers_and_keeps_what_was_given(
    service: RegistrationService, events: dict[str, Event], db: Database
) -> None:
    event = events[TEMADAG]
    given = SignupForm(
        name="  Anna   Hansen ",
        email=" Anna.Hansen@Aalborg.DK ",
        organisation="Handicaprådet, Aalborg Kommune",
        needs="Kørestol og tolk.\nGlutenfri frokost.",
    )
    result = await service.signup(event, given, channel="email", now=NOW)
    assert result.outcome is Outcome.REGISTERED
    info = result.registration
    assert info is not None
    assert (info.name, info.email) == ("Anna Hansen", "anna.hansen@aalborg.dk")
    assert info.organisation == "Handicaprådet, Aalborg Kommune"
    assert info.needs == "Kørestol og tolk.\nGlutenfri frokost."
    assert info.status is RegistrationStatus.REGISTERED and info.position is None
    assert info.created_at == NOW and info.created_at.tzinfo is not None
    assert result.promoted == ()
    assert await count(db, Registration) == 1


async def test_second_signup_is_already_registered_not_stored_twice(
    service: RegistrationService, events: dict[str, Event], db: Database
) -> None:
    event = events[TEMADAG]
    first = await service.signup(event, form(1), channel="email", now=NOW)
    again = SignupForm("Deltager 1", "  DELTAGER1@Example.dk", "Et andet råd")
    second = await service.signup(
        event, again, channel="telegram", chat=ChatId("telegram", "77"), now=NOW
    )
    assert second.outcome is Outcome.ALREADY_REGISTERED
    assert first.registration and second.registration
    assert second.registration.id == first.registration.id
    assert await count(db, Registration) == 1
    assert await count(db, Participant) == 1


async def test_cancel_without_registration_says_so(
    service: RegistrationService, events: dict[str, Event], db: Database
) -> None:
    event = events[TEMADAG]
    unknown = await service.cancel(
        event, Identity(email="ingen@example.dk"), channel="email", now=NOW
    )
    assert unknown.outcome is Outcome.NOT_REGISTERED and unknown.registration is None
    # A known person with no registration for this event is not registered either.
    other = make_event("anden-dag")
    await service.signup(other, form(1), channel="email", now=NOW)
    known = await service.cancel(
        event, Identity(email="deltager1@example.dk"), channel="email", now=NOW
    )
    assert known.outcome is Outcome.NOT_REGISTERED
    assert await count(db, Participant) == 1


async def test_cancel_then_sign_up_again(
    service: RegistrationService, events: dict[str, Event], db: Database
) -> None:
    event = events[TEMADAG]
    first = await service.signup(event, form(1), channel="email", now=NOW)
    who = Identity(email="deltager1@example.dk")
    cancelled = await service.cancel(event, who, channel="email", now=NOW + timedelta(hours=1))
    assert cancelled.outcome is Outcome.CANCELLED
    assert cancelled.registration and cancelled.registration.status is RegistrationStatus.CANCELLED
    assert cancelled.registration.cancelled_at == NOW + timedelta(hours=1)
    twice = await service.cancel(event, who, channel="email", now=NOW + timedelta(hours=2))
    assert twice.outcome is Outcome.NOT_REGISTERED
    again = await service.signup(event, form(1), channel="email", now=NOW + timedelta(hours=3))
    assert again.outcome is Outcome.REGISTERED
    assert again.registration and first.registration
    assert again.registration.id != first.registration.id
    assert await count(db, Registration) == 2  # the cancelled one is kept as history
    assert await count(db, Registration, status="cancelled") == 1


async def test_email_given_in_chat_links_the_chat(
    service: RegistrationService, events: dict[str, Event], db: Database
) -> None:
    event = events[TEMADAG]
    by_mail = await service.signup(event, form(1), channel="email", now=NOW)
    assert by_mail.registration and by_mail.registration.chat is None
    # In chat the person gives the same address, typed differently.
    pid = await service.link(
        Identity(email=" Deltager1@EXAMPLE.dk ", chat=ChatId("telegram", "4242")),
        channel="telegram",
        now=NOW,
    )
    assert pid == by_mail.registration.participant_id
    mine = await service.registrations_of(Identity(chat=ChatId("telegram", "4242")), now=NOW)
    assert [r.id for r in mine] == [by_mail.registration.id]
    assert mine[0].chat == ChatId("telegram", "4242")
    # Cancelling in chat, known only by the Telegram id, cancels the e-mail signup.
    result = await service.cancel(
        event, Identity(chat=ChatId("telegram", "4242")), channel="telegram", now=NOW
    )
    assert result.outcome is Outcome.CANCELLED
    assert result.registration and result.registration.id == by_mail.registration.id
    assert await count(db, Participant) == 1
    assert await count(db, ParticipantIdentity) == 2


async def test_signup_in_chat_with_known_email_is_one_person(
    service: RegistrationService, events: dict[str, Event], db: Database
) -> None:
    first = make_event("forste-dag")
    second = make_event("anden-dag")
    events.update({first.id: first, second.id: second})
    a = await service.signup(first, form(1), channel="email", now=NOW)
    b = await service.signup(
        second, form(1), channel="telegram", chat=ChatId("telegram", "99"), now=NOW
    )
    assert a.registration and b.registration
    assert a.registration.participant_id == b.registration.participant_id
    assert b.registration.chat == ChatId("telegram", "99")
    mine = await service.registrations_of(Identity(chat=ChatId("telegram", "99")), now=NOW)
    assert {r.event_slug for r in mine} == {first.id, second.id}


async def test_two_records_of_one_person_are_merged_without_double_seats(
    service: RegistrationService, events: dict[str, Event], db: Database
) -> None:
    event = make_event("fuld-dag", capacity=2)
    other = make_event("anden-dag")
    events.update({event.id: event, other.id: other})
    # Known in chat with one address, and by e-mail with another: two records so far.
    await service.signup(
        event, form("chat"), channel="telegram", chat=ChatId("telegram", "5"), now=NOW
    )
    await service.signup(
        other, form("chat"), channel="telegram", chat=ChatId("telegram", "5"), now=NOW
    )
    await service.signup(event, form("mail"), channel="email", now=NOW)
    waiting = await service.signup(event, form(3), channel="email", now=NOW)
    assert waiting.outcome is Outcome.WAITLISTED
    assert await count(db, Participant) == 3
    # Then the chat user gives the second address: both records are one person.
    pid = await service.link(
        Identity(email="deltagermail@example.dk", chat=ChatId("telegram", "5")),
        channel="telegram",
        now=NOW,
    )
    mine = await service.registrations_of(Identity(chat=ChatId("telegram", "5")), now=NOW)
    assert {r.event_slug for r in mine} == {event.id, other.id}
    assert all(r.participant_id == pid for r in mine)
    # One of the two seats was a duplicate; it went to the first person waiting.
    everyone = await service.event_registrations(event.id)
    assert [(r.name, r.status.value) for r in everyone] == [
        ("Deltager chat", "registered"),
        ("Deltager 3", "registered"),
    ]
    actions = [a.action for a in await service.audit_trail(event.id)]
    assert "merged_duplicate" in actions and "promoted" in actions


async def test_session_choice_is_required_and_checked_when_chosen_at_signup(
    service: RegistrationService, events: dict[str, Event], db: Database
) -> None:
    event = events[VISIONSDAG]  # choose_session: at_signup, sessions 1-3, no deadline
    when = event.start - timedelta(days=10)
    with pytest.raises(InvalidSignup) as missing:
        await service.signup(event, form(1), channel="email", now=when)
    assert [p.field for p in missing.value.problems] == ["session"]
    assert "Den gode alderdom" in missing.value.problems[0].message
    with pytest.raises(InvalidSignup) as unknown:
        await service.signup(event, form(1, session="7"), channel="email", now=when)
    assert "7" in unknown.value.problems[0].message
    result = await service.signup(event, form(1, session=" 2 "), channel="email", now=when)
    assert result.outcome is Outcome.REGISTERED
    assert result.registration and result.registration.session_key == "2"
    assert await count(db, Registration) == 1


async def test_session_on_the_day_and_missing_fields_are_refused(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = make_event(
        "paa-dagen", sessions=[{"key": "A", "title": "Værksted"}], choose_session="on_the_day"
    )
    with pytest.raises(InvalidSignup) as on_the_day:
        await service.signup(event, form(1, session="A"), channel="email", now=NOW)
    assert on_the_day.value.problems[0].field == "session"
    with pytest.raises(InvalidSignup) as empty:
        await service.signup(event, SignupForm("", "ikke en adresse", " "), channel="cli", now=NOW)
    fields = {p.field: p.message for p in empty.value.problems}
    assert set(fields) == {"name", "email", "organisation"}
    assert fields["name"] == "Skriv venligst dit navn."
    assert "ikke en adresse" in fields["email"]


async def test_session_capacity_keeps_a_waiting_list_per_session(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = make_event(
        "vaerksteder",
        capacity=10,
        choose_session="at_signup",
        sessions=[
            {"key": "1", "kind": "workshop", "title": "Tegnsprog", "capacity": 1},
            {"key": "2", "kind": "workshop", "title": "Frivillige"},
        ],
    )
    events[event.id] = event
    first = await service.signup(event, form(1, session="1"), channel="email", now=NOW)
    waits = await service.signup(event, form(2, session="1"), channel="email", now=NOW)
    other = await service.signup(event, form(3, session="2"), channel="email", now=NOW)
    assert [first.outcome, waits.outcome, other.outcome] == [
        Outcome.REGISTERED,
        Outcome.WAITLISTED,
        Outcome.REGISTERED,
    ]
    # A seat in workshop 2 is no use to someone waiting for workshop 1.
    freed = await service.cancel(
        event, Identity(email="deltager3@example.dk"), channel="email", now=NOW
    )
    assert freed.promoted == ()
    freed = await service.cancel(
        event, Identity(email="deltager1@example.dk"), channel="email", now=NOW
    )
    assert [p.name for p in freed.promoted] == ["Deltager 2"]


async def test_waiting_list_order_and_promotion_is_reported(
    service: RegistrationService, small: Event
) -> None:
    results = [
        await service.signup(
            small, form(i), channel="telegram", chat=ChatId("telegram", str(1000 + i)), now=NOW
        )
        for i in range(5)
    ]
    assert [r.outcome for r in results] == [Outcome.REGISTERED] * 2 + [Outcome.WAITLISTED] * 3
    assert [r.registration.position for r in results if r.registration] == [None, None, 1, 2, 3]
    cancel = await service.cancel(
        small,
        Identity(chat=ChatId("telegram", "1001")),
        channel="telegram",
        now=NOW + timedelta(days=1),
    )
    assert cancel.outcome is Outcome.CANCELLED
    (promoted,) = cancel.promoted
    # Everything a channel needs to tell the promoted person.
    assert (promoted.name, promoted.chat, promoted.email) == (
        "Deltager 2",
        ChatId("telegram", "1002"),
        "deltager2@example.dk",
    )
    assert promoted.status is RegistrationStatus.REGISTERED and promoted.lang == "da"
    positions = {
        r.name: r.position for r in await service.event_registrations(small.id) if r.position
    }
    assert positions == {"Deltager 3": 1, "Deltager 4": 2}
    # Leaving the waiting list frees no seat and promotes nobody.
    left = await service.cancel(
        small, Identity(chat=ChatId("telegram", "1003")), channel="telegram", now=NOW
    )
    assert left.outcome is Outcome.CANCELLED and left.promoted == ()
    positions = {
        r.name: r.position for r in await service.event_registrations(small.id) if r.position
    }
    assert positions == {"Deltager 4": 1}


async def test_no_promotion_once_the_event_has_begun(
    service: RegistrationService, small: Event
) -> None:
    for i in range(3):
        await service.signup(small, form(i), channel="email", now=NOW)
    late = small.start + timedelta(minutes=5)
    result = await service.cancel(
        small, Identity(email="deltager0@example.dk"), channel="email", now=late
    )
    assert result.outcome is Outcome.CANCELLED and result.promoted == ()


async def test_raised_capacity_goes_to_the_waiting_list_first(
    service: RegistrationService, small: Event, events: dict[str, Event]
) -> None:
    for i in range(4):
        await service.signup(small, form(i), channel="email", now=NOW)
    bigger = small.model_copy(
        update={"registration": small.registration.model_copy(update={"capacity": 3})}  # type: ignore[union-attr]
    )
    events[small.id] = bigger
    # The newcomer does not jump the queue: the first waiting person gets the new seat.
    result = await service.signup(bigger, form(9), channel="email", now=NOW)
    assert [p.name for p in result.promoted] == ["Deltager 2"]
    assert result.outcome is Outcome.WAITLISTED
    assert result.registration and result.registration.position == 2


async def test_closed_signup_is_full(service: RegistrationService) -> None:
    closed = make_event("lukket", open_=False)
    result = await service.signup(closed, form(1), channel="email", now=NOW)
    assert result.outcome is Outcome.FULL and result.registration is None


async def test_my_registrations(
    service: RegistrationService, events: dict[str, Event], small: Event
) -> None:
    past = make_event("sidste-aar", start="2024-01-10 10:00", end="2024-01-10 15:00", deadline=None)
    events[past.id] = past
    await service.signup(past, form(9), channel="email", now=NOW - timedelta(days=90))
    for i in range(2):
        await service.signup(small, form(i), channel="email", now=NOW)
    await service.signup(small, form(9), channel="email", now=NOW)
    await service.signup(events[TEMADAG], form(9), channel="email", now=NOW)
    who = Identity(email="deltager9@example.dk")
    mine = await service.registrations_of(who, now=NOW)
    assert [(r.event_slug, r.status.value, r.position) for r in mine] == [
        (small.id, "waitlisted", 1),
        (TEMADAG, "registered", None),
    ]
    with_past = await service.registrations_of(who, now=NOW, include_past=True)
    assert [r.event_slug for r in with_past] == [past.id, small.id, TEMADAG]
    await service.cancel(small, who, channel="email", now=NOW)
    assert [r.event_slug for r in await service.registrations_of(who, now=NOW)] == [TEMADAG]
    assert await service.registrations_of(Identity(chat=ChatId("telegram", "1")), now=NOW) == []


async def test_audit_trail_records_who_how_and_when(
    service: RegistrationService, small: Event
) -> None:
    await service.signup(small, form(1), channel="email", now=NOW)
    await service.signup(small, form(2), channel="telegram", chat=ChatId("telegram", "2"), now=NOW)
    waiting = await service.signup(small, form(3), channel="email", now=NOW)
    later = NOW + timedelta(days=2)
    await service.cancel(
        small,
        Identity(email="deltager1@example.dk"),
        channel="staff",
        now=later,
        actor="staff:lene",
    )
    trail = await service.audit_trail(small.id)
    assert [(a.action, a.old_status, a.new_status, a.channel, a.actor) for a in trail] == [
        ("signed_up", None, "registered", "email", f"participant:{trail[0].participant_id}"),
        ("signed_up", None, "registered", "telegram", f"participant:{trail[1].participant_id}"),
        ("signed_up", None, "waitlisted", "email", f"participant:{trail[2].participant_id}"),
        ("cancelled", "registered", "cancelled", "staff", "staff:lene"),
        ("promoted", "waitlisted", "registered", "staff", "system"),
    ]
    assert [a.at for a in trail] == [NOW, NOW, NOW, later, later]
    assert waiting.registration
    assert [
        a.action for a in await service.audit_trail(registration_id=waiting.registration.id)
    ] == [
        "signed_up",
        "promoted",
    ]


async def test_database_refuses_a_second_active_registration(
    service: RegistrationService, small: Event, db: Database
) -> None:
    result = await service.signup(small, form(1), channel="email", now=NOW)
    assert result.registration
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(
                Registration(
                    event_slug=small.id,
                    participant_id=result.registration.participant_id,
                    status="waitlisted",
                    queue_no=99,
                    name="x",
                    email="x@example.dk",
                    organisation="x",
                    lang="da",
                    channel="cli",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )


async def test_bad_channel_name_and_naive_times(service: RegistrationService, small: Event) -> None:
    for bad in ("", "SMS", "sms gateway", "a-channel-name-too-long"):
        with pytest.raises(ValueError, match="bad channel name"):
            await service.signup(small, form(1), channel=bad, now=NOW)
    # A naive time is Copenhagen wall time, as everywhere in the bot.
    result = await service.signup(small, form(1), channel="cli", now=NOW.replace(tzinfo=None))
    assert result.registration and result.registration.created_at == NOW
