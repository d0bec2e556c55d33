"""Staff ask the staff mailbox for an event's needs: a mail "Behov <event>" gets the summary.

For secretariats that work in Outlook: a mail from a staff address (``StaffPolicy``) whose
subject or first line begins "Behov" or "Needs", followed by the event's short name or words of
its title, is answered with who needs what for the event and whether it is arranged (as
``/behov`` in the staff chat and the desk's needs page show it), and the venue's PDF of it
attached (``bot.arranging.files``: no e-mail addresses). Words that name no event, or several,
get the list of events and how to ask. The reply goes to the staff member only, in their thread.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.arranging.files import venue_pdf
from bot.arranging.summary import needs_summary
from bot.arranging.texts import summary_text
from bot.cases.texts import events_text
from bot.channels.mail.reading import ReadMail
from bot.i18n import Lang, normalise_lang, translator
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Event

if TYPE_CHECKING:
    from bot.channels.mail.handling import Handled, MailHandler, _Incoming

# "Behov temadag-2024", "SV: Needs: KKR konference", "behovsoversigt for temadagen".
_ASKED = re.compile(r"^\s*(?:behov(?:soversigt)?|needs)\b\s*[:\-–]?\s*(.*)$", re.IGNORECASE)


def needs_asked(mail: ReadMail) -> str | None:
    """The words naming the event, when the mail asks for its needs; None when it does not."""
    first_line = next((line for line in mail.reply.splitlines() if line.strip()), "")
    for text in (mail.topic, first_line):
        found = _ASKED.match(text)
        if found:
            return found[1].strip(" .")
    return None


def event_named(kb: KnowledgeBase, words: str) -> Event | None:
    """The one event the words name: its short name, or words all in its title."""
    wanted = words.strip().casefold()
    if not wanted:
        return None
    if (exact := kb.event(wanted)) is not None:
        return exact
    parts = re.findall(r"\w+", wanted)
    found = [
        e for e in kb.events.values() if all(p in f"{e.id} {e.title}".casefold() for p in parts)
    ]
    return found[0] if len(found) == 1 else None


def how_to_ask(kb: KnowledgeBase, words: str, lang: Lang) -> str:
    _ = translator(lang).gettext
    lead = (
        _("I do not know which event you mean by “{words}”.").format(words=words) + "\n\n"
        if words
        else ""
    )
    usage = _(
        "Write “Behov” followed by the event's short name in the subject, for example:\n"
        "Behov {example}"
    ).format(example=next(iter(kb.events), "temadag"))
    return lead + usage + "\n\n" + events_text(kb.events.values(), lang)


async def send_needs(handler: MailHandler, msg: _Incoming, words: str) -> Handled:
    """Answer the staff member with the event's needs and the venue's PDF, in one transaction
    with the message's record."""
    from bot.channels.mail.handling import BOT_NAME, Handled, _Reply

    mail = msg.mail
    lang = normalise_lang(handler.services.settings.staff_language)
    kb = handler.services.kb
    event = event_named(kb, words)
    if event is None:
        handled = Handled("staff", "refused", "no such event", None, email=mail.from_address)
        reply = handler._to_staff(mail, how_to_ask(kb, words, lang), lang)
        return await handler._finish(msg, handled, reply)
    summary = await needs_summary(handler.services.db, event.id)
    pdf = venue_pdf(event, summary, lang, msg.now)
    handled = Handled("staff", "needs", "summary sent", event.id, email=mail.from_address)
    reply = _Reply(
        summary_text(event, summary, lang),
        handler._subject(mail),
        lang,
        pdf,
        f"behov-{event.id}.pdf",  # an event's id is a slug: letters, digits and dashes
        sender=BOT_NAME,
        limited=False,
    )
    return await handler._finish(msg, handled, reply)
