"""The queue of cases: take, answer, close, teach; new cases appear without reloading

``/desk/sager``
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.desk.kit import Desk


def routes(desk: Desk) -> list[BaseRoute]:
    return []
