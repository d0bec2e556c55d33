"""Telegram as a channel of the bot: on when ``BOT_TELEGRAM_TOKEN`` is set."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.channels.registry import ChannelSpec
from bot.delivery import ChatCourier
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.services import Services

NAME = "telegram"


async def serve(services: Services, stop: asyncio.Event) -> None:
    from bot.channels.telegram.app import serve as serve_telegram

    await serve_telegram(services, stop)


async def receive(services: Services, stop: asyncio.Event) -> None:
    from bot.channels.telegram.webhook import receive as receive_webhook

    await receive_webhook(services, stop)


CHANNEL = ChannelSpec(
    name=NAME,
    label=N_("Telegram"),
    settings=(
        "telegram_token",
        "telegram_bot_username",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "staff_chat_id",
    ),
    enabled=lambda settings: settings.telegram_token is not None,
    courier=lambda services: ChatCourier(services.db, NAME),
    serve=serve,
    once=True,  # Telegram gives updates to one getUpdates caller at a time
    everywhere=receive,  # a webhook's posts may come to any instance
)
