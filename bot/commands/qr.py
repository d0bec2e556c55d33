"""Write a QR code (PNG) of the deep link that opens the Telegram chat on an event.

``python -m bot qr SLUG [--out FILE] [--bot USERNAME]`` prints the link
``https://t.me/<bot>?start=<slug>`` and writes its QR code, large and with a wide quiet zone,
for printing on the invitation. The bot's username comes from ``--bot``,
``BOT_TELEGRAM_BOT_USERNAME``, or else Telegram itself (getMe) with the configured token.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the event's identifier, e.g. handicapraad-temadag-2024")
    parser.add_argument("--out", type=Path, help="PNG file to write (default: SLUG.png)")
    parser.add_argument("--bot", help="the bot's Telegram username, without @")


def deep_link(username: str, slug: str) -> str:
    return f"https://t.me/{username.lstrip('@')}?start={slug}"


async def _username_from_telegram(token: str, base_url: str | None) -> str:
    from telegram import Bot

    bot = Bot(token, base_url=base_url) if base_url else Bot(token)
    async with bot:
        return bot.username


def run(args: argparse.Namespace) -> int:
    import segno

    from bot.knowledge import KnowledgeError, load_knowledge
    from bot.settings import Settings

    settings = Settings()
    try:
        kb = load_knowledge(settings.knowledge_dir)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    if kb.event(args.slug) is None:
        print(f"qr: unknown event {args.slug!r}; known: {', '.join(kb.events)}", file=sys.stderr)
        return 2
    username = args.bot or settings.telegram_bot_username
    if username is None and settings.telegram_token is not None:
        username = asyncio.run(
            _username_from_telegram(
                settings.telegram_token.get_secret_value(), settings.telegram_api_url
            )
        )
    if not username:
        print("qr: give --bot USERNAME or set BOT_TELEGRAM_BOT_USERNAME", file=sys.stderr)
        return 2
    link = deep_link(username, args.slug)
    out = args.out or Path(f"{args.slug}.png")
    # High error correction survives a smudged printout; scale 10 prints crisply at A4 sizes.
    segno.make(link, error="h").save(str(out), scale=10, border=4)
    print(link)
    print(f"QR code written to {out}")
    return 0
