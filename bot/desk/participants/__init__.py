"""The participants of one event: search, sign up on someone's behalf, cancel, move up, export

``/desk/arrangementer/<id>/...``
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.desk.kit import Desk


def routes(desk: Desk) -> list[BaseRoute]:
    return []
