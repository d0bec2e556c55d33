"""When reminders fall: working days with Danish holidays, Copenhagen wall-clock time across DST."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.clock import TZ, parse_aware
from bot.knowledge.schema import Event
from bot.reminders.schedule import (
    BEFORE,
    DAY,
    Moment,
    ReminderPlan,
    is_working_day,
    latest_due,
    reminder_moments,
    working_days_before,
)
from tests.registrations.events import make_event


def event_at(start: str, end: str | None = None) -> Event:
    day = start.split()[0]
    return make_event("dag", start=start, end=end or f"{day} 23:00", deadline=None)


def moments(event: Event, plan: ReminderPlan | None = None) -> list[tuple[str, str]]:
    return [(m.which, m.when.isoformat()) for m in reminder_moments(event, plan or ReminderPlan())]


def test_working_days_skip_weekends_and_danish_public_holidays() -> None:
    assert is_working_day(date(2024, 5, 8))  # a Wednesday
    assert not is_working_day(date(2024, 5, 11))  # Saturday
    assert not is_working_day(date(2024, 5, 9))  # Ascension Day
    assert not is_working_day(date(2024, 5, 20))  # Whit Monday
    assert not is_working_day(date(2024, 12, 25))
    assert not is_working_day(date(2024, 3, 28))  # Maundy Thursday
    # Store Bededag was abolished from 2024; it was a holiday in 2023.
    assert not is_working_day(date(2023, 5, 5)) and is_working_day(date(2024, 4, 26))

    assert working_days_before(date(2024, 6, 3), 2) == date(2024, 5, 30)  # Monday -> Thursday
    assert working_days_before(date(2024, 5, 13), 2) == date(2024, 5, 8)  # Ascension between
    assert working_days_before(date(2024, 5, 21), 2) == date(2024, 5, 16)  # Whit Monday between
    assert working_days_before(date(2024, 4, 2), 2) == date(2024, 3, 26)  # across Easter
    assert working_days_before(date(2024, 6, 5), 0) == date(2024, 6, 5)


def test_default_reminders_two_working_days_before_at_nine_and_the_morning_of_the_day() -> None:
    assert moments(event_at("2024-06-03 10:00")) == [
        (BEFORE, "2024-05-30T09:00:00+02:00"),
        (DAY, "2024-06-03T07:30:00+02:00"),
    ]


def test_nine_oclock_on_the_wall_clock_on_both_sides_of_the_change_of_time() -> None:
    # Summer time ends on Sunday 27 October 2024, begins on Sunday 30 March 2025.
    assert moments(event_at("2024-10-28 10:00")) == [
        (BEFORE, "2024-10-24T09:00:00+02:00"),
        (DAY, "2024-10-28T07:30:00+01:00"),
    ]
    assert moments(event_at("2025-03-31 10:00")) == [
        (BEFORE, "2025-03-27T09:00:00+01:00"),
        (DAY, "2025-03-31T07:30:00+02:00"),
    ]
    # An event on the Sunday of the change itself: 07:30 is after the change either way.
    assert moments(event_at("2024-10-27 10:00"))[1] == (DAY, "2024-10-27T07:30:00+01:00")


def test_never_after_the_start_and_settings_change_the_plan() -> None:
    early = event_at("2024-06-03 07:00")
    assert moments(early) == [(BEFORE, "2024-05-30T09:00:00+02:00")]  # 07:30 is too late
    plan = ReminderPlan(working_days_before=0, same_day=True, day_time=time(6, 0))
    assert moments(early, plan) == [(DAY, "2024-06-03T06:00:00+02:00")]
    plan = ReminderPlan(working_days_before=1, before_time=time(14, 15), same_day=False)
    assert moments(event_at("2024-06-03 10:00"), plan) == [(BEFORE, "2024-05-31T14:15:00+02:00")]


def test_the_latest_due_reminder_only() -> None:
    event = event_at("2024-06-03 10:00")
    plan = reminder_moments(event, ReminderPlan())
    before, day = plan
    assert latest_due(plan, before.when - timedelta(seconds=1)) is None
    assert latest_due(plan, before.when) == before
    assert latest_due(plan, day.when - timedelta(minutes=1)) == before
    # A bot that was down over both moments sends the day's reminder only.
    assert latest_due(plan, parse_aware("2024-06-03T09:59")) == day
    # Instants, not wall clocks: 07:30 winter time is 06:30 UTC; 07:00 UTC is past it.
    winter = reminder_moments(event_at("2024-10-28 10:00"), ReminderPlan())
    utc_now = parse_aware("2024-10-28T07:00:00+00:00")
    assert latest_due(winter, utc_now) == Moment(DAY, winter[1].when)
    assert winter[1].when.tzinfo is TZ
