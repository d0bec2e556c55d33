"""The signup deadline is kept in Copenhagen time, whatever zone the clock reports in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clock import TZ
from bot.knowledge.schema import Event
from bot.registrations import Outcome, RegistrationService, SignupForm, message_for
from bot.registrations.rules import deadline_passed
from tests.registrations.events import make_event

UTC = ZoneInfo("UTC")
TEMADAG = "handicapraad-temadag-2024"  # deadline: 2024-04-12 (a bare date)


def anna() -> SignupForm:
    return SignupForm("Anna Hansen", "anna@example.dk", "Handicaprådet i Aalborg")


async def test_last_minute_of_the_deadline_day_counts(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = events[TEMADAG]
    just_before = datetime(2024, 4, 12, 23, 59, 59, tzinfo=TZ)
    result = await service.signup(event, anna(), channel="email", now=just_before)
    assert result.outcome is Outcome.REGISTERED


async def test_midnight_after_the_deadline_day_is_too_late_and_says_when(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = events[TEMADAG]
    midnight = datetime(2024, 4, 13, 0, 0, tzinfo=TZ)
    result = await service.signup(event, anna(), channel="email", now=midnight)
    assert result.outcome is Outcome.DEADLINE_PASSED
    assert result.registration is None
    assert result.deadline == datetime(2024, 4, 12, 23, 59, 59, 999999, tzinfo=TZ)
    da = message_for(result, event, lang="da").text
    assert "fredag den 12. april 2024" in da and "Fristen for tilmelding" in da
    en = message_for(result, event, lang="en").text
    assert "Friday 12 April 2024" in en
    assert "rammeaftalesekretariat@aalborg.dk" in da  # whom to ask instead


async def test_a_utc_clock_is_read_in_copenhagen_time(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = events[TEMADAG]
    # 21:30 UTC is 23:30 in Copenhagen (summer time): still the deadline day.
    ok = await service.signup(
        event, anna(), channel="email", now=datetime(2024, 4, 12, 21, 30, tzinfo=UTC)
    )
    assert ok.outcome is Outcome.REGISTERED
    # 22:30 UTC is 00:30 the next day in Copenhagen, though still the 12th in UTC.
    late = SignupForm("Bo Jensen", "bo@example.dk", "Ældrerådet")
    too_late = await service.signup(
        event, late, channel="email", now=datetime(2024, 4, 12, 22, 30, tzinfo=UTC)
    )
    assert too_late.outcome is Outcome.DEADLINE_PASSED


@pytest.mark.parametrize(
    ("deadline", "utc_now", "passed"),
    [
        # The night summer time ends (27 October 2024 has 25 hours): the day ends 23:00 UTC.
        ("2024-10-27", datetime(2024, 10, 27, 22, 59, 59), False),
        ("2024-10-27", datetime(2024, 10, 27, 23, 0, 0), True),
        # The day summer time starts: noon in Copenhagen is 10:00 UTC, not 11:00.
        ("2024-03-31 12:00", datetime(2024, 3, 31, 10, 0, 0), False),
        ("2024-03-31 12:00", datetime(2024, 3, 31, 10, 0, 1), True),
    ],
)
def test_deadline_across_summer_time_changes(
    deadline: str, utc_now: datetime, passed: bool
) -> None:
    event = make_event("dst", deadline=deadline, start="2024-11-20 10:00", end="2024-11-20 15:00")
    assert deadline_passed(event, utc_now.replace(tzinfo=UTC)) is passed


async def test_deadline_with_a_time_across_summer_time_on_the_database(
    service: RegistrationService,
) -> None:
    event = make_event(
        "dst", deadline="2024-03-31 12:00", start="2024-11-20 10:00", end="2024-11-20 15:00"
    )
    late = await service.signup(
        event, anna(), channel="email", now=datetime(2024, 3, 31, 10, 30, tzinfo=UTC)
    )
    assert late.outcome is Outcome.DEADLINE_PASSED
    assert "søndag den 31. marts 2024 kl. 12.00" in message_for(late, event, lang="da").text


async def test_without_a_deadline_signup_closes_when_the_event_begins(
    service: RegistrationService,
) -> None:
    event = make_event("ingen-frist", deadline=None)
    early = await service.signup(event, anna(), channel="email", now=event.start)
    assert early.outcome is Outcome.REGISTERED
    later = SignupForm("Bo Jensen", "bo@example.dk", "Ældrerådet")
    begun = await service.signup(event, later, channel="email", now=event.start.replace(minute=1))
    assert begun.outcome is Outcome.DEADLINE_PASSED
    assert "allerede begyndt" in message_for(begun, event, lang="da").text


async def test_already_registered_is_said_even_after_the_deadline(
    service: RegistrationService, events: dict[str, Event]
) -> None:
    event = events[TEMADAG]
    await service.signup(event, anna(), channel="email", now=datetime(2024, 4, 1, tzinfo=TZ))
    after = await service.signup(
        event, anna(), channel="email", now=datetime(2024, 5, 1, tzinfo=TZ)
    )
    assert after.outcome is Outcome.ALREADY_REGISTERED
