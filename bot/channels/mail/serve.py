"""The mailbox channel as ``python -m bot run`` runs it: the IMAP worker and the outbox sender.

``serve`` builds both from the settings (one OAuth2 token provider shared by IMAP and SMTP when
``mail_oauth_*`` are set and the passwords are not) and runs them side by side until ``stop`` is
set. Without ``smtp_host`` the replies stay queued in the outbox and are sent once SMTP is
configured; the worker still reads and handles mail. If either task fails for good, the other is
stopped too and the error goes up, so the process ends visibly instead of half-running.

With ``staff_email`` set, the staff mailbox (:class:`~bot.channels.mail.staff.StaffMailBoard`)
is added to the staff desk, which ``run`` keeps going: cases are forwarded there through the
outbox, and staff replies come back through this mailbox.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.channels.mail.channel import mail_outbox
from bot.channels.mail.imap import ImapConfig, MailboxWorker, MailHandler
from bot.channels.mail.oauth import ClientCredentialsTokenProvider
from bot.channels.mail.outbox import OutboxSender
from bot.channels.mail.smtp import SmtpConfig
from bot.channels.mail.staff import StaffMailBoard
from bot.services import Services

if TYPE_CHECKING:
    from bot.channels.mail import handling

log = logging.getLogger(__name__)


def build(
    services: Services, handler: MailHandler | None = None
) -> tuple[MailboxWorker | None, OutboxSender | None]:
    """The worker and the sender the settings describe (None: no mailbox, no SMTP)."""
    settings = services.settings
    tokens = ClientCredentialsTokenProvider.from_settings(settings)
    imap = ImapConfig.from_settings(settings, tokens)
    smtp = SmtpConfig.from_settings(settings, tokens)
    sender = (
        OutboxSender(
            services.db, smtp, max_attempts=settings.mail_max_attempts, health=services.health
        )
        if smtp is not None
        else None
    )
    if imap is None:
        return None, sender
    worker = MailboxWorker(
        services.db,
        imap,
        handler or mail_handler(services),
        max_attempts=settings.mail_max_attempts,
        health=services.health,
    )
    return worker, sender


def mail_handler(services: Services) -> handling.MailHandler:
    """What decides and acts on each message of the mailbox."""
    from bot.channels.mail import handling

    settings = services.settings
    return handling.MailHandler(
        services,
        mail_outbox(services),
        mail_from=settings.mail_from,
        replies_per_day=settings.mail_autoreplies_per_day,
    )


def staff_board(services: Services) -> StaffMailBoard | None:
    """The staff mailbox board, if ``staff_email`` is set."""
    settings = services.settings
    if not settings.staff_email:
        return None
    return StaffMailBoard(
        mail_outbox(services),
        settings.staff_email,
        title=services.event_title,
        lang=settings.staff_language,
    )


async def serve(
    services: Services,
    stop: asyncio.Event,
    handler: MailHandler | None = None,
    *,
    send: bool = True,
) -> None:
    """Read the mailbox and (with ``send``) send the outbox until ``stop`` is set.

    ``run`` serves the reading in the leading instance only and the sending in every instance
    (``send_outbox``): the outbox's rows are leased, so any instance may send any of them.
    """
    worker, sender = build(services, handler)
    board = staff_board(services)
    if board is not None:
        services.desk.add_board(board)
    if sender is None:
        log.warning("mail: BOT_SMTP_HOST or BOT_MAIL_FROM not set; replies wait in the outbox")
    async with asyncio.TaskGroup() as tasks:
        if worker is not None:
            tasks.create_task(worker.run(stop), name="mail-imap")
        if sender is not None and send:
            tasks.create_task(sender.run(stop), name="mail-outbox")


async def send_outbox(services: Services, stop: asyncio.Event) -> None:
    """Send the mail outbox until ``stop`` is set (in every instance: rows are leased)."""
    _worker, sender = build(services)
    if sender is not None:
        await sender.run(stop)
