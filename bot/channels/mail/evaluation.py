"""A reply to the evaluation mail (``bot.evaluation``): its answers read and kept, and thanks.

The evaluation mail's Message-ID carries its kind (``<...>.evaluation@<domain>``, see the mail
courier), so a reply to it is known by its In-Reply-To alone, with nothing stored about whom it
went to. The reply's own words, without its signature (a name must not end up in an anonymous
comment), are read as the answers ("4, ja, ja", or prose); what is not read as an answer is kept
as the comment, so an unreadable reply is never lost, and every reply is thanked politely.

The answers of one evaluation mail count once: a second reply to it ("Jeg glemte at skrive ...")
is kept whole as a comment. That the mail was answered is a claim in the reminders' ledger under
a hash of its Message-ID, with no person in it, like the answers.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.mail.classify import read_signature
from bot.channels.mail.reading import ReadMail
from bot.evaluation import texts
from bot.evaluation.questions import Answers, read_answers
from bot.evaluation.sending import KIND
from bot.evaluation.store import record
from bot.i18n import guess_language
from bot.reminders import ledger
from bot.reminders.models import SentNotice

if TYPE_CHECKING:
    from bot.channels.mail.handling import Handled, MailHandler, _Incoming

CHANNEL = "email"
REPLIED = "evaluation-reply"  # the ledger's kind: an evaluation mail whose answers were counted


def answers_evaluation(mail: ReadMail) -> bool:
    """The message replies to an evaluation mail the bot sent."""
    return bool(mail.in_reply_to) and f".{KIND}@" in (mail.in_reply_to or "")


async def take_answers(handler: MailHandler, msg: _Incoming) -> Handled:
    """Record the reply's answers anonymously and thank the person, in one transaction."""
    from bot.channels.mail.handling import Handled, _Reply

    mail, now = msg.mail, msg.now
    event = await handler._event_of(mail)
    lang = guess_language(mail.reply)
    words = read_signature(mail.reply, mail.from_name).message.strip()
    if event is None:  # the event has left the knowledge base: nothing to file it under
        handled = Handled("evaluation", "ignored", "evaluation of an unknown event")
        await handler._record(msg, handled)
        return handled
    key = _answered_key(mail.in_reply_to or "")
    again = await _answered(handler, key)
    answers = Answers(comment=words or None) if again else read_answers(words)
    given = (answers.satisfaction, answers.practical, answers.again) != (None, None, None)
    read = "read" if given else "kept as a comment"
    handled = Handled("evaluation", "answered", read, event.id, email=mail.from_address)
    reply = _Reply(texts.mail_thanks(event, answers, lang), handler._subject(mail), lang)

    async def recorded(session: AsyncSession) -> None:
        if given:
            await ledger.claim(session, key=key, kind=REPLIED, event=event.id, now=now)
        record(session, event.id, answers, CHANNEL, now)

    return await handler._finish(msg, handled, reply, extra=recorded)


def _answered_key(evaluation_id: str) -> str:
    digest = hashlib.sha256(evaluation_id.strip().strip("<>").encode()).hexdigest()[:32]
    return f"{REPLIED}:{digest}"


async def _answered(handler: MailHandler, key: str) -> bool:
    """The answers of this evaluation mail were counted from an earlier reply."""
    async with handler.services.db.session() as session:
        found = await session.scalar(select(SentNotice.id).where(SentNotice.key == key))
    return found is not None
