"""The web chat as a channel: declared for the registry, and served with its outbox sender.

Enabled by ``BOT_WEB_PORT``. Its courier queues what the bot says on its own initiative (a
staff member's answer, a notice) in ``chat_outbox`` like every chat channel; its sender takes
each such row and adds it to that web chat's transcript, which wakes the page if it is open,
and shows it on the next visit if not.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.channels.registry import ChannelSpec
from bot.delivery import ChatCourier
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.delivery import Courier
    from bot.services import Services
    from bot.settings import Settings

NAME = "web"


def _enabled(settings: Settings) -> bool:
    return settings.web_port is not None


def _courier(services: Services) -> Courier:
    return ChatCourier(services.db, NAME)


async def serve(services: Services, stop: asyncio.Event) -> None:
    """The web server and the web chat's outbox sender, until ``stop`` is set."""
    from bot.channels.web.chat import WebChat
    from bot.channels.web.transcript import Transcript
    from bot.delivery.sender import ChatOutboxSender
    from bot.web.app import build_app, serve_app

    settings = services.settings
    assert settings.web_port is not None
    transcript = Transcript(services.db)
    chat = WebChat(services, transcript)
    sender = ChatOutboxSender(services.db, NAME, chat.relay, send_choices=chat.relay_choices)
    app = build_app(services, chat)
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(serve_app(app, settings.web_host, settings.web_port, stop))
            group.create_task(sender.run(stop))
            await stop.wait()
            transcript.close()  # open pages' waits end, so the server stops at once
    finally:
        transcript.close()


CHANNEL = ChannelSpec(
    name=NAME,
    label=N_("web chat"),
    settings=(
        "web_port",
        "web_host",
        "web_secret",
        "web_allowed_origins",
        "web_public_url",
        "web_session_rate",
        "web_session_burst",
        "web_address_rate",
        "web_address_burst",
        "web_max_message_chars",
        "web_max_body_bytes",
    ),
    enabled=_enabled,
    courier=_courier,
    serve=serve,
    # A session id tells staff nothing (and is the chat's key): shown as a short tag.
    ids_mean_something=False,
)
