"""What the events page says, in the staff's language (translated here; the template places it)."""

from __future__ import annotations

from bot.i18n import Lang, translator


def events_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "title": _("Events"),
        "intro": _(
            "Every event in the knowledge base, with its registrations. Choose an event to see "
            "its participants."
        ),
        "upcoming": _("Upcoming events"),
        "past": _("Past events"),
        "event": _("Event"),
        "date": _("Date"),
        "place": _("Place"),
        "registered": _("Registered"),
        "waiting": _("Waiting list"),
        "capacity": _("Seats"),
        "deadline": _("Days to the deadline"),
        "open_cases": _("Open cases"),
        "needs": _("Needs to arrange"),
        "needs_hint": _("Needs to arrange: registered or waiting participants who gave needs."),
        "none_upcoming": _("There are no upcoming events."),
        "none_past": _("There are no past events."),
        "no_limit": _("no limit"),
        "online": _("online"),
    }


def deadline_text(lang: Lang, days: int | None, date: str) -> str:
    """How long until signup closes: 'i dag', 'i morgen', '12 dage (1. maj 2024)', 'udløbet'."""
    _ = translator(lang).gettext
    if days is None:
        return _("passed")
    if days == 0:
        return _("today ({date})").format(date=date)
    if days == 1:
        return _("tomorrow ({date})").format(date=date)
    return _("{days} days ({date})").format(days=days, date=date)


def no_registration_text(lang: Lang) -> str:
    """An event the knowledge says nothing about signing up for."""
    _ = translator(lang).gettext
    return _("no signup")
