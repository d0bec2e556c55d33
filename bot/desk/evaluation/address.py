"""The address of an event's evaluation page: the event's id, nothing personal."""

from __future__ import annotations

from bot.desk.events import event_path

EVALUATION = "evaluering"


def evaluation_path(slug: str) -> str:
    return f"{event_path(slug)}/{EVALUATION}"
