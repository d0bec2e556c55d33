"""What the reminder job says, in the person's language: plain, short, nothing to look at.

A participant's reminder is built from the confirmation's own pieces (when, where, the chosen
session, how to cancel on their channel), so the two never disagree; by e-mail it carries the
calendar file again, under the confirmation's UID, so a calendar updates its entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.i18n import Lang, fmt_date, fmt_datetime, normalise_lang, translator
from bot.knowledge.schema import Event
from bot.registrations.confirmation import (
    Message,
    calendar_for,
    checkin_text,
    how_to_cancel,
    session_text,
    when_and_where,
)
from bot.registrations.ics import calendar_filename
from bot.registrations.identity import EMAIL
from bot.registrations.results import RegistrationInfo
from bot.registrations.rules import signup_closes_at
from bot.reminders.schedule import DAY


@dataclass(frozen=True)
class Numbers:
    """How many have a seat and how many wait, for the event and per session."""

    registered: int
    waiting: int
    per_session: dict[str, int]


def reminder_message(
    event: Event, info: RegistrationInfo, which: str, channel: str, now: datetime
) -> Message:
    """The reminder for one registration (``which``: before the day, or the day itself)."""
    lang = normalise_lang(info.lang)
    _ = translator(lang).gettext
    if which == DAY:
        lead = _("Reminder: {title} is today.").format(title=event.title)
    else:
        lead = _("Reminder: you are registered for {title}.").format(title=event.title)
    lines = when_and_where(event, info.session_key, lang)
    paragraphs = [
        lead,
        "\n".join(lines),
        *checkin_text(info.checkin_code, lang),
        _("If you cannot come, please cancel so that someone else can have your seat.")
        + " "
        + how_to_cancel(event, channel, lang),
    ]
    ics: bytes | None = None
    if channel == EMAIL:
        paragraphs.append(_("The calendar file puts the event in your calendar."))
        ics = calendar_for(event, info, lang, channel, stamp=now)
    return Message(
        subject=_("Reminder: {title}").format(title=event.title),
        text="\n\n".join(paragraphs),
        ics=ics,
        ics_filename=calendar_filename(event) if ics else None,
        checkin_code=info.checkin_code,
    )


def deadline_text(event: Event, lang: Lang) -> str:
    """The deadline as the knowledge file gives it: a day, or a day and a time."""
    closes = signup_closes_at(event)
    registration = event.registration
    if registration is not None and registration.deadline_has_time:
        return fmt_datetime(closes, lang)
    return fmt_date(closes, lang)


def unfinished_text(event: Event, lang: Lang) -> str:
    """To a chat that began a signup and left it before the end."""
    _ = translator(lang).gettext
    return _(
        "You began signing up for {title}, but the signup was not finished. "
        "The deadline is {deadline}. Write /signup to sign up."
    ).format(title=event.title, deadline=deadline_text(event, lang))


def deadline_note(event: Event, numbers: Numbers, lang: Lang, channel: str) -> tuple[str, str]:
    """The note to staff that signup has closed: (subject, text)."""
    _ = translator(lang).gettext
    lines = [
        _("The signup deadline for {title} has passed ({deadline}).").format(
            title=event.title, deadline=deadline_text(event, lang)
        ),
        _("Registered: {count}").format(count=numbers.registered),
        _("On the waiting list: {count}").format(count=numbers.waiting),
    ]
    for key, count in numbers.per_session.items():
        label = session_text(event, key, lang)
        if label:
            lines.append(_("{session}: {count} registered").format(session=label, count=count))
    text = "\n".join(lines)
    if channel != EMAIL:  # the staff chat, where that command is
        text += "\n\n" + _("Write /participants {event} for the list of participants.").format(
            event=event.id
        )
    return _("Signup closed: {title}").format(title=event.title), text
