"""Events, upcoming and past, with their numbers (``/desk/arrangementer``)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.desk.kit import Desk


def routes(desk: Desk) -> list[BaseRoute]:
    return []
