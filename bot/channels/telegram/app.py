"""The Telegram bot: one python-telegram-bot Application, wired to the bot's services.

``build_application`` assembles it: the handlers of ``staff`` (first, so staff commands and the
staff chat never reach the participants' handlers), then ``conversation``, which hands every
participant's message and button to the channel-independent conversation turn; a rate limiter that
keeps to Telegram's limits, updates processed in order per chat and concurrently across chats (a
chat that floods the bot is told once to wait, and slows only itself), an error handler that logs
and keeps going, and the command menu in Danish and English. ``serve`` runs it by long polling, or
by webhook behind a reverse proxy when ``BOT_TELEGRAM_WEBHOOK_URL`` is set, inside an asyncio
program that may run other channels too; either way updates go through the journal
(``journal.py``, ``webhook.py``), so none is lost or handled twice when an instance dies.

Beside the Application, ``run_beside`` puts the staff chat on the staff desk (when
``BOT_STAFF_CHAT_ID`` is set) and runs the sender of the chat outbox: the messages the bot sends
on its own initiative (staff answers, notices, broadcasts), queued in the database by the
services. The desk itself is run by ``python -m bot run`` for every channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, BotCommand, Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.channels.telegram import conversation as participants
from bot.channels.telegram import staff
from bot.channels.telegram.common import (
    CHANNEL,
    Context,
    conversation,
    keyboard,
    lang_of,
    reply,
    send_html,
)
from bot.channels.telegram.journal import Journal
from bot.channels.telegram.limits import ChatRateLimiter
from bot.channels.telegram.ordering import PerChatUpdateProcessor, flood_notice, without_slot
from bot.delivery.sender import ChatOutboxSender
from bot.i18n import Lang, translator
from bot.services import Services
from bot.status import CONNECTED, DISCONNECTED
from bot.storage import Database
from bot.waiting import wait_for

log = logging.getLogger(__name__)

# Command, English alias; descriptions are messages so they are translated like everything else.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("program", "programme", "The programme"),
    ("tilmeld", "signup", "Sign up"),
    ("afmeld", "unregister", "Cancel your registration"),
    ("mine", "my", "Your registrations"),
    ("sprog", "language", "Danish or English"),
    ("hjaelp", "help", "Help"),
    ("annuller", "stop", "Stop the signup"),
    ("mine_data", "my_data", "What I have stored about you"),
    ("slet_mig", "delete_me", "Delete what I have stored about you"),
)


def command_menu(lang: Lang) -> list[BotCommand]:
    """The command menu: Danish names for Danish users, the English aliases for English ones."""
    _ = translator(lang).gettext
    descriptions = {
        "The programme": _("The programme"),
        "Sign up": _("Sign up"),
        "Cancel your registration": _("Cancel your registration"),
        "Your registrations": _("Your registrations"),
        "Danish or English": _("Danish or English"),
        "Help": _("Help"),
        "Stop the signup": _("Stop the signup"),
        "What I have stored about you": _("What I have stored about you"),
        "Delete what I have stored about you": _("Delete what I have stored about you"),
    }
    return [
        BotCommand(danish if lang == "da" else english, descriptions[text])
        for danish, english, text in COMMANDS
    ]


async def set_commands(app: Application) -> None:  # type: ignore[type-arg]
    """Publish the menus; Danish is also the default for every other language."""
    await app.bot.set_my_commands(command_menu("da"))
    await app.bot.set_my_commands(command_menu("da"), language_code="da")
    await app.bot.set_my_commands(command_menu("en"), language_code="en")
    await staff.set_staff_commands(app.bot, app.bot_data["services"])


async def on_error(update: object, context: Context) -> None:
    """Log the error with its traceback and tell the person, without stopping the bot."""
    error = context.error
    if isinstance(error, Forbidden):
        log.info("a user has blocked the bot; nothing more to send there")
        return
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.warning("network error talking to Telegram: %s", error)
    else:
        log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            lang = lang_of(update, await conversation(update, context))
            _ = translator(lang).gettext
            await reply(
                context,
                update.effective_chat.id,
                _("Sorry, something went wrong on my side. Please try again in a moment."),
            )
        except (TelegramError, OSError):  # the apology itself failed; the log says enough
            log.warning("could not tell the user about the error")


def build_application(
    services: Services,
    *,
    clock: Callable[[], datetime] | None = None,
    base_url: str | None = None,
    per_chat_rate: float = 1.0,
    rate_limits: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The Application for the configured token, with every handler added.

    ``per_chat_rate`` is Telegram's one message a second per chat; tests raise it to run fast.
    ``rate_limits=False`` is for measuring the bot's own speed against a local server only.
    """
    settings = services.settings
    if settings.telegram_token is None:
        raise ValueError("BOT_TELEGRAM_TOKEN is not set")
    journal = Journal(services.db, clock or services.clock)
    # Each call refines the builder's generic type; one annotation keeps the steps optional.
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .concurrent_updates(
            PerChatUpdateProcessor(
                max_concurrent_updates=settings.telegram_max_concurrent_updates,
                notice_after=settings.telegram_flood_notice_after,
                notify=flood_notice(services),
                finished=journal.done,
            )
        )
    )
    if rate_limits:
        builder = builder.rate_limiter(
            ChatRateLimiter(per_chat_rate=per_chat_rate, max_retries=3, outside_slot=without_slot)
        )
    api = base_url or settings.telegram_api_url
    if api:
        builder = builder.base_url(api).base_file_url(api.replace("/bot", "/file/bot"))
    app = builder.build()
    app.bot_data["services"] = services
    app.bot_data["clock"] = clock or services.clock
    app.bot_data["journal"] = journal
    staff.register(app, settings.staff_chat_id)
    participants.register(app)
    app.add_error_handler(on_error)
    return app


