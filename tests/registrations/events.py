"""Events for the registration tests, built through the real knowledge schema."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.clock import TZ
from bot.knowledge.schema import Event

# Well before the synthetic events' deadline (2024-05-01) and start (2024-05-31).
NOW = datetime(2024, 4, 1, 10, 0, tzinfo=TZ)


def make_event(
    slug: str,
    *,
    capacity: int | None = None,
    deadline: str | None = "2024-05-01",
    start: str = "2024-05-31 11:00",
    end: str = "2024-05-31 14:30",
    sessions: list[dict[str, Any]] | None = None,
    choose_session: str | None = None,
    open_: bool = True,
) -> Event:
    """A one-day event in Aalborg with the given signup rules."""
    registration: dict[str, Any] = {"open": open_}
    if capacity is not None:
        registration["capacity"] = capacity
    if deadline is not None:
        registration["deadline"] = deadline
    if sessions is not None:
        registration["sessions"] = sessions
    if choose_session is not None:
        registration["choose_session"] = choose_session
    return Event.model_validate(
        {
            "id": slug,
            "kind": "event",
            "source": {"file": "test.txt"},
            "title": f"Testdag {slug}",
            "organiser": "Testsekretariatet",
            "start": start,
            "end": end,
            "venue": {"name": "Aalborg Kongres & Kultur Center", "address": "Europa Plads 4"},
            "registration": registration,
            "contacts": [{"name": "Sekretariatet", "emails": ["sekretariat@example.dk"]}],
        }
    )
