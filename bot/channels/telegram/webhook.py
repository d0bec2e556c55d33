"""Telegram's webhook, received by every instance: each update is written to the journal.

With ``BOT_TELEGRAM_WEBHOOK_URL`` set, Telegram posts updates to that address; behind a load
balancer any instance may get any update. Each instance listens on
``BOT_TELEGRAM_WEBHOOK_LISTEN``:``BOT_TELEGRAM_WEBHOOK_PORT`` at ``/BOT_TELEGRAM_WEBHOOK_PATH``,
checks Telegram's secret token, writes the update to the journal and answers 200 only once it is
stored: until then Telegram keeps it and tries again, so an instance dying loses nothing. The
leader handles the journal's updates in order per chat (``app.feed``), so updates spread over
instances keep each chat's order, and a repeat of an update Telegram sent twice is handled once.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

from bot.channels.telegram.journal import Journal

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# Telegram's updates are small; a larger body is not one.
MAX_BODY = 1_000_000
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def receiver(services: Services) -> Starlette:
    """The ASGI application taking Telegram's posts into the journal."""
    settings = services.settings
    secret = settings.telegram_webhook_secret
    expected = secret.get_secret_value().encode() if secret else None
    journal = Journal(services.db, services.clock)

    async def take(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if expected is not None and not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        try:
            update = Update.de_json(json.loads(body), None)
        except (ValueError, TypeError, KeyError):
            return Response(status_code=400)
        try:
            await journal.keep([update])
        except (SQLAlchemyError, OSError) as exc:
            log.warning(
                "telegram webhook: update not stored (%s); Telegram will send it again", exc
            )
            return Response(status_code=503)
        return Response(status_code=200)

    path = "/" + settings.telegram_webhook_path.strip("/")
    return Starlette(routes=[Route(path, take, methods=["POST"])])


async def receive(services: Services, stop: asyncio.Event) -> None:
    """Take Telegram's webhook posts until ``stop``, when a webhook is configured."""
    from bot.web.app import serve_app

    settings = services.settings
    if not settings.telegram_webhook_url:
        return
    log.info("telegram: taking webhook updates on port %d", settings.telegram_webhook_port)
    await serve_app(
        receiver(services), settings.telegram_webhook_listen, settings.telegram_webhook_port, stop
    )
