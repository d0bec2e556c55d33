"""A reply to the evaluation mail (``bot.evaluation``): its answers read and kept, and thanks.

The evaluation mail's Message-ID carries its kind (``<...>.evaluation@<domain>``, see the mail
courier), so a reply to it is known by its In-Reply-To alone, with nothing stored about whom it
went to. The reply's own words, without its signature (a name must not end up in an anonymous
comment), are read as the answers ("4, ja, ja", or prose); what is not read as an answer is kept
as the comment, so an unreadable reply is never lost, and every reply is thanked politely.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.mail.classify import read_signature
from bot.channels.mail.reading import ReadMail
from bot.evaluation import texts
from bot.evaluation.questions import read_answers
from bot.evaluation.sending import KIND
from bot.evaluation.store import record
from bot.i18n import guess_language

if TYPE_CHECKING:
    from bot.channels.mail.handling import Handled, MailHandler, _Incoming

CHANNEL = "email"


def answers_evaluation(mail: ReadMail) -> bool:
    """The message replies to an evaluation mail the bot sent."""
    return bool(mail.in_reply_to) and f".{KIND}@" in (mail.in_reply_to or "")


async def take_answers(handler: MailHandler, msg: _Incoming) -> Handled:
    """Record the reply's answers anonymously and thank the person, in one transaction."""
    from bot.channels.mail.handling import Handled, _Reply

    mail, now = msg.mail, msg.now
    event = await handler._event_of(mail)
    lang = guess_language(mail.reply)
    answers = read_answers(read_signature(mail.reply, mail.from_name).message)
    if event is None:  # the event has left the knowledge base: nothing to file it under
        handled = Handled("evaluation", "ignored", "evaluation of an unknown event")
        await handler._record(msg, handled)
        return handled
    given = (answers.satisfaction, answers.practical, answers.again) != (None, None, None)
    read = "read" if given else "kept as a comment"
    handled = Handled("evaluation", "answered", read, event.id, email=mail.from_address)
    reply = _Reply(texts.mail_thanks(event, answers, lang), handler._subject(mail), lang)

    async def recorded(session: AsyncSession) -> None:
        record(session, event.id, answers, CHANNEL, now)

    return await handler._finish(msg, handled, reply, extra=recorded)
