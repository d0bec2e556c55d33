"""The conversation's standing texts: welcome, help, what is kept, and the events to choose from."""

from __future__ import annotations

from datetime import datetime

from bot.conversations.messages import Choice
from bot.i18n import Lang, fmt_date, translator
from bot.knowledge import KnowledgeBase
from bot.knowledge.schema import Event

MAX_EVENT_CHOICES = 8


def event_choices(kb: KnowledgeBase, now: datetime, lang: Lang) -> tuple[Choice, ...]:
    """The events to choose from: coming ones first and soonest first, then the latest past."""
    events = sorted(
        kb.events.values(),
        key=lambda e: (e.end < now, abs((e.start - now).total_seconds())),
    )
    return tuple(
        Choice(f"ev:{e.id}", f"{e.title} ({fmt_date(e.start, lang, weekday=False)})")
        for e in events[:MAX_EVENT_CHOICES]
    )


def help_text(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "Ask me about the time, place, programme or signup deadline, in your own words.\n"
        "/programme – the programme (/programme now: what is on now)\n"
        "/signup – sign up\n"
        "/unregister – cancel your registration\n"
        "/my – your registrations\n"
        "/language – Danish or English\n"
        "/start – choose another event\n"
        "If I cannot answer, I ask the secretariat, and they answer you here."
    )


def privacy_text(lang: Lang, days: int) -> str:
    """What is stored, why and for how long: short, for the first message of every chat."""
    _ = translator(lang).gettext
    return _(
        "I keep this chat's event and language, the questions I pass to the secretariat and, "
        "if you sign up, your name, e-mail, organisation and needs: to handle your registration "
        "and answer you. It is deleted {days} days after the event.\n"
        "/my_data shows it all, /delete_me deletes it."
    ).format(days=days)


def chosen_text(event: Event, lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Now we are talking about {title}. What would you like to know?").format(
        title=event.title
    )