def is_final(exc: Exception) -> bool:
    """A send that can never succeed: the person blocked the bot, or the chat is gone."""
    if isinstance(exc, Forbidden):
        return True
    return isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()


def chat_sender(bot: Bot, db: Database, clock: Callable[[], datetime]) -> ChatOutboxSender:
    """The sender of Telegram's rows in the chat outbox, through ``bot`` (and its rate limiter)."""

    async def send(chat_id: str, text: str) -> None:
        # The same escaping and splitting as every reply; a numeric id is a chat, else @name.
        await send_html(bot, int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id, text)

    async def send_choices(chat_id: str, text: str, choices: tuple[tuple[str, str], ...]) -> None:
        # Short labels (the scores 1-5) side by side, longer ones one per line.
        columns = len(choices) if all(len(label) <= 3 for _v, label in choices) else 1
        target = int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
        await send_html(bot, target, text, buttons=keyboard(choices, columns))

    return ChatOutboxSender(
        db, CHANNEL, send, is_final=is_final, clock=clock, send_choices=send_choices
    )


async def run_beside(
    app: Application,  # type: ignore[type-arg]
    services: Services,
    stop: asyncio.Event,
) -> None:
    """Until ``stop``: the staff chat on the staff desk, and the chat outbox sent.

    Run it once the Application is initialised (its bot is used to send).
    """
    clock: Callable[[], datetime] = app.bot_data["clock"]
    board = staff.staff_board(app.bot, services)
    if board is not None:
        services.desk.add_board(board)
        services.cases.wakeup.set()  # post what came in while no staff chat was there
    try:
        await chat_sender(app.bot, services.db, clock).run(stop)
    finally:
        if board is not None:
            services.desk.boards.remove(board)


# Waiting between tries to reach Telegram at start: doubling from the first up to the last.
CONNECT_BACKOFF = (2.0, 300.0)
# While Telegram is unreachable, how often it is asked again (``getMe``) to see it is back.
RECHECK_SECONDS = 30.0


