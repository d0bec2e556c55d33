"""How the bot is doing, for staff (``/status``): the mailbox, the outboxes and the open cases.

Channel-independent: :func:`read_status` reads the database (messages waiting in the e-mail and
chat outboxes, open cases) and the :class:`Health` the channels keep up to date in memory (the
mail worker sets ``mailbox`` as it connects and loses the connection); :func:`status_text` says
it in the staff's language. Nothing here names a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases.models import Case
from bot.channels.mail.models import OutboxMail
from bot.delivery.models import FAILED, PENDING, ChatOutboxMessage
from bot.i18n import Lang, translator
from bot.storage import Database

# What a channel reports about its connection in ``Health``.
NOT_CONFIGURED = "not configured"
CONNECTED = "connected"
DISCONNECTED = "disconnected"
# Configured, but the channel has not reported yet.
UNKNOWN = "unknown"


@dataclass
class Health:
    """What running channels report about their connections; one per process, on ``Services``.

    The mail worker sets ``mailbox``, the Telegram channel ``telegram``, the e-mail sender
    ``smtp``, the leadership ``leading``; ``/status`` and ``/readyz`` read them.
    """

    mailbox: str = UNKNOWN
    telegram: str = UNKNOWN
    smtp: str = UNKNOWN
    # Whether this instance runs the work that runs once (``bot.storage.leadership``).
    leading: bool = False


@dataclass(frozen=True)
class Status:
    """The numbers ``/status`` shows."""

    mailbox: str
    mail_pending: int
    mail_failed: int
    chat_pending: int
    chat_failed: int
    open_cases: int
    new_cases: int


async def read_status(db: Database, health: Health, *, mailbox_configured: bool) -> Status:
    """The state of the mailbox, the outboxes and the cases, now."""
    mailbox = health.mailbox if mailbox_configured else NOT_CONFIGURED
    async with db.session() as session:
        mail = await _by_status(session, select(OutboxMail.status, func.count()))
        chat = await _by_status(session, select(ChatOutboxMessage.status, func.count()))
        cases = await _by_status(
            session, select(Case.status, func.count()).where(Case.status != "closed")
        )
    return Status(
        mailbox=mailbox,
        mail_pending=mail.get(PENDING, 0),
        mail_failed=mail.get(FAILED, 0),
        chat_pending=chat.get(PENDING, 0),
        chat_failed=chat.get(FAILED, 0),
        open_cases=sum(cases.values()),
        new_cases=cases.get("new", 0),
    )


async def _by_status(session: AsyncSession, query: Select[str, int]) -> dict[str, int]:
    """How many rows have each status."""
    rows = await session.execute(query.group_by(query.selected_columns[0]))
    return {status: count for status, count in rows}


def status_text(status: Status, lang: Lang) -> str:
    """The status as a few short lines."""
    _ = translator(lang).gettext
    mailbox = {
        NOT_CONFIGURED: _("not set up"),
        CONNECTED: _("connected"),
        DISCONNECTED: _("not connected"),
        UNKNOWN: _("not reported yet"),
    }.get(status.mailbox, status.mailbox)
    lines = [
        _("How the bot is doing"),
        _("Mailbox: {state}").format(state=mailbox),
        # The number last, so one sentence reads right for 1 and for 20.
        _("E-mails waiting to be sent: {count}").format(count=status.mail_pending),
        _("Chat messages waiting to be sent: {count}").format(count=status.chat_pending),
    ]
    if status.mail_failed or status.chat_failed:
        failed = status.mail_failed + status.chat_failed
        lines.append(_("Messages that could not be sent: {count}").format(count=failed))
    lines.append(
        _("Open cases: {count} ({new} not taken yet)").format(
            count=status.open_cases, new=status.new_cases
        )
    )
    return "\n".join(lines)
