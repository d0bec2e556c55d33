"""Run the bot: the channels that are configured, or a chat in the terminal when none is.

The database (SQLite under the data directory unless ``BOT_DATABASE_URL`` says otherwise) is
created or upgraded first. Every channel the settings enable (``bot.channels.registry``: Telegram
with ``BOT_TELEGRAM_TOKEN``, the mailbox with ``BOT_IMAP_HOST``/``BOT_SMTP_HOST``, the web chat
with ``BOT_WEB_PORT``) runs side by side with the staff desk, reminders, retention and the
knowledge watch until stopped (Ctrl-C or SIGTERM); when none takes messages from participants,
the terminal chat does.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services import Services
    from bot.settings import Settings
    from bot.storage.leadership import AlreadyRunning, Leadership

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now", help="pretend it is this time (ISO-8601), to try the chat before an event"
    )


async def serve_channels(
    services: Services, stop: asyncio.Event, leadership: Leadership | None = None
) -> None:
    """Serve the enabled channels beside the jobs every channel shares, until ``stop``.

    What may run in every instance (the web chat and desk, reloading the knowledge) runs here;
    what must run once (the mailbox, Telegram, reminders, retention, the staff boards, the
    change check) runs while this instance leads (``bot.storage.leadership``).
    """
    from bot.changes.watch import KnowledgeWatch
    from bot.channels.registry import enabled_channels
    from bot.evaluation.sending import EvaluationJob
    from bot.privacy.retention import RetentionJob
    from bot.reminders.job import ReminderJob

    leadership = leadership or leadership_of(services)
    channels = enabled_channels(services.settings)

    async def once(stop_once: asyncio.Event) -> None:
        jobs = [channel.serve(services, stop_once) for channel in channels if channel.once]
        # The desk shows cases on the boards the channels add (the staff chat and mailbox).
        jobs.append(services.desk.run(stop_once))
        # Personal data is deleted BOT_RETENTION_DAYS after its event: now, then daily.
        jobs.append(RetentionJob(services).run(stop_once))
        # Reminders before events, to unfinished signups, and the deadline note to staff.
        jobs.append(ReminderJob(services).run(stop_once))
        # The evaluation the day after an event, to those who came.
        jobs.append(EvaluationJob(services).run(stop_once))
        await _together(jobs)

    jobs = [channel.serve(services, stop) for channel in channels if not channel.once]
    jobs += [channel.everywhere(services, stop) for channel in channels if channel.everywhere]
    # Edited knowledge files (and answers taught elsewhere) are used while running, in every
    # instance; the leader alone compares the events with what participants were told.
    watch = KnowledgeWatch(services, checks_changes=lambda: leadership.leading)
    jobs.append(watch.run(stop))
    # What another instance queued wakes this one's workers at once (PostgreSQL's NOTIFY).
    jobs.append(services.db.listen(stop))
    jobs.append(leadership.run(once, stop))
    await _together(jobs)


async def _together(jobs: list[Coroutine[Any, Any, None]]) -> None:
    # If one part fails for good, the group stops the others and the error surfaces.
    async with asyncio.TaskGroup() as group:
        for job in jobs:
            group.create_task(job)


def leadership_of(services: Services) -> Leadership:
    from bot.storage.leadership import Leadership

    schema = services.settings.database_schema
    return Leadership(services.db, schema=schema, health=services.health)


class CannotStart(Exception):
    """What keeps the bot from starting, as one sentence for the person starting it."""


async def _run(fixed: datetime | None) -> int:
    from sqlalchemy.exc import DBAPIError

    from bot.services import Services
    from bot.settings import Settings
    from bot.storage.leadership import AlreadyRunning

    settings = Settings()
    try:
        services = await Services.start(settings)
    except (OSError, DBAPIError) as exc:
        raise CannotStart(database_problem_text(settings, exc)) from exc
    leadership = leadership_of(services)
    try:
        leadership.claim_sqlite()  # one instance on a SQLite file: say so now, not later
    except AlreadyRunning as exc:
        await services.close()
        raise CannotStart(already_running_text(settings, exc)) from exc
    if fixed is not None:
        services.clock = lambda: fixed
    try:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve_channels(services, stop, leadership)
        return 0
    finally:
        await services.close()


def database_problem_text(settings: Settings, exc: BaseException) -> str:
    """The database not reached, in one sentence naming where (without any password)."""
    from sqlalchemy.engine import make_url

    from bot.i18n import normalise_lang, translator

    _ = translator(normalise_lang(settings.default_language)).gettext
    where = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return _("The bot cannot start: the database at {where} does not answer ({reason}).").format(
        where=where, reason=reason
    )


def already_running_text(settings: Settings, exc: AlreadyRunning) -> str:
    from bot.i18n import normalise_lang, translator

    _ = translator(normalise_lang(settings.default_language)).gettext
    return _(
        "The bot cannot start: another bot is already running on the database {path}. Stop it "
        "first, or use PostgreSQL (BOT_DATABASE_URL) to run several."
    ).format(path=exc.path)


def run(args: argparse.Namespace) -> int:
    from telegram.error import InvalidToken

    from bot.clock import parse_aware
    from bot.i18n import normalise_lang, translator
    from bot.knowledge import KnowledgeError
    from bot.logs import configure_logging
    from bot.settings import Settings

    settings = Settings()
    configure_logging(settings)
    _ = translator(normalise_lang(settings.default_language)).gettext
    fixed = None
    if args.now:
        try:
            fixed = parse_aware(args.now)
        except ValueError:
            print(
                _("--now {value!r} is not a time; write it as 2024-05-31T10:00.").format(
                    value=args.now
                ),
                file=sys.stderr,
            )
            return 2
    try:
        return asyncio.run(_run(fixed))
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    except CannotStart as exc:
        print(exc, file=sys.stderr)
        return 2
    except BaseExceptionGroup as group:  # the channels are served together (a TaskGroup)
        if group.subgroup(InvalidToken) is None:
            raise
        print(
            _("The bot cannot start: Telegram refuses the token in BOT_TELEGRAM_TOKEN."),
            file=sys.stderr,
        )
        return 2
