"""The mailbox channel as ``python -m bot run`` runs it: the IMAP worker and the outbox sender.

``serve`` builds both from the settings (one OAuth2 token provider shared by IMAP and SMTP when
``mail_oauth_*`` are set and the passwords are not) and runs them side by side until ``stop`` is
set. Without ``smtp_host`` the replies stay queued in the outbox and are sent once SMTP is
configured; the worker still reads and handles mail. If either task fails for good, the other is
stopped too and the error goes up, so the process ends visibly instead of half-running.
"""

from __future__ import annotations

import asyncio
import logging

from bot.channels.mail.imap import ImapConfig, MailboxWorker, MailHandler
from bot.channels.mail.oauth import ClientCredentialsTokenProvider
from bot.channels.mail.outbox import OutboxSender
from bot.channels.mail.smtp import SmtpConfig
from bot.services import Services

log = logging.getLogger(__name__)


def build(services: Services, handler: MailHandler) -> tuple[MailboxWorker, OutboxSender | None]:
    """The worker and the sender the settings describe (the sender is None without SMTP)."""
    settings = services.settings
    tokens = ClientCredentialsTokenProvider.from_settings(settings)
    imap = ImapConfig.from_settings(settings, tokens)
    if imap is None:
        raise ValueError("BOT_IMAP_HOST is not set")
    worker = MailboxWorker(services.db, imap, handler, max_attempts=settings.mail_max_attempts)
    smtp = SmtpConfig.from_settings(settings, tokens)
    sender = (
        OutboxSender(services.db, smtp, max_attempts=settings.mail_max_attempts)
        if smtp is not None
        else None
    )
    return worker, sender


async def serve(services: Services, stop: asyncio.Event, handler: MailHandler) -> None:
    """Read the mailbox and send the outbox until ``stop`` is set."""
    worker, sender = build(services, handler)
    if sender is None:
        log.warning("mail: BOT_SMTP_HOST or BOT_MAIL_FROM not set; replies wait in the outbox")
    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(worker.run(stop), name="mail-imap")
        if sender is not None:
            tasks.create_task(sender.run(stop), name="mail-outbox")
