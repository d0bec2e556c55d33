"""What the needs page says, in the staff's language (Danish first)."""

from __future__ import annotations

from datetime import datetime

from bot.arranging.marking import Marked
from bot.i18n import Lang, fmt_date, fmt_datetime, translator


def page_texts(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
        "back": _("Back to the participants"),
        "heading": _("Needs"),
        "link": _("Needs and interpreters"),
        "summary": _("In numbers"),
        "files_heading": _("For the venue"),
        "csv": _("The needs as a CSV file"),
        "pdf": _("The needs to print (PDF)"),
        "files_hint": _(
            "For the venue: names, seats and needs, without e-mail addresses, and the person's "
            "own words only about food and other wishes. Only those with a seat."
        ),
        "list_heading": _("Who needs what"),
        "name": _("Name"),
        "seats": _("Seats"),
        "need": _("Need"),
        "words": _("In their own words"),
        "status": _("Status"),
        "action": _("Action"),
        "mark": _("Mark as arranged"),
        "unmark": _("Not arranged after all"),
        "nobody": _("Nobody has stated any needs."),
        "waiting": _("on the waiting list"),
    }


def lead_text(lang: Lang, by: datetime, days: int) -> str:
    """'Tolke skal bestilles senest mandag den 17. marts 2025 (10 arbejdsdage før).'"""
    _ = translator(lang).gettext
    return _("Interpreters must be booked by {date} ({days} working days before).").format(
        date=fmt_date(by, lang), days=days
    )


def open_text(lang: Lang, count: int) -> str:
    _ = translator(lang).gettext
    return _("Interpreters not yet arranged for people with a seat: {count}").format(count=count)


def arranged_state(lang: Lang, at: datetime, by: str | None) -> str:
    _ = translator(lang).gettext
    if by:
        return _("Arranged {when} by {name}").format(when=fmt_datetime(at, lang), name=by)
    return _("Arranged {when}").format(when=fmt_datetime(at, lang))


def not_arranged(lang: Lang) -> str:
    _ = translator(lang).gettext
    return _("Not arranged")


def alerted_text(lang: Lang, at: datetime) -> str:
    _ = translator(lang).gettext
    return _("Staff alerted {when}").format(when=fmt_datetime(at, lang))


def result_text(lang: Lang, marked: Marked, name: str, need: str) -> str:
    _ = translator(lang).gettext
    if marked is Marked.ARRANGED:
        return _("{need} for {name} is marked as arranged, and the person has been told.").format(
            need=need, name=name
        )
    if marked is Marked.UNARRANGED:
        return _("{need} for {name} is no longer marked as arranged.").format(need=need, name=name)
    if marked is Marked.UNCHANGED:
        return _("Nothing changed: it already was so.")
    return _("That need is no longer on record. The page shows how things stand now.")


def hidden_for(lang: Lang, name: str, need: str) -> str:
    """Whom and what a row's button acts on, for screen readers."""
    _ = translator(lang).gettext
    return _("{need} for {name}").format(need=need, name=name)
