"""Run the bot: the channels that are configured, or a chat in the terminal when none is.

The database (SQLite under the data directory unless ``BOT_DATABASE_URL`` says otherwise) is
created or upgraded first. With ``BOT_TELEGRAM_TOKEN`` set the Telegram bot runs, with
``BOT_IMAP_HOST`` set the mailbox is read and answered, both side by side until stopped (Ctrl-C
or SIGTERM); with neither, the terminal chat starts.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now", help="pretend it is this time (ISO-8601), to try the chat before an event"
    )


def configured_channels(services: Services, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    """The channels the settings configure, each ready to run until ``stop`` is set."""
    settings = services.settings
    channels: list[Coroutine[Any, Any, None]] = []
    if settings.telegram_token is not None:
        from bot.channels.telegram.app import serve as serve_telegram

        channels.append(serve_telegram(services, stop))
    if settings.imap_host:
        from bot.channels.mail.handling import MailHandler
        from bot.channels.mail.outbox import Outbox
        from bot.channels.mail.serve import serve as serve_mail

        handler = MailHandler(
            services,
            Outbox(services.db, mail_from=settings.mail_from),
            mail_from=settings.mail_from,
            replies_per_day=settings.mail_autoreplies_per_day,
        )
        channels.append(serve_mail(services, stop, handler))
    return channels


async def serve_channels(services: Services, stop: asyncio.Event) -> bool:
    """Run the configured channels and the staff desk until ``stop``; False if there are none."""
    channels = configured_channels(services, stop)
    if not channels:
        return False
    # The desk shows cases on the boards the channels add (the staff chat, the staff mailbox).
    channels.append(services.desk.run(stop))
    # Personal data is deleted BOT_RETENTION_DAYS after its event: now, then daily.
    from bot.privacy.retention import RetentionJob

    channels.append(RetentionJob(services).run(stop))
    # Reminders before events, to unfinished signups, and the deadline note to staff.
    from bot.reminders.job import ReminderJob

    channels.append(ReminderJob(services).run(stop))
    # Edited knowledge files are loaded while running; changed events are put to staff.
    from bot.changes.watch import KnowledgeWatch

    channels.append(KnowledgeWatch(services).run(stop))
    # If one channel fails for good, the group stops the others and the error surfaces.
    async with asyncio.TaskGroup() as group:
        for channel in channels:
            group.create_task(channel)
    return True


async def _run(settings_now: str | None) -> int:
    from bot.channels.terminal import TerminalChat, serve
    from bot.clock import now, parse_aware
    from bot.i18n import normalise_lang
    from bot.services import Services
    from bot.settings import Settings

    settings = Settings()
    services = await Services.start(settings)
    try:
        if settings.telegram_token is not None or settings.imap_host:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await serve_channels(services, stop)
            return 0
        fixed = parse_aware(settings_now) if settings_now else None
        chat = TerminalChat(
            services.answerer,
            clock=(lambda: fixed) if fixed else now,
            lang=normalise_lang(settings.default_language),
        )
        # The terminal reads standard input, which blocks; keep it off the event loop.
        await asyncio.to_thread(serve, chat, sys.stdin, sys.stdout)
        return 0
    finally:
        await services.close()


def run(args: argparse.Namespace) -> int:
    from bot.knowledge import KnowledgeError
    from bot.settings import Settings

    logging.basicConfig(
        level=Settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and the URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        return asyncio.run(_run(args.now))
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