async def serve(services: Services, stop: asyncio.Event) -> None:
    """Run the bot until ``stop`` is set: webhook mode if configured, long polling otherwise.

    Telegram unreachable at start (a network error, a timeout) is waited out with back-off
    and reported in ``services.health.telegram`` (``/readyz``, ``/status``), never ending the
    process; a token Telegram refuses is an error for the person who set it (it propagates).
    """
    delay, longest = CONNECT_BACKOFF
    while not stop.is_set():
        app = build_application(services)
        try:
            await app.initialize()  # getMe: the token and the network at once
        except NetworkError as exc:
            with contextlib.suppress(Exception):
                await app.shutdown()  # as ``async with app`` does when initialising fails
            if isinstance(exc, BadRequest):
                raise
            services.health.telegram = DISCONNECTED
            log.warning("telegram: cannot reach Telegram (%s); next try in %.0f s", exc, delay)
            await wait_for(stop, None, delay)
            delay = min(longest, delay * 2)
            continue
        services.health.telegram = CONNECTED
        try:
            await _serve_initialised(app, services, stop)
        finally:
            await app.shutdown()
        return


async def _serve_initialised(
    app: Application,  # type: ignore[type-arg]
    services: Services,
    stop: asyncio.Event,
) -> None:
    settings = services.settings
    health = services.health

    def lost(error: TelegramError) -> None:
        health.telegram = DISCONNECTED
        log.warning("telegram: polling failed (%s)", error)

    async def recheck() -> None:
        # An update coming in is not needed to see Telegram is back: ask it now and then.
        while not await wait_for(stop, None, RECHECK_SECONDS):
            if health.telegram != CONNECTED:
                with contextlib.suppress(TelegramError):
                    await app.bot.get_me()
                    health.telegram = CONNECTED

    await set_commands(app)
    await app.start()
    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret
        await app.bot.set_webhook(
            settings.telegram_webhook_url,
            secret_token=secret.get_secret_value() if secret else None,
        )
        # Every instance takes the posts into the journal (``webhook.receive``); the leader
        # handles them from there.
        taking = asyncio.create_task(feed(app, stop))
        log.info("telegram: webhook mode")
    else:
        taking = asyncio.create_task(poll(app, stop, lost))
        log.info("telegram: long polling")
    checking = asyncio.create_task(recheck())
    try:
        await run_beside(app, services, stop)  # returns once stop is set
    finally:
        for task in (checking, taking):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await app.stop()


# Seconds Telegram holds a getUpdates open when nothing comes (long polling).
POLL_SECONDS = 10
# How often the leader looks in the journal for what the webhook took (in any instance).
FEED_SECONDS = 0.2


async def feed(app: Application, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    """Webhook mode: what the instances' webhooks wrote to the journal, handed to the
    Application in order; a database failure is waited out and the look made again."""
    journal: Journal = app.bot_data["journal"]
    delay, longest = CONNECT_BACKOFF
    while not stop.is_set():
        try:
            for update in await journal.arrived(app.bot):
                await app.update_queue.put(update)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("telegram: cannot read updates from the database (%s)", exc)
            await wait_for(stop, None, delay)
            delay = min(longest, delay * 2)
            continue
        delay = CONNECT_BACKOFF[0]
        await wait_for(stop, None, FEED_SECONDS)


async def poll(
    app: Application,  # type: ignore[type-arg]
    stop: asyncio.Event,
    lost: Callable[[TelegramError], None],
) -> None:
    """Long polling through the journal (``journal.py``): what an earlier leader left undone
    first, then each batch written to the journal before the next ``getUpdates`` tells Telegram
    it may forget it. A failure to reach Telegram or the database is waited out with back-off;
    the batch is then asked for again, so nothing is skipped."""
    journal: Journal = app.bot_data["journal"]
    health = app.bot_data["services"].health
    await app.bot.delete_webhook()  # updates come by getUpdates only (as Telegram requires)
    for update in await journal.arrived(app.bot):
        await app.update_queue.put(update)
    offset: int | None = None
    delay, longest = CONNECT_BACKOFF
    while not stop.is_set():
        try:
            updates = await app.bot.get_updates(offset=offset, timeout=POLL_SECONDS)
            for update in await journal.keep(updates):
                await app.update_queue.put(update)
        except (TelegramError, SQLAlchemyError, OSError) as exc:
            if isinstance(exc, TelegramError):
                lost(exc)
            else:
                log.warning("telegram: cannot keep updates in the database (%s)", exc)
            await wait_for(stop, None, delay)
            delay = min(longest, delay * 2)
            continue
        delay = CONNECT_BACKOFF[0]
        health.telegram = CONNECTED
        if updates:
            offset = updates[-1].update_id + 1
