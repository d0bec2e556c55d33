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
