"""The events' knowledge as pages and forms: draft from an invitation, edit, try, publish

``/desk/viden``
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.desk.kit import Desk


def routes(desk: Desk) -> list[BaseRoute]:
    return []
