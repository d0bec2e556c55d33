"""What a supervisor asks of the running bot: ``/healthz``, ``/readyz`` and ``/metrics``.

- ``/healthz``: the process answers (200, always, while the web server runs).
- ``/readyz``: 200 when every part the settings turn on works: the database answers, the
  knowledge is loaded, and the mailbox, Telegram and SMTP are reachable as their channels last
  found them (``bot.status.Health``); else 503. The body says each part's state, in JSON, and
  nothing about any person, so a load balancer or ``docker compose`` can show it as it is.
- ``/metrics``: Prometheus' text format (``bot.metrics``): what this process counted, and the
  gauges read from the database at the scrape (the same for every instance).

These addresses carry no session and are not for participants; the reverse proxy may keep them
to the internal network (see README, "Drift").
"""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.metrics import scrape
from bot.services import Services
from bot.status import CONNECTED, NOT_CONFIGURED

log = logging.getLogger(__name__)

# A database that has not answered in this long is not ready.
DATABASE_TIMEOUT_SECONDS = 3.0


async def _database(services: Services) -> str:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), services.db.session() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("readyz: the database did not answer (%s)", type(exc).__name__)
        return "unreachable"
    return CONNECTED


async def readiness(services: Services) -> dict[str, str]:
    """Each part's state: ``connected``/``loaded`` when good, ``not configured`` when off."""
    health = services.health
    settings = services.settings
    return {
        "database": await _database(services),
        "knowledge": "loaded" if services.kb is not None else "missing",
        "mailbox": health.mailbox if settings.imap_host else NOT_CONFIGURED,
        "telegram": health.telegram if settings.telegram_token else NOT_CONFIGURED,
        "smtp": health.smtp if settings.smtp_host else NOT_CONFIGURED,
    }


GOOD = {CONNECTED, "loaded", NOT_CONFIGURED}


def health_routes(services: Services) -> list[BaseRoute]:
    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok\n", headers={"Cache-Control": "no-store"})

    async def readyz(request: Request) -> Response:
        parts = await readiness(services)
        ready = all(state in GOOD for state in parts.values())
        return JSONResponse(
            # "leader": whether this instance runs the mailbox, Telegram and the jobs.
            {"ready": ready, **parts, "leader": services.health.leading},
            status_code=200 if ready else 503,
            headers={"Cache-Control": "no-store"},
        )

    async def metrics(request: Request) -> Response:
        return Response(
            await scrape(services),
            media_type=CONTENT_TYPE_LATEST,
            headers={"Cache-Control": "no-store"},
        )

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
