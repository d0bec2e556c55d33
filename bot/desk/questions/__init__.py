"""What the bot could not answer: escalated questions grouped per event, and the shares answered

``/desk/spoergsmaal``
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.desk.kit import Desk


def routes(desk: Desk) -> list[BaseRoute]:
    return []
