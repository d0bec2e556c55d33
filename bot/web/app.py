"""The bot's one ASGI application (Starlette), and serving it with uvicorn beside the rest.

``build_app`` puts together what every page shares (security headers, the body size limit,
error pages in the person's language, static files), the supervisor's addresses (``/healthz``,
``/readyz``, ``/metrics``), the web chat's routes and the staff desk's (under /desk, with a
session of its own that the chat's cookie never opens).
``serve_app`` runs it with uvicorn inside the bot's asyncio program until the stop event,
leaving signals to ``python -m bot run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount

from bot.channels.web.chat import WebChat
from bot.channels.web.routes import ChatRoutes
from bot.desk.cookies import desk_cookie
from bot.desk.kit import Desk
from bot.desk.knowledge import larger_bodies
from bot.i18n import normalise_lang
from bot.services import Services
from bot.web.headers import SecurityHeaders
from bot.web.health import health_routes
from bot.web.limits import BodyLimit
from bot.web.pages import Pages, error_handlers
from bot.web.secret import signing_key
from bot.web.sessions import SessionKeys

log = logging.getLogger(__name__)


def build_app(services: Services, chat: WebChat) -> Starlette:
    """The application: the web chat's pages and API and the staff desk, with the shared
    protections. The desk's shared parts are kept in ``app.state.desk``."""
    from bot.channels.web import routes as chat_routes
    from bot.desk import routes as desk_routes

    settings = services.settings
    pages = Pages(
        [chat_routes.TEMPLATES, desk_routes.TEMPLATES],
        {"chat": chat_routes.STATIC, "desk": desk_routes.STATIC},
    )
    key = signing_key(settings)
    keys = SessionKeys(key, embeddable=bool(settings.web_allowed_origins))
    desk = Desk(services, desk_cookie(key), pages)
    routes: list[BaseRoute] = [
        *health_routes(services),
        *ChatRoutes(chat, keys, pages).routes(),
        *desk_routes.desk_routes(desk),
    ]
    routes += [Mount(f"/static/{area}", app=files) for area, files in pages.static_files().items()]
    lang = normalise_lang(settings.default_language)
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, allowed_origins=settings.web_allowed_origins),
            Middleware(
                BodyLimit,
                max_bytes=settings.web_max_body_bytes,
                page=lambda: pages.error(413, lang),
                # The desk's invitation upload and draft form take more than a chat message.
                larger=larger_bodies(desk),
            ),
        ],
        exception_handlers=error_handlers(pages, lang),
    )
    app.state.desk = desk
    return app


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: the bot's run command stops everything."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def serve_app(app: Starlette, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve ``app`` on host:port until ``stop`` is set (RuntimeError if it cannot listen)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        # The access log would hold client addresses; the bot logs what it needs itself.
        access_log=False,
        log_level="warning",
        # Behind the reverse proxy on this machine: the client's address and https from it.
        proxy_headers=True,
        timeout_graceful_shutdown=5,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([task, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        server.should_exit = True
        try:
            await task
        except SystemExit as exc:  # uvicorn exits when it cannot bind the port
            raise RuntimeError(f"web: could not listen on {host}:{port}") from exc
    if not stop.is_set():
        raise RuntimeError(f"web: the server on {host}:{port} stopped by itself")
