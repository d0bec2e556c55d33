"""Time zone and clock helpers: everything the bot says about time is in Europe/Copenhagen."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Copenhagen")


def now() -> datetime:
    """The current time, aware, in Copenhagen."""
    return datetime.now(TZ)


def localize(value: datetime) -> datetime:
    """Make a datetime aware in Copenhagen time; naive values are read as Copenhagen wall time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=TZ)
    return value.astimezone(TZ)


def at(day: date, clock: time) -> datetime:
    """Combine a calendar day and a wall-clock time in Copenhagen."""
    return datetime.combine(day, clock, tzinfo=TZ)


def parse_aware(text: str) -> datetime:
    """Parse an ISO-8601 timestamp; without an offset it is Copenhagen wall time."""
    return localize(datetime.fromisoformat(text.strip()))
