"""Privacy requests by e-mail: "mine data", "slet mig" and its confirmation "JA, SLET".

The handler (``handling``) recognises them (``classify.privacy_request``) and calls
:meth:`MailPrivacy.act` in the transaction that records the message, so the request, what was
done and the reply commit together, once.

Who asks is the From address, and the reply goes to that address only, never to a Reply-To or
anyone else: whoever can forge a From address still cannot read what is sent to it. That the
From address is the sender's own rests on the mail system's SPF, DKIM and DMARC checks (see the
README). An erasure needs more: "slet mig" is answered with what would be deleted and a question,
and only "JA, SLET" written in reply to that very message (its Message-ID in In-Reply-To or
References; it is random, so a forger who never saw the question cannot name it), from the same
address and within a week, erases. Anything else asks again.

After an erasure the message's own record keeps no address or subject, no reply count is kept,
and the "deleted" reply is emptied once the server has it: nothing of the person is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.mail.classify import PrivacyRequest
from bot.channels.mail.models import AutoReply, InboundMail
from bot.channels.mail.outbox import Outbox, bare_id
from bot.i18n import Lang, translator
from bot.privacy.erase import Erased
from bot.privacy.models import ErasureRequest
from bot.privacy.person import email_forms
from bot.privacy.report import erase_question
from bot.privacy.service import Privacy, Who
from bot.services import Services

CONFIRM_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class PrivacyReply:
    """What was done, and the reply to the From address."""

    result: str  # exported | asked | erased
    reason: str
    text: str
    lang: Lang
    attachment: bytes | None = None
    filename: str | None = None
    # The reply's Message-ID, fixed in advance: the erasure question's is what confirms.
    message_id: str | None = None
    # Emptied from the outbox once sent (a copy of the person's data, an erased address).
    forget: bool = False


class MailPrivacy:
    """The privacy requests of the mailbox channel, on the bot's services."""

    def __init__(self, services: Services, outbox: Outbox) -> None:
        self.privacy = Privacy(services)
        self.outbox = outbox

    async def act(
        self,
        session: AsyncSession,
        request: PrivacyRequest,
        sender: str,
        thread: Sequence[str],
        now: datetime,
    ) -> tuple[PrivacyReply, Erased | None]:
        """Do what the request asks, in ``session``; the reply, and the erasure if one was made."""
        who, lang = Who.of(email=sender), request.lang
        _ = translator(lang).gettext
        if request.kind == "export":
            export = self.privacy.render(await self.privacy.collect(session, who), lang, now)
            reply = PrivacyReply(
                "exported", "asked for their data", export.text, lang, export.json,
                export.filename, forget=True,
            )  # fmt: skip
            return reply, None
        if request.kind == "confirm" and await self._asked(session, sender, thread, now):
            erased = await self.privacy.erase_in(session, who, channel="email", now=now)
            text = _(
                "Everything we had stored about you is deleted, as you asked. "
                "You will get no more e-mails from us about it."
            )
            return PrivacyReply(
                "erased", "confirmed in the thread", text, lang, forget=True
            ), erased
        # "slet mig", or a "JA, SLET" that answers no question of ours: ask (again).
        message_id = bare_id(make_msgid(domain=self.outbox.domain))
        session.add(ErasureRequest(email=sender, message_id=message_id, created_at=now))
        data = await self.privacy.collect(session, who)
        text = "\n\n".join(
            [
                erase_question(data, lang),
                _(
                    "To confirm, reply to this e-mail with the words YES, DELETE. "
                    "Otherwise nothing is deleted, and this question lapses after a week."
                ),
            ]
        )
        reason = "asked to erase" if request.kind == "erase" else "confirmation outside the thread"
        return PrivacyReply("asked", reason, text, lang, message_id=message_id), None

    async def _asked(
        self, session: AsyncSession, sender: str, thread: Sequence[str], now: datetime
    ) -> bool:
        """Whether the message answers our erasure question to this address, in time."""
        if not thread:
            return False
        found = await session.scalar(
            select(ErasureRequest.id).where(
                ErasureRequest.email.in_(sorted(email_forms(sender))),
                ErasureRequest.message_id.in_([bare_id(t) for t in thread]),
                ErasureRequest.created_at > now - CONFIRM_WITHIN,
            )
        )
        return found is not None


async def forget_sender(session: AsyncSession, message_key: str, sender: str) -> None:
    """After an erasure: the message's record keeps no address or subject, and no reply count
    is kept for the address (the record itself stays, so the message is handled once)."""
    await session.execute(
        update(InboundMail)
        .where(InboundMail.message_key == message_key)
        .values(sender=None, subject=None)
    )
    await session.execute(delete(AutoReply).where(AutoReply.email.in_(sorted(email_forms(sender)))))
