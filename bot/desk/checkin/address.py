"""The address of an event's check-in page: the event's id, nothing personal."""

from __future__ import annotations

from bot.desk.events import event_path

CHECKIN = "tjek-ind"
CERTIFICATE = "kursusbevis"


def checkin_path(slug: str) -> str:
    return f"{event_path(slug)}/{CHECKIN}"


def certificate_path(slug: str) -> str:
    return f"{checkin_path(slug)}/{CERTIFICATE}"
