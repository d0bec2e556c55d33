"""What the participant is told after a signup or cancellation, in their language.

:func:`message_for` turns a service :class:`~bot.registrations.results.Result` into a
:class:`Message` (a subject for e-mail, the text, and a calendar file when there is a seat);
:func:`promotion_message` is what a person promoted from the waiting list is sent. A confirmation
carries everything needed on the day: the event, date and time, place, the chosen session, and
how to cancel. Channels send the message; they add nothing to it but their own form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.attendance.codes import format_code
from bot.i18n import Lang, fmt_date, fmt_datetime, fmt_time, normalise_lang, translator
from bot.knowledge.schema import Event
from bot.registrations.ics import calendar_filename, event_calendar
from bot.registrations.identity import EMAIL
from bot.registrations.models import RegistrationStatus
from bot.registrations.needs import noted_text
from bot.registrations.results import Outcome, RegistrationInfo, Result
from bot.registrations.rules import find_session, signup_closes_at


@dataclass(frozen=True)
class Message:
    """A reply: subject (for e-mail), text, and an optional calendar file to attach."""

    subject: str
    text: str
    ics: bytes | None = None
    ics_filename: str | None = None
    # The check-in code the text gives; a channel that can show pictures adds its QR code.
    checkin_code: str | None = None


def when_text(event: Event, lang: Lang) -> str:
    """'fredag den 31. maj 2024 kl. 11.00–14.30', or from-to for events over several days."""
    _ = translator(lang).gettext
    if event.start.date() == event.end.date():
        return _("{date} at {start}–{end}").format(
            date=fmt_date(event.start, lang),
            start=fmt_time(event.start, lang),
            end=fmt_time(event.end, lang),
        )
    return _("from {start} to {end}").format(
        start=fmt_datetime(event.start, lang), end=fmt_datetime(event.end, lang)
    )


def place_text(event: Event, lang: Lang) -> str | None:
    """The venue as one line: name and address, or online."""
    venue = event.venue
    if venue is None:
        return None
    _ = translator(lang).gettext
    parts = [p for p in (venue.name, venue.address) if p]
    if venue.online:
        parts.append(venue.online_details or _("online"))
    return ", ".join(parts)


def session_text(event: Event, key: str | None, lang: Lang) -> str | None:
    """'Workshop 1: Design af nye løsninger' for the chosen session."""
    session = find_session(event, key)
    if session is None:
        return None
    _ = translator(lang).gettext
    label = _("Workshop {key}") if session.kind == "workshop" else _("Session {key}")
    return f"{label.format(key=session.key)}: {session.title}"


def contact_email(event: Event) -> str | None:
    """Where to write about a signup: the signup address, else the first contact's."""
    if event.registration and event.registration.email:
        return str(event.registration.email)
    for contact in event.contacts:
        if contact.emails:
            return str(contact.emails[0])
    return None


def how_to_cancel(event: Event, channel: str | None, lang: Lang) -> str:
    """How to cancel, in the words of the channel the message goes out on (e-mail, or any chat
    channel), or of both when it is not known; and whom else to tell."""
    _ = translator(lang).gettext
    if channel == EMAIL:
        text = _('To cancel, reply to this e-mail with the word "cancel".')
    elif channel is not None:
        text = _('To cancel, write "cancel" here in the chat.')
    else:
        text = _(
            'To cancel, write "cancel" to me in the chat, '
            'or reply "cancel" to the confirmation e-mail.'
        )
    email = contact_email(event)
    if email:
        text += " " + _("You can also contact {contact}.").format(contact=email)
    return text


def when_and_where(event: Event, session_key: str | None, lang: Lang) -> list[str]:
    """When, where, and the session chosen: the lines every message about the day gives."""
    _ = translator(lang).gettext
    lines = [_("When: {when}").format(when=when_text(event, lang))]
    place = place_text(event, lang)
    if place:
        lines.append(_("Where: {place}").format(place=place))
    session = session_text(event, session_key, lang)
    if session:
        lines.append(_("Your choice: {session}").format(session=session))
    return lines


def details(event: Event, info: RegistrationInfo, lang: Lang) -> list[str]:
    """The lines a confirmation lists: when, where, the choice, and what the person told us."""
    _ = translator(lang).gettext
    lines = when_and_where(event, info.session_key, lang)
    lines.append(_("Name: {name}").format(name=info.name))
    lines.append(_("Organisation: {organisation}").format(organisation=info.organisation))
    noted = noted_text(info.need_kinds, info.companions, lang)
    if noted:
        lines.append(noted)  # repeated back in plain words, so the person sees they were heard
    if info.needs:
        lines.append(_("Your needs: {needs}").format(needs=info.needs))
    return lines


def needs_question(info: RegistrationInfo, lang: Lang, channel: str | None) -> list[str]:
    """By e-mail, one simple question about needs when the person gave none (a reply is read)."""
    if channel != EMAIL or info.need_kinds or info.needs:
        return []
    _ = translator(lang).gettext
    return [
        _(
            "If you need anything to take part, such as an interpreter, a hearing loop, room "
            "for a wheelchair, a helper who comes along or a special diet, just reply to this "
            "e-mail and tell us."
        )
    ]


def calendar_for(
    event: Event,
    info: RegistrationInfo,
    lang: Lang,
    channel: str | None,
    stamp: datetime | None = None,
) -> bytes:
    """The person's calendar file: the event, their choice, and how to cancel.

    One UID per registration, so a later file (a reminder's, with a newer ``stamp``) updates
    the entry the confirmation made instead of adding a second one.
    """
    _ = translator(lang).gettext
    description = []
    session = session_text(event, info.session_key, lang)
    if session:
        description.append(_("Your choice: {session}").format(session=session))
    description.append(how_to_cancel(event, channel, lang))
    return event_calendar(
        event,
        location=place_text(event, lang),
        description="\n".join(description),
        registration=info,
        stamp=stamp,
    )


