"""The mailbox as a channel of the bot: read with ``BOT_IMAP_HOST``, sent with ``BOT_SMTP_HOST``.

The mail outbox and its courier are made here, once per process: every e-mail the bot sends
(answers, confirmations, codes, notices, the staff mailbox's posts) is queued in that outbox in
the transaction of the decision and sent by its sender. Without SMTP nothing could send it, so
the channel is off and nothing is queued; without a mailbox the bot only sends.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.channels.registry import ChannelSpec
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.channels.mail.courier import MailCourier
    from bot.channels.mail.outbox import Outbox
    from bot.services import Services
    from bot.settings import Settings

NAME = "email"


def courier(services: Services) -> MailCourier:
    from bot.channels.mail.courier import MailCourier
    from bot.channels.mail.outbox import Outbox

    outbox = Outbox(services.db, mail_from=services.settings.mail_from)
    return MailCourier(outbox, services.organiser_of)


def mail_outbox(services: Services) -> Outbox:
    """The process's mail outbox (the courier's); one made now where mail is off, for commands
    that only look (``mail preview``) or queue for a later run (``invite``)."""
    from bot.channels.mail.courier import MailCourier

    registered = services.delivery.couriers.get(NAME)
    if isinstance(registered, MailCourier):
        return registered.outbox
    return courier(services).outbox


def _enabled(settings: Settings) -> bool:
    return bool(settings.imap_host or settings.smtp_host)


async def serve(services: Services, stop: asyncio.Event) -> None:
    from bot.channels.mail.serve import serve as serve_mail

    await serve_mail(services, stop, send=False)


async def send(services: Services, stop: asyncio.Event) -> None:
    from bot.channels.mail.serve import send_outbox

    await send_outbox(services, stop)


CHANNEL = ChannelSpec(
    name=NAME,
    label=N_("e-mail"),
    settings=("imap_host", "imap_user", "smtp_host", "mail_from", "staff_email"),
    enabled=_enabled,
    inbound=lambda settings: bool(settings.imap_host),
    courier=courier,
    serve=serve,
    once=True,  # one reader of the mailbox
    everywhere=send,  # the outbox's rows are leased: any instance may send any of them
)
