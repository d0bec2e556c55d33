"""What the registration service answers: an outcome, and plain snapshots of registrations.

``Outcome`` is a contract shared with the channels (they build on its names). Snapshots are
detached from the database session, so channels can keep and use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.registrations.identity import ChatId
from bot.registrations.models import RegistrationStatus


class Outcome(StrEnum):
    """The result of a signup or a cancellation."""

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    ALREADY_REGISTERED = "already_registered"
    DEADLINE_PASSED = "deadline_passed"
    FULL = "full"  # signup is closed: no seat and no waiting list to be had
    CANCELLED = "cancelled"
    NOT_REGISTERED = "not_registered"
    UPDATED = "updated"  # a registered person's needs or companions changed


@dataclass(frozen=True)
class RegistrationInfo:
    """One registration as it stands, with what a channel needs to reach the person."""

    id: int
    event_slug: str
    participant_id: int
    status: RegistrationStatus
    # Place on the waiting list (1 = next to get a seat); None unless waitlisted.
    position: int | None
    name: str
    email: str
    organisation: str
    session_key: str | None
    needs: str | None
    lang: str
    channel: str
    # The person's chat, to reach them there (the one linked last, if several); None if none.
    chat: ChatId | None
    created_at: datetime
    cancelled_at: datetime | None
    # The kinds of need on record (``bot.registrations.needs.NEED_KINDS``, in that order), and
    # the companions who come along, one seat each: a name, or None.
    need_kinds: tuple[str, ...] = ()
    companions: tuple[str | None, ...] = ()
    # The code the person shows at the door (``bot.attendance``); None without a seat.
    checkin_code: str | None = None


@dataclass(frozen=True)
class Result:
    """What happened, the registration concerned, and anyone promoted from the waiting list."""

    outcome: Outcome
    event_slug: str
    registration: RegistrationInfo | None = None
    # People who got a seat because of this change; the service has told them (see promotions).
    promoted: tuple[RegistrationInfo, ...] = ()
    # For DEADLINE_PASSED: the moment signup closed.
    deadline: datetime | None = None


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit trail, as the secretariat reads it."""

    at: datetime
    registration_id: int
    event_slug: str
    participant_id: int
    action: str
    old_status: str | None
    new_status: str
    channel: str
    actor: str
    note: str | None


@dataclass(frozen=True)
class EventCounts:
    """How many are registered, waiting and cancelled for one event."""

    event_slug: str
    registered: int
    waitlisted: int
    cancelled: int
    # Active registrations (registered or waiting) whose person gave needs to arrange for.
    with_needs: int = 0


class MoveUpOutcome(StrEnum):
    """What came of moving a chosen person up from the waiting list (staff's decision)."""

    MOVED_UP = "moved_up"  # a seat was free, and they have it
    EXTRA_SEAT = "extra_seat"  # no seat was free; staff gave one beyond the capacity
    NO_SEAT = "no_seat"  # no seat is free, and no extra seat was asked for: nothing done
    NOT_WAITING = "not_waiting"  # not (or no longer) on this event's waiting list
    ENDED = "ended"  # the event is over: the records stay as they were


@dataclass(frozen=True)
class MoveUp:
    """The outcome of a move-up, the registration as it stands, and the seats counted.

    ``capacity`` and ``taken`` are of what was full: the chosen session when it has its own
    limit and that was full (``session_key``), else the whole event.
    """

    outcome: MoveUpOutcome
    registration: RegistrationInfo | None = None
    capacity: int | None = None
    taken: int = 0
    session_key: str | None = None