def checkin_text(code: str | None, lang: Lang) -> list[str]:
    """The check-in code in words, for the door: the QR code holds the same, so a person who
    cannot show the picture says or shows the code."""
    if code is None:
        return []
    _ = translator(lang).gettext
    return [
        _("Your check-in code is {code}. Show the QR code or say the code when you arrive.").format(
            code=format_code(code)
        )
    ]


def _seat_message(
    event: Event, info: RegistrationInfo, lead: str, lang: Lang, channel: str | None
) -> Message:
    _ = translator(lang).gettext
    paragraphs = [
        lead,
        "\n".join(details(event, info, lang)),
        *checkin_text(info.checkin_code, lang),
        *needs_question(info, lang, channel),
        _("If you cannot come, please cancel so that someone else can have your seat.")
        + " "
        + how_to_cancel(event, channel, lang),
        _("The calendar file puts the event in your calendar."),
    ]
    return Message(
        subject=_("Registration: {title}").format(title=event.title),
        text="\n\n".join(paragraphs),
        ics=calendar_for(event, info, lang, channel),
        ics_filename=calendar_filename(event),
        checkin_code=info.checkin_code,
    )


def _waiting_message(
    event: Event, info: RegistrationInfo, lead: str, lang: Lang, channel: str | None
) -> Message:
    _ = translator(lang).gettext
    paragraphs = [
        lead,
        "\n".join(details(event, info, lang)),
        *needs_question(info, lang, channel),
        how_to_cancel(event, channel, lang),
    ]
    return Message(
        subject=_("Waiting list: {title}").format(title=event.title), text="\n\n".join(paragraphs)
    )


def _closed_text(event: Event, result: Result, lang: Lang) -> str:
    _ = translator(lang).gettext
    registration = event.registration
    if result.outcome is Outcome.FULL:
        text = _("Signup for {title} is closed.").format(title=event.title)
    elif registration is not None and registration.deadline is not None:
        deadline = result.deadline or signup_closes_at(event)
        shown = (
            fmt_datetime(deadline, lang)
            if registration.deadline_has_time
            else fmt_date(deadline, lang)
        )
        text = _(
            "The signup deadline for {title} was {deadline}, so I cannot sign you up any more."
        ).format(title=event.title, deadline=shown)
    else:
        text = _("{title} has already begun, so it is too late to sign up.").format(
            title=event.title
        )
    email = contact_email(event)
    if email:
        text += " " + _("You can also contact {contact}.").format(contact=email)
    return text


def message_for(result: Result, event: Event, *, lang: Lang, channel: str | None = None) -> Message:
    """What to tell the person who signed up or cancelled."""
    _ = translator(lang).gettext
    info = result.registration
    title = event.title
    outcome = result.outcome
    if outcome is Outcome.REGISTERED and info:
        lead = _("You are registered for {title}.").format(title=title)
        return _seat_message(event, info, lead, lang, channel)
    if outcome is Outcome.WAITLISTED and info:
        lead = _(
            "There is no free seat, so you are on the waiting list for {title} as number "
            "{position}. We will write to you if a seat becomes free."
        ).format(title=title, position=info.position)
        return _waiting_message(event, info, lead, lang, channel)
    if outcome is Outcome.ALREADY_REGISTERED and info:
        if info.status is RegistrationStatus.WAITLISTED:
            lead = _(
                "You are already on the waiting list for {title} as number {position}."
            ).format(title=title, position=info.position)
            return _waiting_message(event, info, lead, lang, channel)
        lead = _("You are already registered for {title}.").format(title=title)
        return _seat_message(event, info, lead, lang, channel)
    if outcome is Outcome.UPDATED and info:
        lead = _("We have updated your registration for {title}.").format(title=title)
        if not info.need_kinds:
            lead += " " + _("We have noted that you have no special needs.")
        if info.status is RegistrationStatus.WAITLISTED:
            return _waiting_message(event, info, lead, lang, channel)
        return _seat_message(event, info, lead, lang, channel)
    if outcome in (Outcome.DEADLINE_PASSED, Outcome.FULL):
        return Message(subject=title, text=_closed_text(event, result, lang))
    if outcome is Outcome.CANCELLED:
        text = _("You are no longer signed up for {title}.").format(title=title)
        return Message(subject=_("Cancelled: {title}").format(title=title), text=text)
    text = _(
        "I cannot find a registration for {title} in your name, so there was nothing to cancel."
    ).format(title=title)
    return Message(subject=title, text=text)


def promotion_message(event: Event, info: RegistrationInfo, *, channel: str | None) -> Message:
    """What to tell a person promoted from the waiting list, in the language they signed up in."""
    lang = normalise_lang(info.lang)
    _ = translator(lang).gettext
    lead = _("Good news: a seat has become free, and you are now registered for {title}.").format(
        title=event.title
    )
    return _seat_message(event, info, lead, lang, channel)


def my_registrations_text(
    infos: Sequence[RegistrationInfo], events: Callable[[str], Event | None], lang: Lang
) -> str:
    """The person's registrations as a short list."""
    _ = translator(lang).gettext
    if not infos:
        return _("You are not signed up for anything.")
    lines = [_("Your registrations:")]
    for info in infos:
        event = events(info.event_slug)
        line = f"{event.title}, {when_text(event, lang)}" if event else info.event_slug
        session = session_text(event, info.session_key, lang) if event else None
        if session:
            line += f" ({session})"
        if info.status is RegistrationStatus.WAITLISTED:
            line += " – " + _("waiting list number {position}").format(position=info.position)
        lines.append(f"- {line}")
    return "\n".join(lines)
