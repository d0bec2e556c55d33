"""When the reminders fall: working days and Copenhagen wall-clock time.

A reminder's moment is a calendar day and a time of day in Europe/Copenhagen, turned into an
instant only at the end (``bot.clock.at``), so "09:00" is 09:00 on the wall clock in summer and
in winter, also in the week the clocks change. Instants are compared in UTC: Python compares two
datetimes with the same tzinfo by their wall-clock fields, which is wrong in the repeated hour
of October.

Working days are Monday to Friday except Danish public holidays (the ``holidays`` package, kept
up to date upstream: Easter, Ascension, Whitsun and Christmas move or change, as Store Bededag
did in 2024). "Two working days before" a Monday is the Thursday before; a holiday in between
moves it one day further back.

A reminder is never at or after the event's start; one whose moment passed while the bot was
down is still due until the event starts (see :func:`latest_due`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import holidays

from bot.clock import TZ, at
from bot.knowledge.schema import Event
from bot.settings import Settings

BEFORE, DAY = "before", "day"


@dataclass(frozen=True)
class ReminderPlan:
    """Which reminders a participant gets, from the settings."""

    working_days_before: int = 2
    before_time: time = time(9, 0)
    same_day: bool = True
    day_time: time = time(7, 30)

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderPlan:
        return cls(
            working_days_before=settings.reminder_working_days_before,
            before_time=settings.reminder_time,
            same_day=settings.reminder_same_day,
            day_time=settings.reminder_same_day_time,
        )


@dataclass(frozen=True)
class Moment:
    """One reminder: which (``before`` or ``day``) and when (aware, Copenhagen time)."""

    which: str
    when: datetime


@cache
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Danish public holiday."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The day ``count`` working days before ``day`` (``day`` itself is not counted)."""
    found = 0
    while found < count:
        day -= timedelta(days=1)
        if is_working_day(day):
            found += 1
    return day


def reminder_moments(event: Event, plan: ReminderPlan) -> list[Moment]:
    """The event's reminders in time order; none at or after its start."""
    day = event.start.astimezone(TZ).date()
    moments: list[Moment] = []
    if plan.working_days_before > 0:
        before = working_days_before(day, plan.working_days_before)
        moments.append(Moment(BEFORE, at(before, plan.before_time)))
    if plan.same_day:
        moments.append(Moment(DAY, at(day, plan.day_time)))
    start = utc(event.start)
    return [m for m in moments if utc(m.when) < start]


def latest_due(moments: list[Moment], now: datetime) -> Moment | None:
    """The last reminder whose moment has come by ``now``.

    Only the last: after a long stop of the bot a participant gets the most recent reminder,
    not every one missed. The caller checks that the event has not started.
    """
    due = [m for m in moments if utc(m.when) <= utc(now)]
    return due[-1] if due else None


def utc(value: datetime) -> datetime:
    """The same instant in UTC, for comparing (see the module docstring)."""
    return value.astimezone(UTC)
